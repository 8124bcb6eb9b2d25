import { Token } from 'aws-cdk-lib';

/**
 * Where Amazon SNS looks for the properties that a filter policy names.
 */
export enum FilterPolicyScope {
  /** The policy is matched against the message attributes (the SNS default). Nesting is not allowed. */
  MESSAGE_ATTRIBUTES = 'MessageAttributes',
  /** The policy is matched against the JSON message body. Nested objects are allowed. */
  MESSAGE_BODY = 'MessageBody',
}

/**
 * The limits SNS puts on a subscription filter policy.
 */
export const SNS_FILTER_POLICY_LIMITS = {
  /** Keys per policy: every key at attribute scope, only top-level keys at body scope. */
  maxKeys: 5,
  /** Total combinations: values per key multiplied (by nesting level too at body scope), `$or` alternatives added up. */
  maxCombinations: 150,
  /** Size of the policy's JSON text, in bytes (256 KB). */
  maxSizeBytes: 256 * 1024,
  /** Smallest number SNS matches. */
  minNumber: -1e9,
  /** Largest number SNS matches. */
  maxNumber: 1e9,
  /** Digits after the decimal point that SNS keeps when it matches numbers. */
  maxDecimalPlaces: 5,
} as const;

/**
 * Thrown by {@link parseFilterPolicy} for any policy that SNS would reject.
 *
 * The message names the prop, the key path and the offending value or count,
 * so callers can re-wrap it into their own validation error as it is.
 */
export class FilterPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterPolicyError';
  }
}

// ---------------------------------------------------------------------------
// AST
// ---------------------------------------------------------------------------

/** A literal a message value is compared with for equality. */
export type FilterExactValue = string | number | boolean | null;

/** Matches a value equal to `value` (strings case-sensitively). */
export interface ExactCondition {
  readonly kind: 'exact';
  readonly value: FilterExactValue;
}

/** Matches a string that starts with `prefix`. */
export interface PrefixCondition {
  readonly kind: 'prefix';
  readonly prefix: string;
}

/** Matches a string that ends with `suffix`. */
export interface SuffixCondition {
  readonly kind: 'suffix';
  readonly suffix: string;
}

/** Matches a string equal to `value` ignoring case. */
export interface EqualsIgnoreCaseCondition {
  readonly kind: 'equals-ignore-case';
  readonly value: string;
}

/** Matches a present value that is none of `values` (only strings or only numbers). */
export interface AnythingButCondition {
  readonly kind: 'anything-but';
  readonly values: readonly (string | number)[];
}

/** Matches a present string that does not start with `prefix`. */
export interface AnythingButPrefixCondition {
  readonly kind: 'anything-but-prefix';
  readonly prefix: string;
}

/** A comparison operator of the `numeric` operator. */
export type NumericOperator = '=' | '<' | '<=' | '>' | '>=';

/** One comparison `value <operator> bound` of a `numeric` condition. */
export interface NumericComparison {
  readonly operator: NumericOperator;
  readonly bound: number;
}

/** Matches a number that satisfies every comparison (one, or a lower then an upper bound). */
export interface NumericCondition {
  readonly kind: 'numeric';
  readonly comparisons: readonly NumericComparison[];
}

/**
 * `exists: true` matches a present value that is neither null nor an empty string;
 * `exists: false` matches when the key is absent.
 */
export interface ExistsCondition {
  readonly kind: 'exists';
  readonly exists: boolean;
}

/** Matches an IP address inside the network `address/prefixLength`. */
export interface CidrCondition {
  readonly kind: 'cidr';
  readonly cidr: string;
  readonly ipVersion: 4 | 6;
  readonly address: string;
  readonly prefixLength: number;
}

/** A condition holding an unresolved CDK token: its meaning is only known at deploy time. */
export interface UnresolvedCondition {
  readonly kind: 'unresolved';
  readonly raw: unknown;
}

/** One entry of a key's value array. A key matches when any of its conditions matches. */
export type FilterCondition =
  | ExactCondition
  | PrefixCondition
  | SuffixCondition
  | EqualsIgnoreCaseCondition
  | AnythingButCondition
  | AnythingButPrefixCondition
  | NumericCondition
  | ExistsCondition
  | CidrCondition
  | UnresolvedCondition;

/** A JSON object of the policy: it matches when every entry matches (AND). */
export interface PolicyObjectNode {
  readonly kind: 'object';
  /** Property path of this object in the message (empty at the top level, unchanged inside `$or`). */
  readonly path: readonly string[];
  readonly entries: readonly PolicyEntryNode[];
}

/** A key with its array of conditions: it matches when any condition matches (OR). */
export interface KeyNode {
  readonly kind: 'key';
  readonly key: string;
  /** Property path in the message, e.g. `['customer', 'country']` (one element at attribute scope). */
  readonly path: readonly string[];
  readonly conditions: readonly FilterCondition[];
}

/** A key whose value is an object (message-body scope only). */
export interface NestedNode {
  readonly kind: 'nested';
  readonly key: string;
  readonly path: readonly string[];
  readonly policy: PolicyObjectNode;
}

/** An `$or`: it matches when any branch matches. */
export interface OrNode {
  readonly kind: 'or';
  readonly branches: readonly PolicyObjectNode[];
}

/** A part of the policy that is an unresolved CDK token as a whole. */
export interface UnresolvedNode {
  readonly kind: 'unresolved';
  readonly raw: unknown;
}

/** One entry of a policy object. */
export type PolicyEntryNode = KeyNode | NestedNode | OrNode | UnresolvedNode;

/** A leaf of an expanded alternative: the property at `path` must match one of `conditions`. */
export interface FilterPolicyLeaf {
  readonly path: readonly string[];
  readonly conditions: readonly FilterCondition[];
}

/**
 * One `$or`-free alternative of the policy: it matches when every leaf matches.
 * The policy matches when any alternative matches.
 */
export interface FilterPolicyAlternative {
  readonly leaves: readonly FilterPolicyLeaf[];
  /** True when part of this alternative is an unresolved token. */
  readonly unresolved: boolean;
}

/** The result of {@link parseFilterPolicy}. */
export interface ParsedFilterPolicy {
  readonly scope: FilterPolicyScope;
  /** The policy as a tree, nesting and `$or` kept as written. */
  readonly ast: PolicyObjectNode;
  /** The policy expanded into `$or`-free alternatives (one when there is no `$or`). */
  readonly alternatives: readonly FilterPolicyAlternative[];
  /** Keys as SNS counts them, for the alternative with the most keys. */
  readonly keyCount: number;
  /** Total combinations as SNS counts them (a lower bound when tokens are present). */
  readonly combinationCount: number;
  /** Bytes of the policy's JSON text (of its unresolved form when tokens are present). */
  readonly sizeBytes: number;
  /** True when the policy holds unresolved tokens, so the checks that depend on them were skipped. */
  readonly hasUnresolvedTokens: boolean;
}

/** Options of {@link parseFilterPolicy}. */
export interface ParseFilterPolicyOptions {
  /** Name of the prop the policy came from, used in error messages. @default 'filterPolicy' */
  readonly propName?: string;
}

/**
 * Parses and validates an Amazon SNS subscription filter policy.
 *
 * Throws a {@link FilterPolicyError} for anything SNS would reject: unknown or
 * malformed operators (among them anything-but with a suffix, which SNS does
 * not support), a value that is not an array, nesting at attribute scope, more
 * than 5 keys, more than 150 combinations, numbers out of SNS's range or
 * precision, and a policy over 256 KB. Unresolved CDK tokens are never
 * rejected: the checks that depend on their values are skipped.
 *
 * @param policy the policy as a plain JS value (the parsed JSON object)
 * @param scope the subscription's filter policy scope
 */
export function parseFilterPolicy(
  policy: unknown,
  scope: FilterPolicyScope,
  options: ParseFilterPolicyOptions = {},
): ParsedFilterPolicy {
  const propName = options.propName ?? 'filterPolicy';
  if (!Object.values(FilterPolicyScope).includes(scope)) {
    throw new FilterPolicyError(`${propName}: unknown filter policy scope ${show(scope)}, use MessageAttributes or MessageBody`);
  }
  return new FilterPolicyParser(scope, propName).parse(policy);
}

// ---------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------

const STRING_OPERATORS = ['prefix', 'suffix', 'equals-ignore-case'] as const;
const RESERVED_OPERATORS: readonly string[] = [...STRING_OPERATORS, 'anything-but', 'numeric', 'exists', 'cidr'];
const NUMERIC_OPERATORS: readonly string[] = ['=', '<', '<=', '>', '>='];
const LOWER_BOUND_OPERATORS: readonly string[] = ['>', '>='];
const UPPER_BOUND_OPERATORS: readonly string[] = ['<', '<='];
const OR_KEY = '$or';
/**
 * Deepest nesting (objects and `$or` branches) accepted. Every nesting level
 * adds at least one to the combinations (a deeper key multiplies by its level,
 * a deeper `$or` adds an alternative), so a deeper policy cannot stay within
 * 150; stopping here also keeps the recursion far from the stack limit.
 */
const MAX_NESTING_LEVELS = SNS_FILTER_POLICY_LIMITS.maxCombinations;
const MAX_SHOWN_CHARS = 80;

/** Walks a policy once, building the AST and checking structure and numbers. */
class FilterPolicyParser {
  private hasTokens = false;
  private readonly ancestors = new Set<object>();

  constructor(private readonly scope: FilterPolicyScope, private readonly propName: string) {}

  public parse(policy: unknown): ParsedFilterPolicy {
    if (Token.isUnresolved(policy)) {
      return this.unresolvedPolicy(policy);
    }
    if (!isPlainObject(policy)) {
      throw new FilterPolicyError(
        `${this.propName} must be a JSON object mapping property names to arrays of values, got ${show(policy)}`,
      );
    }
    const ast = this.parseObject(policy, this.propName, [], 0);
    return this.checkLimits(policy, ast);
  }

  private unresolvedPolicy(policy: unknown): ParsedFilterPolicy {
    const ast: PolicyObjectNode = { kind: 'object', path: [], entries: [{ kind: 'unresolved', raw: policy }] };
    return {
      scope: this.scope,
      ast,
      alternatives: [{ leaves: [], unresolved: true }],
      keyCount: 0,
      combinationCount: 0,
      sizeBytes: 0,
      hasUnresolvedTokens: true,
    };
  }

  // -- limits ---------------------------------------------------------------

  private checkLimits(policy: Record<string, unknown>, ast: PolicyObjectNode): ParsedFilterPolicy {
    const combinationCount = ast.entries.length === 0 ? 0 : countCombinations(ast);
    const alternatives = countAlternatives(ast) <= SNS_FILTER_POLICY_LIMITS.maxCombinations ? expandAlternatives(ast) : undefined;
    const keyCount = alternatives ? this.checkKeyCount(alternatives) : 0;
    this.checkCombinations(combinationCount);
    const sizeBytes = jsonSizeBytes(policy);
    this.checkSize(sizeBytes);
    return {
      scope: this.scope,
      ast,
      alternatives: alternatives ?? [],
      keyCount,
      combinationCount,
      sizeBytes,
      hasUnresolvedTokens: this.hasTokens,
    };
  }

  /**
   * Keys are counted per `$or` alternative, on the first segment of each leaf's
   * path: at attribute scope every key is top-level; at body scope SNS counts
   * only the top-level keys, the keys nested under them are free.
   */
  private checkKeyCount(alternatives: readonly FilterPolicyAlternative[]): number {
    let widest: string[] = [];
    for (const alternative of alternatives) {
      const keys = [...new Set(alternative.leaves.map((leaf) => leaf.path[0]))];
      if (keys.length > widest.length) {
        widest = keys;
      }
    }
    const max = SNS_FILTER_POLICY_LIMITS.maxKeys;
    if (widest.length > max) {
      const where = alternatives.length > 1 ? ` in one of its $or alternatives (${widest.join(', ')})` : '';
      throw new FilterPolicyError(`${this.propName} has ${widest.length} keys${where}, SNS allows at most ${max}`);
    }
    return widest.length;
  }

  private checkCombinations(count: number): void {
    const max = SNS_FILTER_POLICY_LIMITS.maxCombinations;
    // With tokens the count is a lower bound (an unresolved list counts as one value), so exceeding it is still certain.
    if (count > max) {
      throw new FilterPolicyError(`${this.propName} has ${count} combinations, SNS allows at most ${max}`);
    }
  }

  private checkSize(sizeBytes: number): void {
    const max = SNS_FILTER_POLICY_LIMITS.maxSizeBytes;
    if (!this.hasTokens && sizeBytes > max) {
      throw new FilterPolicyError(`${this.propName} is ${sizeBytes} bytes of JSON, SNS allows at most ${max} (256 KB)`);
    }
  }

  // -- objects, keys and $or -----------------------------------------------

  private parseObject(value: Record<string, unknown>, location: string, path: readonly string[], level: number): PolicyObjectNode {
    if (this.ancestors.has(value)) {
      throw new FilterPolicyError(`${location}: the policy refers to itself (circular reference)`);
    }
    if (level > MAX_NESTING_LEVELS) {
      throw new FilterPolicyError(
        `${location}: the policy is nested more than ${MAX_NESTING_LEVELS} levels deep, so it has more than ${SNS_FILTER_POLICY_LIMITS.maxCombinations} combinations`,
      );
    }
    const keys = Object.keys(value);
    if (keys.length === 0 && level > 0) {
      throw new FilterPolicyError(`${location}: an object of the policy must not be empty`);
    }
    this.ancestors.add(value);
    try {
      const entries = keys.map((key) => this.parseEntry(key, value[key], location, path, level));
      return { kind: 'object', path, entries };
    } finally {
      this.ancestors.delete(value);
    }
  }

  private parseEntry(key: string, raw: unknown, parentLocation: string, parentPath: readonly string[], level: number): PolicyEntryNode {
    const location = `${parentLocation}.${key}`;
    const path = [...parentPath, key];
    if (key === OR_KEY && isOrExpression(raw)) {
      return this.parseOr(raw, parentLocation, parentPath, level);
    }
    if (Token.isUnresolved(raw)) {
      this.hasTokens = true;
      return key === OR_KEY ? { kind: 'unresolved', raw } : { kind: 'key', key, path, conditions: [{ kind: 'unresolved', raw }] };
    }
    if (Array.isArray(raw)) {
      if (key === OR_KEY) {
        checkNotATooShortOr(raw, location);
      }
      return { kind: 'key', key, path, conditions: this.parseConditions(raw, location) };
    }
    if (isPlainObject(raw)) {
      return this.parseNested(key, raw, location, path, level);
    }
    throw new FilterPolicyError(`${location}: the value of a key must be an array of values, got ${show(raw)}${operatorHint(key)}`);
  }

  private parseNested(key: string, raw: Record<string, unknown>, location: string, path: readonly string[], level: number): NestedNode {
    if (this.scope === FilterPolicyScope.MESSAGE_ATTRIBUTES) {
      const hint = isOperatorObject(raw) ? ` (an operator must be wrapped in an array: [${show(raw)}])` : '';
      throw new FilterPolicyError(
        `${location}: nested objects are only allowed when the filter policy scope is MessageBody, got ${show(raw)}${hint}`,
      );
    }
    return { kind: 'nested', key, path, policy: this.parseObject(raw, location, path, level + 1) };
  }

  /** The branches of an `$or` keep the enclosing object's path: `$or` adds no nesting level. */
  private parseOr(raw: readonly unknown[], parentLocation: string, parentPath: readonly string[], level: number): OrNode {
    const branches = raw.map((branch, index): PolicyObjectNode => {
      if (Token.isUnresolved(branch)) {
        this.hasTokens = true;
        return { kind: 'object', path: parentPath, entries: [{ kind: 'unresolved', raw: branch }] };
      }
      // isOrExpression has checked that every resolved branch is a plain object.
      return this.parseObject(branch as Record<string, unknown>, `${parentLocation}.${OR_KEY}[${index}]`, parentPath, level + 1);
    });
    return { kind: 'or', branches };
  }

  // -- conditions ------------------------------------------------------------

  private parseConditions(values: readonly unknown[], location: string): FilterCondition[] {
    if (values.length === 0) {
      throw new FilterPolicyError(`${location}: malformed operator []: a key needs at least one value`);
    }
    return values.map((value) => this.parseCondition(value, location));
  }

  private parseCondition(value: unknown, location: string): FilterCondition {
    if (Token.isUnresolved(value)) {
      this.hasTokens = true;
      return { kind: 'unresolved', raw: value };
    }
    if (typeof value === 'string' || typeof value === 'boolean' || value === null) {
      return { kind: 'exact', value };
    }
    if (typeof value === 'number') {
      this.checkNumber(value, location);
      return { kind: 'exact', value };
    }
    if (isPlainObject(value)) {
      return this.parseOperator(value, location);
    }
    throw new FilterPolicyError(
      `${location}: malformed value ${show(value)}: a value must be a string, a number, true, false, null or an operator object`,
    );
  }

  private parseOperator(value: Record<string, unknown>, location: string): FilterCondition {
    const names = Object.keys(value);
    if (names.length !== 1) {
      throw malformed(location, value, `an operator object needs exactly one operator, found ${names.length}`);
    }
    const name = names[0];
    const argument = value[name];
    if (Token.isUnresolved(name) || (RESERVED_OPERATORS.includes(name) && Token.isUnresolved(argument))) {
      this.hasTokens = true;
      return { kind: 'unresolved', raw: value };
    }
    const condition = this.parseKnownOperator(name, argument, value, location);
    return this.containsToken(argument) ? { kind: 'unresolved', raw: value } : condition;
  }

  private parseKnownOperator(name: string, argument: unknown, raw: Record<string, unknown>, location: string): FilterCondition {
    switch (name) {
      case 'prefix':
        return { kind: 'prefix', prefix: requireString(argument, name, raw, location) };
      case 'suffix':
        return { kind: 'suffix', suffix: requireString(argument, name, raw, location) };
      case 'equals-ignore-case':
        return { kind: 'equals-ignore-case', value: requireString(argument, name, raw, location) };
      case 'anything-but':
        return this.parseAnythingBut(argument, raw, location);
      case 'numeric':
        return this.parseNumeric(argument, raw, location);
      case 'exists':
        if (typeof argument !== 'boolean') {
          throw malformed(location, raw, 'exists must be true or false');
        }
        return { kind: 'exists', exists: argument };
      case 'cidr':
        return parseCidr(argument, raw, location);
      default:
        throw malformed(location, raw, `unknown operator ${show(name)} (SNS knows ${RESERVED_OPERATORS.join(', ')})`);
    }
  }

  /**
   * anything-but takes a value, a non-empty list of only strings or only
   * numbers, or an object with a prefix. SNS refuses a suffix ("Unsupported
   * anything-but pattern: suffix"), unlike EventBridge.
   */
  private parseAnythingBut(argument: unknown, raw: Record<string, unknown>, location: string): FilterCondition {
    if (Array.isArray(argument)) {
      if (argument.length === 0) {
        throw malformed(location, raw, 'anything-but needs at least one value');
      }
      const values = argument.map((value) => this.anythingButValue(value, raw, location));
      const types = new Set(values.filter((value) => !Token.isUnresolved(value)).map((value) => typeof value));
      if (types.size > 1) {
        throw malformed(location, raw, 'an anything-but list must hold only strings or only numbers, not both');
      }
      return { kind: 'anything-but', values };
    }
    if (isPlainObject(argument)) {
      return parseAnythingButPattern(argument, raw, location);
    }
    return { kind: 'anything-but', values: [this.anythingButValue(argument, raw, location)] };
  }

  private anythingButValue(value: unknown, raw: Record<string, unknown>, location: string): string | number {
    if (Token.isUnresolved(value)) {
      this.hasTokens = true;
      return value as string | number;
    }
    if (typeof value === 'string') {
      return value;
    }
    if (typeof value === 'number') {
      this.checkNumber(value, location);
      return value;
    }
    throw malformed(location, raw, `anything-but values must be strings or numbers, got ${show(value)}`);
  }

  /**
   * numeric takes one comparison (`["=", 5]`, `["<", 0]`), or a lower bound
   * followed by an upper bound (`[">", 0, "<=", 5]`) with lower < upper.
   */
  private parseNumeric(argument: unknown, raw: Record<string, unknown>, location: string): NumericCondition {
    if (!Array.isArray(argument) || argument.length === 0) {
      throw malformed(location, raw, 'numeric needs an array of an operator and a number, e.g. [">", 0]');
    }
    if (argument.length !== 2 && argument.length !== 4) {
      throw malformed(location, raw, `numeric takes an operator and a number, or a lower and an upper bound, got ${argument.length} elements`);
    }
    const first = this.numericComparison(argument[0], argument[1], NUMERIC_OPERATORS, raw, location);
    if (argument.length === 2) {
      return { kind: 'numeric', comparisons: [first] };
    }
    if (!LOWER_BOUND_OPERATORS.includes(first.operator) && !Token.isUnresolved(first.operator)) {
      throw malformed(location, raw, `a range starts with a lower bound (> or >=), got ${show(first.operator)}`);
    }
    const second = this.numericComparison(argument[2], argument[3], UPPER_BOUND_OPERATORS, raw, location);
    if (!Token.isUnresolved(first.bound) && !Token.isUnresolved(second.bound) && first.bound >= second.bound) {
      throw malformed(location, raw, `the lower bound ${formatNumber(first.bound)} must be less than the upper bound ${formatNumber(second.bound)}`);
    }
    return { kind: 'numeric', comparisons: [first, second] };
  }

  private numericComparison(
    operator: unknown,
    bound: unknown,
    allowed: readonly string[],
    raw: Record<string, unknown>,
    location: string,
  ): NumericComparison {
    if (typeof operator !== 'string' || (!allowed.includes(operator) && !Token.isUnresolved(operator))) {
      throw malformed(location, raw, `expected one of ${allowed.join(' ')} as numeric operator, got ${show(operator)}`);
    }
    if (typeof bound !== 'number' && !Token.isUnresolved(bound)) {
      throw malformed(location, raw, `numeric operator ${operator} must be followed by a number, got ${show(bound)}`);
    }
    if (typeof bound === 'number') {
      this.checkNumber(bound, location);
    }
    return { operator: operator as NumericOperator, bound: bound as number };
  }

  // -- numbers and tokens --------------------------------------------------

  /** SNS matches numbers from -1e9 to 1e9 with five digits after the decimal point. */
  private checkNumber(value: number, location: string): void {
    if (Token.isUnresolved(value)) {
      this.hasTokens = true;
      return;
    }
    const limits = SNS_FILTER_POLICY_LIMITS;
    if (!Number.isFinite(value)) {
      throw new FilterPolicyError(`${location}: malformed value ${show(value)}: numbers must be finite`);
    }
    if (value < limits.minNumber || value > limits.maxNumber) {
      throw new FilterPolicyError(`${location}: numeric value ${formatNumber(value)} is out of range (SNS accepts -1e9 to 1e9)`);
    }
    const places = decimalPlaces(value);
    if (places > limits.maxDecimalPlaces) {
      throw new FilterPolicyError(
        `${location}: numeric value ${formatNumber(value)} has ${places} digits after the decimal point, SNS matches at most ${limits.maxDecimalPlaces}`,
      );
    }
  }

  private containsToken(value: unknown): boolean {
    const found = containsToken(value, new Set());
    this.hasTokens = this.hasTokens || found;
    return found;
  }
}

// ---------------------------------------------------------------------------
// Counting
// ---------------------------------------------------------------------------

/**
 * Total combinations, as SNS counts them.
 *
 * - A key contributes the number of values in its array (SNS: "multiply the
 *   number of values in each array"): `{"a": [1, 2, 3], "b": [1], "c": [1, 2]}`
 *   has 3 x 1 x 2 = 6.
 * - At body scope, a nested key's array is also multiplied by its nesting level
 *   (SNS: "multiply the number of nested keys with the values in each array"):
 *   `{"a": {"b": {"c": [4 values]}}, "d": {"e": [3 values]}}` has
 *   (3 x 4) x (2 x 3) = 72.
 * - An `$or` is expanded into its alternatives, each counted as above, and the
 *   counts are added: `{"source": [4 values], "$or": [{"name": [6 values]},
 *   {"type": [4 values], "$or": [{"id": [4 values]}, {"space": [4 values]}]}]}`
 *   has 4x6 + 4x4x4 + 4x4x4 = 152. Because a product distributes over a sum,
 *   this equals the product over an object's entries with each `$or` replaced by
 *   the sum of its branches: 4 x (6 + 4 x (4 + 4)) = 152.
 */
function countCombinations(node: PolicyObjectNode): number {
  return node.entries.reduce((product, entry) => product * entryCombinations(entry), 1);
}

function entryCombinations(entry: PolicyEntryNode): number {
  switch (entry.kind) {
    case 'key':
      return entry.conditions.length * entry.path.length;
    case 'nested':
      return countCombinations(entry.policy);
    case 'or':
      return entry.branches.reduce((sum, branch) => sum + countCombinations(branch), 0);
    case 'unresolved':
      return 1;
  }
}

/** How many `$or`-free alternatives the policy expands to (at most its combination count). */
function countAlternatives(node: PolicyObjectNode): number {
  return node.entries.reduce((product, entry) => product * entryAlternativeCount(entry), 1);
}

function entryAlternativeCount(entry: PolicyEntryNode): number {
  switch (entry.kind) {
    case 'nested':
      return countAlternatives(entry.policy);
    case 'or':
      return entry.branches.reduce((sum, branch) => sum + countAlternatives(branch), 0);
    default:
      return 1;
  }
}

/** Expands a policy object into the cross product of its entries' alternatives. */
function expandAlternatives(node: PolicyObjectNode): FilterPolicyAlternative[] {
  let alternatives: FilterPolicyAlternative[] = [{ leaves: [], unresolved: false }];
  for (const entry of node.entries) {
    const options = expandEntry(entry);
    alternatives = alternatives.flatMap((left) => options.map((right) => ({
      leaves: [...left.leaves, ...right.leaves],
      unresolved: left.unresolved || right.unresolved,
    })));
  }
  return alternatives;
}

function expandEntry(entry: PolicyEntryNode): FilterPolicyAlternative[] {
  switch (entry.kind) {
    case 'key':
      return [{
        leaves: [{ path: entry.path, conditions: entry.conditions }],
        unresolved: entry.conditions.some((condition) => condition.kind === 'unresolved'),
      }];
    case 'nested':
      return expandAlternatives(entry.policy);
    case 'or':
      return entry.branches.flatMap(expandAlternatives);
    case 'unresolved':
      return [{ leaves: [], unresolved: true }];
  }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isOperatorObject(value: Record<string, unknown>): boolean {
  return Object.keys(value).some((key) => RESERVED_OPERATORS.includes(key));
}

/**
 * SNS reads `$or` as an OR only when its value is an array of at least two
 * objects none of which uses an operator name as a key; otherwise `$or` is an
 * ordinary property name.
 */
function isOrExpression(raw: unknown): raw is readonly unknown[] {
  if (!Array.isArray(raw) || Token.isUnresolved(raw) || raw.length < 2) {
    return false;
  }
  return raw.every((branch) => Token.isUnresolved(branch) || (isPlainObject(branch) && !isOperatorObject(branch)));
}

/** An `$or` with a single sub-policy is read by SNS as a property named `$or`, almost surely not what was meant. */
function checkNotATooShortOr(raw: readonly unknown[], location: string): void {
  if (raw.length === 1 && isPlainObject(raw[0]) && !isOperatorObject(raw[0])) {
    throw new FilterPolicyError(`${location}: $or needs at least 2 sub-policies, found 1: ${show(raw)}`);
  }
}

function operatorHint(key: string): string {
  return RESERVED_OPERATORS.includes(key) ? ` (an operator must be wrapped in an object inside an array, e.g. [{"${key}": ...}])` : '';
}

function requireString(argument: unknown, name: string, raw: Record<string, unknown>, location: string): string {
  if (typeof argument !== 'string') {
    throw malformed(location, raw, `${name} must be a string, got ${show(argument)}`);
  }
  return argument;
}

const ANYTHING_BUT_USAGE = 'anything-but takes a value, a list of values, or an object with a prefix';

/** The object form of anything-but: SNS knows only `{"prefix": "..."}`, a non-empty string. */
function parseAnythingButPattern(argument: Record<string, unknown>, raw: Record<string, unknown>, location: string): FilterCondition {
  const names = Object.keys(argument);
  if (names.length === 1 && names[0] === 'suffix') {
    throw malformed(
      location,
      raw,
      `SNS does not support anything-but with a suffix (it answers "Unsupported anything-but pattern: suffix"); ${ANYTHING_BUT_USAGE}`,
    );
  }
  if (names.length !== 1 || names[0] !== 'prefix') {
    throw malformed(location, raw, `${ANYTHING_BUT_USAGE}, got ${show(argument)}`);
  }
  const prefix = requireString(argument.prefix, 'prefix', raw, location);
  if (prefix === '') {
    throw malformed(location, raw, 'the anything-but prefix must not be empty');
  }
  return { kind: 'anything-but-prefix', prefix };
}

function malformed(location: string, raw: unknown, reason: string): FilterPolicyError {
  return new FilterPolicyError(`${location}: malformed operator ${show(raw)}: ${reason}`);
}

function containsToken(value: unknown, seen: Set<object>): boolean {
  if (Token.isUnresolved(value)) {
    return true;
  }
  if (typeof value !== 'object' || value === null || seen.has(value)) {
    return false;
  }
  seen.add(value);
  const children: unknown[] = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : [];
  return children.some((child) => containsToken(child, seen));
}

// -- CIDR ---------------------------------------------------------------------

function parseCidr(argument: unknown, raw: Record<string, unknown>, location: string): CidrCondition {
  const cidr = requireString(argument, 'cidr', raw, location);
  const parts = cidr.split('/');
  if (parts.length !== 2 || !/^\d{1,3}$/.test(parts[1])) {
    throw malformed(location, raw, 'cidr must be an IP address, a "/" and a prefix length, e.g. "10.0.0.0/24"');
  }
  const [address, prefixText] = parts;
  const prefixLength = Number(prefixText);
  const ipVersion = isIpv4(address) ? 4 : isIpv6(address) ? 6 : undefined;
  if (ipVersion === undefined) {
    throw malformed(location, raw, `${show(address)} is not an IPv4 or IPv6 address`);
  }
  const maxPrefix = ipVersion === 4 ? 32 : 128;
  if (prefixLength > maxPrefix) {
    throw malformed(location, raw, `prefix length ${prefixLength} exceeds ${maxPrefix} for an IPv${ipVersion} address`);
  }
  return { kind: 'cidr', cidr, ipVersion, address, prefixLength };
}

/** Four decimal octets 0-255, without leading zeros. */
function isIpv4(address: string): boolean {
  const octets = address.split('.');
  return octets.length === 4 && octets.every((octet) => /^(0|[1-9]\d{0,2})$/.test(octet) && Number(octet) <= 255);
}

/** Eight groups of 1-4 hex digits, one `::` for a run of zero groups, an IPv4 tail counting as two groups. */
function isIpv6(address: string): boolean {
  const halves = address.split('::');
  if (halves.length > 2) {
    return false;
  }
  const groups = halves.map((half) => (half === '' ? [] : half.split(':')));
  const all = groups.flat();
  const last = all[all.length - 1];
  const hasIpv4Tail = last !== undefined && last.includes('.');
  if (hasIpv4Tail && !isIpv4(last)) {
    return false;
  }
  const hexGroups = hasIpv4Tail ? all.slice(0, -1) : all;
  if (!hexGroups.every((group) => /^[0-9a-fA-F]{1,4}$/.test(group))) {
    return false;
  }
  const width = hexGroups.length + (hasIpv4Tail ? 2 : 0);
  return halves.length === 2 ? width <= 7 : width === 8;
}

// -- numbers, sizes and display ----------------------------------------------

/** Digits after the decimal point in the shortest decimal form of `value`. */
function decimalPlaces(value: number): number {
  const [mantissa, exponent] = Math.abs(value).toString().split('e');
  const fractionDigits = (mantissa.split('.')[1] ?? '').length;
  return Math.max(0, fractionDigits - Number(exponent ?? 0));
}

/** Large and tiny numbers in exponent form without "+" (1e10), others as usual. */
function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e7 || magnitude < 1e-6)) {
    return value.toExponential().replace('e+', 'e');
  }
  return String(value);
}

function jsonSizeBytes(policy: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(policy, tokenReplacer) ?? '', 'utf8');
  } catch {
    return 0;
  }
}

/** Token objects (not plain JSON) are written as a placeholder so that stringifying never fails on them. */
function tokenReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !isPlainObject(value) && Token.isUnresolved(value)) {
    return '<token>';
  }
  return value;
}

/** A short, never-throwing rendering of any value for error messages. */
function show(value: unknown): string {
  try {
    const text = renderValue(value);
    return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS - 3)}...` : text;
  } catch {
    return '<unprintable value>';
  }
}

function renderValue(value: unknown): string {
  if (typeof value === 'number') {
    return formatNumber(value);
  }
  if (typeof value === 'bigint') {
    return `${value}n`;
  }
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    return String(value);
  }
  return JSON.stringify(value, tokenReplacer) ?? String(value);
}
