/**
 * The TypeScript twin of examples/python-app, examples/java-app and
 * examples/go-app: the same stack, the same construct ids and the same
 * options, written in each language. test-languages/ synthesizes the four
 * apps and requires their templates to be equal.
 *
 * Every construct of the library is used once, with options that are not the
 * defaults: a KMS-encrypted queue with a consumer, a fan-out topic with
 * filter policies (attributes, message body, `$or`), a filtered Lambda
 * subscription, an EventBridge route to three kinds of target, and a Kinesis
 * CQRS pipeline with a second projection using a custom projector.
 */
import { App, CfnOutput, Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  EventBusRoute,
  FanoutTopic,
  FilteredSubscription,
  KinesisCqrsPipeline,
  MessagingChecks,
  QueueWithDlq,
  RouteTarget,
  SubscriptionFilters,
  TopicEncryption,
} from 'cdk-message-patterns';
import { Construct } from 'constructs';

/** The code of every function of the app (identical in the four languages). */
const HANDLER = 'exports.handler = async (event) => { console.log(JSON.stringify(event)); return { batchItemFailures: [] }; };';

/** A small Node.js function that logs what it receives. */
function handler(scope: Construct, id: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline(HANDLER),
    timeout: Duration.seconds(10),
    memorySize: 256,
  });
}

export class MessagePatternsStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // An on-call topic CloudWatch can notify: a key and a topic policy that let cloudwatch.amazonaws.com in.
    const alerts = new FanoutTopic(this, 'Alerts', { servicePublishers: ['cloudwatch.amazonaws.com'] });
    const alarmAction = new cloudwatchActions.SnsAction(alerts.topic);
    const orderService = new iam.Role(this, 'OrderService', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const operator = new iam.Role(this, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });

    // QueueWithDlq: a KMS-encrypted queue with a consumer.
    const orders = new QueueWithDlq(this, 'Orders', {
      queueName: 'orders',
      maxReceiveCount: 3,
      retentionPeriod: Duration.days(7),
      encryption: sqs.QueueEncryption.KMS,
      dataKeyReuse: Duration.minutes(15),
      removalPolicy: RemovalPolicy.RETAIN,
      consumer: handler(this, 'OrderConsumer'),
      consumerOptions: { batchSize: 5, maxConcurrency: 4 },
      oldestMessageAgeThreshold: Duration.minutes(10),
      alarmAction,
    });
    orders.grantRedrive(operator);

    // FanoutTopic: a customer-managed key EventBridge may use, subscribers with filter policies.
    const placed = new FanoutTopic(this, 'OrderPlaced', {
      topicName: 'order-placed',
      encryption: TopicEncryption.KMS,
      servicePublishers: ['events.amazonaws.com'],
      alarmAction,
      subscribers: {
        billing: { consumer: handler(this, 'Billing'), maxReceiveCount: 4 },
        shipping: {
          consumer: handler(this, 'Shipping'),
          filterPolicy: {
            country: SubscriptionFilters.equalsIgnoreCase('fr', 'de', 'es'),
            priority: sns.SubscriptionFilter.numericFilter({ between: { start: 1, stop: 5 } }),
          },
        },
      },
    });
    placed.addQueueSubscriber('fraud-check', {
      consumer: handler(this, 'FraudCheck'),
      retentionPeriod: Duration.days(2),
      filterPolicyWithMessageBody: {
        amount: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.numericFilter({ greaterThan: 1000 })),
        customer: sns.FilterOrPolicy.policy({
          tier: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.stringFilter({ allowlist: ['gold', 'platinum'] })),
        }),
      },
    });
    // A queue of the app's own: its dead-letter queue keeps what its consumer keeps failing on.
    const auditDlq = new sqs.Queue(this, 'AuditDeadLetterQueue', { enforceSSL: true, retentionPeriod: Duration.days(14) });
    const audit = new sqs.Queue(this, 'AuditQueue', { enforceSSL: true, deadLetterQueue: { queue: auditDlq, maxReceiveCount: 5 } });
    placed.addExistingQueueSubscriber('audit', audit, { rawMessageDelivery: true });
    placed.grantPublish(orderService);

    // FilteredSubscription: a Lambda function behind an `$or` policy.
    new FilteredSubscription(this, 'Refunds', {
      topic: placed.topic,
      lambdaFunction: handler(this, 'RefundHandler'),
      filterPolicy: {
        [SubscriptionFilters.OR_KEY]: SubscriptionFilters.orPolicies([
          { source: SubscriptionFilters.cidr('10.0.0.0/8') },
          { channel: SubscriptionFilters.anythingButPrefix('test-') },
        ]),
      },
      alarmAction,
    });

    // EventBusRoute: a new bus, three kinds of target, an archive, another account allowed to put events.
    const route = new EventBusRoute(this, 'LargeOrders', {
      eventBusName: 'orders',
      eventPattern: {
        source: ['shop.orders'],
        detailType: ['OrderPlaced'],
        detail: { amount: events.Match.greaterThan(100) },
      },
      targets: [
        RouteTarget.newQueue({
          queueProps: { queueName: 'large-orders', consumer: handler(this, 'LargeOrderConsumer'), maxReceiveCount: 2 },
          retryAttempts: 20,
        }),
        RouteTarget.topic(placed.topic, {
          input: events.RuleTargetInput.fromEventPath('$.detail'),
          maxEventAge: Duration.hours(2),
        }),
        RouteTarget.lambdaFunction(handler(this, 'Notifier'), { retryAttempts: 3 }),
      ],
      retryAttempts: 50,
      maxEventAge: Duration.hours(6),
      deadLetterRetentionPeriod: Duration.days(10),
      archive: { archiveName: 'orders', retention: Duration.days(7) },
      putEventsAccounts: ['111111111111'],
      alarmAction,
    });
    route.grantPutEvents(orderService);

    // KinesisCqrsPipeline: the library's projector, and a second projection with a custom one.
    const ledger = new KinesisCqrsPipeline(this, 'OrderLedger', {
      streamMode: kinesis.StreamMode.PROVISIONED,
      shardCount: 2,
      retentionPeriod: Duration.days(3),
      partitionKey: 'orderId',
      projectorMemorySize: 512,
      batchSize: 200,
      parallelizationFactor: 2,
      retryAttempts: 5,
      alarmAction,
    });
    const byCustomer = ledger.addProjection('OrdersByCustomer', {
      projector: handler(this, 'CustomerProjector'),
      partitionKey: 'customerId',
      batchSize: 50,
      enhancedFanOut: true,
    });
    ledger.grantWriteEvents(orderService);
    byCustomer.grantQuery(operator);

    // What the constructs expose, read back through each language's binding.
    new CfnOutput(this, 'OrdersQueueUrl', { value: orders.queue.queueUrl });
    new CfnOutput(this, 'OrdersDeadLetterQueueUrl', { value: orders.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'OrderPlacedTopicArn', { value: placed.topic.topicArn });
    new CfnOutput(this, 'EventBusArn', { value: route.eventBus.eventBusArn });
    new CfnOutput(this, 'ArchiveArn', { value: route.archive!.archiveArn });
    new CfnOutput(this, 'LedgerStreamArn', { value: ledger.stream.streamArn });
    new CfnOutput(this, 'LedgerTableName', { value: ledger.table.tableName });
    new CfnOutput(this, 'CustomerTableName', { value: byCustomer.table.tableName });
    const alarmCount = orders.alarms.length + placed.alarms.length + route.alarms.length + ledger.alarms.length;
    new CfnOutput(this, 'AlarmCount', { value: String(alarmCount) });
  }
}

const app = new App();
// Message-loss and deploy-time checks: errors fail the synth, warnings are reported.
Validations.of(app).addPlugins(new MessagingChecks(app));
new MessagePatternsStack(app, 'MessagePatterns');
app.synth();
