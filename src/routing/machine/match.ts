/**
 * The matching machine shared by the EventBridge event pattern and SNS filter
 * policy evaluators.
 *
 * A pattern or policy is compiled into a `CompiledRule`: a list of `$or`-free
 * alternatives, each a list of leaves (a dotted field path and the conditions
 * of its value array). A message is flattened into its leaf values, each
 * remembering the array elements it sits in. A rule matches when one
 * alternative matches; an alternative matches when every leaf matches a value,
 * all chosen values lying in the same element of any array they share.
 *
 * The semantics follow aws/event-ruler, the engine behind EventBridge.
 *
 * Internal module: not part of the jsii API.
 */
import { EMPTY_MEMBERSHIP, FlatMessage, FlatValue, Membership, mergeMembership } from './flatten';
import { endsWithIgnoreCase, equalsIgnoreCase, globMatches, startsWithIgnoreCase } from './strings';
import { Bound, Condition, Scalar } from '../model/conditions';
import { inNetwork, parseIpAddress, sameAddress } from '../model/ip';
import { CompiledAlternative, CompiledRule } from '../model/rule';

/** Whether the rule matches the flattened message. */
export function matchesRule(rule: CompiledRule, message: FlatMessage): boolean {
  return rule.alternatives.some((alt) => matchAlternative(alt, message) !== undefined);
}

/**
 * Searches for values satisfying every leaf of the alternative, leaf by leaf
 * in path order. `exists: false` is checked against the values that agree with
 * the array elements chosen so far, exactly as event-ruler checks absence.
 * Returns the chosen value per leaf (undefined entries for absent leaves), or
 * undefined when there is no match.
 */
export function matchAlternative(alt: CompiledAlternative, message: FlatMessage): (FlatValue | undefined)[] | undefined {
  const leaves = alt.leaves;
  const chosen: (FlatValue | undefined)[] = new Array(leaves.length);
  const step = (i: number, constraints: Membership): boolean => {
    if (i === leaves.length) {
      return true;
    }
    const current = leaves[i];
    const values = message.fields.get(current.path);
    if (current.allowsAbsence && (values === undefined || !values.some((v) => mergeMembership(constraints, v.membership) !== undefined))) {
      chosen[i] = undefined;
      if (step(i + 1, constraints)) {
        return true;
      }
    }
    if (values === undefined || current.valueConditions.length === 0) {
      return false;
    }
    for (const v of values) {
      const merged = mergeMembership(constraints, v.membership);
      if (merged === undefined || !current.valueConditions.some((c) => conditionMatches(c, v.value))) {
        continue;
      }
      chosen[i] = v;
      if (step(i + 1, merged)) {
        return true;
      }
    }
    return false;
  };
  return step(0, EMPTY_MEMBERSHIP) ? chosen : undefined;
}

/** Whether a single value satisfies a condition (`exists: false` never does: it is about absence). */
export function conditionMatches(c: Condition, v: Scalar): boolean {
  switch (c.kind) {
    case 'exact-string':
      return v === c.value;
    case 'exact-number':
      return typeof v === 'number' && v === c.value;
    case 'exact-literal':
      return v === c.value;
    case 'exact-ip': {
      const address = typeof v === 'string' ? parseIpAddress(v) : undefined;
      return address !== undefined && sameAddress(address, c.address.network);
    }
    case 'prefix':
      return typeof v === 'string' && (c.ignoreCase ? startsWithIgnoreCase(v, c.value) : v.startsWith(c.value));
    case 'suffix':
      return typeof v === 'string' && (c.ignoreCase ? endsWithIgnoreCase(v, c.value) : v.endsWith(c.value));
    case 'equals-ignore-case':
      return typeof v === 'string' && equalsIgnoreCase(v, c.value);
    case 'wildcard':
      return typeof v === 'string' && globMatches(c.glob, v);
    case 'numeric':
      return typeof v === 'number' && inRange(v, c.lower, c.upper);
    case 'cidr': {
      const address = typeof v === 'string' ? parseIpAddress(v) : undefined;
      return address !== undefined && inNetwork(address, c.block);
    }
    case 'exists':
      return c.exists && !(c.nonEmpty === true && (v === null || v === ''));
    case 'anything-but':
      return typeof v === 'string' ? !c.strings.includes(v) : typeof v === 'number' ? !c.numbers.includes(v) : true;
    case 'anything-but-prefix':
      return typeof v !== 'string' || !c.values.some((p) => v.startsWith(p));
    case 'anything-but-suffix':
      return typeof v !== 'string' || !c.values.some((s) => v.endsWith(s));
    case 'anything-but-equals-ignore-case':
      return typeof v !== 'string' || !c.values.some((s) => equalsIgnoreCase(v, s));
    case 'anything-but-wildcard':
      return typeof v !== 'string' || !c.globs.some((g) => globMatches(g, v));
  }
}

function inRange(v: number, lower: Bound | undefined, upper: Bound | undefined): boolean {
  if (lower !== undefined && (lower.inclusive ? v < lower.value : v <= lower.value)) {
    return false;
  }
  if (upper !== undefined && (upper.inclusive ? v > upper.value : v >= upper.value)) {
    return false;
  }
  return true;
}
