import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { EventBusRoute, RouteTarget, RouteTargetConfig, RouteTargetDeliveryOptions } from '../../src';
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
      putEventsAccounts: ['111122223333'],
      putEventsOrganizationId: 'o-a1b2c3d4e5',
    });
    const own = r.node.children.map((c) => c.node.id).filter((id) => id !== 'Queue1');
    expect(own.filter((id) => !ROUTE_CHILD_IDS.includes(id))).toEqual([]);
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
