import { Token } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { validateFilterPolicy } from './filter-policy';
import type { FilteredSubscriptionProps } from './filtered-subscription';
import { validateAsyncInvokeOptions } from '../core/async-invoke';
import { fifoKnown, usesAwsManagedKey } from '../core/queue-facts';
import { foreignTopicRegion, SubscriptionDeadLetterQueueProps } from '../core/subscription-dead-letter-queue';
import { PropsValidator } from '../core/validation';

/** The props of a FilteredSubscription with every default applied. */
export interface FilteredSubscriptionSettings {
  /** Whether the endpoint queue and the subscription dead-letter queue are FIFO: exactly when the topic is. */
  readonly fifo: boolean;
}

/**
 * Checks every rule on the props of a FilteredSubscription, throwing one
 * error that lists every violation.
 */
export function resolveFilteredSubscriptionSettings(scope: Construct, props: FilteredSubscriptionProps): FilteredSubscriptionSettings {
  const v = new PropsValidator(scope);
  const fifo = props.topic.fifo;
  validateEndpoint(v, props, fifo);
  validateSubscriptionDeadLetterQueue(v, props, fifo);
  validateFilterPolicy(v, props);
  const region = foreignTopicRegion(scope, props.topic);
  v.fail(
    region !== undefined,
    `topic is in region ${region}, not in the stack's: an SNS subscription dead-letter queue must be in the topic's region, so subscribe from a stack in ${region}`,
  );
  v.throwIfInvalid();
  return { fifo };
}

function topicKind(fifo: boolean): string {
  return fifo ? 'a FIFO topic' : 'a standard topic';
}

function validateEndpoint(v: PropsValidator, props: FilteredSubscriptionProps, fifo: boolean): void {
  v.fail(
    props.queue !== undefined && props.lambdaFunction !== undefined,
    'queue and lambdaFunction cannot both be set: a subscription has one endpoint (create one FilteredSubscription per endpoint)',
  );
  v.fail(
    props.queueOptions !== undefined && (props.queue !== undefined || props.lambdaFunction !== undefined),
    `queueOptions configures the queue this construct creates, so it cannot be set together with ${props.queue ? 'queue' : 'lambdaFunction'}`,
  );
  if (props.lambdaFunction) {
    v.fail(
      fifo,
      'lambdaFunction cannot subscribe to a FIFO topic: SNS FIFO topics deliver to SQS queues only. Subscribe a FIFO queue (the default endpoint) with queueOptions.consumer instead',
    );
    v.fail(
      props.rawMessageDelivery === true,
      'rawMessageDelivery applies to SQS endpoints only: SNS always invokes a Lambda function with its JSON envelope',
    );
    validateAsyncInvokeOptions(v, 'lambdaAsyncInvoke', props.lambdaAsyncInvoke);
  }
  v.fail(
    props.lambdaAsyncInvoke !== undefined && props.lambdaFunction === undefined,
    'lambdaAsyncInvoke applies to a lambdaFunction endpoint only: SNS delivers to queues synchronously',
  );
  if (props.queue) {
    checkQueue(v, 'queue', props.queue, fifo);
  }
  if (props.queueOptions) {
    const options = props.queueOptions;
    const named = options.queueName !== undefined && !Token.isUnresolved(options.queueName) ? options.queueName : undefined;
    const queueFifo = options.fifo ?? (named !== undefined ? named.endsWith('.fifo') : fifo);
    v.fail(
      queueFifo !== fifo,
      `the queue to create would be ${queueFifo ? 'a FIFO' : 'a standard'} queue (${options.fifo !== undefined ? `fifo: ${options.fifo}` : `queueName '${named}'`}), but the topic is ${topicKind(fifo)}: ${mismatchReason(fifo)}`,
    );
  }
}

/** Checks a subscription dead-letter queue you bring (FilteredSubscription and FanoutTopic). */
export function validateSubscriptionDeadLetterQueue(v: PropsValidator, props: SubscriptionDeadLetterQueueProps, fifo: boolean): void {
  const queue = props.subscriptionDeadLetterQueue;
  if (!queue) {
    return;
  }
  v.fail(
    props.subscriptionDeadLetterQueueAlarm !== undefined,
    'subscriptionDeadLetterQueueAlarm applies to the subscription dead-letter queue this construct creates: alarm the queue you bring where you create it',
  );
  if (fifoKnown(queue) && queue.fifo !== fifo) {
    v.fail(
      true,
      `subscriptionDeadLetterQueue must be ${fifo ? 'a FIFO' : 'a standard'} queue like the topic, got a ${queue.fifo ? 'FIFO' : 'standard'} queue (SNS requires a FIFO topic's subscription dead-letter queue to be FIFO and a standard topic's to be standard)`,
    );
  }
  checkAwsManagedKey(v, 'subscriptionDeadLetterQueue', queue);
}

function checkQueue(v: PropsValidator, prop: string, queue: sqs.IQueue, fifo: boolean): void {
  if (fifoKnown(queue) && queue.fifo !== fifo) {
    v.fail(true, `${prop} is ${queue.fifo ? 'a FIFO' : 'a standard'} queue, but the topic is ${topicKind(fifo)}: ${mismatchReason(fifo)}`);
  }
  checkAwsManagedKey(v, prop, queue);
}

function checkAwsManagedKey(v: PropsValidator, prop: string, queue: sqs.IQueue): void {
  v.fail(
    usesAwsManagedKey(queue),
    `${prop} is encrypted with the AWS-managed key alias/aws/sqs, which SNS cannot use: its messages would be dropped. Use SQS_MANAGED encryption or a customer-managed key`,
  );
}

function mismatchReason(topicFifo: boolean): string {
  return topicFifo
    ? 'subscribe a FIFO queue, so that the order and deduplication of the topic hold in the queue and its FIFO subscription dead-letter queue'
    : 'SNS delivers to FIFO queues only from FIFO topics';
}

