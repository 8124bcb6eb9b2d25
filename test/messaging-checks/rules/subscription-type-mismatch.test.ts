import { CfnParameter } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { findingsOfRule, testFunction } from '../helpers';

const RULE = 'SubscriptionTypeMismatch';

// Subscribe fails with "FIFO SQS Queues can not be subscribed to standard SNS topics" (AWS-validated in getmoto/moto#8957).
test('a FIFO queue subscribed to a standard topic is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const topic = new sns.Topic(stack, 'Orders');
    topic.addSubscription(new subscriptions.SqsSubscription(new sqs.Queue(stack, 'Billing', { fifo: true })));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: expect.stringMatching(/^Test\/Billing\/TestOrders.*\/Resource$/) })]);
  expect(findings[0].description).toMatch(/FIFO queue Billing.* to the topic Orders.*, a standard topic/);
});

// The same pair with both ends FIFO is what SNS expects ("Message delivery for FIFO topics", Amazon SNS Developer Guide).
test('a FIFO queue subscribed to a FIFO topic is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const topic = new sns.Topic(stack, 'Orders', { fifo: true });
    topic.addSubscription(new subscriptions.SqsSubscription(new sqs.Queue(stack, 'Billing', { fifo: true })));
  });
  expect(findings).toEqual([]);
});

// Since 2023-09-14 "Amazon SNS FIFO topics support delivery to both Amazon SQS standard and FIFO queues" (fifo-message-delivery.html).
test('a standard queue subscribed to a FIFO topic is allowed', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const topic = new sns.Topic(stack, 'Orders', { fifo: true });
    topic.addSubscription(new subscriptions.SqsSubscription(new sqs.Queue(stack, 'Analytics')));
  });
  expect(findings).toEqual([]);
});

// FIFO topics deliver to SQS only; Lambda reads them through a queue (Amazon SNS Developer Guide, "Message delivery for FIFO topics").
test('a Lambda function subscribed to a FIFO topic is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const topic = new sns.Topic(stack, 'Orders', { fifo: true });
    topic.addSubscription(new subscriptions.LambdaSubscription(testFunction(stack)));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: expect.stringMatching(/^Test\/Fn\/Orders\/Resource$/) })]);
  expect(findings[0].description).toMatch(/protocol lambda to the topic Orders.*, a FIFO topic/);
});

// The .fifo suffix of a literal ARN tells a FIFO topic; an imported topic known only at deploy time cannot be judged.
test('a FIFO queue subscribed to an imported topic: error when its ARN names a standard topic, a note when unknown', () => {
  const standard = findingsOfRule(RULE, (stack) => {
    const topic = sns.Topic.fromTopicArn(stack, 'Orders', 'arn:aws:sns:us-east-1:123456789012:orders');
    topic.addSubscription(new subscriptions.SqsSubscription(new sqs.Queue(stack, 'Billing', { fifo: true })));
  });
  expect(standard).toEqual([expect.objectContaining({ severity: 'error' })]);
  const unknown = findingsOfRule(RULE, (stack) => {
    const arn = new CfnParameter(stack, 'TopicArn').valueAsString;
    const topic = sns.Topic.fromTopicArn(stack, 'Orders', arn);
    topic.addSubscription(new subscriptions.SqsSubscription(new sqs.Queue(stack, 'Billing', { fifo: true })));
  });
  expect(unknown).toEqual([expect.objectContaining({ severity: 'info' })]);
  const fifo = findingsOfRule(RULE, (stack) => {
    const topic = sns.Topic.fromTopicArn(stack, 'Orders', 'arn:aws:sns:us-east-1:123456789012:orders.fifo');
    topic.addSubscription(new subscriptions.SqsSubscription(new sqs.Queue(stack, 'Billing', { fifo: true })));
  });
  expect(fifo).toEqual([]);
});
