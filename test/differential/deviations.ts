/**
 * The one list of known differences between event-ruler's verdicts and the
 * behaviour this library follows (the services' documented behaviour). Pairs a
 * deviation applies to are left out of the differential comparison and counted
 * in the report; each is explained in docs/routing.md, "Where event-ruler and
 * the EventBridge documentation differ".
 *
 * One more kind of pair is set apart by the harness itself, at run time:
 * pairs on which event-ruler answers both true and false when asked again
 * (`UNSTABLE` in harness.ts), such as one array holding an exact string, a
 * numeric range and an anything-but that the value fails.
 */
import { Json, JsonObject } from './generators';
import { Deviation } from './harness';
import { parseEventPattern } from '../../src/routing/eventbridge';
import { flatten, matchesRule } from '../../src/routing/machine';
import { alternative, CompiledAlternative, CompiledRule, compileRule, leaf, parseIpAddress } from '../../src/routing/model';
import { FilterPolicyScope, parseFilterPolicy } from '../../src/routing/sns';

/**
 * Whether `$or` is an ordinary field name in the pattern, as event-ruler reads it when the pattern is not valid with
 * `$or` as OR (our parser follows it; false when the parser rejects the pattern).
 */
function orIsFieldName(pattern: JsonObject): boolean {
  try {
    return parseEventPattern(pattern).orAsFieldName;
  } catch {
    return false;
  }
}

/** Every array of match values in the pattern (including those inside `$or` branches), with its dotted path. */
function valueArraysWithPaths(pattern: JsonObject): { path: string; values: Json[] }[] {
  const arrays: { path: string; values: Json[] }[] = [];
  const orKeyword = !JSON.stringify(pattern).includes('"$or"') || !orIsFieldName(pattern);
  const visit = (node: JsonObject, prefix: string | undefined) => {
    for (const [key, value] of Object.entries(node)) {
      const path = prefix === undefined ? key : `${prefix}.${key}`;
      if (key === '$or' && orKeyword && Array.isArray(value)) {
        value.forEach((branch) => {
          if (branch !== null && typeof branch === 'object' && !Array.isArray(branch)) {
            visit(branch, prefix);
          }
        });
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
    return compileRule(parseEventPattern(pattern), 'The event pattern').alternatives;
  } catch {
    try {
      return compileRule(parseFilterPolicy(pattern, FilterPolicyScope.MESSAGE_BODY), 'The filter policy').alternatives;
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

/**
 * Whether reading `{"exists": true}` as event-ruler does (any leaf value, null and "" included) changes our verdict on
 * the pair: the policy has such a condition at a path where the body holds null or "".
 */
function existsTrueOnNullOrEmptyString(pair: { pattern: JsonObject; event: JsonObject }): boolean {
  const withExistsTrue = valueArraysWithPaths(pair.pattern)
    .filter((a) => a.values.some((v) => v !== null && typeof v === 'object' && !Array.isArray(v) && v.exists === true))
    .map((a) => a.path);
  const message = flatten(pair.event);
  if (!withExistsTrue.some((path) => (message.fields.get(path) ?? []).some((v) => v.value === null || v.value === ''))) {
    return false;
  }
  let rule: CompiledRule;
  try {
    rule = compileRule(parseFilterPolicy(pair.pattern, FilterPolicyScope.MESSAGE_BODY), 'The filter policy');
  } catch {
    return false;
  }
  const asEventRuler: CompiledRule = {
    alternatives: rule.alternatives.map((alt) => alternative(alt.leaves.map((l) => leaf(l.path, l.conditions.map((c) => (c.kind === 'exists' ? { kind: 'exists', exists: c.exists } : c)))))),
  };
  return matchesRule(rule, message) !== matchesRule(asEventRuler, message);
}

/**
 * Differences between event-ruler and our SNS evaluator on body-scope policies: event-ruler's own list (the
 * wildcard one never applies, SNS has no wildcard), and the points where the SNS documentation says otherwise.
 * Each SNS point is settled, with its source, in `SNS_SETTLED_SEMANTICS` below.
 */
export const SNS_DEVIATIONS: readonly Deviation[] = [
  ...EVENT_RULER_DEVIATIONS,
  {
    id: 'sns-exists-true-on-null-or-empty-string',
    reason: 'event-ruler matches {"exists": true} against any leaf value, null and "" included. The SNS Developer Guide, '
      + '"Key matching" (https://docs.aws.amazon.com/sns/latest/dg/attribute-key-matching.html), says that for "exists": true '
      + '"the key must have a non-null and non-empty value"; we follow the guide (see sns-exists-true-needs-a-value below).',
    applies: existsTrueOnNullOrEmptyString,
  },
];

/** A message and what SNS does with it under a policy. */
export interface SnsSettledExample {
  readonly policy: JsonObject;
  readonly scope: 'MessageAttributes' | 'MessageBody';
  /** Message attributes as SNS's Publish takes them (`{ DataType, StringValue }`), or the JSON body. */
  readonly message: JsonObject;
  /** `delivered` or `not delivered`, or `message refused` when SNS refuses to publish the message at all. */
  readonly verdict: 'delivered' | 'not delivered' | 'message refused';
}

/** A question of SNS filter-policy semantics, settled with its sources. */
export interface SnsSettledQuestion {
  readonly id: string;
  readonly question: string;
  readonly answer: string;
  /**
   * The sources, strongest first: answers recorded against AWS, then the SNS Developer Guide, then event-ruler,
   * then our reading where none of them speaks. Where they disagree, the strongest decides and the text says so.
   */
  readonly sources: readonly string[];
  /** Whether event-ruler answers otherwise, so that the SNS evaluator deviates from it here. */
  readonly deviatesFromEventRuler: boolean;
  readonly examples: readonly SnsSettledExample[];
}

const RECORDED_FILTER_POLICY_SNAPSHOT = 'localstack/localstack, tests/aws/services/sns/test_sns_filter_policy.snapshot.json';
const KEY_MATCHING = 'SNS Developer Guide, "Key matching", https://docs.aws.amazon.com/sns/latest/dg/attribute-key-matching.html';
const str = (value: string): JsonObject => ({ DataType: 'String', StringValue: value });

/**
 * The questions of SNS semantics that event-ruler alone cannot settle (the presence of a key, and messages without
 * attributes), each with its sources and examples. The evaluator follows each answer; the tests check every example.
 */
export const SNS_SETTLED_SEMANTICS: readonly SnsSettledQuestion[] = [
  {
    id: 'sns-exists-true-needs-a-value',
    question: 'Does {"exists": true} match a property whose value is null, an empty string or an empty array?',
    answer: 'No: "exists": true needs a non-null, non-empty value. An array matches when one of its elements is such a value.',
    sources: [
      `${KEY_MATCHING}: "Use "exists": true to match incoming messages that include the specified property. The key must have a non-null and non-empty value."`,
      'event-ruler disagrees for null and "" (it matches any leaf value); the guide is the stronger source. An empty array is no value for both.',
    ],
    deviatesFromEventRuler: true,
    examples: [
      { policy: { store: [{ exists: true }] }, scope: 'MessageBody', message: { store: null }, verdict: 'not delivered' },
      { policy: { store: [{ exists: true }] }, scope: 'MessageBody', message: { store: '' }, verdict: 'not delivered' },
      { policy: { store: [{ exists: true }] }, scope: 'MessageBody', message: { store: [] }, verdict: 'not delivered' },
      { policy: { store: [{ exists: true }] }, scope: 'MessageBody', message: { store: [null, ''] }, verdict: 'not delivered' },
      { policy: { store: [{ exists: true }] }, scope: 'MessageBody', message: { store: ['', 'fans'] }, verdict: 'delivered' },
      { policy: { store: [{ exists: true }] }, scope: 'MessageBody', message: { store: 0 }, verdict: 'delivered' },
      { policy: { store: [{ exists: true }] }, scope: 'MessageBody', message: { store: false }, verdict: 'delivered' },
    ],
  },
  {
    id: 'sns-exists-false-on-null-or-empty',
    question: 'Does {"exists": false} match a property whose value is null, an empty string or an empty array?',
    answer: 'Not for null or "": the property is there, and "exists": false matches messages that do not include it. '
      + 'An empty array (or an object) is no leaf value, so "exists": false matches it.',
    sources: [
      `${KEY_MATCHING}: "Use "exists": false to match incoming messages that don't include the specified property", and "exists works only on leaf nodes"; it says nothing of null or "".`,
      'event-ruler: "exists": false does not match a present null or "", and matches an empty array (which holds no value). We follow it where the guide is silent.',
    ],
    deviatesFromEventRuler: false,
    examples: [
      { policy: { store: [{ exists: false }] }, scope: 'MessageBody', message: { store: null }, verdict: 'not delivered' },
      { policy: { store: [{ exists: false }] }, scope: 'MessageBody', message: { store: '' }, verdict: 'not delivered' },
      { policy: { store: [{ exists: false }] }, scope: 'MessageBody', message: { store: [] }, verdict: 'delivered' },
      { policy: { store: [{ exists: false }] }, scope: 'MessageBody', message: { other: 1 }, verdict: 'delivered' },
    ],
  },
  {
    id: 'sns-no-attributes-matches-no-policy',
    question: 'Does a message without any message attribute match an attribute-scope policy, with {"exists": false} or anything-but combined with it?',
    answer: 'No: with no attribute at all, no attribute-scope policy matches, not even one whose keys are all "exists": false. '
      + 'One attribute of any name is enough (a Binary attribute counts: our reading, the guide does not say).',
    sources: [
      `${KEY_MATCHING}: ""exists": false only matches if at least one attribute is present. An empty set of attributes results in the filter not matching."`,
      'SNS Developer Guide, "String value matching", https://docs.aws.amazon.com/sns/latest/dg/string-value-matching.html: anything-but "can be combined with "exists": false" (it gives no example without attributes).',
      'event-ruler disagrees (it matches "exists": false against an empty event); the guide is the stronger source.',
    ],
    deviatesFromEventRuler: true,
    examples: [
      { policy: { store: [{ exists: false }] }, scope: 'MessageAttributes', message: {}, verdict: 'not delivered' },
      { policy: { store: [{ exists: false }] }, scope: 'MessageAttributes', message: { other: str('x') }, verdict: 'delivered' },
      { policy: { interests: [{ 'anything-but': ['rugby'] }, { exists: false }] }, scope: 'MessageAttributes', message: {}, verdict: 'not delivered' },
      { policy: { interests: [{ 'anything-but': ['rugby'] }, { exists: false }] }, scope: 'MessageAttributes', message: { other: str('x') }, verdict: 'delivered' },
    ],
  },
  {
    id: 'sns-anything-but-needs-the-attribute',
    question: 'Does anything-but (or null) match a message that lacks the attribute?',
    answer: 'No: every key of the policy must be present; anything-but accepts absence only when combined with "exists": false.',
    sources: [
      `Recorded against AWS: ${RECORDED_FILTER_POLICY_SNAPSHOT}, TestSNSFilterPolicyAttributes::test_filter_policy, "messages-3": `
        + 'under {"attr1": [null, {"anything-but": "whatever"}]} a message without attributes is not delivered '
        + '(the policy is in tests/aws/services/sns/test_sns_filter_policy.py).',
      'SNS Developer Guide, "Amazon SNS subscription filter policies", https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html: '
        + '"each property name in the filter policy matches a message attribute name". The guide does not say that anything-but alone matches a missing attribute.',
      'event-ruler agrees.',
    ],
    deviatesFromEventRuler: false,
    examples: [
      { policy: { attr1: [null, { 'anything-but': 'whatever' }] }, scope: 'MessageAttributes', message: {}, verdict: 'not delivered' },
      { policy: { attr1: [{ 'anything-but': ['whatever'] }] }, scope: 'MessageAttributes', message: { other: str('x') }, verdict: 'not delivered' },
      { policy: { attr1: [{ 'anything-but': ['whatever'] }] }, scope: 'MessageBody', message: { other: 'x' }, verdict: 'not delivered' },
    ],
  },
  {
    id: 'sns-empty-string-attribute-refused',
    question: 'Can a String message attribute hold an empty string?',
    answer: 'No: SNS refuses to publish the message ("The message attribute \'attr1\' must contain non-empty message attribute value '
      + 'for message attribute type \'String\'."), so the evaluator refuses it too.',
    sources: [
      'Recorded against AWS: localstack/localstack, tests/aws/services/sns/test_sns.snapshot.json, '
        + 'TestSNSSubscriptionSQS::test_empty_or_wrong_message_attributes, "missing_string_attr".',
    ],
    deviatesFromEventRuler: false,
    examples: [
      { policy: { attr1: [{ exists: true }] }, scope: 'MessageAttributes', message: { attr1: str('') }, verdict: 'message refused' },
    ],
  },
  {
    id: 'sns-empty-string-in-the-body',
    question: 'Does [""] match an empty string in a message body?',
    answer: 'Yes: "" is a value like any other string for exact matching (only "exists": true asks for a non-empty one).',
    sources: [
      `Recorded against AWS: ${RECORDED_FILTER_POLICY_SNAPSHOT}, TestSNSFilterPolicyBody::test_filter_policy_empty_array_payload: `
        + 'under {"detail": {"eventVersion": [""]}} a body with "eventVersion": "" and "resources": [] is delivered.',
      'event-ruler agrees.',
    ],
    deviatesFromEventRuler: false,
    examples: [
      {
        policy: { detail: { eventVersion: [''] } },
        scope: 'MessageBody',
        message: { 'version': '0', 'detail-type': 'EC2 Instance Launch Successful', 'resources': [], 'detail': { eventVersion: '', responseElements: null } },
        verdict: 'delivered',
      },
    ],
  },
];
