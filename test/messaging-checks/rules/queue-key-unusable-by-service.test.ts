import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { findingsOfRule } from '../helpers';

const RULE = 'QueueKeyUnusableByService';

/** The queue Billing, encrypted as given, subscribed to the topic Orders and a target of the rule OrderPlaced through aws-cdk-lib's L2 classes. */
function billingQueueFedByL2(scope: Construct, encryption: sqs.QueueEncryption): void {
  const queue = new sqs.Queue(scope, 'Billing', { encryption });
  new sns.Topic(scope, 'Orders').addSubscription(new subscriptions.SqsSubscription(queue));
  new events.Rule(scope, 'OrderPlaced', { eventPattern: { source: ['shop'] } }).addTarget(new targets.SqsQueue(queue));
}

// Services sending to an encrypted queue need "a customer managed KMS key" with permissions in its policy, and "you cannot
// modify the key policy of an AWS managed KMS key for Amazon SQS" (SQS Developer Guide, "Amazon SQS key management").
// (aws-cdk-lib's SqsSubscription refuses such a queue; its events target and sns.Subscription do not.)
test('a queue encrypted with alias/aws/sqs that SNS and EventBridge deliver to is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const queue = new sqs.Queue(stack, 'Billing', { encryption: sqs.QueueEncryption.KMS_MANAGED });
    new sns.Subscription(stack, 'BillingSubscription', { topic: new sns.Topic(stack, 'Orders'), protocol: sns.SubscriptionProtocol.SQS, endpoint: queue.queueArn });
    new events.Rule(stack, 'OrderPlaced', { eventPattern: { source: ['shop'] } }).addTarget(new targets.SqsQueue(queue));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Billing/Resource' })]);
  expect(findings[0].description).toMatch(/alias\/aws\/sqs, and SNS delivers to it .*; it is a target of the rule OrderPlaced/);
});

test('the same queue with SSE-SQS is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => billingQueueFedByL2(stack, sqs.QueueEncryption.SQS_MANAGED));
  expect(findings).toEqual([]);
});

// "To use an encrypted Amazon SQS queue as a dead-letter queue, you must use a custom KMS with a key policy that grants
// the Amazon SNS service principal access" (Amazon SNS Developer Guide, "Amazon SNS dead-letter queues").
test('a subscription dead-letter queue encrypted with alias/aws/sqs is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const deadLetterQueue = new sqs.Queue(stack, 'OrdersDlq', { encryption: sqs.QueueEncryption.KMS_MANAGED });
    const endpoint = new sqs.Queue(stack, 'Billing').queueArn;
    new sns.Subscription(stack, 'BillingSubscription', { topic: new sns.Topic(stack, 'Orders'), protocol: sns.SubscriptionProtocol.SQS, endpoint, deadLetterQueue });
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/OrdersDlq/Resource' })]);
  expect(findings[0].description).toMatch(/dead-letter queue of the subscription/);
});

// A customer-managed key works when its policy lets the service use it; aws-cdk-lib's SqsSubscription and SqsQueue add
// those statements, a subscription written by hand does not.
test('a customer-managed key: not flagged through aws-cdk-lib\'s L2 targets, an error when the policy leaves SNS out', () => {
  const viaL2 = findingsOfRule(RULE, (stack) => billingQueueFedByL2(stack, sqs.QueueEncryption.KMS));
  expect(viaL2).toEqual([]);
  const byHand = findingsOfRule(RULE, (stack) => {
    const queue = new sqs.Queue(stack, 'Billing', { encryption: sqs.QueueEncryption.KMS });
    new sns.CfnSubscription(stack, 'BillingSubscription', { topicArn: new sns.Topic(stack, 'Orders').topicArn, protocol: 'sqs', endpoint: queue.queueArn });
  });
  expect(byHand).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Billing/Resource' })]);
  expect(byHand[0].description).toMatch(/does not let sns.amazonaws.com use it/);
});

// A key of another app: its policy cannot be read here.
test('a queue whose key is outside the app is a note, never an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    const queue = new sqs.Queue(stack, 'Billing', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key });
    new sns.Topic(stack, 'Orders').addSubscription(new subscriptions.SqsSubscription(queue));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'info', path: 'Test/Billing/Resource' })]);
});

test('a queue no service delivers to is not judged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    new sqs.Queue(stack, 'Billing', { encryption: sqs.QueueEncryption.KMS_MANAGED });
  });
  expect(findings).toEqual([]);
});
