import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { findingsOfRule, queueWithDlq, testFunction } from '../helpers';

const RULE = 'SqsEventSourceRejectedBatching';

/** The queue Orders and its dead-letter queue, both FIFO or both standard. */
const queue = (scope: Construct, fifo: boolean) => queueWithDlq(scope, 'Orders', { fifo, visibilityTimeout: Duration.seconds(120), deadLetterQueueProps: { fifo } });

/** aws-cdk-lib's SqsEventSource refuses these settings itself: the mistakes are written with EventSourceMapping, which does not. */
function mapping(scope: Construct, source: sqs.IQueue, props: { batchSize?: number; maxBatchingWindow?: Duration }): lambda.EventSourceMapping {
  return new lambda.EventSourceMapping(scope, 'Mapping', { target: testFunction(scope), eventSourceArn: source.queueArn, reportBatchItemFailures: true, ...props });
}

/** The findings on a mapping, with these settings, of the queue Orders, FIFO or standard. */
function findingsOnMapping(fifo: boolean, props: { batchSize?: number; maxBatchingWindow?: Duration }) {
  return findingsOfRule(RULE, (stack) => {
    mapping(stack, queue(stack, fifo), props);
  });
}

// "MaximumBatchingWindowInSeconds ... Batching window is not supported for FIFO queues" (Lambda Developer Guide, services-sqs-parameters).
test('a batching window on a FIFO queue is an error', () => {
  const findings = findingsOnMapping(true, { maxBatchingWindow: Duration.seconds(5) });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Mapping/Resource' })]);
});

// "For FIFO queues, the maximum is 10." (same page).
test('a batch size of 20 on a FIFO queue is an error', () => {
  const findings = findingsOnMapping(true, { batchSize: 20 });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Mapping/Resource' })]);
});

test('a FIFO queue consumed with the defaults is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    testFunction(stack).addEventSource(new sources.SqsEventSource(queue(stack, true), { reportBatchItemFailures: true }));
  });
  expect(findings).toEqual([]);
});

// "when you set BatchSize to a value greater than 10, you must set MaximumBatchingWindowInSeconds to at least 1" (CreateEventSourceMapping).
test('a batch size of 100 on a standard queue without a batching window is an error', () => {
  const findings = findingsOnMapping(false, { batchSize: 100 });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Mapping/Resource' })]);
});

test('a batch size of 100 on a standard queue with a 1 s batching window is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    testFunction(stack).addEventSource(new sources.SqsEventSource(queue(stack, false), {
      reportBatchItemFailures: true,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(1),
    }));
  });
  expect(findings).toEqual([]);
});

// Only FIFO queues have names ending in .fifo: a literal ARN tells the type of a queue outside the app.
test('a batching window on a FIFO queue outside the app is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    mapping(stack, sqs.Queue.fromQueueArn(stack, 'Shared', 'arn:aws:sqs:us-east-1:222222222222:shared-orders.fifo'), { maxBatchingWindow: Duration.seconds(5) });
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error' })]);
});

// The documentation does not say whether Lambda accepts an explicit window of 0 s on a FIFO queue: a note, never an error.
test('a batching window of 0 s on a FIFO queue is a note', () => {
  const findings = findingsOnMapping(true, { maxBatchingWindow: Duration.seconds(0) });
  expect(findings).toEqual([expect.objectContaining({ severity: 'info', path: 'Test/Mapping/Resource' })]);
});
