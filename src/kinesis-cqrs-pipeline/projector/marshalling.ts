/**
 * DynamoDB marshalling: JSON values to and from DynamoDB attribute values, and the size DynamoDB
 * counts for an item.
 *
 * @module
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { JsonObject, JsonValue } from './envelope';

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
