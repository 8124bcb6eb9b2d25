import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { findingsOfRule } from '../helpers';

const RULE = 'DlqRetentionShorterThanSource';

// "For standard queues, the expiration of a message is always based on its original enqueue timestamp"
// (SQS Developer Guide, "Setting-up dead-letter queue retention in Amazon SQS").
test('a standard queue kept 14 days with a dead-letter queue kept 4 days (the default) is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const dlq = new sqs.Queue(stack, 'OrdersDlq');
    new sqs.Queue(stack, 'Orders', { retentionPeriod: Duration.days(14), deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Orders/Resource' })]);
  expect(findings[0].description).toContain('345600 s (4 days)');
  expect(findings[0].description).toContain('1209600 s (14 days)');
});

// Same page: the dead-letter queue's retention should be longer than the source's.
test('the same queue with a dead-letter queue kept 14 days is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const dlq = new sqs.Queue(stack, 'OrdersDlq', { retentionPeriod: Duration.days(14) });
    new sqs.Queue(stack, 'Orders', { retentionPeriod: Duration.days(14), deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
  });
  expect(findings).toEqual([]);
});

// CloudFormation takes numbers as strings too; the default retention (345600 s) applies to the dead-letter queue.
test('a retention period written as a string is read', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const dlq = new sqs.Queue(stack, 'OrdersDlq');
    const queue = new sqs.Queue(stack, 'Orders', { deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
    (queue.node.defaultChild as sqs.CfnQueue).addPropertyOverride('MessageRetentionPeriod', '604800');
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Orders/Resource' })]);
});

// "For FIFO queues, the enqueue timestamp resets when the message is moved to a dead-letter queue" (same page).
test('a FIFO queue with a dead-letter queue kept less time is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const dlq = new sqs.Queue(stack, 'OrdersDlq', { fifo: true });
    new sqs.Queue(stack, 'Orders', { fifo: true, retentionPeriod: Duration.days(14), deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
  });
  expect(findings).toEqual([]);
});

// The retention of a queue outside the app is unknown: a note, never an error.
test('a dead-letter queue outside the app is a note', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const dlq = sqs.Queue.fromQueueArn(stack, 'SharedDlq', 'arn:aws:sqs:us-east-1:222222222222:shared-dlq');
    new sqs.Queue(stack, 'Orders', { retentionPeriod: Duration.days(14), deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'info', path: 'Test/Orders/Resource' })]);
  expect(findings[0].description).toContain('arn:aws:sqs:us-east-1:222222222222:shared-dlq');
});
