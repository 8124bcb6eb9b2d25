import { Lazy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as fc from 'fast-check';
import { EventPatternMatcher } from '../../src/routing';
import { PatternError } from '../../src/routing/model';
import { eventBridgePairArb } from '../differential/generators';

/** `detail.field` of a pattern holding the given match values. */
function onField(...values: unknown[]) {
  return { detail: { field: values } };
}

/** An event whose `detail.field` is `value`. */
function withField(value: unknown) {
  return { source: 'shop', detail: { field: value } };
}

function verdict(pattern: unknown, event: unknown): boolean {
  return EventPatternMatcher.matchesJson(pattern, event);
}

describe('operators', () => {
  // Each row: the match values of detail.field, a value that matches, a value that does not.
  test.each<[string, unknown[], unknown, unknown]>([
    ['exact string', ['US'], 'US', 'us'],
    ['exact number (5 and 5.0 are the same number)', [5], 5.0, 6],
    ['exact number does not match its text', [5], 5, '5'],
    ['exact string does not match a number', ['5'], '5', 5],
    ['exact true', [true], true, 'true'],
    ['exact false', [false], false, null],
    ['exact null', [null], null, 'null'],
    ['empty string', [''], '', ' '],
    ['prefix', [{ prefix: 'us-' }], 'us-east-1', 'eu-west-1'],
    ['prefix only on strings', [{ prefix: '1' }], '10', 10],
    ['prefix ignoring case', [{ prefix: { 'equals-ignore-case': 'US-' } }], 'us-east-1', 'eu-us-1'],
    ['suffix', [{ suffix: '.png' }], 'a.png', 'a.jpg'],
    ['suffix ignoring case', [{ suffix: { 'equals-ignore-case': '.PNG' } }], 'a.png', 'a.jpg'],
    ['equals-ignore-case', [{ 'equals-ignore-case': 'alice' }], 'ALICE', 'alicia'],
    ['equals-ignore-case with a letter whose upper case is longer', [{ 'equals-ignore-case': 'ß' }], 'SS', 'S'],
    ['wildcard', [{ wildcard: 'dir/*.png' }], 'dir/a/b.png', 'dir/a.jpg'],
    ['wildcard with an escaped star', [{ wildcard: 'a\\*b' }], 'a*b', 'axb'],
    ['anything-but a string', [{ 'anything-but': 'initializing' }], 'running', 'initializing'],
    ['anything-but strings also takes numbers and null', [{ 'anything-but': ['a', 'b'] }], 7, 'b'],
    ['anything-but a number', [{ 'anything-but': 100 }], 101, 100],
    ['anything-but numbers', [{ 'anything-but': [100, 200] }], 100.5, 200.0],
    ['anything-but prefix', [{ 'anything-but': { prefix: 'init' } }], 'running', 'initializing'],
    ['anything-but suffix', [{ 'anything-but': { suffix: '.png' } }], 'a.jpg', 'a.png'],
    ['anything-but equals-ignore-case', [{ 'anything-but': { 'equals-ignore-case': ['Stopped'] } }], 'running', 'STOPPED'],
    ['anything-but wildcard', [{ 'anything-but': { wildcard: '*/lib/*' } }], '/usr/bin/x', '/usr/lib/x'],
    ['numeric >', [{ numeric: ['>', 100] }], 100.5, 100],
    ['numeric >=', [{ numeric: ['>=', 100] }], 100, 99.99],
    ['numeric <', [{ numeric: ['<', 0] }], -1, 0],
    ['numeric <=', [{ numeric: ['<=', 0] }], 0, 1],
    ['numeric =', [{ numeric: ['=', 301.8] }], 3.018e2, 301.81],
    ['numeric range', [{ numeric: ['>', 0, '<=', 5] }], 5, 0],
    ['numeric only on numbers', [{ numeric: ['>', 0] }], 1, '1'],
    ['exists true (any leaf value, null included)', [{ exists: true }], null, undefined],
    ['cidr IPv4', [{ cidr: '10.0.0.0/24' }], '10.0.0.255', '10.0.1.0'],
    ['cidr IPv6', [{ cidr: '2001:db8::/32' }], '2001:DB8:0:0:0:0:0:1', '2001:db9::1'],
    ['cidr only on strings', [{ cidr: '10.0.0.0/8' }], '10.1.2.3', 10],
    ['an exact IP address matches the same address written otherwise', ['10.0.0.1'], '::ffff:a00:1', '10.0.0.2'],
  ])('%s', (_label, values, matching, notMatching) => {
    // GIVEN a pattern on detail.field
    const pattern = onField(...values);
    // WHEN / THEN
    expect(verdict(pattern, withField(matching))).toBe(true);
    expect(verdict(pattern, withField(notMatching))).toBe(false);
  });

  test('exists false matches an absent field and a field that is an object (not a leaf)', () => {
    const pattern = onField({ exists: false });
    expect(verdict(pattern, { detail: {} })).toBe(true);
    expect(verdict(pattern, { detail: { field: { inner: 1 } } })).toBe(true);
    expect(verdict(pattern, withField(null))).toBe(false);
    expect(verdict(pattern, withField([]))).toBe(true);
  });

  test('anything-but does not match an absent field', () => {
    expect(verdict(onField({ 'anything-but': 'x' }), { detail: {} })).toBe(false);
  });

  test('a field matches when any of its match values matches', () => {
    const pattern = onField('a', { prefix: 'b' }, { numeric: ['>', 10] });
    expect(verdict(pattern, withField('bb'))).toBe(true);
    expect(verdict(pattern, withField(11))).toBe(true);
    expect(verdict(pattern, withField('c'))).toBe(false);
  });
});

describe('structure', () => {
  test('every field of the pattern must match', () => {
    const pattern = { source: ['shop'], detail: { a: [1], b: [2] } };
    expect(verdict(pattern, { source: 'shop', detail: { a: 1, b: 2, c: 3 } })).toBe(true);
    expect(verdict(pattern, { source: 'shop', detail: { a: 1, b: 3 } })).toBe(false);
    expect(verdict(pattern, { source: 'other', detail: { a: 1, b: 2 } })).toBe(false);
  });

  test('an array in the event matches when any element matches', () => {
    expect(verdict({ resources: ['arn:b'] }, { resources: ['arn:a', 'arn:b'] })).toBe(true);
    expect(verdict({ resources: ['arn:c'] }, { resources: ['arn:a', 'arn:b'] })).toBe(false);
  });

  test('fields inside an array of objects must match within the same element', () => {
    const event = { detail: { items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 2 }] } };
    expect(verdict({ detail: { items: { sku: ['b'], qty: [2] } } }, event)).toBe(true);
    expect(verdict({ detail: { items: { sku: ['a'], qty: [2] } } }, event)).toBe(false);
  });

  test('nested objects match nested fields, and a dotted key is the same field', () => {
    const event = { detail: { order: { customer: { country: 'NL' } } } };
    expect(verdict({ detail: { order: { customer: { country: ['NL'] } } } }, event)).toBe(true);
    expect(verdict({ detail: { 'order.customer': { country: ['NL'] } } }, event)).toBe(true);
  });

  test('$or matches when one branch matches, at the root and nested', () => {
    const pattern = { source: ['shop'], detail: { $or: [{ amount: [{ numeric: ['>', 100] }] }, { vip: [true] }] } };
    expect(verdict(pattern, { source: 'shop', detail: { amount: 150 } })).toBe(true);
    expect(verdict(pattern, { source: 'shop', detail: { amount: 50, vip: true } })).toBe(true);
    expect(verdict(pattern, { source: 'shop', detail: { amount: 50, vip: false } })).toBe(false);
    const root = { $or: [{ source: ['a'] }, { 'detail-type': ['b'] }] };
    expect(verdict(root, { 'source': 'x', 'detail-type': 'b' })).toBe(true);
  });

  // The user guide's suffix example names a top-level field outside the envelope ("Content filtering in Amazon EventBridge
  // event patterns", "Suffix matching", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html);
  // TestEventPattern answers true for it on an event with a top-level "FileName": "image.png", and false for the suffix
  // ".PNG" (localstack/localstack tests/aws/services/events/event_pattern_templates/content_suffix.json5 and
  // content_suffix_NEG.json5, run against AWS by tests/aws/services/events/test_events_patterns.py).
  test('a top-level field outside the envelope is evaluated like any other field', () => {
    const event = { 'id': '1', 'source': 'test-source', 'detail-type': 'test-detail-type', 'account': '123456789012', 'region': 'us-east-2', 'time': '2022-07-13T13:48:01Z', 'FileName': 'image.png' };
    expect(verdict({ FileName: [{ suffix: '.png' }] }, event)).toBe(true);
    expect(verdict({ FileName: [{ suffix: '.PNG' }] }, event)).toBe(false);
    // An event sent to a bus keeps its custom fields under detail, where a top-level pattern field does not look.
    expect(verdict({ FileName: [{ suffix: '.png' }] }, { source: 'test-source', detail: { FileName: 'image.png' } })).toBe(false);
  });

  // event-ruler compiles {"source": {"name": [...]}} to the path source.name (JsonRuleCompiler.parseObject); event-ruler
  // 2.1.0 answers true for {"source": {"name": "x"}} and false for {"source": "x"} (test/differential/event-ruler).
  test('a nested object under an envelope field matches only an event holding an object there', () => {
    const pattern = { source: { name: ['x'] } };
    expect(verdict(pattern, { source: { name: 'x' } })).toBe(true);
    expect(verdict(pattern, { source: 'x' })).toBe(false);
  });

  // "$or" is the OR keyword only when the pattern compiles that way; otherwise event-ruler's GenericMachine.addRule compiles
  // it again with RuleCompiler, where "$or" is an ordinary field name (aws/event-ruler README, "The backward compatibility of
  // using "$or" as field name in the rule", whose example is the first pattern below; src/test/data/normalRulesWithOrWording.json
  // holds the second). Verdicts checked against event-ruler 2.1.0 (test/differential/event-ruler).
  test('a $or that is not an array of sub-patterns is a field named "$or"', () => {
    const asObject = { source: ['aws.cloudwatch'], $or: { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] } };
    expect(verdict(asObject, { source: 'aws.cloudwatch', $or: { metricType: 'MetricType', namespace: 'AWS/EC2' } })).toBe(true);
    expect(verdict(asObject, { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2' })).toBe(false);
    const asValues = { detail: { $or: [{ numeric: ['>', 0, '<=', 5] }, { cidr: '10.0.0.0/8' }] } };
    expect(verdict(asValues, { detail: { $or: 3 } })).toBe(true);
    expect(verdict(asValues, { detail: { $or: '10.1.2.3' } })).toBe(true);
    expect(verdict(asValues, { detail: { $or: 7 } })).toBe(false);
    expect(verdict(asValues, { detail: { a: 3 } })).toBe(false);
  });
});

describe('EventPattern input', () => {
  test('aws-cdk-lib patterns with detailType and events.Match helpers', () => {
    // GIVEN a pattern as given to events.Rule
    const pattern: events.EventPattern = {
      source: ['shop.orders'],
      detailType: ['Order Placed'],
      detail: {
        amount: events.Match.greaterThan(100),
        country: events.Match.anyOf(events.Match.exactString('US'), events.Match.prefix('C')),
        coupon: events.Match.doesNotExist(),
      },
    };
    const event = { 'source': 'shop.orders', 'detail-type': 'Order Placed', 'detail': { amount: 150, country: 'CA' } };

    // WHEN / THEN
    expect(EventPatternMatcher.matches(pattern, event)).toBe(true);
    expect(EventPatternMatcher.matches(pattern, { ...event, detail: { ...event.detail, coupon: 'X' } })).toBe(false);
  });

  test('a compiled matcher evaluates many events and exposes its JSON', () => {
    const matcher = EventPatternMatcher.fromEventPattern({ detailType: ['A'] });
    expect(matcher.patternJson).toEqual({ 'detail-type': ['A'] });
    expect(matcher.matchesEvent({ 'detail-type': 'A' })).toBe(true);
    expect(matcher.matchesEvent({ 'detail-type': 'B' })).toBe(false);
  });

  test('an invalid pattern throws the parser error, naming the key path', () => {
    expect(() => EventPatternMatcher.matchesJson({ detail: { a: [{ numeric: ['>', 'x'] }] } }, {})).toThrow(PatternError);
    expect(() => EventPatternMatcher.matchesJson({ detail: { a: [{ numeric: ['>', 'x'] }] } }, {})).toThrow(/eventPattern\.detail\.a\[0\]\.numeric\[1\]/);
  });

  test('a pattern with a deploy-time token cannot be evaluated', () => {
    const pattern = { source: [Lazy.string({ produce: () => 'x' })] };
    expect(() => EventPatternMatcher.matchesJson(pattern, { source: 'x' })).toThrow(/unresolved CDK tokens/);
  });

  test.each([null, 'text', [1], 5])('an event that is not a JSON object (%p) is refused', (event) => {
    expect(() => EventPatternMatcher.matchesJson({ source: ['a'] }, event)).toThrow(/JSON object/);
  });

  test('values are read as JSON: undefined is skipped, dates become strings', () => {
    expect(verdict(onField({ exists: false }), withField(undefined))).toBe(true);
    expect(verdict(onField({ prefix: '1970-01-01T' }), withField(new Date(0)))).toBe(true);
  });
});

describe('explanations', () => {
  const pattern = { source: ['shop'], detail: { amount: [{ numeric: ['>', 100] }], country: ['US', 'CA'] } };

  test('a non-match names each failing field and operator', () => {
    const explanation = EventPatternMatcher.explainJson(pattern, { source: 'shop', detail: { amount: 50, country: 'FR' } });
    expect(explanation).toEqual({
      matched: false,
      reasons: ['detail.amount: 50 is not > 100', 'detail.country: "FR" is none of "US", "CA"'],
    });
  });

  test('a missing field, a wrong type and an object in place of a value are told apart', () => {
    const explanation = EventPatternMatcher.explainJson(pattern, { detail: { amount: '150', country: { code: 'US' } } });
    expect(explanation.reasons).toEqual([
      'detail.amount: "150" is not a number, so it cannot be > 100',
      'detail.country: is an object or an empty array, not a value (operators apply to leaf values only)',
      'source: field missing',
    ]);
  });

  test('a match lists what each field matched', () => {
    const explanation = EventPatternMatcher.explain({ source: ['shop'], detail: { gone: events.Match.doesNotExist() } }, { source: 'shop', detail: {} });
    expect(explanation).toEqual({ matched: true, reasons: ['detail.gone: absent, as required by "exists": false', 'source: "shop" matches "shop"'] });
  });

  test.each<[string, unknown[], unknown, string]>([
    ['prefix', [{ prefix: 'us-' }], 'eu-1', '"eu-1" does not start with "us-"'],
    ['suffix ignoring case', [{ suffix: { 'equals-ignore-case': '.PNG' } }], 'a.jpg', '"a.jpg" does not end with ".PNG", ignoring case'],
    ['prefix on a number', [{ prefix: '1' }], 10, '10 is not a string, so it cannot start with "1"'],
    ['equals-ignore-case', [{ 'equals-ignore-case': 'alice' }], 'bob', '"bob" is not "alice", even ignoring case'],
    ['wildcard', [{ wildcard: '*.png' }], 'a.jpg', '"a.jpg" does not match the wildcard "*.png"'],
    ['cidr', [{ cidr: '10.0.0.0/24' }], '10.0.1.1', '"10.0.1.1" is not an IP address in 10.0.0.0/24'],
    ['anything-but', [{ 'anything-but': ['a', 'b'] }], 'a', '"a" is excluded by anything-but "a", "b"'],
    ['anything-but prefix', [{ 'anything-but': { prefix: 'init' } }], 'initial', '"initial" starts with "init", which anything-but excludes'],
    ['anything-but suffix', [{ 'anything-but': { suffix: '.png' } }], 'a.png', '"a.png" ends with ".png", which anything-but excludes'],
    ['anything-but equals-ignore-case', [{ 'anything-but': { 'equals-ignore-case': 'x' } }], 'X', '"X" is excluded by anything-but "x" (ignoring case)'],
    ['anything-but wildcard', [{ 'anything-but': { wildcard: '*.png' } }], 'a.png', '"a.png" matches the wildcard "*.png", which anything-but excludes'],
    ['numeric range', [{ numeric: ['>=', 0, '<', 5] }], 5, '5 is not >= 0 and < 5'],
    ['numeric =', [{ numeric: ['=', 5] }], 4, '4 is not = 5'],
    ['exists false', [{ exists: false }], 1, 'field present (1), but "exists": false requires it to be absent'],
    ['several operators', ['a', { prefix: 'b' }], 'c', '"c" matches none of: "a"; prefix "b"'],
    ['array value', ['a'], ['b', 'c'], 'no element of ["b", "c"] matches "a"'],
  ])('%s', (_label, values, value, reason) => {
    expect(EventPatternMatcher.explainJson(onField(...values), withField(value)).reasons).toEqual([`detail.field: ${reason}`]);
  });

  test('fields that match only in different array elements are named', () => {
    const explanation = EventPatternMatcher.explainJson({ detail: { items: { sku: ['a'], qty: [2] } } }, { detail: { items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 2 }] } });
    expect(explanation.reasons).toEqual(['detail.items.qty, detail.items.sku: each matches on its own, but not within the same element of an array (fields are matched element by element)']);
  });

  test('each $or alternative is explained', () => {
    const explanation = EventPatternMatcher.explainJson({ $or: [{ source: ['a'] }, { 'detail-type': ['b'] }] }, { source: 'x' });
    expect(explanation.reasons).toEqual(['$or alternative 1 of 2: source: "x" is not "a"', '$or alternative 2 of 2: detail-type: field missing']);
  });

  test('many $or alternatives are summarized', () => {
    const branches = Array.from({ length: 12 }, (_, i) => ({ source: [`s${i}`] }));
    const explanation = EventPatternMatcher.explainJson({ $or: branches }, { source: 'x' });
    expect(explanation.reasons).toHaveLength(11);
    expect(explanation.reasons[10]).toBe('... and 2 more $or alternatives, none of which matches');
  });
});

describe('properties', () => {
  test('explain agrees with matches, and both verdicts occur', () => {
    const seen = new Set<boolean>();
    fc.assert(fc.property(eventBridgePairArb, ({ pattern, event }) => {
      let matched: boolean;
      try {
        matched = EventPatternMatcher.matchesJson(pattern, event);
      } catch (e) {
        return e instanceof PatternError;
      }
      seen.add(matched);
      const explanation = EventPatternMatcher.explainJson(pattern, event);
      return explanation.matched === matched && explanation.reasons.length > 0;
    }), { numRuns: 300, seed: 4242 });
    expect([...seen].sort()).toEqual([false, true]);
  });

  test('a pattern of the exact values of an event always matches it', () => {
    fc.assert(fc.property(fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), { minKeys: 1 }), (detail) => {
      const pattern = { detail: Object.fromEntries(Object.entries(detail).map(([k, v]) => [k, [v]])) };
      return EventPatternMatcher.matchesJson(pattern, { detail });
    }), { numRuns: 200, seed: 7 });
  });
});
