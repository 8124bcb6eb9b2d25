import { Duration } from 'aws-cdk-lib';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { findingsOfRule, queueWithDlq, testFunction } from '../helpers';

const RULE = 'QueueConsumedWithoutDlq';

// A message its consumer keeps failing on is received until retention deletes it without a redrive policy
// (SQS Developer Guide, "Using dead-letter queues in Amazon SQS").
test('a queue consumed by Lambda without a redrive policy is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const queue = new sqs.Queue(stack, 'Orders', { visibilityTimeout: Duration.seconds(60) });
    testFunction(stack).addEventSource(new sources.SqsEventSource(queue, { reportBatchItemFailures: true }));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Orders/Resource' })]);
});

test('the same queue with a dead-letter queue is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const queue = queueWithDlq(stack, 'Orders', { visibilityTimeout: Duration.seconds(60) });
    testFunction(stack).addEventSource(new sources.SqsEventSource(queue, { reportBatchItemFailures: true }));
  });
  expect(findings).toEqual([]);
});
