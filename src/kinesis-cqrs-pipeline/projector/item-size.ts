/**
 * The size DynamoDB counts for a read-model item, computed from the JSON state without marshalling
 * it, so that each event can be judged against the 400 KB limit as it is folded (a patch costs the
 * size of the attributes it changes, not of the whole state).
 *
 * DynamoDB's rules ("Item sizes and formats",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * an item's size is the sum of the UTF-8 lengths of its attribute names and the sizes of its
 * values; a string counts its UTF-8 bytes, a number about one byte per two significant digits plus
 * one, a Boolean or null one byte, a list or map 3 bytes plus, per element, one byte and (for a
 * map) the UTF-8 length of its key. The tests hold this count equal to the DynamoDB fake's
 * (`test/helpers/dynamodb-fake.ts`), which applies the same documented rules to the item written.
 *
 * @module
 */
import type { JsonValue } from './envelope';
import { isExactNumber, numberSize } from './numbers';
import { READ_MODEL_ATTRIBUTES } from './read-model-store';

/** DynamoDB size of a JSON value stored as an attribute value. */
export function jsonBytes(value: JsonValue): number {
  switch (typeof value) {
    case 'string':
      return utf8Length(value);
    case 'number':
      return jsNumberBytes(value);
    case 'boolean':
      return 1;
    default:
      break;
  }
  if (value === null) {
    return 1;
  }
  if (Array.isArray(value)) {
    let bytes = 3;
    for (let i = 0; i < value.length; i++) {
      bytes += 1 + jsonBytes(value[i]);
    }
    return bytes;
  }
  if (isExactNumber(value)) {
    return numberSize(value.value);
  }
  let bytes = 3;
  // JSON objects are plain: their keys are own and enumerable (no Object.entries array per object).
  for (const key in value) {
    bytes += 1 + utf8Length(key) + jsonBytes(value[key]);
  }
  return bytes;
}

/** Powers of ten up to 10^15, to count the digits of an integer without printing it. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, i) => 10 ** i);

/**
 * `numberSize` of a JS number: for integers below 10^15 (counts, amounts in cents, versions), the
 * significant digits are counted arithmetically; other numbers are printed as `String(n)`, the
 * text the item holds.
 */
function jsNumberBytes(value: number): number {
  let magnitude = Math.abs(value);
  if (!Number.isInteger(magnitude) || magnitude >= POWERS_OF_TEN[15]) {
    return numberSize(String(value));
  }
  if (magnitude === 0) {
    return numberSize('0');
  }
  while (magnitude % 10 === 0) {
    magnitude /= 10;
  }
  let digits = 1;
  while (digits < 15 && magnitude >= POWERS_OF_TEN[digits]) {
    digits++;
  }
  return Math.ceil(digits / 2) + 1;
}

/** What one top-level attribute of the state adds to the `state` map: one byte, its name and its value. */
export function stateEntryBytes(key: string, value: JsonValue): number {
  return 1 + utf8Length(key) + jsonBytes(value);
}

/** The attributes of a read-model item besides its key and state. */
export interface ItemHeader {
  readonly version: number;
  readonly type: string;
  readonly updatedAt: string;
}

/** Size of the read-model item of an entity whose state's entries add up to `entriesBytes`. */
export function entityItemBytes(partitionKey: string, entityId: string, entity: ItemHeader, entriesBytes: number): number {
  return utf8Length(partitionKey) + utf8Length(entityId)
    + READ_MODEL_ATTRIBUTES.version.length + jsNumberBytes(entity.version)
    + READ_MODEL_ATTRIBUTES.type.length + utf8Length(entity.type)
    + READ_MODEL_ATTRIBUTES.updatedAt.length + utf8Length(entity.updatedAt)
    + READ_MODEL_ATTRIBUTES.state.length + 3 + entriesBytes;
}

/** UTF-8 length: counted in JS for short ASCII strings (most keys and values), natively otherwise. */
function utf8Length(text: string): number {
  if (text.length > 32) {
    return Buffer.byteLength(text, 'utf8');
  }
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      return Buffer.byteLength(text, 'utf8');
    }
  }
  return text.length;
}
