/**
 * The projector in patch mode: folding onto the stored state, version gaps and write conflicts.
 */
import { batch, failures, patch, sequenceNumber, setup, snap, timeOf } from './projector-fixtures';
import { mergePatch } from '../../src/kinesis-cqrs-pipeline/projector';

// ---------------------------------------------------------------------------
// Unit tests
// ---------------------------------------------------------------------------

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

  test('a patch whose previous version is missing is parked at once, and the rest of the batch proceeds', async () => {
    const { table, queue, project, logs } = setup();
    await project(batch([snap('a', 1, { n: 1 })]));

    // Version 3 of a is in neither the table nor the batch: waiting would only hold the shard (Lambda
    // retries from a reported record until its retry limit, then discards the rest of the batch:
    // https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html).
    const response = await project(batch([patch('a', 2, { n: 2 }), snap('b', 1), patch('a', 4, { n: 4 }), patch('a', 5, { n: 5 })], 1));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(table.entity('a')).toMatchObject({ version: 2, state: { n: 2 } });
    expect(table.entity('b')).toMatchObject({ version: 1 });
    expect(queue.received.map((r) => [r.sequenceNumber, r.cause])).toEqual([
      [sequenceNumber(3), 'missing-version'],
      [sequenceNumber(4), 'missing-version'],
    ]);
    expect(queue.received[0].reason).toBe('version 3 is missing (the read model or the batch holds version 2): a patch applies on the version before it');
    expect(logs[1]).toMatchObject({ level: 'WARN', applied: 2, parked: { 'missing-version': 2 } });
  });

  test('an entity with a parked version parks its later patches until a snapshot heals it', async () => {
    const { table, queue, project } = setup();
    await project(batch([snap('a', 1, { n: 1 }), patch('a', 3, { n: 3 })]));

    await project(batch([patch('a', 2, { n: 2 })], 2));
    await project(batch([patch('a', 4, { n: 4 })], 3));
    await project(batch([snap('a', 5, { n: 5 }), patch('a', 6, { m: 6 })], 4));

    expect(queue.received.map((r) => r.sequenceNumber)).toEqual([sequenceNumber(1), sequenceNumber(3)]);
    expect(table.entity('a')).toMatchObject({ version: 6, state: { n: 5, m: 6 } });
  });

  test('a version arriving after its successor within the batch is folded in order', async () => {
    const { table, queue, project } = setup();
    await project(batch([snap('a', 1, { n: 1 })]));

    const response = await project(batch([patch('a', 3, { o: 3 }), snap('b', 1), patch('a', 2, { n: 2 })], 1));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(queue.received).toEqual([]);
    expect(table.entity('a')).toMatchObject({ version: 3, state: { n: 2, o: 3 } });
  });

  test('a patch whose base only the table holds is applied on it (read, not parked)', async () => {
    const { table, queue, project } = setup();
    await project(batch([snap('a', 1, { n: 1 }), patch('a', 2, { n: 2 })]));

    // A redelivery of v1 with the next patch v3: the batch alone misses v2, the table has it.
    await project(batch([snap('a', 1, { n: 1 }), patch('a', 3, { o: 3 })], 2));

    expect(queue.received).toEqual([]);
    expect(table.entity('a')).toMatchObject({ version: 3, state: { n: 2, o: 3 } });
  });

  test('a concurrent write is detected and the fold is redone on the returned item; its different version is a conflict', async () => {
    const { table, queue, project } = setup();
    await project(batch([snap('a', 1, { n: 1 })]));
    table.beforePut = () => {
      table.beforePut = undefined;
      table.items.set('a', { pk: { S: 'a' }, version: { N: '2' }, type: { S: 'Other' }, updatedAt: { S: timeOf(2) }, state: { M: { other: { S: 'yes' } } } });
    };

    const response = await project(batch([patch('a', 2, { n: 2 }), patch('a', 3, { m: 3 })], 1));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(table.count(table.gets, 'a')).toBe(1);
    expect(table.entity('a')).toMatchObject({ version: 3, state: { other: 'yes', m: 3 } });
    // Two writers produced a version 2: the one in the read model wins, ours is parked.
    expect(queue.received.map((r) => [r.sequenceNumber, r.cause, r.reason])).toEqual([
      [sequenceNumber(1), 'conflict', 'conflict: version 2 differs from the version 2 in the read model'],
    ]);
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
