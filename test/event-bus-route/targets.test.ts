import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { EventBusRoute, RouteTarget, RouteTargetConfig, RouteTargetDeliveryOptions } from '../../src';
import { MessagePatternsError } from '../../src/core/errors';
import { testStack } from '../helpers/nag';

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
    return { ruleTarget: new targets.CloudWatchLogGroup(this.logGroup, r.deliveryFor(this.delivery)) };
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

  test('a newQueue target without queueId is the route\'s child Queue', () => {
    expect(route([RouteTarget.newQueue()]).route.queues[0].node.id).toBe('Queue');
  });

  test('two new queues with the same id are refused, naming queueId', () => {
    expect(() => route([RouteTarget.newQueue(), RouteTarget.newQueue()])).toThrow(
      new MessagePatternsError('Test/Route', [
        "RouteTarget.newQueue's queueId must be unique in the route: 'Queue' is taken; give each new queue of a route a queueId of its own",
      ]),
    );
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
    expect(r.queues.map((q) => q.node.id)).toEqual(['Queue', 'Later']);
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
