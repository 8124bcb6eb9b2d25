import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { FanoutTopic, FanoutTopicProps, FilteredSubscription, QueueWithDlq, TopicEncryption } from '../../src';
import { testStack, userFunction } from '../helpers/nag';
import { normalizedTemplate } from '../helpers/template';

function synth(props: FanoutTopicProps = {}, setup?: (stack: Stack) => FanoutTopicProps, after?: (c: FanoutTopic, stack: Stack) => void) {
  const { stack } = testStack();
  const construct = new FanoutTopic(stack, 'Orders', { ...props, ...setup?.(stack) });
  after?.(construct, stack);
  return { stack, construct, template: Template.fromStack(stack) };
}

const TOPIC = 'Orders2A43276C';
const SOURCE_ARN = { ArnEquals: { 'aws:SourceArn': { Ref: TOPIC } } };
const three = { subscribers: { billing: {}, shipping: {}, fraud: {} } };

function subscriptions(template: Template): Record<string, any>[] {
  return Object.values(template.findResources('AWS::SNS::Subscription')).map((r) => r.Properties);
}

describe('FanoutTopic defaults', () => {
  test('creates a standard topic encrypted with the AWS-managed SNS key, as Resource', () => {
    const { template, construct } = synth();
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(template.toJSON().Resources[TOPIC].Properties).toEqual({ KmsMasterKeyId: 'alias/aws/sns' });
    expect(construct.topic.node.id).toBe('Resource');
    expect(construct.encryptionKey).toBeUndefined();
  });

  test('refuses publishing without TLS', () => {
    synth().template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [{ Action: 'sns:Publish', Effect: 'Deny', Principal: '*', Resource: { Ref: TOPIC }, Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Sid: 'AllowPublishThroughSSLOnly' }],
      },
    });
  });

  test('creates one shared subscription dead-letter queue, 14 days, SSE-SQS, TLS, alarmed', () => {
    const { template, construct } = synth();
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
    expect(construct.subscriptionDeadLetterQueueAlarm).toBeDefined();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmDescription: Match.stringLikeRegexp('SNS could not deliver messages of Test/Orders'), Threshold: 0 });
    expect(construct.alarms).toEqual([construct.subscriptionDeadLetterQueueAlarm]);
  });

  test('every subscriber queue is a QueueWithDlq subscribed with the shared subscription dead-letter queue', () => {
    const { template, construct } = synth(three);
    expect(Object.keys(construct.queueSubscribers)).toEqual(['billing', 'shipping', 'fraud']);
    const dlqId = Stack.of(construct).getLogicalId((construct.subscriptionDeadLetterQueue as sqs.Queue).node.defaultChild as sqs.CfnQueue);
    const subs = subscriptions(template);
    expect(subs).toHaveLength(3);
    for (const s of subs) {
      expect(s.Protocol).toBe('sqs');
      expect(s.TopicArn).toEqual({ Ref: TOPIC });
      expect(s.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] } });
    }
    // The shared queue + a queue and its dead-letter queue per subscriber.
    template.resourceCountIs('AWS::SQS::Queue', 7);
    // The shared queue lets the topic send once, not once per subscription.
    const policy = Object.values(template.findResources('AWS::SQS::QueuePolicy')).find((p) => p.Properties.Queues[0].Ref === dlqId)!;
    expect(policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Action === 'sqs:SendMessage')).toEqual([
      expect.objectContaining({ Principal: { Service: 'sns.amazonaws.com' }, Condition: SOURCE_ARN }),
    ]);
  });

  test('each subscriber queue lets exactly this topic send, by aws:SourceArn', () => {
    const { template, construct } = synth(three);
    for (const queue of Object.values(construct.queueSubscribers)) {
      const id = Stack.of(construct).getLogicalId(queue.queue.node.defaultChild as sqs.CfnQueue);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sqs:SendMessage', Principal: { Service: 'sns.amazonaws.com' }, Condition: SOURCE_ARN })]) },
      });
    }
  });

  test('subscriber construct paths carry the subscriber id', () => {
    const { construct } = synth(three);
    expect(construct.queueSubscribers.billing.node.path).toBe('Test/Orders/billing/Queue');
    expect(construct.subscriptions.billing.node.path).toBe('Test/Orders/billing');
  });

  test('matches the snapshot', () => {
    expect(normalizedTemplate(synth({ subscribers: { billing: {} } }).stack)).toMatchSnapshot();
  });
});

describe('FanoutTopic options', () => {
  test('FIFO: the topic, the subscriber queues and the subscription dead-letter queue are FIFO', () => {
    const { template } = synth({ fifo: true, contentBasedDeduplication: true, ...three });
    template.hasResourceProperties('AWS::SNS::Topic', { FifoTopic: true, ContentBasedDeduplication: true, TopicName: Match.stringLikeRegexp('\\.fifo$') });
    const queues = Object.values(template.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(7);
    for (const queue of queues) {
      expect(queue.Properties.FifoQueue).toBe(true);
    }
  });

  test('a topic name ending in .fifo makes a FIFO topic', () => {
    synth({ topicName: 'orders.fifo' }).template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'orders.fifo', FifoTopic: true });
  });

  test('encryption KMS creates a key with rotation and encrypts the topic with it', () => {
    const { template, construct } = synth({ encryption: TopicEncryption.KMS });
    expect(construct.encryptionKey).toBeDefined();
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersKey'), 'Arn'] } });
  });

  test('servicePublishers switch to a customer-managed key whose policy lets exactly those services use it', () => {
    const { template } = synth({ servicePublishers: ['events.amazonaws.com', 'cloudwatch.amazonaws.com'] });
    const key = Object.values(template.findResources('AWS::KMS::Key'))[0];
    const services = key.Properties.KeyPolicy.Statement.filter((s: any) => s.Principal?.Service).map((s: any) => [s.Principal.Service, s.Action]);
    expect(services).toEqual([
      ['events.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey*']],
      ['cloudwatch.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey*']],
    ]);
  });

  test('a key you bring encrypts the topic; no key is created', () => {
    const { template } = synth({}, (s) => ({ encryptionKey: new kms.Key(s, 'Mine', { enableKeyRotation: true }) }));
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Mine'), 'Arn'] } });
  });

  test('subscriber options: filter policy, raw delivery and QueueWithDlq props', () => {
    const { template, construct } = synth({}, (s) => ({
      subscribers: {
        shipping: {
          filterPolicy: { country: sns.SubscriptionFilter.stringFilter({ allowlist: ['FR', 'DE'] }) },
          rawMessageDelivery: true,
          maxReceiveCount: 3,
          consumer: userFunction(s, 'Fn', Duration.seconds(10)),
        },
      },
    }));
    expect(subscriptions(template)[0]).toMatchObject({ FilterPolicy: { country: ['FR', 'DE'] }, RawMessageDelivery: true });
    template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }) });
    expect(construct.queueSubscribers.shipping.consumer).toBeDefined();
  });

  test('addQueueSubscriber returns the QueueWithDlq it made, with a message-body filter', () => {
    let added: QueueWithDlq | undefined;
    const { template, construct } = synth({}, undefined, (c) => {
      added = c.addQueueSubscriber('fraud', {
        filterPolicyWithMessageBody: { amount: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.numericFilter({ greaterThan: 1000 })) },
      });
    });
    expect(added).toBeInstanceOf(QueueWithDlq);
    expect(construct.queueSubscribers.fraud).toBe(added);
    expect(subscriptions(template)[0]).toMatchObject({ FilterPolicy: { amount: [{ numeric: ['>', 1000] }] }, FilterPolicyScope: 'MessageBody' });
  });

  test('existing queues are subscribed, in props or with addExistingQueueSubscriber', () => {
    let added: FilteredSubscription | undefined;
    const { template, construct } = synth(
      {},
      (s) => ({ existingQueueSubscribers: { audit: { queue: new sqs.Queue(s, 'Audit'), rawMessageDelivery: true } } }),
      (c, s) => {
        added = c.addExistingQueueSubscriber('archive', new sqs.Queue(s, 'Archive'));
      },
    );
    expect(Object.keys(construct.subscriptions)).toEqual(['audit', 'archive']);
    expect(construct.queueSubscribers).toEqual({});
    expect(added!.queue).toBeDefined();
    expect(subscriptions(template)).toHaveLength(2);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: Match.stringLikeRegexp('^Audit') }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'sqs:SendMessage', Condition: SOURCE_ARN })] },
    });
  });

  test('a subscription dead-letter queue you bring is used by every subscription; none is created', () => {
    const { template, construct } = synth(three, (s) => ({ subscriptionDeadLetterQueue: new sqs.Queue(s, 'MyDlq') }));
    expect(construct.subscriptionDeadLetterQueueAlarm).toBeUndefined();
    for (const s of subscriptions(template)) {
      expect(s.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0]).toMatch(/^MyDlq/);
    }
    template.resourceCountIs('AWS::SQS::Queue', 7);
  });

  test('subscriptionDeadLetterQueueAlarm: false creates no alarm for it', () => {
    expect(synth({ subscriptionDeadLetterQueueAlarm: false }).construct.subscriptionDeadLetterQueueAlarm).toBeUndefined();
  });

  test('alarmAction is wired to every alarm, the subscriber queues\' included; alarms lists them all', () => {
    const { template, construct } = synth(three, (s) => ({ alarmAction: new cloudwatchActions.SnsAction(new sns.Topic(s, 'Oncall')) }));
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(7);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Oncall/) }]);
    }
    expect(construct.alarms).toHaveLength(7);
  });

  test('grantPublish grants sns:Publish on the topic', () => {
    const { template } = synth({}, undefined, (c, s) => {
      c.grantPublish(new iam.Role(s, 'Publisher', { assumedBy: new iam.AccountRootPrincipal() }));
    });
    template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [{ Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: TOPIC } }] } });
  });

  test('grantPublish with a customer-managed key also grants the key use publishing needs', () => {
    const { template } = synth({ encryption: TopicEncryption.KMS }, undefined, (c, s) => {
      c.grantPublish(new iam.Role(s, 'Publisher', { assumedBy: new iam.AccountRootPrincipal() }));
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
  });

  test('a service in servicePublishers may publish through the aws-cdk-lib integration', () => {
    const { stack } = testStack();
    const construct = new FanoutTopic(stack, 'Orders', { servicePublishers: ['events.amazonaws.com'] });
    construct.grantPublish(new iam.ServicePrincipal('events.amazonaws.com'));
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});
