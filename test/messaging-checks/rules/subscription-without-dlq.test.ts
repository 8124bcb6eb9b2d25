import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { findingsOfRule, testFunction } from '../helpers';

const RULE = 'SubscriptionWithoutDlq';

// "When the delivery policy is exhausted, Amazon SNS stops retrying the delivery and discards the message—unless a
// dead-letter queue is attached to the subscription" (Amazon SNS Developer Guide, "Amazon SNS message delivery retries").
test('SQS and Lambda subscriptions without a redrive policy are errors', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const topic = new sns.Topic(stack, 'Orders');
    topic.addSubscription(new subscriptions.SqsSubscription(new sqs.Queue(stack, 'Billing')));
    topic.addSubscription(new subscriptions.LambdaSubscription(testFunction(stack)));
  });
  expect(findings.map((f) => [f.severity, f.path]).sort()).toEqual([
    ['error', expect.stringMatching(/^Test\/Billing\/TestOrders.*\/Resource$/)],
    ['error', 'Test/Fn/Orders/Resource'],
  ]);
  expect(findings.map((f) => f.description).join('\n')).toMatch(/the queue Billing.* \(protocol sqs\) with no redrive policy/);
});

test('the same subscriptions with a dead-letter queue are not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const topic = new sns.Topic(stack, 'Orders');
    const deadLetterQueue = new sqs.Queue(stack, 'OrdersDlq');
    topic.addSubscription(new subscriptions.SqsSubscription(new sqs.Queue(stack, 'Billing'), { deadLetterQueue }));
    topic.addSubscription(new subscriptions.LambdaSubscription(testFunction(stack), { deadLetterQueue }));
  });
  expect(findings).toEqual([]);
});

// AWS::SNS::Topic's Subscription property has only Endpoint and Protocol: no redrive policy can be given there
// (CloudFormation, "AWS::SNS::Topic Subscription").
test('an inline topic subscription of a queue is an error saying it cannot carry a redrive policy', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const queue = new sqs.Queue(stack, 'Billing');
    new sns.CfnTopic(stack, 'Orders', { subscription: [{ protocol: 'sqs', endpoint: queue.queueArn }] });
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Orders' })]);
  expect(findings[0].description).toMatch(/inline subscription .* cannot have a dead-letter queue/);
});

// SNS retries other protocols under other policies: the rule covers the AWS-managed SQS and Lambda endpoints only.
test('an email subscription is not judged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    new sns.Topic(stack, 'Orders').addSubscription(new subscriptions.EmailSubscription('ops@example.com'));
  });
  expect(findings).toEqual([]);
});
