/**
 * EventBridge Pipes delivers only the records that match the pipe's filters
 * (FilterCriteria); the emulator's pipes deliver every record of the stream.
 */
import { CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreatePipeCommand, DeletePipeCommand } from '@aws-sdk/client-pipes';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { defineGap } from './gap';
import { createQueue, messageArrives } from './probes';

export const PIPES_FILTER_CRITERIA = defineGap({
  id: 'pipes-filter-criteria',
  summary: 'EventBridge Pipes delivers only the source records that match one of the pipe\'s filters; MiniStack ignores FilterCriteria '
    + '(and enrichments, input templates, retries and dead-letter queues) and delivers every record of a DynamoDB stream.',
  source: 'Amazon EventBridge User Guide, Event filtering in Amazon EventBridge Pipes '
    + '(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-filtering.html)',
  probe: 'A pipe from a new table\'s stream to a new SNS topic with a queue subscribed, filtered on eventName REMOVE; an item put (an INSERT); '
    + 'waits up to 5 s for the queue.',
  handling: 'note',
  whenPresent: 'order-enrichment: the status records the pipe\'s filter drops (REMOVE) are expected at the topic\'s subscriber too, and the '
    + 'report says so; without the gap only INSERT and MODIFY records are expected.',
  async detect(clients) {
    const suffix = Date.now().toString(36);
    const { TableDescription } = await clients.dynamodb.send(new CreateTableCommand({
      TableName: `integ-probe-pipe-${suffix}`,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }));
    const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: `integ-probe-pipe-filter-${suffix}` }));
    const queue = await createQueue(clients, `integ-probe-pipe-filter-${suffix}`);
    await clients.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: { RawMessageDelivery: 'true' } }));
    const name = `integ-probe-filter-${suffix}`;
    await clients.pipes.send(new CreatePipeCommand({
      Name: name,
      Source: TableDescription!.LatestStreamArn!,
      SourceParameters: {
        DynamoDBStreamParameters: { StartingPosition: 'TRIM_HORIZON' },
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['REMOVE'] }) }] },
      },
      Target: TopicArn!,
      RoleArn: `arn:aws:iam::${clients.target.account}:role/integ-probe-pipe`,
      DesiredState: 'RUNNING',
    }));
    try {
      await clients.dynamodb.send(new PutItemCommand({ TableName: `integ-probe-pipe-${suffix}`, Item: { id: { S: 'probe' } } }));
      const arrived = await messageArrives(clients, queue.url, 5_000);
      return { present: arrived, detail: arrived ? 'the INSERT record reached the topic through a filter that admits REMOVE only' : 'the filter held the INSERT record back' };
    } finally {
      await clients.pipes.send(new DeletePipeCommand({ Name: name }));
    }
  },
});
