/**
 * The failure-queue port: where records that can never be projected are parked (unparseable, a
 * conflict, a missing version, a state above DynamoDB's 400 KB item size, an item DynamoDB
 * refuses; see `fold.ts`), so that they do not block the shard. The SQS adapter is
 * `sqs-failure-queue.ts`; tests pass a function.
 *
 * Each record goes with its sequence number, shard, partition key, raw data and the reason. If the
 * failure queue cannot take a record, the record is reported so that it is retried, never lost.
 * Without a failure queue, records are listed (without their data) in the batch log line and
 * skipped.
 *
 * @module
 */
import { shardIdOf } from './batch-records';
import type { ParkCause, ParkedRecord } from './fold';
import { describeError } from './log';

/** A record sent to the failure queue because it can never be projected. */
export interface UnprocessableRecord {
  /** Why the record was not projected. */
  readonly reason: string;
  /** The category of `reason`. */
  readonly cause: ParkCause;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** Shard id, taken from the record's `eventID` (`<shardId>:<sequenceNumber>`). */
  readonly shardId: string;
  readonly eventId: string;
  readonly eventSourceArn: string;
  readonly approximateArrivalTimestamp: number;
  /** The record's data exactly as received (base64). */
  readonly data: string;
}

/** Outcome of a failure-queue delivery. */
export interface FailureQueueSendResult {
  /** Sequence numbers of the records the queue did not accept. */
  readonly failedSequenceNumbers: readonly string[];
}

/**
 * Sends unprocessable records to the failure queue. Rejecting means that none was accepted.
 */
export type SendToFailureQueue = (records: readonly UnprocessableRecord[]) => Promise<FailureQueueSendResult>;

/** What became of the unprocessable records of a batch. */
export interface FailureQueueDelivery {
  readonly sent: number;
  /** Batch positions of the records the queue did not take. */
  readonly failedIndexes: readonly number[];
  readonly error?: string;
  /** Records skipped because there is no failure queue. */
  readonly skipped: readonly ParkedRecord[];
}

/** Hands records to the failure queue, or skips them when there is none. Never rejects. */
export async function deliverToFailureQueue(
  sendToFailureQueue: SendToFailureQueue | undefined,
  records: readonly ParkedRecord[],
): Promise<FailureQueueDelivery> {
  if (records.length === 0) {
    return { sent: 0, failedIndexes: [], skipped: [] };
  }
  if (!sendToFailureQueue) {
    return { sent: 0, failedIndexes: [], skipped: records };
  }
  const indexBySequence = new Map(records.map((r) => [r.record.kinesis.sequenceNumber, r.index]));
  try {
    const result = await sendToFailureQueue(records.map(toUnprocessableRecord));
    const failedIndexes = result.failedSequenceNumbers
      .map((sequenceNumber) => indexBySequence.get(sequenceNumber))
      .filter((index): index is number => index !== undefined);
    return { sent: records.length - failedIndexes.length, failedIndexes, skipped: [] };
  } catch (error) {
    return { sent: 0, failedIndexes: records.map((r) => r.index), error: describeError(error), skipped: [] };
  }
}

/** Builds the failure-queue payload for a record. */
function toUnprocessableRecord({ record, reason, cause }: ParkedRecord): UnprocessableRecord {
  return {
    reason,
    cause,
    sequenceNumber: record.kinesis.sequenceNumber,
    partitionKey: record.kinesis.partitionKey,
    shardId: shardIdOf(record),
    eventId: record.eventID,
    eventSourceArn: record.eventSourceARN,
    approximateArrivalTimestamp: record.kinesis.approximateArrivalTimestamp,
    data: record.kinesis.data,
  };
}
