import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

/**
 * How long the library's dead-letter and failure queues keep a message by
 * default: 14 days, the longest SQS allows (SetQueueAttributes,
 * MessageRetentionPeriod), so that whoever is alerted has two weeks to act.
 */
export const FAILURE_QUEUE_RETENTION = Duration.days(14);

/** A compliance acknowledgement of {@link ACKNOWLEDGEMENTS}. */
export interface Acknowledgement {
  readonly ids: readonly string[];
  readonly reason: string;
}

/**
 * How a failure queue is made: the props of an SQS queue it may set (retention
 * defaults to {@link FAILURE_QUEUE_RETENTION}; encryption to KMS with a key,
 * otherwise SQS_MANAGED), and its compliance acknowledgements.
 */
export interface FailureQueueOptions
  extends Pick<
    sqs.QueueProps,
    'queueName' | 'retentionPeriod' | 'encryption' | 'encryptionMasterKey' | 'dataKeyReuse' | 'removalPolicy' | 'redriveAllowPolicy' | 'maxMessageSizeBytes'
  > {
  /** Why the queue has no dead-letter queue of its own, and whatever else the compliance packs must be told about it. */
  readonly acknowledgements: readonly Acknowledgement[];
  /** Whether the queue is FIFO (only `true` is written to the template). */
  readonly fifo?: boolean;
}

/**
 * The one way the library makes a queue that keeps what failed elsewhere (a
 * dead-letter queue of a queue, of subscriptions or of rule targets; an
 * on-failure destination): 14 days of retention unless told otherwise,
 * encrypted (SSE-SQS by default, which every AWS service that sends to queues
 * can use), TLS enforced, and its compliance acknowledgements attached.
 */
export function createFailureQueue(scope: Construct, id: string, options: FailureQueueOptions): sqs.Queue {
  const { acknowledgements, fifo, ...queueProps } = options;
  const queue = new sqs.Queue(scope, id, {
    ...queueProps,
    fifo: fifo ? true : undefined,
    retentionPeriod: options.retentionPeriod ?? FAILURE_QUEUE_RETENTION,
    encryption: options.encryption ?? (options.encryptionMasterKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED),
    enforceSSL: true,
  });
  for (const entry of acknowledgements) {
    acknowledge(queue, entry);
  }
  return queue;
}
