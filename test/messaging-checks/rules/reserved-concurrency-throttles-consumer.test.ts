import { Duration } from 'aws-cdk-lib';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { findingsOfRule, queueWithDlq, testFunction } from '../helpers';

const RULE = 'ReservedConcurrencyThrottlesConsumer';

/** The function Fn, with this reserved concurrency, consuming the queue Orders through an SQS event source with these props. */
function ordersConsumer(scope: Construct, reservedConcurrentExecutions: number, sourceProps: sources.SqsEventSourceProps = {}): void {
  const queue = queueWithDlq(scope, 'Orders', { visibilityTimeout: Duration.seconds(60) });
  const fn = testFunction(scope, { reservedConcurrentExecutions });
  fn.addEventSource(new sources.SqsEventSource(queue, { reportBatchItemFailures: true, ...sourceProps }));
}

// Reserved concurrency 0 throttles every invocation (Lambda Developer Guide, "Configuring reserved concurrency").
test('a consumer with reserved concurrency 0 is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => ordersConsumer(stack, 0));
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Fn/Resource' })]);
});

test('an SNS endpoint with reserved concurrency 0 is an error too', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    new sns.Topic(stack, 'Topic').addSubscription(new subscriptions.LambdaSubscription(testFunction(stack, { reservedConcurrentExecutions: 0 })));
  });
  expect(findings.map((f) => f.severity)).toEqual(['error']);
});

// "Event source mappings don't account for reserved concurrency" and the SQS poller starts with five concurrent batches
// (re:Post knowledge center "lambda-sqs-scaling"; Lambda Developer Guide, "Configuring scaling behavior for SQS event source mappings").
test('an SQS consumer with reserved concurrency below 5 is a warning', () => {
  const findings = findingsOfRule(RULE, (stack) => ordersConsumer(stack, 2));
  expect(findings).toEqual([expect.objectContaining({ severity: 'warning', path: 'Test/Fn/Resource' })]);
});

test('a maximum concurrency above the reserved concurrency is a warning', () => {
  const findings = findingsOfRule(RULE, (stack) => ordersConsumer(stack, 10, { maxConcurrency: 20 }));
  expect(findings.map((f) => f.description)).toEqual([expect.stringContaining('maximum concurrency of its SQS event source mapping')]);
});

test('limiting with the mapping\'s maximum concurrency under a sufficient reservation is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => ordersConsumer(stack, 10, { maxConcurrency: 10 }));
  expect(findings).toEqual([]);
});

test('reserved concurrency 0 on a function that consumes nothing is not flagged', () => {
  expect(findingsOfRule(RULE, (stack) => testFunction(stack, { reservedConcurrentExecutions: 0 }))).toEqual([]);
});
