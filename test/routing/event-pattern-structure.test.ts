import { detailLeaf, fieldNames, leafAt, nestedAt, parseError } from './event-pattern-helpers';
import {
  EVENT_ENVELOPE_FIELDS,
  EVENT_PATTERN_DEFAULT_MAX_LENGTH,
  parseEventPattern,
  topLevelFieldsOutsideEnvelope,
} from '../../src/routing/eventbridge';

// ---------------------------------------------------------------------------
// The pattern object and the event envelope
// ---------------------------------------------------------------------------

describe('pattern object', () => {
  test('an empty pattern is rejected', () => {
    // GIVEN
    const pattern = {};
    // WHEN
    const error = parseError(pattern);
    // THEN
    expect(error.path).toBe('eventPattern');
    expect(error.message).toMatch(/must not be empty/);
  });

  test('a pattern whose fields are all undefined counts as empty', () => {
    // GIVEN / WHEN
    const error = parseError({ source: undefined });
    // THEN
    expect(error.message).toMatch(/must not be empty/);
  });

  test.each([
    ['an array', [{ source: ['a'] }]],
    ['a string', '{"source":["a"]}'],
    ['null', null],
    ['a number', 42],
    ['a Date', new Date(0)],
  ])('a pattern that is %s is rejected', (_label, pattern) => {
    // GIVEN / WHEN
    const error = parseError(pattern);
    // THEN
    expect(error.path).toBe('eventPattern');
    expect(error.message).toMatch(/must be a JSON object/);
  });

  test.each(EVENT_ENVELOPE_FIELDS.filter((f) => f !== 'detail'))('the envelope field "%s" is accepted at the top level', (field) => {
    // GIVEN
    const pattern = { [field]: ['x'] };
    // WHEN
    const parsed = parseEventPattern(pattern);
    // THEN
    expect(fieldNames(parsed.root)).toEqual([field]);
  });

  test('replay-name accepts the pattern that EventBridge archives use', () => {
    // GIVEN
    const pattern = { 'replay-name': [{ exists: false }] };
    // WHEN
    const parsed = parseEventPattern(pattern);
    // THEN
    expect(leafAt(parsed, 'replay-name').conditions).toEqual([{ kind: 'exists', exists: false }]);
  });

  // A top-level field outside the envelope is accepted and evaluated like any other field: the EventBridge user guide's own
  // suffix example is {"FileName": [{"suffix": ".png"}]} ("Content filtering in Amazon EventBridge event patterns", section
  // "Suffix matching", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html),
  // and TestEventPattern answers true for it on an event with a top-level "FileName" (localstack/localstack,
  // tests/aws/services/events/event_pattern_templates/content_suffix.json5, run against AWS by
  // tests/aws/services/events/test_events_patterns.py::test_event_pattern).
  test('a top-level field outside the envelope is accepted as an ordinary field', () => {
    // GIVEN
    const pattern = { FileName: [{ suffix: '.png' }] };
    // WHEN
    const parsed = parseEventPattern(pattern);
    // THEN
    expect(leafAt(parsed, 'FileName').path).toEqual(['FileName']);
    expect(leafAt(parsed, 'FileName').conditions).toEqual([{ kind: 'suffix', value: '.png', ignoreCase: false }]);
    expect(topLevelFieldsOutsideEnvelope(parsed)).toEqual(['FileName']);
  });

  test('camelCase detailType is an ordinary field, reported as outside the envelope', () => {
    // GIVEN / WHEN: like any other top-level name (sources above)
    const parsed = parseEventPattern({ detailType: ['Order Placed'] });
    // THEN
    expect(leafAt(parsed, 'detailType').path).toEqual(['detailType']);
    expect(topLevelFieldsOutsideEnvelope(parsed)).toEqual(['detailType']);
  });

  test('fields outside the envelope inside a top-level $or branch are reported too, once each', () => {
    // GIVEN
    const pattern = { state: ['a'], $or: [{ source: ['a'] }, { state: ['b'], $or: [{ amount: [1] }, { account: ['1'] }] }] };
    // WHEN
    const parsed = parseEventPattern(pattern);
    // THEN
    expect(topLevelFieldsOutsideEnvelope(parsed)).toEqual(['state', 'amount']);
  });

  test('envelope fields, nested fields and dotted keys under an envelope field are not reported', () => {
    // GIVEN: event-ruler joins paths with dots, so "detail.amount" is the field amount of detail
    const pattern = { 'source': ['a'], 'detail': { amount: [1] }, 'detail.amount': [1], 'replay-name': [{ exists: false }] };
    // WHEN
    const parsed = parseEventPattern(pattern);
    // THEN
    expect(topLevelFieldsOutsideEnvelope(parsed)).toEqual([]);
  });

  // event-ruler accepts a nested object under any field name (JsonRuleCompiler.parseObject pushes the name on the path
  // whatever it is), and AWS's answers for invalid patterns are event-ruler's own compiler messages (for example
  // '"int" must be an object or an array' in localstack/localstack tests/aws/services/events/test_events_patterns.snapshot.json,
  // recorded against AWS), so such a pattern is accepted: it can only match an event whose "source" is an object.
  test('a nested object under a string envelope field is accepted (it matches only an event holding an object there)', () => {
    // GIVEN / WHEN
    const parsed = parseEventPattern({ source: { name: ['x'] } });
    // THEN
    expect(leafAt(parsed, 'source', 'name').path).toEqual(['source', 'name']);
    expect(topLevelFieldsOutsideEnvelope(parsed)).toEqual([]);
  });

  test('nested objects under detail are accepted at any depth', () => {
    // GIVEN
    const pattern = { detail: { order: { customer: { address: { country: ['NL'] } } } } };
    // WHEN
    const parsed = parseEventPattern(pattern);
    // THEN
    const leaf = leafAt(parsed, 'detail', 'order', 'customer', 'address', 'country');
    expect(leaf.path).toEqual(['detail', 'order', 'customer', 'address', 'country']);
    expect(leaf.conditions).toEqual([{ kind: 'exact-string', value: 'NL' }]);
  });

  test('an empty nested object is rejected', () => {
    // GIVEN / WHEN
    const error = parseError({ detail: { order: {} } });
    // THEN
    expect(error.path).toBe('eventPattern.detail.order');
    expect(error.message).toMatch(/empty objects/);
  });

  test('detail may also be a leaf array', () => {
    // GIVEN / WHEN
    const parsed = parseEventPattern({ detail: [{ exists: true }] });
    // THEN
    expect(leafAt(parsed, 'detail').conditions).toEqual([{ kind: 'exists', exists: true }]);
  });

  test('keys that are not plain identifiers are quoted in the path', () => {
    // GIVEN / WHEN
    const error = parseError({ detail: { 'a.b': { 'c d': 'x' } } });
    // THEN
    expect(error.path).toBe('eventPattern.detail["a.b"]["c d"]');
  });

  test('fields whose value is undefined are ignored, as in JSON', () => {
    // GIVEN / WHEN
    const parsed = parseEventPattern({ source: ['a'], detail: { a: undefined, b: ['x'] } });
    // THEN
    expect(leafAt(parsed, 'detail', 'b').conditions).toEqual([{ kind: 'exact-string', value: 'x' }]);
    expect(nestedAt(parsed.root, 'detail').entries).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------
// Leaf arrays and exact values
// ---------------------------------------------------------------------------

describe('leaf values', () => {
  test.each([
    ['a string', 'aws.ec2'],
    ['a number', 5],
    ['null', null],
    ['a boolean', true],
  ])('a bare scalar (%s) is rejected', (_label, value) => {
    // GIVEN
    const pattern = { detail: { amount: value } };
    // WHEN
    const error = parseError(pattern);
    // THEN
    expect(error.path).toBe('eventPattern.detail.amount');
    expect(error.message).toMatch(/bare value is not allowed/);
    expect(error.message).toContain(`Got: ${JSON.stringify(value)}`);
  });

  test('an empty array is rejected', () => {
    // GIVEN / WHEN
    const error = parseError({ source: [] });
    // THEN
    expect(error.path).toBe('eventPattern.source');
    expect(error.message).toMatch(/empty arrays are not allowed/);
  });

  test('strings, numbers, booleans and null are exact matches', () => {
    // GIVEN
    const pattern = { detail: { field: ['', 'x', 0, -1.5, 3.018e2, true, false, null] } };
    // WHEN
    const parsed = parseEventPattern(pattern);
    // THEN
    expect(leafAt(parsed, 'detail', 'field').conditions).toEqual(
      [
        ...['', 'x'].map((value) => ({ kind: 'exact-string', value })),
        ...[0, -1.5, 301.8].map((value) => ({ kind: 'exact-number', value })),
        ...[true, false, null].map((value) => ({ kind: 'exact-literal', value })),
      ],
    );
  });

  test.each([
    ['NaN', NaN],
    ['Infinity', Infinity],
  ])('a non-finite number (%s) is rejected', (_label, value) => {
    // GIVEN / WHEN
    const error = parseError(detailLeaf(value));
    // THEN
    expect(error.path).toBe('eventPattern.detail.field[0]');
    expect(error.message).toMatch(/finite JSON number/);
  });

  test.each([
    ['a nested array', ['a']],
    ['undefined', undefined],
    ['a Date', new Date(0)],
  ])('a match value that is %s is rejected', (_label, value) => {
    // GIVEN / WHEN
    const error = parseError(detailLeaf('ok', value));
    // THEN
    expect(error.path).toBe('eventPattern.detail.field[1]');
    expect(error.message).toMatch(/a match value must be/);
  });

  test.each([
    ['an unknown operator', { contains: 'x' }, /malformed operator "contains"/],
    ['event-ruler\'s undocumented "exactly"', { exactly: 'x' }, /malformed operator "exactly"/],
    ['an empty operator object', {}, /exactly one operator \(found none\)/],
    ['two operators', { prefix: 'a', suffix: 'b' }, /exactly one operator \(found prefix, suffix\)/],
  ])('%s is a malformed operator', (_label, expression, problem) => {
    // GIVEN / WHEN
    const error = parseError(detailLeaf(expression));
    // THEN
    expect(error.path).toBe('eventPattern.detail.field[0]');
    expect(error.message).toMatch(problem);
    expect(error.message).toContain(`Got: ${JSON.stringify(expression)}`);
  });
});

// ---------------------------------------------------------------------------
// Size
// ---------------------------------------------------------------------------

describe('pattern size', () => {
  const sized = (length: number) => {
    // {"source":["…"]} is 15 characters around the string
    return { source: ['x'.repeat(length - 15)] };
  };

  test('a pattern of exactly 2048 characters is accepted', () => {
    // GIVEN / WHEN
    const parsed = parseEventPattern(sized(EVENT_PATTERN_DEFAULT_MAX_LENGTH));
    // THEN
    expect(parsed.complexity.serializedLength).toBe(2048);
    expect(parsed.complexity.maxLength).toBe(2048);
  });

  test('a pattern over 2048 characters is rejected', () => {
    // GIVEN / WHEN
    const error = parseError(sized(2049));
    // THEN
    expect(error.path).toBe('eventPattern');
    expect(error.message).toMatch(/2049 characters long as JSON; EventBridge allows 2048/);
    expect(error.value).toEqual(sized(2049));
  });

  test('a raised quota is honoured', () => {
    // GIVEN / WHEN
    const parsed = parseEventPattern(sized(3000), { maxLength: 4096 });
    // THEN
    expect(parsed.complexity.serializedLength).toBe(3000);
  });

  test.each([[0], [4097], [1.5]])('maxLength %j is refused', (maxLength) => {
    // GIVEN / WHEN
    const error = parseError({ source: ['a'] }, { maxLength });
    // THEN
    expect(error.path).toBe('options.maxLength');
  });
});

// ---------------------------------------------------------------------------
// Error shape
// ---------------------------------------------------------------------------

describe('PatternError', () => {
  test('names the property, the key path and the bad value', () => {
    // GIVEN
    const pattern = { detail: { amount: [{ numeric: ['>', 'ten'] }] } };
    // WHEN
    const error = parseError(pattern, { propName: 'routes[0].eventPattern' });
    // THEN
    expect(error.name).toBe('PatternError');
    expect(error).toBeInstanceOf(Error);
    expect(error.propName).toBe('routes[0].eventPattern');
    expect(error.path).toBe('routes[0].eventPattern.detail.amount[0].numeric[1]');
    expect(error.value).toBe('ten');
    expect(error.message).toBe(
      'Invalid routes[0].eventPattern at routes[0].eventPattern.detail.amount[0].numeric[1]: '
      + 'malformed operator: ">" must be followed by a number. Got: "ten"',
    );
  });

  test('long values are shortened in the message', () => {
    // GIVEN / WHEN
    const error = parseError({ detail: { a: 'y'.repeat(1000) } });
    // THEN
    expect(error.message.length).toBeLessThan(500);
    expect(error.message).toMatch(/\.\.\.$/);
  });
});

// ---------------------------------------------------------------------------
// Syntax tree
// ---------------------------------------------------------------------------

describe('syntax tree', () => {
  test('a complete pattern is described field by field', () => {
    // GIVEN
    const pattern = {
      'source': ['my.shop'],
      'detail-type': [{ prefix: 'Order' }],
      'detail': {
        amount: [{ numeric: ['>', 0, '<=', 5] }, 100],
        customer: { tier: [{ 'anything-but': 'free' }] },
      },
    };
    // WHEN
    const parsed = parseEventPattern(pattern);
    // THEN
    expect(parsed.root).toEqual({
      kind: 'object',
      path: [],
      entries: [
        { kind: 'key', key: 'source', path: ['source'], conditions: [{ kind: 'exact-string', value: 'my.shop' }] },
        { kind: 'key', key: 'detail-type', path: ['detail-type'], conditions: [{ kind: 'prefix', value: 'Order', ignoreCase: false }] },
        {
          kind: 'nested',
          key: 'detail',
          path: ['detail'],
          object: {
            kind: 'object',
            path: ['detail'],
            entries: [
              {
                kind: 'key',
                key: 'amount',
                path: ['detail', 'amount'],
                conditions: [
                  { kind: 'numeric', lower: { value: 0, inclusive: false }, upper: { value: 5, inclusive: true } },
                  { kind: 'exact-number', value: 100 },
                ],
              },
              {
                kind: 'nested',
                key: 'customer',
                path: ['detail', 'customer'],
                object: {
                  kind: 'object',
                  path: ['detail', 'customer'],
                  entries: [{
                    kind: 'key',
                    key: 'tier',
                    path: ['detail', 'customer', 'tier'],
                    conditions: [{ kind: 'anything-but', strings: ['free'], numbers: [] }],
                  }],
                },
              },
            ],
          },
        },
      ],
    });
    expect(parsed.json).toBe(pattern);
    expect(parsed.complexity).toEqual({
      serializedLength: JSON.stringify(pattern).length,
      maxLength: 2048,
      orCombinations: 1,
      leafCount: 4,
      wildcardCount: 0,
    });
  });

  test('wildcards are counted, including those under anything-but', () => {
    // GIVEN / WHEN
    const parsed = parseEventPattern({
      detail: { a: [{ wildcard: 'a*' }], b: [{ 'anything-but': { wildcard: ['*x', 'y*'] } }] },
    });
    // THEN
    expect(parsed.complexity.wildcardCount).toBe(3);
  });
});
