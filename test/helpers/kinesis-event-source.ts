/**
 * An offline model of one shard of a Lambda event source mapping for Kinesis, with a simulated
 * clock: it turns a stream of records into the invocations Lambda would make, applies the
 * function's responses (checkpoints, retries, bisection, discards) and collects what Lambda would
 * send to the on-failure destination. It is deterministic: the same records, responses and config
 * give the same invocations. Tests drive a handler through it (`poll`, `drain`) and may append
 * records at any time, as a producer writing while the consumer runs.
 *
 * What it models, with the AWS documentation each behaviour comes from:
 *
 * - A batch holds up to `batchSize` records (1 to 10,000), read from the checkpoint, in shard
 *   order, all from one shard; Lambda invokes as soon as records are available (no batching
 *   window, and the 6 MB payload limit is not modelled).
 *   (Developer Guide, "Lambda parameters for Amazon Kinesis Data Streams event source mappings",
 *   BatchSize: https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-parameters.html;
 *   "Using Lambda to process records from Amazon Kinesis Data Streams", polling and batching:
 *   https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html)
 * - Without `ReportBatchItemFailures` Lambda checkpoints past the batch only when the batch is a
 *   complete success, and treats every other result as a complete failure. With it, an empty or
 *   null `batchItemFailures` list, and an empty or null response, are a complete success; when the
 *   list names records, Lambda uses the lowest sequence number as the checkpoint and retries all
 *   records from there; an empty or null `itemIdentifier` (or one under a wrong key name, which
 *   reads as null) is a complete failure. Sequence numbers are compared as numbers.
 *   (Developer Guide, "Configuring partial batch response with Kinesis Data Streams and Lambda",
 *   "Report syntax" and "Success and failure conditions":
 *   https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html)
 *   Modelling choices the page does not spell out: an `itemIdentifier` that is not the sequence
 *   number of a record of the batch is a complete failure, like a null one; a `batchItemFailures`
 *   that is neither an array nor null is a complete failure; a response that is not a JSON object
 *   reads as no response (a success).
 * - A thrown error (a function error; a timeout surfaces the same way) is a complete failure. With
 *   `bisectBatchOnError`, a failed batch is split in two halves, retried separately, first half
 *   first; splitting does not consume the retry quota. A batch of one record cannot be split: its
 *   failure is a retry.
 *   (Developer Guide, "Retain discarded batch records for a Kinesis Data Streams event source in
 *   Lambda": https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html;
 *   API Reference, CreateEventSourceMapping, BisectBatchOnFunctionError:
 *   https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html)
 * - Retries are bounded by `retryAttempts` (0 to 10,000: the batch is invoked at most
 *   `retryAttempts + 1` times, bisection aside) and by `maxRecordAge` (60 s to 7 days, or none).
 *   When a bound is reached Lambda discards the batch: it sends the batch's metadata, never the
 *   records' data, to the on-failure destination (shard, first and last sequence number, batch
 *   size, approximate arrival of the first and last record, the condition `RetryAttemptsExhausted`
 *   or `RecordAgeExceeded`) and continues past it.
 *   (kinesis-on-failure-destination.html above, and its example invocation record; parameters page
 *   above for the ranges; CreateEventSourceMapping, MaximumRetryAttempts and
 *   MaximumRecordAgeInSeconds: records are discarded after that many retries, or past that age)
 *   Modelling choice: records older than `maxRecordAge` are discarded before an invocation, never
 *   sent to the function; since arrival times grow along the shard they are a prefix of the
 *   batch, discarded as one destination entry, and the rest of the batch is delivered.
 * - Delivery is at least once: with `duplicateDelivery`, chosen batches are invoked twice, as when
 *   a response is lost; the first response is ignored and counts as no retry.
 *   (Developer Guide, "How Lambda processes records from stream and queue-based event sources":
 *   each event is processed at least once and may be processed more than once,
 *   https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html)
 *
 * Two points the documentation leaves open are options, so that tests can run under every reading
 * (the defaults are the stricter readings):
 *
 * (a) `retryAfterPartialFailure`: what a retry after a partial failure carries.
 *   - The partial batch response page, on `batchItemFailures`: the lowest reported sequence
 *     number becomes the checkpoint and every record from it is retried. That reads as a new batch
 *     read from the checkpoint, up to `batchSize` records, new ones included (`'from-checkpoint'`).
 *   - The same page, section "Bisecting a batch": with both BisectBatchOnFunctionError and
 *     ReportBatchItemFailures on, a partial success splits the batch at the reported sequence
 *     number and only the rest of that batch is retried (`'remaining-records'`, the default;
 *     stricter because the retried batch is smaller and the other half of a bisected batch still
 *     waits its turn).
 *   Under both readings a complete failure retries the same batch (or its halves), as both pages
 *   describe.
 * (b) `resetRetriesOnProgress`: whether the retry count starts again when a partial failure moved
 *   the checkpoint forward. The pages above say only that failures are retried according to the
 *   retry settings, up to the retry limit; nothing says that a checkpoint within the batch makes a
 *   new batch. Default `false` (stricter): the count is kept until a batch fully succeeds (or is
 *   discarded), so every failed invocation of a batch and of its remaining records counts against
 *   one quota.
 *
 * Not modelled: parallelization factor, tumbling windows, filtering, resharding, the 6 MB payload
 * limit, Lambda-side throttles (retry attempts count invocations that reached the function, not
 * service errors or throttles before it: with-kinesis.html above), and the exact retry backoff (a
 * fixed `retryDelayMs` on the simulated clock).
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/** What a retry after a partial failure carries; see the module documentation, point (a). */
export type RetryAfterPartialFailure = 'remaining-records' | 'from-checkpoint';

/** Settings of the simulated event source mapping. */
export interface KinesisEventSourceConfig {
  /** Records per batch, 1 to 10,000 (`BatchSize`). */
  readonly batchSize: number;
  /** Retries of a failed batch, 0 to 10,000 (`MaximumRetryAttempts`). */
  readonly retryAttempts: number;
  /** Records older than this are discarded, 60 s to 7 days, in ms (`MaximumRecordAgeInSeconds`). @default - no limit */
  readonly maxRecordAgeMs?: number;
  /** Split a batch in two on a function error (`BisectBatchOnFunctionError`). */
  readonly bisectBatchOnError: boolean;
  /** Read `batchItemFailures` from responses (`FunctionResponseTypes: ['ReportBatchItemFailures']`). */
  readonly reportBatchItemFailures: boolean;
  /** Point (a) of the module documentation. @default 'remaining-records' */
  readonly retryAfterPartialFailure?: RetryAfterPartialFailure;
  /** Point (b) of the module documentation. @default false */
  readonly resetRetriesOnProgress?: boolean;
  /** Whether invocation number `n` (from 1) delivers its batch twice, the first response being lost. @default never */
  readonly duplicateDelivery?: (invocation: number) => boolean;
  /** Simulated duration of an invocation, in ms. @default 100 */
  readonly invocationMs?: number;
  /** Simulated wait before retrying a failed batch, in ms. @default 1000 */
  readonly retryDelayMs?: number;
  /** Simulated wait between polls of an idle shard, in ms (Lambda polls once per second). @default 1000 */
  readonly idlePollMs?: number;
  /** Simulated time at the start, in ms since the epoch. @default 2024-01-01T00:00:00Z */
  readonly startTime?: number;
  readonly shardId?: string;
  readonly streamArn?: string;
  readonly functionArn?: string;
  /** Sequence number of the first record. @default a 56-digit number, as Kinesis assigns */
  readonly firstSequenceNumber?: bigint;
  /** Increment between consecutive sequence numbers (Kinesis only promises that they increase). @default 1000 */
  readonly sequenceNumberStep?: bigint;
}

/** Why Lambda discarded a batch. */
export type DiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/**
 * What Lambda sends to the on-failure destination for a discarded Kinesis batch: metadata only
 * (the shape of the example invocation record of kinesis-on-failure-destination.html).
 */
export interface OnFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: DiscardCondition;
    readonly approximateInvokeCount: number;
  };
  /** Present when the function was invoked; `functionError` when the last invocation threw. */
  readonly responseContext?: { readonly statusCode: number; readonly executedVersion: string; readonly functionError?: string };
  readonly version: '1.0';
  /** When the batch was discarded (ISO-8601). */
  readonly timestamp: string;
  readonly KinesisBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    /** ISO-8601. */
    readonly approximateArrivalOfFirstRecord: string;
    /** ISO-8601. */
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
}

/** A Kinesis batch handler; what it resolves to is read as a partial batch response. */
export type KinesisHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse | null | undefined | void | unknown>;

/** How the event source read one invocation's result. */
export type InvocationOutcome =
  | { readonly kind: 'success' }
  /** `index`: position in the batch of the lowest reported sequence number. */
  | { readonly kind: 'partial'; readonly index: number }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'invalid-response'; readonly reason: string };

/** One invocation, as the event source made it. */
export interface Invocation {
  /** 1, 2, ... in call order. */
  readonly number: number;
  /** Shard positions (0-based, in append order) of the batch's first record and past its last. */
  readonly start: number;
  readonly end: number;
  readonly records: readonly KinesisStreamRecord[];
  /** Retries of this batch before this invocation (0: first attempt; bisection does not count). */
  readonly retries: number;
  /** True for the first of a duplicated delivery: its response was ignored. */
  readonly duplicate: boolean;
  readonly response?: unknown;
  readonly outcome: InvocationOutcome;
  /** Records of the batch that this response settles: all on success, those before the reported one on a partial failure, none otherwise. */
  readonly settled: number;
  /** Simulated time of the invocation, in ms. */
  readonly at: number;
}

/** What one poll did. */
export type PollResult =
  | { readonly kind: 'invoked'; readonly invocation: Invocation }
  | { readonly kind: 'expired'; readonly discarded: OnFailureRecord };

interface StoredRecord {
  readonly record: KinesisStreamRecord;
  readonly sequenceNumber: bigint;
  readonly arrivalMs: number;
}

/** A batch waiting for its (next) invocation: shard positions [start, end). */
interface Segment {
  start: number;
  readonly end: number;
  retries: number;
  invokeCount: number;
  /** Read from the checkpoint and never invoked: may be read again after an age discard. */
  fresh: boolean;
  lastError: boolean;
}

const DEFAULT_START = Date.UTC(2024, 0, 1);
const DEFAULT_FIRST_SEQUENCE = 49590338271490256608559692538361571095921575989136588898n;
const MIN_RECORD_AGE_MS = 60_000;
const MAX_RECORD_AGE_MS = 604_800_000;

/** One shard of a Kinesis event source mapping, simulated. */
export class KinesisEventSource {
  /** What Lambda sent to the on-failure destination, in order. */
  readonly destination: OnFailureRecord[] = [];
  /** Every invocation, duplicates included, in order. */
  readonly invocations: Invocation[] = [];
  /** Records delivered to the function, summed over invocations (redeliveries count again). */
  recordsDelivered = 0;

  private readonly config: Required<Omit<KinesisEventSourceConfig, 'maxRecordAgeMs' | 'duplicateDelivery'>>
    & Pick<KinesisEventSourceConfig, 'maxRecordAgeMs' | 'duplicateDelivery'>;
  private readonly stored: StoredRecord[] = [];
  private readonly queue: Segment[] = [];
  private checkpointPosition = 0;
  private clock: number;
  private nextSequence: bigint;

  constructor(config: KinesisEventSourceConfig) {
    checkInteger('batchSize', config.batchSize, 1, 10_000);
    checkInteger('retryAttempts', config.retryAttempts, 0, 10_000);
    if (config.maxRecordAgeMs !== undefined) {
      checkInteger('maxRecordAgeMs', config.maxRecordAgeMs, MIN_RECORD_AGE_MS, MAX_RECORD_AGE_MS);
    }
    const streamArn = config.streamArn ?? 'arn:aws:kinesis:eu-west-1:123456789012:stream/events';
    this.config = {
      retryAfterPartialFailure: 'remaining-records',
      resetRetriesOnProgress: false,
      invocationMs: 100,
      retryDelayMs: 1000,
      idlePollMs: 1000,
      startTime: DEFAULT_START,
      shardId: 'shardId-000000000000',
      streamArn,
      functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:projector',
      firstSequenceNumber: DEFAULT_FIRST_SEQUENCE,
      sequenceNumberStep: 1000n,
      ...config,
    };
    this.clock = this.config.startTime;
    this.nextSequence = this.config.firstSequenceNumber;
  }

  // -------------------------------------------------------------------------
  // The stream (producer side) and the clock
  // -------------------------------------------------------------------------

  /** Simulated time, in ms since the epoch. */
  get now(): number {
    return this.clock;
  }

  /** Moves the simulated clock forward. */
  advance(ms: number): void {
    if (!(ms >= 0)) {
      throw new Error(`advance: ${ms} is not a duration`);
    }
    this.clock += ms;
  }

  /** Appends a record to the shard (a PutRecord): `data` is the base64 the function receives. Arrives now. */
  put(data: string, partitionKey: string): KinesisStreamRecord {
    const sequenceNumber = this.nextSequence;
    this.nextSequence += this.config.sequenceNumberStep;
    const seq = sequenceNumber.toString();
    const record: KinesisStreamRecord = {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey,
        sequenceNumber: seq,
        data,
        approximateArrivalTimestamp: this.clock / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${this.config.shardId}:${seq}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/projector',
      awsRegion: this.config.streamArn.split(':')[3] ?? 'eu-west-1',
      eventSourceARN: this.config.streamArn,
    };
    this.stored.push({ record, sequenceNumber, arrivalMs: this.clock });
    return copyRecord(record);
  }

  /** Every record appended so far, in shard order. */
  get records(): readonly KinesisStreamRecord[] {
    return this.stored.map((s) => s.record);
  }

  /** Shard position (0-based) of a sequence number; -1 if unknown. */
  positionOf(sequenceNumber: string): number {
    return this.stored.findIndex((s) => s.record.kinesis.sequenceNumber === sequenceNumber);
  }

  /** Shard position of the first record not yet checkpointed (nor discarded). */
  get checkpoint(): number {
    return this.checkpointPosition;
  }

  /** Records appended but not yet checkpointed (nor discarded). */
  get pending(): number {
    return this.stored.length - this.checkpointPosition;
  }

  /** Batches discarded to the on-failure destination. */
  get discardedBatches(): number {
    return this.destination.length;
  }

  // -------------------------------------------------------------------------
  // The poller (consumer side)
  // -------------------------------------------------------------------------

  /**
   * One step of the poller: discards the expired head of the next batch, or invokes the handler
   * with it (twice for a duplicated delivery) and applies the response. `undefined` when no record
   * is waiting.
   */
  async poll(handler: KinesisHandler): Promise<PollResult | undefined> {
    const segment = this.nextSegment();
    if (segment === undefined) {
      return undefined;
    }
    const expired = this.expiredPrefix(segment);
    if (expired > segment.start) {
      const discarded = this.discard(segment, segment.start, expired, 'RecordAgeExceeded');
      this.checkpointPosition = expired;
      if (segment.fresh || expired === segment.end) {
        this.queue.shift();
      } else {
        segment.start = expired;
      }
      return { kind: 'expired', discarded };
    }
    const number = this.invocations.length + 1;
    if (this.config.duplicateDelivery?.(number) === true) {
      await this.invoke(handler, segment, true);
    }
    const invocation = await this.invoke(handler, segment, false);
    this.apply(segment, invocation.outcome);
    return { kind: 'invoked', invocation };
  }

  /**
   * Polls until every record is checkpointed or discarded and the producer is done. Before each
   * poll, `producer` may append records; it returns whether it will append more later. An idle
   * poll moves the clock by `idlePollMs`.
   * @throws when the shard does not drain within `maxPolls` polls
   */
  async drain(handler: KinesisHandler, options: { producer?: (source: KinesisEventSource) => boolean; maxPolls?: number } = {}): Promise<void> {
    const maxPolls = options.maxPolls ?? 10_000;
    for (let polls = 0; polls < maxPolls; polls++) {
      const more = options.producer?.(this) ?? false;
      const result = await this.poll(handler);
      if (result === undefined) {
        if (!more) {
          return;
        }
        this.advance(this.config.idlePollMs);
      }
    }
    throw new Error(`the shard did not drain in ${maxPolls} polls: checkpoint at ${this.checkpointPosition} of ${this.stored.length} records`);
  }

  /** The batch to deliver next: the head of the queue, or a new batch read from the checkpoint. */
  private nextSegment(): Segment | undefined {
    if (this.queue.length === 0) {
      if (this.checkpointPosition >= this.stored.length) {
        return undefined;
      }
      this.queue.push(this.readFromCheckpoint(0));
    }
    return this.queue[0];
  }

  private readFromCheckpoint(retries: number): Segment {
    const start = this.checkpointPosition;
    const end = Math.min(start + this.config.batchSize, this.stored.length);
    return { start, end, retries, invokeCount: 0, fresh: retries === 0, lastError: false };
  }

  /** Position of the first record of the segment that is not too old (segment.end if none). */
  private expiredPrefix(segment: Segment): number {
    const maxAge = this.config.maxRecordAgeMs;
    let position = segment.start;
    while (maxAge !== undefined && position < segment.end && this.clock - this.stored[position].arrivalMs > maxAge) {
      position++;
    }
    return position;
  }

  private async invoke(handler: KinesisHandler, segment: Segment, duplicate: boolean): Promise<Invocation> {
    const records = this.stored.slice(segment.start, segment.end).map((s) => copyRecord(s.record));
    const at = this.clock;
    segment.invokeCount++;
    this.recordsDelivered += records.length;
    let response: unknown;
    let outcome: InvocationOutcome;
    try {
      response = await handler({ Records: records.map(copyRecord) });
      outcome = this.readResponse(response, records);
    } catch (error) {
      outcome = { kind: 'error', error };
    }
    this.clock += this.config.invocationMs;
    const settled = outcome.kind === 'success' ? records.length : outcome.kind === 'partial' ? outcome.index : 0;
    const invocation: Invocation = {
      number: this.invocations.length + 1,
      start: segment.start,
      end: segment.end,
      records,
      retries: segment.retries,
      duplicate,
      response,
      outcome,
      settled,
      at,
    };
    this.invocations.push(invocation);
    segment.lastError = outcome.kind === 'error';
    return invocation;
  }

  /** Reads a response as Lambda does (partial batch response page, "Success and failure conditions"). */
  private readResponse(response: unknown, records: readonly KinesisStreamRecord[]): InvocationOutcome {
    if (!this.config.reportBatchItemFailures || response === null || response === undefined || typeof response !== 'object') {
      return { kind: 'success' };
    }
    const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
    if (failures === null || failures === undefined) {
      return { kind: 'success' };
    }
    if (!Array.isArray(failures)) {
      return { kind: 'invalid-response', reason: 'batchItemFailures is not a list' };
    }
    if (failures.length === 0) {
      return { kind: 'success' };
    }
    let lowest: number | undefined;
    for (const failure of failures) {
      const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      if (typeof id !== 'string' || id === '') {
        return { kind: 'invalid-response', reason: 'an itemIdentifier is empty or null' };
      }
      const index = records.findIndex((r) => r.kinesis.sequenceNumber === id);
      if (index < 0) {
        return { kind: 'invalid-response', reason: `itemIdentifier ${id} is not a sequence number of the batch` };
      }
      if (lowest === undefined || BigInt(id) < BigInt(records[lowest].kinesis.sequenceNumber)) {
        lowest = index;
      }
    }
    return { kind: 'partial', index: lowest! };
  }

  /** Applies the outcome of an invocation to the checkpoint and the queue of batches. */
  private apply(segment: Segment, outcome: InvocationOutcome): void {
    segment.fresh = false;
    if (outcome.kind === 'success') {
      this.checkpointPosition = segment.end;
      this.queue.shift();
      return;
    }
    if (outcome.kind === 'partial') {
      this.applyPartialFailure(segment, segment.start + outcome.index);
      return;
    }
    // A complete failure: bisect (no retry consumed), or retry, or discard.
    if (this.config.bisectBatchOnError && segment.end - segment.start >= 2) {
      const middle = segment.start + Math.ceil((segment.end - segment.start) / 2);
      const half = (start: number, end: number): Segment => ({
        start, end, retries: segment.retries, invokeCount: 0, fresh: false, lastError: false,
      });
      this.queue.splice(0, 1, half(segment.start, middle), half(middle, segment.end));
    } else {
      segment.retries++;
      if (segment.retries > this.config.retryAttempts) {
        this.discard(segment, segment.start, segment.end, 'RetryAttemptsExhausted');
        this.checkpointPosition = segment.end;
        this.queue.shift();
        return;
      }
    }
    this.clock += this.config.retryDelayMs;
  }

  private applyPartialFailure(segment: Segment, failed: number): void {
    const progressed = failed > segment.start;
    this.checkpointPosition = failed;
    const retries = this.config.resetRetriesOnProgress && progressed ? 0 : segment.retries + 1;
    if (retries > this.config.retryAttempts) {
      this.discard(segment, failed, segment.end, 'RetryAttemptsExhausted');
      this.checkpointPosition = segment.end;
      this.queue.shift();
      return;
    }
    if (this.config.retryAfterPartialFailure === 'from-checkpoint') {
      const next = this.readFromCheckpoint(retries);
      next.invokeCount = retries === 0 ? 0 : segment.invokeCount;
      this.queue.splice(0, this.queue.length, next);
    } else {
      segment.start = failed;
      segment.retries = retries;
      segment.invokeCount = retries === 0 ? 0 : segment.invokeCount;
    }
    this.clock += this.config.retryDelayMs;
  }

  /** Sends the metadata of shard positions [start, end) to the on-failure destination. */
  private discard(segment: Segment, start: number, end: number, condition: DiscardCondition): OnFailureRecord {
    const first = this.stored[start];
    const last = this.stored[end - 1];
    const entry: OnFailureRecord = {
      requestContext: {
        requestId: `request-${this.destination.length + 1}`,
        functionArn: this.config.functionArn,
        condition,
        approximateInvokeCount: segment.invokeCount,
      },
      ...(segment.invokeCount > 0
        ? { responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(segment.lastError ? { functionError: 'Unhandled' } : {}) } }
        : {}),
      version: '1.0',
      timestamp: new Date(this.clock).toISOString(),
      KinesisBatchInfo: {
        shardId: this.config.shardId,
        startSequenceNumber: first.record.kinesis.sequenceNumber,
        endSequenceNumber: last.record.kinesis.sequenceNumber,
        approximateArrivalOfFirstRecord: new Date(first.arrivalMs).toISOString(),
        approximateArrivalOfLastRecord: new Date(last.arrivalMs).toISOString(),
        batchSize: end - start,
        streamArn: this.config.streamArn,
      },
    };
    this.destination.push(entry);
    return entry;
  }
}

/** Whether a sequence number lies within a destination entry's batch. */
export function discardedIn(entry: OnFailureRecord, sequenceNumber: string): boolean {
  const seq = BigInt(sequenceNumber);
  return BigInt(entry.KinesisBatchInfo.startSequenceNumber) <= seq && seq <= BigInt(entry.KinesisBatchInfo.endSequenceNumber);
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

function copyRecord(record: KinesisStreamRecord): KinesisStreamRecord {
  return { ...record, kinesis: { ...record.kinesis } };
}
