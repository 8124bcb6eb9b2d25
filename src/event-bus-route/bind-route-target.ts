import { Annotations, Duration, Names, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { RouteTargetDeliveryOptions, RouteTargetKind } from './route-target';
import { newQueueProps } from './validate-event-bus-route-props';
import { keyPolicyAllows } from '../core/alarm-topic';
import { AsyncFailurePath, ensureAsyncFailurePath } from '../core/async-invoke';
import { AsyncInvokeOptions } from '../core/async-invoke-options';
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
 * Every statement written for `events.amazonaws.com` is scoped whatever the
 * app's feature flags (see {@link QueueRuleTarget} and {@link TopicRuleTarget}).
 * Queues and topics are delivered to through resource policies, never with a
 * role: "For targets that use resource-based policies (Lambda, Amazon SNS,
 * Amazon SQS, and Amazon CloudWatch Logs), do not specify a RoleArn [...]
 * event delivery may fail, particularly for Amazon SQS and Amazon SNS targets
 * with AWS KMS encryption enabled" (EventBridge User Guide, "Using
 * resource-based policies for Amazon EventBridge",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html).
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
      const createdQueue = new QueueWithDlq(scope, queueId, newQueueProps(spec.queueProps));
      return { ruleTarget: new QueueRuleTarget(scope, createdQueue.queue, delivery, spec.input, spec.messageGroupId), createdQueue };
    }
    case RouteTargetKind.LAMBDA_FUNCTION:
      return {
        ruleTarget: new targets.LambdaFunction(spec.fn!, { ...base, event: spec.input }),
        asyncFailure: ensureAsyncFailurePath(spec.fn!, scope.node.path, spec.asyncInvoke, alarmAction),
      };
    case RouteTargetKind.TOPIC:
      return { ruleTarget: new TopicRuleTarget(scope, spec.topic!, delivery, spec.input) };
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
    allowEventsOrWarn(this.scope, this.queue, this.queue.queueArn, 'queue', 'sqs:SendMessage', ruleArn);
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
    return {
      ...deliveryConfig(rule, this.delivery),
      arn: this.queue.queueArn,
      input: this.input,
      targetResource: this.queue,
      sqsParameters: this.messageGroupId ? { messageGroupId: this.messageGroupId } : undefined,
    };
  }
}

/**
 * An SNS topic target whose statements for `events.amazonaws.com` are written
 * by the library (aws-events-targets' `SnsTopic` writes them unscoped):
 * - the topic policy by `aws:SourceArn` = the rule's ARN, as EventBridge asks
 *   of every rule target ("For EventBridge event bus rule targets, the value
 *   of aws:SourceArn must be the rule ARN": EventBridge User Guide,
 *   "Cross-service confused deputy prevention",
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html);
 * - the key policy of a customer-managed key with no condition, the one
 *   exception AWS documents: "Adding the aws:SourceAccount, aws:SourceArn, and
 *   aws:SourceOrgID to a AWS KMS policy is not supported for
 *   EventBridge-to-encrypted topics" (Amazon SNS Developer Guide, "Key
 *   management", https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 *   A key whose policy already lets EventBridge in (FanoutTopic's
 *   `servicePublishers`) gets no second statement.
 * A topic or key of another app gets a warning saying what its owner must add.
 */
class TopicRuleTarget implements events.IRuleTarget {
  constructor(
    private readonly scope: Construct,
    private readonly topic: sns.ITopic,
    private readonly delivery: ResolvedDelivery,
    private readonly input?: events.RuleTargetInput,
  ) {}

  public bind(rule: events.IRule, _id?: string): events.RuleTargetConfig {
    allowEventsOrWarn(this.scope, this.topic, this.topic.topicArn, 'topic', 'sns:Publish', rule.ruleArn);
    const key = this.topic.masterKey;
    const cfnKey = key?.node.defaultChild instanceof kms.CfnKey ? key.node.defaultChild : undefined;
    const keyActions = ['kms:Decrypt', 'kms:GenerateDataKey*'];
    const alreadyAllowed = cfnKey !== undefined && keyPolicyAllows(Stack.of(cfnKey).resolve(cfnKey.keyPolicy), 'events.amazonaws.com', keyActions);
    if (key && !alreadyAllowed) {
      const used = key.addToResourcePolicy(eventsStatement(keyActions, ['*']));
      if (!used.statementAdded) {
        Annotations.of(this.scope).addWarningV2(
          'cdk-message-patterns:importedTargetTopicKey',
          `The key of the target topic (${key.node.path}) is not a key of this app, so its policy cannot be changed here: its owner must let ` +
            'events.amazonaws.com use it (kms:Decrypt and kms:GenerateDataKey*, with no source condition), or every event goes to the dead-letter queue.',
        );
      }
    }
    return { ...deliveryConfig(rule, this.delivery), arn: this.topic.topicArn, input: this.input, targetResource: this.topic };
  }
}

/**
 * The retry policy and dead-letter queue of a target, and the statement that
 * lets exactly this rule send to the dead-letter queue (EventBridge User
 * Guide, "Using dead-letter queues", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
 * The statement has the shape aws-events-targets writes for its own targets,
 * so that a dead-letter queue shared by several targets of a rule holds it once.
 */
function deliveryConfig(rule: events.IRule, delivery: ResolvedDelivery): Pick<events.RuleTargetConfig, 'retryPolicy' | 'deadLetterConfig'> {
  const deadLetterQueue = delivery.deadLetterQueue;
  deadLetterQueue.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `AllowEventRule${Names.nodeUniqueId(rule.node)}`,
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [deadLetterQueue.queueArn],
      conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
    }),
  );
  return {
    retryPolicy: {
      maximumRetryAttempts: delivery.retryAttempts,
      maximumEventAgeInSeconds: delivery.maxEventAge.toSeconds({ integral: true }),
    },
    deadLetterConfig: { arn: deadLetterQueue.queueArn },
  };
}

/**
 * Lets the rule send to the target queue or topic through the target's
 * resource policy; for a target outside the app, whose policy cannot be
 * changed here, warns with what its owner must add.
 */
function allowEventsOrWarn(
  scope: Construct,
  target: sqs.IQueue | sns.ITopic,
  arn: string,
  noun: 'queue' | 'topic',
  action: string,
  ruleArn: string,
): void {
  if (target.addToResourcePolicy(eventsStatement([action], [arn], { ArnEquals: { 'aws:SourceArn': ruleArn } })).statementAdded) {
    return;
  }
  Annotations.of(scope).addWarningV2(
    noun === 'queue' ? 'cdk-message-patterns:importedTargetQueue' : 'cdk-message-patterns:importedTargetTopic',
    `The target ${noun} ${target.node.path} is not a ${noun} of this app, so its policy cannot be changed here: its owner must let ` +
      `events.amazonaws.com ${noun === 'queue' ? 'send to' : 'publish to'} it (${action}, with the condition aws:SourceArn = the rule's ARN), ` +
      'or every event goes to the dead-letter queue.',
  );
}

function eventsStatement(actions: string[], resources: string[], conditions?: Record<string, unknown>): iam.PolicyStatement {
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
 * The role EventBridge assumes for event bus and state machine targets, with
 * the customer-managed policy that carries its permissions (no inline policy).
 */
export interface EventsRole {
  readonly role: iam.IRole;
  readonly policy: iam.ManagedPolicy;
}
