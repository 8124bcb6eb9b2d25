/**
 * Folding: how events turn into the materialized state of an entity, without any I/O.
 *
 * A snapshot event replaces the state; a patch event is merged into the state of the version
 * right before it. Folding stops at the first missing version, so that a patch is never applied
 * on the wrong base.
 *
 * @module
 */
import type { JsonObject, ProjectionEvent } from './envelope';

/** The materialized state of one entity, as stored in the read model. */
export interface MaterializedEntity {
  readonly version: number;
  readonly type: string;
  readonly updatedAt: string;
  readonly state: JsonObject;
}

/** Result of folding events onto a base state. */
export interface FoldResult {
  /** The state after the applied events (the base itself when none applied). */
  readonly entity: MaterializedEntity | undefined;
  /** Number of events applied on top of the base. */
  readonly applied: number;
  /** False when a patch could not be applied because the version before it is missing. */
  readonly complete: boolean;
}

/**
 * Merges a patch into a state: top-level attributes of the patch replace those of the state, and
 * attributes set to `null` are removed.
 */
export function mergePatch(state: JsonObject, patch: JsonObject): JsonObject {
  const merged = new Map(Object.entries(state));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      merged.delete(key);
    } else {
      merged.set(key, value);
    }
  }
  return Object.fromEntries(merged);
}

/** Applies one event on top of a state (`undefined`: the entity does not exist yet). */
export function applyEvent(current: MaterializedEntity | undefined, event: ProjectionEvent): MaterializedEntity {
  const state = event.mode === 'snapshot' ? event.data : mergePatch(current?.state ?? {}, event.data);
  return { version: event.version, type: event.type, updatedAt: event.time, state };
}

/**
 * Folds events onto a base state. Events must be sorted by version without duplicates. Events not
 * newer than the base are ignored; the newest snapshot supersedes everything before it; a patch is
 * applied only on top of the version right before it, and folding stops at the first gap.
 */
export function foldEvents(base: MaterializedEntity | undefined, events: readonly ProjectionEvent[]): FoldResult {
  const newer = events.filter((event) => event.version > (base?.version ?? 0));
  const lastSnapshot = findLastIndex(newer, (event) => event.mode === 'snapshot');
  let entity = lastSnapshot >= 0 ? applyEvent(undefined, newer[lastSnapshot]) : base;
  let applied = lastSnapshot >= 0 ? 1 : 0;
  for (const event of newer.slice(lastSnapshot + 1)) {
    if (event.version !== (entity?.version ?? 0) + 1) {
      return { entity, applied, complete: false };
    }
    entity = applyEvent(entity, event);
    applied += 1;
  }
  return { entity, applied, complete: true };
}

/**
 * The state the events determine on their own, without a stored base: a snapshot followed by
 * contiguous patches. `undefined` when the events hold no snapshot or a version is missing after it.
 * Events must be sorted by version without duplicates.
 */
export function foldWithoutBase(events: readonly ProjectionEvent[]): MaterializedEntity | undefined {
  const lastSnapshot = findLastIndex(events, (event) => event.mode === 'snapshot');
  if (lastSnapshot < 0) {
    return undefined;
  }
  const fold = foldEvents(undefined, events.slice(lastSnapshot));
  return fold.complete ? fold.entity : undefined;
}

/** Sorts events by version and keeps the first occurrence (in shard order) of each version. */
export function orderedUniqueEvents(events: readonly ProjectionEvent[]): ProjectionEvent[] {
  const byVersion = new Map<number, ProjectionEvent>();
  for (const event of events) {
    if (!byVersion.has(event.version)) {
      byVersion.set(event.version, event);
    }
  }
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) {
    if (predicate(items[i])) {
      return i;
    }
  }
  return -1;
}
