import { Annotations, CfnResource, Duration, Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueConsumerOptions, QueueWithDlqProps } from './queue-with-dlq';
import { FAILURE_QUEUE_RETENTION } from '../core/failure-queue';
import { ACKNOWLEDGEMENTS, acknowledge } from '../core/nag';
import { fifoFromName, fifoKnown } from '../core/queue-facts';
import { describe, durationSeconds, PropsValidator, resolved } from '../core/validation';
import { parseSqsEventFilters, SQS_FILTERS_DEFAULT_QUOTA, SQS_FILTERS_MAX } from '../routing/lambda/sqs-event-filters';
import { PatternError } from '../routing/model/errors';

/** Documented defaults of QueueWithDlq; docs/queue-with-dlq.md lists them with their reasons (checked by test/docs). */
export const QUEUE_DEFAULTS = {
  maxReceiveCount: 5,
  retentionPeriod: Duration.days(4),
  deadLetterRetentionPeriod: FAILURE_QUEUE_RETENTION,
  receiveMessageWaitTime: Duration.seconds(20),
  visibilityTimeoutWithoutConsumer: Duration.seconds(30),
  lambdaDefaultTimeout: Duration.seconds(3),
  dataKeyReuse: Duration.minutes(5),
  minimumOldestMessageAgeThreshold: Duration.minutes(5),
  visibilityTimeoutsPerFunctionTimeout: 6,
  /** AWS's guidance for a queue with a Lambda consumer: at least 5 receives before the dead-letter queue. */
  maxReceiveCountWithLambda: 5,
} as const;

/** SQS and Lambda limits the props are checked against. */
const LIMITS = {
  minRetention: Duration.seconds(60),
  maxRetention: Duration.days(14),
  maxVisibilityTimeout: Duration.hours(12),
  maxReceiveWait: Duration.seconds(20),
  minDataKeyReuse: Duration.minutes(1),
  maxDataKeyReuse: Duration.hours(24),
  maxBatchingWindow: Duration.minutes(5),
  maxFunctionTimeout: Duration.minutes(15),
  maxDeliveryDelay: Duration.minutes(15),
  minMessageSize: 1_024,
  maxMessageSize: 1_048_576,
  minPollers: 2,
  maxMinimumPollers: 200,
  maxMaximumPollers: 2_000,
};

/** Services that deliver to queues but cannot use the AWS-managed `alias/aws/sqs` key. */
const SENDERS_WITHOUT_AWS_MANAGED_KEY = ['sns.amazonaws.com', 'events.amazonaws.com', 's3.amazonaws.com'];

/** The props of a QueueWithDlq with every default applied. */
export interface QueueSettings {
  readonly fifo: boolean;
  readonly maxReceiveCount: number;
  readonly visibilityTimeout: Duration;
  readonly retentionPeriod: Duration;
  readonly deadLetterRetentionPeriod: Duration;
  readonly receiveMessageWaitTime: Duration;
  readonly encryption: sqs.QueueEncryption;
  readonly dataKeyReuse: Duration;
  readonly oldestMessageAgeThreshold: Duration;
}

/**
 * Applies the defaults of QueueWithDlq and checks every rule on its props,
 * throwing one error that lists every violation.
 */
export function resolveQueueSettings(scope: Construct, props: QueueWithDlqProps): QueueSettings {
  const v = new PropsValidator(scope);
  const fifo = fifoFromName(props.fifo, props.queueName);
  const maxReceiveCount = props.maxReceiveCount ?? QUEUE_DEFAULTS.maxReceiveCount;
  const retentionPeriod = props.retentionPeriod ?? QUEUE_DEFAULTS.retentionPeriod;
  const deadLetterRetentionPeriod = props.deadLetterRetentionPeriod ?? QUEUE_DEFAULTS.deadLetterRetentionPeriod;
  const receiveMessageWaitTime = props.receiveMessageWaitTime ?? QUEUE_DEFAULTS.receiveMessageWaitTime;
  const dataKeyReuse = props.dataKeyReuse ?? QUEUE_DEFAULTS.dataKeyReuse;
  const encryption = props.encryption ?? (props.encryptionMasterKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED);

  validateNamesAndFifo(v, props, fifo);
  validateDeadLetterQueue(v, props, fifo, retentionPeriod, deadLetterRetentionPeriod);
  validateEncryption(v, props, encryption);
  v.integerInRange('maxReceiveCount', props.maxReceiveCount, 1, 1000);
  v.durationInRange('retentionPeriod', props.retentionPeriod, LIMITS.minRetention, LIMITS.maxRetention);
  v.durationInRange('receiveMessageWaitTime', props.receiveMessageWaitTime, Duration.seconds(0), LIMITS.maxReceiveWait);
  v.durationInRange('visibilityTimeout', props.visibilityTimeout, Duration.seconds(0), LIMITS.maxVisibilityTimeout);
  v.durationInRange('dataKeyReuse', props.dataKeyReuse, LIMITS.minDataKeyReuse, LIMITS.maxDataKeyReuse);
  v.integerInRange('maxMessageSizeBytes', props.maxMessageSizeBytes, LIMITS.minMessageSize, LIMITS.maxMessageSize);
  v.durationInRange('deliveryDelay', props.deliveryDelay, Duration.seconds(0), LIMITS.maxDeliveryDelay);
  validateFifoThroughput(scope, v, props, fifo);
  validateConsumerOptions(v, props, fifo);
  validateConsumerFilters(scope, v, props.consumerOptions);
  warnAboutKafkaOnlyMetrics(scope, props.consumerOptions);

  const functionTimeout = props.consumer ? consumerTimeout(props.consumer, props.consumerOptions?.functionTimeout) : undefined;
  v.fail(
    props.consumer !== undefined && functionTimeout === undefined && props.visibilityTimeout === undefined,
    'visibilityTimeout (or consumerOptions.functionTimeout) is required when the consumer is an imported function: its timeout cannot be read at synth, and a visibility timeout shorter than it makes messages be processed twice',
  );
  const visibilityTimeout = props.visibilityTimeout ?? defaultVisibilityTimeout(functionTimeout, props.consumerOptions?.maxBatchingWindow);
  if (functionTimeout) {
    checkVisibilityAgainstFunction(scope, v, visibilityTimeout, functionTimeout);
  }
  if (props.consumer) {
    checkMaxReceiveCountAgainstLambda(scope, maxReceiveCount);
  }

  const oldestMessageAgeThreshold =
    props.oldestMessageAgeThreshold ?? defaultOldestMessageAgeThreshold(maxReceiveCount, visibilityTimeout, retentionPeriod, props.deliveryDelay);
  validateOldestMessageAgeThreshold(v, props, retentionPeriod);

  v.throwIfInvalid();
  return {
    fifo,
    maxReceiveCount,
    visibilityTimeout,
    retentionPeriod,
    deadLetterRetentionPeriod,
    receiveMessageWaitTime,
    encryption,
    dataKeyReuse,
    oldestMessageAgeThreshold,
  };
}

function validateNamesAndFifo(v: PropsValidator, props: QueueWithDlqProps, fifo: boolean): void {
  v.queueName('queueName', props.queueName);
  v.queueName('deadLetterQueueName', props.deadLetterQueueName);
  for (const [prop, name] of [['queueName', props.queueName], ['deadLetterQueueName', props.deadLetterQueueName]] as const) {
    if (name === undefined || Token.isUnresolved(name)) {
      continue;
    }
    v.fail(fifo && !name.endsWith('.fifo'), `${prop} of a FIFO queue must end in '.fifo', got '${name}'`);
    v.fail(!fifo && name.endsWith('.fifo'), `${prop} '${name}' ends in '.fifo' but fifo is false: only FIFO queue names end in '.fifo'`);
  }
  v.fail(
    !fifo && props.contentBasedDeduplication === true,
    'contentBasedDeduplication applies to FIFO queues only: set fifo: true or leave contentBasedDeduplication unset',
  );
}

function validateDeadLetterQueue(
  v: PropsValidator,
  props: QueueWithDlqProps,
  fifo: boolean,
  retentionPeriod: Duration,
  deadLetterRetentionPeriod: Duration,
): void {
  const dlq = props.deadLetterQueue;
  if (dlq) {
    v.fail(props.deadLetterQueueName !== undefined, 'deadLetterQueueName cannot be set together with deadLetterQueue: name the queue you bring where you create it');
    v.fail(
      props.deadLetterRetentionPeriod !== undefined,
      'deadLetterRetentionPeriod cannot be set together with deadLetterQueue: set the retention of the queue you bring where you create it',
    );
    v.fail(
      fifoKnown(dlq) && dlq.fifo !== fifo,
      `deadLetterQueue must be ${fifo ? 'a FIFO' : 'a standard'} queue like the queue it serves, got a ${dlq.fifo ? 'FIFO' : 'standard'} queue (SQS rejects a redrive between a FIFO and a standard queue)`,
    );
    return;
  }
  v.durationInRange('deadLetterRetentionPeriod', props.deadLetterRetentionPeriod, LIMITS.minRetention, LIMITS.maxRetention);
  if (resolved(retentionPeriod, deadLetterRetentionPeriod)) {
    v.fail(
      durationSeconds(deadLetterRetentionPeriod) < durationSeconds(retentionPeriod),
      `deadLetterRetentionPeriod (${describe(deadLetterRetentionPeriod)}) must not be shorter than retentionPeriod (${describe(retentionPeriod)}): ` +
        'a message moved to a standard dead-letter queue keeps its original enqueue time, so it could expire there almost at once',
    );
  }
}

function validateEncryption(v: PropsValidator, props: QueueWithDlqProps, encryption: sqs.QueueEncryption): void {
  v.fail(
    encryption === sqs.QueueEncryption.UNENCRYPTED,
    'encryption UNENCRYPTED is not supported: use SQS_MANAGED (free, the default) or KMS',
  );
  v.fail(
    props.encryptionMasterKey !== undefined && encryption !== sqs.QueueEncryption.KMS,
    `encryptionMasterKey requires encryption KMS, got encryption ${encryption}`,
  );
}

function validateConsumerOptions(v: PropsValidator, props: QueueWithDlqProps, fifo: boolean): void {
  const options = props.consumerOptions;
  if (!options) {
    return;
  }
  v.fail(props.consumer === undefined, 'consumerOptions requires consumer: there is no event source to configure');
  v.integerInRange('consumerOptions.batchSize', options.batchSize, 1, fifo ? 10 : 10_000);
  v.durationInRange('consumerOptions.maxBatchingWindow', options.maxBatchingWindow, Duration.seconds(0), LIMITS.maxBatchingWindow);
  v.integerInRange('consumerOptions.maxConcurrency', options.maxConcurrency, 2, 1000);
  v.durationInRange('consumerOptions.functionTimeout', options.functionTimeout, Duration.seconds(1), LIMITS.maxFunctionTimeout);
  v.fail(
    fifo && options.maxBatchingWindow !== undefined,
    `consumerOptions.maxBatchingWindow is not supported for FIFO queues, got ${options.maxBatchingWindow && describe(options.maxBatchingWindow)}`,
  );
  v.fail(
    options.provisionedPollerConfig !== undefined && options.maxConcurrency !== undefined,
    `consumerOptions.provisionedPollerConfig cannot be set together with consumerOptions.maxConcurrency (${options.maxConcurrency}): ` +
      'Lambda refuses both on one event source; provisioned pollers bound the concurrency themselves',
  );
  validatePollers(v, options.provisionedPollerConfig);
  v.fail(
    options.filterEncryption !== undefined && (options.filters === undefined || options.filters.length === 0),
    'consumerOptions.filterEncryption requires consumerOptions.filters: there are no filter criteria to encrypt',
  );
  const batchSize = options.batchSize;
  v.fail(
    !fifo && batchSize !== undefined && !Token.isUnresolved(batchSize) && batchSize > 10 && options.maxBatchingWindow === undefined,
    `consumerOptions.maxBatchingWindow is required when consumerOptions.batchSize is above 10, got batchSize ${batchSize}`,
  );
}

/**
 * High throughput for FIFO queues needs both `deduplicationScope:
 * MESSAGE_GROUP` and `fifoThroughputLimit: PER_MESSAGE_GROUP_ID`; SQS accepts
 * any other combination and then applies normal throughput (SQS Developer
 * Guide, "High throughput for FIFO queues"). Both apply to FIFO queues only.
 */
function validateFifoThroughput(scope: Construct, v: PropsValidator, props: QueueWithDlqProps, fifo: boolean): void {
  const scopeSet = props.deduplicationScope;
  const limit = props.fifoThroughputLimit;
  v.fail(!fifo && scopeSet !== undefined, `deduplicationScope applies to FIFO queues only, got ${scopeSet} on a standard queue`);
  v.fail(!fifo && limit !== undefined, `fifoThroughputLimit applies to FIFO queues only, got ${limit} on a standard queue`);
  const highScope = scopeSet === sqs.DeduplicationScope.MESSAGE_GROUP;
  const highLimit = limit === sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID;
  if (fifo && highScope !== highLimit) {
    Annotations.of(scope).addWarningV2(
      'cdk-message-patterns:fifoHighThroughputHalfSet',
      `deduplicationScope is ${scopeSet ?? 'queue (the default)'} and fifoThroughputLimit is ${limit ?? 'perQueue (the default)'}: ` +
        'SQS applies high throughput only with deduplicationScope MESSAGE_GROUP and fifoThroughputLimit PER_MESSAGE_GROUP_ID together; ' +
        'this queue gets normal FIFO throughput.',
    );
  }
}

function validatePollers(v: PropsValidator, pollers: lambda.ProvisionedPollerConfig | undefined): void {
  if (!pollers) {
    return;
  }
  v.integerInRange('consumerOptions.provisionedPollerConfig.minimumPollers', pollers.minimumPollers, LIMITS.minPollers, LIMITS.maxMinimumPollers);
  v.integerInRange('consumerOptions.provisionedPollerConfig.maximumPollers', pollers.maximumPollers, LIMITS.minPollers, LIMITS.maxMaximumPollers);
  const { minimumPollers: min, maximumPollers: max } = pollers;
  v.fail(
    min !== undefined && max !== undefined && !Token.isUnresolved(min) && !Token.isUnresolved(max) && min > max,
    `consumerOptions.provisionedPollerConfig.minimumPollers (${min}) must not exceed maximumPollers (${max})`,
  );
}

/**
 * Event filters: each a valid pattern of at most 4,096 characters, at most 10
 * of them (5 without a quota increase), on `body` only. Messages matching no
 * filter are deleted by Lambda, which is worth a warning in a library whose
 * promise is that no message is lost unseen.
 */
function validateConsumerFilters(scope: Construct, v: PropsValidator, options: QueueConsumerOptions | undefined): void {
  const filters = options?.filters;
  if (!filters || Token.isUnresolved(filters)) {
    return;
  }
  v.fail(
    filters.length > SQS_FILTERS_MAX,
    `consumerOptions.filters holds at most ${SQS_FILTERS_MAX} filters (Lambda's quota, raised from ${SQS_FILTERS_DEFAULT_QUOTA} on request), got ${filters.length}`,
  );
  let parsed: ReturnType<typeof parseSqsEventFilters> = [];
  try {
    parsed = parseSqsEventFilters(filters, 'consumerOptions.filters');
  } catch (e) {
    if (!(e instanceof PatternError)) {
      throw e;
    }
    v.fail(true, e.message);
  }
  if (filters.length === 0) {
    return;
  }
  // The resource schema of AWS::Lambda::EventSourceMapping declares FilterCriteria.Filters with unique items
  // (aws-cdk-lib's template validation reports a repeat as F3037).
  const texts = filters.map((f) => (Token.isUnresolved(f) || Token.isUnresolved(f?.pattern) ? undefined : JSON.stringify(f)));
  texts.forEach((text, i) => {
    const first = texts.indexOf(text);
    v.fail(text !== undefined && first < i, `consumerOptions.filters[${i}] repeats consumerOptions.filters[${first}]: CloudFormation requires distinct filters, got ${text}`);
  });
  if (filters.length > SQS_FILTERS_DEFAULT_QUOTA && filters.length <= SQS_FILTERS_MAX) {
    Annotations.of(scope).addWarningV2(
      'cdk-message-patterns:consumerFiltersAboveDefaultQuota',
      `consumerOptions.filters holds ${filters.length} filters: Lambda accepts more than ${SQS_FILTERS_DEFAULT_QUOTA} only once the account's quota ` +
        `"Filters per event source mapping" is raised (up to ${SQS_FILTERS_MAX}); otherwise the deployment fails.`,
    );
  }
  const otherKeys = [...new Set(parsed.flatMap((f) => f.otherKeys))];
  if (otherKeys.length > 0) {
    Annotations.of(scope).addWarningV2(
      'cdk-message-patterns:consumerFilterOutsideBody',
      `consumerOptions.filters name ${otherKeys.map((k) => `"${k}"`).join(', ')} outside "body": Lambda filters the records of an SQS event source ` +
        'on their body only.',
    );
  }
  Annotations.of(scope).addWarningV2(
    'cdk-message-patterns:consumerFiltersDeleteMessages',
    'consumerOptions.filters is set: Lambda deletes from the queue every message that matches no filter, without invoking the function or ' +
      'moving it to the dead-letter queue. Check the filters with matchesConsumerFilters / explainConsumerFilters, and count what they ' +
      'remove with consumerOptions.metricsConfig (EventCount: FilteredOutEventCount).',
  );
}

/**
 * `ErrorCount` and `KafkaMetrics` are event source mapping metrics of Kafka
 * sources (Lambda API reference, `EventSourceMappingMetricsConfig`): an SQS
 * event source publishes `EventCount` only.
 */
function warnAboutKafkaOnlyMetrics(scope: Construct, options: QueueConsumerOptions | undefined): void {
  const metrics = options?.metricsConfig?.metrics;
  if (!metrics || Token.isUnresolved(metrics)) {
    return;
  }
  const kafkaOnly = metrics.filter((m) => m !== lambda.MetricType.EVENT_COUNT);
  if (kafkaOnly.length > 0) {
    Annotations.of(scope).addWarningV2(
      'cdk-message-patterns:consumerMetricsKafkaOnly',
      `consumerOptions.metricsConfig asks for ${kafkaOnly.join(', ')}: Lambda publishes those for Kafka event sources only; ` +
        'an SQS event source publishes EventCount.',
    );
  }
}

/**
 * The consumer function's timeout: the explicit one, else the one in the
 * function's configuration (Lambda's 3-second default when it sets none), or
 * undefined when the function is imported.
 */
export function consumerTimeout(fn: lambda.IFunction, explicit?: Duration): Duration | undefined {
  if (explicit) {
    return explicit;
  }
  const resource = fn.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource) || resource.cfnResourceType !== 'AWS::Lambda::Function') {
    return undefined;
  }
  const seconds = (resource as lambda.CfnFunction).timeout;
  return seconds === undefined ? QUEUE_DEFAULTS.lambdaDefaultTimeout : Duration.seconds(seconds);
}

function defaultVisibilityTimeout(functionTimeout: Duration | undefined, batchingWindow: Duration | undefined): Duration {
  if (!functionTimeout) {
    return QUEUE_DEFAULTS.visibilityTimeoutWithoutConsumer;
  }
  if (!resolved(functionTimeout) || (batchingWindow && !resolved(batchingWindow))) {
    return QUEUE_DEFAULTS.visibilityTimeoutWithoutConsumer;
  }
  const seconds =
    QUEUE_DEFAULTS.visibilityTimeoutsPerFunctionTimeout * durationSeconds(functionTimeout) + (batchingWindow ? durationSeconds(batchingWindow) : 0);
  return Duration.seconds(Math.min(Math.ceil(seconds), LIMITS.maxVisibilityTimeout.toSeconds()));
}

function checkVisibilityAgainstFunction(scope: Construct, v: PropsValidator, visibility: Duration, functionTimeout: Duration): void {
  if (!resolved(visibility, functionTimeout)) {
    return;
  }
  const ratio = durationSeconds(visibility) / durationSeconds(functionTimeout);
  v.fail(
    ratio < 1,
    `visibilityTimeout (${describe(visibility)}) must be at least the consumer function's timeout (${describe(functionTimeout)}): Lambda rejects the event source otherwise`,
  );
  if (ratio >= 1 && ratio < QUEUE_DEFAULTS.visibilityTimeoutsPerFunctionTimeout) {
    Annotations.of(scope).addWarningV2(
      'cdk-message-patterns:visibilityTimeoutBelowGuidance',
      `visibilityTimeout (${describe(visibility)}) is less than 6 times the consumer function's timeout (${describe(functionTimeout)}). ` +
        'AWS recommends at least 6 times, so that messages are not received again while throttled invocations are retried.',
    );
    acknowledge(scope, ACKNOWLEDGEMENTS.visibilityTimeoutBelowGuidance);
  }
}

/**
 * "To give messages a better chance to be processed before sending them to
 * the DLQ, set the maxReceiveCount on the source queue's redrive policy to at
 * least 5" (Lambda Developer Guide, "Handling errors for an SQS event source
 * in Lambda"): a throttled batch counts as a receive too.
 */
function checkMaxReceiveCountAgainstLambda(scope: Construct, maxReceiveCount: number): void {
  if (Token.isUnresolved(maxReceiveCount) || maxReceiveCount >= QUEUE_DEFAULTS.maxReceiveCountWithLambda) {
    return;
  }
  Annotations.of(scope).addWarningV2(
    'cdk-message-patterns:maxReceiveCountBelowGuidance',
    `maxReceiveCount (${maxReceiveCount}) is below ${QUEUE_DEFAULTS.maxReceiveCountWithLambda} with a Lambda consumer. AWS recommends at least ` +
      `${QUEUE_DEFAULTS.maxReceiveCountWithLambda}, so that receives spent on throttled invocations do not move messages to the dead-letter queue.`,
  );
  acknowledge(scope, ACKNOWLEDGEMENTS.maxReceiveCountBelowGuidance);
}

/**
 * The longest a message can legitimately wait: its delivery delay, then
 * `maxReceiveCount` receives each hidden for the visibility timeout; at least
 * 5 minutes, at most half the retention.
 */
function defaultOldestMessageAgeThreshold(maxReceiveCount: number, visibility: Duration, retention: Duration, deliveryDelay?: Duration): Duration {
  if (Token.isUnresolved(maxReceiveCount) || !resolved(visibility, retention) || (deliveryDelay && !resolved(deliveryDelay))) {
    return Duration.hours(1);
  }
  const retrying = (deliveryDelay ? durationSeconds(deliveryDelay) : 0) + maxReceiveCount * durationSeconds(visibility);
  const floor = QUEUE_DEFAULTS.minimumOldestMessageAgeThreshold.toSeconds();
  const ceiling = durationSeconds(retention) / 2;
  return Duration.seconds(Math.ceil(Math.min(Math.max(retrying, floor), ceiling)));
}

function validateOldestMessageAgeThreshold(v: PropsValidator, props: QueueWithDlqProps, retention: Duration): void {
  const threshold = props.oldestMessageAgeThreshold;
  if (!threshold || !resolved(threshold, retention)) {
    return;
  }
  v.fail(
    durationSeconds(threshold) < 60 || durationSeconds(threshold) >= durationSeconds(retention),
    `oldestMessageAgeThreshold must be at least 1 minute and shorter than retentionPeriod (${describe(retention)}), got ${describe(threshold)}: ` +
      'an alarm above the retention period could never fire before the message expires',
  );
}

/**
 * The services in the queue's resource policy that cannot use the AWS-managed
 * SQS key: their deliveries would fail at run time, silently.
 */
export function sendersUnableToUseAwsManagedKey(queue: sqs.IQueue): string[] {
  const policies = queue.node.children.filter((c): c is sqs.QueuePolicy => c instanceof sqs.QueuePolicy);
  const services = policies.flatMap((policy) => {
    const document = Stack.of(queue).resolve(policy.document.toJSON()) as { Statement?: { Principal?: { Service?: string | string[] } }[] };
    return (document.Statement ?? []).flatMap((s) => ([] as string[]).concat(s.Principal?.Service ?? []));
  });
  return [...new Set(services.filter((s) => SENDERS_WITHOUT_AWS_MANAGED_KEY.includes(s)))];
}

/** The validation message for {@link sendersUnableToUseAwsManagedKey}'s result. */
export function validateAwsManagedKeyUse(senders: string[]): string[] {
  if (senders.length === 0) {
    return [];
  }
  return [
    `encryption KMS_MANAGED (the AWS-managed key alias/aws/sqs) cannot be used when ${senders.join(', ')} deliver to the queue: ` +
      'those services cannot use that key and their messages would be dropped. Use SQS_MANAGED (the default) or KMS with a customer-managed key.',
  ];
}
