import { ArnFormat, Resource, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ConstructAlarms } from './alarms';
import { createFailureQueue, FAILURE_QUEUE_RETENTION } from './failure-queue';
import { ACKNOWLEDGEMENTS } from './nag';
import { allowServiceToUseKey, serviceKeyStatement, SNS_SERVICE } from './service-keys';

/** Documented defaults of the subscription dead-letter queues; their docs page lists them with their reasons. */
export const SUBSCRIPTION_DLQ_DEFAULTS = {
  retentionPeriod: FAILURE_QUEUE_RETENTION,
} as const;

/** The props of a construct that has a subscription dead-letter queue. */
export interface SubscriptionDeadLetterQueueProps {
  readonly subscriptionDeadLetterQueue?: sqs.IQueue;
  readonly subscriptionDeadLetterQueueAlarm?: boolean;
}

/**
 * The subscription dead-letter queue of `scope` (the queue that keeps the
 * messages SNS could not deliver to a subscription's endpoint): the one in
 * props, or one it creates with the library's failure-queue defaults
 * (SSE-SQS, which SNS can write to, unlike the AWS-managed `alias/aws/sqs`
 * key), alarmed unless the alarm is switched off. A FIFO topic's
 * subscriptions need a FIFO queue.
 */
export function subscriptionDeadLetterQueueOf(
  scope: Construct,
  props: SubscriptionDeadLetterQueueProps,
  fifo: boolean,
  alarms: ConstructAlarms,
  alarmDescription: string,
): { queue: sqs.IQueue; alarm?: cloudwatch.Alarm } {
  if (props.subscriptionDeadLetterQueue) {
    return { queue: props.subscriptionDeadLetterQueue };
  }
  const queue = createFailureQueue(scope, 'SubscriptionDeadLetterQueue', {
    fifo,
    retentionPeriod: SUBSCRIPTION_DLQ_DEFAULTS.retentionPeriod,
    acknowledgements: [ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq, ACKNOWLEDGEMENTS.snsSubscriptionDeadLetterQueue],
  });
  const alarm = alarms.queueNotEmpty(props.subscriptionDeadLetterQueueAlarm, 'SubscriptionDeadLetterQueueAlarm', queue, alarmDescription);
  return { queue, alarm };
}

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
  allowServiceToUseKey(scope, key, serviceKeyStatement(SNS_SERVICE, 'queue', ['kms:Decrypt', 'kms:GenerateDataKey'], topic.topicArn), {
    id: 'importedQueueKey',
    message:
      `The key of the ${role} (${key.node.path}) is not a key of this app, so its policy cannot be changed here: its owner must let ` +
      'sns.amazonaws.com use it (kms:Decrypt and kms:GenerateDataKey, with the condition aws:SourceArn = the topic\'s ARN), or SNS cannot deliver to the queue.',
  });
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
