import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { findingsOfRule, testFunction } from '../helpers';

const RULE = 'DlqTypeMismatch';

// "the queue type must match the source queue type—a FIFO queue can only use a FIFO DLQ, and a standard queue can only use a standard DLQ"
// (SQS Developer Guide, "Configure a dead-letter queue using the Amazon SQS console").
test('a standard queue with a FIFO dead-letter queue is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const dlq = new sqs.Queue(stack, 'OrdersDlq', { fifo: true, retentionPeriod: Duration.days(14) });
    new sqs.Queue(stack, 'Orders', { deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Orders/Resource' })]);
});

test('a FIFO queue with a standard dead-letter queue is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const dlq = new sqs.Queue(stack, 'OrdersDlq', { retentionPeriod: Duration.days(14) });
    new sqs.Queue(stack, 'Orders', { fifo: true, deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Orders/Resource' })]);
});

test('a FIFO queue with a FIFO dead-letter queue is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const dlq = new sqs.Queue(stack, 'OrdersDlq', { fifo: true, retentionPeriod: Duration.days(14) });
    new sqs.Queue(stack, 'Orders', { fifo: true, deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
  });
  expect(findings).toEqual([]);
});

// Only FIFO queues may have a name ending in .fifo (SQS CreateQueue): a literal ARN tells the type of a queue outside the app.
test('a dead-letter queue outside the app is judged by the name in its ARN', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const dlq = sqs.Queue.fromQueueArn(stack, 'SharedDlq', 'arn:aws:sqs:us-east-1:222222222222:shared-dlq.fifo');
    new sqs.Queue(stack, 'Orders', { deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Orders/Resource' })]);
});

// "FIFO topic subscriptions use FIFO queues, and standard topic subscriptions use standard queues"
// (SNS Developer Guide, "Amazon SNS dead-letter queues").
test('a subscription of a standard topic with a FIFO dead-letter queue is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const topic = new sns.Topic(stack, 'Orders');
    const queue = new sqs.Queue(stack, 'Billing');
    const dlq = new sqs.Queue(stack, 'BillingSubscriptionDlq', { fifo: true });
    topic.addSubscription(new subs.SqsSubscription(queue, { deadLetterQueue: dlq }));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: expect.stringMatching(/^Test\/Billing\/TestOrders.*\/Resource$/) })]);
});

// The DLQ follows the topic's type, not the endpoint's: a FIFO topic delivering to a standard queue still needs a FIFO DLQ (same note).
test('a subscription of a FIFO topic with a FIFO dead-letter queue is not flagged, with a standard one it is', () => {
  const build = (dlqFifo: boolean) => findingsOfRule(RULE, (stack) => {
    const topic = new sns.Topic(stack, 'Orders', { fifo: true });
    const queue = new sqs.Queue(stack, 'Billing', { fifo: true });
    const dlq = new sqs.Queue(stack, 'BillingSubscriptionDlq', { fifo: dlqFifo });
    topic.addSubscription(new subs.SqsSubscription(queue, { deadLetterQueue: dlq }));
  });
  expect(build(true)).toEqual([]);
  expect(build(false)).toEqual([expect.objectContaining({ severity: 'error' })]);
});

// An imported topic given by a token-only ARN cannot be told apart: a note, never an error.
test('a subscription whose topic type cannot be told is a note', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const topicArn = new CfnParameter(stack, 'TopicArn').valueAsString;
    const topic = sns.Topic.fromTopicArn(stack, 'Orders', topicArn);
    const queue = new sqs.Queue(stack, 'Billing');
    const dlq = new sqs.Queue(stack, 'BillingSubscriptionDlq');
    topic.addSubscription(new subs.SqsSubscription(queue, { deadLetterQueue: dlq }));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'info' })]);
});

// "Only standard queues are supported. You can't use a FIFO queue for a DLQ in EventBridge." (EventBridge User Guide, eb-rule-dlq).
test('an EventBridge target with a FIFO dead-letter queue is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const dlq = new sqs.Queue(stack, 'TargetDlq', { fifo: true });
    new events.Rule(stack, 'Nightly', { schedule: events.Schedule.rate(Duration.days(1)), targets: [new targets.LambdaFunction(testFunction(stack), { deadLetterQueue: dlq })] });
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Nightly/Resource' })]);
});

test('an EventBridge target with a standard dead-letter queue is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const dlq = new sqs.Queue(stack, 'TargetDlq');
    new events.Rule(stack, 'Nightly', { schedule: events.Schedule.rate(Duration.days(1)), targets: [new targets.LambdaFunction(testFunction(stack), { deadLetterQueue: dlq })] });
  });
  expect(findings).toEqual([]);
});
