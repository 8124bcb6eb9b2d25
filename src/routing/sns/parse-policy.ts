/**
 * The parser of Amazon SNS subscription filter policies: it walks a policy
 * once, building the rule tree of the model and checking structure, numbers
 * and the SNS limits.
 *
 * Internal module: not part of the jsii API.
 */
import { Token } from 'aws-cdk-lib';
import { countCombinations, FilterPolicyScope, ParsedFilterPolicy, SNS_FILTER_POLICY_LIMITS } from './filter-policy';
import {
  checkNotATooShortOr, containsToken, isOperatorObject, isOrExpression, malformed, operatorHint, parseAnythingButPattern, parseCidr,
  policyError, requireString, RESERVED_OPERATORS, show,
} from './policy-operators';
import { anythingBut, exactValue, numericComparison, numericRange, ParsedCondition } from '../model/conditions';
import { formatNumber, isPlainObject, jsonSizeBytes } from '../model/json';
import { countAlternatives, expandAlternatives, RuleAlternative, RuleEntry, RuleNested, RuleObject, RuleOr } from '../model/rule';

/** Options of {@link parseFilterPolicy}. */
export interface ParseFilterPolicyOptions {
  /** Name of the prop the policy came from, used in error messages. @default 'filterPolicy' */
  readonly propName?: string;
}

/**
 * Parses and validates an Amazon SNS subscription filter policy.
 *
 * Throws a {@link PatternError} for anything SNS would reject: unknown or
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
    throw policyError(propName, propName, `${propName}: unknown filter policy scope ${show(scope)}, use MessageAttributes or MessageBody`);
  }
  return new FilterPolicyParser(scope, propName).parse(policy);
}

const NUMERIC_OPERATORS: readonly string[] = ['=', '<', '<=', '>', '>='];
const LOWER_BOUND_OPERATORS: readonly string[] = ['>', '>='];
const UPPER_BOUND_OPERATORS: readonly string[] = ['<', '<='];
const OR_KEY = '$or';

/** One comparison `value <operator> bound` of a `numeric` operator. */
interface Comparison {
  readonly operator: string;
  readonly bound: number;
}

/**
 * Deepest nesting (objects and `$or` branches) accepted. Every nesting level
 * adds at least one to the combinations (a deeper key multiplies by its level,
 * a deeper `$or` adds an alternative), so a deeper policy cannot stay within
 * 150; stopping here also keeps the recursion far from the stack limit.
 */
const MAX_NESTING_LEVELS = SNS_FILTER_POLICY_LIMITS.maxCombinations;

/** Walks a policy once, building the rule tree and checking structure and numbers. */
class FilterPolicyParser {
  private hasTokens = false;
  private readonly ancestors = new Set<object>();

  constructor(private readonly scope: FilterPolicyScope, private readonly propName: string) {}

  public parse(policy: unknown): ParsedFilterPolicy {
    if (Token.isUnresolved(policy)) {
      return this.unresolvedPolicy(policy);
    }
    if (!isPlainObject(policy)) {
      throw policyError(
        this.propName,
        this.propName,
        `${this.propName} must be a JSON object mapping property names to arrays of values, got ${show(policy)}`,
      );
    }
    const root = this.parseObject(policy, this.propName, [], 0);
    return this.checkLimits(policy, root);
  }

  private unresolvedPolicy(policy: unknown): ParsedFilterPolicy {
    const root: RuleObject = { kind: 'object', path: [], entries: [{ kind: 'unresolved', raw: policy }] };
    return {
      scope: this.scope,
      root,
      alternatives: [{ leaves: [], unresolved: true }],
      keyCount: 0,
      combinationCount: 0,
      sizeBytes: 0,
      hasUnresolvedTokens: true,
    };
  }

  // -- limits ---------------------------------------------------------------

  private checkLimits(policy: Record<string, unknown>, root: RuleObject): ParsedFilterPolicy {
    const combinationCount = root.entries.length === 0 ? 0 : countCombinations(root);
    const alternatives = countAlternatives(root) <= SNS_FILTER_POLICY_LIMITS.maxCombinations ? expandAlternatives(root) : undefined;
    const keyCount = alternatives ? this.checkKeyCount(alternatives) : 0;
    this.checkCombinations(combinationCount);
    const sizeBytes = jsonSizeBytes(policy);
    this.checkSize(sizeBytes);
    return {
      scope: this.scope,
      root,
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
  private checkKeyCount(alternatives: readonly RuleAlternative[]): number {
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
      throw policyError(this.propName, this.propName, `${this.propName} has ${widest.length} keys${where}, SNS allows at most ${max}`);
    }
    return widest.length;
  }

  private checkCombinations(count: number): void {
    const max = SNS_FILTER_POLICY_LIMITS.maxCombinations;
    // With tokens the count is a lower bound (an unresolved list counts as one value), so exceeding it is still certain.
    if (count > max) {
      throw policyError(this.propName, this.propName, `${this.propName} has ${count} combinations, SNS allows at most ${max}`);
    }
  }

  private checkSize(sizeBytes: number): void {
    const max = SNS_FILTER_POLICY_LIMITS.maxSizeBytes;
    if (!this.hasTokens && sizeBytes > max) {
      throw policyError(this.propName, this.propName, `${this.propName} is ${sizeBytes} bytes of JSON, SNS allows at most ${max} (256 KB)`);
    }
  }

  // -- objects, keys and $or -----------------------------------------------

  private parseObject(value: Record<string, unknown>, location: string, path: readonly string[], level: number): RuleObject {
    if (this.ancestors.has(value)) {
      throw policyError(this.propName, location, `${location}: the policy refers to itself (circular reference)`);
    }
    if (level > MAX_NESTING_LEVELS) {
      throw policyError(this.propName, location, `${location}: the policy is nested more than ${MAX_NESTING_LEVELS} levels deep, so it has more than ${SNS_FILTER_POLICY_LIMITS.maxCombinations} combinations`,
      );
    }
    const keys = Object.keys(value);
    if (keys.length === 0 && level > 0) {
      throw policyError(this.propName, location, `${location}: an object of the policy must not be empty`);
    }
    this.ancestors.add(value);
    try {
      const entries = keys.map((key) => this.parseEntry(key, value[key], location, path, level));
      return { kind: 'object', path, entries };
    } finally {
      this.ancestors.delete(value);
    }
  }

  private parseEntry(key: string, raw: unknown, parentLocation: string, parentPath: readonly string[], level: number): RuleEntry {
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
        checkNotATooShortOr(this.propName, raw, location);
      }
      return { kind: 'key', key, path, conditions: this.parseConditions(raw, location) };
    }
    if (isPlainObject(raw)) {
      return this.parseNested(key, raw, location, path, level);
    }
    throw policyError(this.propName, location, `${location}: the value of a key must be an array of values, got ${show(raw)}${operatorHint(key)}`);
  }

  private parseNested(key: string, raw: Record<string, unknown>, location: string, path: readonly string[], level: number): RuleNested {
    if (this.scope === FilterPolicyScope.MESSAGE_ATTRIBUTES) {
      const hint = isOperatorObject(raw) ? ` (an operator must be wrapped in an array: [${show(raw)}])` : '';
      throw policyError(this.propName, location, `${location}: nested objects are only allowed when the filter policy scope is MessageBody, got ${show(raw)}${hint}`,
      );
    }
    return { kind: 'nested', key, path, object: this.parseObject(raw, location, path, level + 1) };
  }

  /** The branches of an `$or` keep the enclosing object's path: `$or` adds no nesting level. */
  private parseOr(raw: readonly unknown[], parentLocation: string, parentPath: readonly string[], level: number): RuleOr {
    const branches = raw.map((branch, index): RuleObject => {
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

  private parseConditions(values: readonly unknown[], location: string): ParsedCondition[] {
    if (values.length === 0) {
      throw policyError(this.propName, location, `${location}: malformed operator []: a key needs at least one value`);
    }
    return values.map((value) => this.parseCondition(value, location));
  }

  private parseCondition(value: unknown, location: string): ParsedCondition {
    if (Token.isUnresolved(value)) {
      this.hasTokens = true;
      return { kind: 'unresolved', raw: value };
    }
    if (typeof value === 'string' || typeof value === 'boolean' || value === null) {
      return exactValue(value);
    }
    if (typeof value === 'number') {
      this.checkNumber(value, location);
      return exactValue(value);
    }
    if (isPlainObject(value)) {
      return this.parseOperator(value, location);
    }
    throw policyError(this.propName, location, `${location}: malformed value ${show(value)}: a value must be a string, a number, true, false, null or an operator object`,
    );
  }

  private parseOperator(value: Record<string, unknown>, location: string): ParsedCondition {
    const names = Object.keys(value);
    if (names.length !== 1) {
      throw malformed(this.propName, location, value, `an operator object needs exactly one operator, found ${names.length}`);
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

  private parseKnownOperator(name: string, argument: unknown, raw: Record<string, unknown>, location: string): ParsedCondition {
    switch (name) {
      case 'prefix':
        return { kind: 'prefix', value: requireString(this.propName, argument, name, raw, location), ignoreCase: false };
      case 'suffix':
        return { kind: 'suffix', value: requireString(this.propName, argument, name, raw, location), ignoreCase: false };
      case 'equals-ignore-case':
        return { kind: 'equals-ignore-case', value: requireString(this.propName, argument, name, raw, location) };
      case 'anything-but':
        return this.parseAnythingBut(argument, raw, location);
      case 'numeric':
        return this.parseNumeric(argument, raw, location);
      case 'exists':
        if (typeof argument !== 'boolean') {
          throw malformed(this.propName, location, raw, 'exists must be true or false');
        }
        // SNS: "exists": true needs "a non-null and non-empty value" (Developer Guide, Key matching).
        return argument ? { kind: 'exists', exists: true, nonEmpty: true } : { kind: 'exists', exists: false };
      case 'cidr':
        return parseCidr(this.propName, argument, raw, location);
      default:
        throw malformed(this.propName, location, raw, `unknown operator ${show(name)} (SNS knows ${RESERVED_OPERATORS.join(', ')})`);
    }
  }

  /**
   * anything-but takes a value, a non-empty list of only strings or only
   * numbers, or an object with a prefix. SNS refuses a suffix ("Unsupported
   * anything-but pattern: suffix"), unlike EventBridge.
   */
  private parseAnythingBut(argument: unknown, raw: Record<string, unknown>, location: string): ParsedCondition {
    if (Array.isArray(argument)) {
      if (argument.length === 0) {
        throw malformed(this.propName, location, raw, 'anything-but needs at least one value');
      }
      const values = argument.map((value) => this.anythingButValue(value, raw, location));
      const types = new Set(values.filter((value) => !Token.isUnresolved(value)).map((value) => typeof value));
      if (types.size > 1) {
        throw malformed(this.propName, location, raw, 'an anything-but list must hold only strings or only numbers, not both');
      }
      return anythingBut(values);
    }
    if (isPlainObject(argument)) {
      return parseAnythingButPattern(this.propName, argument, raw, location);
    }
    return anythingBut([this.anythingButValue(argument, raw, location)]);
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
    throw malformed(this.propName, location, raw, `anything-but values must be strings or numbers, got ${show(value)}`);
  }

  /**
   * numeric takes one comparison (`["=", 5]`, `["<", 0]`), or a lower bound
   * followed by an upper bound (`[">", 0, "<=", 5]`) with lower < upper.
   */
  private parseNumeric(argument: unknown, raw: Record<string, unknown>, location: string): ParsedCondition {
    if (!Array.isArray(argument) || argument.length === 0) {
      throw malformed(this.propName, location, raw, 'numeric needs an array of an operator and a number, e.g. [">", 0]');
    }
    if (argument.length !== 2 && argument.length !== 4) {
      throw malformed(this.propName, location, raw, `numeric takes an operator and a number, or a lower and an upper bound, got ${argument.length} elements`);
    }
    const first = this.numericComparison(argument[0], argument[1], NUMERIC_OPERATORS, raw, location);
    if (argument.length === 2) {
      return numericComparison(first.operator, first.bound);
    }
    if (!LOWER_BOUND_OPERATORS.includes(first.operator) && !Token.isUnresolved(first.operator)) {
      throw malformed(this.propName, location, raw, `a range starts with a lower bound (> or >=), got ${show(first.operator)}`);
    }
    const second = this.numericComparison(argument[2], argument[3], UPPER_BOUND_OPERATORS, raw, location);
    if (!Token.isUnresolved(first.bound) && !Token.isUnresolved(second.bound) && first.bound >= second.bound) {
      throw malformed(this.propName, location, raw, `the lower bound ${formatNumber(first.bound)} must be less than the upper bound ${formatNumber(second.bound)}`);
    }
    return numericRange(first.operator, first.bound, second.operator, second.bound);
  }

  private numericComparison(
    operator: unknown,
    bound: unknown,
    allowed: readonly string[],
    raw: Record<string, unknown>,
    location: string,
  ): Comparison {
    if (typeof operator !== 'string' || (!allowed.includes(operator) && !Token.isUnresolved(operator))) {
      throw malformed(this.propName, location, raw, `expected one of ${allowed.join(' ')} as numeric operator, got ${show(operator)}`);
    }
    if (typeof bound !== 'number' && !Token.isUnresolved(bound)) {
      throw malformed(this.propName, location, raw, `numeric operator ${operator} must be followed by a number, got ${show(bound)}`);
    }
    if (typeof bound === 'number') {
      this.checkNumber(bound, location);
    }
    return { operator, bound: bound as number };
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
      throw policyError(this.propName, location, `${location}: malformed value ${show(value)}: numbers must be finite`);
    }
    if (value < limits.minNumber || value > limits.maxNumber) {
      throw policyError(this.propName, location, `${location}: numeric value ${formatNumber(value)} is out of range (SNS accepts -1e9 to 1e9)`);
    }
    const places = decimalPlaces(value);
    if (places > limits.maxDecimalPlaces) {
      throw policyError(this.propName, location, `${location}: numeric value ${formatNumber(value)} has ${places} digits after the decimal point, SNS matches at most ${limits.maxDecimalPlaces}`,
      );
    }
  }

  private containsToken(value: unknown): boolean {
    const found = containsToken(value, new Set());
    this.hasTokens = this.hasTokens || found;
    return found;
  }
}

/** Digits after the decimal point in the shortest decimal form of `value`. */
function decimalPlaces(value: number): number {
  const [mantissa, exponent] = Math.abs(value).toString().split('e');
  const fractionDigits = (mantissa.split('.')[1] ?? '').length;
  return Math.max(0, fractionDigits - Number(exponent ?? 0));
}
