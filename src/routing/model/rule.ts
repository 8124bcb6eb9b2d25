/**
 * The rule tree both parsers build, and its expansion into the `$or`-free
 * alternatives the matching machine walks.
 *
 * An object of a pattern or policy is a list of entries in the order they are
 * written: a key with its conditions, a nested object, a `$or` with its
 * branches, or a part that is an unresolved CDK token as a whole.
 *
 * Internal module: not part of the jsii API.
 */
import { Condition, ParsedCondition } from './conditions';
import { UnresolvedPatternError } from './errors';

/** An object of a pattern or policy: it matches when every entry matches. */
export interface RuleObject {
  readonly kind: 'object';
  /** Field names from the root of the message to this object (a `$or` branch keeps its parent's path). */
  readonly path: readonly string[];
  readonly entries: readonly RuleEntry[];
}

/** A key with its array of conditions: it matches when any condition matches. */
export interface RuleKey {
  readonly kind: 'key';
  readonly key: string;
  /** Field names from the root of the message to this key, e.g. `['detail', 'amount']`. */
  readonly path: readonly string[];
  readonly conditions: readonly ParsedCondition[];
}

/** A key whose value is an object. */
export interface RuleNested {
  readonly kind: 'nested';
  readonly key: string;
  readonly path: readonly string[];
  readonly object: RuleObject;
}

/** A `$or`: it matches when any branch matches. */
export interface RuleOr {
  readonly kind: 'or';
  readonly branches: readonly RuleObject[];
}

/** A part of the pattern or policy that is an unresolved CDK token as a whole (an object, or the value of `$or`). */
export interface RuleUnresolved {
  readonly kind: 'unresolved';
  readonly raw: unknown;
}

/** One entry of a rule object. */
export type RuleEntry = RuleKey | RuleNested | RuleOr | RuleUnresolved;

/** A key of an expanded alternative: the value at `path` must match one of `conditions`. */
export interface RuleLeaf {
  readonly path: readonly string[];
  readonly conditions: readonly ParsedCondition[];
}

/** One `$or`-free alternative of a rule tree: it matches when every leaf matches. */
export interface RuleAlternative {
  readonly leaves: readonly RuleLeaf[];
  /** True when part of this alternative is an unresolved token. */
  readonly unresolved: boolean;
}

/**
 * Expands a rule tree into its `$or`-free alternatives the way event-ruler
 * (whose language SNS shares) does: entries are read in order, `$or` copies
 * the alternatives built so far into each branch, and a key given again with
 * the same dotted path (inside or outside a `$or`, or as `{"a.b": ...}` and
 * `{"a": {"b": ...}}`) replaces the earlier one.
 */
export function expandAlternatives(root: RuleObject): RuleAlternative[] {
  return walk(root, [{ leaves: new Map(), unresolved: false }]).map((alt) => ({ leaves: [...alt.leaves.values()], unresolved: alt.unresolved }));
}

interface Expanding {
  readonly leaves: Map<string, RuleLeaf>;
  unresolved: boolean;
}

function copy(alt: Expanding): Expanding {
  return { leaves: new Map(alt.leaves), unresolved: alt.unresolved };
}

function walk(node: RuleObject, alternatives: Expanding[]): Expanding[] {
  let current = alternatives;
  for (const entry of node.entries) {
    switch (entry.kind) {
      case 'key': {
        const path = entry.path.join('.');
        const unresolved = entry.conditions.some((c) => c.kind === 'unresolved');
        current.forEach((alt) => {
          alt.leaves.delete(path);
          alt.leaves.set(path, { path: entry.path, conditions: entry.conditions });
          alt.unresolved = alt.unresolved || unresolved;
        });
        break;
      }
      case 'nested':
        current = walk(entry.object, current);
        break;
      case 'or':
        current = entry.branches.flatMap((branch) => walk(branch, current.map(copy)));
        break;
      case 'unresolved':
        current.forEach((alt) => {
          alt.unresolved = true;
        });
        break;
    }
  }
  return current;
}

/** How many `$or`-free alternatives a rule object expands to: nested objects multiply, `$or` branches add up. */
export function countAlternatives(node: RuleObject): number {
  let count = 1;
  for (const entry of node.entries) {
    if (entry.kind === 'nested') {
      count *= countAlternatives(entry.object);
    } else if (entry.kind === 'or') {
      count *= entry.branches.reduce((sum, branch) => sum + countAlternatives(branch), 0);
    }
  }
  return count;
}

// ---------------------------------------------------------------------------
// The form the machine walks
// ---------------------------------------------------------------------------

/** A field of an alternative: the value at `path` must match one of `conditions` (or be absent, with `exists: false`). */
export interface CompiledLeaf {
  /** Field names joined with `.`, as event-ruler joins them (so `{"a.b": ...}` and `{"a": {"b": ...}}` are the same field). */
  readonly path: string;
  readonly conditions: readonly Condition[];
  /** The conditions tested against present values (all but `exists: false`). */
  readonly valueConditions: readonly Condition[];
  /** Whether `{ "exists": false }` is one of the conditions. */
  readonly allowsAbsence: boolean;
}

/** An `$or`-free alternative: leaves sorted by path, the order in which event-ruler walks them. */
export interface CompiledAlternative {
  readonly leaves: readonly CompiledLeaf[];
}

/** A compiled pattern or policy: it matches when any alternative matches. */
export interface CompiledRule {
  readonly alternatives: readonly CompiledAlternative[];
}

/** Builds a leaf from its conditions. */
export function leaf(path: string, conditions: readonly Condition[]): CompiledLeaf {
  return {
    path,
    conditions,
    valueConditions: conditions.filter((c) => !(c.kind === 'exists' && !c.exists)),
    allowsAbsence: conditions.some((c) => c.kind === 'exists' && !c.exists),
  };
}

/** Builds an alternative, sorting its leaves by path in UTF-16 code unit order (Java's String order). */
export function alternative(leaves: readonly CompiledLeaf[]): CompiledAlternative {
  return { leaves: [...leaves].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
}

/** A parsed pattern or policy, as far as compiling it goes. */
export interface ParsedRule {
  readonly root: RuleObject;
  readonly hasUnresolvedTokens: boolean;
}

/**
 * Compiles a parsed pattern or policy for the machine.
 *
 * @param what names the rule in the error, e.g. `The event pattern`
 * @throws UnresolvedPatternError when the rule holds deploy-time values
 */
export function compileRule(parsed: ParsedRule, what: string): CompiledRule {
  if (parsed.hasUnresolvedTokens) {
    throw new UnresolvedPatternError(what);
  }
  const alternatives = expandAlternatives(parsed.root).map((alt) => alternative(alt.leaves.map((l) => leaf(l.path.join('.'), l.conditions as Condition[]))));
  return { alternatives };
}
