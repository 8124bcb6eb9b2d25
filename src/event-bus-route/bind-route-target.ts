import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { RouteTargetDeliveryOptions, RouteTargetKind } from './route-target';
import { QueueWithDlq, QueueWithDlqProps } from '../queue-with-dlq/queue-with-dlq';

/** Everything a target was created with; internal to the library. */
export interface RouteTargetSpec {
  readonly kind: RouteTargetKind;
  readonly delivery: RouteTargetDeliveryOptions;
  readonly input?: events.RuleTargetInput;
  readonly messageGroupId?: string;
  readonly queue?: sqs.IQueue;
  readonly queueProps?: QueueWithDlqProps;
  readonly fn?: lambda.IFunction;
  readonly topic?: sns.ITopic;
  readonly eventBus?: events.IEventBus;
  readonly stateMachine?: sfn.IStateMachine;
}

/** The retry policy and dead-letter queue a target is bound with. */
export interface ResolvedDelivery {
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
  readonly deadLetterQueue: sqs.IQueue;
}

/** What binding a target produced. */
export interface BoundRouteTarget {
  readonly ruleTarget: events.IRuleTarget;
  /** The QueueWithDlq created for a `newQueue` target. */
  readonly createdQueue?: QueueWithDlq;
}

/**
 * Builds the aws-events-targets target of `spec`. `scope` holds the queue a
 * `newQueue` target creates; `eventsRole` gives the role EventBridge assumes
 * for targets that need one. The role is passed to aws-events-targets without
 * policy updates, so that its permissions go to its managed policy rather
 * than to an inline policy.
 */
export function bindRouteTarget(
  scope: Construct,
  queueId: string,
  spec: RouteTargetSpec,
  delivery: ResolvedDelivery,
  eventsRole: () => EventsRole,
): BoundRouteTarget {
  const base = {
    retryAttempts: delivery.retryAttempts,
    maxEventAge: delivery.maxEventAge,
    deadLetterQueue: delivery.deadLetterQueue,
  };
  switch (spec.kind) {
    case RouteTargetKind.QUEUE:
      return { ruleTarget: new targets.SqsQueue(spec.queue!, { ...base, message: spec.input, messageGroupId: spec.messageGroupId }) };
    case RouteTargetKind.NEW_QUEUE: {
      const createdQueue = new QueueWithDlq(scope, queueId, spec.queueProps);
      return {
        ruleTarget: new targets.SqsQueue(createdQueue.queue, { ...base, message: spec.input, messageGroupId: spec.messageGroupId }),
        createdQueue,
      };
    }
    case RouteTargetKind.LAMBDA_FUNCTION:
      return { ruleTarget: new targets.LambdaFunction(spec.fn!, { ...base, event: spec.input }) };
    case RouteTargetKind.TOPIC:
      return { ruleTarget: new targets.SnsTopic(spec.topic!, { ...base, message: spec.input }) };
    case RouteTargetKind.EVENT_BUS: {
      const { role, policy } = eventsRole();
      policy.addStatements(new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [spec.eventBus!.eventBusArn] }));
      const target = new targets.EventBus(spec.eventBus!, { role, deadLetterQueue: delivery.deadLetterQueue });
      return { ruleTarget: withRetryPolicy(target, delivery) };
    }
    case RouteTargetKind.STATE_MACHINE: {
      const { role, policy } = eventsRole();
      policy.addStatements(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [spec.stateMachine!.stateMachineArn] }));
      return { ruleTarget: new targets.SfnStateMachine(spec.stateMachine!, { ...base, input: spec.input, role }) };
    }
  }
}

/**
 * aws-events-targets' EventBus target takes no retry policy, although
 * EventBridge applies one to event bus targets too: set it on the bound
 * configuration.
 */
function withRetryPolicy(target: events.IRuleTarget, delivery: ResolvedDelivery): events.IRuleTarget {
  return {
    bind: (rule, id) => ({
      ...target.bind(rule, id),
      retryPolicy: {
        maximumRetryAttempts: delivery.retryAttempts,
        maximumEventAgeInSeconds: delivery.maxEventAge.toSeconds({ integral: true }),
      },
    }),
  };
}

/**
 * The role EventBridge assumes for event bus and state machine targets, with
 * the customer-managed policy that carries its permissions (no inline policy).
 */
export interface EventsRole {
  readonly role: iam.IRole;
  readonly policy: iam.ManagedPolicy;
}
