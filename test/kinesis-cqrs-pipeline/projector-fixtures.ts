/**
 * Fakes and builders shared by the projector's tests: the read-model table (the shared DynamoDB
 * fake of `test/helpers/dynamodb-fake.ts`, plus a decoder of the stored entity), a failure queue,
 * Kinesis batches built from event envelopes, and `setup()`, which wires them to `createProjector`.
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import {
  createProjector,
  fromAttributeMap,
  type JsonObject,
  type LogLine,
  type MaterializedEntity,
  type ProjectionMode,
  type SendToFailureQueue,
  type UnprocessableRecord,
} from '../../src/kinesis-cqrs-pipeline/projector';
import { FakeDynamoDbTable } from '../helpers/dynamodb-fake';

// ---------------------------------------------------------------------------
// Fakes
// ---------------------------------------------------------------------------

/**
 * The read-model table: the shared DynamoDB fake (conditional writes, placeholder checks, the
 * old item on a failed condition when asked to, throttling of chosen entities), named as the
 * projector's config names it, with the stored entity decoded.
 */
export class ProjectorTable extends FakeDynamoDbTable {
  constructor(partitionKey = 'pk') {
    super(TABLE_NAME, partitionKey);
  }

  /** The stored entity, decoded. */
  entity(entityId: string): MaterializedEntity | undefined {
    const item = this.items.get(entityId);
    if (!item) {
      return undefined;
    }
    const { version, type, updatedAt, state } = fromAttributeMap(item) as Record<string, unknown>;
    return { version, type, updatedAt, state } as MaterializedEntity;
  }

  count(calls: readonly string[], entityId: string): number {
    return calls.filter((id) => id === entityId).length;
  }
}

/** Failure queue that records what it receives; can throw or reject chosen records. */
export class FakeFailureQueue {
  readonly received: UnprocessableRecord[] = [];
  failing = false;
  readonly rejected = new Set<string>();

  readonly send: SendToFailureQueue = async (records) => {
    if (this.failing) {
      throw new Error('AWS.SimpleQueueService.NonExistentQueue');
    }
    this.received.push(...records.filter((r) => !this.rejected.has(r.sequenceNumber)));
    return { failedSequenceNumbers: records.filter((r) => this.rejected.has(r.sequenceNumber)).map((r) => r.sequenceNumber) };
  };
}

// ---------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------

/** The read-model table's name, in the projector's config and in the fake table. */
export const TABLE_NAME = 'read-model';
export const STREAM_ARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/events';
export const SHARD_ID = 'shardId-000000000007';
const SEQUENCE_BASE = 49590338271490256608559692538361571095921575989136588800n;

export interface EventInput {
  readonly entityId: string;
  readonly version: number;
  readonly data?: JsonObject;
  readonly mode?: ProjectionMode;
  readonly type?: string;
}

/** Either an event or raw base64 data. */
export type RecordInput = EventInput | { readonly raw: string };

export function sequenceNumber(position: number): string {
  return (SEQUENCE_BASE + BigInt(position) * 1000n).toString();
}

export function timeOf(version: number): string {
  return new Date(Date.UTC(2024, 0, 1) + version * 1000).toISOString();
}

function encode(input: EventInput): string {
  const envelope = {
    entityId: input.entityId,
    version: input.version,
    type: input.type ?? `Event${input.version}`,
    time: timeOf(input.version),
    data: input.data ?? { v: input.version },
    ...(input.mode ? { mode: input.mode } : {}),
  };
  return Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64');
}

export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function kinesisRecord(position: number, data: string, partitionKey: string): KinesisStreamRecord {
  const seq = sequenceNumber(position);
  return {
    awsRegion: 'eu-west-1',
    eventID: `${SHARD_ID}:${seq}`,
    eventName: 'aws:kinesis:record',
    eventSource: 'aws:kinesis',
    eventSourceARN: STREAM_ARN,
    eventVersion: '1.0',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/projector',
    kinesis: { approximateArrivalTimestamp: 1704067200 + position, data, kinesisSchemaVersion: '1.0', partitionKey, sequenceNumber: seq },
  };
}

/** A batch whose records have positions `start`, `start + 1`, ... in the shard. */
export function batch(inputs: readonly RecordInput[], start = 0): KinesisStreamEvent {
  return {
    Records: inputs.map((input, i) => ('raw' in input
      ? kinesisRecord(start + i, input.raw, 'junk')
      : kinesisRecord(start + i, encode(input), input.entityId))),
  };
}

export function snap(entityId: string, version: number, data?: JsonObject, type?: string): EventInput {
  return { entityId, version, data, type, mode: 'snapshot' };
}

export function patch(entityId: string, version: number, data: JsonObject): EventInput {
  return { entityId, version, data, mode: 'patch' };
}

export function failures(...positions: number[]): KinesisStreamBatchResponse {
  return { batchItemFailures: positions.map((p) => ({ itemIdentifier: sequenceNumber(p) })) };
}

export interface SetupOptions {
  readonly partitionKey?: string;
  readonly withoutFailureQueue?: boolean;
  readonly maxConflictRetries?: number;
}

export function setup(options: SetupOptions = {}) {
  const partitionKey = options.partitionKey ?? 'pk';
  const table = new ProjectorTable(partitionKey);
  const queue = new FakeFailureQueue();
  const logs: LogLine[] = [];
  const project = createProjector({
    dynamodb: table,
    config: { tableName: TABLE_NAME, partitionKey, maxConflictRetries: options.maxConflictRetries, concurrency: 4 },
    sendToFailureQueue: options.withoutFailureQueue ? undefined : queue.send,
    log: (line) => logs.push(line),
  });
  return { table, queue, logs, project };
}
