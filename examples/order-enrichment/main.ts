/**
 * Order enrichment: two EventBridge pipes.
 *
 * - Orders waiting in a queue (`orders-to-enrich`, with its own dead-letter
 *   queue) whose `amount` is at least 100 are enriched by a Lambda function
 *   that adds the customer's name and tier, and put on the event bus
 *   `enriched-orders` as `OrderEnriched` events; a route there delivers them
 *   to the queue `enriched-orders`. Smaller orders are deleted by the pipe's
 *   filter (the synth warns about it; acknowledged: this queue is the pipe's alone).
 * - Status changes written to the DynamoDB table `order-status` are carried
 *   by its stream to the SNS topic `order-status-changes`, whose subscriber
 *   queue `status-audit` keeps them. A record the pipe cannot deliver is
 *   retried 10 times, then parked in the pipe's dead-letter queue.
 *
 * Every dead-letter queue and the pipes' failure metrics are alarmed.
 */
import { Annotations, App, Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  EventBusRoute, EventPipe, FanoutTopic, MessagingChecks, PipeEnrichment, PipeSource, PipeTarget, QueueWithDlq, RouteTarget,
} from 'cdk-message-patterns';
import { Construct } from 'constructs';

export class OrderEnrichmentStack extends Stack {
  /** The pipe from the orders queue to the event bus, for its offline filter checks. */
  public readonly enrichmentPipe: EventPipe;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Hidden for 60 seconds once received: 6 times the enrichment's 10-second timeout, as AWS advises for a pipe's source.
    const orders = new QueueWithDlq(this, 'OrdersToEnrich', { queueName: 'orders-to-enrich', visibilityTimeout: Duration.seconds(60) });

    // Pipes hands the enrichment the batch as a JSON array of SQS records and waits for the enriched array: the
    // target gets one event per element. A customer the directory does not know is marked so, never dropped.
    const addCustomer = new lambda.Function(this, 'AddCustomer', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      timeout: Duration.seconds(10),
      memorySize: 256,
      code: lambda.Code.fromInline(`
const CUSTOMERS = { c1: { name: 'Ada', tier: 'gold' }, c2: { name: 'Grace', tier: 'silver' } };
exports.handler = async (records) => records.map((record) => {
  const order = JSON.parse(record.body);
  const customer = CUSTOMERS[order.customerId] ?? { name: null, tier: 'unknown' };
  return { ...order, customer: { id: order.customerId, ...customer } };
});`),
    });

    const enriched = new EventBusRoute(this, 'EnrichedOrders', {
      eventBusName: 'enriched-orders',
      eventPattern: { source: ['shop.enrichment'], detailType: ['OrderEnriched'] },
      targets: [RouteTarget.newQueue({ queueProps: { queueName: 'enriched-orders' } })],
    });

    this.enrichmentPipe = new EventPipe(this, 'EnrichOrders', {
      source: PipeSource.queueWithDlq(orders),
      filters: [{ body: { amount: [{ numeric: ['>=', 100] }] } }],
      enrichment: PipeEnrichment.lambdaFunction(addCustomer),
      target: PipeTarget.eventBus(enriched.eventBus, { source: 'shop.enrichment', detailType: 'OrderEnriched' }),
    });
    // The filter deletes the orders below 100 from the queue: acknowledged, since the queue is this pipe's alone and
    // those orders need no enrichment (another consumer of them would need a queue of its own).
    Annotations.of(this.enrichmentPipe).acknowledgeWarning(
      'cdk-message-patterns:pipeFilterDeletesMessages',
      'orders-to-enrich is read by this pipe alone; orders below 100 need no enrichment',
    );

    const status = new dynamodb.Table(this, 'OrderStatus', {
      tableName: 'order-status',
      partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      stream: dynamodb.StreamViewType.NEW_IMAGE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const changes = new FanoutTopic(this, 'StatusChanges', {
      topicName: 'order-status-changes',
      subscribers: { 'status-audit': { queueName: 'status-audit' } },
    });

    new EventPipe(this, 'PublishStatusChanges', {
      source: PipeSource.dynamoDbStream(status),
      filters: [{ eventName: ['INSERT', 'MODIFY'] }],
      target: PipeTarget.topic(changes.topic),
    });
  }
}

const app = new App();
// Message-loss and deploy-time checks: errors fail the synth, warnings are reported.
Validations.of(app).addPlugins(new MessagingChecks(app));
new OrderEnrichmentStack(app, 'OrderEnrichment');
app.synth();
