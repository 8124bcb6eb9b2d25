/**
 * Projecting the events of one entity in a batch into its read-model item.
 *
 * ## Guarantees
 *
 * - Idempotent and out-of-order safe: every write is conditional on the stored version, so a
 *   redelivered or older event never overwrites a newer state.
 * - Each record of the entity is projected, parked (with its reason, see `fold.ts`: a conflict, a
 *   missing version, a state too large for an item, or an item DynamoDB refuses), or retried with
 *   the whole entity when DynamoDB fails transiently (throttling, a server error, exhausted
 *   conflict retries). Parking never depends on waiting, so an entity never holds its shard back.
 * - Cost of the common path (no conflict, no gap, the state fits):
 *   - when the batch holds a snapshot followed by contiguous patches (always in snapshot mode),
 *     one `PutItem` and no read, conditional on `attribute_not_exists(pk) OR version < :v`, `:v`
 *     being the version of the snapshot the state starts from (the read model may hold that very
 *     version with another content: a conflict). A failed condition returns the stored item (`ReturnValuesOnConditionCheckFailure: ALL_OLD`,
 *     which costs no extra request), against which the events are planned again: usually they are
 *     all as old, and nothing more is written.
 *   - otherwise (patch mode), one strongly consistent `GetItem` and one `PutItem` conditional on
 *     the version read (optimistic concurrency). A conflict returns the current item, so a retry
 *     costs one more `PutItem`; after `maxConflictRetries` retries the entity is retried by Lambda.
 * - A `GetItem` is added only when records are to be parked and nothing is written, so that
 *   records the read model already supersedes (a redelivery) are not parked.
 *
 * @module
 */
import type { EntityGroup } from './batch-records';
import { copiesByVersion, planEntity, type EntityPlan, type KnownBase, type ParkedRecord } from './fold';
import { describeError } from './log';
import {
  fromItem,
  isConditionalCheckFailure,
  isValidationError,
  putIfNewer,
  putIfUnchanged,
  readEntity,
  toItem,
  type ReadModelItem,
  type StoreContext,
} from './read-model-store';

/**
 * What happened to one entity of a batch: its write (`applied`, `stale`: nothing newer to write,
 * `failed`: to retry, with every record of the entity) and the records parked.
 */
export interface EntityOutcome {
  readonly write: 'applied' | 'stale' | 'failed';
  /** Why the write failed. */
  readonly error?: string;
  /** Records that can never be projected. Empty when the write failed: they are judged again on the retry. */
  readonly parked: readonly ParkedRecord[];
}

/** Projects the records of one entity; never rejects (an error is a `failed` outcome). */
export async function projectEntity(ctx: StoreContext, group: EntityGroup): Promise<EntityOutcome> {
  const shape = { partitionKey: ctx.partitionKey, entityId: group.entityId };
  const records = copiesByVersion(group.records);
  try {
    let base: KnownBase = undefined;
    let plan = planEntity(shape, records, base);
    if (plan.needsBase) {
      base = { entity: await readEntity(ctx, group.entityId) };
      plan = planEntity(shape, records, base);
    }
    for (let retries = 0; ; retries++) {
      const result = await write(ctx, group.entityId, plan, base);
      if (!('conflict' in result)) {
        return result;
      }
      if (retries === ctx.maxConflictRetries) {
        return failed(`ConditionalCheckFailedException: still conflicting after ${ctx.maxConflictRetries} retries`);
      }
      base = { entity: fromItem(result.conflict.storedItem) };
      plan = planEntity(shape, records, base);
    }
  } catch (error) {
    return failed(describeError(error));
  }
}

/** A write that met another state than planned on: the stored item DynamoDB returned. */
interface WriteConflict {
  readonly conflict: { readonly storedItem: ReadModelItem | undefined };
}

async function write(ctx: StoreContext, entityId: string, plan: EntityPlan, base: KnownBase): Promise<EntityOutcome | WriteConflict> {
  if (plan.entity === undefined) {
    return { write: 'stale', parked: plan.parked };
  }
  const item = toItem(ctx, entityId, plan.entity);
  try {
    if (base === undefined) {
      await putIfNewer(ctx, item, plan.startsAt ?? plan.entity.version);
    } else {
      await putIfUnchanged(ctx, item, base.entity?.version);
    }
    return { write: 'applied', parked: plan.parked };
  } catch (error) {
    if (isConditionalCheckFailure(error)) {
      return { conflict: { storedItem: error.Item } };
    }
    if (isValidationError(error)) {
      // DynamoDB refuses the item itself (for example a size the estimate missed): no retry can
      // change that, so the events it carried are parked and the stored state stays as it was.
      const reason = `DynamoDB refused the item: ${describeError(error)}`;
      return { write: 'stale', parked: [...plan.parked, ...plan.carried.map((r) => ({ index: r.index, record: r.record, reason, cause: 'refused' as const }))] };
    }
    throw error;
  }
}

function failed(error: string): EntityOutcome {
  return { write: 'failed', error, parked: [] };
}
