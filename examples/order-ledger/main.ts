/**
 * Order ledger: event sourcing with CQRS on Kinesis.
 *
 * - `PlaceOrder` (command side) appends order events to the stream, using the
 *   order id as partition key so that an order's events stay in order.
 * - The library's projector folds them into the `orders` read model.
 * - `GetOrder` (query side) reads that model, read-only.
 * - `OrdersV2` is a second projection rebuilt from the trim horizon: it replays
 *   every retained event into a new table while `orders` keeps serving.
 */
import { App, Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisCqrsPipeline, MessagingChecks } from 'cdk-message-patterns';
import { Construct } from 'constructs';

export class OrderLedgerStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const ledger = new KinesisCqrsPipeline(this, 'OrderLedger', {
      retentionPeriod: Duration.days(7),
    });

    // Command side: { orderId, version, type, data, mode? } → one event on the stream.
    const placeOrder = new lambda.Function(this, 'PlaceOrder', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment: { STREAM_NAME: ledger.stream.streamName },
      code: lambda.Code.fromInline(`
const { KinesisClient, PutRecordCommand } = require('@aws-sdk/client-kinesis');
const kinesis = new KinesisClient({});
exports.handler = async (command) => {
  const event = {
    entityId: command.orderId,
    version: command.version,
    type: command.type,
    time: new Date().toISOString(),
    data: command.data,
    mode: command.mode ?? 'snapshot',
  };
  const result = await kinesis.send(new PutRecordCommand({
    StreamName: process.env.STREAM_NAME,
    PartitionKey: command.orderId,
    Data: Buffer.from(JSON.stringify(event)),
  }));
  return { sequenceNumber: result.SequenceNumber };
};`),
    });
    ledger.grantWriteEvents(placeOrder);

    // Query side: GetItem on the read model.
    const getOrder = new lambda.Function(this, 'GetOrder', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment: { TABLE_NAME: ledger.table.tableName },
      code: lambda.Code.fromInline(`
const { DynamoDBClient, GetItemCommand } = require('@aws-sdk/client-dynamodb');
const { unmarshall } = require('@aws-sdk/util-dynamodb');
const dynamodb = new DynamoDBClient({});
exports.handler = async ({ orderId }) => {
  const { Item } = await dynamodb.send(new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { pk: { S: orderId } } }));
  return Item ? unmarshall(Item) : null;
};`),
    });
    ledger.grantQuery(getOrder);

    // A new version of the read model, rebuilt from the trim horizon while
    // the first one keeps serving. Switch GetOrder to it once its iterator
    // age is near zero, then remove the old projection.
    const ordersV2 = ledger.addProjection('OrdersV2', { batchSize: 500, maxBatchingWindow: Duration.seconds(5) });
    ordersV2.grantQuery(getOrder);
  }
}

const app = new App();
// Message-loss and deploy-time checks: errors fail the synth, warnings are reported.
Validations.of(app).addPlugins(new MessagingChecks(app));
new OrderLedgerStack(app, 'OrderLedger');
app.synth();
