import { Resource, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * What the library can tell about a queue, a name or a function at synth,
 * in one place for every construct.
 */

const FIFO_SUFFIX = '.fifo';

/**
 * Whether a queue or topic is FIFO, from an explicit `fifo` or else from its
 * name: SQS and SNS name every FIFO queue and topic with the `.fifo` suffix
 * (CreateQueue, CreateTopic). An unresolved name is not FIFO unless `fifo` says so.
 */
export function fifoFromName(fifo: boolean | undefined, name: string | undefined): boolean {
  if (fifo !== undefined) {
    return fifo;
  }
  return name !== undefined && !Token.isUnresolved(name) && name.endsWith(FIFO_SUFFIX);
}

/** `orders.fifo` → `orders`; other names unchanged. */
export function withoutFifoSuffix(name: string): string {
  return name.endsWith(FIFO_SUFFIX) ? name.slice(0, -FIFO_SUFFIX.length) : name;
}

/**
 * Whether `queue.fifo` can be trusted at synth: the queue is of this app, or
 * it was imported from a known ARN (aws-cdk-lib reads FIFO-ness from the
 * `.fifo` suffix of the ARN, and guesses `false` when the ARN is a token).
 */
export function fifoKnown(queue: sqs.IQueue): boolean {
  return Resource.isOwnedResource(queue) || !Token.isUnresolved(queue.queueArn);
}

/** The queue's FIFO-ness, or undefined when it cannot be told at synth. */
export function knownFifo(queue: sqs.IQueue): boolean | undefined {
  return fifoKnown(queue) ? queue.fifo : undefined;
}

/**
 * Whether the queue is encrypted with the AWS-managed key `alias/aws/sqs`.
 * The policy of an AWS-managed key cannot be changed, so it can never let a
 * service principal (SNS, EventBridge, S3) use it, and their deliveries to
 * such a queue fail (Amazon SQS Developer Guide, "Key management",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
 */
export function usesAwsManagedKey(queue: sqs.IQueue): boolean {
  return queue.encryptionType === sqs.QueueEncryption.KMS_MANAGED;
}

/** The queue's name when it is known at synth, otherwise its construct path: for messages. */
export function describeQueue(queue: sqs.IQueue): string {
  return Token.isUnresolved(queue.queueName) ? queue.node.path : queue.queueName;
}

/**
 * The event source mapping an event source created on `fn` (aws-cdk-lib's
 * event sources add it as a child of the function and expose only its id).
 */
export function findEventSourceMapping(fn: lambda.IFunction, eventSourceMappingId: string): lambda.EventSourceMapping | undefined {
  return fn.node.children.find(
    (child): child is lambda.EventSourceMapping => child instanceof lambda.EventSourceMapping && child.eventSourceMappingId === eventSourceMappingId,
  );
}
