/**
 * The projector's log: one structured JSON line per batch, with counts.
 *
 * @module
 */
import type { KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';
import { shardIdOf, type EntityGroup, type FailedRecord, type ParsedRecord } from './batch-records';
import type { EntityOutcome } from './entity-projection';
import type { FailureQueueDelivery } from './failure-queue';

/** One structured log line. */
export type LogLine = Record<string, unknown>;

const MAX_LOGGED_ERRORS = 5;
const MAX_LOGGED_SKIPPED = 20;

/** The default log: one JSON line on stdout. */
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
  readonly unparseable: readonly FailedRecord[];
  readonly groups: readonly EntityGroup[];
  readonly outcomes: readonly EntityOutcome[];
  readonly delivery: FailureQueueDelivery;
  readonly response: KinesisStreamBatchResponse;
  readonly startedAt: number;
}

/** The log line of a batch: `WARN` when anything is retried, unparseable or rejected. */
export function summarize(report: BatchReport): LogLine {
  const counts = countOutcomes(report.outcomes);
  const checkpoint = report.response.batchItemFailures[0]?.itemIdentifier;
  const problems = checkpoint !== undefined || report.unparseable.length > 0 || counts.rejected > 0;
  return {
    level: problems ? 'WARN' : 'INFO',
    message: 'Kinesis batch projected',
    shardId: report.records.length > 0 ? shardIdOf(report.records[0]) : undefined,
    records: report.records.length,
    events: report.parsed.length,
    entities: report.groups.length,
    ...counts,
    unparseable: report.unparseable.length,
    sentToFailureQueue: report.delivery.sent,
    failureQueueRejected: report.delivery.failedIndexes.length,
    failureQueueError: report.delivery.error,
    skippedWithoutFailureQueue: skippedSample(report.delivery.skipped),
    retryFromSequenceNumber: checkpoint,
    errors: errorSample(report.outcomes),
    durationMs: Date.now() - report.startedAt,
  };
}

function countOutcomes(outcomes: readonly EntityOutcome[]): Record<EntityOutcome['kind'], number> {
  const counts = { applied: 0, stale: 0, pending: 0, failed: 0, rejected: 0 };
  outcomes.forEach((outcome) => counts[outcome.kind]++);
  return counts;
}

function errorSample(outcomes: readonly EntityOutcome[]): string[] | undefined {
  const errors = [...new Set(outcomes.flatMap((o) => (o.kind === 'failed' ? [o.error] : [])))];
  return errors.length > 0 ? errors.slice(0, MAX_LOGGED_ERRORS) : undefined;
}

function skippedSample(skipped: readonly FailedRecord[]): Array<{ sequenceNumber: string; reason: string }> | undefined {
  if (skipped.length === 0) {
    return undefined;
  }
  return skipped.slice(0, MAX_LOGGED_SKIPPED).map((r) => ({ sequenceNumber: r.record.kinesis.sequenceNumber, reason: r.reason }));
}
