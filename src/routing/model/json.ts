/**
 * JSON helpers shared by the parsers, the machine and the explanations.
 *
 * Internal module: not part of the jsii API.
 */
import { Token } from 'aws-cdk-lib';

/** Whether the value is a plain JSON object (not an array, a class instance or null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Own enumerable keys whose value is not `undefined` (such keys vanish in JSON). */
export function definedKeys(obj: Record<string, unknown>): string[] {
  return Object.keys(obj).filter((k) => obj[k] !== undefined);
}

/** Large and tiny numbers in exponent form without "+" (1e10), others as usual. */
export function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e7 || magnitude < 1e-6)) {
    return value.toExponential().replace('e+', 'e');
  }
  return String(value);
}

/**
 * A short, never-throwing rendering of any value for messages: JSON where
 * possible (numbers as JavaScript writes them), tokens as `<token>`, cut to
 * `maxChars` characters.
 */
export function printValue(value: unknown, maxChars: number): string {
  let text: string;
  try {
    text = renderValue(value);
  } catch {
    text = '<unprintable value>';
  }
  return text.length > maxChars ? `${text.slice(0, maxChars - 3)}...` : text;
}

function renderValue(value: unknown): string {
  if (typeof value === 'number') {
    return String(value);
  }
  if (typeof value === 'bigint') {
    return `${value}n`;
  }
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    return String(value);
  }
  return JSON.stringify(value, jsonReplacer) ?? String(value);
}

/** Token objects (not plain JSON) are written as a placeholder, big integers as numbers, so that stringifying never fails on them. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value.toString();
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !isPlainObject(value) && Token.isUnresolved(value)) {
    return '<token>';
  }
  return value;
}

/** Bytes of the value's JSON text (tokens as placeholders); 0 when it cannot be written as JSON. */
export function jsonSizeBytes(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value, jsonReplacer) ?? '', 'utf8');
  } catch {
    return 0;
  }
}
