import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EventPipe, PipeSource, PipeTarget, QueueWithDlq } from '../../../src';
import { findingsOfRule, tableWithStream } from '../helpers';

/** A pipe written with aws-cdk-lib's L1, as an app without the library writes one. */
function rawPipe(stack: Stack, source: string, sourceParameters?: pipes.CfnPipe.PipeSourceParametersProperty): pipes.CfnPipe {
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com') });
  return new pipes.CfnPipe(stack, 'Pipe', { roleArn: role.roleArn, source, sourceParameters, target: new events.EventBus(stack, 'Bus').eventBusArn });
}

const STREAM_RULE = 'PipeStreamSourceWithoutDlq';
const FILTER_RULE = 'PipeSqsSourceFiltersDeleteMessages';

// EventBridge User Guide, "Pipe error handling": "For stream sources, such as DynamoDB and Kinesis streams, you can configure a DLQ
// for the pipe"; Pipes API Reference, PipeSourceKinesisStreamParameters: MaximumRetryAttempts and MaximumRecordAgeInSeconds -1
// (infinite) by default.
test('a pipe from a Kinesis stream without DeadLetterConfig is an error, saying that its defaults also hold the shard', () => {
  const findings = findingsOfRule(STREAM_RULE, (stack) => {
    rawPipe(stack, new kinesis.Stream(stack, 'Stream').streamArn, { kinesisStreamParameters: { startingPosition: 'TRIM_HORIZON' } });
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Pipe' })]);
  expect(findings[0].description).toContain('a failing record holds its shard until it expires');
});

test('a pipe from a DynamoDB stream with bounded retries but no DeadLetterConfig is an error; with one it is not flagged', () => {
  const without = findingsOfRule(STREAM_RULE, (stack) => {
    rawPipe(stack, tableWithStream(stack).tableStreamArn!, { dynamoDbStreamParameters: { startingPosition: 'LATEST', maximumRetryAttempts: 3 } });
  });
  expect(without).toEqual([expect.objectContaining({ severity: 'error' })]);
  expect(without[0].description).not.toContain('holds its shard');
  const withDlq = findingsOfRule(STREAM_RULE, (stack) => {
    const dlq = new sqs.Queue(stack, 'Dlq');
    rawPipe(stack, tableWithStream(stack).tableStreamArn!, {
      dynamoDbStreamParameters: { startingPosition: 'LATEST', maximumRetryAttempts: 3, deadLetterConfig: { arn: dlq.queueArn } },
    });
  });
  expect(withDlq).toEqual([]);
});

// Pipes takes no DeadLetterConfig for an SQS source (the queue's own redrive policy parks what fails): not this rule's concern.
test('a pipe from an SQS queue is not flagged by the stream rule', () => {
  expect(findingsOfRule(STREAM_RULE, (stack) => { rawPipe(stack, new sqs.Queue(stack, 'Orders').queueArn); })).toEqual([]);
});

// EventBridge User Guide, "Event filtering in Amazon EventBridge Pipes": "If an Amazon SQS message doesn't satisfy your filter
// criteria, EventBridge automatically removes the message from the queue".
test('a pipe filtering an SQS queue (a queue of the app, or an SQS ARN) is a warning; without filters, or on a stream, it is not', () => {
  const filterCriteria = { filters: [{ pattern: JSON.stringify({ body: { amount: [{ numeric: ['>=', 100] }] } }) }] };
  const ofApp = findingsOfRule(FILTER_RULE, (stack) => { rawPipe(stack, new sqs.Queue(stack, 'Orders').queueArn, { filterCriteria }); });
  expect(ofApp).toEqual([expect.objectContaining({ severity: 'warning', description: expect.stringContaining('with 1 filter') })]);
  const byArn = findingsOfRule(FILTER_RULE, (stack) => { rawPipe(stack, 'arn:aws:sqs:us-east-1:222222222222:orders', { filterCriteria }); });
  expect(byArn).toEqual([expect.objectContaining({ severity: 'warning' })]);
  expect(findingsOfRule(FILTER_RULE, (stack) => { rawPipe(stack, new sqs.Queue(stack, 'Orders').queueArn, { filterCriteria: { filters: [] } }); })).toEqual([]);
  expect(findingsOfRule(FILTER_RULE, (stack) => {
    rawPipe(stack, new kinesis.Stream(stack, 'Stream').streamArn, { kinesisStreamParameters: { startingPosition: 'LATEST' }, filterCriteria });
  })).toEqual([]);
});

// EventPipe gives stream sources a dead-letter queue, and reports the SQS filter as its own warning (acknowledged here).
test('EventPipe: a stream source and a filtered queue source are not flagged by either rule', () => {
  for (const rule of [STREAM_RULE, FILTER_RULE]) {
    expect(findingsOfRule(rule, (stack) => {
      new EventPipe(stack, 'FromStream', { source: PipeSource.kinesisStream(new kinesis.Stream(stack, 'Stream')), target: PipeTarget.eventBus(new events.EventBus(stack, 'Bus')) });
      new EventPipe(stack, 'FromQueue', {
        source: PipeSource.queueWithDlq(new QueueWithDlq(stack, 'Orders')),
        filters: [{ body: { amount: [{ numeric: ['>=', 100] }] } }],
        target: PipeTarget.eventBus(new events.EventBus(stack, 'Bus2')),
      });
    })).toEqual([]);
  }
});
