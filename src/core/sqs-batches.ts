/** SendMessageBatch takes at most 10 entries (Amazon SQS API Reference, SendMessageBatch). */
export const SQS_MAX_BATCH_ENTRIES = 10;

/**
 * `items` in groups SendMessageBatch takes: at most
 * {@link SQS_MAX_BATCH_ENTRIES} entries whose sizes add up to at most
 * `maxBytes` (SQS refuses a whole batch above its size limit:
 * BatchRequestTooLong). An item larger than `maxBytes` goes alone. Order is kept.
 */
export function sqsBatches<T>(items: readonly T[], sizeOf: (item: T) => number, maxBytes: number): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (batch.length === SQS_MAX_BATCH_ENTRIES || (batch.length > 0 && bytes + size > maxBytes)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += size;
  }
  if (batch.length > 0) {
    batches.push(batch);
  }
  return batches;
}
