/**
 * The event envelope: decoding and validating what a Kinesis record carries.
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
 * - `version`: integer >= 1 (at most 2^53 - 1) that increases by one with each event of the entity.
 * - `type`: non-empty string, the event type.
 * - `time`: ISO-8601 date-time with a time zone (`Z` or `+hh:mm`), stored as `updatedAt`.
 * - `data`: JSON object. Numbers are kept exact (`numbers.ts`): DynamoDB stores the producer's
 *   decimal text. They must fit a DynamoDB number: at most 38 significant digits, magnitude from
 *   1E-130 to 9.9999999999999999999999999999999999999E+125
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html, Number).
 *   Objects/arrays may nest at most 31 levels (the `state` map is the 32nd).
 * - `mode` (optional): `"snapshot"` (default), `data` is the full state of the entity at `version`;
 *   or `"patch"`, `data` holds top-level attributes merged into the state of `version - 1`.
 *   Refinement: in a patch, a top-level attribute set to `null` removes that attribute
 *   (JSON Merge Patch semantics, top level only); nested objects are replaced, not merged.
 * - Unknown top-level fields are ignored.
 *
 * A record that fails these rules can never be projected: it goes to the failure queue
 * (`failure-queue.ts`) with the reason returned here.
 *
 * @module
 */

import { isExactNumber, jsonNumberError, numberText, parseJson, type JsonNumber } from './numbers';

/** A JSON value as found in an event's `data`; numbers are exact (see `numbers.ts`). */
export type JsonValue = string | JsonNumber | boolean | null | JsonValue[] | JsonObject;

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

/** Result of parsing one Kinesis record. */
export type ParseResult =
  | { readonly ok: true; readonly event: ProjectionEvent }
  | { readonly ok: false; readonly reason: string };

const MAX_KEY_BYTES = 2048;
const MAX_DATA_DEPTH = 31;
// Base64 (RFC 4648, section 4): characters of the alphabet, then at most two `=`, the whole a
// multiple of 4 characters long. One character class and a length check, which the regular
// expression engine runs about twice as fast as a pattern of 4-character groups.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes and validates the event envelope carried by a Kinesis record's base64 `data`. */
export function parseRecordData(base64: string): ParseResult {
  if (base64.length % 4 !== 0 || !BASE64.test(base64)) {
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
    json = parseJson(text);
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
  if (isExactNumber(value)) {
    return `version must be an integer >= 1 and at most ${Number.MAX_SAFE_INTEGER}, got ${numberText(value)}`;
  }
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

/** Checks what DynamoDB would refuse in a JSON value: numbers (digits and range) and nesting depth. */
function storableError(value: JsonValue, depth: number): string | undefined {
  if (typeof value === 'number' || isExactNumber(value)) {
    return jsonNumberError(value);
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

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isExactNumber(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
