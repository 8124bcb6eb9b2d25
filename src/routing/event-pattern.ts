/**
 * Parsing and validation of Amazon EventBridge event patterns.
 *
 * `parseEventPattern` turns an event pattern, given as a plain JSON object, into a
 * small syntax tree (`ParsedEventPattern`) or throws an `EventPatternError` that
 * names the property, the key path and the offending value. The tree keeps exactly
 * what an evaluator needs: objects hold fields (all must match) and `$or` branches
 * (one must match); leaves hold matchers (one must match).
 *
 * The rules follow the EventBridge user guide (event patterns, comparison
 * operators, quotas) and, where the guide is silent, the behaviour of the open
 * source matching engine aws/event-ruler. Like EventBridge, the parser accepts
 * any field name at any level, also at the top outside the event envelope
 * (`topLevelFieldsOutsideEnvelope` lists such names, so that a construct can
 * warn about them).
 *
 * This module uses TypeScript unions and type aliases, so it is meant for internal
 * use by the constructs of this library and is not part of the jsii API.
 */
import { IResolvable, IResolveContext, Intrinsic, Token, Tokenization } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { IConstruct } from 'constructs';

// ---------------------------------------------------------------------------
// Limits and vocabulary
// ---------------------------------------------------------------------------

/** Default maximum size of an event pattern, in characters (EventBridge quota "Event pattern size"). */
export const EVENT_PATTERN_DEFAULT_MAX_LENGTH = 2048;

/** Largest event pattern size the quota can be raised to; the PutRule API accepts at most 4096 characters. */
export const EVENT_PATTERN_HARD_MAX_LENGTH = 4096;

/** Maximum number of rule combinations that `$or` may produce before EventBridge rejects the pattern. */
export const EVENT_PATTERN_MAX_OR_COMBINATIONS = 1000;

/**
 * Top-level fields of the EventBridge event envelope: every event delivered to a
 * bus has these top-level fields and no other (its own data is under `detail`).
 * A pattern may name other top-level fields (EventBridge accepts them), but then
 * it never matches an event sent to a bus.
 *
 * `replay-name` is added by EventBridge to replayed events; the managed rule of an
 * archive matches `"replay-name": [{ "exists": false }]`.
 */
export const EVENT_ENVELOPE_FIELDS: readonly string[] = [
  'version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail', 'replay-name',
];

/** The comparison operators of an event pattern, as they appear in a match expression. */
export const EVENT_PATTERN_OPERATORS: readonly string[] = [
  'prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr',
];

const OR_KEY = '$or';
const NUMERIC_OPERATORS: readonly string[] = ['=', '<', '<=', '>', '>='];
const ANYTHING_BUT_OPERATORS: readonly string[] = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'];

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

const MAX_VALUE_DESCRIPTION = 200;

// ---------------------------------------------------------------------------
// Syntax tree
// ---------------------------------------------------------------------------

/** A value compared for equality: a JSON string, number, boolean or null. */
export type ExactValue = string | number | boolean | null;

/** One end of a numeric range. */
export interface NumericBound {
  /** The bound. */
  readonly value: number;
  /** Whether the bound itself matches (`<=`, `>=`, `=`) or not (`<`, `>`). */
  readonly inclusive: boolean;
}

/**
 * A wildcard expression split on its unescaped `*` characters.
 *
 * A string matches when it starts with the first segment, ends with the last one
 * and contains the segments in between, in order and without overlap. Escapes
 * (`\*`, `\\`) are already resolved in the segments.
 */
export interface WildcardPattern {
  /** The expression as written in the pattern. */
  readonly source: string;
  /** Literal text between wildcards; always one more segment than wildcards. */
  readonly segments: readonly string[];
}

/** An IPv4 or IPv6 network given in CIDR notation. */
export interface CidrBlock {
  /** The CIDR as written in the pattern. */
  readonly source: string;
  /** 4 or 6. */
  readonly version: 4 | 6;
  /** Bytes of the network address (4 or 16), with the host bits cleared. */
  readonly network: readonly number[];
  /** Number of leading bits that are fixed. */
  readonly prefixLength: number;
}

/** Equality with a string, number, boolean or null. */
export interface ExactMatcher { readonly kind: 'exact'; readonly value: ExactValue }
/** `{ "prefix": "..." }` or `{ "prefix": { "equals-ignore-case": "..." } }`. */
export interface PrefixMatcher { readonly kind: 'prefix'; readonly value: string; readonly ignoreCase: boolean }
/** `{ "suffix": "..." }` or `{ "suffix": { "equals-ignore-case": "..." } }`. */
export interface SuffixMatcher { readonly kind: 'suffix'; readonly value: string; readonly ignoreCase: boolean }
/** `{ "equals-ignore-case": "..." }`. */
export interface EqualsIgnoreCaseMatcher { readonly kind: 'equals-ignore-case'; readonly value: string }
/** `{ "wildcard": "..." }`. */
export interface WildcardMatcher { readonly kind: 'wildcard'; readonly pattern: WildcardPattern }
/** `{ "numeric": [...] }`; a missing bound is unbounded. `=` gives two inclusive bounds with the same value. */
export interface NumericMatcher { readonly kind: 'numeric'; readonly lower?: NumericBound; readonly upper?: NumericBound }
/** `{ "exists": true | false }`. */
export interface ExistsMatcher { readonly kind: 'exists'; readonly exists: boolean }
/** `{ "cidr": "..." }`. */
export interface CidrMatcher { readonly kind: 'cidr'; readonly block: CidrBlock }
/** `{ "anything-but": value | [values] }`: none of the strings, or none of the numbers. */
export interface AnythingButMatcher {
  readonly kind: 'anything-but';
  /** Whether the excluded values are strings or numbers; a list never mixes both. */
  readonly valueType: 'string' | 'number';
  readonly values: readonly (string | number)[];
}
/** `{ "anything-but": { "prefix": s | [s...] } }`. */
export interface AnythingButPrefixMatcher { readonly kind: 'anything-but-prefix'; readonly values: readonly string[] }
/** `{ "anything-but": { "suffix": s | [s...] } }`. */
export interface AnythingButSuffixMatcher { readonly kind: 'anything-but-suffix'; readonly values: readonly string[] }
/** `{ "anything-but": { "equals-ignore-case": s | [s...] } }`. */
export interface AnythingButEqualsIgnoreCaseMatcher { readonly kind: 'anything-but-equals-ignore-case'; readonly values: readonly string[] }
/** `{ "anything-but": { "wildcard": s | [s...] } }`. */
export interface AnythingButWildcardMatcher { readonly kind: 'anything-but-wildcard'; readonly patterns: readonly WildcardPattern[] }
/** A value that holds an unresolved CDK token: known only at deployment, so it is not validated. */
export interface UnresolvedMatcher { readonly kind: 'unresolved'; readonly raw: unknown }

/** One element of a leaf array: the leaf matches when any of its matchers matches. */
export type Matcher =
  | ExactMatcher
  | PrefixMatcher
  | SuffixMatcher
  | EqualsIgnoreCaseMatcher
  | WildcardMatcher
  | NumericMatcher
  | ExistsMatcher
  | CidrMatcher
  | AnythingButMatcher
  | AnythingButPrefixMatcher
  | AnythingButSuffixMatcher
  | AnythingButEqualsIgnoreCaseMatcher
  | AnythingButWildcardMatcher
  | UnresolvedMatcher;

/** An array of match values at `path`. */
export interface PatternLeafNode {
  readonly kind: 'leaf';
  /** Field names from the root of the event to this field (`$or` does not appear in paths). */
  readonly path: readonly string[];
  readonly matchers: readonly Matcher[];
}

/**
 * A JSON object of the pattern: it matches when every field matches and, if
 * `orBranches` is not empty, at least one branch matches. Branches describe the
 * same object as their parent (same `path`).
 */
export interface PatternObjectNode {
  readonly kind: 'object';
  readonly path: readonly string[];
  readonly fields: readonly PatternField[];
  readonly orBranches: readonly PatternObjectNode[];
}

/**
 * A named field of a pattern object. When a whole object or `$or` value is an
 * unresolved token, it appears as a field (named `''` for the root, `$or` for
 * `$or`) whose leaf holds a single `unresolved` matcher. When `$or` is read as a
 * field name (`ParsedEventPattern.orAsFieldName`), it is an ordinary field.
 */
export interface PatternField {
  readonly name: string;
  readonly path: readonly string[];
  readonly node: PatternNode;
}

/** A field value: a nested object or a leaf. */
export type PatternNode = PatternObjectNode | PatternLeafNode;

/** Size and shape figures of a pattern, checked against the EventBridge limits. */
export interface EventPatternComplexity {
  /** Characters of the pattern serialized as compact JSON; undefined when it holds unresolved tokens. */
  readonly serializedLength?: number;
  /** The size limit the pattern was checked against. */
  readonly maxLength: number;
  /** Rule combinations produced by `$or` (1 without `$or`); EventBridge allows 1000. */
  readonly orCombinations: number;
  /** Number of leaf arrays. */
  readonly leafCount: number;
  /** Number of wildcard expressions (including those under anything-but). */
  readonly wildcardCount: number;
}

/** A validated event pattern. */
export interface ParsedEventPattern {
  /** The root object of the pattern. */
  readonly root: PatternObjectNode;
  /** The pattern as given. */
  readonly json: unknown;
  /** Whether some part of the pattern is an unresolved CDK token (skipped by validation). */
  readonly hasUnresolvedTokens: boolean;
  /**
   * Whether `$or` is an ordinary field name in this pattern rather than the OR
   * keyword: event-ruler reads it so when the pattern is not valid with `$or` as
   * OR (for example `"$or": { ... }`), see `parseEventPattern`.
   */
  readonly orAsFieldName: boolean;
  readonly complexity: EventPatternComplexity;
}

/** Options of `parseEventPattern`. */
export interface ParseEventPatternOptions {
  /**
   * Name of the property that holds the pattern, used in error messages.
   * @default 'eventPattern'
   */
  readonly propName?: string;
  /**
   * Maximum size of the pattern in characters. Raise it only if the account's
   * "Event pattern size" quota was raised; at most 4096.
   * @default 2048
   */
  readonly maxLength?: number;
}

/** Options of `eventPatternToJson`. */
export interface EventPatternToJsonOptions {
  /**
   * Replace the tokens created by `events.Match` with the JSON they stand for, so
   * that they can be validated. Tokens for deploy-time values are kept.
   * @default true
   */
  readonly expandMatchers?: boolean;
}

// ---------------------------------------------------------------------------
// Error
// ---------------------------------------------------------------------------

/** Thrown when an event pattern is not valid. */
export class EventPatternError extends Error {
  /** The property that holds the pattern, e.g. `eventPattern`. */
  public readonly propName: string;
  /** Key path of the offending value, e.g. `eventPattern.detail.amount[0].numeric`. */
  public readonly path: string;
  /** The offending value. */
  public readonly value: unknown;
  /** What is wrong, without the path and value. */
  public readonly problem: string;

  constructor(propName: string, path: string, problem: string, value: unknown) {
    super(`Invalid ${propName} at ${path}: ${problem}. Got: ${describeValue(value)}`);
    this.name = 'EventPatternError';
    this.propName = propName;
    this.path = path;
    this.problem = problem;
    this.value = value;
    Object.setPrototypeOf(this, EventPatternError.prototype);
  }
}

// ---------------------------------------------------------------------------
// Public functions
// ---------------------------------------------------------------------------

/**
 * Parses and validates an EventBridge event pattern given as a plain JSON object
 * (keys as in the event: `detail-type`, not `detailType`; see `eventPatternToJson`).
 *
 * Unresolved CDK tokens are accepted wherever they appear and become
 * `unresolved` matchers. Fields whose value is `undefined` are ignored, as in JSON.
 *
 * `$or` is read the way event-ruler reads it: as the OR keyword when the whole
 * pattern is valid so (every `$or` an array of at least two objects that use no
 * reserved keyword as a field name). Otherwise event-ruler compiles the pattern
 * again with its older rule compiler, where `$or` is an ordinary field name and
 * anything-but has no wildcard form and takes a single prefix or suffix; the
 * pattern is valid when it is valid that way (`orAsFieldName` is then true).
 *
 * @throws EventPatternError when the pattern is not valid or exceeds a limit.
 */
export function parseEventPattern(pattern: unknown, options: ParseEventPatternOptions = {}): ParsedEventPattern {
  const propName = options.propName ?? 'eventPattern';
  const maxLength = resolveMaxLength(propName, options.maxLength);
  const asOr = newContext(propName, false);
  const rootPath = new KeyPath(propName);

  if (isToken(pattern)) {
    const root: PatternObjectNode = { kind: 'object', path: [], fields: [unresolvedField('', [], pattern)], orBranches: [] };
    return { root, json: pattern, hasUnresolvedTokens: true, orAsFieldName: false, complexity: measure(root, pattern, maxLength, true) };
  }
  if (!isPlainObject(pattern)) {
    throw fail(asOr, rootPath, 'an event pattern must be a JSON object', pattern);
  }
  if (definedKeys(pattern).length === 0) {
    throw fail(asOr, rootPath, 'an event pattern must not be empty; give at least one field such as "source"', pattern);
  }
  try {
    return parseRoot(asOr, pattern, rootPath, maxLength);
  } catch (e) {
    if (!(e instanceof EventPatternError) || !hasOrKey(pattern)) {
      throw e;
    }
    const asField = newContext(propName, true);
    try {
      return parseRoot(asField, pattern, rootPath, maxLength);
    } catch (second) {
      if (!(second instanceof EventPatternError)) {
        throw second;
      }
      if (!asOr.orNotKeyword) {
        throw e;
      }
      throw new EventPatternError(propName, e.path, `${e.problem}; with "$or" read as an ordinary field name instead `
        + `(as event-ruler reads it then), the pattern is not valid either: ${second.path}: ${second.problem}`, e.value);
    }
  }
}

/**
 * The top-level field names of a parsed pattern (including those of top-level
 * `$or` branches) that are not fields of the event envelope, each once, in
 * pattern order. A dotted name counts by its first part (`detail.amount` is
 * inside `detail`); names that are unresolved tokens are left out.
 *
 * EventBridge accepts such a pattern, but an event sent to a bus has only the
 * envelope's top-level fields, so the pattern never matches one.
 */
export function topLevelFieldsOutsideEnvelope(parsed: ParsedEventPattern): string[] {
  const names: string[] = [];
  const visit = (node: PatternObjectNode): void => {
    for (const field of node.fields) {
      const unresolvedOr = field.name === OR_KEY && !parsed.orAsFieldName;
      if (field.name === '' || unresolvedOr || isToken(field.name) || EVENT_ENVELOPE_FIELDS.includes(field.name.split('.')[0])) {
        continue;
      }
      if (!names.includes(field.name)) {
        names.push(field.name);
      }
    }
    node.orBranches.forEach(visit);
  };
  visit(parsed.root);
  return names;
}

/**
 * Converts an `events.EventPattern` (camelCase properties) into the JSON form of
 * an event pattern, as aws-cdk-lib renders it for `AWS::Events::Rule`:
 * `detailType` becomes `detail-type`, every other key is kept as is and
 * `undefined` values are dropped.
 *
 * By default the tokens created by `events.Match` helpers are expanded into the
 * operators they stand for (`events.Match.prefix('a')` becomes `{ prefix: 'a' }`);
 * tokens for deploy-time values (references, pseudo parameters) are kept.
 */
export function eventPatternToJson(pattern: events.EventPattern, options: EventPatternToJsonOptions = {}): Record<string, unknown> {
  const expand = options.expandMatchers ?? true;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern)) {
    if (value === undefined) {
      continue;
    }
    out[key === 'detailType' ? 'detail-type' : key] = expand ? expandMatcherTokens(value) : value;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Key paths
// ---------------------------------------------------------------------------

/** An immutable key path, printed as `eventPattern.detail["a.b"][0].numeric`. */
class KeyPath {
  constructor(private readonly text: string) {}

  public key(name: string): KeyPath {
    return new KeyPath(/^[A-Za-z0-9_$-]+$/.test(name) ? `${this.text}.${name}` : `${this.text}[${JSON.stringify(name)}]`);
  }

  public index(i: number): KeyPath {
    return new KeyPath(`${this.text}[${i}]`);
  }

  public toString(): string {
    return this.text;
  }
}

interface ParseContext {
  readonly propName: string;
  /** Whether `$or` is read as an ordinary field name (event-ruler's older rule compiler). */
  readonly orAsFieldName: boolean;
  sawToken: boolean;
  /** Set when the pattern failed because a `$or` is not a valid OR (so event-ruler would read it as a field name). */
  orNotKeyword: boolean;
}

interface ObjectScope {
  /** Event field names from the root to this object. */
  readonly fieldPath: readonly string[];
  /** Where this object is, for error messages. */
  readonly at: KeyPath;
  /** Whether this object is inside a `$or` branch. */
  readonly inOr: boolean;
}

function newContext(propName: string, orAsFieldName: boolean): ParseContext {
  return { propName, orAsFieldName, sawToken: false, orNotKeyword: false };
}

function parseRoot(ctx: ParseContext, pattern: Record<string, unknown>, rootPath: KeyPath, maxLength: number): ParsedEventPattern {
  const root = parseObject(ctx, pattern, { fieldPath: [], at: rootPath, inOr: false });
  const complexity = measure(root, pattern, maxLength, ctx.sawToken);
  checkComplexity(ctx, rootPath, complexity, pattern);
  return { root, json: pattern, hasUnresolvedTokens: ctx.sawToken, orAsFieldName: ctx.orAsFieldName, complexity };
}

/** Whether some object of the pattern has a `$or` key. */
function hasOrKey(value: unknown): boolean {
  if (Array.isArray(value)) {
    return value.some(hasOrKey);
  }
  return isPlainObject(value) && definedKeys(value).some((k) => k === OR_KEY || hasOrKey(value[k]));
}

/** Thrown for a `$or` that is not a valid OR: notes it, so that the pattern is read again with `$or` as a field name. */
function notAnOr(ctx: ParseContext, at: KeyPath, problem: string, value: unknown): EventPatternError {
  ctx.orNotKeyword = true;
  return fail(ctx, at, problem, value);
}

function fail(ctx: ParseContext, at: KeyPath, problem: string, value: unknown): EventPatternError {
  return new EventPatternError(ctx.propName, at.toString(), problem, value);
}

// ---------------------------------------------------------------------------
// Objects, fields and $or
// ---------------------------------------------------------------------------

function parseObject(ctx: ParseContext, obj: Record<string, unknown>, scope: ObjectScope): PatternObjectNode {
  const fields: PatternField[] = [];
  let orBranches: PatternObjectNode[] = [];
  for (const key of definedKeys(obj)) {
    const value = obj[key];
    if (key === OR_KEY && !ctx.orAsFieldName) {
      const or = parseOr(ctx, value, scope);
      orBranches = or.branches;
      fields.push(...or.unresolved);
      continue;
    }
    checkFieldName(ctx, key, value, scope);
    fields.push(parseField(ctx, key, value, scope));
  }
  return { kind: 'object', path: scope.fieldPath, fields, orBranches };
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

function parseField(ctx: ParseContext, key: string, value: unknown, scope: ObjectScope): PatternField {
  const fieldPath = [...scope.fieldPath, key];
  const at = scope.at.key(key);
  if (isToken(value)) {
    ctx.sawToken = true;
    return unresolvedField(key, fieldPath, value);
  }
  if (Array.isArray(value)) {
    return { name: key, path: fieldPath, node: parseLeaf(ctx, value, fieldPath, at) };
  }
  if (isPlainObject(value)) {
    return { name: key, path: fieldPath, node: parseNestedObject(ctx, value, { fieldPath, at, inOr: scope.inOr }) };
  }
  throw fail(ctx, at, `the value of "${key}" must be an array of match values or a nested object; a bare value is not allowed, wrap it in an array`, value);
}

function parseNestedObject(ctx: ParseContext, value: Record<string, unknown>, scope: ObjectScope): PatternObjectNode {
  if (definedKeys(value).length === 0) {
    throw fail(ctx, scope.at, 'empty objects are not allowed in an event pattern', value);
  }
  return parseObject(ctx, value, scope);
}

function parseOr(ctx: ParseContext, value: unknown, scope: ObjectScope): { branches: PatternObjectNode[]; unresolved: PatternField[] } {
  const at = scope.at.key(OR_KEY);
  if (isToken(value)) {
    ctx.sawToken = true;
    return { branches: [], unresolved: [unresolvedField(OR_KEY, scope.fieldPath, value)] };
  }
  if (!Array.isArray(value) || value.length < 2) {
    throw notAnOr(ctx, at, '$or must be an array of at least two sub-patterns (JSON objects) to mean OR', value);
  }
  const branches = value.map((branch: unknown, i) => parseOrBranch(ctx, branch, { ...scope, at: at.index(i), inOr: true }));
  return { branches, unresolved: [] };
}

function parseOrBranch(ctx: ParseContext, branch: unknown, scope: ObjectScope): PatternObjectNode {
  if (isToken(branch)) {
    ctx.sawToken = true;
    return { kind: 'object', path: scope.fieldPath, fields: [unresolvedField(OR_KEY, scope.fieldPath, branch)], orBranches: [] };
  }
  if (!isPlainObject(branch)) {
    throw notAnOr(ctx, scope.at, 'each $or branch must be a JSON object', branch);
  }
  if (definedKeys(branch).length === 0) {
    throw notAnOr(ctx, scope.at, 'a $or branch must not be empty', branch);
  }
  return parseObject(ctx, branch, scope);
}

function unresolvedField(name: string, path: readonly string[], raw: unknown): PatternField {
  return { name, path, node: { kind: 'leaf', path, matchers: [{ kind: 'unresolved', raw }] } };
}

// ---------------------------------------------------------------------------
// Leaves
// ---------------------------------------------------------------------------

function parseLeaf(ctx: ParseContext, values: readonly unknown[], path: readonly string[], at: KeyPath): PatternLeafNode {
  if (values.length === 0) {
    throw fail(ctx, at, 'empty arrays are not allowed; give at least one match value', values);
  }
  const matchers = values.map((element, i) => parseMatchValue(ctx, element, at.index(i)));
  return { kind: 'leaf', path, matchers };
}

function parseMatchValue(ctx: ParseContext, element: unknown, at: KeyPath): Matcher {
  if (isToken(element)) {
    return unresolved(ctx, element);
  }
  if (element === null || typeof element === 'string' || typeof element === 'boolean') {
    return { kind: 'exact', value: element };
  }
  if (typeof element === 'number') {
    return { kind: 'exact', value: requireFiniteNumber(ctx, element, at, 'a match value') };
  }
  if (isPlainObject(element)) {
    return parseOperator(ctx, element, at);
  }
  throw fail(ctx, at, 'a match value must be a string, a number, true, false, null or an object with one operator', element);
}

function unresolved(ctx: ParseContext, raw: unknown): UnresolvedMatcher {
  ctx.sawToken = true;
  return { kind: 'unresolved', raw };
}

function parseOperator(ctx: ParseContext, expression: Record<string, unknown>, at: KeyPath): Matcher {
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
      return { kind: 'wildcard', pattern: parseWildcard(ctx, requireString(ctx, operand, operandAt, 'wildcard'), operandAt) };
    case 'anything-but':
      return parseAnythingBut(ctx, operand, operandAt);
    case 'numeric':
      return parseNumeric(ctx, operand, operandAt);
    case 'exists':
      return parseExists(ctx, operand, operandAt);
    case 'cidr':
      return { kind: 'cidr', block: parseCidr(ctx, operand, operandAt) };
    default:
      throw fail(ctx, at, `malformed operator "${operator}"; the operators are ${EVENT_PATTERN_OPERATORS.join(', ')}`, expression);
  }
}

// ---------------------------------------------------------------------------
// String operators
// ---------------------------------------------------------------------------

function parsePrefixOrSuffix(ctx: ParseContext, operator: 'prefix' | 'suffix', operand: unknown, at: KeyPath): Matcher {
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

function parseWildcard(ctx: ParseContext, source: string, at: KeyPath): WildcardPattern {
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

function parseAnythingBut(ctx: ParseContext, operand: unknown, at: KeyPath): Matcher {
  if (typeof operand === 'string') {
    return { kind: 'anything-but', valueType: 'string', values: [operand] };
  }
  if (typeof operand === 'number') {
    return { kind: 'anything-but', valueType: 'number', values: [requireFiniteNumber(ctx, operand, at, 'anything-but')] };
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

function parseAnythingButList(ctx: ParseContext, list: readonly unknown[], at: KeyPath): Matcher {
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
  return { kind: 'anything-but', valueType: types.has('number') ? 'number' : 'string', values: list as readonly (string | number)[] };
}

function parseAnythingButOperator(ctx: ParseContext, operand: Record<string, unknown>, at: KeyPath): Matcher {
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
      return { kind: 'anything-but-wildcard', patterns: values.map((v, i) => parseWildcard(ctx, v, values.length > 1 ? innerAt.index(i) : innerAt)) };
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

function parseNumeric(ctx: ParseContext, operand: unknown, at: KeyPath): Matcher {
  const usage = 'numeric expects [operator, number] or a range [">" or ">=", lower, "<" or "<=", upper]';
  if (!Array.isArray(operand)) {
    throw fail(ctx, at, `malformed operator: ${usage}`, operand);
  }
  if (operand.length !== 2 && operand.length !== 4) {
    throw fail(ctx, at, `malformed operator: ${usage}; got ${operand.length} element(s)`, operand);
  }
  const first = numericComparison(ctx, operand, 0, at, NUMERIC_OPERATORS);
  if (operand.length === 2) {
    return first === undefined ? unresolved(ctx, { numeric: operand }) : singleComparison(first.operator, first.value);
  }
  if (first !== undefined && first.operator !== '>' && first.operator !== '>=') {
    throw fail(ctx, at.index(0), `malformed operator: a numeric range starts with its lower bound (">" or ">="), then its upper bound; "${first.operator}" cannot start a range`, operand[0]);
  }
  const second = numericComparison(ctx, operand, 2, at, ['<', '<=']);
  if (first === undefined || second === undefined) {
    return unresolved(ctx, { numeric: operand });
  }
  if (!(first.value < second.value)) {
    throw fail(ctx, at, `malformed operator: empty numeric range, the lower bound ${first.value} must be less than the upper bound ${second.value}`, operand);
  }
  return {
    kind: 'numeric',
    lower: { value: first.value, inclusive: first.operator === '>=' },
    upper: { value: second.value, inclusive: second.operator === '<=' },
  };
}

/** Reads the operator and number at `index`; undefined when either is an unresolved token. */
function numericComparison(
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

function singleComparison(operator: string, value: number): NumericMatcher {
  switch (operator) {
    case '=':
      return { kind: 'numeric', lower: { value, inclusive: true }, upper: { value, inclusive: true } };
    case '>':
      return { kind: 'numeric', lower: { value, inclusive: false } };
    case '>=':
      return { kind: 'numeric', lower: { value, inclusive: true } };
    case '<':
      return { kind: 'numeric', upper: { value, inclusive: false } };
    default:
      return { kind: 'numeric', upper: { value, inclusive: true } };
  }
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

function parseExists(ctx: ParseContext, operand: unknown, at: KeyPath): ExistsMatcher {
  if (typeof operand !== 'boolean') {
    throw fail(ctx, at, 'malformed operator: exists expects true or false', operand);
  }
  return { kind: 'exists', exists: operand };
}

function parseCidr(ctx: ParseContext, operand: unknown, at: KeyPath): CidrBlock {
  if (typeof operand !== 'string') {
    throw fail(ctx, at, 'malformed operator: cidr expects a string such as "10.0.0.0/24"', operand);
  }
  const parts = operand.split('/');
  if (parts.length !== 2 || !/^\d{1,3}$/.test(parts[1])) {
    throw fail(ctx, at, 'malformed CIDR: expected an IP address, one "/" and a whole number of mask bits', operand);
  }
  const address = parseIpv4(parts[0]) ?? ipv4IfMapped(parseIpv6(parts[0]));
  if (address === undefined) {
    throw fail(ctx, at, `malformed CIDR: "${parts[0]}" is not an IPv4 or IPv6 address`, operand);
  }
  const version = address.length === 4 ? 4 : 6;
  const prefixLength = Number(parts[1]);
  const totalBits = address.length * 8;
  if (prefixLength >= totalBits) {
    throw fail(ctx, at, `malformed CIDR: IPv${version} mask bits must be less than ${totalBits} `
      + '(to match a single address, use it as an exact string match value)', operand);
  }
  return { source: operand, version, network: clearHostBits(address, prefixLength), prefixLength };
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) {
    return undefined;
  }
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

function parseIpv6(text: string): number[] | undefined {
  if (!/^[0-9A-Fa-f:]*$/.test(text) || !text.includes(':')) {
    return undefined;
  }
  const halves = text.split('::');
  if (halves.length > 2) {
    return undefined;
  }
  const head = hexGroups(halves[0]);
  const tail = halves.length === 2 ? hexGroups(halves[1]) : [];
  if (head === undefined || tail === undefined) {
    return undefined;
  }
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) {
    return undefined;
  }
  const groups = [...head, ...new Array<number>(Math.max(missing, 0)).fill(0), ...tail];
  return groups.flatMap((g) => [Math.floor(g / 256), g % 256]);
}

/**
 * An IPv4-mapped IPv6 address (`::ffff:a00:1`) as its IPv4 bytes: event-ruler
 * (through Java's InetAddress) reads it as IPv4, so its mask bits must be below 32.
 */
function ipv4IfMapped(bytes: number[] | undefined): number[] | undefined {
  const mapped = bytes !== undefined && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

function hexGroups(text: string): number[] | undefined {
  if (text === '') {
    return [];
  }
  const groups = text.split(':');
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) {
    return undefined;
  }
  return groups.map((g) => parseInt(g, 16));
}

function clearHostBits(address: readonly number[], prefixLength: number): number[] {
  return address.map((byte, i) => {
    const fixedBits = Math.min(8, Math.max(0, prefixLength - i * 8));
    const unit = 2 ** (8 - fixedBits);
    return Math.floor(byte / unit) * unit;
  });
}

// ---------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------

function resolveMaxLength(propName: string, maxLength: number | undefined): number {
  if (maxLength === undefined) {
    return EVENT_PATTERN_DEFAULT_MAX_LENGTH;
  }
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > EVENT_PATTERN_HARD_MAX_LENGTH) {
    throw new EventPatternError(propName, 'options.maxLength', `the maximum pattern size must be a whole number from 1 to ${EVENT_PATTERN_HARD_MAX_LENGTH}`, maxLength);
  }
  return maxLength;
}

function measure(root: PatternObjectNode, json: unknown, maxLength: number, hasTokens: boolean): EventPatternComplexity {
  const counts = { leaves: 0, wildcards: 0 };
  countNodes(root, counts);
  return {
    serializedLength: hasTokens ? undefined : JSON.stringify(json).length,
    maxLength,
    orCombinations: orCombinations(root),
    leafCount: counts.leaves,
    wildcardCount: counts.wildcards,
  };
}

function countNodes(node: PatternObjectNode, counts: { leaves: number; wildcards: number }): void {
  for (const field of node.fields) {
    if (field.node.kind === 'object') {
      countNodes(field.node, counts);
      continue;
    }
    counts.leaves++;
    for (const m of field.node.matchers) {
      counts.wildcards += m.kind === 'wildcard' ? 1 : m.kind === 'anything-but-wildcard' ? m.patterns.length : 0;
    }
  }
  node.orBranches.forEach((branch) => countNodes(branch, counts));
}

/** The number of `$or`-free sub-patterns the pattern expands into. */
function orCombinations(node: PatternObjectNode): number {
  let combinations = 1;
  for (const field of node.fields) {
    if (field.node.kind === 'object') {
      combinations *= orCombinations(field.node);
    }
  }
  if (node.orBranches.length > 0) {
    combinations *= node.orBranches.reduce((sum, branch) => sum + orCombinations(branch), 0);
  }
  return combinations;
}

function checkComplexity(ctx: ParseContext, at: KeyPath, complexity: EventPatternComplexity, pattern: unknown): void {
  if (complexity.serializedLength !== undefined && complexity.serializedLength > complexity.maxLength) {
    throw fail(ctx, at, `the pattern is ${complexity.serializedLength} characters long as JSON; EventBridge allows ${complexity.maxLength} `
      + '(the "Event pattern size" quota)', pattern);
  }
  if (complexity.orCombinations > EVENT_PATTERN_MAX_OR_COMBINATIONS) {
    throw fail(ctx, at, `$or produces ${complexity.orCombinations} rule combinations; EventBridge allows at most ${EVENT_PATTERN_MAX_OR_COMBINATIONS}`, pattern);
  }
}

// ---------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------

/** Whether the value is, or encodes, an unresolved CDK token (string, number, list or IResolvable). */
function isToken(value: unknown): boolean {
  // Guarded so that exotic inputs (e.g. revoked proxies) surface as validation errors, not crashes.
  try {
    return Token.isUnresolved(value) || (typeof value === 'string' && Token.isUnresolved([value]));
  } catch {
    return false;
  }
}

/** Replaces `events.Match` tokens with the JSON they stand for; other tokens stay. */
function expandMatcherTokens(value: unknown): unknown {
  if (Array.isArray(value)) {
    const listToken = Tokenization.reverseList(value as string[]);
    if (listToken !== undefined) {
      return (literalValue(listToken) ?? { value }).value;
    }
    return value.flatMap((element: unknown) => expandListElement(element));
  }
  if (typeof value === 'string') {
    const token = Token.isUnresolved(value) ? Tokenization.reverseCompleteString(value) : undefined;
    return token === undefined ? value : (literalValue(token) ?? { value }).value;
  }
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandMatcherTokens(v)]));
  }
  return value;
}

/** An element of a list may itself encode a whole list (e.g. `events.Match.anythingBut()` spread into a list). */
function expandListElement(element: unknown): unknown[] {
  if (typeof element === 'string') {
    const listToken = Tokenization.reverseList([element]);
    if (listToken !== undefined) {
      const expanded = literalValue(listToken)?.value;
      return Array.isArray(expanded) ? expanded : [element];
    }
  }
  return [expandMatcherTokens(element)];
}

/**
 * The JSON a token stands for when it is known at synthesis time: an
 * `events.Match`, or a plain `Intrinsic` holding null, a scalar or an operator
 * object. Returns undefined for anything else (e.g. `{ Ref: ... }`).
 */
function literalValue(token: IResolvable): { readonly value: unknown } | undefined {
  try {
    if (token instanceof events.Match) {
      return { value: token.resolve(new LiteralResolveContext()) };
    }
    if (token instanceof Intrinsic && Object.getPrototypeOf(token) === Intrinsic.prototype) {
      const value: unknown = token.resolve(new LiteralResolveContext());
      return isLiteralMatchValue(value) ? { value: expandMatcherTokens(value) } : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function isLiteralMatchValue(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
    return true;
  }
  return isPlainObject(value) && Object.keys(value).length === 1 && EVENT_PATTERN_OPERATORS.includes(Object.keys(value)[0]);
}

/** The resolve context handed to `events.Match`: it only expands nested matcher tokens. */
class LiteralResolveContext implements IResolveContext {
  public readonly preparing = false;
  public readonly documentPath: string[] = [];

  public get scope(): IConstruct {
    throw new Error('event pattern matchers are resolved without a construct scope');
  }

  public resolve(x: unknown): unknown {
    return expandMatcherTokens(x);
  }

  public registerPostProcessor(): void {
    // Matchers are plain JSON: nothing to post-process.
  }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Own enumerable keys whose value is not `undefined` (such keys vanish in JSON). */
function definedKeys(obj: Record<string, unknown>): string[] {
  return Object.keys(obj).filter((k) => obj[k] !== undefined);
}

/** Renders a value for an error message: JSON when possible, shortened. */
function describeValue(value: unknown): string {
  let text: string;
  if (value === undefined || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'symbol' || typeof value === 'function') {
    text = String(value);
  } else {
    text = safeJson(value);
  }
  return text.length > MAX_VALUE_DESCRIPTION ? `${text.slice(0, MAX_VALUE_DESCRIPTION - 3)}...` : text;
}

function safeJson(value: unknown): string {
  try {
    const json = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    return json ?? String(value);
  } catch {
    try {
      return String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
}
