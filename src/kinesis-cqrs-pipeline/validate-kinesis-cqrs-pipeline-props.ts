import { Annotations, CfnResource, Duration, Size, Token } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import type { KinesisCqrsPipelineProps } from './kinesis-cqrs-pipeline';
import type { ProjectionProps } from './projection';
import { FAILURE_QUEUE_RETENTION } from '../core/failure-queue';
import { describe, durationSeconds, PropsValidator, resolved } from '../core/validation';

/** Documented defaults of KinesisCqrsPipeline and Projection; docs/kinesis-cqrs-pipeline.md lists them with their reasons (checked by test/docs). */
export const PIPELINE_DEFAULTS = {
  streamMode: kinesis.StreamMode.PROVISIONED,
  shardCount: 1,
  retentionPeriod: Duration.days(7),
  /** Kinesis's own default, assumed for a stream whose retention cannot be read at synth. */
  importedStreamRetention: Duration.hours(24),
  partitionKey: 'pk',
  projectorMemorySize: 256,
  projectorTimeout: Duration.minutes(1),
  batchSize: 100,
  parallelizationFactor: 1,
  retryAttempts: 10,
  /** maxRecordAge = retention × this, at most the event source's 7-day maximum. */
  maxRecordAgeShareOfRetention: 0.5,
  /** iteratorAgeThreshold = retention × this, at most half of maxRecordAge. */
  iteratorAgeShareOfRetention: 0.05,
  failureQueueRetention: FAILURE_QUEUE_RETENTION,
  /** The event source mapping metrics turned on with a failure bucket: the only metric that counts what reaches the bucket is an EventCount one. */
  failureBucketMetrics: lambda.MetricType.EVENT_COUNT,
} as const;

/** Kinesis and Lambda limits the props are checked against. */
const LIMITS = {
  minRetention: Duration.hours(24),
  maxRetention: Duration.hours(8760),
  maxShardCount: 100_000,
  minMaxRecordAge: Duration.seconds(60),
  maxMaxRecordAge: Duration.days(7),
  maxBatchingWindow: Duration.seconds(300),
  maxFunctionTimeout: Duration.minutes(15),
  minIteratorAgeThreshold: Duration.minutes(1),
  /** MaxRecordSizeInKiB of AWS::Kinesis::Stream: 1,024 to 10,240 KiB (Kinesis API reference, CreateStream and UpdateMaxRecordSize). */
  minMaxRecordSizeKiB: 1024,
  maxMaxRecordSizeKiB: 10_240,
  /** Warm throughput above which an on-demand stream needs a raised quota (Kinesis API reference, UpdateStreamWarmThroughput: 10 GiBps by default). */
  defaultMaxWarmThroughputMiBps: 10_240,
};

/**
 * Lambda's payload limit for a synchronous invocation, which an event source
 * mapping's batch must fit: 6 MB (Lambda quotas; the Invoke API refuses
 * requests of 6,291,456 bytes and more).
 */
export const LAMBDA_INVOCATION_PAYLOAD_BYTES = 6 * 1024 * 1024;

/**
 * An upper estimate of what a Kinesis event adds around one record's base64
 * data: the `Records` array and the record's fields (partition key up to 256
 * characters, sequence number, eventID, eventSourceARN, invokeIdentityArn).
 */
const KINESIS_EVENT_ENVELOPE_BYTES = 1024;

/** The largest record, in KiB, whose Kinesis event fits one invocation: its data is base64-encoded (4 bytes per 3). */
export const MAX_RECORD_KIB_IN_ONE_INVOCATION = Math.floor(((LAMBDA_INVOCATION_PAYLOAD_BYTES - KINESIS_EVENT_ENVELOPE_BYTES) * 3) / 4 / 1024);

/** Attributes the default projector writes besides the partition key. */
const RESERVED_ATTRIBUTES = ['version', 'type', 'updatedAt', 'state'];

/** A stream's retention period, and whether it was read from the stream or assumed. */
export interface StreamRetention {
  readonly period: Duration;
  readonly known: boolean;
}

/** The stream-side props of a KinesisCqrsPipeline with every default applied. */
export interface StreamSettings {
  readonly streamMode: kinesis.StreamMode;
  readonly shardCount?: number;
  readonly retention: StreamRetention;
  /** MaxRecordSizeInKiB of the created stream, when maxRecordSize is given. */
  readonly maxRecordSizeKiB?: number;
}

/** The on-failure path of a Projection: the event source mapping's metrics and the alarms on its destination. */
export interface FailurePathSettings {
  /** The event source mapping's metrics: as given, else EventCount when an alarm or a failure bucket needs it. */
  readonly metricsConfig?: lambda.MetricsConfig;
  /** Whether to alarm on records the event source sent to its on-failure destination (needs EventCount). */
  readonly discardedRecordsAlarm: boolean;
  /** Whether to alarm on failed deliveries to the on-failure destination. */
  readonly destinationDeliveryFailuresAlarm: boolean;
}

/** The props of a Projection with every default applied. */
export interface ProjectionSettings extends FailurePathSettings {
  readonly partitionKey: string;
  readonly batchSize: number;
  readonly parallelizationFactor: number;
  readonly retryAttempts: number;
  readonly maxRecordAge: Duration;
  readonly iteratorAgeThreshold: Duration;
}

/**
 * Applies the stream defaults of KinesisCqrsPipeline and checks the rules on
 * its stream props, throwing one error that lists every violation.
 */
export function resolveStreamSettings(scope: IConstruct, props: KinesisCqrsPipelineProps): StreamSettings {
  const v = new PropsValidator(scope);
  if (props.stream) {
    for (const [prop, value] of [
      ['streamMode', props.streamMode],
      ['shardCount', props.shardCount],
      ['retentionPeriod', props.retentionPeriod],
      ['streamEncryptionKey', props.streamEncryptionKey],
      ['streamRemovalPolicy', props.streamRemovalPolicy],
      ['maxRecordSize', props.maxRecordSize],
      ['warmThroughputMiBps', props.warmThroughputMiBps],
    ] as const) {
      v.fail(value !== undefined, `${prop} cannot be set together with stream: configure the stream you bring where you create it`);
    }
  }
  const streamMode = props.streamMode ?? PIPELINE_DEFAULTS.streamMode;
  v.fail(
    streamMode === kinesis.StreamMode.ON_DEMAND && props.shardCount !== undefined,
    `shardCount applies to PROVISIONED streams only, got shardCount ${props.shardCount} with streamMode ON_DEMAND (on-demand streams scale their shards themselves)`,
  );
  v.integerInRange('shardCount', props.shardCount, 1, LIMITS.maxShardCount);
  v.durationInRange('retentionPeriod', props.retentionPeriod, LIMITS.minRetention, LIMITS.maxRetention);
  const retentionPeriod = props.retentionPeriod;
  if (retentionPeriod && !retentionPeriod.isUnresolved()) {
    v.fail(
      durationSeconds(retentionPeriod) % 3600 !== 0,
      `retentionPeriod must be a whole number of hours (Kinesis keeps records for whole hours), got ${describe(retentionPeriod)}`,
    );
  }
  const maxRecordSizeKiB = validateMaxRecordSize(v, props.maxRecordSize);
  validateWarmThroughput(scope, v, props.warmThroughputMiBps, streamMode);
  v.throwIfInvalid();

  if (props.stream) {
    return { streamMode, retention: streamRetention(props.stream) };
  }
  return {
    streamMode,
    shardCount: streamMode === kinesis.StreamMode.PROVISIONED ? props.shardCount ?? PIPELINE_DEFAULTS.shardCount : undefined,
    retention: { period: props.retentionPeriod ?? PIPELINE_DEFAULTS.retentionPeriod, known: true },
    maxRecordSizeKiB,
  };
}

/**
 * `maxRecordSize` becomes MaxRecordSizeInKiB: whole KiB, 1,024 to 10,240
 * (1 to 10 MiB). A token must be given in KiB, the unit of the property.
 */
function validateMaxRecordSize(v: PropsValidator, size: Size | undefined): number | undefined {
  if (size === undefined) {
    return undefined;
  }
  if (size.isUnresolved()) {
    try {
      return size.toKibibytes();
    } catch {
      v.fail(true, 'maxRecordSize from a token must be given with Size.kibibytes(), the unit of MaxRecordSizeInKiB, got another unit');
      return undefined;
    }
  }
  const bytes = size.toBytes();
  const kib = bytes / 1024;
  v.fail(
    !Number.isInteger(kib) || kib < LIMITS.minMaxRecordSizeKiB || kib > LIMITS.maxMaxRecordSizeKiB,
    `maxRecordSize must be a whole number of KiB between ${LIMITS.minMaxRecordSizeKiB} KiB (1 MiB) and ${LIMITS.maxMaxRecordSizeKiB} KiB (10 MiB), ` +
      `got ${size.toHumanString()} (${bytes} bytes)`,
  );
  return Number.isInteger(kib) ? kib : undefined;
}

/**
 * Warm throughput is for on-demand streams only, in whole MiB/s from 0
 * (Kinesis API reference, CreateStream: WarmThroughputMiBps, minimum 0;
 * "Provisioned capacity mode streams do not support warm throughput").
 * Above 10 GiB/s the default quota must be raised first: a warning.
 */
function validateWarmThroughput(scope: IConstruct, v: PropsValidator, mibps: number | undefined, streamMode: kinesis.StreamMode): void {
  if (mibps === undefined) {
    return;
  }
  v.fail(
    streamMode !== kinesis.StreamMode.ON_DEMAND,
    `warmThroughputMiBps applies to ON_DEMAND streams only, got warmThroughputMiBps ${Token.isUnresolved(mibps) ? '<token>' : mibps} ` +
      `with streamMode ${streamMode} (provisioned streams scale by their shard count)`,
  );
  if (Token.isUnresolved(mibps)) {
    return;
  }
  v.fail(!Number.isInteger(mibps) || mibps < 0, `warmThroughputMiBps must be a whole number of MiB/s, 0 or more, got ${mibps}`);
  if (Number.isInteger(mibps) && mibps > LIMITS.defaultMaxWarmThroughputMiBps) {
    Annotations.of(scope).addWarningV2(
      'cdk-message-patterns:warmThroughputAboveDefaultQuota',
      `warmThroughputMiBps is ${mibps}: by default Kinesis scales an on-demand stream to at most ${LIMITS.defaultMaxWarmThroughputMiBps} MiB/s ` +
        '(10 GiB/s); above that the account\'s quota must be raised first, otherwise the deployment fails.',
    );
  }
}

/**
 * The maximum record size of a stream, in KiB: read from its CloudFormation
 * resource when it is defined in the app and sets MaxRecordSizeInKiB;
 * undefined otherwise (Kinesis's default is 1 MiB, which always fits an
 * invocation).
 */
export function streamMaxRecordSizeKiB(stream: kinesis.IStream): number | undefined {
  const resource = stream.node.defaultChild;
  if (resource && CfnResource.isCfnResource(resource) && resource.cfnResourceType === 'AWS::Kinesis::Stream') {
    const kib = (resource as kinesis.CfnStream).maxRecordSizeInKiB;
    return kib === undefined || Token.isUnresolved(kib) ? undefined : kib;
  }
  return undefined;
}

/**
 * Lambda invokes the projector with the records' data base64-encoded, and
 * ends a batch before its payload exceeds 6 MB: larger batches are split by
 * Lambda itself. A single record whose event cannot fit 6 MB can never be
 * delivered; AWS still accepts such a stream, so this is a warning.
 */
export function warnAboutRecordsAboveInvocationPayload(scope: IConstruct, stream: kinesis.IStream, maxRecordAge: Duration): void {
  const kib = streamMaxRecordSizeKiB(stream);
  if (kib === undefined || kib <= MAX_RECORD_KIB_IN_ONE_INVOCATION) {
    return;
  }
  const base64Bytes = 4 * Math.ceil((kib * 1024) / 3);
  Annotations.of(scope).addWarningV2(
    'cdk-message-patterns:recordsAboveInvocationPayload',
    `The stream accepts records up to ${kib} KiB (MaxRecordSizeInKiB ${kib}, maxRecordSize of KinesisCqrsPipeline): base64-encoded in the ` +
      `Lambda event such a record takes ${base64Bytes} bytes, above Lambda's invocation payload limit of ${LAMBDA_INVOCATION_PAYLOAD_BYTES} bytes ` +
      `(6 MB). A record above ${MAX_RECORD_KIB_IN_ONE_INVOCATION} KiB cannot reach the projector in any batch: Lambda retries what it cannot ` +
      `invoke until the record is older than maxRecordAge (${describe(maxRecordAge)}), holding its shard, then sends it to the on-failure ` +
      `destination. Keep maxRecordSize at ${MAX_RECORD_KIB_IN_ONE_INVOCATION} KiB or less for a stream read by Lambda.`,
  );
}

/**
 * The retention of a stream: read from its CloudFormation resource when it is
 * defined in the app, otherwise Kinesis's default of 24 hours (the shortest
 * possible, so that everything derived from it errs on the early side).
 */
export function streamRetention(stream: kinesis.IStream): StreamRetention {
  const resource = stream.node.defaultChild;
  if (resource && CfnResource.isCfnResource(resource) && resource.cfnResourceType === 'AWS::Kinesis::Stream') {
    const hours = (resource as kinesis.CfnStream).retentionPeriodHours ?? 24;
    if (!Token.isUnresolved(hours)) {
      return { period: Duration.hours(hours), known: true };
    }
  }
  return { period: PIPELINE_DEFAULTS.importedStreamRetention, known: false };
}

/**
 * Applies the defaults of a Projection and checks every rule on its props,
 * throwing one error that lists every violation.
 */
export function resolveProjectionSettings(scope: IConstruct, props: ProjectionProps, retention: StreamRetention): ProjectionSettings {
  const v = new PropsValidator(scope);
  validateBroughtResources(v, props);
  validatePartitionKey(v, props.partitionKey);
  v.integerInRange('projectorMemorySize', props.projectorMemorySize, 128, 10_240);
  v.durationInRange('projectorTimeout', props.projectorTimeout, Duration.seconds(1), LIMITS.maxFunctionTimeout);
  v.integerInRange('batchSize', props.batchSize, 1, 10_000);
  v.durationInRange('maxBatchingWindow', props.maxBatchingWindow, Duration.seconds(0), LIMITS.maxBatchingWindow);
  v.integerInRange('parallelizationFactor', props.parallelizationFactor, 1, 10);
  v.integerInRange('retryAttempts', props.retryAttempts, 0, 10_000);
  v.durationInRange('maxRecordAge', props.maxRecordAge, LIMITS.minMaxRecordAge, LIMITS.maxMaxRecordAge);

  const maxRecordAge = props.maxRecordAge ?? defaultMaxRecordAge(retention.period);
  if (retention.known && props.maxRecordAge && resolved(props.maxRecordAge, retention.period)) {
    v.fail(
      durationSeconds(props.maxRecordAge) >= durationSeconds(retention.period),
      `maxRecordAge (${describe(props.maxRecordAge)}) must be shorter than the stream's retention period (${describe(retention.period)}): ` +
        'a record skipped at that age must still be in the stream to be replayed from the failure queue',
    );
  }
  const iteratorAgeThreshold = props.iteratorAgeThreshold ?? defaultIteratorAgeThreshold(retention.period, maxRecordAge);
  validateIteratorAgeThreshold(v, props, retention, maxRecordAge);
  const failurePath = resolveFailurePath(scope, v, props);
  v.throwIfInvalid();

  return {
    partitionKey: props.partitionKey ?? PIPELINE_DEFAULTS.partitionKey,
    batchSize: props.batchSize ?? PIPELINE_DEFAULTS.batchSize,
    parallelizationFactor: props.parallelizationFactor ?? PIPELINE_DEFAULTS.parallelizationFactor,
    retryAttempts: props.retryAttempts ?? PIPELINE_DEFAULTS.retryAttempts,
    maxRecordAge,
    iteratorAgeThreshold,
    ...failurePath,
  };
}

/**
 * The metrics and alarms of the on-failure path. Records the event source
 * gives up on go to the failure queue, or to `failureBucket`; only the
 * event source mapping's EventCount metrics count those that reach the
 * bucket (OnFailureDestinationDeliveredEventCount), so a failure bucket turns
 * them on and alarms on them.
 */
function resolveFailurePath(
  scope: IConstruct,
  v: PropsValidator,
  props: ProjectionProps,
): FailurePathSettings {
  const bucket = props.failureBucket !== undefined;
  const explicitMetrics = props.metricsConfig?.metrics;
  const metricsKnown = explicitMetrics !== undefined && !Token.isUnresolved(explicitMetrics);
  const eventCountLeftOut = metricsKnown && !explicitMetrics.includes(lambda.MetricType.EVENT_COUNT);
  v.fail(
    props.discardedRecordsAlarm === true && eventCountLeftOut,
    `discardedRecordsAlarm cannot be true when metricsConfig leaves out EventCount, got metricsConfig.metrics [${explicitMetrics?.join(', ')}]: ` +
      'the alarm watches OnFailureDestinationDeliveredEventCount, one of the EventCount metrics',
  );
  if (metricsKnown) {
    const kafkaOnly = explicitMetrics.filter((m) => m !== lambda.MetricType.EVENT_COUNT);
    if (kafkaOnly.length > 0) {
      Annotations.of(scope).addWarningV2(
        'cdk-message-patterns:projectionMetricsKafkaOnly',
        `metricsConfig asks for ${kafkaOnly.join(', ')}: Lambda publishes those for Kafka event sources only; a Kinesis event source publishes EventCount.`,
      );
    }
  }
  if (bucket && eventCountLeftOut && props.discardedRecordsAlarm === undefined) {
    Annotations.of(scope).addWarningV2(
      'cdk-message-patterns:failureBucketWithoutEventCount',
      `failureBucket is set and metricsConfig leaves out EventCount (metricsConfig.metrics [${explicitMetrics.join(', ')}]): records the event ` +
        'source sends to the bucket raise no alarm, since only OnFailureDestinationDeliveredEventCount counts them.',
    );
  }
  const discardedRecordsAlarm = !eventCountLeftOut && (props.discardedRecordsAlarm ?? bucket);
  const metricsConfig = props.metricsConfig ?? (discardedRecordsAlarm ? { metrics: [PIPELINE_DEFAULTS.failureBucketMetrics] } : undefined);
  return {
    metricsConfig,
    discardedRecordsAlarm,
    destinationDeliveryFailuresAlarm: props.destinationDeliveryFailuresAlarm ?? bucket,
  };
}

function validateBroughtResources(v: PropsValidator, props: ProjectionProps): void {
  if (props.table) {
    v.fail(props.tableRemovalPolicy !== undefined, 'tableRemovalPolicy cannot be set together with table: set the removal policy of the table you bring where you create it');
  }
  if (props.projector) {
    v.notWithBrought('projector', 'function', {
      projectorMemorySize: props.projectorMemorySize,
      projectorTimeout: props.projectorTimeout,
      projectorLogRetention: props.projectorLogRetention,
    });
    v.fail(props.conflictingEventsAlarm === true,
      'conflictingEventsAlarm cannot be true together with projector: only the library\'s projector writes the ConflictingEvents metric');
  }
}

function validatePartitionKey(v: PropsValidator, partitionKey: string | undefined): void {
  if (partitionKey === undefined || Token.isUnresolved(partitionKey)) {
    return;
  }
  v.fail(
    partitionKey.trim() !== partitionKey || partitionKey.length < 1 || partitionKey.length > 255,
    `partitionKey must be 1 to 255 characters without leading or trailing spaces, got '${partitionKey}'`,
  );
  v.fail(
    RESERVED_ATTRIBUTES.includes(partitionKey),
    `partitionKey must not be one of ${RESERVED_ATTRIBUTES.join(', ')} (attributes the projector writes), got '${partitionKey}'`,
  );
}

function validateIteratorAgeThreshold(v: PropsValidator, props: ProjectionProps, retention: StreamRetention, maxRecordAge: Duration): void {
  const threshold = props.iteratorAgeThreshold;
  if (!threshold) {
    return;
  }
  v.fail(
    props.iteratorAgeAlarm === false,
    'iteratorAgeThreshold cannot be set when iteratorAgeAlarm is false: there is no alarm to apply it to',
  );
  if (!resolved(threshold, maxRecordAge, retention.period)) {
    return;
  }
  const ceiling = retention.known ? Math.min(durationSeconds(maxRecordAge), durationSeconds(retention.period)) : durationSeconds(maxRecordAge);
  v.fail(
    durationSeconds(threshold) < LIMITS.minIteratorAgeThreshold.toSeconds() || durationSeconds(threshold) >= ceiling,
    `iteratorAgeThreshold must be at least 1 minute and shorter than maxRecordAge (${describe(maxRecordAge)})` +
      `${retention.known ? ` and the stream's retention period (${describe(retention.period)})` : ''}, got ${describe(threshold)}: ` +
      'the alarm must fire while the records can still be processed',
  );
}

/** Half the retention period, within the event source's 1-minute to 7-day range. */
export function defaultMaxRecordAge(retention: Duration): Duration {
  if (!resolved(retention)) {
    return Duration.days(1);
  }
  const seconds = Math.floor(durationSeconds(retention) * PIPELINE_DEFAULTS.maxRecordAgeShareOfRetention);
  return Duration.seconds(Math.min(seconds, LIMITS.maxMaxRecordAge.toSeconds()));
}

/**
 * 5 % of the retention period (a 7-day stream alarms at 8.4 hours of lag),
 * at most half of maxRecordAge (so that it fires before records are skipped).
 */
export function defaultIteratorAgeThreshold(retention: Duration, maxRecordAge: Duration): Duration {
  if (!resolved(retention, maxRecordAge)) {
    return Duration.hours(1);
  }
  const fromRetention = durationSeconds(retention) * PIPELINE_DEFAULTS.iteratorAgeShareOfRetention;
  const seconds = Math.min(fromRetention, durationSeconds(maxRecordAge) / 2);
  return Duration.seconds(Math.max(Math.floor(seconds), 1));
}

/** The threshold of the stream-level iterator-age alarm: the same rule, without a maxRecordAge of its own. */
export function streamIteratorAgeThreshold(retention: Duration, explicit?: Duration): Duration {
  return explicit ?? defaultIteratorAgeThreshold(retention, defaultMaxRecordAge(retention));
}
