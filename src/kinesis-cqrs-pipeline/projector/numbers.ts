/**
 * Exact JSON numbers: what the producer wrote is what DynamoDB stores.
 *
 * `JSON.parse` turns every number into a double, which changes any number with more than 15 to 17
 * significant digits (`12345678901234567890` becomes `12345678901234567000`). DynamoDB numbers
 * hold up to 38 significant digits, leading and trailing zeros trimmed, with a magnitude from
 * 1E-130 to 9.9999999999999999999999999999999999999E+125 (Developer Guide, "Supported data types
 * and naming rules", Number:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html).
 *
 * So a JSON number (`JsonNumber`) is either:
 * - a JS `number`, when the double keeps the producer's decimal value: the decimal it stands for is
 *   `String(n)`, equal in value to the producer's text;
 * - an exact number (`ExactNumber`, lossless-json's `LosslessNumber`), holding the producer's
 *   text, when a double would change it.
 *
 * `parseJson` keeps the common path fast: the native `JSON.parse` when the text cannot hold a
 * number a double would change, lossless-json's parser otherwise (see `mayLoseDigits`).
 *
 * @module
 */
// Bundled into the projector's Lambda asset by esbuild; never a runtime dependency of the library
// (the projector modules are not exported from `src/index.ts`).
// eslint-disable-next-line import/no-extraneous-dependencies
import { isLosslessNumber, isSafeNumber, LosslessNumber, parse } from 'lossless-json';
import type { JsonValue } from './envelope';

/** A number kept as the producer's decimal text, because a double would change it. */
export type ExactNumber = LosslessNumber;

/** A JSON number: a JS `number` when a double holds its decimal value exactly, its text otherwise. */
export type JsonNumber = number | ExactNumber;

/**
 * The most significant digits a DynamoDB number holds
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html, Number).
 */
export const DYNAMODB_MAX_SIGNIFICANT_DIGITS = 38;
/** Largest decimal exponent of a DynamoDB number: 9.9999999999999999999999999999999999999E+125. */
const MAX_EXPONENT = 125;
/** Smallest decimal exponent of a non-zero DynamoDB number: 1E-130. */
const MIN_EXPONENT = -130;
// The same bounds as doubles, for JS numbers (see `jsonNumberError`).
const MAX_MAGNITUDE = 1e126;
const MIN_MAGNITUDE = 1e-130;

/**
 * Whether a JSON text may hold a number that a double would change: a run of 16 or more
 * characters among digits and `.` (every mantissa of 16 or more digits makes one; the run is a
 * plain character class, which the regular expression engine scans without backtracking), or an
 * exponent of 3 or more digits.
 *
 * Why the rest is safe with `JSON.parse`: a number matched by neither has at most 15 digits in
 * its mantissa (leading zeros included) and an exponent of at most 2 digits, so its magnitude is
 * 0 or between 1E-113 and 1E+114, inside both the normal range of doubles and DynamoDB's range.
 * Any decimal of at most 15 significant digits in the normal range survives text -> double ->
 * text (IEEE 754 binary64 has 53 bits of precision, and 10^15 < 2^52: no two such decimals round
 * to the same double, so the shortest decimal that `String(n)` prints is that decimal).
 * Without the exponent clause, `1e-400` would become 0 and `1e400` Infinity.
 *
 * Digits inside strings may match too (a phone number, an id): they only take the slower path.
 */
export function mayLoseDigits(text: string): boolean {
  // Every mantissa of 16 or more digits has 8 digits in a row before or after its point: that
  // simpler expression, several times faster, rules out most texts before the precise one runs.
  return EIGHT_DIGITS_OR_LONG_EXPONENT.test(text) && MAY_LOSE_DIGITS.test(text);
}
const EIGHT_DIGITS_OR_LONG_EXPONENT = /\d{8}|\d[eE][+-]?\d{3}/;
const MAY_LOSE_DIGITS = /[\d.]{16}|\d[eE][+-]?\d{3}/;

/**
 * Parses JSON text keeping numbers exact: a number a double would change (or outside DynamoDB's
 * range) becomes an `ExactNumber`, the others stay JS numbers. Throws a `SyntaxError` on invalid JSON.
 * A duplicated object key keeps its last value, as `JSON.parse` does.
 */
export function parseJson(text: string): unknown {
  if (!mayLoseDigits(text)) {
    return JSON.parse(text);
  }
  return parse(text, null, { parseNumber: parsedNumber, onDuplicateKey: ({ newValue }) => newValue });
}

/**
 * A number of the exact path. One outside DynamoDB's range stays as written, so that the reason
 * that parks its record names it as the producer wrote it (the fast path never meets one).
 */
function parsedNumber(text: string): JsonNumber {
  const value = jsonNumber(text);
  return typeof value === 'number' && jsonNumberError(value) !== undefined ? new LosslessNumber(text) : value;
}

/**
 * The JSON number of a text in JSON number syntax (as DynamoDB returns numbers too): a JS number
 * when the double keeps its decimal value, else an `ExactNumber` holding the text.
 */
export function jsonNumber(text: string): JsonNumber {
  return !MAY_LOSE_DIGITS.test(text) || isSafeNumber(text) ? Number(text) : new LosslessNumber(text);
}

/** Whether a value is an exact number. */
export function isExactNumber(value: unknown): value is ExactNumber {
  return isLosslessNumber(value);
}

/** Whether a value is a JSON number (a JS number or an exact number). */
export function isJsonNumber(value: unknown): value is JsonNumber {
  return typeof value === 'number' || isLosslessNumber(value);
}

/** The decimal text of a JSON number: the producer's text of an exact number, `String(n)` otherwise. */
export function numberText(value: JsonNumber): string {
  return typeof value === 'number' ? String(value) : value.value;
}

/** A decimal, normalized: `digits` without leading or trailing zeros ('' for zero), and the exponent of its first digit. */
export interface Decimal {
  readonly negative: boolean;
  readonly digits: string;
  /** The value is `0.digits × 10^(exponent + 1)`, that is `d.ddd × 10^exponent`. */
  readonly exponent: number;
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const ZERO: Decimal = { negative: false, digits: '', exponent: 0 };

/** The normalized decimal of a number's text (`undefined`: not a decimal number). */
export function toDecimal(text: string): Decimal | undefined {
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) {
    return undefined;
  }
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const mantissa = whole + fraction;
  if (mantissa.length === 0) {
    return undefined;
  }
  let first = 0;
  while (first < mantissa.length && mantissa.charCodeAt(first) === CODE_ZERO) first++;
  if (first === mantissa.length) {
    return ZERO;
  }
  let end = mantissa.length;
  while (mantissa.charCodeAt(end - 1) === CODE_ZERO) end--;
  return { negative: sign === '-', digits: mantissa.slice(first, end), exponent: Number(exponent) + whole.length - 1 - first };
}

/** The text of a normalized decimal, in JSON number syntax: `0`, or `-1.2345e2` (scientific notation). */
export function decimalText(decimal: Decimal): string {
  if (decimal.digits.length === 0) {
    return '0';
  }
  const fraction = decimal.digits.length > 1 ? `.${decimal.digits.slice(1)}` : '';
  return `${decimal.negative ? '-' : ''}${decimal.digits[0]}${fraction}e${decimal.exponent}`;
}

/** Whether two decimal texts have the same value (false when either is not a decimal number). */
export function decimalTextsEqual(a: string, b: string): boolean {
  if (a === b) {
    return true;
  }
  const x = toDecimal(a);
  const y = toDecimal(b);
  return x !== undefined && y !== undefined && x.negative === y.negative && x.digits === y.digits && x.exponent === y.exponent;
}

const CODE_ZERO = 0x30;
const CODE_NINE = 0x39;
const CODE_LOWER_E = 0x65;
const CODE_UPPER_E = 0x45;

/**
 * The significant digits of a number's text: leading and trailing zeros do not count
 * (`-0.00120` has 2, `1200` has 2, `0` has 0), as DynamoDB trims them
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html, Number).
 */
export function significantDigits(text: string): number {
  let counted = 0; // digits from the first non-zero one
  let significant = 0; // ... up to the last non-zero one
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === CODE_LOWER_E || code === CODE_UPPER_E) {
      break;
    }
    if (code >= CODE_ZERO && code <= CODE_NINE && (counted > 0 || code !== CODE_ZERO)) {
      counted++;
      if (code !== CODE_ZERO) {
        significant = counted;
      }
    }
  }
  return significant;
}

/**
 * The size DynamoDB counts for a number, in bytes: one byte per two significant digits, plus one
 * (Developer Guide, "DynamoDB item sizes and formats":
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html).
 * Zero counts as one digit, so it is never under-counted.
 */
export function numberSize(text: string): number {
  return Math.ceil(Math.max(significantDigits(text), 1) / 2) + 1;
}

/**
 * Why DynamoDB cannot store the number of a decimal text, or `undefined` when it can: more than
 * 38 significant digits, or a magnitude outside 1E-130 .. 9.9999999999999999999999999999999999999E+125
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html, Number).
 */
export function dynamoDbNumberError(text: string): string | undefined {
  const decimal = toDecimal(text);
  if (decimal === undefined) {
    return `${text} is not a decimal number`;
  }
  if (decimal.digits.length > DYNAMODB_MAX_SIGNIFICANT_DIGITS) {
    return `number ${text} has ${decimal.digits.length} significant digits, more than the ${DYNAMODB_MAX_SIGNIFICANT_DIGITS} DynamoDB can store`;
  }
  const inRange = decimal.digits.length === 0 || (decimal.exponent >= MIN_EXPONENT && decimal.exponent <= MAX_EXPONENT);
  return inRange ? undefined : outOfRange(text);
}

/**
 * Why DynamoDB cannot store a JSON number, or `undefined` when it can (see `dynamoDbNumberError`).
 *
 * A JS number is checked as a double, without printing it: it stands for the decimal `String(n)`,
 * which has at most 17 significant digits, and rounding to the nearest double is monotonic, so
 * `String(n)` is within DynamoDB's range exactly when `1e-130 <= |n| < 1e126` (the doubles nearest
 * to those bounds print as `1e-130` and `1e+126`).
 */
export function jsonNumberError(value: JsonNumber): string | undefined {
  if (typeof value !== 'number') {
    return dynamoDbNumberError(value.value);
  }
  const magnitude = Math.abs(value);
  return magnitude === 0 || (magnitude >= MIN_MAGNITUDE && magnitude < MAX_MAGNITUDE) ? undefined : outOfRange(String(value));
}

function outOfRange(text: string): string {
  return `number ${text} is outside the range DynamoDB can store`;
}

/** Whether two JSON numbers have the same decimal value (`1.5`, `1.50` and `15E-1` are equal). */
export function numbersEqual(a: JsonNumber, b: JsonNumber): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b;
  }
  return decimalTextsEqual(numberText(a), numberText(b));
}

/**
 * Deep equality of JSON values: object key order is ignored, and numbers are compared by decimal
 * value (`1.50` equals `1.5` and `15E-1`, an exact number equals a JS number of the same value).
 */
export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  if (a === b) {
    return true;
  }
  if (typeof a === 'number' || isLosslessNumber(a)) {
    return (typeof b === 'number' || isLosslessNumber(b)) && numbersEqual(a, b);
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || isLosslessNumber(b)) {
    return false;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEquals(item, b[i]));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) {
    return false;
  }
  return keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && jsonEquals(a[key], b[key]));
}
