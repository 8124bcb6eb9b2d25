/**
 * The projector's log: one structured JSON line per batch, with counts.
 *
 * @module
 */
import type { KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';
import { shardIdOf, type EntityGroup, type FailedRecord, type ParsedRecord } from './batch-records';
import type { EntityOutcome } from './entity-projection';
import type { FailureQueueDelivery } from './failure-queue';
import type { ParkCause, ParkedRecord } from './fold';
import { PROJECTOR_METRICS, PROJECTOR_METRICS_NAMESPACE } from './metrics';

/** One structured log line. */
export type LogLine = Record<string, unknown>;

const MAX_LOGGED_ERRORS = 5;
const MAX_LOGGED_SKIPPED = 20;

/**
 * The default log: one JSON line through `console.log`. The function's log format is text (the
 * construct sets it), in which CloudWatch Logs extracts embedded metrics from `console.log` lines
 * despite the runtime's timestamp and request-id prefix; in the JSON log format the runtime would
 * nest the line in a `message` field and the metrics would be lost (awslabs/aws-embedded-metrics-node
 * writes with `console.log` in the text format and switches to a raw stdout console in the JSON
 * format for that reason: https://github.com/awslabs/aws-embedded-metrics-node/pull/158).
 */
export function logJsonLine(line: LogLine): void {
  console.log(JSON.stringify(line));
}

/** An error as written in the log and in outcomes: `<name>: <message>`. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Everything a batch's log line is made from. */
export interface BatchReport {
  readonly records: readonly KinesisStreamRecord[];
  readonly parsed: readonly ParsedRecord[];
  readonly groups: readonly EntityGroup[];
  readonly outcomes: readonly EntityOutcome[];
  /** The records parked by this invocation (before the checkpoint). */
  readonly parked: readonly ParkedRecord[];
  readonly delivery: FailureQueueDelivery;
  readonly response: KinesisStreamBatchResponse;
  readonly startedAt: number;
  /** Dimension of the metrics; without it the line carries none. */
  readonly functionName?: string;
}

/**
 * The log line of a batch: `WARN` when anything is retried or parked. With a function name, the
 * line is also a CloudWatch embedded metric format document (`_aws`), from which CloudWatch Logs
 * extracts `ConflictingEvents` and `ParkedRecords` by `FunctionName` without any API call
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 * Both are written on every batch, zero included, so that their alarms have data.
 */
export function summarize(report: BatchReport): LogLine {
  const parkedByCause = countParked(report.parked);
  const checkpoint = report.response.batchItemFailures[0]?.itemIdentifier;
  const problems = checkpoint !== undefined || report.parked.length > 0;
  return {
    level: problems ? 'WARN' : 'INFO',
    message: 'Kinesis batch projected',
    shardId: report.records.length > 0 ? shardIdOf(report.records[0]) : undefined,
    records: report.records.length,
    events: report.parsed.length,
    entities: report.groups.length,
    ...countWrites(report.outcomes),
    parked: parkedByCause,
    sentToFailureQueue: report.delivery.sent,
    failureQueueRejected: report.delivery.failedIndexes.length,
    failureQueueError: report.delivery.error,
    skippedWithoutFailureQueue: skippedSample(report.delivery.skipped),
    retryFromSequenceNumber: checkpoint,
    errors: errorSample(report.outcomes),
    durationMs: Date.now() - report.startedAt,
    ...metrics(report.functionName, parkedByCause.conflict, report.parked.length),
  };
}

function metrics(functionName: string | undefined, conflicts: number, parked: number): LogLine {
  if (functionName === undefined) {
    return {};
  }
  return {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [{
        Namespace: PROJECTOR_METRICS_NAMESPACE,
        Dimensions: [['FunctionName']],
        Metrics: [
          { Name: PROJECTOR_METRICS.conflictingEvents, Unit: 'Count' },
          { Name: PROJECTOR_METRICS.parkedRecords, Unit: 'Count' },
        ],
      }],
    },
    FunctionName: functionName,
    [PROJECTOR_METRICS.conflictingEvents]: conflicts,
    [PROJECTOR_METRICS.parkedRecords]: parked,
  };
}

function countWrites(outcomes: readonly EntityOutcome[]): Record<EntityOutcome['write'], number> {
  const counts = { applied: 0, stale: 0, failed: 0 };
  outcomes.forEach((outcome) => counts[outcome.write]++);
  return counts;
}

function countParked(parked: readonly ParkedRecord[]): Record<ParkCause, number> {
  const counts: Record<ParkCause, number> = { 'unparseable': 0, 'conflict': 0, 'missing-version': 0, 'oversized': 0, 'refused': 0 };
  parked.forEach((record) => counts[record.cause]++);
  return counts;
}

function errorSample(outcomes: readonly EntityOutcome[]): string[] | undefined {
  const errors = [...new Set(outcomes.flatMap((o) => (o.error !== undefined ? [o.error] : [])))];
  return errors.length > 0 ? errors.slice(0, MAX_LOGGED_ERRORS) : undefined;
}

function skippedSample(skipped: readonly FailedRecord[]): Array<{ sequenceNumber: string; reason: string }> | undefined {
  if (skipped.length === 0) {
    return undefined;
  }
  return skipped.slice(0, MAX_LOGGED_SKIPPED).map((r) => ({ sequenceNumber: r.record.kinesis.sequenceNumber, reason: r.reason }));
}
