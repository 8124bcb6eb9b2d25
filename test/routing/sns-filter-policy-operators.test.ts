import { ATTRIBUTES, BODY, conditionsOf, errorOf, parseAttributes, parseBody } from './sns-filter-policy-helpers';
import { PatternError } from '../../src/routing/model';
import { FilterPolicyScope, parseFilterPolicy } from '../../src/routing/sns';

describe('PatternError', () => {
  test('is an Error with its own name, so callers can catch and re-wrap it', () => {
    // GIVEN a policy that is not an object
    // WHEN it is parsed
    const error = errorOf(() => parseAttributes('country'));

    // THEN the error is a PatternError named after its class
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PatternError');
    expect(error.message).toBe('filterPolicy must be a JSON object mapping property names to arrays of values, got "country"');
  });

  test('names the prop given in the options', () => {
    // GIVEN a prop name
    // WHEN an invalid policy is parsed
    const error = errorOf(() => parseFilterPolicy({ country: 'US' }, ATTRIBUTES, { propName: 'props.routes[2].filter' }));

    // THEN the message starts with that prop
    expect(error.message).toMatch(/^props\.routes\[2\]\.filter\.country: /);
  });

  test('rejects an unknown scope', () => {
    // GIVEN a scope that is not one of the enum values
    // WHEN a policy is parsed with it
    const error = errorOf(() => parseFilterPolicy({}, 'Headers' as FilterPolicyScope));

    // THEN the scope is named
    expect(error.message).toContain('unknown filter policy scope "Headers"');
  });
});

describe('policy shape', () => {
  test.each([
    ['a string', 'x'],
    ['an array', [{ a: ['x'] }]],
    ['null', null],
    ['a number', 5],
  ])('rejects %s as the policy', (_label, policy) => {
    // GIVEN a policy that is not a JSON object
    // WHEN it is parsed
    // THEN it is rejected
    expect(() => parseAttributes(policy)).toThrow(PatternError);
  });

  test('accepts an empty policy, which has no keys and no combinations', () => {
    // GIVEN an empty policy
    // WHEN it is parsed
    const parsed = parseAttributes({});

    // THEN nothing is counted
    expect(parsed.keyCount).toBe(0);
    expect(parsed.combinationCount).toBe(0);
    expect(parsed.sizeBytes).toBe(2);
    expect(parsed.root).toEqual({ kind: 'object', path: [], entries: [] });
  });

  test('rejects a bare value: the values of a key are always an array', () => {
    // GIVEN a key whose value is a string instead of an array (SNS answers that the key "must be an object or an array")
    // WHEN it is parsed in either scope
    // THEN the key path and the value are named
    for (const scope of [ATTRIBUTES, BODY]) {
      const error = errorOf(() => parseFilterPolicy({ country: 'US' }, scope));
      expect(error.message).toBe('filterPolicy.country: the value of a key must be an array of values, got "US"');
    }
    // AND a nested bare value is named by its full path
    expect(() => parseBody({ customer: { country: 42 } })).toThrow('filterPolicy.customer.country: the value of a key must be an array of values, got 42');
  });

  test('rejects an empty array of values', () => {
    // GIVEN a key with no values
    // WHEN it is parsed
    const error = errorOf(() => parseAttributes({ country: [] }));

    // THEN it is a malformed operator naming the key
    expect(error.message).toBe('filterPolicy.country: malformed operator []: a key needs at least one value');
  });

  test('hints at the array when an operator is given as the value itself', () => {
    // GIVEN an operator object where an array is expected
    // WHEN it is parsed in each scope
    const attributeError = errorOf(() => parseAttributes({ name: { prefix: 'ab' } }));
    const bodyError = errorOf(() => parseBody({ name: { prefix: 'ab' } }));

    // THEN the attribute scope reports nesting, the body scope a bare value, both with a hint
    expect(attributeError.message).toContain('an operator must be wrapped in an array');
    expect(bodyError.message).toMatch(/^filterPolicy\.name\.prefix: the value of a key must be an array of values, got "ab" \(an operator must be wrapped/);
  });
});

describe('exact values', () => {
  test('parses strings, numbers, booleans and null as exact matches in both scopes', () => {
    // GIVEN a key with every kind of literal (SNS policies may hold strings, numbers, true, false and null)
    for (const scope of [ATTRIBUTES, BODY]) {
      // WHEN it is parsed
      const conditions = conditionsOf(['US', 42, -0.5, true, false, null], scope);

      // THEN each value is an exact condition
      expect(conditions).toEqual([
        { kind: 'exact-string', value: 'US' },
        { kind: 'exact-number', value: 42 },
        { kind: 'exact-number', value: -0.5 },
        { kind: 'exact-literal', value: true },
        { kind: 'exact-literal', value: false },
        { kind: 'exact-literal', value: null },
      ]);
    }
  });

  test.each([
    ['a nested array', [['US']], 'malformed value ["US"]'],
    ['undefined', [undefined], 'malformed value undefined'],
    ['NaN', [Number.NaN], 'malformed value NaN: numbers must be finite'],
    ['Infinity', [Number.POSITIVE_INFINITY], 'malformed value Infinity'],
    ['a bigint', [BigInt(5)], 'malformed value 5n'],
    ['a Date', [new Date(0)], 'malformed value "1970-01-01T00:00:00.000Z"'],
  ])('rejects %s as a value', (_label, value, expected) => {
    // GIVEN a value that JSON cannot hold or SNS cannot match
    // WHEN it is parsed
    const error = errorOf(() => parseAttributes({ country: value }));

    // THEN the key path and the value are named
    expect(error.message).toContain(`filterPolicy.country: ${expected}`);
  });
});

describe('operators', () => {
  test.each([
    ['prefix', { prefix: 'bas' }, { kind: 'prefix', value: 'bas', ignoreCase: false }],
    ['suffix', { suffix: 'ball' }, { kind: 'suffix', value: 'ball', ignoreCase: false }],
    ['equals-ignore-case', { 'equals-ignore-case': 'RuGbY' }, { kind: 'equals-ignore-case', value: 'RuGbY' }],
    ['anything-but list', { 'anything-but': ['rugby', 'tennis'] }, { kind: 'anything-but', strings: ['rugby', 'tennis'], numbers: [] }],
    ['anything-but string', { 'anything-but': 'rugby' }, { kind: 'anything-but', strings: ['rugby'], numbers: [] }],
    ['anything-but number', { 'anything-but': 100 }, { kind: 'anything-but', strings: [], numbers: [100] }],
    ['anything-but numbers', { 'anything-but': [100, 500] }, { kind: 'anything-but', strings: [], numbers: [100, 500] }],
    ['anything-but prefix', { 'anything-but': { prefix: 'order-' } }, { kind: 'anything-but-prefix', values: ['order-'] }],
    ['numeric =', { numeric: ['=', 5] }, { kind: 'numeric', lower: { value: 5, inclusive: true }, upper: { value: 5, inclusive: true } }],
    ['numeric <', { numeric: ['<', 0] }, { kind: 'numeric', upper: { value: 0, inclusive: false } }],
    ['numeric >=', { numeric: ['>=', -2.5] }, { kind: 'numeric', lower: { value: -2.5, inclusive: true } }],
    [
      'numeric range',
      { numeric: ['>', 0, '<=', 5] },
      { kind: 'numeric', lower: { value: 0, inclusive: false }, upper: { value: 5, inclusive: true } },
    ],
    ['exists true', { exists: true }, { kind: 'exists', exists: true, nonEmpty: true }],
    ['exists false', { exists: false }, { kind: 'exists', exists: false }],
    ['cidr IPv4', { cidr: '10.0.0.0/24' }, { kind: 'cidr', source: '10.0.0.0/24', block: { network: [10, 0, 0, 0], prefixLength: 24 } }],
    ['cidr IPv6', { cidr: '2001:db8::/32' }, { kind: 'cidr', source: '2001:db8::/32', block: { network: [0x20, 0x01, 0x0d, 0xb8, ...new Array(12).fill(0)], prefixLength: 32 } }],
  ])('parses %s into its model condition', (_label, operator, expected) => {
    // GIVEN a key with one operator
    // WHEN it is parsed
    const conditions = conditionsOf([operator]);

    // THEN the operator becomes the expected condition
    expect(conditions).toEqual([expected]);
  });

  test('mixes exact values and operators in one array, each counted as one value', () => {
    // GIVEN a key with an exact value and two operators (anything-but may be combined with exists: false)
    // WHEN it is parsed
    const parsed = parseAttributes({ sport: ['rugby', { 'anything-but': ['golf'] }, { exists: false }] });

    // THEN three conditions are kept and counted
    expect(parsed.combinationCount).toBe(3);
    expect(parsed.alternatives).toEqual([{
      leaves: [{
        path: ['sport'],
        conditions: [
          { kind: 'exact-string', value: 'rugby' },
          { kind: 'anything-but', strings: ['golf'], numbers: [] },
          { kind: 'exists', exists: false },
        ],
      }],
      unresolved: false,
    }]);
  });

  test.each([
    ['IPv4 host', '192.168.1.7/32'],
    ['IPv4 any', '0.0.0.0/0'],
    ['IPv6 full', '2001:0db8:85a3:0000:0000:8a2e:0370:7334/128'],
    ['IPv6 all zeros', '::/0'],
    ['IPv6 with IPv4 tail', '::ffff:10.0.0.0/104'],
    ['IPv6 trailing compression', 'fe80::/10'],
  ])('accepts the %s CIDR %s', (_label, cidr) => {
    // GIVEN a well-formed CIDR
    // WHEN it is parsed
    // THEN it is accepted
    expect(() => parseAttributes({ source_ip: [{ cidr }] })).not.toThrow();
  });

  test.each([
    ['an unknown operator', { wildcard: 'a*' }, 'unknown operator "wildcard"'],
    ['two operators in one object', { prefix: 'a', suffix: 'b' }, 'needs exactly one operator, found 2'],
    ['an empty operator object', {}, 'needs exactly one operator, found 0'],
    ['a numeric prefix', { prefix: 5 }, 'prefix must be a string, got 5'],
    ['a null suffix', { suffix: null }, 'suffix must be a string, got null'],
    ['a list for equals-ignore-case', { 'equals-ignore-case': ['a'] }, 'equals-ignore-case must be a string'],
    ['an empty anything-but list', { 'anything-but': [] }, 'anything-but needs at least one value'],
    ['anything-but null', { 'anything-but': null }, 'anything-but values must be strings or numbers, got null'],
    ['anything-but with a boolean', { 'anything-but': ['a', true] }, 'anything-but values must be strings or numbers, got true'],
    ['anything-but with exists', { 'anything-but': { exists: false } }, 'anything-but takes a value, a list of values, or an object with a prefix'],
    ['anything-but with a numeric prefix', { 'anything-but': { prefix: 1 } }, 'prefix must be a string, got 1'],
    ['numeric without an array', { numeric: 5 }, 'numeric needs an array of an operator and a number'],
    ['an empty numeric array', { numeric: [] }, 'numeric needs an array of an operator and a number'],
    ['numeric without a number', { numeric: ['>'] }, 'got 1 elements'],
    ['numeric with a string number', { numeric: ['=', '5'] }, 'numeric operator = must be followed by a number, got "5"'],
    ['numeric with an unknown operator', { numeric: ['!=', 5] }, 'expected one of = < <= > >= as numeric operator, got "!="'],
    ['numeric with a number first', { numeric: [5, '>'] }, 'as numeric operator, got 5'],
    ['numeric with three elements', { numeric: ['>', 0, 5] }, 'got 3 elements'],
    ['numeric upper bound first', { numeric: ['<', 100, '>', 10] }, 'a range starts with a lower bound (> or >=), got "<"'],
    ['numeric equals then bound', { numeric: ['=', 1, '<', 10] }, 'a range starts with a lower bound'],
    ['numeric two lower bounds', { numeric: ['>=', 1, '>', 2] }, 'expected one of < <= as numeric operator, got ">"'],
    ['numeric bottom above top', { numeric: ['>', 3, '<', 1] }, 'the lower bound 3 must be less than the upper bound 1'],
    ['numeric empty range', { numeric: ['>=', 5, '<=', 5] }, 'the lower bound 5 must be less than the upper bound 5'],
    ['numeric with five terms', { numeric: ['>', 20, '<', 30, '<'] }, 'got 5 elements'],
    ['exists with a string', { exists: 'yes' }, 'exists must be true or false'],
    ['exists with null', { exists: null }, 'exists must be true or false'],
    ['cidr with a list', { cidr: ['10.0.0.0/8'] }, 'cidr must be a string'],
    ['cidr without a prefix length', { cidr: '10.0.0.0' }, 'cidr must be an IP address, a "/" and a prefix length'],
    ['cidr with two slashes', { cidr: '10.0.0.0/8/8' }, 'cidr must be an IP address'],
    ['cidr with a word as prefix length', { cidr: '10.0.0.0/eight' }, 'cidr must be an IP address'],
    ['cidr with a bad address', { cidr: 'bad-filter/8' }, '"bad-filter" is not an IPv4 or IPv6 address'],
    ['cidr with an octet over 255', { cidr: '10.0.0.256/24' }, 'is not an IPv4 or IPv6 address'],
    ['cidr with three octets', { cidr: '10.0.0/24' }, 'is not an IPv4 or IPv6 address'],
    ['cidr with a leading zero', { cidr: '10.0.0.01/24' }, 'is not an IPv4 or IPv6 address'],
    ['cidr with an IPv4 prefix over 32', { cidr: '10.0.0.0/33' }, 'prefix length 33 exceeds 32 for an IPv4 address'],
    ['cidr with an IPv6 prefix over 128', { cidr: '2001:db8::/129' }, 'prefix length 129 exceeds 128 for an IPv6 address'],
    ['cidr with a bad IPv6 group', { cidr: 'xxxx:db8:1234:1a00::/56' }, 'is not an IPv4 or IPv6 address'],
    ['cidr with two compressions', { cidr: '1::2::3/64' }, 'is not an IPv4 or IPv6 address'],
    ['cidr with too many IPv6 groups', { cidr: '1:2:3:4:5:6:7:8:9/64' }, 'is not an IPv4 or IPv6 address'],
    ['cidr with too few IPv6 groups', { cidr: '1:2:3:4:5:6:7/64' }, 'is not an IPv4 or IPv6 address'],
    ['cidr with a bad IPv4 tail', { cidr: '::ffff:10.0.0/96' }, 'is not an IPv4 or IPv6 address'],
  ])('rejects %s as a malformed operator', (_label, operator, reason) => {
    // GIVEN a key with a malformed operator
    // WHEN it is parsed
    const error = errorOf(() => parseAttributes({ customer: [operator] }));

    // THEN the message names the key path, the operator and what is wrong
    expect(error.message).toMatch(/^filterPolicy\.customer: malformed operator /);
    expect(error.message).toContain(JSON.stringify(operator).slice(0, 20));
    expect(error.message).toContain(reason);
  });

  test('names the full key path of a malformed operator in a nested body policy', () => {
    // GIVEN a nested body policy with an unknown operator
    // WHEN it is parsed
    const error = errorOf(() => parseBody({ customer: { country: [{ regex: '^U' }] } }));

    // THEN the path goes through the nesting
    expect(error.message).toBe('filterPolicy.customer.country: malformed operator {"regex":"^U"}: unknown operator "regex" '
      + '(SNS knows prefix, suffix, equals-ignore-case, anything-but, numeric, exists, cidr)');
  });
});

describe('numeric range and precision', () => {
  test.each([
    ['the lower limit', -1e9],
    ['the upper limit', 1e9],
    ['five decimal places', 0.12345],
    ['a negative decimal', -999999999.99999],
    ['zero', 0],
  ])('accepts %s', (_label, value) => {
    // GIVEN a number SNS can match
    // WHEN it is used as an exact value, a numeric bound and an anything-but value
    // THEN it is accepted
    expect(() => parseAttributes({ price: [value] })).not.toThrow();
    expect(() => parseAttributes({ price: [{ numeric: ['=', value] }] })).not.toThrow();
    expect(() => parseAttributes({ price: [{ 'anything-but': [value] }] })).not.toThrow();
  });

  test('rejects a number above 1e9, naming the key and the value', () => {
    // GIVEN a value beyond SNS's range (-1e9 to 1e9)
    // WHEN it is parsed
    const error = errorOf(() => parseAttributes({ price: [1e10] }));

    // THEN the message names the key path and the value
    expect(error.message).toBe('filterPolicy.price: numeric value 1e10 is out of range (SNS accepts -1e9 to 1e9)');
  });

  test.each([
    ['an exact value', [-1000000001]],
    ['a numeric bound', [{ numeric: ['<', 2e9] }]],
    ['a numeric upper bound', [{ numeric: ['>', 0, '<', 1e9 + 1] }]],
    ['an anything-but value', [{ 'anything-but': [5, -3e9] }]],
  ])('rejects an out-of-range number in %s', (_label, value) => {
    // GIVEN an out-of-range number in a given position
    // WHEN it is parsed
    // THEN it is rejected as out of range
    expect(() => parseAttributes({ price: value })).toThrow(/^filterPolicy\.price: numeric value .* is out of range/);
  });

  test('rejects more than five digits after the decimal point', () => {
    // GIVEN numbers SNS would only match to five decimal places
    // WHEN they are parsed
    const error = errorOf(() => parseAttributes({ price: [{ numeric: ['>=', 0.123456] }] }));

    // THEN the number of digits is named
    expect(error.message).toBe('filterPolicy.price: numeric value 0.123456 has 6 digits after the decimal point, SNS matches at most 5');
    expect(() => parseAttributes({ price: [1.5e-7] })).toThrow('numeric value 1.5e-7 has 8 digits after the decimal point');
  });
});
