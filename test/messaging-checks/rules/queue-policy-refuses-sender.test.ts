import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { findingsOfRule, queueWithDlq } from '../helpers';

const RULE = 'QueuePolicyRefusesSender';

// SNS sends as sns.amazonaws.com; without a queue policy allowing it sqs:SendMessage, every delivery is refused
// (SQS Developer Guide, "Subscribing an Amazon SQS queue to an Amazon SNS topic"; re:Post "sns-sqs-subscriptions-notifications").
test('a subscription written by hand (no queue policy) is an error on the queue', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const topic = new sns.Topic(stack, 'Topic');
    const queue = queueWithDlq(stack, 'Orders');
    new sns.CfnSubscription(stack, 'Subscription', { topicArn: topic.topicArn, protocol: 'sqs', endpoint: queue.queueArn });
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Orders/Resource', description: expect.stringContaining('no queue policy') })]);
});

test('a queue policy that allows another service only is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const topic = new sns.Topic(stack, 'Topic');
    const queue = queueWithDlq(stack, 'Orders');
    queue.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [queue.queueArn],
    }));
    new sns.CfnSubscription(stack, 'Subscription', { topicArn: topic.topicArn, protocol: 'sqs', endpoint: queue.queueArn });
  });
  expect(findings.map((f) => f.description)).toEqual([expect.stringContaining('No statement of its queue policy allows it for sns.amazonaws.com')]);
});

test('SqsSubscription writes the queue policy: not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    new sns.Topic(stack, 'Topic').addSubscription(new subscriptions.SqsSubscription(queueWithDlq(stack, 'Orders')));
  });
  expect(findings).toEqual([]);
});

// EventBridge uses the resource-based policy of an SQS target unless the target has an execution role
// (EventBridge User Guide, "Using resource-based policies for Amazon EventBridge").
test('an EventBridge target written by hand without a queue policy is an error; with an execution role it is not judged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const withoutPolicy = queueWithDlq(stack, 'Orders');
    const withRole = queueWithDlq(stack, 'Audit');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('events.amazonaws.com') });
    withRole.grantSendMessages(role);
    new events.CfnRule(stack, 'Rule', {
      eventPattern: { source: ['orders'] },
      targets: [
        { id: 'orders', arn: withoutPolicy.queueArn },
        { id: 'audit', arn: withRole.queueArn, roleArn: role.roleArn },
      ],
    });
  });
  expect(findings.map((f) => f.path)).toEqual(['Test/Orders/Resource']);
});

test('events-targets.SqsQueue writes the queue policy: not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    new events.Rule(stack, 'Rule', { eventPattern: { source: ['orders'] }, targets: [new targets.SqsQueue(queueWithDlq(stack, 'Orders'))] });
  });
  expect(findings).toEqual([]);
});

// aws-cdk-lib cannot add to the policy of an imported queue (its template has no queue policy), and its policy cannot be read here.
test('a subscription to a queue outside the app is a note', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const queue = sqs.Queue.fromQueueArn(stack, 'Partner', 'arn:aws:sqs:us-east-1:222222222222:partner-events');
    new sns.Topic(stack, 'Topic').addSubscription(new subscriptions.SqsSubscription(queue));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'info', description: expect.stringMatching(/^Not checked: the queue arn:aws:sqs:us-east-1:222222222222:partner-events/) })]);
});
