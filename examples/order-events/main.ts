/**
 * Order events: a custom event bus `orders` with two routes.
 *
 * - `OrderPlaced` events with `detail.amount` above 100 go to a queue (with
 *   its own dead-letter queue) consumed by a Lambda function.
 * - `OrderCancelled` events go to a Lambda function and an SNS topic.
 *
 * Every delivery is retried and lands in the route's dead-letter queue when
 * it keeps failing, alarms say so, and the bus's events are archived for 7
 * days so that they can be replayed.
 */
import { App, Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EventBusRoute, MessagingChecks, RouteTarget } from 'cdk-message-patterns';
import { Construct } from 'constructs';

export class OrderEventsStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Processes large orders from the queue; reports failed records only.
    const largeOrderConsumer = new lambda.Function(this, 'LargeOrderConsumer', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      timeout: Duration.seconds(10),
      memorySize: 256,
      code: lambda.Code.fromInline(`
exports.handler = async (event) => {
  for (const record of event.Records) {
    const order = JSON.parse(record.body);
    console.log(JSON.stringify({ orderId: order.detail.orderId, amount: order.detail.amount }));
  }
  return { batchItemFailures: [] };
};`),
    });

    const largeOrders = new EventBusRoute(this, 'LargeOrders', {
      eventBusName: 'orders',
      eventPattern: {
        source: ['shop.orders'],
        detailType: ['OrderPlaced'],
        detail: { amount: events.Match.greaterThan(100) },
      },
      targets: [RouteTarget.newQueue({ queueProps: { queueName: 'large-orders', consumer: largeOrderConsumer } })],
      archive: { archiveAllEvents: true, archiveName: 'orders', retention: Duration.days(7) },
    });

    // Releases the stock of a cancelled order. An event that names no order fails: EventBridge invokes the
    // function asynchronously, so Lambda retries it and then parks it in the route's on-failure queue.
    const releaseStock = new lambda.Function(this, 'ReleaseStock', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      timeout: Duration.seconds(10),
      memorySize: 256,
      code: lambda.Code.fromInline(`
exports.handler = async (event) => {
  console.log(JSON.stringify({ eventId: event.id, cancelled: event.detail?.orderId }));
  if (!event.detail?.orderId) {
    throw new Error('event ' + event.id + ' names no order');
  }
};`),
    });

    const cancellations = new sns.Topic(this, 'OrderCancellations', {
      enforceSSL: true,
      masterKey: new kms.Key(this, 'OrderCancellationsKey', { enableKeyRotation: true }),
    });

    // A second route on the same bus.
    new EventBusRoute(this, 'CancelledOrders', {
      eventBus: largeOrders.eventBus,
      eventPattern: { source: ['shop.orders'], detailType: ['OrderCancelled'] },
      targets: [
        RouteTarget.lambdaFunction(releaseStock),
        RouteTarget.topic(cancellations, { input: events.RuleTargetInput.fromEventPath('$.detail') }),
      ],
    });
  }
}

const app = new App();
// Message-loss and deploy-time checks: errors fail the synth, warnings are reported.
Validations.of(app).addPlugins(new MessagingChecks(app));
new OrderEventsStack(app, 'OrderEvents');
app.synth();
