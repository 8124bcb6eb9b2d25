/**
 * The operators of an EventBridge event pattern, parsed into model conditions.
 *
 * Internal module: not part of the jsii API.
 */
import { fail, isToken, KeyPath, ParseContext } from './parse-context';
import {
  anythingBut, Condition, exactValue, Glob, numericComparison, numericRange, ParsedCondition, UnresolvedCondition,
} from '../model/conditions';
import { ipNetwork, ipv4IfMapped, parseIpAddress, parseIpBytes, splitCidr } from '../model/ip';
import { definedKeys, isPlainObject } from '../model/json';

/** The comparison operators of an event pattern, as they appear in a match expression. */
export const EVENT_PATTERN_OPERATORS: readonly string[] = [
  'prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr',
];

const NUMERIC_OPERATORS: readonly string[] = ['=', '<', '<=', '>', '>='];
const ANYTHING_BUT_OPERATORS: readonly string[] = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'];

export function parseMatchValue(ctx: ParseContext, element: unknown, at: KeyPath): ParsedCondition {
  if (isToken(element)) {
    return unresolved(ctx, element);
  }
  if (typeof element === 'string') {
    // event-ruler matches an exact string that is an IP address as that address (so "10.0.0.1" also matches "::ffff:a00:1").
    const address = parseIpAddress(element);
    return address === undefined ? exactValue(element) : { kind: 'exact-ip', source: element, address: ipNetwork(address, address.length * 8) };
  }
  if (element === null || typeof element === 'boolean') {
    return exactValue(element);
  }
  if (typeof element === 'number') {
    return exactValue(requireFiniteNumber(ctx, element, at, 'a match value'));
  }
  if (isPlainObject(element)) {
    return parseOperator(ctx, element, at);
  }
  throw fail(ctx, at, 'a match value must be a string, a number, true, false, null or an object with one operator', element);
}

function unresolved(ctx: ParseContext, raw: unknown): UnresolvedCondition {
  ctx.sawToken = true;
  return { kind: 'unresolved', raw };
}

function parseOperator(ctx: ParseContext, expression: Record<string, unknown>, at: KeyPath): ParsedCondition {
  const keys = definedKeys(expression);
  if (keys.length !== 1) {
    const found = keys.length === 0 ? 'none' : keys.join(', ');
    throw fail(ctx, at, `malformed operator: a match expression must contain exactly one operator (found ${found})`, expression);
  }
  const operator = keys[0];
  const operand = expression[operator];
  if (isToken(operator) || isToken(operand)) {
    return unresolved(ctx, expression);
  }
  const operandAt = at.key(operator);
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return parsePrefixOrSuffix(ctx, operator, operand, operandAt);
    case 'equals-ignore-case':
      return { kind: 'equals-ignore-case', value: requireString(ctx, operand, operandAt, 'equals-ignore-case') };
    case 'wildcard':
      return { kind: 'wildcard', glob: parseWildcard(ctx, requireString(ctx, operand, operandAt, 'wildcard'), operandAt) };
    case 'anything-but':
      return parseAnythingBut(ctx, operand, operandAt);
    case 'numeric':
      return parseNumeric(ctx, operand, operandAt);
    case 'exists':
      return parseExists(ctx, operand, operandAt);
    case 'cidr':
      return parseCidr(ctx, operand, operandAt);
    default:
      throw fail(ctx, at, `malformed operator "${operator}"; the operators are ${EVENT_PATTERN_OPERATORS.join(', ')}`, expression);
  }
}

// ---------------------------------------------------------------------------
// String operators
// ---------------------------------------------------------------------------

function parsePrefixOrSuffix(ctx: ParseContext, operator: 'prefix' | 'suffix', operand: unknown, at: KeyPath): ParsedCondition {
  if (typeof operand === 'string') {
    return { kind: operator, value: operand, ignoreCase: false };
  }
  if (isPlainObject(operand)) {
    const keys = definedKeys(operand);
    if (keys.length === 1 && keys[0] === 'equals-ignore-case') {
      const inner = operand['equals-ignore-case'];
      if (isToken(inner)) {
        return unresolved(ctx, { [operator]: operand });
      }
      return { kind: operator, value: requireString(ctx, inner, at.key('equals-ignore-case'), `${operator} equals-ignore-case`), ignoreCase: true };
    }
  }
  throw fail(ctx, at, `malformed operator: ${operator} expects a string or { "equals-ignore-case": string }`, operand);
}

function requireString(ctx: ParseContext, value: unknown, at: KeyPath, operator: string): string {
  if (typeof value !== 'string') {
    throw fail(ctx, at, `malformed operator: ${operator} expects a string`, value);
  }
  return value;
}

function parseWildcard(ctx: ParseContext, source: string, at: KeyPath): Glob {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      const next = source[i + 1];
      if (next !== '*' && next !== '\\') {
        throw fail(ctx, at, `malformed wildcard: the backslash at position ${i} must be followed by * or \\ (write \\\\ for a literal backslash)`, source);
      }
      current += next;
      i++;
    } else if (ch === '*') {
      if (source[i + 1] === '*') {
        throw fail(ctx, at, `malformed wildcard: consecutive wildcard characters at position ${i} are not allowed`, source);
      }
      segments.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  segments.push(current);
  return { source, segments };
}

// ---------------------------------------------------------------------------
// anything-but
// ---------------------------------------------------------------------------

function parseAnythingBut(ctx: ParseContext, operand: unknown, at: KeyPath): ParsedCondition {
  if (typeof operand === 'string') {
    return anythingBut([operand]);
  }
  if (typeof operand === 'number') {
    return anythingBut([requireFiniteNumber(ctx, operand, at, 'anything-but')]);
  }
  if (Array.isArray(operand)) {
    return parseAnythingButList(ctx, operand, at);
  }
  if (isPlainObject(operand)) {
    return parseAnythingButOperator(ctx, operand, at);
  }
  throw fail(ctx, at, 'malformed operator: anything-but expects a string, a number, a list of only strings or only numbers, '
    + 'or an object with prefix, suffix, equals-ignore-case or wildcard', operand);
}

function parseAnythingButList(ctx: ParseContext, list: readonly unknown[], at: KeyPath): ParsedCondition {
  if (list.length === 0) {
    throw fail(ctx, at, 'malformed operator: the anything-but list must not be empty', list);
  }
  const types = new Set<string>();
  let hasToken = false;
  list.forEach((value, i) => {
    if (isToken(value)) {
      hasToken = true;
    } else if (typeof value === 'string' || typeof value === 'number') {
      if (typeof value === 'number') {
        requireFiniteNumber(ctx, value, at.index(i), 'anything-but');
      }
      types.add(typeof value);
    } else {
      throw fail(ctx, at.index(i), 'malformed operator: an anything-but list may contain only strings or only numbers (null, booleans and objects are not supported)', value);
    }
  });
  if (types.size > 1) {
    throw fail(ctx, at, 'malformed operator: an anything-but list must contain only strings or only numbers, not both', list);
  }
  if (hasToken) {
    return unresolved(ctx, { 'anything-but': list });
  }
  return anythingBut(list as readonly (string | number)[]);
}

function parseAnythingButOperator(ctx: ParseContext, operand: Record<string, unknown>, at: KeyPath): ParsedCondition {
  const keys = definedKeys(operand);
  if (keys.length !== 1 || !ANYTHING_BUT_OPERATORS.includes(keys[0])) {
    throw fail(ctx, at, `malformed operator: anything-but takes exactly one of ${ANYTHING_BUT_OPERATORS.join(', ')} (found ${keys.join(', ') || 'none'})`, operand);
  }
  const operator = keys[0];
  const innerAt = at.key(operator);
  checkOlderCompilerAnythingBut(ctx, operator, operand[operator], innerAt);
  const values = anythingButStrings(ctx, operand[operator], innerAt, operator);
  if (values === undefined) {
    return unresolved(ctx, { 'anything-but': operand });
  }
  switch (operator) {
    case 'prefix':
      return { kind: 'anything-but-prefix', values };
    case 'suffix':
      return { kind: 'anything-but-suffix', values };
    case 'equals-ignore-case':
      return { kind: 'anything-but-equals-ignore-case', values };
    default:
      return { kind: 'anything-but-wildcard', globs: values.map((v, i) => parseWildcard(ctx, v, values.length > 1 ? innerAt.index(i) : innerAt)) };
  }
}

/**
 * With `$or` a field name, event-ruler compiles the pattern with its older rule
 * compiler (RuleCompiler), which has no anything-but wildcard and takes a single
 * string for anything-but prefix and suffix.
 */
function checkOlderCompilerAnythingBut(ctx: ParseContext, operator: string, operand: unknown, at: KeyPath): void {
  if (!ctx.orAsFieldName) {
    return;
  }
  const why = 'in a pattern where "$or" is a field name (event-ruler compiles such a pattern with its older rule compiler)';
  if (operator === 'wildcard') {
    throw fail(ctx, at, `malformed operator: anything-but wildcard is not available ${why}`, operand);
  }
  if ((operator === 'prefix' || operator === 'suffix') && Array.isArray(operand)) {
    throw fail(ctx, at, `malformed operator: anything-but ${operator} takes a single string ${why}`, operand);
  }
}

/** The strings of an anything-but sub-operator; undefined when one of them is an unresolved token. */
function anythingButStrings(ctx: ParseContext, value: unknown, at: KeyPath, operator: string): string[] | undefined {
  const usage = `malformed operator: anything-but ${operator} expects a string or a non-empty list of strings`;
  if (isToken(value)) {
    return undefined;
  }
  if (Array.isArray(value) && value.length === 0) {
    throw fail(ctx, at, usage, value);
  }
  const items: readonly unknown[] = Array.isArray(value) ? value : [value];
  const itemAt = (i: number) => (Array.isArray(value) ? at.index(i) : at);
  items.forEach((item, i) => {
    if (isToken(item)) {
      return;
    }
    if (typeof item !== 'string') {
      throw fail(ctx, itemAt(i), usage, item);
    }
    if (item === '' && (operator === 'prefix' || operator === 'suffix')) {
      throw fail(ctx, itemAt(i), `malformed operator: an empty anything-but ${operator} is not allowed`, item);
    }
  });
  return items.some(isToken) ? undefined : (items as string[]);
}

// ---------------------------------------------------------------------------
// numeric
// ---------------------------------------------------------------------------

function parseNumeric(ctx: ParseContext, operand: unknown, at: KeyPath): ParsedCondition {
  const usage = 'numeric expects [operator, number] or a range [">" or ">=", lower, "<" or "<=", upper]';
  if (!Array.isArray(operand)) {
    throw fail(ctx, at, `malformed operator: ${usage}`, operand);
  }
  if (operand.length !== 2 && operand.length !== 4) {
    throw fail(ctx, at, `malformed operator: ${usage}; got ${operand.length} element(s)`, operand);
  }
  const first = readComparison(ctx, operand, 0, at, NUMERIC_OPERATORS);
  if (operand.length === 2) {
    return first === undefined ? unresolved(ctx, { numeric: operand }) : numericComparison(first.operator, first.value);
  }
  if (first !== undefined && first.operator !== '>' && first.operator !== '>=') {
    throw fail(ctx, at.index(0), `malformed operator: a numeric range starts with its lower bound (">" or ">="), then its upper bound; "${first.operator}" cannot start a range`, operand[0]);
  }
  const second = readComparison(ctx, operand, 2, at, ['<', '<=']);
  if (first === undefined || second === undefined) {
    return unresolved(ctx, { numeric: operand });
  }
  if (!(first.value < second.value)) {
    throw fail(ctx, at, `malformed operator: empty numeric range, the lower bound ${first.value} must be less than the upper bound ${second.value}`, operand);
  }
  return numericRange(first.operator, first.value, second.operator, second.value);
}

/** Reads the operator and number at `index`; undefined when either is an unresolved token. */
function readComparison(
  ctx: ParseContext, operand: readonly unknown[], index: number, at: KeyPath, allowed: readonly string[],
): { operator: string; value: number } | undefined {
  const operator = operand[index];
  const value = operand[index + 1];
  const operatorToken = isToken(operator);
  if (!operatorToken && (typeof operator !== 'string' || !allowed.includes(operator))) {
    const where = index === 0 ? 'numeric operator' : 'upper bound operator of a numeric range';
    throw fail(ctx, at.index(index), `malformed operator: unknown ${where}, expected one of ${allowed.join(' ')}`, operator);
  }
  if (isToken(value)) {
    return undefined;
  }
  if (typeof value !== 'number') {
    throw fail(ctx, at.index(index + 1), `malformed operator: "${String(operator)}" must be followed by a number`, value);
  }
  requireFiniteNumber(ctx, value, at.index(index + 1), 'numeric');
  return operatorToken ? undefined : { operator: operator as string, value };
}

function requireFiniteNumber(ctx: ParseContext, value: number, at: KeyPath, what: string): number {
  if (!Number.isFinite(value)) {
    throw fail(ctx, at, `${what} must be a finite JSON number`, value);
  }
  return value;
}

// ---------------------------------------------------------------------------
// exists and cidr
// ---------------------------------------------------------------------------

function parseExists(ctx: ParseContext, operand: unknown, at: KeyPath): Condition {
  if (typeof operand !== 'boolean') {
    throw fail(ctx, at, 'malformed operator: exists expects true or false', operand);
  }
  return { kind: 'exists', exists: operand };
}

function parseCidr(ctx: ParseContext, operand: unknown, at: KeyPath): Condition {
  if (typeof operand !== 'string') {
    throw fail(ctx, at, 'malformed operator: cidr expects a string such as "10.0.0.0/24"', operand);
  }
  const cidr = splitCidr(operand);
  if (cidr === undefined) {
    throw fail(ctx, at, 'malformed CIDR: expected an IP address, one "/" and a whole number of mask bits', operand);
  }
  // An IPv4-mapped IPv6 address is IPv4 for event-ruler (through Java's InetAddress), so its mask bits must be below 32.
  const address = ipv4IfMapped(parseIpBytes(cidr.address, { leadingZeros: true }));
  if (address === undefined) {
    throw fail(ctx, at, `malformed CIDR: "${cidr.address}" is not an IPv4 or IPv6 address`, operand);
  }
  const totalBits = address.length * 8;
  if (cidr.prefixLength >= totalBits) {
    throw fail(ctx, at, `malformed CIDR: IPv${address.length === 4 ? 4 : 6} mask bits must be less than ${totalBits} `
      + '(to match a single address, use it as an exact string match value)', operand);
  }
  return { kind: 'cidr', source: operand, block: ipNetwork(address, cidr.prefixLength) };
}
