/**
 * Projecting the events of one entity in a batch into its read-model item.
 *
 * ## Guarantees
 *
 * - Idempotent and out-of-order safe: every write is conditional on the stored version, so a
 *   redelivered or older event never overwrites a newer state.
 * - Snapshot events cost at most one `PutItem` per distinct entity per batch (no read): the
 *   batch is folded to the highest version and written with
 *   `attribute_not_exists(pk) OR version < :v`; a failed condition means the table is already as new
 *   or newer, which counts as success.
 * - Patch events need the current state. When the batch holds a snapshot of the entity followed by
 *   contiguous patches, the state is computed from the batch alone (one `PutItem`, no read).
 *   Otherwise the projector reads the item (one strongly consistent `GetItem`), applies in version
 *   order the events newer than the stored version, and writes with `version = :stored`
 *   (optimistic concurrency). On a conflict the write returns the current item
 *   (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), so a retry costs one more `PutItem`, no
 *   extra read; after `maxConflictRetries` retries the entity counts as failed.
 *   Patch mode therefore costs one read and one write per distinct entity per batch, plus one
 *   write per conflict.
 * - A patch can only be applied on top of the version right before it. If a version is missing
 *   (for instance because a producer retry reordered records in the stream), the contiguous prefix
 *   is written and the entity is reported as failed, so that Lambda redelivers its records together
 *   with the ones that follow. A version that never arrives stalls the entity until a snapshot
 *   event (which needs no base) supersedes it.
 * - A state that exceeds DynamoDB's 400 KB item size is never written: the entity's records are
 *   rejected, and go to the failure queue.
 *
 * @module
 */
import type { EntityGroup } from './batch-records';
import type { ProjectionEvent } from './envelope';
import { foldEvents, foldWithoutBase, orderedUniqueEvents, type MaterializedEntity } from './fold';
import { describeError } from './log';
import { itemSize, MAX_ITEM_BYTES } from './marshalling';
import {
  fromItem,
  isConditionalCheckFailure,
  putIfNewer,
  putIfUnchanged,
  readEntity,
  toItem,
  type StoreContext,
} from './read-model-store';

/**
 * What happened to one entity of a batch: `applied` (written), `stale` (the table was already as
 * new), `pending` (a version is missing), `failed` (to retry) or `rejected` (never projectable).
 */
export type EntityOutcome =
  | { readonly kind: 'applied' | 'stale' | 'pending' }
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'rejected'; readonly reason: string };

/** Projects the records of one entity; never rejects (an error is a `failed` outcome). */
export async function projectEntity(ctx: StoreContext, group: EntityGroup): Promise<EntityOutcome> {
  try {
    const events = orderedUniqueEvents(group.records.map((r) => r.event));
    const standalone = foldWithoutBase(events);
    return standalone
      ? await writeStandalone(ctx, group.entityId, standalone)
      : await writeOnStoredBase(ctx, group.entityId, events);
  } catch (error) {
    return { kind: 'failed', error: describeError(error) };
  }
}

async function writeStandalone(ctx: StoreContext, entityId: string, entity: MaterializedEntity): Promise<EntityOutcome> {
  const item = toItem(ctx, entityId, entity);
  if (itemSize(item) > MAX_ITEM_BYTES) {
    return oversized();
  }
  try {
    await putIfNewer(ctx, item);
    return { kind: 'applied' };
  } catch (error) {
    if (isConditionalCheckFailure(error)) {
      return { kind: 'stale' };
    }
    throw error;
  }
}

async function writeOnStoredBase(ctx: StoreContext, entityId: string, events: readonly ProjectionEvent[]): Promise<EntityOutcome> {
  let base = await readEntity(ctx, entityId);
  for (let attempt = 0; attempt <= ctx.maxConflictRetries; attempt++) {
    const fold = foldEvents(base, events);
    if (fold.applied === 0 || fold.entity === undefined) {
      return { kind: fold.complete ? 'stale' : 'pending' };
    }
    const item = toItem(ctx, entityId, fold.entity);
    if (itemSize(item) > MAX_ITEM_BYTES) {
      return oversized();
    }
    try {
      await putIfUnchanged(ctx, item, base?.version);
      return { kind: fold.complete ? 'applied' : 'pending' };
    } catch (error) {
      if (!isConditionalCheckFailure(error)) {
        throw error;
      }
      base = fromItem(error.Item);
    }
  }
  return { kind: 'failed', error: `ConditionalCheckFailedException: still conflicting after ${ctx.maxConflictRetries} retries` };
}

function oversized(): EntityOutcome {
  return { kind: 'rejected', reason: `state exceeds the DynamoDB item size limit of ${MAX_ITEM_BYTES} bytes` };
}
