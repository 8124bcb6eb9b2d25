import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { FilteredSubscription, FilteredSubscriptionProps, SubscriptionFilters } from '../../src';
import { testStack, userFunction } from '../helpers/nag';
import { normalizedTemplate } from '../helpers/template';

type Setup = (stack: Stack, topic: sns.Topic) => Partial<FilteredSubscriptionProps>;

function synth(setup: Setup = () => ({}), topicProps: sns.TopicProps = {}) {
  const { stack } = testStack();
  const topic = new sns.Topic(stack, 'Topic', topicProps);
  const construct = new FilteredSubscription(stack, 'Sub', { topic, ...setup(stack, topic) });
  return { stack, topic, construct, template: Template.fromStack(stack) };
}

const TOPIC = 'TopicBFC7AF6E';
const SOURCE_ARN = { ArnEquals: { 'aws:SourceArn': { Ref: TOPIC } } };

function subscription(template: Template): Record<string, any> {
  return Object.values(template.findResources('AWS::SNS::Subscription'))[0].Properties;
}

describe('FilteredSubscription defaults', () => {
  test('creates a QueueWithDlq as the endpoint and subscribes it over SQS', () => {
    const { template, construct } = synth();
    expect(construct.queueWithDlq).toBeDefined();
    expect(construct.queue).toBe(construct.queueWithDlq!.queue);
    template.resourceCountIs('AWS::SNS::Subscription', 1);
    expect(subscription(template)).toEqual({
      Protocol: 'sqs',
      TopicArn: { Ref: TOPIC },
      Endpoint: { 'Fn::GetAtt': [expect.stringMatching(/^SubQueue/), 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^SubSubscriptionDeadLetterQueue/), 'Arn'] } },
    });
    // The endpoint queue, its dead-letter queue and the subscription dead-letter queue.
    template.resourceCountIs('AWS::SQS::Queue', 3);
  });

  test('the construct id of the subscription is Resource', () => {
    const { construct } = synth();
    expect(construct.subscription.node.id).toBe('Resource');
    expect(construct.node.defaultChild).toBe(construct.subscription);
  });

  test('lets exactly this topic send to the queue, by aws:SourceArn', () => {
    const { template, construct } = synth();
    const queueId = Stack.of(construct).getLogicalId(construct.queueWithDlq!.queue.node.defaultChild as sqs.CfnQueue);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'sqs:SendMessage',
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
            Condition: SOURCE_ARN,
          },
        ]),
      },
    });
  });

  test('the subscription waits for the queue policies', () => {
    const { template } = synth();
    const resource = Object.values(template.findResources('AWS::SNS::Subscription'))[0];
    expect(resource.DependsOn.some((d: string) => d.startsWith('SubQueuePolicy'))).toBe(true);
    expect(resource.DependsOn.some((d: string) => d.startsWith('SubSubscriptionDeadLetterQueuePolicy'))).toBe(true);
  });

  test('the subscription dead-letter queue keeps messages 14 days, is SSE-SQS encrypted, refuses plain HTTP and lets the topic send', () => {
    const { template, construct } = synth();
    const dlqId = Stack.of(construct).getLogicalId((construct.subscriptionDeadLetterQueue as sqs.Queue).node.defaultChild as sqs.CfnQueue);
    expect(template.toJSON().Resources[dlqId].Properties).toEqual({ MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlqId }],
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Action: 'sqs:SendMessage', Principal: { Service: 'sns.amazonaws.com' }, Condition: SOURCE_ARN }),
        ],
      },
    });
  });

  test('alarms as soon as the subscription dead-letter queue holds a message', () => {
    const { template, construct } = synth();
    expect(construct.subscriptionDeadLetterQueueAlarm).toBeDefined();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('SNS could not deliver messages'),
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SubSubscriptionDeadLetterQueue'), 'QueueName'] } }],
    });
    // The subscription dead-letter queue's alarm and the two alarms of the QueueWithDlq.
    expect(construct.alarms).toHaveLength(3);
  });

  test('no filter policy and no raw message delivery', () => {
    const props = subscription(synth().template);
    expect(props.FilterPolicy).toBeUndefined();
    expect(props.FilterPolicyScope).toBeUndefined();
    expect(props.RawMessageDelivery).toBeUndefined();
  });

  test('matches the snapshot', () => {
    expect(normalizedTemplate(synth().stack)).toMatchSnapshot();
  });
});

describe('FilteredSubscription options', () => {
  test('filterPolicy is rendered as SNS JSON on the message attributes', () => {
    const { template } = synth(() => ({
      filterPolicy: {
        country: sns.SubscriptionFilter.stringFilter({ allowlist: ['FR', 'DE'] }),
        amount: sns.SubscriptionFilter.numericFilter({ between: { start: 0, stop: 100 } }),
      },
    }));
    expect(subscription(template).FilterPolicy).toEqual({ country: ['FR', 'DE'], amount: [{ numeric: ['>=', 0, '<=', 100] }] });
    expect(subscription(template).FilterPolicyScope).toBeUndefined();
  });

  test('filterPolicyWithMessageBody is rendered with the MessageBody scope, nesting kept', () => {
    const { template } = synth(() => ({
      filterPolicyWithMessageBody: {
        order: sns.FilterOrPolicy.policy({ amount: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.numericFilter({ greaterThan: 1000 })) }),
      },
    }));
    expect(subscription(template).FilterPolicy).toEqual({ order: { amount: [{ numeric: ['>', 1000] }] } });
    expect(subscription(template).FilterPolicyScope).toBe('MessageBody');
  });

  test('SubscriptionFilters expresses every operator aws-cdk-lib\'s factories lack', () => {
    const { template } = synth(() => ({
      filterPolicy: {
        country: SubscriptionFilters.equalsIgnoreCase('fr', 'de'),
        ip: SubscriptionFilters.cidr('10.0.0.0/24', '2001:db8::/32'),
        channel: SubscriptionFilters.anyOf(SubscriptionFilters.anythingButPrefix('test-'), SubscriptionFilters.anythingBut('.tmp')),
        quantity: SubscriptionFilters.anyOf(SubscriptionFilters.numbers(1, 2.5), SubscriptionFilters.anythingButNumbers(0)),
        [SubscriptionFilters.OR_KEY]: SubscriptionFilters.orPolicies([
          { status: SubscriptionFilters.anythingBut('cancelled') },
          { priority: sns.SubscriptionFilter.existsFilter() },
        ]),
      },
    }));
    expect(subscription(template).FilterPolicy).toEqual({
      country: [{ 'equals-ignore-case': 'fr' }, { 'equals-ignore-case': 'de' }],
      ip: [{ cidr: '10.0.0.0/24' }, { cidr: '2001:db8::/32' }],
      channel: [{ 'anything-but': { prefix: 'test-' } }, { 'anything-but': ['.tmp'] }],
      quantity: [1, 2.5, { 'anything-but': [0] }],
      $or: [{ status: [{ 'anything-but': ['cancelled'] }] }, { priority: [{ exists: true }] }],
    });
  });

  test('SubscriptionFilters.orPoliciesWithMessageBody nests $or in a message-body policy', () => {
    const { template } = synth(() => ({
      filterPolicyWithMessageBody: {
        customer: sns.FilterOrPolicy.policy({
          [SubscriptionFilters.OR_KEY]: SubscriptionFilters.orPoliciesWithMessageBody([
            { tier: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.stringFilter({ allowlist: ['gold'] })) },
            { address: sns.FilterOrPolicy.policy({ country: sns.FilterOrPolicy.filter(SubscriptionFilters.equalsIgnoreCase('fr')) }) },
          ]),
        }),
      },
    }));
    expect(subscription(template).FilterPolicy).toEqual({
      customer: { $or: [{ tier: ['gold'] }, { address: { country: [{ 'equals-ignore-case': 'fr' }] } }] },
    });
  });

  test('rawMessageDelivery is passed to the subscription', () => {
    expect(subscription(synth(() => ({ rawMessageDelivery: true })).template).RawMessageDelivery).toBe(true);
  });

  test('queueOptions configure the QueueWithDlq it creates', () => {
    const { template } = synth((stack) => ({ queueOptions: { maxReceiveCount: 3, consumer: userFunction(stack, 'Fn', Duration.seconds(10)) } }));
    template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }) });
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
  });

  test('a queue you bring is subscribed and gets the queue policy; no queue is created', () => {
    const { template, construct } = synth((stack) => ({ queue: new sqs.Queue(stack, 'Mine') }));
    expect(construct.queueWithDlq).toBeUndefined();
    expect(subscription(template).Endpoint).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Mine/), 'Arn'] });
    // Your queue and the subscription dead-letter queue.
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: Match.stringLikeRegexp('^Mine') }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'sqs:SendMessage', Condition: SOURCE_ARN })] },
    });
  });

  test('a queue with a customer-managed key: the key lets exactly this topic use it, by aws:SourceArn', () => {
    const { template } = synth((stack) => ({
      queue: new sqs.Queue(stack, 'Mine', { encryptionMasterKey: new kms.Key(stack, 'MineKey', { enableKeyRotation: true }) }),
    }));
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Resource: '*',
            Condition: SOURCE_ARN,
          },
        ]),
      },
    });
    // No statement for SNS without the condition.
    const key = Object.values(template.findResources('AWS::KMS::Key'))[0];
    const snsStatements = key.Properties.KeyPolicy.Statement.filter((s: any) => s.Principal?.Service === 'sns.amazonaws.com');
    expect(snsStatements).toHaveLength(1);
  });

  test('a Lambda function: subscribed over lambda, invoked only by this topic, no endpoint queue created', () => {
    const { template, construct } = synth((stack) => ({ lambdaFunction: userFunction(stack, 'Fn', Duration.seconds(10)) }));
    expect(construct.queue).toBeUndefined();
    expect(construct.lambdaFunction).toBeDefined();
    expect(subscription(template).Protocol).toBe('lambda');
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'sns.amazonaws.com',
      SourceArn: { Ref: TOPIC },
    });
    // The subscription dead-letter queue, and the function's on-failure destination for the
    // messages Lambda gives up on after its retries (asynchronous invocation).
    template.resourceCountIs('AWS::SQS::Queue', 2);
    expect(construct.asyncFailureQueue).toBeDefined();
    expect(subscription(template).RedrivePolicy).toBeDefined();
  });

  test('two subscriptions of one function to one topic share the invoke permission', () => {
    const { stack } = testStack();
    const topic = new sns.Topic(stack, 'Topic');
    const fn = userFunction(stack, 'Fn', Duration.seconds(10));
    new FilteredSubscription(stack, 'A', { topic, lambdaFunction: fn, filterPolicy: { a: sns.SubscriptionFilter.existsFilter() } });
    new FilteredSubscription(stack, 'B', { topic, lambdaFunction: fn, filterPolicy: { b: sns.SubscriptionFilter.existsFilter() } });
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Permission', 1);
  });

  test('a FIFO topic gets a FIFO queue and a FIFO subscription dead-letter queue', () => {
    const { template } = synth(() => ({}), { fifo: true });
    const queues = Object.values(template.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(3);
    for (const queue of queues) {
      expect(queue.Properties.FifoQueue).toBe(true);
    }
  });

  test('a subscription dead-letter queue you bring is used, and no alarm is created for it', () => {
    const { template, construct } = synth((stack) => ({ subscriptionDeadLetterQueue: new sqs.Queue(stack, 'MyDlq') }));
    expect(subscription(template).RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^MyDlq/), 'Arn'] } });
    expect(construct.subscriptionDeadLetterQueueAlarm).toBeUndefined();
    template.resourceCountIs('AWS::SQS::Queue', 3);
  });

  test('subscriptionDeadLetterQueueAlarm: false creates no alarm for it', () => {
    const { construct } = synth(() => ({ subscriptionDeadLetterQueueAlarm: false }));
    expect(construct.subscriptionDeadLetterQueueAlarm).toBeUndefined();
    expect(construct.alarms).toHaveLength(2);
  });

  test('alarmAction is wired to every alarm, the created queue\'s included', () => {
    const { template, construct } = synth((stack) => ({ alarmAction: new cloudwatchActions.SnsAction(new sns.Topic(stack, 'Oncall')) }));
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(3);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Oncall/) }]);
    }
    expect(construct.alarms).toHaveLength(3);
  });

  test('an imported topic in the same region can be subscribed to', () => {
    const { stack } = testStack();
    const topic = sns.Topic.fromTopicArn(stack, 'Imported', 'arn:aws:sns:us-east-1:111111111111:orders');
    new FilteredSubscription(stack, 'Sub', { topic });
    expect(subscription(Template.fromStack(stack)).TopicArn).toBe('arn:aws:sns:us-east-1:111111111111:orders');
  });
});

describe('FilteredSubscription and message replay', () => {
  test('on an archiving FIFO topic, the subscription carries no replay policy: replays are started outside the template', () => {
    // A ReplayPolicy replays from its StartingPoint when it is set, and one with an EndingPoint pauses
    // the subscription after the replay ("This action effectively pauses the subscription",
    // https://docs.aws.amazon.com/sns/latest/dg/message-archiving-and-replay-subscriber.html): a replay is an
    // operation, started with SetSubscriptionAttributes (docs/filtered-subscription.md), not a setting the
    // template keeps (CloudFormation reference, AWS::SNS::Subscription ReplayPolicy).
    const { template } = synth(() => ({}), { fifo: true, messageRetentionPeriodInDays: 7 });
    expect(subscription(template).ReplayPolicy).toBeUndefined();
    template.hasResourceProperties('AWS::SNS::Topic', { ArchivePolicy: { MessageRetentionPeriod: 7 } });
  });
});
