import { Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { QueueWithDlq } from '../../src';
import { AlarmTopic, AlarmTopicProps } from '../../src/alarm-topic';
import { alarmTopicProblems } from '../../src/core/alarm-topic';
import { testStack } from '../helpers/nag';
import { normalizedTemplate } from '../helpers/template';

function synth(props: AlarmTopicProps = {}, setup?: (stack: Stack) => AlarmTopicProps) {
  const { app, stack } = testStack();
  const construct = new AlarmTopic(stack, 'Alarms', { ...props, ...setup?.(stack) });
  return { app, stack, construct, template: Template.fromStack(stack) };
}

const TOPIC = 'AlarmsB3E93623';
const KEY = 'AlarmsKey3C2381B3';
const DLQ = 'AlarmsSubscriptionDeadLetterQueueDC177347';

/** The account's alarms, as the topic policy names them: arn:<partition>:cloudwatch:<region>:<account>:alarm:*. */
const ACCOUNT_ALARMS = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*']],
};

/** The statements of the key policy that name cloudwatch.amazonaws.com. */
function cloudWatchKeyStatements(template: Template, keyId = KEY): Record<string, unknown>[] {
  const key = template.toJSON().Resources[keyId];
  return key.Properties.KeyPolicy.Statement.filter((s: any) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
}

describe('AlarmTopic defaults: a topic CloudWatch can publish to', () => {
  // CloudWatch cannot publish to a topic encrypted with the AWS-managed key alias/aws/sns; it needs a
  // customer-managed key whose policy lets cloudwatch.amazonaws.com use it (kms:Decrypt, kms:GenerateDataKey*).
  // Amazon SNS Developer Guide, "Enable compatibility between event sources from AWS services and encrypted topics",
  // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
  test('creates a customer-managed key with rotation and encrypts the topic with it', () => {
    const { template, construct } = synth();
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, Description: 'Encrypts the alarm notifications of the topic Test/Alarms' });
    expect(template.toJSON().Resources[TOPIC].Properties).toEqual({ KmsMasterKeyId: { 'Fn::GetAtt': [KEY, 'Arn'] } });
    expect(construct.encryptionKey.node.path).toBe('Test/Alarms/Key');
  });

  test('the key policy lets cloudwatch.amazonaws.com use the key, scoped to this account', () => {
    // Same page: the statement AWS gives for CloudWatch allows kms:Decrypt and kms:GenerateDataKey*; the library
    // scopes every service statement (aws:SourceAccount here: the alarms are not known where the topic is made).
    expect(cloudWatchKeyStatements(synth().template)).toEqual([
      {
        Sid: 'AllowCloudWatchAlarmsToUseTheKey',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  // SNS's default topic policy lets the owner account's services publish; a topic policy set by the app replaces it,
  // and CloudWatch is then refused unless a statement allows it. Amazon SNS Developer Guide, "Example cases for Amazon SNS
  // access control" (Allow any CloudWatch alarm to publish to a topic), https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
  test('the topic policy refuses publishing without TLS and lets the account\'s alarms publish', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::SNS::TopicPolicy', 1);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: TOPIC }],
      PolicyDocument: {
        Statement: [
          {
            Sid: 'AllowPublishThroughSSLOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Resource: { Ref: TOPIC },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          {
            Sid: 'AllowCloudWatchAlarmsToPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: TOPIC },
            Condition: { ArnLike: { 'aws:SourceArn': ACCOUNT_ALARMS } },
          },
        ],
      },
    });
  });

  test('without e-mail addresses: no subscription, no dead-letter queue, no alarm', () => {
    const { template, construct } = synth();
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.resourceCountIs('AWS::SQS::Queue', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(construct.emailSubscriptions).toEqual([]);
    expect(construct.subscriptionDeadLetterQueue).toBeUndefined();
    expect(construct.subscriptionDeadLetterQueueAlarm).toBeUndefined();
  });

  test('the topic is the construct\'s Resource and a standard topic', () => {
    const { construct, template } = synth();
    expect(construct.topic.node.id).toBe('Resource');
    expect(construct.topic.fifo).toBe(false);
    template.hasResourceProperties('AWS::SNS::Topic', { FifoTopic: Match.absent() });
  });

  test('matches the snapshot', () => {
    expect(normalizedTemplate(synth().stack)).toMatchSnapshot();
  });
});

describe('AlarmTopic as the alarm action of the library\'s constructs', () => {
  test('an alarm of a QueueWithDlq with alarmAction: new AlarmTopic(...) synthesizes, and the check finds nothing', () => {
    // The synth check (src/core/alarm-topic.ts) fails an alarm whose topic CloudWatch cannot use: same two sources as above.
    const { app, stack } = testStack();
    const alarms = new AlarmTopic(stack, 'Alarms');
    const orders = new QueueWithDlq(stack, 'Orders', { alarmAction: alarms });
    expect(() => app.synth()).not.toThrow();
    expect(orders.alarms.length).toBeGreaterThan(0);
    for (const alarm of orders.alarms) {
      expect(alarmTopicProblems(alarm as cloudwatch.Alarm)).toEqual([]);
    }
    const template = Template.fromStack(stack);
    const actions = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmActions);
    expect(actions).toEqual(orders.alarms.map(() => [{ Ref: TOPIC }]));
  });

  test('bind returns the topic ARN, as aws-cdk-lib\'s SnsAction does, for any alarm', () => {
    const { stack } = testStack();
    const alarms = new AlarmTopic(stack, 'Alarms');
    const alarm = new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Errors' }).createAlarm(stack, 'Errors', { threshold: 1, evaluationPeriods: 1 });
    alarm.addAlarmAction(alarms);
    expect(alarms.bind(stack, alarm)).toEqual({ alarmActionArn: alarms.topic.topicArn });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: TOPIC }] });
  });

  test('the same topic with a key that leaves CloudWatch out would fail the check: the statement is what makes it pass', () => {
    // GIVEN an AlarmTopic whose key statement for CloudWatch is removed after the fact
    const { app, stack } = testStack();
    const alarms = new AlarmTopic(stack, 'Alarms');
    const cfnKey = alarms.encryptionKey.node.defaultChild as kms.CfnKey;
    const policy = stack.resolve(cfnKey.keyPolicy);
    cfnKey.keyPolicy = { ...policy, Statement: policy.Statement.filter((s: any) => s.Principal?.Service !== 'cloudwatch.amazonaws.com') };
    new QueueWithDlq(stack, 'Orders', { alarmAction: alarms });
    // THEN the library's check refuses it
    expect(() => app.synth()).toThrow(/whose key Test\/Alarms\/Key does not let cloudwatch.amazonaws.com use it/);
  });
});

describe('AlarmTopic e-mail subscriptions', () => {
  test('one e-mail subscription per address, in order, each with a redrive policy to the subscription dead-letter queue', () => {
    // SNS discards a message whose delivery fails (a client-side error, or server-side errors past the retries of
    // the protocol's delivery policy, SMTP included) unless a dead-letter queue is attached to the subscription;
    // no protocol is excluded. Amazon SNS Developer Guide, "Amazon SNS dead-letter queues",
    // https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html, and "Amazon SNS message delivery retries"
    // (SMTP among the customer-managed endpoints), https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html
    const { template, construct } = synth({ emailAddresses: ['oncall@example.com', 'team@example.org'] });
    const subs = Object.values(template.findResources('AWS::SNS::Subscription')).map((r) => r.Properties);
    expect(subs).toEqual([
      { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: TOPIC }, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [DLQ, 'Arn'] } } },
      { Protocol: 'email', Endpoint: 'team@example.org', TopicArn: { Ref: TOPIC }, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [DLQ, 'Arn'] } } },
    ]);
    expect(construct.emailSubscriptions.map((s) => s.node.id)).toEqual(['oncall@example.com', 'team@example.org']);
  });

  test('the subscription dead-letter queue keeps 14 days, SSE-SQS, and lets exactly this topic send', () => {
    // The DLQ and the subscription must be in the same account and Region, and SNS needs sqs:SendMessage on it
    // ("Configuring an Amazon SNS dead-letter queue for a subscription", queue policy with aws:SourceArn = the topic,
    // https://docs.aws.amazon.com/sns/latest/dg/sns-configure-dead-letter-queue.html); SNS cannot use alias/aws/sqs
    // ("Amazon SNS dead-letter queues": an encrypted DLQ needs a custom key), so the queue uses SSE-SQS.
    const { template, construct } = synth({ emailAddresses: ['oncall@example.com', 'team@example.org'] });
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true });
    const policy = Object.values(template.findResources('AWS::SQS::QueuePolicy'))[0].Properties;
    expect(policy.Queues).toEqual([{ Ref: DLQ }]);
    expect(policy.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Allow')).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [DLQ, 'Arn'] },
        Condition: { ArnEquals: { 'aws:SourceArn': { Ref: TOPIC } } },
      },
    ]);
    expect(construct.subscriptionDeadLetterQueue).toBeInstanceOf(sqs.Queue);
  });

  test('the dead-letter queue is alarmed on one visible message, and the alarm notifies this topic', () => {
    const { template, construct } = synth({ emailAddresses: ['oncall@example.com'] });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [DLQ, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: TOPIC }],
      AlarmDescription: Match.stringLikeRegexp('SNS could not deliver alarm notifications of Test/Alarms to an e-mail address'),
    });
    expect(construct.subscriptionDeadLetterQueueAlarm).toBeDefined();
    expect(alarmTopicProblems(construct.subscriptionDeadLetterQueueAlarm!)).toEqual([]);
  });

  test('a subscription is named after its address: reordering the list keeps every logical id', () => {
    const ids = (emailAddresses: string[]) => Object.keys(synth({ emailAddresses }).template.findResources('AWS::SNS::Subscription')).sort();
    expect(ids(['b@example.com', 'a@example.com'])).toEqual(ids(['a@example.com', 'b@example.com']));
  });

  test('an address that is a token is subscribed as it resolves', () => {
    const { template } = synth({ emailAddresses: [Lazy.string({ produce: () => 'oncall@example.com' })] });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });
});

describe('AlarmTopic options', () => {
  test('topicName and displayName are set on the topic', () => {
    synth({ topicName: 'shop-alarms', displayName: 'Shop alarms' }).template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'shop-alarms',
      DisplayName: 'Shop alarms',
    });
  });

  test('a key of this app given as encryptionKey: no key is created, and the CloudWatch statement is added to its policy', () => {
    const { template, construct, stack } = synth({}, (s) => ({ encryptionKey: new kms.Key(s, 'Own', { enableKeyRotation: true }) }));
    template.resourceCountIs('AWS::KMS::Key', 1);
    const ownId = stack.getLogicalId(construct.encryptionKey.node.defaultChild as kms.CfnKey);
    expect(template.toJSON().Resources[TOPIC].Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [ownId, 'Arn'] });
    expect(cloudWatchKeyStatements(template, ownId)).toHaveLength(1);
  });

  test('a key whose policy already lets CloudWatch use it gets no second statement', () => {
    const { template, construct, stack } = synth({}, (s) => {
      const key = new kms.Key(s, 'Own', { enableKeyRotation: true });
      key.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }));
      return { encryptionKey: key };
    });
    const ownId = stack.getLogicalId(construct.encryptionKey.node.defaultChild as kms.CfnKey);
    expect(cloudWatchKeyStatements(template, ownId)).toHaveLength(1);
  });

  test('an imported key: a warning that its owner must let cloudwatch.amazonaws.com use it', () => {
    const { stack } = synth({}, (s) => ({
      encryptionKey: kms.Key.fromKeyArn(s, 'Imported', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    }));
    Annotations.fromStack(stack).hasWarning(
      '/Test/Alarms',
      Match.stringLikeRegexp('The key Test/Imported is not a key of this app.*must let cloudwatch.amazonaws.com use it.*alarmTopicKeyNotChangeable'),
    );
  });

  test('a key of this app gets no warning', () => {
    const { stack } = synth();
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});
