import { Annotations, ArnFormat, Duration, Resource, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { queueNotEmptyAlarm } from '../core/alarms';
import { ACKNOWLEDGEMENTS, acknowledge } from '../core/nag';

/** Documented defaults of the subscription dead-letter queues; README's table lists them with their reasons. */
export const SUBSCRIPTION_DLQ_DEFAULTS = {
  retentionPeriod: Duration.days(14),
} as const;

/**
 * The SQS queue that keeps the messages SNS could not deliver to a
 * subscription's endpoint: 14 days of retention (the SQS maximum), SSE-SQS
 * encryption (which SNS can write to, unlike the AWS-managed `alias/aws/sqs`
 * key) and TLS enforced. A FIFO topic's subscriptions need a FIFO queue.
 */
export function createSubscriptionDeadLetterQueue(scope: Construct, id: string, fifo: boolean): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    fifo: fifo ? true : undefined,
    retentionPeriod: SUBSCRIPTION_DLQ_DEFAULTS.retentionPeriod,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  acknowledge(queue, ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq);
  acknowledge(queue, ACKNOWLEDGEMENTS.snsSubscriptionDeadLetterQueue);
  return queue;
}

/** The props of a construct that has a subscription dead-letter queue. */
export interface SubscriptionDeadLetterQueueProps {
  readonly subscriptionDeadLetterQueue?: sqs.IQueue;
  readonly subscriptionDeadLetterQueueAlarm?: boolean;
  readonly alarmAction?: cloudwatch.IAlarmAction;
}

/**
 * The subscription dead-letter queue of `scope`: the one in props, or one it
 * creates, alarmed unless the alarm is switched off.
 */
export function subscriptionDeadLetterQueueOf(
  scope: Construct,
  props: SubscriptionDeadLetterQueueProps,
  fifo: boolean,
  alarmDescription: string,
): { queue: sqs.IQueue; alarm?: cloudwatch.Alarm } {
  if (props.subscriptionDeadLetterQueue) {
    return { queue: props.subscriptionDeadLetterQueue };
  }
  const queue = createSubscriptionDeadLetterQueue(scope, 'SubscriptionDeadLetterQueue', fifo);
  const alarm =
    (props.subscriptionDeadLetterQueueAlarm ?? true)
      ? queueNotEmptyAlarm(scope, 'SubscriptionDeadLetterQueueAlarm', queue, alarmDescription, props.alarmAction)
      : undefined;
  return { queue, alarm };
}

/** The SNS service principal, for the policies that let a topic deliver. */
export const SNS_PRINCIPAL = new iam.ServicePrincipal('sns.amazonaws.com');

/**
 * Lets `topic` (and only it, by `aws:SourceArn`) use the customer-managed key
 * of a queue it delivers to. aws-cdk-lib's SqsSubscription scopes this
 * statement only behind a feature flag, so the library writes it itself. A
 * key this app cannot change (imported) gets a warning on `scope` saying what
 * its owner must add: without it SNS cannot deliver, and every message goes
 * to the subscription dead-letter queue (or is lost, for that queue itself).
 */
export function allowTopicToUseQueueKey(scope: Construct, queue: sqs.IQueue, topic: sns.ITopic, role: string): void {
  const key = queue.encryptionMasterKey;
  if (!key) {
    return;
  }
  const added = key.addToResourcePolicy(
    new iam.PolicyStatement({
      resources: ['*'],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      principals: [SNS_PRINCIPAL],
      conditions: { ArnEquals: { 'aws:SourceArn': topic.topicArn } },
    }),
  );
  if (!added.statementAdded) {
    Annotations.of(scope).addWarningV2(
      'cdk-message-patterns:importedQueueKey',
      `The key of the ${role} (${key.node.path}) is not a key of this app, so its policy cannot be changed here: its owner must let ` +
        'sns.amazonaws.com use it (kms:Decrypt and kms:GenerateDataKey, with the condition aws:SourceArn = the topic\'s ARN), or SNS cannot deliver to the queue.',
    );
  }
}

/** Whether the queue's FIFO-ness can be trusted at synth (a queue of this app, or an imported one with a known ARN). */
export function fifoKnown(queue: sqs.IQueue): boolean {
  return Resource.isOwnedResource(queue) || !Token.isUnresolved(queue.queueArn);
}

/** The region of an imported topic's ARN when it is known and differs from the stack's, otherwise undefined. */
export function foreignTopicRegion(scope: Construct, topic: sns.ITopic): string | undefined {
  const stack = Stack.of(scope);
  if (Resource.isOwnedResource(topic) || Token.isUnresolved(topic.topicArn) || Token.isUnresolved(stack.region)) {
    return undefined;
  }
  const region = stack.splitArn(topic.topicArn, ArnFormat.NO_RESOURCE_NAME).region;
  return region && !Token.isUnresolved(region) && region !== stack.region ? region : undefined;
}
