/**
 * The Lambda side of the projector: configuration from the environment, the SQS failure-queue
 * adapter, and the handler wired as Lambda loads it.
 */
import { batch, failures, sequenceNumber, SHARD_ID, STREAM_ARN } from './projector-fixtures';
import { configFromEnv, failureMessageBody, sqsFailureSender, type SqsBatchEntry, type UnprocessableRecord } from '../../src/kinesis-cqrs-pipeline/projector';

// ---------------------------------------------------------------------------
// Unit tests
// ---------------------------------------------------------------------------

describe('configFromEnv', () => {
  test('requires TABLE_NAME and defaults PARTITION_KEY to pk', () => {
    expect(configFromEnv({ TABLE_NAME: 'rm' })).toEqual({ tableName: 'rm', partitionKey: 'pk' });
    expect(configFromEnv({ TABLE_NAME: 'rm', PARTITION_KEY: 'id' })).toEqual({ tableName: 'rm', partitionKey: 'id' });
    // Lambda sets AWS_LAMBDA_FUNCTION_NAME: the dimension of the metrics in the log line.
    expect(configFromEnv({ TABLE_NAME: 'rm', AWS_LAMBDA_FUNCTION_NAME: 'projector' })).toEqual({ tableName: 'rm', partitionKey: 'pk', functionName: 'projector' });
    expect(() => configFromEnv({})).toThrow('TABLE_NAME environment variable is required');
    expect(() => configFromEnv({ TABLE_NAME: 'rm', PARTITION_KEY: 'state' })).toThrow(/PARTITION_KEY must not be one of/);
  });
});

describe('sqsFailureSender', () => {
  const unprocessable = (i: number, data = 'AAAA'): UnprocessableRecord => ({
    reason: 'data is not valid JSON',
    cause: 'unparseable',
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
