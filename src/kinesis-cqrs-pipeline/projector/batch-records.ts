/**
 * The records of a Kinesis batch: each keeps its position in the batch (the shard order), and is
 * either parsed into an event or failed with a reason. Parsed records are grouped by entity.
 *
 * @module
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import { parseRecordData, type ProjectionEvent } from './envelope';
import type { ParkedRecord } from './fold';

/** A record and its position in the batch. */
export interface PositionedRecord {
  /** Position in the batch, which is the shard order. */
  readonly index: number;
  readonly record: KinesisStreamRecord;
}

/** A record whose envelope is valid. */
export interface ParsedRecord extends PositionedRecord {
  readonly event: ProjectionEvent;
}

/** A record that can never be projected, and why. */
export interface FailedRecord extends PositionedRecord {
  readonly reason: string;
}

/** The parsed records of one entity. */
export interface EntityGroup {
  readonly entityId: string;
  /** The entity's records, in shard order. */
  readonly records: readonly ParsedRecord[];
}

/** Parses every record of a batch. */
export function parseAll(records: readonly KinesisStreamRecord[]): { parsed: ParsedRecord[]; unparseable: ParkedRecord[] } {
  const parsed: ParsedRecord[] = [];
  const unparseable: ParkedRecord[] = [];
  records.forEach((record, index) => {
    const result = parseRecordData(record.kinesis.data ?? '');
    if (result.ok) {
      parsed.push({ index, record, event: result.event });
    } else {
      unparseable.push({ index, record, reason: result.reason, cause: 'unparseable' });
    }
  });
  return { parsed, unparseable };
}

/** Groups parsed records by entity, in the order each entity first appears. */
export function groupByEntity(parsed: readonly ParsedRecord[]): EntityGroup[] {
  return [...groupBy(parsed, (record) => record.event.entityId)].map(([entityId, entityRecords]) => ({ entityId, records: entityRecords }));
}

/** Items by key, keys in the order they first appear, items in their order. */
export function groupBy<K, T>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) {
      group.push(item);
    } else {
      groups.set(key, [item]);
    }
  }
  return groups;
}

/** Shard id, taken from the record's `eventID` (`<shardId>:<sequenceNumber>`); empty when absent. */
export function shardIdOf(record: KinesisStreamRecord): string {
  const separator = record.eventID?.indexOf(':') ?? -1;
  return separator > 0 ? record.eventID.slice(0, separator) : '';
}
