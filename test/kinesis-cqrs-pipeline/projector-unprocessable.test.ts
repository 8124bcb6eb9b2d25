/**
 * Records the projector can never project: envelope validation, the failure queue, and what is
 * reported when the failure queue cannot take them.
 */
import * as fc from 'fast-check';
import { base64, batch, failures, sequenceNumber, setup, SHARD_ID, snap, STREAM_ARN, timeOf } from './projector-fixtures';
import { parseRecordData } from '../../src/kinesis-cqrs-pipeline/projector';

// ---------------------------------------------------------------------------
// Unit tests
// ---------------------------------------------------------------------------

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
    ['number 1e200 is outside the range DynamoDB can store', base64('{"entityId":"a","version":1,"type":"t","time":"2024-01-01T00:00:00Z","data":{"x":1e200}}')],
    ['data must not nest more than 31 levels', base64(`{"entityId":"a","version":1,"type":"t","time":"2024-01-01T00:00:00Z","data":${'{"x":'.repeat(32)}1${'}'.repeat(32)}}`)],
  ])('rejects a record: %s', (reason, data) => {
    expect(parseRecordData(data)).toEqual({ ok: false, reason });
  });

  test('base64 is judged by the grammar of RFC 4648, section 4 (groups of 4 characters, the last one padded with = or ==)', () => {
    // The RFC's grammar, written as groups: the reference the projector's faster check must agree with.
    const grammar = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
    const text = fc.string({ unit: fc.constantFrom(...'AZaz09+/=-_ !'.split('')), maxLength: 12 });
    fc.assert(fc.property(text, (candidate) => {
      const valid = parseRecordData(candidate).ok || (parseRecordData(candidate) as { reason: string }).reason !== 'data is not valid base64';
      expect(valid).toBe(grammar.test(candidate));
    }), { numRuns: 2000 });
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
      cause: 'unparseable',
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
    expect(logs[0]).toMatchObject({ level: 'WARN', parked: { unparseable: 1 }, sentToFailureQueue: 1 });
  });

  test('a record whose state exceeds the item size limit goes to the failure queue', async () => {
    const { table, queue, project } = setup();

    const response = await project(batch([snap('big', 1, { blob: 'x'.repeat(410 * 1024) }), snap('a', 1)]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(queue.received.map((r) => [r.sequenceNumber, r.reason])).toEqual([
      [sequenceNumber(0), expect.stringMatching(/^the state at version 1 would make a \d+-byte item, above DynamoDB's item size limit of 409600 bytes$/)],
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
