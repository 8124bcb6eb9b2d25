/**
 * The projector's parked records: states too large judged event by event, conflicts, items DynamoDB
 * refuses, the size estimate against DynamoDB's rules, and the metrics of the log line.
 */
import * as fc from 'fast-check';
import { batch, patch, sequenceNumber, setup, snap, TABLE_NAME, timeOf } from './projector-fixtures';
import {
  createProjector,
  entityItemBytes,
  stateEntryBytes,
  type JsonObject,
  type LogLine,
  type MaterializedEntity,
} from '../../src/kinesis-cqrs-pipeline/projector';
import { toItem } from '../../src/kinesis-cqrs-pipeline/projector/read-model-store';
import { FakeDynamoDbTable, itemSize } from '../helpers/dynamodb-fake';

/** A string of `kib` KiB: DynamoDB counts a string by its UTF-8 bytes. */
const kib = (n: number): string => 'x'.repeat(n * 1024);

describe('projector: a state too large is judged event by event', () => {
  // DynamoDB's item size limit is 400 KB, counted as described in "Item sizes and formats"
  // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html);
  // the fake table refuses a larger item with a ValidationException, as DynamoDB does.
  test('the valid earlier snapshot of the same batch is stored; the event that overflows and the patches after it are parked', async () => {
    const { table, queue, project } = setup();

    const response = await project(batch([
      snap('big', 1, { a: kib(300) }),
      patch('big', 2, { b: kib(150) }),
      patch('big', 3, { c: 'small' }),
      snap('other', 1),
    ]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(table.entity('big')).toMatchObject({ version: 1 });
    expect(table.entity('other')).toMatchObject({ version: 1 });
    expect(queue.received.map((r) => [r.sequenceNumber, r.cause])).toEqual([
      [sequenceNumber(1), 'oversized'],
      [sequenceNumber(2), 'missing-version'],
    ]);
    expect(queue.received[1].reason).toMatch(/^version 2 was parked \(its state exceeds DynamoDB's item size limit\)/);
  });

  test('a patch that removes enough keeps the state under the limit and is applied', async () => {
    const { table, queue, project } = setup();
    await project(batch([snap('e', 1, { a: kib(300) })]));

    await project(batch([patch('e', 2, { a: null, b: kib(350) })], 1));

    expect(queue.received).toEqual([]);
    expect(table.entity('e')?.state).toEqual({ b: kib(350) });
  });

  test('a later snapshot that fits heals the entity, in the same batch or a later one', async () => {
    const { table, queue, project } = setup();

    await project(batch([snap('e', 1, { a: 'x' }), snap('e', 2, { a: kib(401) }), patch('e', 3, { b: 1 })]));
    expect(table.entity('e')).toMatchObject({ version: 1 });
    await project(batch([patch('e', 4, { c: 1 }), snap('e', 5, { ok: true }), patch('e', 6, { d: 1 })], 3));

    // Version 4 would have been parked (its base, 3, was parked), but the snapshot 5 of the same batch
    // supersedes it: a record whose state is never stored is not judged.
    expect(queue.received.map((r) => r.sequenceNumber)).toEqual([sequenceNumber(1), sequenceNumber(2)]);
    expect(table.entity('e')).toMatchObject({ version: 6, state: { ok: true, d: 1 } });
  });

  test('an oversized state of an entity the read model already holds at a newer version is not parked (a redelivery)', async () => {
    const { table, queue, project } = setup();
    await project(batch([snap('e', 3, { ok: true })]));

    await project(batch([snap('e', 2, { a: kib(401) })]));

    expect(queue.received).toEqual([]);
    expect(table.entity('e')).toMatchObject({ version: 3 });
  });

  test('the estimate equals DynamoDB\'s count of the item the projector writes (as the DynamoDB fake counts it, from the documented rules)', () => {
    fc.assert(fc.property(
      fc.string({ minLength: 1, maxLength: 20 }),
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      fc.string(),
      fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })),
      (entityId, version, type, state) => {
        const entity: MaterializedEntity = { version, type, updatedAt: timeOf(1), state: state as JsonObject };
        const entries = Object.entries(entity.state).reduce((sum, [key, value]) => sum + stateEntryBytes(key, value), 0);
        const item = toItem({ partitionKey: 'pk', tableName: TABLE_NAME, dynamodb: new FakeDynamoDbTable(TABLE_NAME, 'pk'), maxConflictRetries: 0 }, entityId, entity);
        expect(entityItemBytes('pk', entityId, entity, entries)).toBe(itemSize(item));
      },
    ));
  });
});

describe('projector: conflicts', () => {
  test('a copy of a version the read model holds is silent even when a conflicting copy comes first in the batch', async () => {
    const { table, queue, project } = setup();
    await project(batch([snap('a', 5, { n: 1 })]));

    await project(batch([snap('a', 5, { n: 2 }), snap('a', 5, { n: 1 }), patch('a', 6, { m: 6 })], 1));

    expect(table.entity('a')).toMatchObject({ version: 6, state: { n: 1, m: 6 } });
    expect(queue.received.map((r) => [r.sequenceNumber, r.cause])).toEqual([[sequenceNumber(1), 'conflict']]);
  });

  test('a second, different event of the same version in a batch is parked; the first in shard order wins', async () => {
    const { table, queue, project } = setup();

    const response = await project(batch([snap('a', 1, { n: 1 }), snap('a', 1, { n: 2 }), snap('a', 1, { n: 1 })]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(table.entity('a')).toMatchObject({ version: 1, state: { n: 1 } });
    // The third record is identical to the first: a redelivery, silent.
    expect(queue.received.map((r) => [r.sequenceNumber, r.cause, r.reason])).toEqual([
      [sequenceNumber(1), 'conflict', `conflict: version 1 differs from the version 1 at sequence number ${sequenceNumber(0)}, which was projected`],
    ]);
  });

  test('a different event of the version the read model holds is parked, using the item the failed write returned (no read)', async () => {
    // When the read model holds the version, it is the reference, whatever the order of the copies in the batch.
    const { table, queue, project } = setup();
    await project(batch([snap('a', 2, { n: 1 })]));

    await project(batch([snap('a', 2, { n: 1 }), snap('a', 2, { n: 9 }, 'Other')], 1));
    await project(batch([snap('a', 2, { n: 8 })], 3));

    expect(table.count(table.gets, 'a')).toBe(0);
    expect(table.entity('a')).toMatchObject({ version: 2, state: { n: 1 } });
    expect(queue.received.map((r) => [r.sequenceNumber, r.reason])).toEqual([
      [sequenceNumber(2), 'conflict: version 2 differs from the version 2 in the read model'],
      [sequenceNumber(3), 'conflict: version 2 differs from the version 2 in the read model'],
    ]);
  });

  test('a patch of the stored version that agrees with the stored state is a redelivery, not a conflict', async () => {
    const { queue, project } = setup();
    await project(batch([snap('a', 1, { n: 1 }), patch('a', 2, { m: 2 })]));

    await project(batch([patch('a', 2, { m: 2 }), patch('a', 3, { k: 3 })], 2));

    expect(queue.received).toEqual([]);
  });
});

describe('projector: items DynamoDB refuses', () => {
  test('a ValidationException parks the events the write carried; other entities proceed', async () => {
    const { table, queue, project } = setup();
    table.beforePut = (entityId) => {
      if (entityId === 'bad') {
        throw Object.assign(new Error('One or more parameter values were invalid'), { name: 'ValidationException' });
      }
    };

    const response = await project(batch([snap('bad', 1), patch('bad', 2, { x: 1 }), snap('good', 1)]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(table.entity('good')).toBeDefined();
    expect(queue.received.map((r) => [r.sequenceNumber, r.cause])).toEqual([[sequenceNumber(0), 'refused'], [sequenceNumber(1), 'refused']]);
    expect(queue.received[0].reason).toBe('DynamoDB refused the item: ValidationException: One or more parameter values were invalid');
  });
});

describe('projector: metrics in the log line', () => {
  function withFunctionName() {
    const table = new FakeDynamoDbTable(TABLE_NAME, 'pk');
    const logs: LogLine[] = [];
    const project = createProjector({
      dynamodb: table,
      config: { tableName: TABLE_NAME, functionName: 'orders-projector' },
      sendToFailureQueue: async () => ({ failedSequenceNumbers: [] }),
      log: (line) => logs.push(line),
    });
    return { project, logs };
  }

  test('each line is an embedded metric format document: ConflictingEvents and ParkedRecords by FunctionName', async () => {
    // The structure CloudWatch Logs extracts metrics from: `_aws.Timestamp` (ms), `_aws.CloudWatchMetrics`
    // with Namespace, Dimensions (names of top-level members) and Metrics (names of top-level members)
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
    const { project, logs } = withFunctionName();

    await project(batch([snap('a', 1, { n: 1 }), snap('a', 1, { n: 2 }), { raw: 'bad!' }]));

    const line = logs[0] as any;
    expect(line._aws).toEqual({
      Timestamp: expect.any(Number),
      CloudWatchMetrics: [{
        Namespace: 'CdkMessagePatterns/Projector',
        Dimensions: [['FunctionName']],
        Metrics: [{ Name: 'ConflictingEvents', Unit: 'Count' }, { Name: 'ParkedRecords', Unit: 'Count' }],
      }],
    });
    expect(line).toMatchObject({ FunctionName: 'orders-projector', ConflictingEvents: 1, ParkedRecords: 2 });
    expect(JSON.parse(JSON.stringify(line))).toEqual(line);
  });

  test('a batch without problems still writes both metrics, as zero, so that their alarms have data', async () => {
    const { project, logs } = withFunctionName();

    await project(batch([snap('a', 1)]));

    expect(logs[0]).toMatchObject({ level: 'INFO', ConflictingEvents: 0, ParkedRecords: 0 });
  });

  test('without a function name (outside Lambda) the line carries no metrics', async () => {
    const { project, logs } = setup();

    await project(batch([snap('a', 1)]));

    expect(logs[0]).not.toHaveProperty('_aws');
  });
});
