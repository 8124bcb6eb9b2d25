/**
 * Explanations of match results in words: which field and which operator made
 * a message miss a pattern or policy, or how it matched.
 *
 * Internal module: not part of the jsii API.
 */
import { FlatMessage, FlatValue } from './flatten';
import { conditionMatches, matchAlternative } from './match';
import { Bound, Condition, Scalar } from '../model/conditions';
import { printValue } from '../model/json';
import { CompiledAlternative, CompiledLeaf, CompiledRule } from '../model/rule';

/** The result of an explanation (the jsii struct `MatchExplanation` has the same shape). */
export interface Explanation {
  readonly matched: boolean;
  readonly reasons: string[];
}

/** How the explanation names what a path points at: `field` (EventBridge), `attribute` or `property` (SNS). */
export type Noun = 'field' | 'attribute' | 'property';

const MAX_ALTERNATIVES_EXPLAINED = 10;
const MAX_SHOWN = 60;

/** Explains why the rule does or does not match the message. */
export function explainRule(rule: CompiledRule, message: FlatMessage, noun: Noun): Explanation {
  for (const alt of rule.alternatives) {
    const chosen = matchAlternative(alt, message);
    if (chosen !== undefined) {
      return { matched: true, reasons: alt.leaves.map((l, i) => describeMatch(l, chosen[i])) };
    }
  }
  const alternatives = rule.alternatives;
  if (alternatives.length === 1) {
    return { matched: false, reasons: diagnose(alternatives[0], message, noun) };
  }
  const reasons: string[] = [];
  alternatives.slice(0, MAX_ALTERNATIVES_EXPLAINED).forEach((alt, i) => {
    for (const reason of diagnose(alt, message, noun)) {
      reasons.push(`$or alternative ${i + 1} of ${alternatives.length}: ${reason}`);
    }
  });
  if (alternatives.length > MAX_ALTERNATIVES_EXPLAINED) {
    reasons.push(`... and ${alternatives.length - MAX_ALTERNATIVES_EXPLAINED} more $or alternatives, none of which matches`);
  }
  return { matched: false, reasons };
}

function describeMatch(l: CompiledLeaf, value: FlatValue | undefined): string {
  if (value === undefined) {
    return `${l.path}: absent, as required by "exists": false`;
  }
  const condition = l.valueConditions.find((c) => conditionMatches(c, value.value))!;
  return `${l.path}: ${show(value.value)} matches ${describe(condition)}`;
}

/** The reasons an alternative fails: leaves that match no value, or leaves that match only in different array elements. */
function diagnose(alt: CompiledAlternative, message: FlatMessage, noun: Noun): string[] {
  const reasons: string[] = [];
  for (const l of alt.leaves) {
    const values = message.fields.get(l.path) ?? [];
    if (values.length === 0) {
      if (!l.allowsAbsence) {
        reasons.push(message.containers.has(l.path)
          ? `${l.path}: is an object or an empty array, not a value (operators apply to leaf values only)`
          : `${l.path}: ${noun} missing`);
      }
      continue;
    }
    if (values.some((v) => l.valueConditions.some((c) => conditionMatches(c, v.value)))) {
      continue;
    }
    if (l.valueConditions.length === 0) {
      reasons.push(`${l.path}: ${noun} present (${showValues(values)}), but "exists": false requires it to be absent`);
    } else {
      reasons.push(`${l.path}: ${mismatch(values, l.valueConditions)}${l.allowsAbsence ? `, and the ${noun} is not absent` : ''}`);
    }
  }
  if (reasons.length === 0) {
    const inArrays = alt.leaves.filter((l) => (message.fields.get(l.path) ?? []).some((v) => v.membership.length > 0)).map((l) => l.path);
    reasons.push(`${inArrays.length > 0 ? inArrays.join(', ') : alt.leaves.map((l) => l.path).join(', ')}: each matches on its own, `
      + 'but not within the same element of an array (fields are matched element by element)');
  }
  return reasons;
}

function mismatch(values: readonly FlatValue[], conditions: readonly Condition[]): string {
  if (values.length > 1) {
    return `no element of ${showValues(values)} matches ${conditions.map(describe).join(' or ')}`;
  }
  const v = values[0].value;
  if (conditions.every(isExact)) {
    return conditions.length === 1 ? `${show(v)} is not ${describe(conditions[0])}` : `${show(v)} is none of ${conditions.map(describe).join(', ')}`;
  }
  if (conditions.length === 1) {
    return single(v, conditions[0]);
  }
  return `${show(v)} matches none of: ${conditions.map(describe).join('; ')}`;
}

function isExact(c: Condition): boolean {
  return c.kind === 'exact-string' || c.kind === 'exact-number' || c.kind === 'exact-literal' || c.kind === 'exact-ip';
}

/** Why one value fails one condition. */
function single(v: Scalar, c: Condition): string {
  const shown = show(v);
  const notString = (what: string) => `${shown} is not a string, so it cannot ${what}`;
  const ignoringCase = (ignore: boolean) => (ignore ? ', ignoring case' : '');
  switch (c.kind) {
    case 'numeric':
      return typeof v === 'number' ? `${shown} is not ${describeRange(c.lower, c.upper)}` : `${shown} is not a number, so it cannot be ${describeRange(c.lower, c.upper)}`;
    case 'prefix':
      return typeof v === 'string' ? `${shown} does not start with ${show(c.value)}${ignoringCase(c.ignoreCase)}` : notString(`start with ${show(c.value)}`);
    case 'suffix':
      return typeof v === 'string' ? `${shown} does not end with ${show(c.value)}${ignoringCase(c.ignoreCase)}` : notString(`end with ${show(c.value)}`);
    case 'equals-ignore-case':
      return typeof v === 'string' ? `${shown} is not ${show(c.value)}, even ignoring case` : notString(`equal ${show(c.value)}`);
    case 'wildcard':
      return typeof v === 'string' ? `${shown} does not match the wildcard ${show(c.glob.source)}` : notString(`match the wildcard ${show(c.glob.source)}`);
    case 'cidr':
      return `${shown} is not an IP address in ${c.source}`;
    case 'anything-but':
      return `${shown} is excluded by anything-but ${[...c.strings.map(show), ...c.numbers.map(String)].join(', ')}`;
    case 'anything-but-prefix':
      return `${shown} starts with ${c.values.filter((p) => String(v).startsWith(p)).map(show).join(', ')}, which anything-but excludes`;
    case 'anything-but-suffix':
      return `${shown} ends with ${c.values.filter((s) => String(v).endsWith(s)).map(show).join(', ')}, which anything-but excludes`;
    case 'anything-but-equals-ignore-case':
      return `${shown} is excluded by anything-but ${c.values.map(show).join(', ')} (ignoring case)`;
    case 'anything-but-wildcard':
      return `${shown} matches the wildcard ${c.globs.map((g) => show(g.source)).join(', ')}, which anything-but excludes`;
    default:
      return `${shown} does not match ${describe(c)}`;
  }
}

/** A condition in words, as it would read in the pattern. */
export function describe(c: Condition): string {
  switch (c.kind) {
    case 'exact-string':
      return show(c.value);
    case 'exact-number':
    case 'exact-literal':
      return String(c.value);
    case 'exact-ip':
      return show(c.source);
    case 'prefix':
      return `prefix ${show(c.value)}${c.ignoreCase ? ' (ignoring case)' : ''}`;
    case 'suffix':
      return `suffix ${show(c.value)}${c.ignoreCase ? ' (ignoring case)' : ''}`;
    case 'equals-ignore-case':
      return `${show(c.value)} (ignoring case)`;
    case 'wildcard':
      return `wildcard ${show(c.glob.source)}`;
    case 'numeric':
      return describeRange(c.lower, c.upper);
    case 'cidr':
      return `cidr ${c.source}`;
    case 'exists':
      return c.exists ? 'exists' : 'does not exist';
    case 'anything-but':
      return `anything but ${[...c.strings.map(show), ...c.numbers.map(String)].join(', ')}`;
    case 'anything-but-prefix':
      return `anything but prefix ${c.values.map(show).join(', ')}`;
    case 'anything-but-suffix':
      return `anything but suffix ${c.values.map(show).join(', ')}`;
    case 'anything-but-equals-ignore-case':
      return `anything but ${c.values.map(show).join(', ')} (ignoring case)`;
    case 'anything-but-wildcard':
      return `anything but wildcard ${c.globs.map((g) => show(g.source)).join(', ')}`;
  }
}

function describeRange(lower: Bound | undefined, upper: Bound | undefined): string {
  if (lower !== undefined && upper !== undefined && lower.value === upper.value && lower.inclusive && upper.inclusive) {
    return `= ${lower.value}`;
  }
  const parts: string[] = [];
  if (lower !== undefined) {
    parts.push(`${lower.inclusive ? '>=' : '>'} ${lower.value}`);
  }
  if (upper !== undefined) {
    parts.push(`${upper.inclusive ? '<=' : '<'} ${upper.value}`);
  }
  return parts.join(' and ');
}

function showValues(values: readonly FlatValue[]): string {
  return values.length === 1 ? show(values[0].value) : `[${values.map((v) => show(v.value)).join(', ')}]`;
}

function show(value: Scalar): string {
  return printValue(value, MAX_SHOWN);
}
