import { Duration } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { findingsOfRule, streamProjector, tableWithStream } from '../helpers';

const RULE = 'StreamEventSourceWithoutFailureDestination';

/** The function Fn reading the Kinesis stream Orders from its start with 10 retries, failed batches going to the queue Failures if asked. */
function kinesisProjector(scope: Construct, withFailureQueue: boolean): void {
  const stream = new kinesis.Stream(scope, 'Orders');
  const failures = withFailureQueue ? new sqs.Queue(scope, 'Failures', { retentionPeriod: Duration.days(14) }) : undefined;
  streamProjector(scope).addEventSource(new sources.KinesisEventSource(stream, {
    startingPosition: lambda.StartingPosition.TRIM_HORIZON,
    retryAttempts: 10,
    bisectBatchOnError: true,
    onFailure: failures && new sources.SqsDlq(failures),
  }));
}

// Lambda discards the records of a batch it gives up on; "To retain a record of discarded batches, configure a failed-event destination"
// (Lambda Developer Guide, "Retain discarded batch records for a Kinesis Data Streams event source in Lambda").
test('a Kinesis event source with a retry limit and no on-failure destination is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => kinesisProjector(stack, false));
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: expect.stringMatching(/^Test\/Fn\/KinesisEventSource:TestOrders.*\/Resource$/) })]);
});

test('the same event source with an SQS on-failure destination is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => kinesisProjector(stack, true));
  expect(findings).toEqual([]);
});

// Same behaviour for DynamoDB Streams (Lambda Developer Guide, services-ddb-params: DestinationConfig keeps discarded records).
test('a DynamoDB stream event source without an on-failure destination is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const table = tableWithStream(stack);
    const eventSource = new sources.DynamoEventSource(table, { startingPosition: lambda.StartingPosition.LATEST, retryAttempts: 3 });
    streamProjector(stack).addEventSource(eventSource);
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error' })]);
});

// Enhanced fan-out reads through a stream consumer: still a Kinesis stream mapping.
test('an enhanced fan-out consumer without an on-failure destination is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const stream = new kinesis.Stream(stack, 'Orders');
    const consumer = new kinesis.StreamConsumer(stack, 'Consumer', { stream, streamConsumerName: 'projector' });
    streamProjector(stack).addEventSource(new sources.KinesisConsumerEventSource(consumer, {
      startingPosition: lambda.StartingPosition.LATEST,
      retryAttempts: 3,
    }));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error' })]);
});
