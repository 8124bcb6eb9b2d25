/**
 * The projector's end-to-end property: whatever the reordering, duplicates, junk, throttles and
 * redeliveries, the table ends up with the highest version of every entity.
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import * as fc from 'fast-check';
import { base64, batch, setup, timeOf, type RecordInput } from './projector-fixtures';
import { createProjector, mergePatch, type JsonObject, type MaterializedEntity, type ProjectionMode } from '../../src/kinesis-cqrs-pipeline/projector';

// ---------------------------------------------------------------------------
// Property test
// ---------------------------------------------------------------------------

interface GeneratedEvent {
  readonly mode: ProjectionMode;
  readonly type: string;
  readonly data: JsonObject;
}

interface Scenario {
  readonly histories: Record<string, GeneratedEvent[]>;
  readonly priorities: number[];
  readonly swaps: number[];
  readonly duplicates: Array<{ from: number; offset: number }>;
  readonly junk: number[];
  readonly batchSizes: number[];
  readonly throttles: boolean[];
  readonly redeliveries: boolean[];
}

const ENTITIES = ['e1', 'e2', 'e3'];

const generatedEvent: fc.Arbitrary<GeneratedEvent> = fc.record({
  mode: fc.constantFrom<ProjectionMode>('snapshot', 'patch', 'patch'),
  type: fc.constantFrom('Created', 'Changed'),
  data: fc.dictionary(fc.constantFrom('x', 'y', 'z'), fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(null), fc.string({ maxLength: 2 })), { maxKeys: 3 }),
});

const scenario: fc.Arbitrary<Scenario> = fc.record({
  histories: fc.record(Object.fromEntries(ENTITIES.map((e) => [e, fc.array(generatedEvent, { minLength: 1, maxLength: 6 })]))),
  priorities: fc.array(fc.nat(1000), { minLength: 18, maxLength: 18 }),
  swaps: fc.array(fc.nat(), { maxLength: 6 }),
  duplicates: fc.array(fc.record({ from: fc.nat(), offset: fc.nat() }), { maxLength: 6 }),
  junk: fc.array(fc.nat(), { maxLength: 3 }),
  batchSizes: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 8 }),
  throttles: fc.array(fc.boolean(), { maxLength: 30 }),
  redeliveries: fc.array(fc.boolean(), { maxLength: 10 }),
});

/** The stream: per-entity version order interleaved, then reordered locally, duplicated and salted with junk. */
function buildStream(s: Scenario): RecordInput[] {
  const tagged = ENTITIES.flatMap((entityId) => s.histories[entityId].map((event, i) => ({ entityId, version: i + 1, ...event })));
  // A random permutation decides which entity comes next; each entity's events keep version order.
  const permuted = tagged.map((t, i) => ({ t, p: s.priorities[i] })).sort((a, b) => a.p - b.p).map(({ t }) => t);
  const pending = new Map(ENTITIES.map((entityId) => [entityId, tagged.filter((t) => t.entityId === entityId)]));
  const stream: RecordInput[] = permuted.map((t) => pending.get(t.entityId)!.shift()!);
  // Producer retries reorder neighbours.
  for (const swap of s.swaps) {
    const i = swap % (stream.length - 1);
    [stream[i], stream[i + 1]] = [stream[i + 1], stream[i]];
  }
  // Producer retries after a timeout write an event again, later in the stream.
  for (const { from, offset } of s.duplicates) {
    const i = from % stream.length;
    stream.splice(i + 1 + (offset % (stream.length - i)), 0, stream[i]);
  }
  s.junk.forEach((at, n) => stream.splice(at % (stream.length + 1), 0, { raw: n % 2 === 0 ? 'bad!' : base64('{}') }));
  return stream;
}

/** The state of the highest version of an entity, computed from its full history. */
function expectedEntity(history: readonly GeneratedEvent[]): MaterializedEntity {
  const state = history.reduce<JsonObject>((acc, event) => (event.mode === 'snapshot' ? event.data : mergePatch(acc, event.data)), {});
  const last = history[history.length - 1];
  return { version: history.length, type: last.type, updatedAt: timeOf(history.length), state };
}

/**
 * Replays Lambda's checkpointing: a batch starts at the checkpoint; a reported sequence number moves
 * the checkpoint to that record, no report moves it past the batch. A batch that made no progress
 * is retried with every remaining record, as the poller does when records are available.
 */
async function consume(stream: readonly RecordInput[], s: Scenario, project: ReturnType<typeof createProjector>): Promise<void> {
  let checkpoint = 0;
  let stalled = false;
  for (let invocation = 0; checkpoint < stream.length; invocation++) {
    if (invocation > 500) {
      throw new Error('the stream did not drain');
    }
    const size = stalled ? stream.length - checkpoint : s.batchSizes[invocation % s.batchSizes.length];
    const event = batch(stream.slice(checkpoint, checkpoint + size), checkpoint);
    const response = await project(event);
    if (s.redeliveries[invocation] === true) {
      await project(event);
    }
    const next = nextCheckpoint(event, response, checkpoint);
    stalled = next === checkpoint;
    checkpoint = next;
  }
}

function nextCheckpoint(event: KinesisStreamEvent, response: KinesisStreamBatchResponse, checkpoint: number): number {
  expect(response.batchItemFailures.length).toBeLessThanOrEqual(1);
  if (response.batchItemFailures.length === 0) {
    return checkpoint + event.Records.length;
  }
  const index = event.Records.findIndex((r) => r.kinesis.sequenceNumber === response.batchItemFailures[0].itemIdentifier);
  expect(index).toBeGreaterThanOrEqual(0);
  return checkpoint + index;
}

describe('projector: property', () => {
  test('after the stream drains, the table holds the highest version of every entity', async () => {
    await fc.assert(fc.asyncProperty(scenario, async (s) => {
      const { table, queue, project } = setup();
      table.scheduledThrottles.push(...s.throttles);
      const stream = buildStream(s);

      await consume(stream, s, project);

      for (const entityId of ENTITIES) {
        expect(table.entity(entityId)).toEqual(expectedEntity(s.histories[entityId]));
      }
      const junkSequences = batch(stream).Records.filter((_, i) => 'raw' in stream[i]).map((r) => r.kinesis.sequenceNumber);
      expect(new Set(queue.received.map((r) => r.sequenceNumber))).toEqual(new Set(junkSequences));
    }), { numRuns: 300 });
  });
});
