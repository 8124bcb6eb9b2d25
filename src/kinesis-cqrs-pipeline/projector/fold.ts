/**
 * Folding: how the events of one entity in a batch turn into the state to store, and which of its
 * records can never be projected. No I/O: `entity-projection.ts` reads and writes.
 *
 * A snapshot event replaces the state; a patch event is merged into the state of the version
 * right before it. The plan walks the entity's events in version order from the newest snapshot
 * that fits in an item (events before it are superseded, their state is never stored), or from the
 * stored state, and judges each event on its own:
 *
 * - **Missing version**: a patch whose previous version is neither in the read model nor in the
 *   batch is parked at once. Waiting would not bring it: Lambda retries a partially failed batch from
 *   the reported record with the records that remain, and every retry counts towards the event
 *   source's retry limit, after which the whole rest of the batch is discarded. So a gap never
 *   holds its shard back.
 * - **Too large**: an event after which the item would exceed DynamoDB's 400 KB is parked.
 * - After a parked event, the entity's later patches are parked too (their base will never exist)
 *   until a snapshot, which heals the entity. The state before the first parked event is stored.
 * - **Conflicts**: two different events with the same entity and version: the first one (in shard
 *   order, or the one the read model holds) wins, the other is parked as a conflict. An identical
 *   redelivery is silent.
 *
 * Without the stored state (`base` unknown), the plan asks for it (`needsBase`) as soon as a patch
 * needs a base that the batch does not hold: the table may hold it.
 *
 * @module
 */
import { groupBy, type FailedRecord, type ParsedRecord } from './batch-records';
import type { JsonObject, ProjectionEvent } from './envelope';
import { entityItemBytes, stateEntryBytes } from './item-size';
import { MAX_ITEM_BYTES } from './marshalling';
import { jsonEquals } from './numbers';

/** The materialized state of one entity, as stored in the read model. */
export interface MaterializedEntity {
  readonly version: number;
  readonly type: string;
  readonly updatedAt: string;
  readonly state: JsonObject;
}

/** Why a record is parked in the failure queue. */
export type ParkCause = 'unparseable' | 'conflict' | 'missing-version' | 'oversized' | 'refused';

/** A record that can never be projected, why, and in which category. */
export interface ParkedRecord extends FailedRecord {
  readonly cause: ParkCause;
}

/** What the plan knows of the stored entity: `undefined` when it was not read. */
export type KnownBase = { readonly entity: MaterializedEntity | undefined } | undefined;

/** The write an entity needs, and the records that can never be projected. */
export interface EntityPlan {
  /** A patch needs a base the batch does not hold: read the stored entity and plan again. */
  readonly needsBase: boolean;
  /** The state to store; `undefined` when nothing is newer than the stored state. */
  readonly entity?: MaterializedEntity;
  /** The records whose events the state to store includes. */
  readonly carried: readonly ParsedRecord[];
  /**
   * Without the stored state: the version of the snapshot the state starts from. The state is
   * right only if the read model is older than that version (an equal version may hold another
   * content, against which a conflict is judged).
   */
  readonly startsAt?: number;
  readonly parked: readonly ParkedRecord[];
}

/** Sizes the item limit is judged with: the read-model item's fixed attributes. */
export interface ItemShape {
  /** Name of the partition key attribute. */
  readonly partitionKey: string;
  readonly entityId: string;
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

/**
 * The state an entity's events lead to, from the stored state when known, and the records to park.
 * `versions` are the entity's records of the batch grouped by `copiesByVersion`.
 *
 * Copies of one version: when the read model holds that version, it is the reference and every
 * copy that differs from it is a conflict; otherwise the first copy in shard order is, and later
 * copies that differ from it are conflicts. Identical copies are dropped silently.
 */
export function planEntity(shape: ItemShape, versions: readonly (readonly ParsedRecord[])[], base: KnownBase): EntityPlan {
  const stored = base?.entity;
  const storedVersion = stored?.version ?? 0;
  const parked: ParkedRecord[] = [];
  const unique: ParsedRecord[] = [];
  for (const copies of versions) {
    const [first, ...later] = copies;
    if (base !== undefined && stored !== undefined && first.event.version === storedVersion) {
      parked.push(...copies.filter((copy) => !matchesStored(copy.event, stored))
        .map((copy) => park(copy, 'conflict', `conflict: version ${storedVersion} differs from the version ${storedVersion} in the read model`)));
    } else {
      parked.push(...later.filter((copy) => !sameEvent(first.event, copy.event)).map((copy) => park(copy, 'conflict',
        `conflict: version ${copy.event.version} differs from the version ${copy.event.version} at sequence number ` +
        `${first.record.kinesis.sequenceNumber}, which was projected`)));
    }
    unique.push(first);
  }
  const newer = base === undefined ? unique : unique.filter((r) => r.event.version > storedVersion);
  const start = lastFittingSnapshot(shape, newer);
  const walk = new Walk(shape, start.state ?? (base === undefined ? UNKNOWN : storedState(stored)), base !== undefined, parked);
  for (const record of newer.slice(start.index + 1)) {
    if (!walk.step(record)) {
      return { needsBase: true, carried: [], parked: [] };
    }
  }
  const carried = start.state ? [newer[start.index], ...walk.carried] : walk.carried;
  const current = walk.current === UNKNOWN ? undefined : walk.current?.toEntity();
  const entity = current !== undefined && current.version > storedVersion ? current : undefined;
  if (base === undefined && entity === undefined && parked.length > 0) {
    // Nothing to write, so no conditional write will tell whether the read model is already newer
    // than the parked events (a redelivery): read it before parking anything.
    return { needsBase: true, carried: [], parked: [] };
  }
  return { needsBase: false, entity, carried, parked, startsAt: start.state ? newer[start.index].event.version : undefined };
}

/** The records of each version, versions in order, copies in shard order. */
export function copiesByVersion(records: readonly ParsedRecord[]): ParsedRecord[][] {
  if (records.length === 1) {
    return [[records[0]]];
  }
  return [...groupBy(records, (record) => record.event.version).values()].sort((a, b) => a[0].event.version - b[0].event.version);
}

// ---------------------------------------------------------------------------

const UNKNOWN = Symbol('unknown base');

/**
 * The state being folded, with the DynamoDB size of its attributes: computed once, then changed by
 * the size of what each patch changes.
 */
class WorkingState {
  private total: number | undefined;

  constructor(public version: number, public type: string, public updatedAt: string, private state: JsonObject) {}

  /** What the attributes of the state add to the item. */
  entriesBytes(): number {
    if (this.total === undefined) {
      let total = 0;
      for (const key in this.state) {
        total += stateEntryBytes(key, this.state[key]);
      }
      this.total = total;
    }
    return this.total;
  }

  /** What the attributes of the state would add once the patch is applied. */
  entriesBytesAfter(patch: JsonObject): number {
    let total = this.entriesBytes();
    for (const key in patch) {
      const value = patch[key];
      total += (value === null ? 0 : stateEntryBytes(key, value)) - (hasOwn(this.state, key) ? stateEntryBytes(key, this.state[key]) : 0);
    }
    return total;
  }

  /** Applies a patch whose size `entriesBytesAfter` gave. */
  applyPatch(event: ProjectionEvent, entriesBytes: number): void {
    this.state = mergePatch(this.state, event.data);
    this.total = entriesBytes;
    this.version = event.version;
    this.type = event.type;
    this.updatedAt = event.time;
  }

  toEntity(): MaterializedEntity {
    return { version: this.version, type: this.type, updatedAt: this.updatedAt, state: this.state };
  }
}

function hasOwn(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** The walk over an entity's events after its starting point. */
class Walk {
  readonly carried: ParsedRecord[] = [];
  /** Why the next patch cannot apply (a parked event before it); `undefined` when it can. */
  private broken: string | undefined;

  constructor(
    private readonly shape: ItemShape,
    public current: WorkingState | undefined | typeof UNKNOWN,
    private readonly baseKnown: boolean,
    private readonly parked: ParkedRecord[],
  ) {}

  /** Judges one event; `false` when the stored state is needed to go on. */
  step(record: ParsedRecord): boolean {
    const event = record.event;
    if (event.mode === 'snapshot') {
      const candidate = snapshotState(event);
      this.judge(record, candidate.entriesBytes(), () => {
        this.current = candidate;
      });
      return true;
    }
    if (this.broken !== undefined) {
      this.parked.push(park(record, 'missing-version', this.broken));
      return true;
    }
    if (this.current === UNKNOWN) {
      return false;
    }
    const currentVersion = this.current?.version ?? 0;
    if (currentVersion === event.version - 1) {
      const state = this.current ?? new WorkingState(0, '', '', {});
      const entriesBytes = state.entriesBytesAfter(event.data);
      this.judge(record, entriesBytes, () => {
        state.applyPatch(event, entriesBytes);
        this.current = state;
      });
      return true;
    }
    if (!this.baseKnown) {
      return false;
    }
    const held = this.current ? `the read model or the batch holds version ${currentVersion}` : 'the entity is in neither the read model nor the batch';
    this.parked.push(park(record, 'missing-version', `version ${event.version - 1} is missing (${held}): a patch applies on the version before it`));
    this.broken = `version ${event.version - 1} is missing: a patch applies on the version before it`;
    return true;
  }

  /** Accepts the event when the item after it fits, or parks it. */
  private judge(record: ParsedRecord, entriesBytes: number, accept: () => void): void {
    const event = record.event;
    const header = { version: event.version, type: event.type, updatedAt: event.time };
    const bytes = entityItemBytes(this.shape.partitionKey, this.shape.entityId, header, entriesBytes);
    if (bytes <= MAX_ITEM_BYTES) {
      accept();
      this.carried.push(record);
      this.broken = undefined;
      return;
    }
    this.parked.push(park(record, 'oversized',
      `the state at version ${event.version} would make a ${bytes}-byte item, above DynamoDB's item size limit of ${MAX_ITEM_BYTES} bytes`));
    this.broken = `version ${event.version} was parked (its state exceeds DynamoDB's item size limit): a patch applies on the version before it`;
  }
}

/** The newest snapshot whose item fits; `index` -1 when none. Usually the newest snapshot: one size computed. */
function lastFittingSnapshot(shape: ItemShape, records: readonly ParsedRecord[]): { index: number; state?: WorkingState } {
  for (let i = records.length - 1; i >= 0; i--) {
    const event = records[i].event;
    if (event.mode === 'snapshot') {
      const state = snapshotState(event);
      if (entityItemBytes(shape.partitionKey, shape.entityId, state, state.entriesBytes()) <= MAX_ITEM_BYTES) {
        return { index: i, state };
      }
    }
  }
  return { index: -1 };
}

function snapshotState(event: ProjectionEvent): WorkingState {
  return new WorkingState(event.version, event.type, event.time, event.data);
}

function storedState(entity: MaterializedEntity | undefined): WorkingState | undefined {
  return entity ? new WorkingState(entity.version, entity.type, entity.updatedAt, entity.state) : undefined;
}

/** Whether two events of the same version say the same thing. */
function sameEvent(a: ProjectionEvent, b: ProjectionEvent): boolean {
  return a.type === b.type && a.time === b.time && a.mode === b.mode && jsonEquals(a.data, b.data);
}

/** Whether an event of the stored version is the one the stored state came from. */
function matchesStored(event: ProjectionEvent, stored: MaterializedEntity): boolean {
  if (event.type !== stored.type || event.time !== stored.updatedAt) {
    return false;
  }
  const state = event.mode === 'snapshot' ? event.data : mergePatch(stored.state, event.data);
  return jsonEquals(state, stored.state);
}

function park(record: ParsedRecord, cause: ParkCause, reason: string): ParkedRecord {
  return { index: record.index, record: record.record, reason, cause };
}
