import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { findingsOfRule, testFunction } from '../helpers';

const RULE = 'RawDeliveryUnsupported';

// Raw delivery exists for SQS, HTTP/S and Firehose only; SNS refuses the attribute on other protocols even when false
// ("Delivery protocol [lambda] does not support raw message delivery"; aws-cloudformation/cloudformation-coverage-roadmap#399).
test('RawMessageDelivery false on a lambda subscription is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const fn = testFunction(stack);
    new sns.Subscription(stack, 'Billing', { topic: new sns.Topic(stack, 'Orders'), protocol: sns.SubscriptionProtocol.LAMBDA, endpoint: fn.functionArn, rawMessageDelivery: false });
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Billing/Resource' })]);
  expect(findings[0].description).toMatch(/RawMessageDelivery is false on a subscription with the protocol lambda/);
});

test('a lambda subscription without the attribute, and raw delivery to a queue, are not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const topic = new sns.Topic(stack, 'Orders');
    topic.addSubscription(new subscriptions.LambdaSubscription(testFunction(stack)));
    topic.addSubscription(new subscriptions.SqsSubscription(new sqs.Queue(stack, 'Billing'), { rawMessageDelivery: true }));
  });
  expect(findings).toEqual([]);
});
