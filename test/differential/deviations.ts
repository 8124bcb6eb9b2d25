/**
 * The one list of known differences between event-ruler's verdicts and the
 * behaviour this library follows (the services' documented behaviour). Pairs a
 * deviation applies to are left out of the differential comparison and counted
 * in the report; each is explained in the README section "Where event-ruler and
 * the EventBridge documentation differ".
 *
 * One more kind of pair is set apart by the harness itself, at run time:
 * pairs on which event-ruler answers both true and false when asked again
 * (`UNSTABLE` in harness.ts), such as one array holding an exact string, a
 * numeric range and an anything-but that the value fails.
 */
import { Json, JsonObject } from './generators';
import { Deviation } from './harness';
import { compileEventPattern } from '../../src/routing/compile-event-pattern';
import { compileFilterPolicy } from '../../src/routing/compile-filter-policy';
import { CompiledAlternative, flatten, parseIpAddress } from '../../src/routing/engine';
import { parseEventPattern } from '../../src/routing/event-pattern';
import { FilterPolicyScope, parseFilterPolicy } from '../../src/routing/sns-filter-policy';

/** Every array of match values in the pattern (including those inside `$or` branches), with its dotted path. */
function valueArraysWithPaths(pattern: JsonObject): { path: string; values: Json[] }[] {
  const arrays: { path: string; values: Json[] }[] = [];
  const visit = (node: JsonObject, prefix: string | undefined) => {
    for (const [key, value] of Object.entries(node)) {
      const path = prefix === undefined ? key : `${prefix}.${key}`;
      if (key === '$or' && Array.isArray(value)) {
        value.forEach((branch) => visit(branch as JsonObject, prefix));
      } else if (Array.isArray(value)) {
        arrays.push({ path, values: value });
      } else if (value !== null && typeof value === 'object') {
        visit(value, path);
      }
    }
  };
  visit(pattern, undefined);
  return arrays;
}

/** The address of a cidr condition, or of an exact string that event-ruler reads as an IP address. */
function ipOfCondition(condition: Json): number[] | undefined {
  if (typeof condition === 'string') {
    return parseIpAddress(condition);
  }
  if (condition !== null && typeof condition === 'object' && !Array.isArray(condition) && typeof condition.cidr === 'string') {
    return parseIpAddress(condition.cidr.split('/')[0]);
  }
  return undefined;
}

/** The event values at the paths of the pattern's IP conditions, with the address widths (4 or 16) of those conditions. */
function valuesUnderIpConditions(pair: { pattern: JsonObject; event: JsonObject }): { widths: number[]; values: unknown[] }[] {
  const withIp = valueArraysWithPaths(pair.pattern)
    .map((a) => ({ widths: a.values.map(ipOfCondition).filter((ip): ip is number[] => ip !== undefined).map((ip) => ip.length), path: a.path }))
    .filter((a) => a.widths.length > 0);
  if (withIp.length === 0) {
    return [];
  }
  const fields = flatten(pair.event).fields;
  return withIp.map((a) => ({ widths: a.widths, values: (fields.get(a.path) ?? []).map((v) => v.value) }));
}

/** `wildcard` for (anything-but) wildcards, `ignore-case` for the case-insensitive conditions, `other` otherwise. */
function conditionFamily(condition: Json): string {
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) {
    return 'other';
  }
  const [operator] = Object.keys(condition);
  const operand = condition[operator];
  const inner = operand !== null && typeof operand === 'object' && !Array.isArray(operand) ? Object.keys(operand)[0] : undefined;
  if (operator === 'wildcard' || (operator === 'anything-but' && inner === 'wildcard')) {
    return 'wildcard';
  }
  if (operator === 'equals-ignore-case' || inner === 'equals-ignore-case') {
    return 'ignore-case';
  }
  return 'other';
}

/** Differences between event-ruler and our EventBridge evaluator. */
export const EVENT_RULER_DEVIATIONS: readonly Deviation[] = [
  {
    id: 'wildcard-and-equals-ignore-case-on-one-field',
    reason: 'When a field has a wildcard condition (wildcard or anything-but wildcard) followed by a case-insensitive one '
      + '(equals-ignore-case, anything-but equals-ignore-case, prefix or suffix equals-ignore-case), event-ruler 2.1.0 builds '
      + 'an automaton that sometimes answers wrongly: [{"wildcard": "*c"}, {"equals-ignore-case": "x"}] matches "ab", and '
      + '[{"anything-but": {"wildcard": "*b"}}, {"anything-but": {"equals-ignore-case": "x"}}] does not match "ab" (each '
      + 'condition alone is judged right, and so is the other order). EventBridge documents that a field matches when any value '
      + 'of its array matches; we follow the documentation.',
    applies: (pair) => {
      // The conditions of each field in the order event-ruler adds them (array order, then $or branch order).
      const byPath = new Map<string, string[]>();
      for (const { path, values } of valueArraysWithPaths(pair.pattern)) {
        byPath.set(path, [...byPath.get(path) ?? [], ...values.map(conditionFamily)]);
      }
      return [...byPath.values()].some((families) => {
        const wildcard = families.indexOf('wildcard');
        return wildcard >= 0 && families.slice(wildcard + 1).includes('ignore-case');
      });
    },
  },
  {
    id: 'ip-condition-on-a-number',
    reason: 'event-ruler compares IP addresses as hexadecimal text, and when the event value is not a string it tests the value\'s '
      + 'own text against that range: a number whose digits fall in the range matches ({"cidr": "10.0.192.127/0"} matches 5.5; '
      + '["16.0.0.1"] matches 10000001). EventBridge documents cidr (and IP matching) for IP address strings; a number is not an '
      + 'IP address, so we never match it.',
    applies: (pair) => valuesUnderIpConditions(pair).some((a) => a.values.some((v) => typeof v === 'number')),
  },
  {
    id: 'ip-condition-on-an-address-of-the-other-family',
    reason: 'event-ruler compares an address with a range of the other family on the hexadecimal digits they share: an IPv4 '
      + 'range matches IPv6 addresses by their first 4 bytes ({"cidr": "10.127.1.255/0"} matches "::1", ["10.0.0.1"] matches '
      + '"a00:1::"), and a short IPv6 prefix matches IPv4 addresses ({"cidr": "::1/0"} matches "0.255.10.127"). EventBridge '
      + 'documents cidr matching per address family; an address is never in a network of the other family, so we do not match it.',
    applies: (pair) => valuesUnderIpConditions(pair).some((a) => a.values.some((v) => {
      const width = typeof v === 'string' ? parseIpAddress(v)?.length : undefined;
      return width !== undefined && a.widths.some((w) => w !== width);
    })),
  },
  {
    id: 'or-branches-sharing-a-condition-of-one-field',
    reason: 'When two $or branches give one field different arrays that share a condition, event-ruler 2.1.0 shares the state of '
      + 'that condition between the branches and loses matches, always or depending on hash ordering: '
      + '{"$or": [{"n": [{"anything-but": "i"}]}, {"n": [{"anything-but": "i"}, "i"]}]} never matches {"n": "i"}, and '
      + '{"$or": [{"c": {"Name": [true], "n": ["t"]}}, {"c": {"Name": [true], "n": ["s", "t"]}}]} matches '
      + '{"c": [{"n": "s", "Name": true}, {"n": "t"}]} only sometimes. In both the second branch matches, so EventBridge\'s '
      + 'documented answer is true; we give it every time.',
    applies: (pair) => orBranchesShareACondition(pair.pattern),
  },
];

/** The `$or`-free alternatives of a pattern (or, failing that, of an SNS body policy); undefined when neither parses. */
function alternativesOf(pattern: JsonObject): readonly CompiledAlternative[] | undefined {
  try {
    return compileEventPattern(parseEventPattern(pattern)).alternatives;
  } catch {
    try {
      return compileFilterPolicy(parseFilterPolicy(pattern, FilterPolicyScope.MESSAGE_BODY)).alternatives;
    } catch {
      return undefined;
    }
  }
}

/** Whether two `$or` alternatives give one field different condition arrays that share a condition. */
function orBranchesShareACondition(pattern: JsonObject): boolean {
  if (!JSON.stringify(pattern).includes('"$or"')) {
    return false;
  }
  const byPath = new Map<string, string[][]>();
  for (const alt of alternativesOf(pattern) ?? []) {
    for (const l of alt.leaves) {
      byPath.set(l.path, [...byPath.get(l.path) ?? [], l.conditions.map((c) => JSON.stringify(c))]);
    }
  }
  return [...byPath.values()].some((arrays) => arrays.some((a, i) => arrays.some((b, j) => i < j
    && a.join('|') !== b.join('|') && a.some((c) => b.includes(c)))));
}

/** Differences between event-ruler and our SNS evaluator, on the semantics SNS shares with it: the same list (the wildcard one never applies, SNS has no wildcard). */
export const SNS_DEVIATIONS: readonly Deviation[] = EVENT_RULER_DEVIATIONS;
