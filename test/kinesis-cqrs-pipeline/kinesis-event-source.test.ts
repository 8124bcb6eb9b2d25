/**
 * The offline model of Lambda's Kinesis event source mapping (`test/helpers/kinesis-event-source.ts`),
 * driven by stub handlers: the projector's event-source tests prove nothing if it does not behave
 * as its header says Lambda does. Each test names the behaviour it checks; the header cites the
 * AWS documentation of each.
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { discardedIn, KinesisEventSource, type KinesisEventSourceConfig } from '../helpers/kinesis-event-source';

function source(config: Partial<KinesisEventSourceConfig> = {}): KinesisEventSource {
  return new KinesisEventSource({ batchSize: 10, retryAttempts: 10, bisectBatchOnError: false, reportBatchItemFailures: true, ...config });
}

/** Appends `n` records; their data is `record <position>`. */
function put(events: KinesisEventSource, n: number): void {
  for (let i = 0; i < n; i++) {
    const position = events.records.length;
    events.put(Buffer.from(`record ${position}`).toString('base64'), `pk-${position}`);
  }
}

/** Shard positions of the records of each invocation. */
function batches(events: KinesisEventSource): number[][] {
  return events.invocations.map((invocation) => invocation.records.map((r) => events.positionOf(r.kinesis.sequenceNumber)));
}

function positions(events: KinesisEventSource, event: KinesisStreamEvent): number[] {
  return event.Records.map((r) => events.positionOf(r.kinesis.sequenceNumber));
}

/** A partial batch response reporting the records at these shard positions. */
function reporting(events: KinesisEventSource, ...at: number[]): KinesisStreamBatchResponse {
  return { batchItemFailures: at.map((p) => ({ itemIdentifier: events.records[p].kinesis.sequenceNumber })) };
}

const succeed = async (): Promise<KinesisStreamBatchResponse> => ({ batchItemFailures: [] });

describe('Kinesis event source model: batches and checkpoints', () => {
  test('a batch holds up to batchSize records from the checkpoint; a success checkpoints past it', async () => {
    const events = source({ batchSize: 3 });
    put(events, 7);

    await events.drain(succeed);

    expect(batches(events)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(events.invocations.length).toBe(3);
    expect(events.recordsDelivered).toBe(7);
    expect(events.checkpoint).toBe(7);
    expect(events.discardedBatches).toBe(0);
  });

  test.each([
    ['no response', undefined],
    ['a null response', null],
    ['an empty response', {}],
    ['a null list', { batchItemFailures: null }],
    ['an empty list', { batchItemFailures: [] }],
  ])('%s is a complete success', async (_, response) => {
    const events = source();
    put(events, 3);

    await events.drain(async () => response);

    expect(batches(events)).toEqual([[0, 1, 2]]);
    expect(events.invocations[0].outcome).toEqual({ kind: 'success' });
  });

  test('records appended while the consumer runs are read by later batches, as they arrive', async () => {
    const events = source({ batchSize: 4 });
    const chunks = [2, 0, 5, 1];

    await events.drain(succeed, {
      producer: (s) => {
        put(s, chunks.shift() ?? 0);
        return chunks.length > 0;
      },
    });

    expect(batches(events)).toEqual([[0, 1], [2, 3, 4, 5], [6, 7]]);
    // Records keep their arrival time: the clock moved while the shard was idle.
    const arrivals = events.records.map((r) => r.kinesis.approximateArrivalTimestamp);
    expect(arrivals).toEqual([...arrivals].sort((a, b) => a - b));
    expect(arrivals[7]).toBeGreaterThan(arrivals[0]);
  });

  test('a partial failure checkpoints at the lowest reported sequence number, compared as a number, and retries from there', async () => {
    // Sequence numbers 990, 995, 1000, 1005, 1010: as strings, '1000' < '995'.
    const events = source({ firstSequenceNumber: 990n, sequenceNumberStep: 5n });
    put(events, 5);
    let calls = 0;

    await events.drain(async () => (calls++ === 0 ? reporting(events, 3, 2, 1) : undefined));

    expect(events.records.map((r) => r.kinesis.sequenceNumber)).toEqual(['990', '995', '1000', '1005', '1010']);
    expect(events.invocations[0].outcome).toEqual({ kind: 'partial', index: 1 });
    expect(events.invocations[0].settled).toBe(1);
    expect(batches(events)).toEqual([[0, 1, 2, 3, 4], [1, 2, 3, 4]]);
  });

  test('without ReportBatchItemFailures, reported items are ignored: the batch succeeded', async () => {
    const events = source({ reportBatchItemFailures: false });
    put(events, 3);

    await events.drain(async () => reporting(events, 0));

    expect(batches(events)).toEqual([[0, 1, 2]]);
    expect(events.checkpoint).toBe(3);
  });

  test.each([
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null itemIdentifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a wrong key name', { batchItemFailures: [{ itemId: 'x' }] }],
    ['an itemIdentifier that is no sequence number of the batch', { batchItemFailures: [{ itemIdentifier: '42' }] }],
    ['a list that is not a list', { batchItemFailures: 'all of them' }],
  ])('%s is a complete failure: the whole batch is retried', async (_, response) => {
    const events = source({ retryAttempts: 1 });
    put(events, 3);
    let calls = 0;

    await events.drain(async () => (calls++ === 0 ? response : undefined));

    expect(events.invocations[0].outcome.kind).toBe('invalid-response');
    expect(events.invocations[0].settled).toBe(0);
    expect(batches(events)).toEqual([[0, 1, 2], [0, 1, 2]]);
    expect(events.invocations[1].retries).toBe(1);
  });
});

describe('Kinesis event source model: the two readings of the documentation', () => {
  test('(a) after a partial failure, the retry carries the remaining records of the batch, or reads from the checkpoint', async () => {
    const run = async (retryAfterPartialFailure: 'remaining-records' | 'from-checkpoint') => {
      const events = source({ batchSize: 4, retryAfterPartialFailure });
      put(events, 4);
      let calls = 0;
      await events.drain(async () => {
        if (calls++ === 0) {
          put(events, 2); // written while the first batch runs
          return reporting(events, 2);
        }
        return undefined;
      });
      return batches(events);
    };

    expect(await run('remaining-records')).toEqual([[0, 1, 2, 3], [2, 3], [4, 5]]);
    expect(await run('from-checkpoint')).toEqual([[0, 1, 2, 3], [2, 3, 4, 5]]);
  });

  test('(b) the retry count is kept across partial failures that move the checkpoint, unless reset on progress', async () => {
    // The handler always fails the second record of its batch: each retry moves the checkpoint by one.
    const run = async (resetRetriesOnProgress: boolean) => {
      const events = source({ retryAttempts: 2, resetRetriesOnProgress });
      put(events, 5);
      await events.drain(async (event) => (event.Records.length > 1 ? reporting(events, positions(events, event)[1]) : undefined));
      return events;
    };

    const kept = await run(false);
    expect(batches(kept)).toEqual([[0, 1, 2, 3, 4], [1, 2, 3, 4], [2, 3, 4]]);
    expect(kept.invocations.map((i) => i.retries)).toEqual([0, 1, 2]);
    expect(kept.destination.map((d) => [d.requestContext.condition, d.KinesisBatchInfo.batchSize])).toEqual([['RetryAttemptsExhausted', 2]]);
    expect(discardedIn(kept.destination[0], kept.records[3].kinesis.sequenceNumber)).toBe(true);
    expect(discardedIn(kept.destination[0], kept.records[2].kinesis.sequenceNumber)).toBe(false);
    expect(kept.checkpoint).toBe(5);

    const reset = await run(true);
    expect(batches(reset)).toEqual([[0, 1, 2, 3, 4], [1, 2, 3, 4], [2, 3, 4], [3, 4], [4]]);
    expect(reset.destination).toEqual([]);
  });
});

describe('Kinesis event source model: complete failures', () => {
  test('a thrown error retries the same batch; after retryAttempts retries it is discarded to the destination, metadata only', async () => {
    const events = source({ batchSize: 3, retryAttempts: 2 });
    put(events, 3);
    let calls = 0;

    await events.drain(async () => {
      calls++;
      if (calls === 3) {
        put(events, 2);
      }
      if (calls <= 3) {
        throw new Error('Task timed out after 60.00 seconds');
      }
      return undefined;
    });

    expect(batches(events)).toEqual([[0, 1, 2], [0, 1, 2], [0, 1, 2], [3, 4]]);
    expect(events.invocations.map((i) => i.retries)).toEqual([0, 1, 2, 0]);
    const [first, , third] = events.records;
    expect(events.destination).toEqual([{
      requestContext: {
        requestId: 'request-1',
        functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:projector',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.any(String),
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: first.kinesis.sequenceNumber,
        endSequenceNumber: third.kinesis.sequenceNumber,
        approximateArrivalOfFirstRecord: new Date(first.kinesis.approximateArrivalTimestamp * 1000).toISOString(),
        approximateArrivalOfLastRecord: new Date(third.kinesis.approximateArrivalTimestamp * 1000).toISOString(),
        batchSize: 3,
        streamArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/events',
      },
    }]);
    expect(JSON.stringify(events.destination)).not.toContain(first.kinesis.data);
    expect(events.checkpoint).toBe(5);
  });

  test('with retryAttempts 0 a failed batch is invoked once', async () => {
    const events = source({ retryAttempts: 0 });
    put(events, 2);

    await events.drain(async () => {
      throw new Error('boom');
    });

    expect(events.invocations.length).toBe(1);
    expect(events.destination.map((d) => d.requestContext.approximateInvokeCount)).toEqual([1]);
  });

  test('bisect: a failed batch is split in two halves retried separately, and splitting does not consume the retry quota', async () => {
    const events = source({ retryAttempts: 1, bisectBatchOnError: true });
    put(events, 8);
    const poison = events.records[5].kinesis.sequenceNumber;

    await events.drain(async (event) => {
      if (event.Records.some((r) => r.kinesis.sequenceNumber === poison)) {
        throw new Error('poison record');
      }
      return undefined;
    });

    expect(batches(events)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3], [4, 5, 6, 7], [4, 5], [4], [5], [5], [6, 7]]);
    expect(events.invocations.map((i) => i.retries)).toEqual([0, 0, 0, 0, 0, 0, 1, 0]);
    const discarded = events.destination.map(({ KinesisBatchInfo: batchInfo, requestContext }) =>
      [batchInfo.startSequenceNumber, batchInfo.endSequenceNumber, requestContext.approximateInvokeCount]);
    expect(discarded).toEqual([[poison, poison, 2]]);
    expect(events.checkpoint).toBe(8);
  });

  test('bisect with ReportBatchItemFailures: a partial failure retries the remaining records, not halves', async () => {
    const events = source({ bisectBatchOnError: true });
    put(events, 6);
    let calls = 0;

    await events.drain(async () => (calls++ === 0 ? reporting(events, 2) : undefined));

    expect(batches(events)).toEqual([[0, 1, 2, 3, 4, 5], [2, 3, 4, 5]]);
  });
});

describe('Kinesis event source model: record age', () => {
  test('a batch retried past maxRecordAge is discarded with RecordAgeExceeded', async () => {
    // Each failed attempt takes 100 ms and waits 1 s: the records are 60.5 s old at the 56th poll.
    const events = source({ retryAttempts: 10_000, maxRecordAgeMs: 60_000, invocationMs: 100, retryDelayMs: 1000 });
    put(events, 2);

    await events.drain(async () => {
      throw new Error('DynamoDB is down');
    });

    expect(events.invocations.length).toBe(55);
    expect(events.destination.map((d) => [d.requestContext.condition, d.requestContext.approximateInvokeCount, d.KinesisBatchInfo.batchSize]))
      .toEqual([['RecordAgeExceeded', 55, 2]]);
    expect(events.checkpoint).toBe(2);
  });

  test('records older than maxRecordAge are discarded without being delivered; the rest of the batch is delivered', async () => {
    const events = source({ batchSize: 5, maxRecordAgeMs: 60_000 });
    put(events, 3);
    events.advance(61_000);
    put(events, 2);

    await events.drain(succeed);

    expect(events.destination.map((d) => [d.requestContext.condition, d.requestContext.approximateInvokeCount, d.KinesisBatchInfo.batchSize]))
      .toEqual([['RecordAgeExceeded', 0, 3]]);
    expect(events.destination[0].responseContext).toBeUndefined();
    expect(batches(events)).toEqual([[3, 4]]);
  });
});

describe('Kinesis event source model: at-least-once delivery and settings', () => {
  test('a duplicated delivery invokes the function twice with the same batch; the first response is ignored and is no retry', async () => {
    const events = source({ retryAttempts: 0, duplicateDelivery: (n) => n === 1 });
    put(events, 2);
    let calls = 0;

    await events.drain(async () => {
      if (calls++ === 0) {
        throw new Error('lost response');
      }
      return undefined;
    });

    expect(batches(events)).toEqual([[0, 1], [0, 1]]);
    expect(events.invocations.map((i) => i.duplicate)).toEqual([true, false]);
    expect(events.destination).toEqual([]);
    expect(events.recordsDelivered).toBe(4);
  });

  test('drain fails when the shard does not drain', async () => {
    const events = source({ retryAttempts: 10_000 });
    put(events, 1);

    await expect(events.drain(async () => reporting(events, 0), { maxPolls: 20 })).rejects.toThrow('did not drain in 20 polls');
  });

  test.each([
    [{ batchSize: 0 }, 'batchSize must be an integer from 1 to 10000'],
    [{ batchSize: 10_001 }, 'batchSize must be an integer from 1 to 10000'],
    [{ retryAttempts: -1 }, 'retryAttempts must be an integer from 0 to 10000'],
    [{ retryAttempts: 1.5 }, 'retryAttempts must be an integer from 0 to 10000'],
    [{ maxRecordAgeMs: 59_999 }, 'maxRecordAgeMs must be an integer from 60000 to 604800000'],
  ])('refuses %j', (config, message) => {
    expect(() => source(config)).toThrow(message);
  });
});
