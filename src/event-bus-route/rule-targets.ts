import { Annotations, Names } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { KinesisStreamTargetOptions, QueueTargetOptions, RouteDelivery, RouteTargetOptions } from './route-target';
import { grantStreamWrite } from '../core/grants';
import { allowServiceToUseKey, EVENTS_SERVICE, KeyedResource, serviceKeyStatement } from '../core/service-keys';

/**
 * The rule targets of the library's own route targets. Every statement
 * written for `events.amazonaws.com` is scoped whatever the app's feature
 * flags (see {@link queueRuleTarget} and {@link topicRuleTarget}). Queues and
 * topics are delivered to through resource policies, never with a role: "For
 * targets that use resource-based policies (Lambda, Amazon SNS, Amazon SQS,
 * and Amazon CloudWatch Logs), do not specify a RoleArn [...] event delivery
 * may fail, particularly for Amazon SQS and Amazon SNS targets with AWS KMS
 * encryption enabled" (EventBridge User Guide, "Using resource-based policies
 * for Amazon EventBridge",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html).
 */

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
export function queueRuleTarget(scope: Construct, queue: sqs.IQueue, delivery: RouteDelivery, options: QueueTargetOptions): events.IRuleTarget {
  return {
    bind(rule: events.IRule): events.RuleTargetConfig {
      allowEventsOrWarn(scope, queue, queue.queueArn, 'queue', 'sqs:SendMessage', rule.ruleArn);
      allowEventsToUseKey(scope, queue.encryptionMasterKey, 'queue');
      return {
        ...deliveryConfig(rule, delivery),
        arn: queue.queueArn,
        input: options.input,
        targetResource: queue,
        sqsParameters: options.messageGroupId ? { messageGroupId: options.messageGroupId } : undefined,
      };
    },
  };
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
export function topicRuleTarget(scope: Construct, topic: sns.ITopic, delivery: RouteDelivery, options: RouteTargetOptions): events.IRuleTarget {
  return {
    bind(rule: events.IRule): events.RuleTargetConfig {
      allowEventsOrWarn(scope, topic, topic.topicArn, 'topic', 'sns:Publish', rule.ruleArn);
      allowEventsToUseKey(scope, topic.masterKey, 'topic');
      return { ...deliveryConfig(rule, delivery), arn: topic.topicArn, input: options.input, targetResource: topic };
    },
  };
}

/**
 * The retry policy and dead-letter queue of a target, and the statement that
 * lets exactly this rule send to the dead-letter queue (EventBridge User
 * Guide, "Using dead-letter queues", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
 * The statement has the shape aws-events-targets writes for its own targets,
 * so that a dead-letter queue shared by several targets of a rule holds it once.
 */
export function deliveryConfig(rule: events.IRule, delivery: RouteDelivery): Pick<events.RuleTargetConfig, 'retryPolicy' | 'deadLetterConfig'> {
  allowRuleToSendToDeadLetterQueue(rule, delivery.deadLetterQueue);
  return { retryPolicy: retryPolicy(delivery), deadLetterConfig: { arn: delivery.deadLetterQueue.queueArn } };
}

/**
 * The statement of {@link deliveryConfig} that lets `rule` send to its
 * target's dead-letter queue. Some aws-events-targets targets write none
 * (`KinesisStream`, `CloudWatchLogGroup`), so the route also writes it for
 * the rule targets of your own that name one of its dead-letter queues.
 */
export function allowRuleToSendToDeadLetterQueue(rule: events.IRule, deadLetterQueue: sqs.IQueue): void {
  deadLetterQueue.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `AllowEventRule${Names.nodeUniqueId(rule.node)}`,
      principals: [new iam.ServicePrincipal(EVENTS_SERVICE)],
      actions: ['sqs:SendMessage'],
      resources: [deadLetterQueue.queueArn],
      conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
    }),
  );
}

/**
 * A rule target of your own (`RouteTarget.ruleTarget`) with the route's
 * delivery: whatever retry policy or dead-letter queue it binds with, the
 * rule gets those of `delivery`, and the statement that lets it send to the
 * dead-letter queue.
 */
export function withDelivery(target: events.IRuleTarget, delivery: RouteDelivery): events.IRuleTarget {
  return {
    bind(rule: events.IRule, id?: string): events.RuleTargetConfig {
      return { ...target.bind(rule, id), ...deliveryConfig(rule, delivery) };
    },
  };
}

/**
 * A Kinesis stream target, with the fields of aws-events-targets'
 * `KinesisStream` (the stream's ARN, `kinesisParameters.partitionKeyPath`,
 * the input, the role) but the route's events role and delivery:
 * aws-events-targets' `KinesisStream` takes no role and makes its own under
 * the stream (trusted by events.amazonaws.com without `aws:SourceAccount`,
 * with an inline policy), and writes no statement on the dead-letter queue.
 * Kinesis is the one target here delivered to with a role: "For Kinesis
 * streams, EventBridge uses identity-based policies" (EventBridge User Guide,
 * "Using resource-based policies for Amazon EventBridge"). The role gets
 * `stream.grantWrite` (kinesis:ListShards, PutRecord, PutRecords on the
 * stream, and for a stream encrypted with a customer-managed key,
 * `grantEncrypt` on the key: kms:GenerateDataKey*, which a producer needs,
 * "Permissions to use user-generated KMS keys", Amazon Kinesis Data Streams
 * Developer Guide, https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html).
 */
export function kinesisStreamRuleTarget(
  stream: kinesis.IStream,
  role: iam.IRole,
  delivery: RouteDelivery,
  options: KinesisStreamTargetOptions,
): events.IRuleTarget {
  grantStreamWrite(stream, role);
  return {
    bind(rule: events.IRule): events.RuleTargetConfig {
      return {
        ...deliveryConfig(rule, delivery),
        arn: stream.streamArn,
        role,
        input: options.input,
        targetResource: stream,
        kinesisParameters: options.partitionKeyPath ? { partitionKeyPath: options.partitionKeyPath } : undefined,
      };
    },
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

/**
 * Lets EventBridge use the customer-managed key of a target queue or topic,
 * by the one scoping rule of {@link serviceKeyStatement}; a key whose policy
 * already lets EventBridge in (FanoutTopic's `servicePublishers`) gets no
 * second statement, and a key of another app a warning saying what its owner
 * must add.
 */
function allowEventsToUseKey(scope: Construct, key: kms.IKey | undefined, keyed: KeyedResource): void {
  if (!key) {
    return;
  }
  // The actions of the key-policy examples of the SNS and SQS "Key management" pages (links on serviceKeyStatement).
  const actions = keyed === 'topic' ? ['kms:Decrypt', 'kms:GenerateDataKey*'] : ['kms:Decrypt', 'kms:GenerateDataKey'];
  const condition = keyed === 'topic' ? ', with no source condition' : '';
  allowServiceToUseKey(
    scope,
    key,
    serviceKeyStatement(EVENTS_SERVICE, keyed, actions),
    {
      id: keyed === 'topic' ? 'importedTargetTopicKey' : 'importedTargetQueueKey',
      message:
        `The key of the target ${keyed} (${key.node.path}) is not a key of this app, so its policy cannot be changed here: its owner must let ` +
        `events.amazonaws.com use it (${actions.join(' and ')}${condition}), or every event goes to the dead-letter queue.`,
    },
    keyed === 'topic',
  );
}

function eventsStatement(actions: string[], resources: string[], conditions?: Record<string, unknown>): iam.PolicyStatement {
  return new iam.PolicyStatement({ principals: [new iam.ServicePrincipal(EVENTS_SERVICE)], actions, resources, conditions });
}

/**
 * aws-events-targets' EventBus target takes no retry policy, although
 * EventBridge applies one to event bus targets too: set it on the bound
 * configuration.
 */
export function withRetryPolicy(target: events.IRuleTarget, delivery: RouteDelivery): events.IRuleTarget {
  return {
    bind: (rule, id) => ({ ...target.bind(rule, id), retryPolicy: retryPolicy(delivery) }),
  };
}

function retryPolicy(delivery: RouteDelivery): events.RuleTargetConfig['retryPolicy'] {
  return { maximumRetryAttempts: delivery.retryAttempts, maximumEventAgeInSeconds: delivery.maxEventAge.toSeconds({ integral: true }) };
}
