import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { EventBusRoute, RouteDelivery, RouteTarget, RouteTargetConfig, RouteTargetDeliveryOptions } from '../../src';
import { MessagePatternsError } from '../../src/core/errors';
import { ROUTE_CHILD_IDS } from '../../src/event-bus-route/validate-event-bus-route-props';
import { testStack, userFunction } from '../helpers/nag';

const PATTERN: events.EventPattern = { source: ['shop'], detailType: ['OrderPlaced'] };

function route(routeTargets: RouteTarget[]): { stack: Stack; route: EventBusRoute } {
  const { stack } = testStack();
  return { stack, route: new EventBusRoute(stack, 'Route', { eventPattern: PATTERN, targets: routeTargets }) };
}

function logicalIds(stack: Stack): string[] {
  return Object.keys(Template.fromStack(stack).toJSON().Resources).sort();
}

/**
 * A target of the user's own: a CloudWatch Logs log group, delivered to by
 * aws-events-targets with the route's retry policy and dead-letter queue.
 */
class LogGroupTarget extends RouteTarget {
  constructor(
    private readonly logGroup: logs.ILogGroup,
    delivery: RouteTargetDeliveryOptions = {},
  ) {
    super(delivery);
  }

  public bind(r: EventBusRoute): RouteTargetConfig {
    return { ruleTarget: new targets.CloudWatchLogGroup(this.logGroup, r.deliveryFor(this)) };
  }
}

describe('construct ids of the queues a route creates', () => {
  // A construct id is part of a resource's logical id, and CloudFormation replaces a resource
  // whose logical id changes ("Update behaviors of stack resources", AWS CloudFormation User Guide:
  // a resource removed from the template is deleted, one added is created). An id taken from the
  // target's place in the list would replace the queues (and lose their messages) when targets are reordered.
  test('reordering targets keeps every logical id', () => {
    const audit = () => RouteTarget.newQueue({ queueId: 'Audit' });
    const shipping = () => RouteTarget.newQueue({ queueId: 'Shipping' });
    const first = route([audit(), shipping()]);
    const second = route([shipping(), audit()]);
    expect(logicalIds(second.stack)).toEqual(logicalIds(first.stack));
  });

  test('a newQueue target without queueId keeps the id the first new queue of a route always had', () => {
    expect(route([RouteTarget.newQueue()]).route.queues[0].node.id).toBe('Queue1');
  });

  test('two new queues with the same id are refused, naming queueId, with every other problem of the props', () => {
    expect(() => route([RouteTarget.newQueue(), RouteTarget.newQueue({ retryAttempts: 186 })])).toThrow(
      new MessagePatternsError('Test/Route', [
        'targets[1].retryAttempts must be an integer between 0 and 185, got 186',
        "targets[1].queueId 'Queue1' is already the id of another new queue or of a resource of the route: give each new queue of a route a queueId of its own",
      ]),
    );
  });

  test.each(ROUTE_CHILD_IDS)('a queueId that is the id of the route\'s own %s is refused', (id) => {
    expect(() => route([RouteTarget.newQueue({ queueId: id })])).toThrow(new RegExp(`targets\\[0\\]\\.queueId '${id}' is already the id`));
  });

  test('the reserved ids are those of every child a route with every option creates', () => {
    const { stack } = testStack();
    const machine = new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass')) });
    const r = new EventBusRoute(stack, 'Route', {
      eventPattern: PATTERN,
      targets: [RouteTarget.newQueue(), RouteTarget.stateMachine(machine)],
      archive: {},
      eventBusProps: { kmsKey: new kms.Key(stack, 'BusKey') },
      putEventsAccounts: ['111122223333'],
      putEventsOrganizationId: 'o-a1b2c3d4e5',
    });
    const own = r.node.children.map((c) => c.node.id).filter((id) => id !== 'Queue1');
    expect(own.filter((id) => !ROUTE_CHILD_IDS.includes(id))).toEqual([]);
    expect(own).toEqual(expect.arrayContaining(['EventBusDeadLetterQueue', 'EventBusDeadLetterQueueAlarm', 'ArchiveSourceBus']));
  });
});

describe('addTarget', () => {
  test('adds a target to the rule with the route\'s retry policy and dead-letter queue', () => {
    const { stack, route: r } = route([RouteTarget.newQueue()]);
    r.addTarget(RouteTarget.newQueue({ queueId: 'Later', retryAttempts: 3 }));
    const [rule] = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'));
    expect(rule.Properties.Targets).toHaveLength(2);
    expect(rule.Properties.Targets[1].RetryPolicy.MaximumRetryAttempts).toBe(3);
    expect(rule.Properties.Targets[1].DeadLetterConfig).toEqual(rule.Properties.Targets[0].DeadLetterConfig);
    expect(r.queues.map((q) => q.node.id)).toEqual(['Queue1', 'Later']);
  });

  test('the alarms of what an added target creates are listed with the route\'s', () => {
    const { stack, route: r } = route([RouteTarget.newQueue()]);
    const fn = userFunction(stack, 'Handler');
    r.addTarget(RouteTarget.lambdaFunction(fn));
    expect(r.asyncFailureQueues).toHaveLength(1);
    expect(r.alarms).toContain(fn.node.findChild('AsyncFailureQueueAlarm'));
  });

  test('a queueId taken by a queue of the props is refused when added later', () => {
    const { route: r } = route([RouteTarget.newQueue()]);
    expect(() => r.addTarget(RouteTarget.newQueue())).toThrow(/targets\[1\]\.queueId 'Queue1' is already the id/);
  });

  test('a sixth target is refused: EventBridge allows 5 targets per rule', () => {
    // EventBridge quotas: 5 targets per rule (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html),
    // the limit the props' targets are checked against too.
    const { route: r } = route([1, 2, 3, 4, 5].map((i) => RouteTarget.newQueue({ queueId: `Q${i}` })));
    expect(() => r.addTarget(RouteTarget.newQueue({ queueId: 'Q6' }))).toThrow(/addTarget: the route holds 5 targets already/);
  });

  test('an added target is checked as those of props are', () => {
    const { route: r } = route([RouteTarget.newQueue()]);
    expect(() => r.addTarget(RouteTarget.newQueue({ queueId: 'Later', retryAttempts: 186 }))).toThrow(
      /targets\[1\]\.retryAttempts must be an integer between 0 and 185, got 186/,
    );
  });
});

describe('targets of the user\'s own', () => {
  test('a subclass of RouteTarget binds with the route\'s delivery, and its dead-letter queue is alarmed', () => {
    const { stack } = testStack();
    const logGroup = new logs.LogGroup(stack, 'Audit');
    const r = new EventBusRoute(stack, 'Route', { eventPattern: PATTERN, targets: [new LogGroupTarget(logGroup, { maxEventAge: Duration.hours(1) })] });
    const template = Template.fromStack(stack);
    const [rule] = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rule.Properties.Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 3600 });
    expect(rule.Properties.Targets[0].DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(r.deadLetterQueue!.node.defaultChild as sqs.CfnQueue), 'Arn'] });
    expect(r.deadLetterQueueAlarms.map((a) => a.node.id)).toEqual(['DeadLetterQueueAlarm']);
  });

  test('the rule may send to the dead-letter queue of a target of the user\'s own, which aws-events-targets\' CloudWatchLogGroup does not write', () => {
    // Without sqs:SendMessage in the queue policy for the rule, EventBridge cannot move an event there
    // (EventBridge User Guide, "Using dead-letter queues", granting permissions to the dead-letter queue,
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html): InvocationsFailedToBeSentToDlq.
    const { stack } = testStack();
    const r = new EventBusRoute(stack, 'Route', { eventPattern: PATTERN, targets: [new LogGroupTarget(new logs.LogGroup(stack, 'Audit'))] });
    expectRuleMaySendTo(stack, r, r.deadLetterQueue!);
  });

  test('a target of the user\'s own bound without a dead-letter queue gets a warning', () => {
    // Without a DeadLetterConfig, EventBridge drops an event it could not deliver once its retries are spent
    // (EventBridge User Guide, "Using dead-letter queues to process undelivered events",
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
    const { stack } = testStack();
    const logGroup = new logs.LogGroup(stack, 'Audit');
    class BareTarget extends RouteTarget {
      public bind(): RouteTargetConfig {
        return { ruleTarget: new targets.CloudWatchLogGroup(logGroup) };
      }
    }
    new EventBusRoute(stack, 'Route', { eventPattern: PATTERN, targets: [new BareTarget()] });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('has no dead-letter queue'));
    expect(warnings.map((w) => w.id)).toEqual(['/Test/Route']);
  });

  test('the events role is a role of this app, made once for every target that uses it', () => {
    const { stack } = testStack();
    const machine = new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass')) });
    const bus = new events.EventBus(stack, 'Other');
    const r = new EventBusRoute(stack, 'Route', { eventPattern: PATTERN, targets: [RouteTarget.stateMachine(machine), RouteTarget.eventBus(bus)] });
    expect(r.eventsRole).toBeInstanceOf(iam.Role);
    expect(r.useEventsRole()).toBe(r.eventsRole);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 2); // the state machine's own role and the events role
  });
});

/** The queue policy of `queue` lets the route's rule (and only it) send to it, once. */
function expectRuleMaySendTo(stack: Stack, r: EventBusRoute, queue: sqs.IQueue): void {
  const queueId = stack.getLogicalId(queue.node.defaultChild as sqs.CfnQueue);
  const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::SQS::QueuePolicy', { Properties: { Queues: [{ Ref: queueId }] } }));
  const sends = (policy.Properties.PolicyDocument.Statement as any[]).filter((st) => st.Action === 'sqs:SendMessage');
  expect(sends).toEqual([
    {
      Sid: expect.stringMatching(/^AllowEventRule/),
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
      Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [stack.getLogicalId(r.rule.node.defaultChild as events.CfnRule), 'Arn'] } } },
    },
  ]);
}

function ruleTargetsOf(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))[0].Properties.Targets;
}

describe('RouteTarget.kinesisStream', () => {
  // EventBridge writes to Kinesis with a role ("For Kinesis streams, EventBridge uses identity-based policies", EventBridge
  // User Guide, "Using resource-based policies for Amazon EventBridge"); a producer of a stream encrypted with a
  // customer-managed key needs kms:GenerateDataKey on it ("Permissions to use user-generated KMS keys", Amazon Kinesis
  // Data Streams Developer Guide, https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html).
  test('puts records with the events role, the partition key path and input given, and the route\'s retry policy and dead-letter queue', () => {
    const { stack } = testStack();
    const stream = new kinesis.Stream(stack, 'Stream', { encryption: kinesis.StreamEncryption.MANAGED });
    const r = new EventBusRoute(stack, 'Route', {
      eventPattern: PATTERN,
      retryAttempts: 20,
      targets: [RouteTarget.kinesisStream(stream, { partitionKeyPath: '$.detail.orderId', input: events.RuleTargetInput.fromEventPath('$.detail') })],
    });
    const streamId = stack.getLogicalId(stream.node.defaultChild as kinesis.CfnStream);
    expect(ruleTargetsOf(stack)[0]).toEqual({
      Id: 'Target0',
      Arn: { 'Fn::GetAtt': [streamId, 'Arn'] },
      RoleArn: { 'Fn::GetAtt': [stack.getLogicalId(r.eventsRole!.node.defaultChild as iam.CfnRole), 'Arn'] },
      KinesisParameters: { PartitionKeyPath: '$.detail.orderId' },
      InputPath: '$.detail',
      RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 86_400 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [stack.getLogicalId(r.deadLetterQueue!.node.defaultChild as sqs.CfnQueue), 'Arn'] } },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: stack.getLogicalId(r.eventsRole!.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: {
        Statement: [{ Action: ['kinesis:ListShards', 'kinesis:PutRecord', 'kinesis:PutRecords'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [streamId, 'Arn'] } }],
      },
    });
    expectRuleMaySendTo(stack, r, r.deadLetterQueue!);
    expect(r.deadLetterQueueAlarms.map((a) => a.node.id)).toEqual(['DeadLetterQueueAlarm']);
  });

  test('without a partition key path, EventBridge uses the event id (no KinesisParameters)', () => {
    const { stack } = testStack();
    new EventBusRoute(stack, 'Route', { eventPattern: PATTERN, targets: [RouteTarget.kinesisStream(new kinesis.Stream(stack, 'Stream'))] });
    expect(ruleTargetsOf(stack)[0].KinesisParameters).toBeUndefined();
  });

  test('a stream encrypted with a customer-managed key: the events role may use the key, in one managed policy and no role of aws-events-targets', () => {
    const { stack } = testStack();
    const key = new kms.Key(stack, 'StreamKey', { enableKeyRotation: true });
    const stream = new kinesis.Stream(stack, 'Stream', { encryption: kinesis.StreamEncryption.KMS, encryptionKey: key });
    const r = new EventBusRoute(stack, 'Route', { eventPattern: PATTERN, targets: [RouteTarget.kinesisStream(stream, { retryAttempts: 3 })] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: Match.arrayWith(['kms:GenerateDataKey*']),
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] },
          },
        ]),
      },
    });
    // aws-events-targets' KinesisStream would add a role of its own under the stream, trusted without aws:SourceAccount.
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    expect(stream.node.tryFindChild('EventsRole')).toBeUndefined();
    expect(ruleTargetsOf(stack)[0].RetryPolicy.MaximumRetryAttempts).toBe(3);
    expect(r.eventsRole).toBeDefined();
  });

  test('the target\'s own dead-letter queue and options are checked as those of every target', () => {
    const { stack } = testStack();
    expect(() => new EventBusRoute(stack, 'Route', {
      eventPattern: PATTERN,
      targets: [RouteTarget.kinesisStream(new kinesis.Stream(stack, 'Stream'), { retryAttempts: 186, deadLetterQueue: new sqs.Queue(stack, 'Fifo', { fifo: true }) })],
    })).toThrow(/targets\[0\]\.retryAttempts must be an integer between 0 and 185, got 186\n- targets\[0\]\.deadLetterQueue must be a standard queue/);
  });
});

describe('RouteTarget.ruleTarget: any rule target, with the route\'s delivery', () => {
  test('an aws-events-targets CloudWatchLogGroup gets the delivery, the rule may send to the dead-letter queue, and the queue is alarmed', () => {
    const { stack } = testStack();
    const logGroup = new logs.LogGroup(stack, 'Audit');
    const given: RouteDelivery[] = [];
    const r = new EventBusRoute(stack, 'Route', {
      eventPattern: PATTERN,
      maxEventAge: Duration.hours(2),
      targets: [
        RouteTarget.ruleTarget({
          ruleTarget: (delivery) => {
            given.push(delivery);
            return new targets.CloudWatchLogGroup(logGroup, delivery);
          },
        }, { retryAttempts: 5 }),
      ],
    });
    expect(given).toEqual([{ retryAttempts: 5, maxEventAge: Duration.hours(2), deadLetterQueue: r.deadLetterQueue }]);
    const target = ruleTargetsOf(stack)[0];
    expect(JSON.stringify(target.Arn)).toContain(stack.getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup));
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 7200 });
    expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [stack.getLogicalId(r.deadLetterQueue!.node.defaultChild as sqs.CfnQueue), 'Arn'] } });
    expectRuleMaySendTo(stack, r, r.deadLetterQueue!);
    expect(r.deadLetterQueueAlarms.map((a) => a.node.id)).toEqual(['DeadLetterQueueAlarm']);
    Annotations.fromStack(stack).hasNoWarning('/Test/Route', Match.stringLikeRegexp('has no dead-letter queue'));
  });

  test('an aws-events-targets ApiGateway with the route\'s events role and its own dead-letter queue', () => {
    const { stack } = testStack();
    const api = new apigateway.RestApi(stack, 'Api');
    api.root.addMethod('POST');
    const ownDlq = new sqs.Queue(stack, 'OwnDlq', { enforceSSL: true });
    const r = new EventBusRoute(stack, 'Route', {
      eventPattern: PATTERN,
      targets: [
        RouteTarget.ruleTarget(
          { ruleTarget: (delivery, bound) => new targets.ApiGateway(api, { ...delivery, path: '/', method: 'POST', eventRole: bound.useEventsRole() }) },
          { deadLetterQueue: ownDlq, maxEventAge: Duration.minutes(10) },
        ),
      ],
    });
    const target = ruleTargetsOf(stack)[0];
    expect(target.RoleArn).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(r.eventsRole!.node.defaultChild as iam.CfnRole), 'Arn'] });
    expect(target.HttpParameters).toBeDefined();
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 600 });
    expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [stack.getLogicalId(ownDlq.node.defaultChild as sqs.CfnQueue), 'Arn'] } });
    // The target brings its own dead-letter queue: the route creates none, and alarms the target's.
    expect(r.deadLetterQueue).toBeUndefined();
    expect(r.deadLetterQueues).toEqual([ownDlq]);
    expect(r.deadLetterQueueAlarms).toHaveLength(1);
    expectRuleMaySendTo(stack, r, ownDlq);
    // execute-api:Invoke lands in the events role's managed policy, not in a role of aws-events-targets.
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: Match.arrayWith(['execute-api:Invoke']), Effect: 'Allow' })] },
    });
    expect(api.node.tryFindChild('EventsRole')).toBeUndefined();
  });

  test('a rule target that ignores the delivery still gets the route\'s retry policy and dead-letter queue', () => {
    const { stack } = testStack();
    const logGroup = new logs.LogGroup(stack, 'Audit');
    const r = new EventBusRoute(stack, 'Route', {
      eventPattern: PATTERN,
      targets: [RouteTarget.ruleTarget({ ruleTarget: () => new targets.CloudWatchLogGroup(logGroup, { retryAttempts: 1 }) })],
    });
    const target = ruleTargetsOf(stack)[0];
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 });
    expect(target.DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(r.deadLetterQueue!.node.defaultChild as sqs.CfnQueue), 'Arn'] });
    expectRuleMaySendTo(stack, r, r.deadLetterQueue!);
  });

  test('its delivery options are checked as those of every target', () => {
    const { stack } = testStack();
    expect(() => new EventBusRoute(stack, 'Route', {
      eventPattern: PATTERN,
      targets: [RouteTarget.ruleTarget({ ruleTarget: () => new targets.CloudWatchLogGroup(new logs.LogGroup(stack, 'Audit')) }, { maxEventAge: Duration.seconds(30) })],
    })).toThrow(/targets\[0\]\.maxEventAge must be between 1 minute and 1 day, got 30 seconds/);
  });
});
