import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EventBusRoute, EventBusRouteProps, RouteTarget } from '../../src';
import { ACKNOWLEDGEMENTS } from '../../src/core/nag';
import { acknowledgedRules, alarmTopic, nagFindings, testStack, userFunction, userStateMachine, userStream, userTopic } from '../helpers/nag';


const TARGETS: [string, (stack: Stack) => RouteTarget[]][] = [
  ['a queue it creates', () => [RouteTarget.newQueue()]],
  ['a queue it creates, with a consumer', (s) => [RouteTarget.newQueue({ queueProps: { consumer: userFunction(s, 'Consumer', Duration.seconds(30)) } })]],
  ['an existing queue', (s) => [RouteTarget.queue(new sqs.Queue(s, 'Mine', { enforceSSL: true, deadLetterQueue: { queue: ownDlq(s), maxReceiveCount: 3 } }))]],
  ['a FIFO queue it creates', () => [RouteTarget.newQueue({ queueProps: { fifo: true }, messageGroupId: 'orders' })]],
  ['a Lambda function', (s) => [RouteTarget.lambdaFunction(userFunction(s, 'Fn', Duration.seconds(30)))]],
  ['an SNS topic', (s) => [RouteTarget.topic(userTopic(s, 'Topic'))]],
  ['an event bus of another account', (s) => [RouteTarget.eventBus(events.EventBus.fromEventBusArn(s, 'Central', 'arn:aws:events:us-east-1:111122223333:event-bus/central'))]],
  ['a state machine', (s) => [RouteTarget.stateMachine(userStateMachine(s, 'Machine'))]],
  ['a Kinesis stream encrypted with a customer-managed key', (s) => [RouteTarget.kinesisStream(userStream(s, 'Stream'))]],
];

function ownDlq(s: Stack): sqs.Queue {
  const dlq = new sqs.Queue(s, 'MineDlq', { enforceSSL: true });
  Validations.of(dlq).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason: "The test's stand-in for the user's dead-letter queue." });
  return dlq;
}

/** A customer-managed key on the route's bus. */
const busKey = (s: Stack): Partial<EventBusRouteProps> => ({ eventBusProps: { kmsKey: new kms.Key(s, 'BusKey', { enableKeyRotation: true }) } });

/** The findings on a route built from `props` (or from what `props` makes in the stack) and the targets `targetsOf` makes. */
function findings(props: Partial<EventBusRouteProps> | ((stack: Stack) => Partial<EventBusRouteProps>), targetsOf: (stack: Stack) => RouteTarget[]) {
  const { app, stack } = testStack(true);
  const given = typeof props === 'function' ? props(stack) : props;
  const route = new EventBusRoute(stack, 'Route', { eventPattern: { source: ['shop'] }, targets: targetsOf(stack), ...given });
  return { findings: nagFindings(app), route };
}

describe('EventBusRoute passes AwsSolutions, Serverless, HIPAA Security, NIST 800-53 rev 5 and PCI DSS 3.2.1', () => {
  test.each(TARGETS)('to %s: no error and no warning', (_name, targetsOf) => {
    expect(findings({}, targetsOf).findings).toEqual([]);
  });

  test('to every kind of target at once, with an archive and cross-account access', () => {
    const all = (s: Stack) => [
      RouteTarget.newQueue(),
      RouteTarget.lambdaFunction(userFunction(s, 'Fn', Duration.seconds(30))),
      RouteTarget.topic(userTopic(s, 'Topic')),
      RouteTarget.eventBus(events.EventBus.fromEventBusArn(s, 'Central', 'arn:aws:events:us-east-1:111122223333:event-bus/central')),
      RouteTarget.stateMachine(userStateMachine(s, 'Machine')),
    ];
    expect(findings({ archive: {}, putEventsAccounts: ['111122223333'], putEventsOrganizationId: 'o-a1b2c3d4e5' }, all).findings).toEqual([]);
  });

  test('with a customer-managed key on the bus (its dead-letter queue, logging, an encrypted archive) and a Kinesis stream target', () => {
    const { app, stack } = testStack(true);
    const stream = userStream(stack, 'Stream');
    const route = new EventBusRoute(stack, 'Route', {
      eventPattern: { source: ['shop'] },
      targets: [RouteTarget.kinesisStream(stream, { partitionKeyPath: '$.detail.orderId' }), RouteTarget.newQueue()],
      eventBusProps: {
        kmsKey: new kms.Key(stack, 'BusKey', { enableKeyRotation: true }),
        logConfig: { level: events.Level.INFO, includeDetail: events.IncludeDetail.FULL },
        description: 'Orders',
      },
      archive: {},
    });
    expect(nagFindings(app)).toEqual([]);
    expect(route.eventBusDeadLetterQueue).toBeDefined();
  });

  test('with the dead-letter queues (the targets\' and the bus\'s) encrypted with a customer-managed key', () => {
    const { app, stack } = testStack(true);
    new EventBusRoute(stack, 'Route', {
      eventPattern: { source: ['shop'] },
      targets: [RouteTarget.newQueue()],
      eventBusProps: { kmsKey: new kms.Key(stack, 'BusKey', { enableKeyRotation: true }) },
      deadLetterQueueKey: new kms.Key(stack, 'DlqKey', { enableKeyRotation: true }),
    });
    expect(nagFindings(app)).toEqual([]);
  });

  test('on the default bus, with a customer-managed key on the dead-letter queue', () => {
    const { app, stack } = testStack(true);
    new EventBusRoute(stack, 'Route', {
      eventBus: events.EventBus.fromEventBusName(stack, 'Default', 'default'),
      eventPattern: { source: ['shop'] },
      targets: [RouteTarget.newQueue()],
      deadLetterQueueKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
    });
    expect(nagFindings(app)).toEqual([]);
  });

  test('with an alarm action, the alarms need no acknowledgement', () => {
    const { app, stack } = testStack(true);
    const route = new EventBusRoute(stack, 'Route', {
      eventPattern: { source: ['shop'] },
      targets: [RouteTarget.newQueue()],
      alarmAction: new cloudwatchActions.SnsAction(alarmTopic(stack, 'Oncall')),
    });
    expect(nagFindings(app)).toEqual([]);
    for (const alarm of route.alarms) {
      expect(acknowledgedRules(alarm)).toEqual([]);
    }
  });
});

describe('EventBusRoute acknowledgements', () => {
  test('the route dead-letter queue acknowledges that it has no dead-letter queue and is the one of rule targets, with the reasons', () => {
    const { route } = findings({}, () => [RouteTarget.newQueue()]);
    expect(acknowledgedRules(route.deadLetterQueue!)).toEqual([
      ...ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq.ids.map((id) => [id, ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq.reason]),
      ...ACKNOWLEDGEMENTS.eventBridgeTargetDeadLetterQueue.ids.map((id) => [id, ACKNOWLEDGEMENTS.eventBridgeTargetDeadLetterQueue.reason]),
    ]);
  });

  test('alarms without an action acknowledge it, with the reason', () => {
    const { route } = findings({}, () => [RouteTarget.newQueue()]);
    expect(route.alarms).toHaveLength(4);
    for (const alarm of route.alarms) {
      expect(acknowledgedRules(alarm)).toEqual(ACKNOWLEDGEMENTS.alarmWithoutAction.ids.map((id) => [id, ACKNOWLEDGEMENTS.alarmWithoutAction.reason]));
    }
  });

  test('the bus\'s dead-letter queue acknowledges that it has no dead-letter queue and is the one of a bus, with the reasons', () => {
    const { route } = findings(busKey, () => [RouteTarget.newQueue()]);
    expect(acknowledgedRules(route.eventBusDeadLetterQueue!)).toEqual([
      ...ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq.ids.map((id) => [id, ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq.reason]),
      ...ACKNOWLEDGEMENTS.eventBusDeadLetterQueue.ids.map((id) => [id, ACKNOWLEDGEMENTS.eventBusDeadLetterQueue.reason]),
    ]);
  });

  test('the events role\'s policy acknowledges the KMS action wildcards of a stream with a customer-managed key, with the reason', () => {
    const { route } = findings({}, (s) => [RouteTarget.kinesisStream(userStream(s, 'Stream'))]);
    const policy = route.node.findChild('EventsRolePolicy');
    const { ids, reason } = ACKNOWLEDGEMENTS.kmsStreamWritePermissions;
    expect(acknowledgedRules(policy)).toEqual(ids.map((id) => [id, reason]));
  });

  test('a stream without a customer-managed key needs no acknowledgement on the events role\'s policy', () => {
    const { route } = findings({}, (s) => [RouteTarget.kinesisStream(new kinesis.Stream(s, 'Stream', { encryption: kinesis.StreamEncryption.MANAGED }))]);
    expect(acknowledgedRules(route.node.findChild('EventsRolePolicy'))).toEqual([]);
  });

  test('nothing else of the route is acknowledged', () => {
    const { route } = findings(busKey, (s) => [
      RouteTarget.newQueue(),
      RouteTarget.stateMachine(userStateMachine(s, 'Machine')),
      RouteTarget.kinesisStream(userStream(s, 'Stream')),
    ]);
    const explained: unknown[] = [route.deadLetterQueue, route.eventBusDeadLetterQueue, route.node.findChild('EventsRolePolicy')];
    const acknowledged = route.node
      .findAll()
      .filter((c) => acknowledgedRules(c).length > 0)
      .filter((c) => !(route.alarms as unknown[]).includes(c) && !explained.includes(c))
      .filter((c) => !route.queues.some((q) => q.node.findAll().includes(c)));
    expect(acknowledged.map((c) => c.node.path)).toEqual([]);
  });

  test('each acknowledged rule is one the packs really report on the same resources left bare', () => {
    // GIVEN a rule whose target has a dead-letter queue, and an alarm without action, built with aws-cdk-lib alone
    const { app, stack } = testStack(true);
    const dlq = new sqs.Queue(stack, 'Dlq', { enforceSSL: true });
    const queueDlq = new sqs.Queue(stack, 'QueueDlq', { enforceSSL: true });
    const queue = new sqs.Queue(stack, 'Queue', { enforceSSL: true, deadLetterQueue: { queue: queueDlq, maxReceiveCount: 5 } });
    new events.Rule(stack, 'Rule', { eventPattern: { source: ['shop'] }, targets: [new targets.SqsQueue(queue, { deadLetterQueue: dlq })] });
    dlq.metricApproximateNumberOfMessagesVisible().createAlarm(stack, 'Alarm', { threshold: 0, evaluationPeriods: 1 });
    // and a bus with a dead-letter queue, and a role that may write to a stream encrypted with a customer-managed key
    const busDlq = new sqs.Queue(stack, 'BusDlq', { enforceSSL: true });
    new events.EventBus(stack, 'Bus', { deadLetterQueue: busDlq });
    userStream(stack, 'Stream').grantWrite(new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('events.amazonaws.com') }));
    // WHEN the packs run
    const findingsOnBare = nagFindings(app);
    const reportedOn = (rule: string) => findingsOnBare.filter((f) => f.rule === rule).flatMap((f) => f.paths);
    // THEN every rule the route acknowledges is among the findings, on the resource it concerns
    expect(reportedOn('AwsSolutions-SQS3')).toContain('Test/Dlq/Resource');
    expect(reportedOn('Serverless-SQSRedrivePolicy')).toContain('Test/Dlq/Resource');
    for (const id of ACKNOWLEDGEMENTS.alarmWithoutAction.ids) {
      expect(reportedOn(id)).toContain('Test/Alarm/Resource');
    }
    expect(reportedOn('AwsSolutions-SQS3')).toContain('Test/BusDlq/Resource');
    expect(reportedOn('Serverless-SQSRedrivePolicy')).toContain('Test/BusDlq/Resource');
    for (const id of ACKNOWLEDGEMENTS.kmsStreamWritePermissions.ids) {
      expect(reportedOn(id)).toContain('Test/Role/DefaultPolicy/Resource');
    }
  });
});

