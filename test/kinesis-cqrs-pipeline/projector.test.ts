/**
 * The projector in the default snapshot mode, and how DynamoDB failures move the checkpoint.
 * Patch mode, unprocessable records, the Lambda adapters and the property test have their own files.
 */
import { batch, failures, sequenceNumber, setup, snap, timeOf } from './projector-fixtures';

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
