import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { findingsOfRule } from '../helpers';

const RULE = 'AlarmTopicUnusableByCloudWatch';

function alarmNotifying(scope: Construct, topic: sns.ITopic): void {
  const queue = new sqs.Queue(scope, 'Orders');
  queue.metricApproximateAgeOfOldestMessage().createAlarm(scope, 'OrdersAge', { threshold: 300, evaluationPeriods: 1 }).addAlarmAction(new actions.SnsAction(topic));
}

const cloudWatchMayUseKey = () =>
  new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'] });

// CloudWatch must be let use the topic's key, which the AWS-managed alias/aws/sns never does (Amazon SNS Developer Guide,
// "Enable compatibility between event sources from AWS services and encrypted topics").
test('an alarm notifying a topic encrypted with alias/aws/sns is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    alarmNotifying(stack, new sns.Topic(stack, 'Alerts', { masterKey: kms.Alias.fromAliasName(stack, 'SnsKey', 'alias/aws/sns') }));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/OrdersAge/Resource' })]);
  expect(findings[0].description).toMatch(/the topic Alerts.*AWS-managed key alias\/aws\/sns/);
});

// The same page: a customer-managed key must let cloudwatch.amazonaws.com use kms:GenerateDataKey* and kms:Decrypt.
test('a customer-managed key without CloudWatch is an error; with it, not flagged', () => {
  const broken = findingsOfRule(RULE, (stack) => {
    alarmNotifying(stack, new sns.Topic(stack, 'Alerts', { masterKey: new kms.Key(stack, 'Key') }));
  });
  expect(broken).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/OrdersAge/Resource' })]);
  expect(broken[0].description).toMatch(/whose key Key.* does not let cloudwatch.amazonaws.com use it/);
  const fixed = findingsOfRule(RULE, (stack) => {
    const key = new kms.Key(stack, 'Key');
    key.addToResourcePolicy(cloudWatchMayUseKey());
    alarmNotifying(stack, new sns.Topic(stack, 'Alerts', { masterKey: key }));
  });
  expect(fixed).toEqual([]);
});

// A topic policy replaces SNS's default policy; CloudWatch then needs a statement letting it publish
// (AWS re:Post, "Why didn't I receive an SNS notification for my CloudWatch alarm trigger?").
test('a topic whose policy (enforceSSL) leaves CloudWatch out is an error; adding CloudWatch fixes it', () => {
  const broken = findingsOfRule(RULE, (stack) => {
    alarmNotifying(stack, new sns.Topic(stack, 'Alerts', { enforceSSL: true }));
  });
  expect(broken).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/OrdersAge/Resource' })]);
  expect(broken[0].description).toMatch(/topic policy AlertsPolicy.* does not let cloudwatch.amazonaws.com publish/);
  const fixed = findingsOfRule(RULE, (stack) => {
    const topic = new sns.Topic(stack, 'Alerts', { enforceSSL: true });
    topic.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')], actions: ['sns:Publish'], resources: [topic.topicArn] }),
    );
    alarmNotifying(stack, topic);
  });
  expect(fixed).toEqual([]);
});

test('an unencrypted topic with SNS\'s default policy is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => alarmNotifying(stack, new sns.Topic(stack, 'Alerts')));
  expect(findings).toEqual([]);
});

// A topic of another app: its key and policy cannot be read here.
test('an imported topic is a note, never an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    alarmNotifying(stack, sns.Topic.fromTopicArn(stack, 'Alerts', 'arn:aws:sns:us-east-1:123456789012:alerts'));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'info', path: 'Test/OrdersAge/Resource' })]);
});

// Alarm actions that are not SNS topics (EC2 actions) are not this rule's concern.
test('an EC2 alarm action is not judged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    new cloudwatch.Alarm(stack, 'Cpu', {
      metric: new cloudwatch.Metric({ namespace: 'AWS/EC2', metricName: 'CPUUtilization' }),
      threshold: 90,
      evaluationPeriods: 1,
    }).addAlarmAction(new actions.Ec2Action(actions.Ec2InstanceAction.REBOOT));
  });
  expect(findings).toEqual([]);
});
