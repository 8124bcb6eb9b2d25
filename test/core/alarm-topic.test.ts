import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EventBusRoute, FanoutTopic, QueueWithDlq, RouteTarget, TopicEncryption } from '../../src';
import { testStack } from '../helpers/nag';

/**
 * CloudWatch cannot publish alarm notifications to a topic encrypted with the
 * AWS-managed key alias/aws/sns, nor with a customer-managed key whose policy
 * does not let cloudwatch.amazonaws.com use it (kms:Decrypt,
 * kms:GenerateDataKey*): the alarm fires and the notification is dropped.
 * Source: Amazon SNS Developer Guide, "Enable compatibility between event
 * sources from AWS services and encrypted topics",
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 * (CloudWatch is among the services listed; the AWS-managed key's policy
 * cannot be changed, so it is never usable by them).
 */

const CLOUDWATCH_KEY_STATEMENT = () =>
  new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
  });

describe('alarm actions on topics CloudWatch cannot use fail synth', () => {
  test('a FanoutTopic with its default AWS-managed key as alarmAction', () => {
    const { app, stack } = testStack();
    const alarms = new FanoutTopic(stack, 'Alarms');
    new QueueWithDlq(stack, 'Orders', { alarmAction: new cloudwatchActions.SnsAction(alarms.topic) });
    expect(() => app.synth()).toThrow(/the alarm notifies the topic Test\/Alarms\/Resource, which is encrypted with the AWS-managed key alias\/aws\/sns.*servicePublishers: \['cloudwatch.amazonaws.com'\]/s);
  });

  test('the fix one prop away: servicePublishers with cloudwatch.amazonaws.com', () => {
    const { app, stack } = testStack();
    const alarms = new FanoutTopic(stack, 'Alarms', { servicePublishers: ['cloudwatch.amazonaws.com'] });
    new QueueWithDlq(stack, 'Orders', { alarmAction: new cloudwatchActions.SnsAction(alarms.topic) });
    expect(() => app.synth()).not.toThrow();
  });

  test('an action added later to an exposed alarm is checked too', () => {
    const { app, stack } = testStack();
    const alarms = new FanoutTopic(stack, 'Alarms');
    const route = new EventBusRoute(stack, 'Route', { eventPattern: { source: ['shop'] }, targets: [RouteTarget.newQueue()] });
    route.failedInvocationsAlarm!.addAlarmAction(new cloudwatchActions.SnsAction(alarms.topic));
    expect(() => app.synth()).toThrow(/Route\/FailedInvocationsAlarm.*alias\/aws\/sns/s);
  });

  test('a topic with a customer-managed key whose policy leaves CloudWatch out', () => {
    const { app, stack } = testStack();
    const key = new kms.Key(stack, 'Key');
    const topic = new sns.Topic(stack, 'Topic', { masterKey: key });
    new QueueWithDlq(stack, 'Orders', { alarmAction: new cloudwatchActions.SnsAction(topic) });
    expect(() => app.synth()).toThrow(/whose key Test\/Key does not let cloudwatch.amazonaws.com use it/);
  });

  test('the same key with a statement for CloudWatch passes', () => {
    const { app, stack } = testStack();
    const key = new kms.Key(stack, 'Key');
    key.addToResourcePolicy(CLOUDWATCH_KEY_STATEMENT());
    const topic = new sns.Topic(stack, 'Topic', { masterKey: key });
    new QueueWithDlq(stack, 'Orders', { alarmAction: new cloudwatchActions.SnsAction(topic) });
    expect(() => app.synth()).not.toThrow();
  });

  test('a topic whose own policy (enforceSSL) replaces the default one and leaves CloudWatch out', () => {
    // SNS's default topic policy lets the owner account's services publish (AWS:SourceOwner);
    // aws-cdk-lib's enforceSSL writes a topic policy with only a Deny, which replaces it, and
    // SnsAction grants nothing. Source: Amazon SNS Developer Guide, "Example cases for Amazon SNS
    // access control" (Allow any CloudWatch alarm to publish to a topic),
    // https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
    const { app, stack } = testStack();
    const topic = new sns.Topic(stack, 'Topic', { enforceSSL: true });
    new QueueWithDlq(stack, 'Orders', { alarmAction: new cloudwatchActions.SnsAction(topic) });
    expect(() => app.synth()).toThrow(/whose topic policy Test\/Topic\/Policy replaces SNS's default policy and does not let cloudwatch.amazonaws.com publish/);
  });

  test('the FanoutTopic fix writes the CloudWatch statement into its topic policy, scoped to the account\'s alarms', () => {
    const { stack } = testStack();
    new FanoutTopic(stack, 'Alarms', { servicePublishers: ['cloudwatch.amazonaws.com'] });
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', Match.arrayWith([':cloudwatch:', ':alarm:*'])] } } },
          }),
        ]),
      },
    });
  });

  test('an imported topic whose key is the AWS-managed alias', () => {
    const { app, stack } = testStack();
    const topic = sns.Topic.fromTopicAttributes(stack, 'Imported', {
      topicArn: 'arn:aws:sns:us-east-1:111111111111:alarms',
      keyArn: 'arn:aws:kms:us-east-1:111111111111:alias/aws/sns',
    });
    new QueueWithDlq(stack, 'Orders', { alarmAction: new cloudwatchActions.SnsAction(topic) });
    expect(() => app.synth()).toThrow(/Test\/Imported, which is encrypted with the AWS-managed key alias\/aws\/sns/);
  });

  test('an imported topic with a customer-managed key of another app: a warning, since its policy cannot be read here', () => {
    const { stack } = testStack();
    const topic = sns.Topic.fromTopicAttributes(stack, 'Imported', {
      topicArn: 'arn:aws:sns:us-east-1:111111111111:alarms',
      keyArn: 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
    new QueueWithDlq(stack, 'Orders', { alarmAction: new cloudwatchActions.SnsAction(topic) });
    Annotations.fromStack(stack).hasWarning('/Test/Imported', Match.stringLikeRegexp('must let cloudwatch.amazonaws.com use it'));
  });

  test('an unencrypted topic and a FanoutTopic with KMS and CloudWatch as publisher pass', () => {
    const { app, stack } = testStack();
    const plain = new sns.Topic(stack, 'Plain');
    const fanout = new FanoutTopic(stack, 'Alarms', { encryption: TopicEncryption.KMS, servicePublishers: ['cloudwatch.amazonaws.com'] });
    new QueueWithDlq(stack, 'A', { alarmAction: new cloudwatchActions.SnsAction(plain) });
    new QueueWithDlq(stack, 'B', { alarmAction: new cloudwatchActions.SnsAction(fanout.topic) });
    expect(() => app.synth()).not.toThrow();
  });
});
