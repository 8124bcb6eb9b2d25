/**
 * The objects, fields and `$or` of an EventBridge event pattern, parsed into
 * the rule tree of the model.
 *
 * Internal module: not part of the jsii API.
 */
import { fail, isToken, KeyPath, ParseContext } from './parse-context';
import { parseMatchValue } from './parse-operators';
import { ParsedCondition } from '../model/conditions';
import { PatternError } from '../model/errors';
import { definedKeys, isPlainObject } from '../model/json';
import { RuleEntry, RuleObject } from '../model/rule';

export const OR_KEY = '$or';

/**
 * Field names that event-ruler refuses inside a `$or` branch (its reserved keywords):
 * a `$or` whose branches use one is not an OR (see `parseEventPattern`).
 */
const RESERVED_NAMES_IN_OR: readonly string[] = [
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case',
  'date-after', 'date-on-or-after', 'date-before', 'date-on-or-before', 'in-date-range',
  'ip-address-in-range', 'ip-address-not-in-range',
];

interface ObjectScope {
  /** Event field names from the root to this object. */
  readonly fieldPath: readonly string[];
  /** Where this object is, for error messages. */
  readonly at: KeyPath;
  /** Whether this object is inside a `$or` branch. */
  readonly inOr: boolean;
}

/** Parses the root object of a pattern (known to be a non-empty plain object). */
export function parsePatternObject(ctx: ParseContext, pattern: Record<string, unknown>, at: KeyPath): RuleObject {
  return parseObject(ctx, pattern, { fieldPath: [], at, inOr: false });
}

/** Whether some object of the pattern has a `$or` key. */
export function hasOrKey(value: unknown): boolean {
  if (Array.isArray(value)) {
    return value.some(hasOrKey);
  }
  return isPlainObject(value) && definedKeys(value).some((k) => k === OR_KEY || hasOrKey(value[k]));
}

/** Thrown for a `$or` that is not a valid OR: notes it, so that the pattern is read again with `$or` as a field name. */
function notAnOr(ctx: ParseContext, at: KeyPath, problem: string, value: unknown): PatternError {
  ctx.orNotKeyword = true;
  return fail(ctx, at, problem, value);
}

function parseObject(ctx: ParseContext, obj: Record<string, unknown>, scope: ObjectScope): RuleObject {
  const entries: RuleEntry[] = [];
  for (const key of definedKeys(obj)) {
    const value = obj[key];
    if (key === OR_KEY && !ctx.orAsFieldName) {
      entries.push(parseOr(ctx, value, scope));
      continue;
    }
    checkFieldName(ctx, key, value, scope);
    entries.push(parseField(ctx, key, value, scope));
  }
  return { kind: 'object', path: scope.fieldPath, entries };
}

function checkFieldName(ctx: ParseContext, key: string, value: unknown, scope: ObjectScope): void {
  if (isToken(key)) {
    ctx.sawToken = true;
    return;
  }
  if (scope.inOr && RESERVED_NAMES_IN_OR.includes(key)) {
    throw notAnOr(ctx, scope.at.key(key), `"${key}" is a reserved keyword and cannot be used as a field name inside $or`, value);
  }
}

function parseField(ctx: ParseContext, key: string, value: unknown, scope: ObjectScope): RuleEntry {
  const path = [...scope.fieldPath, key];
  const at = scope.at.key(key);
  if (isToken(value)) {
    ctx.sawToken = true;
    return { kind: 'key', key, path, conditions: [{ kind: 'unresolved', raw: value }] };
  }
  if (Array.isArray(value)) {
    return { kind: 'key', key, path, conditions: parseValues(ctx, value, at) };
  }
  if (isPlainObject(value)) {
    if (definedKeys(value).length === 0) {
      throw fail(ctx, at, 'empty objects are not allowed in an event pattern', value);
    }
    return { kind: 'nested', key, path, object: parseObject(ctx, value, { fieldPath: path, at, inOr: scope.inOr }) };
  }
  throw fail(ctx, at, `the value of "${key}" must be an array of match values or a nested object; a bare value is not allowed, wrap it in an array`, value);
}

function parseOr(ctx: ParseContext, value: unknown, scope: ObjectScope): RuleEntry {
  const at = scope.at.key(OR_KEY);
  if (isToken(value)) {
    ctx.sawToken = true;
    return { kind: 'unresolved', raw: value };
  }
  if (!Array.isArray(value) || value.length < 2) {
    throw notAnOr(ctx, at, '$or must be an array of at least two sub-patterns (JSON objects) to mean OR', value);
  }
  const branches = value.map((branch: unknown, i) => parseOrBranch(ctx, branch, { ...scope, at: at.index(i), inOr: true }));
  return { kind: 'or', branches };
}

function parseOrBranch(ctx: ParseContext, branch: unknown, scope: ObjectScope): RuleObject {
  if (isToken(branch)) {
    ctx.sawToken = true;
    return { kind: 'object', path: scope.fieldPath, entries: [{ kind: 'unresolved', raw: branch }] };
  }
  if (!isPlainObject(branch)) {
    throw notAnOr(ctx, scope.at, 'each $or branch must be a JSON object', branch);
  }
  if (definedKeys(branch).length === 0) {
    throw notAnOr(ctx, scope.at, 'a $or branch must not be empty', branch);
  }
  return parseObject(ctx, branch, scope);
}

function parseValues(ctx: ParseContext, values: readonly unknown[], at: KeyPath): ParsedCondition[] {
  if (values.length === 0) {
    throw fail(ctx, at, 'empty arrays are not allowed; give at least one match value', values);
  }
  return values.map((element, i) => parseMatchValue(ctx, element, at.index(i)));
}
