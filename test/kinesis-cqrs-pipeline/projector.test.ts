import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  ProvisionedThroughputExceededException,
  type AttributeValue,
  type GetItemCommandInput,
  type GetItemCommandOutput,
  type PutItemCommandInput,
  type PutItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import * as fc from 'fast-check';
import {
  configFromEnv,
  createProjector,
  failureMessageBody,
  fromAttributeMap,
  mergePatch,
  parseRecordData,
  sqsFailureSender,
  type JsonObject,
  type LogLine,
  type MaterializedEntity,
  type ProjectionMode,
  type ReadModelClient,
  type SendToFailureQueue,
  type SqsBatchEntry,
  type UnprocessableRecord,
} from '../../src/kinesis-cqrs-pipeline/projector-core';

// ---------------------------------------------------------------------------
// Fakes
// ---------------------------------------------------------------------------

type Item = Record<string, AttributeValue>;

/**
 * In-memory DynamoDB table with a string partition key. It honours the condition expressions of
 * the projector (`attribute_not_exists(#n)`, `#n < :v`, `#n = :v`, joined with OR), rejects unused
 * expression names or values like DynamoDB does, returns the old item on a failed condition when
 * asked to, and can throttle chosen entities.
 */
class FakeTable implements ReadModelClient {
  readonly items = new Map<string, Item>();
  readonly gets: string[] = [];
  readonly puts: string[] = [];
  /** Called before each conditional check of a PutItem. */
  beforePut?: (entityId: string) => void;
  /** Throttle decisions consumed by each call (true: throttle); no throttle once empty. */
  readonly scheduledThrottles: boolean[] = [];
  private readonly throttled = new Map<string, number>();

  constructor(private readonly partitionKey = 'pk') {}

  /** Makes the next `times` calls touching `entityId` fail with a throughput error. */
  throttle(entityId: string, times = Infinity): void {
    this.throttled.set(entityId, times);
  }

  send(command: GetItemCommand): Promise<GetItemCommandOutput>;
  send(command: PutItemCommand): Promise<PutItemCommandOutput>;
  async send(command: GetItemCommand | PutItemCommand): Promise<GetItemCommandOutput | PutItemCommandOutput> {
    if (command instanceof GetItemCommand) {
      return this.getItem(command.input);
    }
    return this.putItem(command.input);
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

  private getItem(input: GetItemCommandInput): GetItemCommandOutput {
    const entityId = this.keyOf(input.Key);
    this.maybeThrottle(entityId);
    this.gets.push(entityId);
    const item = this.items.get(entityId);
    return { $metadata: {}, Item: item ? structuredClone(item) : undefined };
  }

  private putItem(input: PutItemCommandInput): PutItemCommandOutput {
    const entityId = this.keyOf(input.Item);
    this.maybeThrottle(entityId);
    this.beforePut?.(entityId);
    this.puts.push(entityId);
    const current = this.items.get(entityId);
    if (input.ConditionExpression && !this.evaluate(input, current)) {
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && current ? structuredClone(current) : undefined,
      });
    }
    this.items.set(entityId, structuredClone(input.Item!));
    return { $metadata: {} };
  }

  private keyOf(item: Item | undefined): string {
    const key = item?.[this.partitionKey]?.S;
    if (key === undefined) {
      throw Object.assign(new Error(`Missing the key ${this.partitionKey} in the item`), { name: 'ValidationException' });
    }
    return key;
  }

  private maybeThrottle(entityId: string): void {
    const scheduled = this.scheduledThrottles.shift() ?? false;
    const remaining = this.throttled.get(entityId) ?? 0;
    if (remaining > 0) {
      this.throttled.set(entityId, remaining - 1);
    }
    if (scheduled || remaining > 0) {
      throw new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds the allowed throughput', $metadata: {} });
    }
  }

  private evaluate(input: PutItemCommandInput, current: Item | undefined): boolean {
    const expression = input.ConditionExpression!;
    const names = input.ExpressionAttributeNames ?? {};
    const values = input.ExpressionAttributeValues ?? {};
    for (const placeholder of [...Object.keys(names), ...Object.keys(values)]) {
      if (!new RegExp(`${placeholder}\\b`).test(expression)) {
        throw Object.assign(new Error(`Value provided in expression unused: ${placeholder}`), { name: 'ValidationException' });
      }
    }
    return expression.split(' OR ').some((atom) => this.evaluateAtom(atom.trim(), names, values, current));
  }

  private evaluateAtom(atom: string, names: Record<string, string>, values: Record<string, AttributeValue>, current: Item | undefined): boolean {
    const notExists = /^attribute_not_exists\((#\w+)\)$/.exec(atom);
    if (notExists) {
      return current?.[names[notExists[1]]] === undefined;
    }
    const comparison = /^(#\w+) (<|=) (:\w+)$/.exec(atom);
    if (!comparison) {
      throw new Error(`unsupported condition: ${atom}`);
    }
    const stored = current?.[names[comparison[1]]]?.N;
    if (stored === undefined) {
      return false;
    }
    const operand = Number(values[comparison[3]].N);
    return comparison[2] === '<' ? Number(stored) < operand : Number(stored) === operand;
  }
}

/** Failure queue that records what it receives; can throw or reject chosen records. */
class FakeFailureQueue {
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

const STREAM_ARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/events';
const SHARD_ID = 'shardId-000000000007';
const SEQUENCE_BASE = 49590338271490256608559692538361571095921575989136588800n;

interface EventInput {
  readonly entityId: string;
  readonly version: number;
  readonly data?: JsonObject;
  readonly mode?: ProjectionMode;
  readonly type?: string;
}

/** Either an event or raw base64 data. */
type RecordInput = EventInput | { readonly raw: string };

function sequenceNumber(position: number): string {
  return (SEQUENCE_BASE + BigInt(position) * 1000n).toString();
}

function timeOf(version: number): string {
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

function base64(text: string): string {
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
function batch(inputs: readonly RecordInput[], start = 0): KinesisStreamEvent {
  return {
    Records: inputs.map((input, i) => ('raw' in input
      ? kinesisRecord(start + i, input.raw, 'junk')
      : kinesisRecord(start + i, encode(input), input.entityId))),
  };
}

function snap(entityId: string, version: number, data?: JsonObject, type?: string): EventInput {
  return { entityId, version, data, type, mode: 'snapshot' };
}

function patch(entityId: string, version: number, data: JsonObject): EventInput {
  return { entityId, version, data, mode: 'patch' };
}

function failures(...positions: number[]): KinesisStreamBatchResponse {
  return { batchItemFailures: positions.map((p) => ({ itemIdentifier: sequenceNumber(p) })) };
}

interface SetupOptions {
  readonly partitionKey?: string;
  readonly withoutFailureQueue?: boolean;
  readonly maxConflictRetries?: number;
}

function setup(options: SetupOptions = {}) {
  const partitionKey = options.partitionKey ?? 'pk';
  const table = new FakeTable(partitionKey);
  const queue = new FakeFailureQueue();
  const logs: LogLine[] = [];
  const project = createProjector({
    dynamodb: table,
    config: { tableName: 'read-model', partitionKey, maxConflictRetries: options.maxConflictRetries, concurrency: 4 },
    sendToFailureQueue: options.withoutFailureQueue ? undefined : queue.send,
    log: (line) => logs.push(line),
  });
  return { table, queue, logs, project };
}

// ---------------------------------------------------------------------------
// Unit tests
// ---------------------------------------------------------------------------

describe('projector: snapshot mode', () => {
  test('an empty batch succeeds without touching the table', async () => {
    const { table, project, logs } = setup();

    await expect(project({ Records: [] })).resolves.toEqual({ batchItemFailures: [] });

    expect(table.gets).toEqual([]);
    expect(table.puts).toEqual([]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ level: 'INFO', records: 0, entities: 0 });
  });

  test('several events of one entity in a batch cost exactly one write per entity', async () => {
    const { table, project } = setup();

    const response = await project(batch([
      snap('a', 1, { n: 1 }), snap('a', 2, { n: 2 }), snap('b', 1, { m: 1 }), snap('a', 3, { n: 3 }, 'Renamed'), snap('b', 2, { m: 2 }),
    ]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(table.count(table.puts, 'a')).toBe(1);
    expect(table.count(table.puts, 'b')).toBe(1);
    expect(table.gets).toEqual([]);
    expect(table.items.get('a')).toEqual({
      pk: { S: 'a' },
      version: { N: '3' },
      type: { S: 'Renamed' },
      updatedAt: { S: timeOf(3) },
      state: { M: { n: { N: '3' } } },
    });
    expect(table.entity('b')).toMatchObject({ version: 2, state: { m: 2 } });
  });

  test('events without a mode are snapshots', async () => {
    const { table, project } = setup();

    await project(batch([{ entityId: 'a', version: 1, data: { x: 1, y: 2 } }, { entityId: 'a', version: 2, data: { z: 3 } }]));

    expect(table.entity('a')?.state).toEqual({ z: 3 });
  });

  test('redelivering a batch, or duplicates within it, changes nothing', async () => {
    const { table, project, logs } = setup();
    const event = batch([snap('a', 1), snap('a', 1), snap('b', 1), snap('a', 2)]);

    await project(event);
    const before = structuredClone([...table.items]);
    const response = await project(event);

    expect(response).toEqual({ batchItemFailures: [] });
    expect([...table.items]).toEqual(before);
    expect(logs[1]).toMatchObject({ applied: 0, stale: 2, failed: 0 });
  });

  test('an older version never overwrites a newer one', async () => {
    const { table, project } = setup();

    await project(batch([snap('a', 5, { n: 5 })]));
    const response = await project(batch([snap('a', 3, { n: 3 }), snap('a', 4, { n: 4 })], 1));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(table.entity('a')).toMatchObject({ version: 5, state: { n: 5 } });
  });

  test('the partition key attribute name is configurable', async () => {
    const { table, project } = setup({ partitionKey: 'entity' });

    await project(batch([snap('a', 1), snap('a', 2)]));
    await project(batch([snap('a', 1)], 2));

    expect(table.items.get('a')).toMatchObject({ entity: { S: 'a' }, version: { N: '2' } });
    expect(table.items.get('a')).not.toHaveProperty('pk');
  });

  test('nested JSON values survive the round trip', async () => {
    const { table, project } = setup();
    const data = { s: 'x', n: -1.5, b: false, z: null, l: [1, 'two', { three: 3 }], m: { deep: { er: [] } }, e: '' };

    await project(batch([snap('a', 1, data)]));

    expect(table.entity('a')?.state).toEqual(data);
  });
});

describe('projector: unprocessable records', () => {
  test.each([
    ['data is not valid base64', '!!not base64!!'],
    ['data is not valid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64')],
    ['data is not valid JSON', base64('{"entityId":')],
    ['envelope is not a JSON object', base64('[1,2]')],
    ['entityId must be a non-empty string', base64(JSON.stringify({ entityId: '', version: 1, type: 't', time: timeOf(1), data: {} }))],
    ['entityId must be at most 2048 bytes', base64(JSON.stringify({ entityId: 'é'.repeat(1025), version: 1, type: 't', time: timeOf(1), data: {} }))],
    ['version must be an integer >= 1', base64(JSON.stringify({ entityId: 'a', version: 0, type: 't', time: timeOf(1), data: {} }))],
    ['version must be an integer >= 1', base64(JSON.stringify({ entityId: 'a', version: 1.5, type: 't', time: timeOf(1), data: {} }))],
    ['version must be an integer >= 1', base64(JSON.stringify({ entityId: 'a', version: '1', type: 't', time: timeOf(1), data: {} }))],
    ['type must be a non-empty string', base64(JSON.stringify({ entityId: 'a', version: 1, time: timeOf(1), data: {} }))],
    ['time must be an ISO-8601 date-time with a time zone', base64(JSON.stringify({ entityId: 'a', version: 1, type: 't', time: '2024-01-01', data: {} }))],
    ['data must be a JSON object', base64(JSON.stringify({ entityId: 'a', version: 1, type: 't', time: timeOf(1), data: [1] }))],
    ['mode must be "snapshot" or "patch"', base64(JSON.stringify({ entityId: 'a', version: 1, type: 't', time: timeOf(1), data: {}, mode: 'merge' }))],
    ['number 1e+200 is outside the range DynamoDB can store', base64('{"entityId":"a","version":1,"type":"t","time":"2024-01-01T00:00:00Z","data":{"x":1e200}}')],
    ['data must not nest more than 31 levels', base64(`{"entityId":"a","version":1,"type":"t","time":"2024-01-01T00:00:00Z","data":${'{"x":'.repeat(32)}1${'}'.repeat(32)}}`)],
  ])('rejects a record: %s', (reason, data) => {
    expect(parseRecordData(data)).toEqual({ ok: false, reason });
  });

  test('accepts the documented envelope', () => {
    const data = base64(JSON.stringify({ entityId: 'a', version: 2, type: 't', time: '2024-05-01T12:00:00.123+02:00', data: { x: 1 }, mode: 'patch', extra: true }));

    expect(parseRecordData(data)).toEqual({
      ok: true,
      event: { entityId: 'a', version: 2, type: 't', time: '2024-05-01T12:00:00.123+02:00', data: { x: 1 }, mode: 'patch' },
    });
  });

  test('an unparseable record goes to the failure queue and is not reported', async () => {
    const { table, queue, project, logs } = setup();
    const junk = base64('not json');

    const response = await project(batch([snap('a', 1), { raw: junk }, snap('b', 1)]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(queue.received).toEqual([{
      reason: 'data is not valid JSON',
      sequenceNumber: sequenceNumber(1),
      partitionKey: 'junk',
      shardId: SHARD_ID,
      eventId: `${SHARD_ID}:${sequenceNumber(1)}`,
      eventSourceArn: STREAM_ARN,
      approximateArrivalTimestamp: 1704067201,
      data: junk,
    }]);
    expect(table.entity('a')).toBeDefined();
    expect(table.entity('b')).toBeDefined();
    expect(logs[0]).toMatchObject({ level: 'WARN', unparseable: 1, sentToFailureQueue: 1 });
  });

  test('a record whose state exceeds the item size limit goes to the failure queue', async () => {
    const { table, queue, project } = setup();

    const response = await project(batch([snap('big', 1, { blob: 'x'.repeat(410 * 1024) }), snap('a', 1)]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(queue.received.map((r) => [r.sequenceNumber, r.reason])).toEqual([
      [sequenceNumber(0), 'state exceeds the DynamoDB item size limit of 409600 bytes'],
    ]);
    expect(table.entity('big')).toBeUndefined();
    expect(table.entity('a')).toBeDefined();
  });

  test('a failure-queue error reports the record so that it is retried', async () => {
    const { queue, project, logs } = setup();
    queue.failing = true;

    const response = await project(batch([snap('a', 1), snap('b', 1), { raw: 'bad!' }, snap('c', 1)]));

    expect(response).toEqual(failures(2));
    expect(logs[0]).toMatchObject({ failureQueueRejected: 1, failureQueueError: 'Error: AWS.SimpleQueueService.NonExistentQueue' });
  });

  test('a record the failure queue rejects is reported, the accepted ones are not', async () => {
    const { queue, project } = setup();
    queue.rejected.add(sequenceNumber(3));

    const response = await project(batch([snap('a', 1), { raw: 'bad!' }, snap('b', 1), { raw: 'bad?' }]));

    expect(response).toEqual(failures(3));
    expect(queue.received.map((r) => r.sequenceNumber)).toEqual([sequenceNumber(1)]);
  });

  test('unprocessable records after the checkpoint are left for the redelivery', async () => {
    const { table, queue, project } = setup();
    table.throttle('b', 1);

    const response = await project(batch([{ raw: 'bad!' }, snap('b', 1), { raw: 'bad?' }]));

    expect(response).toEqual(failures(1));
    expect(queue.received.map((r) => r.sequenceNumber)).toEqual([sequenceNumber(0)]);
  });

  test('without a failure queue, unprocessable records are logged and skipped', async () => {
    const { project, logs } = setup({ withoutFailureQueue: true });

    const response = await project(batch([{ raw: 'bad!' }, snap('a', 1)]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(logs[0]).toMatchObject({
      sentToFailureQueue: 0,
      skippedWithoutFailureQueue: [{ sequenceNumber: sequenceNumber(0), reason: 'data is not valid base64' }],
    });
  });
});

describe('projector: DynamoDB failures and checkpointing', () => {
  test('a throttled entity reports its earliest record; the other entities are written', async () => {
    const { table, project, logs } = setup();
    table.throttle('b');

    const response = await project(batch([snap('c', 1), snap('a', 1), snap('b', 1), snap('a', 2), snap('b', 2), snap('c', 2)]));

    expect(response).toEqual(failures(2));
    expect(table.entity('a')).toMatchObject({ version: 2 });
    expect(table.entity('c')).toMatchObject({ version: 2 });
    expect(table.entity('b')).toBeUndefined();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      level: 'WARN',
      records: 6,
      events: 6,
      entities: 3,
      applied: 2,
      failed: 1,
      retryFromSequenceNumber: sequenceNumber(2),
      errors: ['ProvisionedThroughputExceededException: Rate of requests exceeds the allowed throughput'],
    });
  });

  test('with several failed entities only the earliest record of all is reported', async () => {
    const { table, project } = setup();
    table.throttle('b');
    table.throttle('d');

    const response = await project(batch([snap('a', 1), snap('d', 1), snap('c', 1), snap('b', 1), snap('d', 2)]));

    expect(response).toEqual(failures(1));
  });

  test('the retry from the checkpoint completes the projection', async () => {
    const { table, project } = setup();
    table.throttle('b', 1);
    const inputs = [snap('a', 1), snap('b', 1), snap('a', 2), snap('b', 2)];

    const first = await project(batch(inputs));
    const retry = await project(batch(inputs.slice(1), 1));

    expect(first).toEqual(failures(1));
    expect(retry).toEqual({ batchItemFailures: [] });
    expect(table.entity('a')).toMatchObject({ version: 2 });
    expect(table.entity('b')).toMatchObject({ version: 2 });
  });
});

describe('projector: patch mode', () => {
  test('consecutive patches are folded onto the stored state: one read, one write', async () => {
    const { table, project } = setup();
    await project(batch([snap('a', 1, { x: 1, y: 1 })]));
    table.puts.splice(0);

    const response = await project(batch([patch('a', 2, { y: 2 }), patch('a', 3, { z: { deep: true } }), patch('a', 4, { x: null })], 1));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(table.gets).toEqual(['a']);
    expect(table.puts).toEqual(['a']);
    expect(table.entity('a')).toEqual({ version: 4, type: 'Event4', updatedAt: timeOf(4), state: { y: 2, z: { deep: true } } });
  });

  test('patches of a new entity start from an empty state', async () => {
    const { table, project } = setup();

    await project(batch([patch('a', 2, { y: 2 }), patch('a', 1, { x: 1 })]));

    expect(table.entity('a')).toMatchObject({ version: 2, state: { x: 1, y: 2 } });
  });

  test('a snapshot followed by patches in the batch needs no read', async () => {
    const { table, project } = setup();

    await project(batch([patch('a', 1, { x: 1 }), snap('a', 2, { s: 1 }), patch('a', 3, { t: 2 }), patch('a', 4, { s: null })]));

    expect(table.gets).toEqual([]);
    expect(table.puts).toEqual(['a']);
    expect(table.entity('a')).toMatchObject({ version: 4, state: { t: 2 } });
  });

  test('redelivered patches are not applied twice', async () => {
    const { table, project } = setup();
    const event = batch([patch('a', 1, { n: 1 }), patch('a', 2, { m: 2 })]);

    await project(event);
    const response = await project(event);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(table.puts).toEqual(['a']);
    expect(table.entity('a')).toMatchObject({ version: 2, state: { n: 1, m: 2 } });
  });

  test('a missing version stops the fold and reports the entity until the version arrives', async () => {
    const { table, project, logs } = setup();
    await project(batch([snap('a', 1, { n: 1 })]));

    const first = await project(batch([patch('a', 2, { n: 2 }), snap('b', 1), patch('a', 4, { n: 4 })], 1));
    const retry = await project(batch([patch('a', 2, { n: 2 }), snap('b', 1), patch('a', 4, { n: 4 }), patch('a', 3, { o: 3 })], 1));

    expect(first).toEqual(failures(1));
    expect(logs[1]).toMatchObject({ pending: 1, applied: 1 });
    expect(retry).toEqual({ batchItemFailures: [] });
    expect(table.entity('a')).toMatchObject({ version: 4, state: { n: 4, o: 3 } });
  });

  test('a concurrent write is detected and the fold is redone on the returned item', async () => {
    const { table, project } = setup();
    await project(batch([snap('a', 1, { n: 1 })]));
    table.beforePut = () => {
      table.beforePut = undefined;
      table.items.set('a', { pk: { S: 'a' }, version: { N: '2' }, type: { S: 'Other' }, updatedAt: { S: timeOf(2) }, state: { M: { other: { S: 'yes' } } } });
    };

    const response = await project(batch([patch('a', 2, { n: 2 }), patch('a', 3, { m: 3 })], 1));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(table.count(table.gets, 'a')).toBe(1);
    expect(table.entity('a')).toMatchObject({ version: 3, state: { other: 'yes', m: 3 } });
  });

  test('endless conflicts fail the entity after the configured retries', async () => {
    const { table, project, logs } = setup({ maxConflictRetries: 2 });
    // Another writer creates and deletes the item between each read and write.
    table.beforePut = (entityId) => {
      if (entityId !== 'a') return;
      if (table.items.delete('a')) return;
      table.items.set('a', { pk: { S: 'a' }, version: { N: '1' }, type: { S: 't' }, updatedAt: { S: timeOf(1) }, state: { M: {} } });
    };

    const response = await project(batch([snap('b', 1), patch('a', 1, { n: 1 }), patch('a', 2, { n: 2 })]));

    expect(response).toEqual(failures(1));
    expect(table.count(table.gets, 'a')).toBe(1);
    expect(table.count(table.puts, 'a')).toBe(1 + 2);
    expect(logs[0]).toMatchObject({ applied: 1, failed: 1, errors: ['ConditionalCheckFailedException: still conflicting after 2 retries'] });
  });

  test('mergePatch replaces top-level attributes and removes null ones', () => {
    expect(mergePatch({ a: 1, b: { c: 1 }, d: 'x' }, { b: { e: 2 }, d: null, f: [] })).toEqual({ a: 1, b: { e: 2 }, f: [] });
  });
});

describe('configFromEnv', () => {
  test('requires TABLE_NAME and defaults PARTITION_KEY to pk', () => {
    expect(configFromEnv({ TABLE_NAME: 'rm' })).toEqual({ tableName: 'rm', partitionKey: 'pk' });
    expect(configFromEnv({ TABLE_NAME: 'rm', PARTITION_KEY: 'id' })).toEqual({ tableName: 'rm', partitionKey: 'id' });
    expect(() => configFromEnv({})).toThrow('TABLE_NAME environment variable is required');
    expect(() => configFromEnv({ TABLE_NAME: 'rm', PARTITION_KEY: 'state' })).toThrow(/PARTITION_KEY must not be one of/);
  });
});

describe('sqsFailureSender', () => {
  const unprocessable = (i: number, data = 'AAAA'): UnprocessableRecord => ({
    reason: 'data is not valid JSON',
    sequenceNumber: sequenceNumber(i),
    partitionKey: 'p',
    shardId: SHARD_ID,
    eventId: `${SHARD_ID}:${sequenceNumber(i)}`,
    eventSourceArn: STREAM_ARN,
    approximateArrivalTimestamp: 1,
    data,
  });

  test('sends batches of at most 10 messages and maps failed entries back to sequence numbers', async () => {
    const calls: SqsBatchEntry[][] = [];
    const send = sqsFailureSender(async (entries) => {
      calls.push(entries);
      return calls.length === 2 ? ['m4'] : [];
    });

    const result = await send(Array.from({ length: 23 }, (_, i) => unprocessable(i)));

    expect(calls.map((c) => c.length)).toEqual([10, 10, 3]);
    expect(JSON.parse(calls[0][0].MessageBody)).toEqual(unprocessable(0));
    expect(result).toEqual({ failedSequenceNumbers: [sequenceNumber(14)] });
  });

  test('a failed request fails all of its messages', async () => {
    let call = 0;
    const send = sqsFailureSender(async () => {
      call += 1;
      if (call === 1) throw new Error('throttled');
      return [];
    });

    const result = await send(Array.from({ length: 12 }, (_, i) => unprocessable(i)));

    expect(result.failedSequenceNumbers).toEqual(Array.from({ length: 10 }, (_, i) => sequenceNumber(i)));
  });

  test('batches by size and truncates data that would not fit in one message', async () => {
    const calls: SqsBatchEntry[][] = [];
    const send = sqsFailureSender(async (entries) => {
      calls.push(entries);
      return [];
    }, { maxMessageBytes: 2000 });

    await send([unprocessable(0, 'A'.repeat(900)), unprocessable(1, 'B'.repeat(900)), unprocessable(2, 'C'.repeat(5000))]);

    expect(calls.map((c) => c.length)).toEqual([1, 1, 1]);
    const truncated = JSON.parse(calls[2][0].MessageBody);
    expect(Buffer.byteLength(calls[2][0].MessageBody)).toBeLessThanOrEqual(2000);
    expect(truncated).toMatchObject({ dataTruncated: true, dataLength: 5000, sequenceNumber: sequenceNumber(2) });
    expect(failureMessageBody(unprocessable(3), 2000)).toBe(JSON.stringify(unprocessable(3)));
  });
});

describe('projector.lambda handler', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    jest.restoreAllMocks();
  });

  type LambdaModule = typeof import('../../src/kinesis-cqrs-pipeline/projector.lambda');
  type SqsModule = typeof import('@aws-sdk/client-sqs');

  /** Loads the handler in a fresh module registry; `sqsSend` stands in for `SQSClient.send`. */
  function loadHandler(env: Record<string, string>, sqsSend?: (command: unknown) => Promise<unknown>) {
    process.env = { ...saved, ...env };
    let mod: LambdaModule | undefined;
    jest.isolateModules(() => {
      if (sqsSend) {
        const sqs = jest.requireActual<SqsModule>('@aws-sdk/client-sqs');
        jest.spyOn(sqs.SQSClient.prototype, 'send').mockImplementation(sqsSend as never);
      }
      mod = jest.requireActual<LambdaModule>('../../src/kinesis-cqrs-pipeline/projector.lambda');
    });
    return mod!.handler;
  }

  const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/failures';

  test('answers an empty batch and logs one JSON line', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const handler = loadHandler({ TABLE_NAME: 'rm' });

    await expect(handler({ Records: [] })).resolves.toEqual({ batchItemFailures: [] });
    expect(log).toHaveBeenCalledTimes(1);
    expect(JSON.parse(log.mock.calls[0][0] as string)).toMatchObject({ message: 'Kinesis batch projected', records: 0 });
  });

  test('sends an unparseable record to the failure queue with SendMessageBatch and does not report it', async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const commands: unknown[] = [];
    const handler = loadHandler({ TABLE_NAME: 'rm', FAILURE_QUEUE_URL: ` ${QUEUE_URL} ` }, async (command) => {
      commands.push(command);
      return { Successful: [{ Id: 'm0' }], Failed: [] };
    });

    await expect(handler(batch([{ raw: 'bad!' }]))).resolves.toEqual({ batchItemFailures: [] });

    expect(commands).toHaveLength(1);
    // The command class comes from the handler's own module registry: compare by name.
    expect((commands[0] as object).constructor.name).toBe('SendMessageBatchCommand');
    const input = (commands[0] as { input: { QueueUrl: string; Entries: SqsBatchEntry[] } }).input;
    expect(input.QueueUrl).toBe(QUEUE_URL);
    expect(input.Entries).toHaveLength(1);
    expect(input.Entries[0].Id).toBe('m0');
    expect(JSON.parse(input.Entries[0].MessageBody)).toMatchObject({ reason: 'data is not valid base64', sequenceNumber: sequenceNumber(0), data: 'bad!' });
  });

  test('reports the record when SQS rejects its entry', async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const handler = loadHandler({ TABLE_NAME: 'rm', FAILURE_QUEUE_URL: QUEUE_URL }, async () => ({
      Successful: [],
      Failed: [{ Id: 'm0', Code: 'InternalError', SenderFault: false }],
    }));

    await expect(handler(batch([{ raw: 'bad!' }]))).resolves.toEqual(failures(0));
  });

  test('reports the record when the SendMessageBatch request fails', async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const handler = loadHandler({ TABLE_NAME: 'rm', FAILURE_QUEUE_URL: QUEUE_URL }, async () => {
      throw Object.assign(new Error('Access denied'), { name: 'AccessDenied' });
    });

    await expect(handler(batch([{ raw: 'bad!' }]))).resolves.toEqual(failures(0));
  });

  test('without FAILURE_QUEUE_URL, unparseable records are logged and skipped, and SQS is never called', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const send = jest.fn(async () => ({}));
    const handler = loadHandler({ TABLE_NAME: 'rm', FAILURE_QUEUE_URL: '' }, send);

    await expect(handler(batch([{ raw: 'bad!' }]))).resolves.toEqual({ batchItemFailures: [] });

    expect(send).not.toHaveBeenCalled();
    expect(JSON.parse(log.mock.calls[0][0] as string)).toMatchObject({ skippedWithoutFailureQueue: [{ sequenceNumber: sequenceNumber(0) }] });
  });

  test('fails to load without TABLE_NAME', () => {
    expect(() => loadHandler({ TABLE_NAME: '' })).toThrow('TABLE_NAME environment variable is required');
  });
});

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
