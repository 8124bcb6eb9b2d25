/**
 * order-ledger, one batch per record: records put straight on the stream one
 * at a time, each only once the previous one was projected, so that the
 * projector's conditional writes meet, in the table, a stale version, an
 * identical duplicate, a conflicting duplicate and a missing version (in one
 * batch the projector would sort these out before writing).
 *
 * A record the projector only leaves unchanged (stale, duplicate) changes
 * nothing one could wait for: each record is followed, on the same partition
 * key (so in the same shard, after it), by a snapshot of a marker entity whose
 * version counts the steps. Once the marker is at the step's version, the
 * record before it was processed.
 *
 * Also the checks that need the event source to act on the projector's
 * partial batch response (emulator gap kinesis-esm-failure-handling): a
 * record the failure queue refuses (larger than the queue's
 * MaximumMessageSize) must be retried, and reach the failure queue once it
 * takes it, or, when the retries run out, its batch's position must.
 */
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { GetQueueAttributesCommand, Message, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { ledgerParts, Projection, scanEntities } from './order-ledger';
import { onlyStack, ScenarioContext } from './scenario';
import { pollUntil, PollTimeoutError } from '../harness/poll';
import { receiveAll } from '../harness/queues';

/** What must become of a record: in the read model (or superseded there), or sent once to the failure queue. */
export type RecordOutcome = 'projected' | 'parked';

/** A record put on the stream by this scenario. */
export interface PutRecordInfo {
  readonly label: string;
  readonly entityId: string;
  readonly version: number;
  readonly sequenceNumber: string;
  readonly expected: RecordOutcome;
}

/** A failure-queue message of the projector: the record it could not project, and why. */
export interface ParkedRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly reason: string;
}

/** The read-model row of an entity, as a query sees it. */
export interface RowView {
  readonly version?: number;
  readonly state?: unknown;
}

/** One step: a record put, then what the live projection held once the step's marker was projected. */
export interface StepObservation {
  readonly label: string;
  readonly sequenceNumber: string;
  readonly expected: RecordOutcome;
  /** The step's marker reached the live table before the next step (the record had a batch of its own). */
  readonly synced: boolean;
  /** The entity's row in the live table after the step. */
  readonly row: RowView;
  /** What the live failure queue held for the step's record after the step. */
  readonly parked: ParkedRecord[];
}

/** Per projection, after the last step. */
export interface ProjectionEnd {
  /** Rows of the entity and of the marker, keyed by entity id. */
  readonly rows: Record<string, RowView>;
  /** Failure-queue messages for the records of this scenario. */
  readonly parked: ParkedRecord[];
  /** Any other failure-queue message received meanwhile (bodies), except the main scenario's unparseable record. */
  readonly other: string[];
}

export interface VersionSequenceResult {
  readonly entityId: string;
  readonly markerId: string;
  /** Every record put, markers included, in order. */
  readonly records: PutRecordInfo[];
  readonly steps: StepObservation[];
  /** The state and failure queue of each projection at the end, by projection name. */
  readonly projections: Record<string, ProjectionEnd>;
  readonly liveProjection: string;
  readonly seconds: number;
}

/** Fixed, so that a repeated event is identical (the command-side function would stamp the current time). */
const EVENT_TIME = '2026-12-01T12:00:00Z';

interface StepEvent {
  readonly label: string;
  readonly version: number;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly mode?: 'snapshot' | 'patch';
  readonly expected: RecordOutcome;
}

/** The records of the sequence, in the order they are put. */
export const VERSION_STEPS: readonly StepEvent[] = [
  { label: 'v2 snapshot', version: 2, type: 'OrderPaid', data: { status: 'paid', amount: 10 }, expected: 'projected' },
  { label: 'v1 snapshot (stale)', version: 1, type: 'OrderPlaced', data: { status: 'placed', amount: 10 }, expected: 'projected' },
  { label: 'v2 again, identical but for the order of its keys (duplicate)', version: 2, type: 'OrderPaid', data: { amount: 10, status: 'paid' }, expected: 'projected' },
  { label: 'v2 with other data (conflict)', version: 2, type: 'OrderPaid', data: { status: 'paid', amount: 11 }, expected: 'parked' },
  { label: 'v4 patch, v3 missing', version: 4, type: 'OrderShipped', data: { carrier: 'post' }, mode: 'patch', expected: 'parked' },
  { label: 'v5 snapshot (heals)', version: 5, type: 'OrderDelivered', data: { status: 'delivered', amount: 10 }, expected: 'projected' },
];

function rowView(item: any): RowView {
  return item ? { version: item.version, state: item.state } : {};
}

function parseParked(message: Message): ParkedRecord | undefined {
  try {
    const body = JSON.parse(message.Body ?? '');
    return typeof body?.sequenceNumber === 'string' ? { sequenceNumber: body.sequenceNumber, partitionKey: body.partitionKey, reason: body.reason } : undefined;
  } catch {
    return undefined;
  }
}

/** Every message received from a failure queue since it was created, each once (received messages stay hidden for 15 minutes). */
class FailureQueueLog {
  private readonly messages = new Map<string, Message>();

  constructor(private readonly ctx: ScenarioContext, readonly queueUrl: string) {}

  async read(): Promise<Message[]> {
    for (const m of await receiveAll(this.ctx.clients, this.queueUrl, 900)) {
      this.messages.set(m.MessageId!, m);
    }
    return [...this.messages.values()];
  }

  /** The projector's messages for records of partition key `partitionKey`, and the bodies of the others (but `ignored` partition keys). */
  async split(partitionKey: string, ignored: readonly string[]): Promise<{ parked: ParkedRecord[]; other: string[] }> {
    const parked: ParkedRecord[] = [];
    const other: string[] = [];
    for (const m of await this.read()) {
      const record = parseParked(m);
      if (record?.partitionKey === partitionKey) {
        parked.push(record);
      } else if (!record || !ignored.includes(record.partitionKey)) {
        other.push(m.Body ?? '');
      }
    }
    return { parked, other };
  }
}

async function putEvent(ctx: ScenarioContext, streamName: string, partitionKey: string, event: object): Promise<string> {
  const { SequenceNumber } = await ctx.clients.kinesis.send(new PutRecordCommand({
    StreamName: streamName, PartitionKey: partitionKey, Data: Buffer.from(JSON.stringify(event)),
  }));
  return SequenceNumber!;
}

/** Waits until the marker entity is at `version` or newer in the projection's table; false on timeout. */
async function markerProjected(ctx: ScenarioContext, p: Projection, markerId: string, version: number, timeoutMs: number): Promise<boolean> {
  return pollUntil(() => scanEntities(ctx, p.table, [markerId]), (rows) => (rows[markerId]?.version ?? 0) >= version, {
    description: `marker ${markerId} at version ${version} in ${p.name}`, timeoutMs, intervalMs: 250, log: ctx.log,
  }).then(() => true, (error) => {
    if (error instanceof PollTimeoutError) {
      return false;
    }
    throw error;
  });
}

/**
 * Puts VERSION_STEPS one at a time on the stream, each with its marker, waiting for each to be
 * projected by the live projection; then waits for every projection to reach the end state.
 * `ignoredPartitionKeys`: failure-queue records of the main scenario (already received once).
 */
export async function runVersionSequence(ctx: ScenarioContext, ignoredPartitionKeys: readonly string[]): Promise<VersionSequenceResult> {
  const started = Date.now();
  const { stream, projected, live } = ledgerParts(onlyStack(ctx.stacks));
  const entityId = `seq-${ctx.runTag}`;
  const markerId = `seq-marker-${ctx.runTag}`;
  const queues = new Map(projected.filter((p) => p.failureQueue).map((p) => [p.name, new FailureQueueLog(ctx, p.failureQueue!.physicalId)]));
  const liveQueue = queues.get(live.name);
  if (!liveQueue) {
    throw new Error(`${live.name} has no failure queue`);
  }
  const records: PutRecordInfo[] = [];
  const steps: StepObservation[] = [];
  for (const [i, step] of VERSION_STEPS.entries()) {
    const event = { entityId, version: step.version, type: step.type, time: EVENT_TIME, data: step.data, mode: step.mode ?? 'snapshot' };
    const sequenceNumber = await putEvent(ctx, stream.physicalId, entityId, event);
    records.push({ label: step.label, entityId, version: step.version, sequenceNumber, expected: step.expected });
    const marker = { entityId: markerId, version: i + 1, type: 'Marker', time: EVENT_TIME, data: { step: step.label } };
    const markerSequence = await putEvent(ctx, stream.physicalId, entityId, marker); // same partition key: same shard, after the record
    records.push({ label: `marker v${i + 1}`, entityId: markerId, version: i + 1, sequenceNumber: markerSequence, expected: 'projected' });
    const synced = await markerProjected(ctx, live, markerId, i + 1, 60_000);
    // A parked record is sent by the invocation that projected the marker (or an earlier one): allow for that call to end.
    const parkedNow = async () => (await liveQueue.split(entityId, ignoredPartitionKeys)).parked.filter((r) => r.sequenceNumber === sequenceNumber);
    const parked = step.expected === 'parked'
      ? await pollUntil(parkedNow, (found) => found.length > 0, {
        description: `"${step.label}" in the failure queue of ${live.name}`, timeoutMs: 10_000, intervalMs: 250, log: ctx.log,
      }).catch(parkedNow)
      : await parkedNow();
    const row = rowView((await scanEntities(ctx, live.table, [entityId]))[entityId]);
    steps.push({ label: step.label, sequenceNumber, expected: step.expected, synced, row, parked });
    ctx.log(`[order-ledger] one batch per record: ${step.label} → ${live.name} at ${JSON.stringify(row)}`
      + `${parked.length ? `; parked: ${parked.map((r) => r.reason).join(' | ')}` : ''}`);
  }

  // Every projection (the rebuilt one consumes the same stream): its last marker, the entity's last version and the parked records.
  const last = VERSION_STEPS.length;
  const lastVersion = VERSION_STEPS[last - 1].version;
  const parkedSequences = records.filter((r) => r.expected === 'parked').map((r) => r.sequenceNumber);
  const projections: Record<string, ProjectionEnd> = {};
  for (const p of projected) {
    const read = async (): Promise<ProjectionEnd> => {
      const rows = await scanEntities(ctx, p.table, [entityId, markerId]);
      const split = await queues.get(p.name)?.split(entityId, ignoredPartitionKeys) ?? { parked: [], other: [] };
      return { rows: { [entityId]: rowView(rows[entityId]), [markerId]: rowView(rows[markerId]) }, ...split };
    };
    const done = (end: ProjectionEnd) => end.rows[markerId].version === last && end.rows[entityId].version === lastVersion
      && parkedSequences.every((s) => end.parked.some((r) => r.sequenceNumber === s));
    projections[p.name] = await pollUntil(read, done, {
      description: `${p.name} at the end of the sequence`, timeoutMs: 60_000, intervalMs: 500, log: ctx.log,
    }).catch(read);
  }
  return { entityId, markerId, records, steps, projections, liveProjection: live.name, seconds: (Date.now() - started) / 1000 };
}

/**
 * What became of each record of the sequence in one projection, by label: "projected" (the read
 * model is at its version or later), "parked" (once in the failure queue), "parked N times" or
 * "lost"; compared with each record's `expected` outcome by the suites.
 */
export function sequenceOutcome(sequence: VersionSequenceResult, end: ProjectionEnd): Record<string, string> {
  return Object.fromEntries(sequence.records.map((r) => {
    const times = end.parked.filter((p) => p.sequenceNumber === r.sequenceNumber).length;
    const inTable = (end.rows[r.entityId]?.version ?? 0) >= r.version;
    return [r.label, times === 1 ? 'parked' : times > 1 ? `parked ${times} times` : inTable ? 'projected' : 'lost'];
  }));
}

/** What a record the live failure queue refused became. */
export interface RefusedRecordResult {
  readonly sequenceNumber: string;
  readonly shardId: string;
  /** The failure queue's MaximumMessageSize while it refused, and before (restored afterwards). */
  readonly refusingSize: number;
  readonly originalSize: string;
  /** The marker after the record was projected: the batch was processed. */
  readonly batchProcessed: boolean;
  /** The record was not in the failure queue once its batch was processed (the queue refused it). */
  readonly refused: boolean;
  /** Failure-queue messages carrying the record, at the end. */
  readonly timesParked: number;
  /** On-failure records (no projector body) whose batch position covers the record, at the end. */
  readonly positionRecords: number;
}

/** Whether a failure-queue body is Lambda's on-failure record of a Kinesis batch that holds `sequenceNumber` of `shardId`. */
function coversRecord(body: string, shardId: string, sequenceNumber: string): boolean {
  try {
    const info = JSON.parse(body)?.KinesisBatchInfo;
    return info?.shardId === shardId
      && BigInt(info.startSequenceNumber) <= BigInt(sequenceNumber) && BigInt(sequenceNumber) <= BigInt(info.endSequenceNumber);
  } catch {
    return false;
  }
}

/**
 * Puts an unparseable record larger than the live failure queue's MaximumMessageSize, which is
 * lowered for the check: the queue refuses the projector's message, so the projector reports the
 * record (a transient error) and Lambda retries from it.
 * - `until: 'taken'`: once the batch was processed, the size is restored; the retry must park it.
 * - `until: 'retries run out'`: the queue keeps refusing; once the retries run out, Lambda's
 *   on-failure record of the batch (small enough for the queue) must reach the failure queue.
 * The queue's MaximumMessageSize is always restored.
 */
export async function runRefusedRecord(ctx: ScenarioContext, until: 'taken' | 'retries run out', timeoutMs: number): Promise<RefusedRecordResult> {
  const { stream, live } = ledgerParts(onlyStack(ctx.stacks));
  if (!live.failureQueue) {
    throw new Error(`${live.name} has no failure queue`);
  }
  const queueUrl = live.failureQueue.physicalId;
  const queue = new FailureQueueLog(ctx, queueUrl);
  const partitionKey = `refused-${until.replace(/\W/g, '')}-${ctx.runTag}`;
  const markerId = `${partitionKey}-marker`;
  // The projector's message carries the data in base64: 4/3 of its size, plus the envelope.
  const [refusingSize, dataBytes] = until === 'taken' ? [1_024, 4_000] : [8_192, 64_000];
  const { Attributes = {} } = await ctx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['MaximumMessageSize'] }));
  const originalSize = Attributes.MaximumMessageSize ?? '262144';
  await ctx.clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { MaximumMessageSize: String(refusingSize) } }));
  try {
    const { SequenceNumber, ShardId } = await ctx.clients.kinesis.send(new PutRecordCommand({
      StreamName: stream.physicalId, PartitionKey: partitionKey, Data: Buffer.from(`not json ${'x'.repeat(dataBytes)}`),
    }));
    await putEvent(ctx, stream.physicalId, partitionKey, { entityId: markerId, version: 1, type: 'Marker', time: EVENT_TIME, data: {} });
    const batchProcessed = await markerProjected(ctx, live, markerId, 1, 60_000);
    const count = async () => {
      const { parked, other } = await queue.split(partitionKey, []);
      return {
        timesParked: parked.filter((r) => r.sequenceNumber === SequenceNumber).length,
        positionRecords: other.filter((body) => coversRecord(body, ShardId!, SequenceNumber!)).length,
      };
    };
    const refused = (await count()).timesParked === 0;
    if (until === 'taken') {
      await ctx.clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { MaximumMessageSize: originalSize } }));
    }
    const description = until === 'taken' ? 'the refused record, retried, in the failure queue' : 'the on-failure record of its batch in the failure queue';
    const end = await pollUntil(count, (c) => (until === 'taken' ? c.timesParked : c.positionRecords) > 0, {
      description, timeoutMs, intervalMs: 1_000, log: ctx.log,
    }).catch(count);
    return { sequenceNumber: SequenceNumber!, shardId: ShardId!, refusingSize, originalSize, batchProcessed, refused, ...end };
  } finally {
    await ctx.clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { MaximumMessageSize: originalSize } }));
  }
}
