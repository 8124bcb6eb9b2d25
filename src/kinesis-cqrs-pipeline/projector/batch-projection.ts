/**
 * The Kinesis batch handler: parses a batch, projects each entity (`entity-projection.ts`), parks
 * the records that can never be projected in the failure queue (`failure-queue.ts`), answers with
 * the checkpoint and writes one log line with its metrics (`log.ts`).
 *
 * ## Failures and checkpointing
 *
 * The function returns a partial batch response (`ReportBatchItemFailures`). Lambda checkpoints at
 * the lowest reported sequence number and retries every record from there; reporting nothing means
 * the whole batch succeeded
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html).
 * Records of a batch come from one shard, in shard order, so the projector reports a single item:
 * the earliest record (in batch order) among
 * - the records of every entity DynamoDB failed on transiently (throttling, a server error,
 *   exhausted conflict retries), and
 * - the parked records that the failure queue did not take.
 *
 * Nothing else is ever reported. In particular a record that can never be projected (unparseable,
 * a conflict, a missing version, a state too large, an item DynamoDB refuses) is parked, never
 * retried, so it cannot hold its shard back until the event source's retry limit discards the
 * rest of the batch. Records before the checkpoint are never reported; records after it are
 * redelivered, which the conditional writes make harmless, and the parked ones among them are left
 * for the redelivery, so that they are parked once. Parked records go to the failure queue with
 * their sequence number, shard, partition key, raw data and the reason. Without a failure queue,
 * they are listed (without their data) in the batch log line.
 *
 * @module
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { groupByEntity, parseAll, type EntityGroup } from './batch-records';
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_CONFLICT_RETRIES, type ProjectorConfig } from './config';
import { projectEntity, type EntityOutcome } from './entity-projection';
import { deliverToFailureQueue, type SendToFailureQueue } from './failure-queue';
import { logJsonLine, summarize, type LogLine } from './log';
import { DEFAULT_PARTITION_KEY, type ReadModelClient, type StoreContext } from './read-model-store';

/** What the projector needs from the outside world. */
export interface ProjectorDependencies {
  readonly dynamodb: ReadModelClient;
  readonly config: ProjectorConfig;
  /** Where unprocessable records go. Without it they are only logged. */
  readonly sendToFailureQueue?: SendToFailureQueue;
  /** Writes one log line. @default one JSON line on stdout */
  readonly log?: (line: LogLine) => void;
}

/** A Kinesis batch handler returning a partial batch response. */
export type KinesisProjector = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

interface ProjectorContext extends StoreContext {
  readonly concurrency: number;
  readonly sendToFailureQueue?: SendToFailureQueue;
  readonly log: (line: LogLine) => void;
  readonly functionName?: string;
}

/**
 * Creates the Kinesis batch handler. See the module documentation for the semantics.
 */
export function createProjector(deps: ProjectorDependencies): KinesisProjector {
  const ctx: ProjectorContext = {
    dynamodb: deps.dynamodb,
    tableName: deps.config.tableName,
    partitionKey: deps.config.partitionKey ?? DEFAULT_PARTITION_KEY,
    maxConflictRetries: deps.config.maxConflictRetries ?? DEFAULT_MAX_CONFLICT_RETRIES,
    concurrency: Math.max(1, deps.config.concurrency ?? DEFAULT_CONCURRENCY),
    sendToFailureQueue: deps.sendToFailureQueue,
    log: deps.log ?? logJsonLine,
    functionName: deps.config.functionName,
  };
  return async (event) => projectBatch(ctx, event);
}

async function projectBatch(ctx: ProjectorContext, event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> {
  const startedAt = Date.now();
  const records = event.Records ?? [];
  const { parsed, unparseable } = parseAll(records);
  const groups = groupByEntity(parsed);
  const outcomes = await mapWithConcurrency(groups, ctx.concurrency, (group) => projectEntity(ctx, group));
  const entityCheckpoint = earliestRetryIndex(groups, outcomes);
  const parked = [...unparseable, ...outcomes.flatMap((outcome) => outcome.parked)]
    .filter((r) => r.index < entityCheckpoint)
    .sort((a, b) => a.index - b.index);
  const delivery = await deliverToFailureQueue(ctx.sendToFailureQueue, parked);
  const checkpoint = Math.min(entityCheckpoint, ...delivery.failedIndexes);
  const response = toResponse(records, checkpoint);
  ctx.log(summarize({ records, parsed, groups, outcomes, parked, delivery, response, startedAt, functionName: ctx.functionName }));
  return response;
}

/** Index of the earliest record of the entities that must be retried; Infinity when none. */
function earliestRetryIndex(groups: readonly EntityGroup[], outcomes: readonly EntityOutcome[]): number {
  return groups.reduce((earliest, group, i) => (outcomes[i].write === 'failed' ? Math.min(earliest, group.records[0].index) : earliest), Infinity);
}

function toResponse(records: readonly KinesisStreamRecord[], checkpoint: number): KinesisStreamBatchResponse {
  return Number.isFinite(checkpoint)
    ? { batchItemFailures: [{ itemIdentifier: records[checkpoint].kinesis.sequenceNumber }] }
    : { batchItemFailures: [] };
}

async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
