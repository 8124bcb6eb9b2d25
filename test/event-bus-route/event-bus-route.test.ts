import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { EventBusRoute, EventBusRouteProps, FanoutTopic, RouteTarget } from '../../src';
import { testStack, userFunction } from '../helpers/nag';
import { normalizedTemplate } from '../helpers/template';

const PATTERN: events.EventPattern = { source: ['shop'], detailType: ['OrderPlaced'] };

function synth(
  props: Partial<EventBusRouteProps> = {},
  setup?: (stack: Stack) => Partial<EventBusRouteProps>,
): { stack: Stack; route: EventBusRoute; template: Template } {
  const { stack } = testStack();
  const route = new EventBusRoute(stack, 'Route', {
    eventPattern: PATTERN,
    targets: [RouteTarget.newQueue()],
    ...props,
    ...setup?.(stack),
  });
  return { stack, route, template: Template.fromStack(stack) };
}

function ruleTargets(template: Template): any[] {
  const rules = template.findResources('AWS::Events::Rule');
  return Object.values(rules).flatMap((r) => r.Properties.Targets);
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } } | iam.IRole | sqs.IQueue): string {
  const child = (construct as any).node.defaultChild;
  return stack.getLogicalId(child);
}

const stateMachine = (stack: Stack) =>
  new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass')) });

describe('EventBusRoute defaults', () => {
  test('creates a custom event bus and one rule on it with the pattern', () => {
    const { template, stack, route } = synth();
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalId(stack, route.eventBus as events.EventBus) },
      EventPattern: { 'source': ['shop'], 'detail-type': ['OrderPlaced'] },
      State: 'ENABLED',
    });
  });

  test('the rule is the main child, named Resource', () => {
    const { route } = synth();
    expect(route.node.defaultChild === route.rule).toBe(true);
    expect(route.rule.node.id).toBe('Resource');
  });

  test('every target gets the shared dead-letter queue and a retry policy of 185 attempts over 24 hours', () => {
    const { template, stack, route } = synth({}, (s) => ({ targets: [RouteTarget.newQueue(), RouteTarget.lambdaFunction(userFunction(s, 'Fn'))] }));
    const dlq = logicalId(stack, route.deadLetterQueue as sqs.Queue);
    const targets = ruleTargets(template);
    expect(targets).toHaveLength(2);
    for (const target of targets) {
      expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } });
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 });
    }
  });

  test('the dead-letter queue keeps events 14 days, uses SSE-SQS and refuses requests without TLS', () => {
    const { template, stack, route } = synth();
    const dlq = template.toJSON().Resources[logicalId(stack, route.deadLetterQueue as sqs.Queue)];
    expect(dlq.Properties).toEqual({ MessageRetentionPeriod: 14 * 86_400, SqsManagedSseEnabled: true });
    expect(dlq.DeletionPolicy).toBe('Delete');
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(stack, route.deadLetterQueue as sqs.Queue) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test("the dead-letter queue's policy lets only this rule send to it (aws:SourceArn)", () => {
    const { template, stack, route } = synth();
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(stack, route.deadLetterQueue as sqs.Queue) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: Match.anyValue(),
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Resource: { 'Fn::GetAtt': [logicalId(stack, route.deadLetterQueue as sqs.Queue), 'Arn'] },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack, route.rule), 'Arn'] } } },
          },
        ]),
      },
    });
  });

  test('a newQueue target creates a QueueWithDlq, exposed in queues, that only this rule may send to', () => {
    // EventBridge needs sqs:SendMessage in the queue policy, scoped by aws:SourceArn = the rule
    // (EventBridge User Guide, "Using resource-based policies for Amazon EventBridge", Amazon SQS
    // permissions: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions).
    const { template, stack, route } = synth();
    expect(route.queues).toHaveLength(1);
    expect(route.queues[0].node.id).toBe('Queue1');
    const queue = logicalId(stack, route.queues[0].queue);
    expect(ruleTargets(template)[0].Arn).toEqual({ 'Fn::GetAtt': [queue, 'Arn'] });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queue }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack, route.rule), 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  test('alarms: dead-letter queue not empty, FailedInvocations, InvocationsSentToDlq, InvocationsFailedToBeSentToDlq', () => {
    const { template, route } = synth();
    expect(route.alarms).toHaveLength(4);
    expect(route.deadLetterQueueAlarms).toHaveLength(1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    for (const metricName of ['FailedInvocations', 'InvocationsSentToDlq', 'InvocationsFailedToBeSentToDlq']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Events',
        MetricName: metricName,
        Statistic: 'Sum',
        Period: 60,
        Threshold: 0,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
    // The route's four, plus the two of the QueueWithDlq it created.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
  });

  test('the rule metrics of a custom bus have the EventBusName and RuleName dimensions, RuleName the bare name', () => {
    // CloudFormation's Ref of a rule on a custom bus is 'busName|ruleName'
    // (cloudformation-coverage-roadmap issue 1131), while AWS/Events publishes
    // the bare rule name: joining the Ref to itself and taking the second part
    // gives the name on any bus ('bus|rule|bus|rule' and 'rule|rule').
    const { stack, route } = synth();
    const metric = route.metricFailedInvocations().toMetricConfig().metricStat!;
    expect(metric.namespace).toBe('AWS/Events');
    expect(metric.metricName).toBe('FailedInvocations');
    const rule = { Ref: logicalId(stack, route.rule) };
    expect(stack.resolve(metric.dimensions)).toEqual([
      { name: 'EventBusName', value: { Ref: logicalId(stack, route.eventBus as events.EventBus) } },
      { name: 'RuleName', value: { 'Fn::Select': [1, { 'Fn::Split': ['|', { 'Fn::Join': ['|', [rule, rule]] }] }] } },
    ]);
    expect(route.metricInvocationsSentToDlq().metricName).toBe('InvocationsSentToDlq');
    expect(route.metricInvocationsFailedToBeSentToDlq().metricName).toBe('InvocationsFailedToBeSentToDlq');
  });

  test('no archive, no bus policy, no events role', () => {
    const { template, route } = synth();
    template.resourceCountIs('AWS::Events::Archive', 0);
    template.resourceCountIs('AWS::Events::EventBusPolicy', 0);
    template.resourceCountIs('AWS::IAM::Role', 0);
    expect(route.archive).toBeUndefined();
    expect(route.eventsRole).toBeUndefined();
  });

  test('snapshot of the default template', () => {
    const { stack } = synth();
    expect(normalizedTemplate(stack)).toMatchSnapshot();
  });
});

describe('EventBusRoute targets', () => {
  test('an existing queue gets a send permission scoped to the rule, and no queue is created for it', () => {
    const { template, route, stack } = synth({}, (s) => ({ targets: [RouteTarget.queue(new sqs.Queue(s, 'Mine', { enforceSSL: true }))] }));
    expect(route.queues).toEqual([]);
    template.resourceCountIs('AWS::SQS::Queue', 2);
    expect(ruleTargets(template)[0].Arn).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(stack.node.findChild('Mine').node.defaultChild as any), 'Arn'] });
  });

  test('a FIFO queue target carries its message group id', () => {
    const { template } = synth({}, (s) => ({
      targets: [RouteTarget.queue(new sqs.Queue(s, 'Fifo', { fifo: true, contentBasedDeduplication: true }), { messageGroupId: 'orders' })],
    }));
    expect(ruleTargets(template)[0].SqsParameters).toEqual({ MessageGroupId: 'orders' });
  });

  // "If you specify an SQS FIFO queue as a target, the queue must have content-based deduplication enabled"
  // (EventBridge API Reference, Target): EventBridge sends no deduplication id (aws/aws-cdk#36498).
  test('a FIFO queue the route creates deduplicates by content', () => {
    const { template } = synth({ targets: [RouteTarget.newQueue({ queueProps: { fifo: true }, messageGroupId: 'orders' })] });
    template.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, ContentBasedDeduplication: true, RedrivePolicy: Match.anyValue() });
  });

  test('a newQueue target passes its queueProps to QueueWithDlq', () => {
    const { template, route } = synth({ targets: [RouteTarget.newQueue({ queueProps: { queueName: 'orders', maxReceiveCount: 3 } })] });
    expect(route.queues[0].maxReceiveCount).toBe(3);
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'orders', RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }) });
  });

  test('a Lambda target gets an invoke permission scoped to the rule', () => {
    const { template, stack, route } = synth({}, (s) => ({ targets: [RouteTarget.lambdaFunction(userFunction(s, 'Fn'))] }));
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [logicalId(stack, route.rule), 'Arn'] },
    });
  });

  test('an SNS topic target: a topic-policy statement scoped to the rule, an unconditioned key statement, no role', () => {
    // EventBridge delivers to SNS through the topic policy, never with a role: "For targets that use
    // resource-based policies (Lambda, Amazon SNS, Amazon SQS, and Amazon CloudWatch Logs), do not
    // specify a RoleArn [...] event delivery may fail, particularly for Amazon SQS and Amazon SNS
    // targets with AWS KMS encryption enabled" (EventBridge User Guide, "Using resource-based policies
    // for Amazon EventBridge"). aws:SourceArn must be the rule's ARN for rule targets (EventBridge User
    // Guide, "Cross-service confused deputy prevention"); the key statement carries no source condition,
    // which SNS does not support for EventBridge-to-encrypted topics (Amazon SNS Developer Guide,
    // "Key management", https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
    const { template, stack, route } = synth({}, (s) => ({
      targets: [RouteTarget.topic(new sns.Topic(s, 'Topic', { masterKey: new kms.Key(s, 'TopicKey') }))],
    }));
    expect(ruleTargets(template)[0].RoleArn).toBeUndefined();
    expect(route.eventsRole).toBeUndefined();
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Action: 'sns:Publish',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Resource: { Ref: Match.stringLikeRegexp('^Topic') },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack, route.rule), 'Arn'] } } },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          { Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Resource: '*' },
        ]),
      },
    });
  });

  test('a topic target whose key already lets EventBridge in (servicePublishers) gets no second key statement', () => {
    const { template } = synth({}, (s) => ({
      targets: [RouteTarget.topic(new FanoutTopic(s, 'Alerts', { servicePublishers: ['events.amazonaws.com'] }).topic)],
    }));
    const statements: any[] = Object.values(template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement;
    expect(statements.filter((st) => JSON.stringify(st.Principal).includes('events.amazonaws.com'))).toHaveLength(1);
  });

  test('a state machine target uses the events role, whose permissions are on a managed policy', () => {
    const { template, stack, route } = synth({}, (s) => ({ targets: [RouteTarget.stateMachine(stateMachine(s))] }));
    const role = stack.getLogicalId(route.node.findChild('EventsRole').node.defaultChild as any);
    expect(ruleTargets(template)[0].RoleArn).toEqual({ 'Fn::GetAtt': [role, 'Arn'] });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: role }],
      PolicyDocument: { Statement: [{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^Machine') } }] },
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    expect(route.eventsRole).toBeDefined();
    // The rule waits for the policy, so that the first deliveries have their permissions.
    expect(template.toJSON().Resources[logicalId(stack, route.rule)].DependsOn).toEqual([
      stack.getLogicalId(route.node.findChild('EventsRolePolicy').node.defaultChild as any),
    ]);
  });

  test('an event bus target in another account gets PutEvents through the events role, with a retry policy', () => {
    const { template } = synth({}, (s) => ({
      targets: [
        RouteTarget.eventBus(events.EventBus.fromEventBusArn(s, 'Central', 'arn:aws:events:us-east-1:111122223333:event-bus/central'), {
          retryAttempts: 10,
          maxEventAge: Duration.hours(1),
        }),
      ],
    }));
    const target = ruleTargets(template)[0];
    expect(target.Arn).toBe('arn:aws:events:us-east-1:111122223333:event-bus/central');
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 });
    expect(target.DeadLetterConfig).toBeDefined();
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: 'arn:aws:events:us-east-1:111122223333:event-bus/central' }] },
    });
  });

  test('targets share one events role', () => {
    const { template } = synth({}, (s) => ({
      targets: [RouteTarget.stateMachine(stateMachine(s)), RouteTarget.eventBus(events.EventBus.fromEventBusName(s, 'Other', 'other'))],
    }));
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    // The state machine's own role, and the route's events role.
    template.resourceCountIs('AWS::IAM::Role', 2);
  });

  test('an input transformation reaches the target', () => {
    const { template } = synth({
      targets: [RouteTarget.newQueue({ input: events.RuleTargetInput.fromEventPath('$.detail') })],
    });
    expect(ruleTargets(template)[0].InputPath).toBe('$.detail');
  });

  test('per-target retry policy and dead-letter queue override the route', () => {
    const { template, stack } = synth({}, (s) => ({
      targets: [RouteTarget.newQueue({ retryAttempts: 3, maxEventAge: Duration.minutes(5), deadLetterQueue: new sqs.Queue(s, 'OwnDlq', { enforceSSL: true }) })],
    }));
    const target = ruleTargets(template)[0];
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 300 });
    expect(target.DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(stack.node.findChild('OwnDlq').node.defaultChild as any), 'Arn'] });
  });

  test('when every target brings its own dead-letter queue, the route creates none and alarms theirs', () => {
    const { route, stack } = synth({}, (s) => ({
      targets: [RouteTarget.newQueue({ deadLetterQueue: new sqs.Queue(s, 'OwnDlq', { enforceSSL: true }) })],
    }));
    expect(route.deadLetterQueue).toBeUndefined();
    expect(route.node.tryFindChild('DeadLetterQueue')).toBeUndefined();
    expect(route.deadLetterQueues).toEqual([stack.node.findChild('OwnDlq')]);
    expect(route.deadLetterQueueAlarms).toHaveLength(1);
  });

  test('a target with its own dead-letter queue next to one using the route\'s: both are alarmed', () => {
    const { route } = synth({}, (s) => ({
      targets: [RouteTarget.newQueue(), RouteTarget.newQueue({ queueId: 'Audit', deadLetterQueue: new sqs.Queue(s, 'OwnDlq', { enforceSSL: true }) })],
    }));
    expect(route.deadLetterQueues).toHaveLength(2);
    // The alarm of a target's own dead-letter queue is named after that queue, not after its place in the list.
    expect(route.deadLetterQueueAlarms.map((a) => a.node.id)).toEqual(['DeadLetterQueueAlarm', expect.stringMatching(/^DeadLetterQueueAlarmTestOwnDlq[0-9A-F]{8}$/)]);
    expect(route.queues.map((q) => q.node.id)).toEqual(['Queue1', 'Audit']);
  });
});

describe('EventBusRoute options', () => {
  test('eventBusName names the created bus', () => {
    const { template } = synth({ eventBusName: 'orders' });
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'orders' });
  });

  test('on the default bus, the rule has no event bus name and the metrics only the RuleName dimension', () => {
    const { template, stack, route } = synth({}, (s) => ({ eventBus: events.EventBus.fromEventBusName(s, 'Default', 'default') }));
    template.resourceCountIs('AWS::Events::EventBus', 0);
    template.hasResourceProperties('AWS::Events::Rule', { EventBusName: 'default' });
    expect(stack.resolve(route.metricFailedInvocations().toMetricConfig().metricStat!.dimensions)).toEqual([
      { name: 'RuleName', value: { Ref: logicalId(stack, route.rule) } },
    ]);
  });

  test('a second route on the bus of the first one: one bus, two rules, each with its own dead-letter queue', () => {
    const { stack } = testStack();
    const first = new EventBusRoute(stack, 'Placed', { eventBusName: 'orders', eventPattern: PATTERN, targets: [RouteTarget.newQueue()] });
    const second = new EventBusRoute(stack, 'Cancelled', {
      eventBus: first.eventBus,
      eventPattern: { detailType: ['OrderCancelled'] },
      targets: [RouteTarget.newQueue()],
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.resourceCountIs('AWS::Events::Rule', 2);
    const bus = logicalId(stack, first.eventBus as events.EventBus);
    for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) {
      expect(rule.Properties.EventBusName).toEqual({ Ref: bus });
    }
    expect(second.eventBus).toBe(first.eventBus);
    expect(second.deadLetterQueue).not.toBe(first.deadLetterQueue);
    expect(stack.resolve(second.metricFailedInvocations().toMetricConfig().metricStat!.dimensions)[0]).toEqual({
      name: 'EventBusName',
      value: { Ref: bus },
    });
  });

  test('a ruleName given in props is the RuleName of the metrics as it is', () => {
    const { stack, route } = synth({ ruleName: 'orders-placed' });
    expect(route.ruleName).toBe('orders-placed');
    expect(stack.resolve(route.metricFailedInvocations().toMetricConfig().metricStat!.dimensions)[1]).toEqual({ name: 'RuleName', value: 'orders-placed' });
  });

  test('ruleName, description and enabled reach the rule', () => {
    const { template } = synth({ ruleName: 'orders-placed', description: 'Placed orders', enabled: false });
    template.hasResourceProperties('AWS::Events::Rule', { Name: 'orders-placed', Description: 'Placed orders', State: 'DISABLED' });
  });

  test('route-wide retryAttempts and maxEventAge apply to every target', () => {
    const { template } = synth({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    expect(ruleTargets(template)[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
  });

  test('deadLetterQueueName and deadLetterRetentionPeriod configure the created dead-letter queue', () => {
    const { template } = synth({ deadLetterQueueName: 'orders-route-dlq', deadLetterRetentionPeriod: Duration.days(7) });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'orders-route-dlq', MessageRetentionPeriod: 7 * 86_400 });
  });

  test('deadLetterQueueKey encrypts the dead-letter queue and lets EventBridge in this account use the key', () => {
    const { template, stack } = synth({}, (s) => ({ deadLetterQueueKey: new kms.Key(s, 'Key', { enableKeyRotation: true }) }));
    const key = stack.getLogicalId(stack.node.findChild('Key').node.defaultChild as any);
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] }, MessageRetentionPeriod: 14 * 86_400 });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowEventBridgeToUseTheKeyOfDeadLetterQueues',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ]),
      },
    });
  });

  test('an imported deadLetterQueueKey draws a warning: its key policy cannot be changed here', () => {
    const { stack } = synth({}, (s) => ({ deadLetterQueueKey: kms.Key.fromKeyArn(s, 'Key', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab') }));
    Annotations.fromStack(stack).hasWarning('/Test/Route', Match.stringLikeRegexp('deadLetterQueueKey is not a key of this app'));
  });

  test('a dead-letter queue you bring replaces the created one', () => {
    const { template, route, stack } = synth({}, (s) => ({ deadLetterQueue: new sqs.Queue(s, 'Mine', { enforceSSL: true }) }));
    expect(route.deadLetterQueue).toBe(stack.node.findChild('Mine'));
    expect(route.node.tryFindChild('DeadLetterQueue')).toBeUndefined();
    expect(ruleTargets(template)[0].DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': [stack.getLogicalId((route.deadLetterQueue as sqs.Queue).node.defaultChild as any), 'Arn'] });
  });

  test('removalPolicy applies to the bus, the dead-letter queue and the archive', () => {
    const { template } = synth({ removalPolicy: RemovalPolicy.RETAIN, archive: {} });
    for (const type of ['AWS::Events::EventBus', 'AWS::Events::Archive']) {
      template.hasResource(type, { DeletionPolicy: 'Retain' });
    }
    template.hasResource('AWS::SQS::Queue', { DeletionPolicy: 'Retain', Properties: { MessageRetentionPeriod: 14 * 86_400, SqsManagedSseEnabled: true } });
  });

  test('switching the alarms off', () => {
    const { route } = synth({ deadLetterQueueAlarm: false, failedInvocationsAlarm: false, deadLetterInvocationsAlarms: false });
    expect(route.alarms).toEqual([]);
    expect(route.failedInvocationsAlarm).toBeUndefined();
    expect(route.invocationsSentToDlqAlarm).toBeUndefined();
    expect(route.invocationsFailedToBeSentToDlqAlarm).toBeUndefined();
  });

  test('alarmAction goes to every alarm, those of created queues included', () => {
    const { template, stack } = synth({}, (s) => ({ alarmAction: new cloudwatchActions.SnsAction(new sns.Topic(s, 'Oncall')) }));
    const topic = stack.getLogicalId(stack.node.findChild('Oncall').node.defaultChild as any);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(6);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    }
  });

  test("archive: the route's pattern, 30 days by default", () => {
    const { template, stack, route } = synth({ archive: {} });
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: { 'Fn::GetAtt': [logicalId(stack, route.eventBus as events.EventBus), 'Arn'] },
      EventPattern: { 'source': ['shop'], 'detail-type': ['OrderPlaced'] },
      RetentionDays: 30,
    });
    expect(route.archive).toBeDefined();
  });

  test('archive: every event, named, with a retention', () => {
    const { template } = synth({ archive: { archiveAllEvents: true, retention: Duration.days(7), archiveName: 'orders', description: 'All orders' } });
    template.hasResourceProperties('AWS::Events::Archive', {
      EventPattern: Match.absent(),
      RetentionDays: 7,
      ArchiveName: 'orders',
      Description: 'All orders',
    });
  });

  test('archive of the default bus', () => {
    const { template } = synth({ archive: {} }, (s) => ({ eventBus: events.EventBus.fromEventBusName(s, 'Default', 'default') }));
    template.hasResourceProperties('AWS::Events::Archive', { SourceArn: Match.objectLike({ 'Fn::Join': Match.anyValue() }) });
  });

  test('putEventsAccounts: a bus policy statement for the accounts', () => {
    const { template, stack, route } = synth({ putEventsAccounts: ['111122223333', '444455556666'] });
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      EventBusName: { Ref: logicalId(stack, route.eventBus as events.EventBus) },
      StatementId: Match.stringLikeRegexp('-accounts$'),
      Statement: {
        Sid: Match.stringLikeRegexp('-accounts$'),
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Principal: {
          AWS: [
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:root']] },
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::444455556666:root']] },
          ],
        },
        Resource: { 'Fn::GetAtt': [logicalId(stack, route.eventBus as events.EventBus), 'Arn'] },
      },
    });
  });

  test('putEventsOrganizationId: a bus policy statement conditioned on aws:PrincipalOrgID', () => {
    const { template } = synth({ putEventsOrganizationId: 'o-a1b2c3d4e5' });
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({
        Principal: { AWS: '*' },
        Action: 'events:PutEvents',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      }),
    });
  });

  test('grantPutEvents grants events:PutEvents on the bus', () => {
    const { stack } = testStack();
    const route = new EventBusRoute(stack, 'Route', { eventPattern: PATTERN, targets: [RouteTarget.newQueue()] });
    const role = new iam.Role(stack, 'Publisher', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    route.grantPutEvents(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(stack, route.eventBus as events.EventBus), 'Arn'] } }],
      },
    });
  });

  test('events.Match helpers in the pattern are rendered and accepted', () => {
    const { template } = synth({ eventPattern: { source: events.Match.prefix('shop'), detail: { amount: events.Match.greaterThan(100) } } });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: [{ prefix: 'shop' }], detail: { amount: [{ numeric: ['>', 100] }] } },
    });
  });
});
