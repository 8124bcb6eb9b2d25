import { Annotations, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QueueSettings, resolveQueueSettings, sendersUnableToUseAwsManagedKey, validateAwsManagedKeyUse } from './validate-queue-with-dlq-props';
import { ConstructAlarms, oldestMessageAgeMetric, queueDepthMetric } from '../core/alarms';
import { ConsumerAlarmOptions } from '../core/consumer-alarm-options';
import { consumerErrorsMetric, consumerHealthAlarms, consumerThrottlesMetric } from '../core/consumer-alarms';
import { MessagePatternsError } from '../core/errors';
import { createFailureQueue } from '../core/failure-queue';
import { ACKNOWLEDGEMENTS, acknowledge } from '../core/nag';
import { bounded, DESCRIPTION_LIMITS, nameWithSuffix } from '../core/names';
import { findEventSourceMapping, withoutFifoSuffix } from '../core/queue-facts';
import { SqsEventFilterMatcher } from '../routing/lambda/sqs-event-filter-matcher';
import { MatchExplanation } from '../routing/model/match-explanation';

/**
 * Options of the Lambda event source that feeds a queue's consumer.
 */
export interface QueueConsumerOptions {
  /**
   * The largest number of messages handed to one invocation.
   *
   * Standard queues accept 1 to 10,000 (above 10, `maxBatchingWindow` must be
   * set); FIFO queues 1 to 10.
   *
   * @default 10
   */
  readonly batchSize?: number;

  /**
   * How long Lambda gathers messages before invoking the function, up to 5
   * minutes. Not supported by FIFO queues.
   *
   * @default - no batching window: the function is invoked as soon as messages arrive
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * The most concurrent invocations the event source starts, 2 to 1,000.
   *
   * @default - up to the function's concurrency limit
   */
  readonly maxConcurrency?: number;

  /**
   * Whether the function reports which messages of a batch failed
   * (`batchItemFailures`), so that only those are retried.
   *
   * On by default: without it, one failing message makes the whole batch
   * visible again and every message in it is processed again.
   *
   * @default true
   */
  readonly reportBatchItemFailures?: boolean;

  /**
   * Whether the event source polls the queue.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The consumer function's timeout, used to derive the queue's visibility
   * timeout. Needed only for a function whose timeout cannot be read at synth
   * (an imported function) when `visibilityTimeout` is not set.
   *
   * @default - read from the function's configuration (3 seconds when it sets none)
   */
  readonly functionTimeout?: Duration;

  /**
   * Event filters: only messages whose record matches at least one of them
   * reach the function, built with `lambda.FilterCriteria.filter(...)`. At most
   * 10 (Lambda's quota is 5 unless raised), each pattern at most 4,096
   * characters, in the EventBridge pattern syntax, on the record's `body`.
   *
   * Lambda DELETES from the queue every message that matches no filter: it
   * goes neither to the function nor to the dead-letter queue. Test the filters
   * offline with `matchesConsumerFilters` / `explainConsumerFilters`.
   *
   * @default - no filter: every message reaches the function
   */
  readonly filters?: Array<{ [key: string]: any }>;

  /**
   * A customer-managed KMS key that encrypts the filter criteria of the event
   * source. Requires `filters`. Lambda (`lambda.amazonaws.com`) is allowed to
   * decrypt with it.
   *
   * @default - the filter criteria are encrypted with a key AWS owns
   */
  readonly filterEncryption?: kms.IKey;

  /**
   * Metrics the event source mapping publishes. `lambda.MetricType.EVENT_COUNT`
   * counts polled, filtered-out, invoked, failed and deleted messages: with
   * `filters`, the filtered-out count is the only trace of the messages they
   * delete.
   *
   * @default - no event source mapping metrics
   */
  readonly metricsConfig?: lambda.MetricsConfig;

  /**
   * Provisioned mode: the fewest and most event pollers of the event source
   * (SQS: minimum 2 to 200, maximum 2 to 2,000). Cannot be combined with
   * `maxConcurrency`, as Lambda refuses both together.
   *
   * @default - on-demand polling
   */
  readonly provisionedPollerConfig?: lambda.ProvisionedPollerConfig;
}

/**
 * Properties of a {@link QueueWithDlq}.
 */
export interface QueueWithDlqProps {
  /**
   * The queue's name. A name ending in `.fifo` makes a FIFO queue.
   *
   * @default - a name generated from the construct path (so that the
   * dead-letter queue's redrive-allow policy can name the queue without a
   * circular reference)
   */
  readonly queueName?: string;

  /**
   * Whether the queue (and the dead-letter queue it creates) is FIFO.
   *
   * @default - true when `queueName` ends in `.fifo`, false otherwise
   */
  readonly fifo?: boolean;

  /**
   * FIFO only: deduplicate messages on a SHA-256 hash of their body instead
   * of requiring a deduplication id on each message.
   *
   * @default false
   */
  readonly contentBasedDeduplication?: boolean;

  /**
   * FIFO only: whether deduplication applies to the whole queue or within each
   * message group. High throughput needs `MESSAGE_GROUP` together with
   * `fifoThroughputLimit: PER_MESSAGE_GROUP_ID`.
   *
   * @default - SQS's default, `QUEUE`
   */
  readonly deduplicationScope?: sqs.DeduplicationScope;

  /**
   * FIFO only: whether the throughput quota applies to the whole queue or to
   * each message group. High throughput needs `PER_MESSAGE_GROUP_ID` together
   * with `deduplicationScope: MESSAGE_GROUP`.
   *
   * @default - SQS's default, `PER_QUEUE`
   */
  readonly fifoThroughputLimit?: sqs.FifoThroughputLimit;

  /**
   * The largest message the queue accepts, 1,024 to 1,048,576 bytes (1 MiB).
   * The dead-letter queue this construct creates gets the same limit, so that
   * every message the queue accepts can be moved there.
   *
   * @default - SQS's default, 1,048,576 bytes (1 MiB)
   */
  readonly maxMessageSizeBytes?: number;

  /**
   * How long every message sent to the queue stays invisible before its first
   * delivery, 0 to 15 minutes. The default oldest-message alarm threshold grows
   * by this delay.
   *
   * @default - no delay
   */
  readonly deliveryDelay?: Duration;

  /**
   * How long a received message stays invisible to other receivers, 0 to 12
   * hours. With a consumer it must be at least the function's timeout.
   *
   * @default - with a consumer, 6 × the function timeout + the batching window
   * (AWS's guidance for Lambda); without one, 30 seconds
   */
  readonly visibilityTimeout?: Duration;

  /**
   * How long the queue keeps a message, 60 seconds to 14 days.
   *
   * @default Duration.days(4)
   */
  readonly retentionPeriod?: Duration;

  /**
   * How long a receive call waits for a message to arrive (long polling), 0
   * to 20 seconds. Long polling removes the cost of empty receives.
   *
   * @default Duration.seconds(20)
   */
  readonly receiveMessageWaitTime?: Duration;

  /**
   * How many times a message is received before it is moved to the
   * dead-letter queue, 1 to 1,000.
   *
   * @default 5
   */
  readonly maxReceiveCount?: number;

  /**
   * A dead-letter queue you bring instead of the one this construct creates.
   * It must be FIFO exactly when the queue is. Its retention and
   * redrive-allow policy are yours to set.
   *
   * @default - a dead-letter queue is created
   */
  readonly deadLetterQueue?: sqs.IQueue;

  /**
   * The name of the dead-letter queue this construct creates.
   *
   * @default - `<queueName>-dlq` when `queueName` is given (before `.fifo`),
   * otherwise generated
   */
  readonly deadLetterQueueName?: string;

  /**
   * How long the created dead-letter queue keeps a message, 60 seconds to 14
   * days and never shorter than `retentionPeriod`.
   *
   * @default Duration.days(14)
   */
  readonly deadLetterRetentionPeriod?: Duration;

  /**
   * How the queues are encrypted at rest. `UNENCRYPTED` is refused.
   * `KMS_MANAGED` (the AWS-managed `alias/aws/sqs` key) cannot be used when SNS
   * or EventBridge deliver to the queue.
   *
   * @default - `KMS` when `encryptionMasterKey` is given, otherwise
   * `SQS_MANAGED` (SSE-SQS: free, and usable by every AWS service that sends
   * to queues)
   */
  readonly encryption?: sqs.QueueEncryption;

  /**
   * The customer-managed KMS key of both queues, with `encryption: KMS`.
   *
   * @default - with `encryption: KMS`, a key with yearly rotation is created
   */
  readonly encryptionMasterKey?: kms.IKey;

  /**
   * How long SQS reuses a data key before calling KMS again, 1 minute to 24
   * hours, for KMS-encrypted queues. Longer means fewer (billed) KMS calls.
   *
   * @default Duration.minutes(5)
   */
  readonly dataKeyReuse?: Duration;

  /**
   * What happens to the queues (and the messages in them) when they leave the
   * stack. Queues made by this construct have names, so a retained queue must
   * be deleted by hand before the stack can create it again.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * A Lambda function that consumes the queue.
   *
   * @default - no consumer
   */
  readonly consumer?: lambda.IFunction;

  /**
   * Options of the consumer's event source.
   *
   * @default - the defaults of QueueConsumerOptions
   */
  readonly consumerOptions?: QueueConsumerOptions;

  /**
   * Which health alarms the consumer gets: errors and throttles, each on by
   * default, notifying `alarmAction`. A function consuming several queues
   * gets each alarm once.
   *
   * @default - an errors alarm and a throttles alarm on the consumer
   */
  readonly consumerAlarms?: ConsumerAlarmOptions;

  /**
   * Whether to alarm when the dead-letter queue holds any message.
   *
   * @default true
   */
  readonly deadLetterQueueAlarm?: boolean;

  /**
   * Whether to alarm when the oldest message of the queue is older than
   * `oldestMessageAgeThreshold`.
   *
   * @default true
   */
  readonly oldestMessageAlarm?: boolean;

  /**
   * The age of the oldest message above which the oldest-message alarm fires.
   * Must be shorter than `retentionPeriod`.
   *
   * @default - `maxReceiveCount` × the visibility timeout (the longest a
   * message can legitimately wait while being retried), at least 5 minutes and
   * at most half the retention period
   */
  readonly oldestMessageAgeThreshold?: Duration;

  /**
   * An action for every alarm of this construct, for example an SNS topic.
   *
   * @default - the alarms have no action
   */
  readonly alarmAction?: cloudwatch.IAlarmAction;
}

/**
 * An SQS queue that never loses a message: a message that fails
 * `maxReceiveCount` times moves to a dead-letter queue kept long enough to
 * act on, and an alarm says so.
 *
 * Both queues are encrypted and refuse requests without TLS. An optional
 * Lambda consumer gets partial batch responses and a visibility timeout
 * derived from its own timeout.
 */
export class QueueWithDlq extends Construct {
  /** The queue. */
  public readonly queue: sqs.Queue;

  /** The dead-letter queue: created, or the one given in props. */
  public readonly deadLetterQueue: sqs.IQueue;

  /** The number of receives after which a message moves to the dead-letter queue. */
  public readonly maxReceiveCount: number;

  /** The KMS key of the queues, when they use a customer-managed key. */
  public readonly encryptionKey?: kms.IKey;

  /** The consumer function, when one was given. */
  public readonly consumer?: lambda.IFunction;

  /** The consumer's event source, when a consumer was given. */
  public readonly eventSource?: sources.SqsEventSource;

  /** The consumer's event source mapping, when a consumer was given. */
  public readonly eventSourceMapping?: lambda.IEventSourceMapping;

  /** The alarm on messages in the dead-letter queue, unless switched off. */
  public readonly deadLetterQueueAlarm?: cloudwatch.Alarm;

  /** The alarm on the age of the queue's oldest message, unless switched off. */
  public readonly oldestMessageAlarm?: cloudwatch.Alarm;

  /**
   * The alarm on the consumer's errors, unless there is no consumer or it is
   * switched off. A child of the consumer function, shared by every queue it
   * consumes.
   */
  public readonly consumerErrorsAlarm?: cloudwatch.Alarm;

  /**
   * The alarm on the consumer's throttled invocations, unless there is no
   * consumer or it is switched off. A child of the consumer function, shared
   * by every queue it consumes.
   */
  public readonly consumerThrottlesAlarm?: cloudwatch.Alarm;

  /** Every alarm of this construct. */
  public readonly alarms: cloudwatch.IAlarm[];

  /** The consumer's event filters as given, for offline matching. */
  private readonly consumerFilters: Array<{ [key: string]: any }>;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps = {}) {
    super(scope, id);
    const settings = resolveQueueSettings(this, props);
    this.maxReceiveCount = settings.maxReceiveCount;
    this.consumerFilters = props.consumerOptions?.filters ?? [];
    this.encryptionKey = this.encryptionKeyFor(settings, props);

    const queueName = props.queueName ?? generatedQueueName(this, settings.fifo);
    this.deadLetterQueue = props.deadLetterQueue ?? this.createDeadLetterQueue(settings, props, queueName);

    this.queue = new sqs.Queue(this, 'Resource', {
      queueName,
      fifo: settings.fifo ? true : undefined,
      contentBasedDeduplication: props.contentBasedDeduplication,
      deduplicationScope: props.deduplicationScope,
      fifoThroughputLimit: props.fifoThroughputLimit,
      maxMessageSizeBytes: props.maxMessageSizeBytes,
      deliveryDelay: props.deliveryDelay,
      visibilityTimeout: settings.visibilityTimeout,
      retentionPeriod: settings.retentionPeriod,
      receiveMessageWaitTime: settings.receiveMessageWaitTime,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
      ...this.encryptionProps(settings),
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
    });

    if (props.consumer) {
      this.consumer = props.consumer;
      this.eventSource = new sources.SqsEventSource(this.queue, {
        batchSize: props.consumerOptions?.batchSize,
        maxBatchingWindow: props.consumerOptions?.maxBatchingWindow,
        maxConcurrency: props.consumerOptions?.maxConcurrency,
        reportBatchItemFailures: props.consumerOptions?.reportBatchItemFailures ?? true,
        enabled: props.consumerOptions?.enabled,
        filters: props.consumerOptions?.filters,
        filterEncryption: props.consumerOptions?.filterEncryption,
        metricsConfig: props.consumerOptions?.metricsConfig,
        provisionedPollerConfig: props.consumerOptions?.provisionedPollerConfig,
      });
      props.consumer.addEventSource(this.eventSource);
      this.eventSourceMapping = findEventSourceMapping(props.consumer, this.eventSource.eventSourceMappingId);
      if (this.eventSourceMapping) {
        acknowledge(this.eventSourceMapping, ACKNOWLEDGEMENTS.sqsEventSourceMapping);
        if ((props.consumerOptions?.filters ?? []).length > 0) {
          acknowledge(this.eventSourceMapping, ACKNOWLEDGEMENTS.consumerFiltersDeleteMessages);
        }
      }
      if (props.consumerOptions?.reportBatchItemFailures === false) {
        Annotations.of(this).addWarningV2(
          'cdk-message-patterns:partialBatchResponsesOff',
          'consumerOptions.reportBatchItemFailures is false: one failing message makes its whole batch visible again, so every message in it is ' +
            'processed again and counts a receive toward maxReceiveCount. AWS recommends partial batch responses for SQS event sources.',
        );
        if (this.eventSourceMapping) {
          acknowledge(this.eventSourceMapping, ACKNOWLEDGEMENTS.partialBatchResponsesOff);
        }
      }
    }

    const alarms = new ConstructAlarms(this, props.alarmAction);
    this.deadLetterQueueAlarm = alarms.queueNotEmpty(
      props.deadLetterQueueAlarm,
      'DeadLetterQueueAlarm',
      this.deadLetterQueue,
      `Messages failed ${settings.maxReceiveCount} receives and are in the dead-letter queue of ${this.node.path}.`,
    );
    this.oldestMessageAlarm = alarms.oldestMessageAge(props.oldestMessageAlarm, 'OldestMessageAlarm', this.queue, settings.oldestMessageAgeThreshold);
    if (props.consumer) {
      const consumerAlarms = consumerHealthAlarms(props.consumer, this.node.path, props.consumerAlarms, alarms);
      this.consumerErrorsAlarm = consumerAlarms.errors;
      this.consumerThrottlesAlarm = consumerAlarms.throttles;
    }
    this.alarms = alarms.all;

    if (settings.encryption === sqs.QueueEncryption.KMS_MANAGED) {
      this.node.addValidation({ validate: () => validateAwsManagedKeyUse(sendersUnableToUseAwsManagedKey(this.queue)) });
    }
  }

  /**
   * Whether the consumer's event filters let a message with this body reach
   * the function, evaluated offline (no synthesis, no AWS). Without filters
   * every message does; a message that matches no filter is deleted by Lambda.
   *
   * @param messageBody the message body, as sent to the queue
   */
  public matchesConsumerFilters(messageBody: string): boolean {
    return SqsEventFilterMatcher.matches(this.consumerFilters, messageBody);
  }

  /**
   * Whether the consumer's event filters let a message with this body reach
   * the function, and if not, which field or operator of each filter failed.
   *
   * @param messageBody the message body, as sent to the queue
   */
  public explainConsumerFilters(messageBody: string): MatchExplanation {
    return SqsEventFilterMatcher.explain(this.consumerFilters, messageBody);
  }

  /**
   * The messages visible in the dead-letter queue, the maximum over one
   * minute: the metric of the dead-letter queue alarm.
   */
  public metricDeadLetterQueueMessages(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return queueDepthMetric(this.deadLetterQueue, props);
  }

  /**
   * The age of the queue's oldest message in seconds, the maximum over one
   * minute: the metric of the oldest-message alarm.
   */
  public metricOldestMessageAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return oldestMessageAgeMetric(this.queue, props);
  }

  /**
   * The consumer's errors, summed over 5 minutes: the metric of the
   * consumer errors alarm. Throws when the queue has no consumer.
   */
  public metricConsumerErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return consumerErrorsMetric(this.requireConsumer('metricConsumerErrors'), props);
  }

  /**
   * The consumer's throttled invocations, summed over 5 minutes: the metric
   * of the consumer throttles alarm. Throws when the queue has no consumer.
   */
  public metricConsumerThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return consumerThrottlesMetric(this.requireConsumer('metricConsumerThrottles'), props);
  }

  /**
   * Grants the permissions to move messages from the dead-letter queue back
   * to their source queue (`StartMessageMoveTask` and the calls it makes:
   * receive and delete on the dead-letter queue, send on the source queue,
   * and the KMS permissions both need).
   */
  public grantRedrive(grantee: iam.IGrantable): iam.Grant {
    this.deadLetterQueue.grantConsumeMessages(grantee);
    this.queue.grantSendMessages(grantee);
    return this.deadLetterQueue.grant(
      grantee,
      'sqs:StartMessageMoveTask',
      'sqs:ListMessageMoveTasks',
      'sqs:CancelMessageMoveTask',
    );
  }

  private requireConsumer(method: string): lambda.IFunction {
    if (!this.consumer) {
      throw new MessagePatternsError(this.node.path, [`${method}() needs a consumer, and this queue has none (the consumer prop)`]);
    }
    return this.consumer;
  }

  private encryptionKeyFor(settings: QueueSettings, props: QueueWithDlqProps): kms.IKey | undefined {
    if (settings.encryption !== sqs.QueueEncryption.KMS) {
      return undefined;
    }
    return (
      props.encryptionMasterKey ??
      new kms.Key(this, 'Key', {
        description: bounded(`Encrypts the messages of ${this.node.path} and its dead-letter queue`, DESCRIPTION_LIMITS.kmsKey),
        enableKeyRotation: true,
      })
    );
  }

  private encryptionProps(settings: QueueSettings): Pick<sqs.QueueProps, 'encryption' | 'encryptionMasterKey' | 'dataKeyReuse'> {
    const kmsBased = settings.encryption !== sqs.QueueEncryption.SQS_MANAGED;
    return {
      encryption: settings.encryption,
      encryptionMasterKey: this.encryptionKey,
      dataKeyReuse: kmsBased ? settings.dataKeyReuse : undefined,
    };
  }

  private createDeadLetterQueue(settings: QueueSettings, props: QueueWithDlqProps, queueName: string): sqs.Queue {
    // The source queue's ARN is built from its name rather than referenced:
    // the source's redrive policy already references this queue, and a
    // reference back would be a circular dependency.
    const sourceArn = Stack.of(this).formatArn({ service: 'sqs', resource: queueName });
    return createFailureQueue(this, 'DeadLetterQueue', {
      queueName: props.deadLetterQueueName ?? deadLetterQueueNameFor(props.queueName, settings.fifo),
      fifo: settings.fifo,
      retentionPeriod: settings.deadLetterRetentionPeriod,
      maxMessageSizeBytes: props.maxMessageSizeBytes,
      ...this.encryptionProps(settings),
      removalPolicy: props.removalPolicy,
      redriveAllowPolicy: {
        redrivePermission: sqs.RedrivePermission.BY_QUEUE,
        sourceQueues: [sqs.Queue.fromQueueArn(this, 'SourceQueueRef', sourceArn)],
      },
      acknowledgements: [ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq],
    });
  }
}

/** A queue name unique to the construct's path, with `.fifo` where needed. */
function generatedQueueName(scope: Construct, fifo: boolean): string {
  const suffix = fifo ? '.fifo' : '';
  return Names.uniqueResourceName(scope, { maxLength: 80 - suffix.length, separator: '-' }) + suffix;
}

/**
 * `orders` → `orders-dlq`, `orders.fifo` → `orders-dlq.fifo`; no name → generated.
 * A name too long for the suffix is cut and made unique by a hash of the whole name.
 */
function deadLetterQueueNameFor(queueName: string | undefined, fifo: boolean): string | undefined {
  if (queueName === undefined || Token.isUnresolved(queueName)) {
    return undefined;
  }
  return nameWithSuffix(withoutFifoSuffix(queueName), `-dlq${fifo ? '.fifo' : ''}`, 80);
}
