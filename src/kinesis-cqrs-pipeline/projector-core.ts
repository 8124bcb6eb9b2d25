/**
 * Core of the Kinesis CQRS projector: materializes events read from a Kinesis data stream
 * into a DynamoDB read-model table. The Lambda entry point (`projector.lambda.ts`) only wires
 * clients and environment variables; everything here is testable with injected fakes.
 *
 * ## Event envelope
 *
 * Each Kinesis record's `data` is the base64 of a UTF-8 JSON object:
 *
 * ```json
 * { "entityId": "order-42", "version": 3, "type": "OrderShipped",
 *   "time": "2024-05-01T12:00:00Z", "data": { "status": "shipped" }, "mode": "patch" }
 * ```
 *
 * - `entityId`: non-empty string of at most 2048 UTF-8 bytes (a DynamoDB partition key value).
 *   Producers should also use it as the Kinesis partition key, so that an entity's events share
 *   a shard and keep their order.
 * - `version`: integer >= 1 that increases by one with each event of the entity.
 * - `type`: non-empty string, the event type.
 * - `time`: ISO-8601 date-time with a time zone (`Z` or `+hh:mm`), stored as `updatedAt`.
 * - `data`: JSON object. Numbers must fit DynamoDB's number range (magnitude between 1e-130 and
 *   1e126) and objects/arrays may nest at most 31 levels (the `state` map is the 32nd).
 * - `mode` (optional): `"snapshot"` (default), `data` is the full state of the entity at `version`;
 *   or `"patch"`, `data` holds top-level attributes merged into the state of `version - 1`.
 *   Refinement: in a patch, a top-level attribute set to `null` removes that attribute
 *   (JSON Merge Patch semantics, top level only); nested objects are replaced, not merged.
 * - Unknown top-level fields are ignored.
 *
 * ## Read model
 *
 * One item per entity: `<PARTITION_KEY>` = entityId, `version` (N), `type` (S, last event type),
 * `updatedAt` (S, last event time), `state` (M, the materialized state).
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
 *
 * ## Failures and checkpointing
 *
 * The function returns a partial batch response (`ReportBatchItemFailures`). Lambda checkpoints at
 * the lowest reported sequence number and retries every record from there; reporting nothing means
 * the whole batch succeeded. Records of a batch come from one shard, in shard order, so the
 * projector reports a single item: the earliest record (in batch order) among
 * - the records of every entity that could not be fully projected (DynamoDB error such as a
 *   throttle, exhausted conflict retries, or a version gap), and
 * - the unprocessable records that could not be handed to the failure queue.
 *
 * Records before that one are never reported. Records after it are redelivered, which the
 * conditional writes make harmless.
 *
 * Records that cannot be processed, whatever the number of retries (bad base64, UTF-8 or JSON,
 * invalid envelope, or a state that exceeds DynamoDB's 400 KB item size), do not block the shard:
 * they are sent to the failure queue with their sequence number, shard, partition key, raw data and
 * the reason. Those that lie after the checkpoint are left for the redelivery instead, so they are
 * not queued twice. If the failure queue cannot take them, they are reported so they are retried,
 * never lost. Without a failure queue, they are listed (without their data) in the batch log line
 * and skipped.
 *
 * One structured JSON log line is written per batch, with counts.
 *
 * @module
 */
// The AWS SDK v3 is provided by the Lambda Node.js runtime and left out of the bundle.
// eslint-disable-next-line import/no-extraneous-dependencies
import {
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type GetItemCommandOutput,
  type PutItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

/** A JSON value as found in an event's `data`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** How an event's `data` relates to the entity state. */
export type ProjectionMode = 'snapshot' | 'patch';

/** A validated event envelope. */
export interface ProjectionEvent {
  readonly entityId: string;
  readonly version: number;
  readonly type: string;
  readonly time: string;
  readonly data: JsonObject;
  readonly mode: ProjectionMode;
}

/** The materialized state of one entity, as stored in the read model. */
export interface MaterializedEntity {
  readonly version: number;
  readonly type: string;
  readonly updatedAt: string;
  readonly state: JsonObject;
}

/** Result of parsing one Kinesis record. */
export type ParseResult =
  | { readonly ok: true; readonly event: ProjectionEvent }
  | { readonly ok: false; readonly reason: string };

/** Result of folding events onto a base state. */
export interface FoldResult {
  /** The state after the applied events (the base itself when none applied). */
  readonly entity: MaterializedEntity | undefined;
  /** Number of events applied on top of the base. */
  readonly applied: number;
  /** False when a patch could not be applied because the version before it is missing. */
  readonly complete: boolean;
}

/** A record sent to the failure queue because it can never be projected. */
export interface UnprocessableRecord {
  /** Why the record was not projected. */
  readonly reason: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** Shard id, taken from the record's `eventID` (`<shardId>:<sequenceNumber>`). */
  readonly shardId: string;
  readonly eventId: string;
  readonly eventSourceArn: string;
  readonly approximateArrivalTimestamp: number;
  /** The record's data exactly as received (base64). */
  readonly data: string;
}

/** Outcome of a failure-queue delivery. */
export interface FailureQueueSendResult {
  /** Sequence numbers of the records the queue did not accept. */
  readonly failedSequenceNumbers: readonly string[];
}

/**
 * Sends unprocessable records to the failure queue. Rejecting means that none was accepted.
 */
export type SendToFailureQueue = (records: readonly UnprocessableRecord[]) => Promise<FailureQueueSendResult>;

/** The DynamoDB operations the projector uses; `DynamoDBClient` satisfies it. */
export interface ReadModelClient {
  send(command: GetItemCommand): Promise<GetItemCommandOutput>;
  send(command: PutItemCommand): Promise<PutItemCommandOutput>;
}

/** One structured log line. */
export type LogLine = Record<string, unknown>;

/** Projector settings. */
export interface ProjectorConfig {
  /** Name of the read-model table. */
  readonly tableName: string;
  /** Name of the table's partition key attribute. @default 'pk' */
  readonly partitionKey?: string;
  /** Conditional-write conflicts retried per entity and batch in patch mode. @default 3 */
  readonly maxConflictRetries?: number;
  /** Entities projected in parallel. @default 16 */
  readonly concurrency?: number;
}

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

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

/** Default name of the partition key attribute. */
export const DEFAULT_PARTITION_KEY = 'pk';
/** Attribute names of the read-model item besides the partition key. */
export const READ_MODEL_ATTRIBUTES = { version: 'version', type: 'type', updatedAt: 'updatedAt', state: 'state' } as const;
/** DynamoDB's maximum item size, in bytes. */
export const MAX_ITEM_BYTES = 400 * 1024;

const MAX_KEY_BYTES = 2048;
const MAX_DATA_DEPTH = 31;
const MIN_NUMBER_MAGNITUDE = 1e-130;
const MAX_NUMBER_MAGNITUDE = 1e126;
const DEFAULT_MAX_CONFLICT_RETRIES = 3;
const DEFAULT_CONCURRENCY = 16;
const MAX_LOGGED_ERRORS = 5;
const MAX_LOGGED_SKIPPED = 20;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

/**
 * Reads the projector settings from environment variables: `TABLE_NAME` (required) and
 * `PARTITION_KEY` (default `pk`).
 * @throws if `TABLE_NAME` is missing or `PARTITION_KEY` collides with another item attribute
 */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): ProjectorConfig {
  const tableName = env.TABLE_NAME?.trim();
  if (!tableName) {
    throw new Error('TABLE_NAME environment variable is required');
  }
  const partitionKey = env.PARTITION_KEY?.trim() || DEFAULT_PARTITION_KEY;
  if ((Object.values(READ_MODEL_ATTRIBUTES) as string[]).includes(partitionKey)) {
    throw new Error(`PARTITION_KEY must not be one of ${Object.values(READ_MODEL_ATTRIBUTES).join(', ')}`);
  }
  return { tableName, partitionKey };
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

/** Decodes and validates the event envelope carried by a Kinesis record's base64 `data`. */
export function parseRecordData(base64: string): ParseResult {
  if (!BASE64.test(base64)) {
    return failure('data is not valid base64');
  }
  let text: string;
  try {
    text = UTF8.decode(Buffer.from(base64, 'base64'));
  } catch {
    return failure('data is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return failure('data is not valid JSON');
  }
  return validateEnvelope(json);
}

/** Validates a decoded JSON value against the event envelope. */
export function validateEnvelope(json: unknown): ParseResult {
  if (!isJsonObject(json)) {
    return failure('envelope is not a JSON object');
  }
  const { entityId, version, type, time, data, mode } = json;
  const reason = entityIdError(entityId)
    ?? versionError(version)
    ?? (isNonEmptyString(type) ? undefined : 'type must be a non-empty string')
    ?? timeError(time)
    ?? dataError(data)
    ?? modeError(mode);
  if (reason !== undefined) {
    return failure(reason);
  }
  return {
    ok: true,
    event: {
      entityId: entityId as string,
      version: version as number,
      type: type as string,
      time: time as string,
      data: data as JsonObject,
      mode: (mode ?? 'snapshot') as ProjectionMode,
    },
  };
}

function failure(reason: string): ParseResult {
  return { ok: false, reason };
}

function entityIdError(value: unknown): string | undefined {
  if (!isNonEmptyString(value)) {
    return 'entityId must be a non-empty string';
  }
  return Buffer.byteLength(value, 'utf8') > MAX_KEY_BYTES ? `entityId must be at most ${MAX_KEY_BYTES} bytes` : undefined;
}

function versionError(value: unknown): string | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 1 ? undefined : 'version must be an integer >= 1';
}

function timeError(value: unknown): string | undefined {
  const valid = typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
  return valid ? undefined : 'time must be an ISO-8601 date-time with a time zone';
}

function dataError(value: unknown): string | undefined {
  if (!isJsonObject(value)) {
    return 'data must be a JSON object';
  }
  return storableError(value, 1);
}

function modeError(value: unknown): string | undefined {
  return value === undefined || value === 'snapshot' || value === 'patch' ? undefined : 'mode must be "snapshot" or "patch"';
}

/** Checks what DynamoDB would refuse in a JSON value: number range and nesting depth. */
function storableError(value: JsonValue, depth: number): string | undefined {
  if (typeof value === 'number') {
    return numberError(value);
  }
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  if (depth > MAX_DATA_DEPTH) {
    return `data must not nest more than ${MAX_DATA_DEPTH} levels`;
  }
  for (const child of Object.values(value)) {
    const reason = storableError(child, depth + 1);
    if (reason !== undefined) {
      return reason;
    }
  }
  return undefined;
}

function numberError(value: number): string | undefined {
  const magnitude = Math.abs(value);
  const storable = magnitude === 0 || (magnitude >= MIN_NUMBER_MAGNITUDE && magnitude < MAX_NUMBER_MAGNITUDE);
  return storable ? undefined : `number ${value} is outside the range DynamoDB can store`;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

// ---------------------------------------------------------------------------
// Folding
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// DynamoDB marshalling
// ---------------------------------------------------------------------------

/** Converts a JSON value to a DynamoDB attribute value. */
export function toAttributeValue(value: JsonValue): AttributeValue {
  if (value === null) {
    return { NULL: true };
  }
  if (typeof value === 'string') {
    return { S: value };
  }
  if (typeof value === 'number') {
    return { N: String(value) };
  }
  if (typeof value === 'boolean') {
    return { BOOL: value };
  }
  if (Array.isArray(value)) {
    return { L: value.map(toAttributeValue) };
  }
  return { M: toAttributeMap(value) };
}

/** Converts a JSON object to a DynamoDB attribute map. */
export function toAttributeMap(value: JsonObject): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, toAttributeValue(child)]));
}

/** Converts a DynamoDB attribute value to JSON (binary as base64, sets as arrays). */
export function fromAttributeValue(value: AttributeValue): JsonValue {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map(fromAttributeValue);
  if (value.M !== undefined) return fromAttributeMap(value.M);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  if (value.BS !== undefined) return value.BS.map((b) => Buffer.from(b).toString('base64'));
  return null;
}

/** Converts a DynamoDB attribute map to a JSON object. */
export function fromAttributeMap(value: Record<string, AttributeValue>): JsonObject {
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, fromAttributeValue(child)]));
}

/** Approximate DynamoDB size of an item, in bytes (rounded up for numbers). */
export function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8Length(name) + attributeSize(value), 0);
}

function attributeSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8Length(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.length / 2) + 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, child) => sum + 1 + attributeSize(child), 0);
  if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((sum, [k, child]) => sum + 1 + utf8Length(k) + attributeSize(child), 0);
  return 1;
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

// ---------------------------------------------------------------------------
// Read-model store
// ---------------------------------------------------------------------------

interface StoreContext {
  readonly dynamodb: ReadModelClient;
  readonly tableName: string;
  readonly partitionKey: string;
  readonly maxConflictRetries: number;
}

function expressionNames(ctx: StoreContext): Record<'#pk' | '#version', string> {
  return { '#pk': ctx.partitionKey, '#version': READ_MODEL_ATTRIBUTES.version };
}

function toItem(ctx: StoreContext, entityId: string, entity: MaterializedEntity): Record<string, AttributeValue> {
  return {
    [ctx.partitionKey]: { S: entityId },
    [READ_MODEL_ATTRIBUTES.version]: { N: String(entity.version) },
    [READ_MODEL_ATTRIBUTES.type]: { S: entity.type },
    [READ_MODEL_ATTRIBUTES.updatedAt]: { S: entity.updatedAt },
    [READ_MODEL_ATTRIBUTES.state]: { M: toAttributeMap(entity.state) },
  };
}

function fromItem(item: Record<string, AttributeValue> | undefined): MaterializedEntity | undefined {
  if (item === undefined) {
    return undefined;
  }
  const version = Number(item[READ_MODEL_ATTRIBUTES.version]?.N);
  if (!Number.isSafeInteger(version)) {
    throw new Error('stored item has no numeric version');
  }
  const state = item[READ_MODEL_ATTRIBUTES.state]?.M;
  return {
    version,
    type: item[READ_MODEL_ATTRIBUTES.type]?.S ?? '',
    updatedAt: item[READ_MODEL_ATTRIBUTES.updatedAt]?.S ?? '',
    state: state ? fromAttributeMap(state) : {},
  };
}

async function readEntity(ctx: StoreContext, entityId: string): Promise<MaterializedEntity | undefined> {
  const output = await ctx.dynamodb.send(new GetItemCommand({
    TableName: ctx.tableName,
    Key: { [ctx.partitionKey]: { S: entityId } },
    ConsistentRead: true,
  }));
  return fromItem(output.Item);
}

/** Writes the item if the stored one is older (or absent). */
async function putIfNewer(ctx: StoreContext, item: Record<string, AttributeValue>): Promise<void> {
  await ctx.dynamodb.send(new PutItemCommand({
    TableName: ctx.tableName,
    Item: item,
    ConditionExpression: 'attribute_not_exists(#pk) OR #version < :version',
    ExpressionAttributeNames: expressionNames(ctx),
    ExpressionAttributeValues: { ':version': item[READ_MODEL_ATTRIBUTES.version] },
  }));
}

/** Writes the item if the stored version is still `expected` (absent when `undefined`). */
async function putIfUnchanged(ctx: StoreContext, item: Record<string, AttributeValue>, expected: number | undefined): Promise<void> {
  const names = expressionNames(ctx);
  await ctx.dynamodb.send(new PutItemCommand({
    TableName: ctx.tableName,
    Item: item,
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    ...(expected === undefined
      ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': names['#pk'] } }
      : {
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': names['#version'] },
        ExpressionAttributeValues: { ':expected': { N: String(expected) } },
      }),
  }));
}

function isConditionalCheckFailure(error: unknown): error is Error & { Item?: Record<string, AttributeValue> } {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

// ---------------------------------------------------------------------------
// Entity projection
// ---------------------------------------------------------------------------

/** What happened to one entity of a batch. */
type EntityOutcome =
  | { readonly kind: 'applied' | 'stale' | 'pending' }
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'rejected'; readonly reason: string };

interface PositionedRecord {
  /** Position in the batch, which is the shard order. */
  readonly index: number;
  readonly record: KinesisStreamRecord;
}

interface ParsedRecord extends PositionedRecord {
  readonly event: ProjectionEvent;
}

interface FailedRecord extends PositionedRecord {
  readonly reason: string;
}

interface EntityGroup {
  readonly entityId: string;
  /** The entity's records, in shard order. */
  readonly records: readonly ParsedRecord[];
}

async function projectEntity(ctx: StoreContext, group: EntityGroup): Promise<EntityOutcome> {
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

/** The state the batch determines on its own: a snapshot followed by contiguous patches. */
function foldWithoutBase(events: readonly ProjectionEvent[]): MaterializedEntity | undefined {
  const lastSnapshot = findLastIndex(events, (event) => event.mode === 'snapshot');
  if (lastSnapshot < 0) {
    return undefined;
  }
  const fold = foldEvents(undefined, events.slice(lastSnapshot));
  return fold.complete ? fold.entity : undefined;
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

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

// ---------------------------------------------------------------------------
// Batch projection
// ---------------------------------------------------------------------------

interface ProjectorContext extends StoreContext {
  readonly concurrency: number;
  readonly sendToFailureQueue?: SendToFailureQueue;
  readonly log: (line: LogLine) => void;
}

interface FailureQueueDelivery {
  readonly sent: number;
  readonly failedIndexes: readonly number[];
  readonly error?: string;
  /** Records skipped because there is no failure queue. */
  readonly skipped: readonly FailedRecord[];
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
    log: deps.log ?? ((line) => console.log(JSON.stringify(line))),
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
  const unprocessable = [...unparseable, ...rejectedRecords(groups, outcomes)]
    .filter((r) => r.index < entityCheckpoint)
    .sort((a, b) => a.index - b.index);
  const delivery = await deliverToFailureQueue(ctx, unprocessable);
  const checkpoint = Math.min(entityCheckpoint, ...delivery.failedIndexes);
  const response = toResponse(records, checkpoint);
  ctx.log(summarize({ records, parsed, unparseable, groups, outcomes, delivery, response, startedAt }));
  return response;
}

function parseAll(records: readonly KinesisStreamRecord[]): { parsed: ParsedRecord[]; unparseable: FailedRecord[] } {
  const parsed: ParsedRecord[] = [];
  const unparseable: FailedRecord[] = [];
  records.forEach((record, index) => {
    const result = parseRecordData(record.kinesis.data ?? '');
    if (result.ok) {
      parsed.push({ index, record, event: result.event });
    } else {
      unparseable.push({ index, record, reason: result.reason });
    }
  });
  return { parsed, unparseable };
}

function groupByEntity(parsed: readonly ParsedRecord[]): EntityGroup[] {
  const groups = new Map<string, ParsedRecord[]>();
  for (const record of parsed) {
    const group = groups.get(record.event.entityId);
    if (group) {
      group.push(record);
    } else {
      groups.set(record.event.entityId, [record]);
    }
  }
  return [...groups].map(([entityId, entityRecords]) => ({ entityId, records: entityRecords }));
}

/** Index of the earliest record of the entities that must be retried; Infinity when none. */
function earliestRetryIndex(groups: readonly EntityGroup[], outcomes: readonly EntityOutcome[]): number {
  return groups.reduce((earliest, group, i) => {
    const retry = outcomes[i].kind === 'failed' || outcomes[i].kind === 'pending';
    return retry ? Math.min(earliest, group.records[0].index) : earliest;
  }, Infinity);
}

function rejectedRecords(groups: readonly EntityGroup[], outcomes: readonly EntityOutcome[]): FailedRecord[] {
  return groups.flatMap((group, i) => {
    const outcome = outcomes[i];
    return outcome.kind === 'rejected' ? group.records.map((r) => ({ index: r.index, record: r.record, reason: outcome.reason })) : [];
  });
}

async function deliverToFailureQueue(ctx: ProjectorContext, records: readonly FailedRecord[]): Promise<FailureQueueDelivery> {
  if (records.length === 0) {
    return { sent: 0, failedIndexes: [], skipped: [] };
  }
  if (!ctx.sendToFailureQueue) {
    return { sent: 0, failedIndexes: [], skipped: records };
  }
  const indexBySequence = new Map(records.map((r) => [r.record.kinesis.sequenceNumber, r.index]));
  try {
    const result = await ctx.sendToFailureQueue(records.map(toUnprocessableRecord));
    const failedIndexes = result.failedSequenceNumbers
      .map((sequenceNumber) => indexBySequence.get(sequenceNumber))
      .filter((index): index is number => index !== undefined);
    return { sent: records.length - failedIndexes.length, failedIndexes, skipped: [] };
  } catch (error) {
    return { sent: 0, failedIndexes: records.map((r) => r.index), error: describeError(error), skipped: [] };
  }
}

/** Builds the failure-queue payload for a record. */
function toUnprocessableRecord({ record, reason }: FailedRecord): UnprocessableRecord {
  return {
    reason,
    sequenceNumber: record.kinesis.sequenceNumber,
    partitionKey: record.kinesis.partitionKey,
    shardId: shardIdOf(record),
    eventId: record.eventID,
    eventSourceArn: record.eventSourceARN,
    approximateArrivalTimestamp: record.kinesis.approximateArrivalTimestamp,
    data: record.kinesis.data,
  };
}

function shardIdOf(record: KinesisStreamRecord): string {
  const separator = record.eventID?.indexOf(':') ?? -1;
  return separator > 0 ? record.eventID.slice(0, separator) : '';
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

// ---------------------------------------------------------------------------
// Logging
// ---------------------------------------------------------------------------

interface BatchReport {
  readonly records: readonly KinesisStreamRecord[];
  readonly parsed: readonly ParsedRecord[];
  readonly unparseable: readonly FailedRecord[];
  readonly groups: readonly EntityGroup[];
  readonly outcomes: readonly EntityOutcome[];
  readonly delivery: FailureQueueDelivery;
  readonly response: KinesisStreamBatchResponse;
  readonly startedAt: number;
}

function summarize(report: BatchReport): LogLine {
  const counts = countOutcomes(report.outcomes);
  const checkpoint = report.response.batchItemFailures[0]?.itemIdentifier;
  const problems = checkpoint !== undefined || report.unparseable.length > 0 || counts.rejected > 0;
  return {
    level: problems ? 'WARN' : 'INFO',
    message: 'Kinesis batch projected',
    shardId: report.records.length > 0 ? shardIdOf(report.records[0]) : undefined,
    records: report.records.length,
    events: report.parsed.length,
    entities: report.groups.length,
    ...counts,
    unparseable: report.unparseable.length,
    sentToFailureQueue: report.delivery.sent,
    failureQueueRejected: report.delivery.failedIndexes.length,
    failureQueueError: report.delivery.error,
    skippedWithoutFailureQueue: skippedSample(report.delivery.skipped),
    retryFromSequenceNumber: checkpoint,
    errors: errorSample(report.outcomes),
    durationMs: Date.now() - report.startedAt,
  };
}

function countOutcomes(outcomes: readonly EntityOutcome[]): Record<EntityOutcome['kind'], number> {
  const counts = { applied: 0, stale: 0, pending: 0, failed: 0, rejected: 0 };
  outcomes.forEach((outcome) => counts[outcome.kind]++);
  return counts;
}

function errorSample(outcomes: readonly EntityOutcome[]): string[] | undefined {
  const errors = [...new Set(outcomes.flatMap((o) => (o.kind === 'failed' ? [o.error] : [])))];
  return errors.length > 0 ? errors.slice(0, MAX_LOGGED_ERRORS) : undefined;
}

function skippedSample(skipped: readonly FailedRecord[]): Array<{ sequenceNumber: string; reason: string }> | undefined {
  if (skipped.length === 0) {
    return undefined;
  }
  return skipped.slice(0, MAX_LOGGED_SKIPPED).map((r) => ({ sequenceNumber: r.record.kinesis.sequenceNumber, reason: r.reason }));
}

// ---------------------------------------------------------------------------
// SQS adapter
// ---------------------------------------------------------------------------

/** One entry of an SQS `SendMessageBatch` request. */
export interface SqsBatchEntry {
  readonly Id: string;
  readonly MessageBody: string;
}

/**
 * Sends one SQS `SendMessageBatch` request (at most 10 entries) and resolves to the ids of the
 * entries SQS did not accept (the response's `Failed[].Id`).
 */
export type SendMessageBatch = (entries: SqsBatchEntry[]) => Promise<readonly string[]>;

/** Options of {@link sqsFailureSender}. */
export interface SqsFailureSenderOptions {
  /**
   * Largest message body, and largest batch, in bytes. Records whose message would be larger have
   * their `data` truncated (`dataTruncated: true`, `dataLength` holds the original length); the
   * sequence number and shard still locate the record in the stream.
   * @default 262144 (256 KiB, accepted by every queue)
   */
  readonly maxMessageBytes?: number;
}

const SQS_MAX_BATCH_ENTRIES = 10;
const DEFAULT_SQS_MAX_MESSAGE_BYTES = 256 * 1024;
const TRUNCATION_MARGIN_BYTES = 64;

/**
 * Adapts an SQS `SendMessageBatch` call to the failure-queue port: one JSON message per record,
 * batched by 10 and by size.
 */
export function sqsFailureSender(sendMessageBatch: SendMessageBatch, options: SqsFailureSenderOptions = {}): SendToFailureQueue {
  const maxBytes = options.maxMessageBytes ?? DEFAULT_SQS_MAX_MESSAGE_BYTES;
  return async (records) => {
    const messages = records.map((record) => ({ sequenceNumber: record.sequenceNumber, body: failureMessageBody(record, maxBytes) }));
    const chunks = chunkMessages(messages, maxBytes);
    const results = await Promise.allSettled(chunks.map((chunk) => sendChunk(sendMessageBatch, chunk)));
    const failedSequenceNumbers = results.flatMap((result, i) => (result.status === 'fulfilled'
      ? result.value
      : chunks[i].map((message) => message.sequenceNumber)));
    return { failedSequenceNumbers };
  };
}

interface FailureMessage {
  readonly sequenceNumber: string;
  readonly body: string;
}

/** JSON body of a failure-queue message, with the data truncated to fit `maxBytes`. */
export function failureMessageBody(record: UnprocessableRecord, maxBytes: number): string {
  const body = JSON.stringify(record);
  const excess = utf8Length(body) - maxBytes;
  if (excess <= 0) {
    return body;
  }
  const keep = Math.max(0, record.data.length - excess - TRUNCATION_MARGIN_BYTES);
  return JSON.stringify({ ...record, data: record.data.slice(0, keep), dataTruncated: true, dataLength: record.data.length });
}

function chunkMessages(messages: readonly FailureMessage[], maxBytes: number): FailureMessage[][] {
  const chunks: FailureMessage[][] = [];
  let current: FailureMessage[] = [];
  let currentBytes = 0;
  for (const message of messages) {
    const bytes = utf8Length(message.body);
    if (current.length === SQS_MAX_BATCH_ENTRIES || (current.length > 0 && currentBytes + bytes > maxBytes)) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(message);
    currentBytes += bytes;
  }
  if (current.length > 0) {
    chunks.push(current);
  }
  return chunks;
}

async function sendChunk(sendMessageBatch: SendMessageBatch, chunk: readonly FailureMessage[]): Promise<string[]> {
  const entries = chunk.map((message, i) => ({ Id: `m${i}`, MessageBody: message.body }));
  const failedIds = new Set(await sendMessageBatch(entries));
  return chunk.filter((_, i) => failedIds.has(`m${i}`)).map((message) => message.sequenceNumber);
}
