/**
 * Parsing and validation of Amazon EventBridge event patterns.
 *
 * `parseEventPattern` turns an event pattern, given as a plain JSON object, into
 * the rule tree of the model (`ParsedEventPattern.root`: objects of keys with
 * their conditions, nested objects and `$or` branches) or throws a
 * `PatternError` that names the property, the key path and the offending value.
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
import { eventPatternError, fail, isToken, KeyPath, newContext, ParseContext } from './parse-context';
import { hasOrKey, parsePatternObject } from './parse-pattern';
import { PatternError } from '../model/errors';
import { definedKeys, isPlainObject } from '../model/json';
import { countAlternatives, RuleObject } from '../model/rule';

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
  /** The root object of the pattern, as a rule tree. */
  readonly root: RuleObject;
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

/**
 * Parses and validates an EventBridge event pattern given as a plain JSON object
 * (keys as in the event: `detail-type`, not `detailType`; see `eventPatternToJson`).
 *
 * Unresolved CDK tokens are accepted wherever they appear and become
 * `unresolved` conditions. Fields whose value is `undefined` are ignored, as in JSON.
 *
 * `$or` is read the way event-ruler reads it: as the OR keyword when the whole
 * pattern is valid so (every `$or` an array of at least two objects that use no
 * reserved keyword as a field name). Otherwise event-ruler compiles the pattern
 * again with its older rule compiler, where `$or` is an ordinary field name and
 * anything-but has no wildcard form and takes a single prefix or suffix; the
 * pattern is valid when it is valid that way (`orAsFieldName` is then true).
 *
 * @throws PatternError when the pattern is not valid or exceeds a limit.
 */
export function parseEventPattern(pattern: unknown, options: ParseEventPatternOptions = {}): ParsedEventPattern {
  const propName = options.propName ?? 'eventPattern';
  const maxLength = resolveMaxLength(propName, options.maxLength);
  const asOr = newContext(propName, false);
  const rootPath = new KeyPath(propName);

  if (isToken(pattern)) {
    const root: RuleObject = { kind: 'object', path: [], entries: [{ kind: 'unresolved', raw: pattern }] };
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
    if (!(e instanceof PatternError) || !hasOrKey(pattern)) {
      throw e;
    }
    const asField = newContext(propName, true);
    try {
      return parseRoot(asField, pattern, rootPath, maxLength);
    } catch (second) {
      if (!(second instanceof PatternError)) {
        throw second;
      }
      if (!asOr.orNotKeyword) {
        throw e;
      }
      throw eventPatternError(propName, e.path, `${e.problem}; with "$or" read as an ordinary field name instead `
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
  const visit = (node: RuleObject): void => {
    for (const entry of node.entries) {
      if ((entry.kind === 'key' || entry.kind === 'nested') && !isToken(entry.key) && !EVENT_ENVELOPE_FIELDS.includes(entry.key.split('.')[0])
        && !names.includes(entry.key)) {
        names.push(entry.key);
      }
    }
    for (const entry of node.entries) {
      if (entry.kind === 'or') {
        entry.branches.forEach(visit);
      }
    }
  };
  visit(parsed.root);
  return names;
}

function parseRoot(ctx: ParseContext, pattern: Record<string, unknown>, rootPath: KeyPath, maxLength: number): ParsedEventPattern {
  const root = parsePatternObject(ctx, pattern, rootPath);
  const complexity = measure(root, pattern, maxLength, ctx.sawToken);
  checkComplexity(ctx, rootPath, complexity, pattern);
  return { root, json: pattern, hasUnresolvedTokens: ctx.sawToken, orAsFieldName: ctx.orAsFieldName, complexity };
}

// ---------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------

function resolveMaxLength(propName: string, maxLength: number | undefined): number {
  if (maxLength === undefined) {
    return EVENT_PATTERN_DEFAULT_MAX_LENGTH;
  }
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > EVENT_PATTERN_HARD_MAX_LENGTH) {
    throw eventPatternError(propName, 'options.maxLength', `the maximum pattern size must be a whole number from 1 to ${EVENT_PATTERN_HARD_MAX_LENGTH}`, maxLength);
  }
  return maxLength;
}

function measure(root: RuleObject, json: unknown, maxLength: number, hasTokens: boolean): EventPatternComplexity {
  const counts = { leaves: 0, wildcards: 0 };
  countLeaves(root, counts);
  return {
    serializedLength: hasTokens ? undefined : JSON.stringify(json).length,
    maxLength,
    orCombinations: countAlternatives(root),
    leafCount: counts.leaves,
    wildcardCount: counts.wildcards,
  };
}

function countLeaves(node: RuleObject, counts: { leaves: number; wildcards: number }): void {
  for (const entry of node.entries) {
    if (entry.kind === 'nested') {
      countLeaves(entry.object, counts);
    } else if (entry.kind === 'or') {
      entry.branches.forEach((branch) => countLeaves(branch, counts));
    } else {
      counts.leaves++;
      for (const c of entry.kind === 'key' ? entry.conditions : []) {
        counts.wildcards += c.kind === 'wildcard' ? 1 : c.kind === 'anything-but-wildcard' ? c.globs.length : 0;
      }
    }
  }
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
