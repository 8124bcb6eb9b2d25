import { Annotations, Duration, Names, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { RouteTargetDeliveryOptions, RouteTargetKind } from './route-target';
import { AsyncFailurePath, ensureAsyncFailurePath } from '../core/async-invoke';
import { AsyncInvokeOptions } from '../core/async-invoke-options';
import { ACKNOWLEDGEMENTS, acknowledge } from '../core/nag';
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
  readonly asyncInvoke?: AsyncInvokeOptions;
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
  /** The on-failure destination of a Lambda function target. */
  readonly asyncFailure?: AsyncFailurePath;
}

/**
 * Builds the rule target of `spec`. `scope` holds the queue a `newQueue`
 * target creates; `eventsRole` gives the role EventBridge assumes for targets
 * delivered with a role (topics, event buses, state machines), whose grants
 * land in its customer-managed policy.
 *
 * Every statement written for `events.amazonaws.com` is scoped, whatever the
 * app's feature flags: queue targets by {@link QueueRuleTarget}; topics are
 * published to with the role instead of a topic-policy and key-policy
 * statement for the service, because SNS documents that no source condition
 * is supported in a key policy for EventBridge-to-encrypted-topic delivery
 * (Amazon SNS Developer Guide, "Enable compatibility between event sources
 * from AWS services and encrypted topics",
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services),
 * and EventBridge takes an execution role for every target type since March
 * 2025 (aws-events-targets' `SnsTopic` role option, deployed in aws-cdk's
 * integration tests, aws/aws-cdk pull request 34259).
 */
export function bindRouteTarget(
  scope: Construct,
  queueId: string,
  spec: RouteTargetSpec,
  delivery: ResolvedDelivery,
  eventsRole: () => EventsRole,
  alarmAction?: cloudwatch.IAlarmAction,
): BoundRouteTarget {
  const base = {
    retryAttempts: delivery.retryAttempts,
    maxEventAge: delivery.maxEventAge,
    deadLetterQueue: delivery.deadLetterQueue,
  };
  switch (spec.kind) {
    case RouteTargetKind.QUEUE:
      return { ruleTarget: new QueueRuleTarget(scope, spec.queue!, delivery, spec.input, spec.messageGroupId) };
    case RouteTargetKind.NEW_QUEUE: {
      const createdQueue = new QueueWithDlq(scope, queueId, spec.queueProps);
      return { ruleTarget: new QueueRuleTarget(scope, createdQueue.queue, delivery, spec.input, spec.messageGroupId), createdQueue };
    }
    case RouteTargetKind.LAMBDA_FUNCTION:
      return {
        ruleTarget: new targets.LambdaFunction(spec.fn!, { ...base, event: spec.input }),
        asyncFailure: ensureAsyncFailurePath(spec.fn!, scope.node.path, spec.asyncInvoke, alarmAction),
      };
    case RouteTargetKind.TOPIC: {
      const { role, policy } = eventsRole();
      if (spec.topic!.masterKey) {
        acknowledge(policy, ACKNOWLEDGEMENTS.kmsTopicPublishPermissions);
      }
      return { ruleTarget: new targets.SnsTopic(spec.topic!, { ...base, message: spec.input, role }) };
    }
    case RouteTargetKind.EVENT_BUS: {
      const target = new targets.EventBus(spec.eventBus!, { role: eventsRole().role, deadLetterQueue: delivery.deadLetterQueue });
      return { ruleTarget: withRetryPolicy(target, delivery) };
    }
    case RouteTargetKind.STATE_MACHINE:
      return { ruleTarget: new targets.SfnStateMachine(spec.stateMachine!, { ...base, input: spec.input, role: eventsRole().role }) };
  }
}

/**
 * An SQS queue target whose statements for `events.amazonaws.com` are scoped
 * whatever the app's feature flags (aws-events-targets' `SqsQueue` scopes
 * them only behind `@aws-cdk/aws-events:eventsTargetQueueSameAccount`, and
 * not at all for an encrypted queue without it):
 * - the queue policy by `aws:SourceArn` = the rule's ARN (EventBridge User
 *   Guide, "Using resource-based policies for Amazon EventBridge", Amazon SQS
 *   permissions, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions);
 * - the key policy of a customer-managed key by `aws:SourceAccount`: naming
 *   the rule there would be a dependency cycle (key, queue, rule, key), and
 *   AWS documents no rule ARN in that request;
 * - the dead-letter queue's policy by `aws:SourceArn` = the rule's ARN
 *   (EventBridge User Guide, "Using dead-letter queues", granting permissions
 *   to the dead-letter queue, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
 * A queue or key of another app gets a warning saying what its owner must add.
 */
class QueueRuleTarget implements events.IRuleTarget {
  constructor(
    private readonly scope: Construct,
    private readonly queue: sqs.IQueue,
    private readonly delivery: ResolvedDelivery,
    private readonly input?: events.RuleTargetInput,
    private readonly messageGroupId?: string,
  ) {}

  public bind(rule: events.IRule, _id?: string): events.RuleTargetConfig {
    const ruleArn = rule.ruleArn;
    const sent = this.queue.addToResourcePolicy(eventsStatement(['sqs:SendMessage'], [this.queue.queueArn], { ArnEquals: { 'aws:SourceArn': ruleArn } }));
    if (!sent.statementAdded) {
      Annotations.of(this.scope).addWarningV2(
        'cdk-message-patterns:importedTargetQueue',
        `The target queue ${this.queue.node.path} is not a queue of this app, so its policy cannot be changed here: its owner must let ` +
          'events.amazonaws.com send to it (sqs:SendMessage, with the condition aws:SourceArn = the rule\'s ARN), or every event goes to the dead-letter queue.',
      );
    }
    const key = this.queue.encryptionMasterKey;
    if (key) {
      const used = key.addToResourcePolicy(
        eventsStatement(['kms:Decrypt', 'kms:GenerateDataKey'], ['*'], { StringEquals: { 'aws:SourceAccount': Stack.of(rule).account } }),
      );
      if (!used.statementAdded) {
        Annotations.of(this.scope).addWarningV2(
          'cdk-message-patterns:importedTargetQueueKey',
          `The key of the target queue (${key.node.path}) is not a key of this app, so its policy cannot be changed here: its owner must let ` +
            'events.amazonaws.com use it (kms:Decrypt and kms:GenerateDataKey), or every event goes to the dead-letter queue.',
        );
      }
    }
    const deadLetterQueue = this.delivery.deadLetterQueue;
    deadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `AllowEventRule${Names.nodeUniqueId(rule.node)}`,
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [deadLetterQueue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      }),
    );
    return {
      arn: this.queue.queueArn,
      input: this.input,
      targetResource: this.queue,
      retryPolicy: {
        maximumRetryAttempts: this.delivery.retryAttempts,
        maximumEventAgeInSeconds: this.delivery.maxEventAge.toSeconds({ integral: true }),
      },
      deadLetterConfig: { arn: deadLetterQueue.queueArn },
      sqsParameters: this.messageGroupId ? { messageGroupId: this.messageGroupId } : undefined,
    };
  }
}

function eventsStatement(actions: string[], resources: string[], conditions: Record<string, unknown>): iam.PolicyStatement {
  return new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('events.amazonaws.com')], actions, resources, conditions });
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
 * The role EventBridge assumes for topic, event bus and state machine
 * targets, with the customer-managed policy that carries its permissions (no
 * inline policy).
 */
export interface EventsRole {
  readonly role: iam.IRole;
  readonly policy: iam.ManagedPolicy;
}
