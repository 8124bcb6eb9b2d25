import { CfnResource, Duration, Token } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
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
};

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
}

/** The props of a Projection with every default applied. */
export interface ProjectionSettings {
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
  v.throwIfInvalid();

  if (props.stream) {
    return { streamMode, retention: streamRetention(props.stream) };
  }
  return {
    streamMode,
    shardCount: streamMode === kinesis.StreamMode.PROVISIONED ? props.shardCount ?? PIPELINE_DEFAULTS.shardCount : undefined,
    retention: { period: props.retentionPeriod ?? PIPELINE_DEFAULTS.retentionPeriod, known: true },
  };
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
  v.throwIfInvalid();

  return {
    partitionKey: props.partitionKey ?? PIPELINE_DEFAULTS.partitionKey,
    batchSize: props.batchSize ?? PIPELINE_DEFAULTS.batchSize,
    parallelizationFactor: props.parallelizationFactor ?? PIPELINE_DEFAULTS.parallelizationFactor,
    retryAttempts: props.retryAttempts ?? PIPELINE_DEFAULTS.retryAttempts,
    maxRecordAge,
    iteratorAgeThreshold,
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
