/**
 * DynamoDB marshalling: JSON values to and from DynamoDB attribute values (the size DynamoDB counts
 * for an item is computed on the JSON state, in `item-size.ts`).
 *
 * Numbers are exact both ways (`numbers.ts`): an exact number is written as the producer's text,
 * and a stored number is read back as a JS number only when the double keeps its value, so that
 * patch mode's read-modify-write never loses digits.
 *
 * @module
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { JsonObject, JsonValue } from './envelope';
import { decimalText, isExactNumber, jsonNumber, toDecimal, type JsonNumber } from './numbers';

/** DynamoDB's maximum item size, in bytes. */
export const MAX_ITEM_BYTES = 400 * 1024;

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
  if (isExactNumber(value)) {
    return { N: value.value };
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

/** Converts a DynamoDB attribute value to JSON (binary as base64, sets as arrays, numbers exact). */
export function fromAttributeValue(value: AttributeValue): JsonValue {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return storedNumber(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map(fromAttributeValue);
  if (value.M !== undefined) return fromAttributeMap(value.M);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(storedNumber);
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  if (value.BS !== undefined) return value.BS.map((b) => Buffer.from(b).toString('base64'));
  return null;
}

/**
 * A number DynamoDB returned. Its text is expected in JSON number syntax; another decimal form
 * (`.5`, `+5`) is rewritten in scientific notation, same value.
 */
function storedNumber(text: string): JsonNumber {
  if (JSON_NUMBER.test(text)) {
    return jsonNumber(text);
  }
  const decimal = toDecimal(text);
  if (decimal === undefined) {
    throw new Error(`stored number "${text}" is not a decimal number`);
  }
  return jsonNumber(decimalText(decimal));
}
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Converts a DynamoDB attribute map to a JSON object. */
export function fromAttributeMap(value: Record<string, AttributeValue>): JsonObject {
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, fromAttributeValue(child)]));
}
