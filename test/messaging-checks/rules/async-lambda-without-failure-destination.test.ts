import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { findingsOfRule, testFunction } from '../helpers';

const RULE = 'AsyncLambdaWithoutFailureDestination';

// After two retries of a function error, "Lambda discards" the event unless the function has an on-failure destination
// or a dead-letter queue (Lambda Developer Guide, "How Lambda handles errors and retries with asynchronous invocation");
// the subscription's dead-letter queue does not catch function errors.
test('a function subscribed to a topic, with only a subscription DLQ, is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const topic = new sns.Topic(stack, 'Orders');
    topic.addSubscription(new subscriptions.LambdaSubscription(testFunction(stack), { deadLetterQueue: new sqs.Queue(stack, 'OrdersDlq') }));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Fn/Resource' })]);
  expect(findings[0].description).toMatch(/invoked asynchronously by the subscription FnOrders/);
});

// EventBridge invokes Lambda asynchronously too: its target DLQ keeps only events it could not hand to Lambda.
test('a function targeted by a rule without a failure destination is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const rule = new events.Rule(stack, 'OrderPlaced', { eventPattern: { source: ['shop'] } });
    rule.addTarget(new targets.LambdaFunction(testFunction(stack), { deadLetterQueue: new sqs.Queue(stack, 'RuleDlq') }));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Fn/Resource' })]);
  expect(findings[0].description).toMatch(/the rule OrderPlaced/);
});

test('the same functions with an on-failure destination or a dead-letter queue are not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const topic = new sns.Topic(stack, 'Orders');
    const failures = new sqs.Queue(stack, 'Failures');
    topic.addSubscription(new subscriptions.LambdaSubscription(testFunction(stack, { onFailure: new destinations.SqsDestination(failures) })));
    const rule = new events.Rule(stack, 'OrderPlaced', { eventPattern: { source: ['shop'] } });
    rule.addTarget(new targets.LambdaFunction(testFunction(stack, { deadLetterQueueEnabled: true }, 'Other')));
  });
  expect(findings).toEqual([]);
});

// A function of another app: its asynchronous configuration cannot be read here, so only a note on the subscription.
test('an imported function is a note on the subscription, never an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const fn = lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:us-east-1:123456789012:function:billing');
    new sns.Topic(stack, 'Orders').addSubscription(new subscriptions.LambdaSubscription(fn));
    new events.Rule(stack, 'OrderPlaced', { eventPattern: { source: ['shop'] } }).addTarget(new targets.LambdaFunction(fn));
  });
  expect(findings.map((f) => [f.severity, f.path]).sort()).toEqual([
    ['info', 'Test/Fn/Orders/Resource'],
    ['info', 'Test/OrderPlaced/Resource'],
  ]);
});
