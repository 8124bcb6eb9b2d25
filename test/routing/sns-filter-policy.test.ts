import { Lazy, Token } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import {
  FilterPolicyError,
  FilterPolicyScope,
  parseFilterPolicy,
  ParsedFilterPolicy,
  SNS_FILTER_POLICY_LIMITS,
} from '../../src/routing/sns-filter-policy';

const ATTRIBUTES = FilterPolicyScope.MESSAGE_ATTRIBUTES;
const BODY = FilterPolicyScope.MESSAGE_BODY;

function parseAttributes(policy: unknown): ParsedFilterPolicy {
  return parseFilterPolicy(policy, ATTRIBUTES);
}

function parseBody(policy: unknown): ParsedFilterPolicy {
  return parseFilterPolicy(policy, BODY);
}

/** Runs `action` and returns the FilterPolicyError it throws; fails on success or on any other error. */
function errorOf(action: () => unknown): FilterPolicyError {
  try {
    action();
  } catch (error) {
    if (error instanceof FilterPolicyError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a FilterPolicyError, but the policy was accepted');
}

/** `count` distinct string values. */
function values(count: number, prefix = 'v'): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}${index}`);
}

/** The conditions of the single key of a one-key attribute policy. */
function conditionsOf(value: unknown, scope = ATTRIBUTES) {
  const parsed = parseFilterPolicy({ key: value }, scope);
  const entry = parsed.ast.entries[0];
  if (entry.kind !== 'key') {
    throw new Error(`expected a key node, got ${entry.kind}`);
  }
  return entry.conditions;
}

describe('FilterPolicyError', () => {
  test('is an Error with its own name, so callers can catch and re-wrap it', () => {
    // GIVEN a policy that is not an object
    // WHEN it is parsed
    const error = errorOf(() => parseAttributes('country'));

    // THEN the error is a FilterPolicyError named after its class
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('FilterPolicyError');
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
    expect(() => parseAttributes(policy)).toThrow(FilterPolicyError);
  });

  test('accepts an empty policy, which has no keys and no combinations', () => {
    // GIVEN an empty policy
    // WHEN it is parsed
    const parsed = parseAttributes({});

    // THEN nothing is counted
    expect(parsed.keyCount).toBe(0);
    expect(parsed.combinationCount).toBe(0);
    expect(parsed.sizeBytes).toBe(2);
    expect(parsed.ast).toEqual({ kind: 'object', path: [], entries: [] });
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
        { kind: 'exact', value: 'US' },
        { kind: 'exact', value: 42 },
        { kind: 'exact', value: -0.5 },
        { kind: 'exact', value: true },
        { kind: 'exact', value: false },
        { kind: 'exact', value: null },
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
    ['prefix', { prefix: 'bas' }, { kind: 'prefix', prefix: 'bas' }],
    ['suffix', { suffix: 'ball' }, { kind: 'suffix', suffix: 'ball' }],
    ['equals-ignore-case', { 'equals-ignore-case': 'RuGbY' }, { kind: 'equals-ignore-case', value: 'RuGbY' }],
    ['anything-but list', { 'anything-but': ['rugby', 'tennis'] }, { kind: 'anything-but', values: ['rugby', 'tennis'] }],
    ['anything-but string', { 'anything-but': 'rugby' }, { kind: 'anything-but', values: ['rugby'] }],
    ['anything-but number', { 'anything-but': 100 }, { kind: 'anything-but', values: [100] }],
    ['anything-but numbers', { 'anything-but': [100, 500] }, { kind: 'anything-but', values: [100, 500] }],
    ['anything-but prefix', { 'anything-but': { prefix: 'order-' } }, { kind: 'anything-but-prefix', prefix: 'order-' }],
    ['numeric =', { numeric: ['=', 5] }, { kind: 'numeric', comparisons: [{ operator: '=', bound: 5 }] }],
    ['numeric <', { numeric: ['<', 0] }, { kind: 'numeric', comparisons: [{ operator: '<', bound: 0 }] }],
    ['numeric >=', { numeric: ['>=', -2.5] }, { kind: 'numeric', comparisons: [{ operator: '>=', bound: -2.5 }] }],
    [
      'numeric range',
      { numeric: ['>', 0, '<=', 5] },
      { kind: 'numeric', comparisons: [{ operator: '>', bound: 0 }, { operator: '<=', bound: 5 }] },
    ],
    ['exists true', { exists: true }, { kind: 'exists', exists: true }],
    ['exists false', { exists: false }, { kind: 'exists', exists: false }],
    ['cidr IPv4', { cidr: '10.0.0.0/24' }, { kind: 'cidr', cidr: '10.0.0.0/24', ipVersion: 4, address: '10.0.0.0', prefixLength: 24 }],
    ['cidr IPv6', { cidr: '2001:db8::/32' }, { kind: 'cidr', cidr: '2001:db8::/32', ipVersion: 6, address: '2001:db8::', prefixLength: 32 }],
  ])('parses %s into its AST node', (_label, operator, expected) => {
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
          { kind: 'exact', value: 'rugby' },
          { kind: 'anything-but', values: ['golf'] },
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

describe('nesting', () => {
  test('rejects a nested object at attribute scope, naming the key', () => {
    // GIVEN a nested policy at attribute scope (SNS does not accept nesting for attribute-based filtering)
    // WHEN it is parsed
    const error = errorOf(() => parseAttributes({ customer: { country: ['US'] } }));

    // THEN the key is named
    expect(error.message).toBe(
      'filterPolicy.customer: nested objects are only allowed when the filter policy scope is MessageBody, got {"country":["US"]}',
    );
  });

  test('accepts a nested object at body scope and keeps the nesting in the AST', () => {
    // GIVEN a nested body policy
    // WHEN it is parsed
    const parsed = parseBody({ customer: { address: { country: ['US', 'CA'] } }, tier: ['gold'] });

    // THEN the nesting is kept, with property paths on every level
    expect(parsed.ast).toEqual({
      kind: 'object',
      path: [],
      entries: [
        {
          kind: 'nested',
          key: 'customer',
          path: ['customer'],
          policy: {
            kind: 'object',
            path: ['customer'],
            entries: [{
              kind: 'nested',
              key: 'address',
              path: ['customer', 'address'],
              policy: {
                kind: 'object',
                path: ['customer', 'address'],
                entries: [{
                  kind: 'key',
                  key: 'country',
                  path: ['customer', 'address', 'country'],
                  conditions: [{ kind: 'exact', value: 'US' }, { kind: 'exact', value: 'CA' }],
                }],
              },
            }],
          },
        },
        { kind: 'key', key: 'tier', path: ['tier'], conditions: [{ kind: 'exact', value: 'gold' }] },
      ],
    });
    // AND the flattened alternative lists the leaves by path
    expect(parsed.alternatives[0].leaves.map((leaf) => leaf.path)).toEqual([['customer', 'address', 'country'], ['tier']]);
  });

  test('rejects an empty nested object', () => {
    // GIVEN a nested object without keys
    // WHEN it is parsed
    // THEN the object is named
    expect(() => parseBody({ customer: {} })).toThrow('filterPolicy.customer: an object of the policy must not be empty');
  });

  test('rejects a policy nested deeper than its combinations allow, without a stack overflow', () => {
    // GIVEN a body policy nested 10,000 levels deep, and one nested 149 levels deep
    const nest = (levels: number) => {
      let policy: Record<string, unknown> = { leaf: ['x'] };
      for (let level = 0; level < levels; level++) {
        policy = { n: policy };
      }
      return policy;
    };

    // WHEN they are parsed
    // THEN the deep one fails with a FilterPolicyError, and the leaf at level 150 is counted as 150 combinations
    expect(() => parseBody(nest(10_000))).toThrow('is nested more than 150 levels deep, so it has more than 150 combinations');
    expect(parseBody(nest(149)).combinationCount).toBe(150);
    expect(() => parseBody(nest(150))).toThrow('filterPolicy has 151 combinations, SNS allows at most 150');
  });

  test('rejects a policy that refers to itself', () => {
    // GIVEN a circular policy
    const policy: Record<string, unknown> = { a: ['x'] };
    policy.self = policy;

    // WHEN it is parsed
    // THEN it is rejected without a stack overflow
    expect(() => parseBody(policy)).toThrow('filterPolicy.self: the policy refers to itself (circular reference)');
  });
});

describe('$or', () => {
  test('parses a top-level $or into an OR node and one alternative per branch', () => {
    // GIVEN the standard OR example of the SNS docs: source AND (metricName OR namespace)
    const policy = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
    };

    // WHEN it is parsed at attribute scope
    const parsed = parseAttributes(policy);

    // THEN the OR is kept in the AST
    expect(parsed.ast.entries[1]).toEqual({
      kind: 'or',
      branches: [
        { kind: 'object', path: [], entries: [{ kind: 'key', key: 'metricName', path: ['metricName'], conditions: [{ kind: 'exact', value: 'CPUUtilization' }] }] },
        { kind: 'object', path: [], entries: [{ kind: 'key', key: 'namespace', path: ['namespace'], conditions: [{ kind: 'exact', value: 'AWS/EC2' }] }] },
      ],
    });
    // AND it expands to (source AND metricName) OR (source AND namespace)
    expect(parsed.alternatives.map((alternative) => alternative.leaves.map((leaf) => leaf.path.join('.')))).toEqual([
      ['source', 'metricName'],
      ['source', 'namespace'],
    ]);
    expect(parsed.keyCount).toBe(2);
    expect(parsed.combinationCount).toBe(2);
  });

  test('parses an $or nested in a branch and in a body object', () => {
    // GIVEN an $or inside an $or branch and an $or inside a nested body object
    const policy = {
      $or: [
        { metricName: ['CPUUtilization'] },
        { metricType: ['MetricType'], $or: [{ metricId: [1234] }, { spaceId: [1] }] },
      ],
      detail: { scope: ['Service'], $or: [{ source: ['aws.cloudwatch'] }, { type: ['CloudWatch Alarm State Change'] }] },
    };

    // WHEN it is parsed at body scope
    const parsed = parseBody(policy);

    // THEN the branches of the nested $or keep the path of their object
    const detail = parsed.ast.entries[1];
    expect(detail.kind === 'nested' && detail.policy.entries[1]).toMatchObject({
      kind: 'or',
      branches: [{ path: ['detail'] }, { path: ['detail'] }],
    });
    // AND the policy expands to 3 x 2 alternatives
    expect(parsed.alternatives).toHaveLength(6);
    expect(parsed.alternatives[2].leaves.map((leaf) => leaf.path.join('.'))).toEqual([
      'metricType', 'metricId', 'detail.scope', 'detail.source',
    ]);
  });

  test('accepts an $or at attribute scope, as long as its branches are flat', () => {
    // GIVEN an $or at attribute scope, one flat and one with a nested branch
    // WHEN they are parsed
    // THEN the flat one passes and the nested branch is rejected with its path
    expect(() => parseAttributes({ $or: [{ a: ['x'] }, { b: ['y'] }] })).not.toThrow();
    expect(() => parseAttributes({ $or: [{ a: ['x'] }, { b: { c: ['y'] } }] })).toThrow(
      'filterPolicy.$or[1].b: nested objects are only allowed when the filter policy scope is MessageBody',
    );
  });

  test('rejects an $or with a single sub-policy', () => {
    // GIVEN an $or with one branch (SNS needs at least two objects to read $or as an OR)
    // WHEN it is parsed
    const error = errorOf(() => parseAttributes({ $or: [{ a: ['x'] }] }));

    // THEN the count is named
    expect(error.message).toBe('filterPolicy.$or: $or needs at least 2 sub-policies, found 1: [{"a":["x"]}]');
  });

  test('rejects an empty $or branch', () => {
    // GIVEN an $or with an empty sub-policy
    // WHEN it is parsed
    // THEN the branch is named
    expect(() => parseAttributes({ $or: [{ a: ['x'] }, {}] })).toThrow('filterPolicy.$or[1]: an object of the policy must not be empty');
  });

  test('reads $or as a plain property name when its branches use operator names, as the SNS docs explain', () => {
    // GIVEN the docs example whose $or objects use the reserved words numeric and prefix
    // WHEN it is parsed
    const error = errorOf(() => parseAttributes({ $or: [{ numeric: 123 }, { prefix: 'abc' }] }));

    // THEN $or is a key whose values are operators, and numeric: 123 is malformed
    expect(error.message).toMatch(/^filterPolicy\.\$or: malformed operator \{"numeric":123\}: numeric needs an array/);
  });

  test('reads $or with string values as a plain property name', () => {
    // GIVEN $or followed by values rather than objects
    // WHEN it is parsed
    const parsed = parseAttributes({ $or: ['a', 'b'] });

    // THEN it is an ordinary key
    expect(parsed.ast.entries).toEqual([
      { kind: 'key', key: '$or', path: ['$or'], conditions: [{ kind: 'exact', value: 'a' }, { kind: 'exact', value: 'b' }] },
    ]);
  });
});

describe('key limit', () => {
  test('accepts 5 keys and rejects a 6th', () => {
    // GIVEN five keys, then six
    const five = { k1: ['a'], k2: ['a'], k3: ['a'], k4: ['a'], k5: ['a'] };
    const six = { ...five, k6: ['a'] };

    // WHEN they are parsed
    // THEN five pass and six fail with the count
    expect(parseAttributes(five).keyCount).toBe(5);
    expect(errorOf(() => parseAttributes(six)).message).toBe('filterPolicy has 6 keys, SNS allows at most 5');
    expect(errorOf(() => parseBody(six)).message).toBe('filterPolicy has 6 keys, SNS allows at most 5');
  });

  test('counts only top-level keys at body scope (the SNS docs example)', () => {
    // GIVEN the docs example: three flat keys and one object with three nested keys
    const policy = {
      state: ['SUCCESS'],
      severity: [{ exists: true }],
      message: [{ exists: true }],
      finding: { standard_control: [{ exists: true }], region: [{ exists: true }], account: [{ exists: true }] },
    };

    // WHEN it is parsed at body scope
    const parsed = parseBody(policy);

    // THEN four keys are counted (state, severity, message, finding), under the limit of five
    expect(parsed.keyCount).toBe(4);
  });

  test('counts the keys of each $or alternative', () => {
    // GIVEN four keys plus an $or whose branches add one key, then one branch that adds two
    const fits = { a: ['x'], b: ['x'], c: ['x'], d: ['x'], $or: [{ e: ['x'] }, { f: ['x'] }] };
    const overflows = { a: ['x'], b: ['x'], c: ['x'], d: ['x'], $or: [{ e: ['x'], f: ['x'] }, { g: ['x'] }] };

    // WHEN they are parsed
    // THEN the widest alternative is what counts
    expect(parseAttributes(fits).keyCount).toBe(5);
    expect(errorOf(() => parseAttributes(overflows)).message).toBe(
      'filterPolicy has 6 keys in one of its $or alternatives (a, b, c, d, e, f), SNS allows at most 5',
    );
  });

  test('counts a key once when it appears both outside and inside an $or branch', () => {
    // GIVEN a key repeated inside a branch
    // WHEN it is parsed
    // THEN it is one key
    expect(parseAttributes({ a: ['x'], $or: [{ a: ['y'] }, { b: ['z'] }] }).keyCount).toBe(2);
  });
});

describe('combination limit', () => {
  test('multiplies the number of values of each key (the SNS docs example: 3 x 1 x 2 = 6)', () => {
    // GIVEN three keys with three, one and two values
    const policy = { key_a: values(3), key_b: values(1), key_c: values(2) };

    // WHEN it is parsed
    // THEN it has 6 combinations
    expect(parseAttributes(policy).combinationCount).toBe(6);
  });

  test('accepts exactly 150 combinations and rejects 151', () => {
    // GIVEN 10 x 15 = 150 combinations, then 151 values on one key
    // WHEN they are parsed
    // THEN 150 passes and 151 fails with the count
    expect(parseAttributes({ a: values(10), b: values(15) }).combinationCount).toBe(150);
    expect(errorOf(() => parseAttributes({ a: values(151) })).message).toBe('filterPolicy has 151 combinations, SNS allows at most 150');
    expect(() => parseAttributes({ a: values(100), b: values(2) })).toThrow('filterPolicy has 200 combinations, SNS allows at most 150');
  });

  test('multiplies nested arrays by their nesting level (the SNS docs example: 3 x 4 x 2 x 3 = 72)', () => {
    // GIVEN four values three levels deep and three values two levels deep
    const policy = {
      key_a: { key_b: { key_c: values(4) } },
      key_d: { key_e: values(3) },
    };

    // WHEN it is parsed at body scope
    // THEN it has 72 combinations
    expect(parseBody(policy).combinationCount).toBe(72);
  });

  test('rejects a nested policy whose nesting levels push it over 150', () => {
    // GIVEN the docs example plus a top-level key with three values: 72 x 3 = 216 (SNS rejects this policy as too complex)
    const policy = {
      key_a: { key_b: { key_c: values(4) } },
      key_d: { key_e: values(3) },
      key_f: values(3),
    };

    // WHEN it is parsed
    // THEN the count is 216
    expect(errorOf(() => parseBody(policy)).message).toBe('filterPolicy has 216 combinations, SNS allows at most 150');
  });

  test('adds up the combinations of the alternatives of an $or', () => {
    // GIVEN source AND (metricName OR (metricType AND (metricId OR spaceId)))
    // (3 x 6) + (3 x 4 x 4) + (3 x 4 x 7) = 18 + 48 + 84 = 150
    const atLimit = {
      source: values(3),
      $or: [{ metricName: values(6) }, { metricType: values(4), $or: [{ metricId: values(4) }, { spaceId: values(7) }] }],
    };
    // (4 x 6) + (4 x 4 x 4) + (4 x 4 x 4) = 24 + 64 + 64 = 152
    const overLimit = {
      source: values(4),
      $or: [{ metricName: values(6) }, { metricType: values(4), $or: [{ metricId: values(4) }, { spaceId: values(4) }] }],
    };

    // WHEN they are parsed
    // THEN 150 passes and 152 fails
    expect(parseAttributes(atLimit).combinationCount).toBe(150);
    expect(parseAttributes(atLimit).alternatives).toHaveLength(3);
    expect(errorOf(() => parseAttributes(overLimit)).message).toBe('filterPolicy has 152 combinations, SNS allows at most 150');
  });

  test('combines $or, nesting and nesting levels in a body policy', () => {
    // GIVEN (metricName OR namespace) AND detail.scope AND (detail.source OR detail.type)
    // (3 x 2x2 x 1x2) + (3 x 2x2 x 3x2) + (2 x 2x2 x 1x2) + (2 x 2x2 x 3x2) = 24 + 72 + 16 + 48 = 160
    const policy = {
      $or: [{ metricName: values(3) }, { namespace: values(2) }],
      detail: { scope: values(2), $or: [{ source: values(1) }, { type: values(3) }] },
    };

    // WHEN it is parsed
    // THEN the count is 160
    expect(errorOf(() => parseBody(policy)).message).toBe('filterPolicy has 160 combinations, SNS allows at most 150');
  });

  test('reports combinations without expanding every alternative when $or expands past the limit', () => {
    // GIVEN eight two-way $or side by side under one top-level key: 2^8 = 256 alternatives
    const group = Object.fromEntries(Array.from({ length: 8 }, (_, index) => [`g${index}`, { $or: [{ a: ['x'] }, { b: ['y'] }] }]));

    // WHEN it is parsed at body scope
    const error = errorOf(() => parseBody({ group }));

    // THEN it fails on combinations: 256 alternatives of eight values three levels deep, 256 x 3^8
    expect(error.message).toBe(`filterPolicy has ${256 * 3 ** 8} combinations, SNS allows at most 150`);
  });
});

describe('size limit', () => {
  /** A one-key policy whose JSON text is exactly `bytes` long, `{"k":["..."]}`. */
  function policyOfSize(bytes: number, character = 'x'): Record<string, unknown> {
    const overhead = '{"k":[""]}'.length;
    const characterBytes = Buffer.byteLength(character, 'utf8');
    return { k: [character.repeat((bytes - overhead) / characterBytes)] };
  }

  test('accepts 256 KB of JSON and rejects one byte more', () => {
    // GIVEN policies of exactly 262144 and 262145 bytes
    const max = SNS_FILTER_POLICY_LIMITS.maxSizeBytes;

    // WHEN they are parsed
    // THEN the first passes and the second fails with its size
    expect(parseAttributes(policyOfSize(max)).sizeBytes).toBe(262144);
    expect(errorOf(() => parseAttributes(policyOfSize(max + 1))).message).toBe(
      'filterPolicy is 262145 bytes of JSON, SNS allows at most 262144 (256 KB)',
    );
  });

  test('counts bytes of UTF-8, not characters', () => {
    // GIVEN a policy of two-byte characters that is 256 KB long in bytes
    const policy = policyOfSize(SNS_FILTER_POLICY_LIMITS.maxSizeBytes, 'é');

    // WHEN it is parsed
    // THEN its size is counted in bytes
    expect(parseAttributes(policy).sizeBytes).toBe(262144);
    expect(() => parseAttributes({ ...policy, x: ['é'] })).toThrow(/is 2621\d\d bytes of JSON/);
  });
});

describe('unresolved tokens', () => {
  test('accepts tokens wherever a value is expected and marks them unresolved', () => {
    // GIVEN tokens as exact values, operator arguments, numeric bounds and CIDRs
    const stringToken = Lazy.string({ produce: () => 'eu-west-1' });
    const numberToken = Lazy.number({ produce: () => 5 });
    const policy = {
      region: [stringToken, { prefix: stringToken }, { 'anything-but': [stringToken, 'x'] }],
      price: [numberToken, { numeric: ['>', numberToken, '<', 10] }, { numeric: ['>', 10, '<', numberToken] }],
      source_ip: [{ cidr: stringToken }],
    };

    // WHEN it is parsed
    const parsed = parseAttributes(policy);

    // THEN nothing is rejected and every token-bearing condition is unresolved
    expect(parsed.hasUnresolvedTokens).toBe(true);
    const kinds = parsed.alternatives[0].leaves.map((leaf) => leaf.conditions.map((condition) => condition.kind));
    expect(kinds).toEqual([['unresolved', 'unresolved', 'unresolved'], ['unresolved', 'unresolved', 'unresolved'], ['unresolved']]);
    expect(parsed.alternatives[0].unresolved).toBe(true);
  });

  test('does not range-check a number token, whose encoded value looks huge', () => {
    // GIVEN a number token (encoded as a very large double)
    const numberToken = Token.asNumber(Lazy.any({ produce: () => 5 }));
    expect(Math.abs(numberToken)).toBeGreaterThan(1e9);

    // WHEN it is parsed as an exact value and an anything-but value
    // THEN it is accepted
    expect(() => parseAttributes({ price: [numberToken, { 'anything-but': numberToken }] })).not.toThrow();
  });

  test('accepts a token as the value list of a key, counted as one value', () => {
    // GIVEN a list token and a resolvable object as key values
    const policy = {
      country: Lazy.list({ produce: () => ['US', 'CA'] }),
      tier: Lazy.any({ produce: () => ['gold'] }),
      plan: values(3),
    };

    // WHEN it is parsed
    const parsed = parseAttributes(policy);

    // THEN the keys are known, and the combination count is a lower bound
    expect(parsed.keyCount).toBe(3);
    expect(parsed.combinationCount).toBe(3);
    expect(parsed.hasUnresolvedTokens).toBe(true);
  });

  test('accepts a policy that is a token as a whole', () => {
    // GIVEN a policy produced at deploy time
    const policy = Lazy.any({ produce: () => ({ a: ['x'] }) });

    // WHEN it is parsed
    const parsed = parseAttributes(policy);

    // THEN it is unresolved, with nothing counted
    expect(parsed.hasUnresolvedTokens).toBe(true);
    expect(parsed.ast.entries).toEqual([{ kind: 'unresolved', raw: policy }]);
  });

  test('accepts tokens as $or value and as $or branches', () => {
    // GIVEN an $or that is a token, and an $or with one token branch
    const token = Lazy.any({ produce: () => ({ a: ['x'] }) });

    // WHEN they are parsed
    const whole = parseAttributes({ $or: token, b: ['y'] });
    const branch = parseAttributes({ $or: [token, { b: ['y'] }] });

    // THEN neither throws, and the unknown parts are unresolved
    expect(whole.ast.entries[0]).toEqual({ kind: 'unresolved', raw: token });
    expect(branch.alternatives.map((alternative) => alternative.unresolved)).toEqual([true, false]);
  });

  test('skips the size check when tokens are present', () => {
    // GIVEN a policy over 256 KB that holds a token
    const policy = { k: ['x'.repeat(300 * 1024)], region: [Lazy.string({ produce: () => 'x' })] };

    // WHEN it is parsed
    // THEN the size is reported but not enforced
    expect(parseAttributes(policy).sizeBytes).toBeGreaterThan(SNS_FILTER_POLICY_LIMITS.maxSizeBytes);
  });

  test('still checks the structure around tokens', () => {
    // GIVEN tokens inside otherwise malformed policies
    const token = Lazy.string({ produce: () => 'x' });
    const numberToken = Lazy.number({ produce: () => 1 });

    // WHEN they are parsed
    // THEN unknown operators, bad numeric operators, nesting at attribute scope and limits on known parts still fail
    expect(() => parseAttributes({ a: [{ regex: token }] })).toThrow('unknown operator "regex"');
    expect(() => parseAttributes({ a: [{ numeric: ['!=', numberToken] }] })).toThrow('as numeric operator, got "!="');
    expect(() => parseAttributes({ a: { b: [token] } })).toThrow('nested objects are only allowed');
    expect(() => parseAttributes({ a: [{ numeric: ['>', 1, '<', 2e9] }], b: [token] })).toThrow('numeric value 2e9 is out of range');
    const sixKeys = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((key) => [key, [token]]));
    expect(() => parseAttributes(sixKeys)).toThrow('filterPolicy has 6 keys, SNS allows at most 5');
  });
});

/*
 * What SNS itself answered when these policies were set on a subscription
 * (Subscribe or SetSubscriptionAttributes), as recorded against AWS in the
 * snapshot tests of LocalStack: repository localstack/localstack, file
 * tests/aws/services/sns/test_sns_filter_policy.snapshot.json (the policies are in
 * tests/aws/services/sns/test_sns_filter_policy.py). The comment of each case
 * quotes the error SNS returned ("InvalidParameter: ... FilterPolicy: ...").
 */
describe('answers recorded against AWS', () => {
  const ANYTHING_BUT_SUFFIX = { key: [{ 'anything-but': { suffix: 'test' } }] };

  test('refuses anything-but with a suffix, naming the prop, the key and the value', () => {
    // GIVEN the policy of test_validate_policy_nested_anything_but_operator, which SNS refuses with
    // "Unsupported anything-but pattern: suffix" (snapshot entry error-condition-anything-but-suffix)
    // WHEN it is parsed in either scope, under the name of the prop it came from
    const attributeError = errorOf(() => parseFilterPolicy(ANYTHING_BUT_SUFFIX, ATTRIBUTES, { propName: 'filterPolicy' }));
    const bodyError = errorOf(() => parseFilterPolicy(ANYTHING_BUT_SUFFIX, BODY, { propName: 'filterPolicyWithMessageBody' }));

    // THEN both are refused with a message naming the prop, the key path and the value
    expect(attributeError.message).toBe(
      'filterPolicy.key: malformed operator {"anything-but":{"suffix":"test"}}: SNS does not support anything-but with a suffix '
      + '(it answers "Unsupported anything-but pattern: suffix"); anything-but takes a value, a list of values, or an object with a prefix',
    );
    expect(bodyError.message).toMatch(/^filterPolicyWithMessageBody\.key: malformed operator \{"anything-but":\{"suffix":"test"\}\}: SNS does not support/);
  });

  test('refuses anything-but with a suffix inside a list, an $or branch and a nested body key', () => {
    // GIVEN anything-but suffix wherever a condition can stand (same snapshot entry as above)
    const suffix = { 'anything-but': { suffix: '.tmp' } };

    // WHEN each is parsed, THEN each is refused with its own key path
    expect(errorOf(() => parseAttributes({ channel: [{ 'anything-but': { prefix: 'test-' } }, suffix] })).message)
      .toMatch(/^filterPolicy\.channel: malformed operator .*Unsupported anything-but pattern: suffix/);
    expect(errorOf(() => parseAttributes({ $or: [{ a: ['x'] }, { b: [suffix] }] })).message)
      .toMatch(/^filterPolicy\.\$or\[1\]\.b: malformed operator/);
    expect(errorOf(() => parseBody({ file: { name: [suffix] } })).message).toMatch(/^filterPolicy\.file\.name: malformed operator/);
  });

  test.each<[string, Record<string, unknown>, FilterPolicyScope, string]>([
    // "Match value must be String, number, true, false, or null" (error-condition-list)
    ['a list inside the value list', { key: [['value']] }, ATTRIBUTES, 'a value must be a string, a number, true, false, null or an operator object'],
    // "Unrecognized match type wrong-operator" (error-condition-operator)
    ['an unknown operator', { key: [{ 'wrong-operator': true }] }, ATTRIBUTES, 'unknown operator "wrong-operator"'],
    // "Only one key allowed in match expression" (error-condition-two-operators)
    ['two operators in one object', { key: [{ suffix: 'value', prefix: 'value2' }] }, ATTRIBUTES, 'needs exactly one operator, found 2'],
    // "Empty arrays are not allowed" (error-condition-empty-array)
    ['an empty value list', { key: [] }, ATTRIBUTES, 'a key needs at least one value'],
    // "suffix match pattern must be a string" (error-condition-is-numeric, -is-none, -empty-list, -list-wrong-type)
    ['a numeric suffix', { key: [{ suffix: 100 }] }, ATTRIBUTES, 'suffix must be a string, got 100'],
    ['a null suffix', { key: [{ suffix: null }] }, ATTRIBUTES, 'suffix must be a string, got null'],
    ['an empty list as suffix', { key: [{ suffix: [] }] }, ATTRIBUTES, 'suffix must be a string, got []'],
    ['a list of suffixes', { key: [{ suffix: ['test', 'test2'] }] }, ATTRIBUTES, 'suffix must be a string'],
    // '"suffix" must be an object or an array' (error-condition-is-not-list-and-operator): an operator not wrapped in a list
    ['an operator not wrapped in a list', { key: { suffix: 'value' } }, ATTRIBUTES, 'nested objects are only allowed when the filter policy scope is MessageBody'],
    // '"key_a" must be an object or an array' (sub-filter-policy-rule-no-list)
    ['a bare value', { key_a: 'value_one' }, BODY, 'the value of a key must be an array of values'],
    // "prefix match pattern must be a string" for cidr (error-condition-bad-type)
    ['a list as cidr', { key: [{ cidr: ['bad-filter'] }] }, ATTRIBUTES, 'cidr must be a string'],
    // "Malformed CIDR, one '/' required" (error-condition-bad-cidr-str)
    ['a cidr without a slash', { key: [{ cidr: 'bad-filter' }] }, ATTRIBUTES, 'cidr must be an IP address, a "/" and a prefix length'],
    // "Nonstandard IP address: bad-filter" (error-condition-bad-cidr-str-slash)
    ['a cidr that is not an address', { key: [{ cidr: 'bad-filter/64' }] }, ATTRIBUTES, '"bad-filter" is not an IPv4 or IPv6 address'],
    // "Malformed CIDR, mask bits must be an integer" (error-condition-bad-cidr-str-slash-2)
    ['a cidr whose mask is not a number', { key: [{ cidr: 'bad-/64filter' }] }, ATTRIBUTES, 'cidr must be an IP address, a "/" and a prefix length'],
    // "Nonstandard IP address: xx.11.xx" and "...: xxxx:db8:1234:1a00::" (error-condition-bad-cidr-v4, -v6)
    ['a malformed IPv4 cidr', { key: [{ cidr: 'xx.11.xx/8' }] }, ATTRIBUTES, 'is not an IPv4 or IPv6 address'],
    ['a malformed IPv6 cidr', { key: [{ cidr: 'xxxx:db8:1234:1a00::/64' }] }, ATTRIBUTES, 'is not an IPv4 or IPv6 address'],
    // "Invalid member in numeric match: ]" (error-numeric-empty)
    ['an empty numeric', { key: [{ numeric: [] }] }, ATTRIBUTES, 'numeric needs an array of an operator and a number'],
    // "Unrecognized numeric range operator: operator" (error-numeric-wrong-operator)
    ['a numeric with an unknown operator', { key: [{ numeric: ['operator'] }] }, ATTRIBUTES, 'got 1 elements'],
    // "Invalid member in numeric match: 1" (error-numeric-operator-order)
    ['a numeric starting with a number', { key: [{ numeric: [1, '<='] }] }, ATTRIBUTES, 'as numeric operator, got 1'],
    // "Value of equals must be numeric" (error-numeric-type)
    ['a numeric with a string bound', { key: [{ numeric: ['=', '000'] }] }, ATTRIBUTES, 'must be followed by a number, got "000"'],
    // "Value of >= must be numeric" (error-numeric-missing-value)
    ['a numeric without a bound', { key: [{ numeric: ['>='] }] }, ATTRIBUTES, 'got 1 elements'],
    // "Too many elements in numeric expression" (error-numeric-wrong-range-order)
    ['a range starting with an upper bound', { key: [{ numeric: ['<', 100, '>', 10] }] }, ATTRIBUTES, 'a range starts with a lower bound'],
    // "Bad numeric range operator: >" (error-numeric-wrong-range-operators)
    ['a range of two lower bounds', { key: [{ numeric: ['>=', 1, '>', 2] }] }, ATTRIBUTES, 'expected one of < <= as numeric operator, got ">"'],
    // "Bottom must be less than top" (error-numeric-wrong-value-order)
    ['a range whose bounds are reversed', { key: [{ numeric: ['>', 3, '<', 1] }] }, ATTRIBUTES, 'the lower bound 3 must be less than the upper bound 1'],
    // "Value of <= must be numeric" (error-numeric-missing-range-value)
    ['a range without its upper bound', { key: [{ numeric: ['>', 20, '<='] }] }, ATTRIBUTES, 'got 3 elements'],
    // "Bad value in numeric range: 30" (error-numeric-missing-range-operator)
    ['a range without its second operator', { key: [{ numeric: ['>', 20, 30] }] }, ATTRIBUTES, 'got 3 elements'],
    // "Bad numeric range operator: test" (error-numeric-wrong-second-range-operator)
    ['a range with an unknown second operator', { key: [{ numeric: ['>', 20, 'test'] }] }, ATTRIBUTES, 'got 3 elements'],
    // "Value of > must be numeric" and "Value of < must be numeric" (error-numeric-wrong-range-value-1-type, -2-type)
    ['a range with string bounds', { key: [{ numeric: ['>', '20', '<', '30'] }] }, ATTRIBUTES, 'numeric operator > must be followed by a number, got "20"'],
    ['a range with a string upper bound', { key: [{ numeric: ['>', 20, '<', '30'] }] }, ATTRIBUTES, 'numeric operator < must be followed by a number, got "30"'],
    // "Too many terms in numeric range expression" (error-numeric-too-many-range)
    ['a range of three comparisons', { key: [{ numeric: ['>', 20, '<', 30, '<', 50] }] }, ATTRIBUTES, 'got 6 elements'],
    // "exists match pattern must be either true or false." (error-condition-none, error-condition-string)
    ['exists null', { key: [{ exists: null }] }, ATTRIBUTES, 'exists must be true or false'],
    ['exists "no"', { key: [{ exists: 'no' }] }, ATTRIBUTES, 'exists must be true or false'],
    // "Unsupported anything-but pattern: wrong-operator" and "...: exists" (error-condition-wrong-operator, -anything-but-exists)
    ['anything-but with an unknown operator', { key: [{ 'anything-but': { 'wrong-operator': null } }] }, ATTRIBUTES, 'anything-but takes a value, a list of values, or an object with a prefix'],
    ['anything-but with exists', { key: [{ 'anything-but': { exists: false } }] }, ATTRIBUTES, 'anything-but takes a value, a list of values, or an object with a prefix'],
    // "prefix match pattern must be a string" (error-condition-anything-but-prefix-wrong-type)
    ['anything-but with a boolean prefix', { key: [{ 'anything-but': { prefix: false } }] }, ATTRIBUTES, 'prefix must be a string, got false'],
    // "Filter policy is too complex" (error-complexity-in-one-condition, -in-two-conditions)
    ['151 values of one key', { key: values(151) }, ATTRIBUTES, 'has 151 combinations, SNS allows at most 150'],
    ['100 x 51 values', { key1: values(100), key2: values(51) }, ATTRIBUTES, 'has 5100 combinations, SNS allows at most 150'],
    // "Filter policy can not have more than 5 keys" (error-complexity-too-many-fields, sub-filter-policy-max-attr-keys)
    ['six keys', Object.fromEntries(values(6, 'key').map((k) => [k, ['v']])), ATTRIBUTES, 'has 6 keys, SNS allows at most 5'],
    ['six keys at body scope', Object.fromEntries(values(6, 'key').map((k) => [k, ['v']])), BODY, 'has 6 keys, SNS allows at most 5'],
    // "Filter policy is too complex" (sub-filter-policy-nested-error-too-many-combinations): 3 x 4 x 2 x 3 x 1 x 3 = 216
    ['the nested policy of 216 combinations', {
      key_a: { key_b: { key_c: values(4) } },
      key_d: { key_e: values(3) },
      key_f: values(3),
    }, BODY, 'has 216 combinations, SNS allows at most 150'],
    // "Filter policy is too complex" (error-complexity-or-flat): 4 x 6 + 4 x 4 x 4 + 4 x 4 x 4 = 152
    ['the flat $or policy of 152 combinations', {
      source: values(4),
      $or: [{ metricName: values(6) }, { metricType: values(4), $or: [{ metricId: [1234, 4321, 5678, 9012] }, { spaceId: [1, 2, 3, 4] }] }],
    }, ATTRIBUTES, 'has 152 combinations, SNS allows at most 150'],
    // "Filter policy is too complex" (error-complexity-or-nested): 3 x 4 x 2 + 3 x 4 x 6 + 2 x 4 x 2 + 2 x 4 x 6 = 160
    ['the nested $or policy of 160 combinations', {
      $or: [{ metricName: values(3) }, { namespace: values(2) }],
      detail: { scope: values(2), $or: [{ source: values(1) }, { type: values(3) }] },
    }, BODY, 'has 160 combinations, SNS allows at most 150'],
    // "Filter policy scope MessageAttributes does not support nested filter policy" (sub-filter-policy-nested-error)
    ['a nested policy at attribute scope', { object: { key: [{ prefix: 'auto-' }] } }, ATTRIBUTES, 'nested objects are only allowed when the filter policy scope is MessageBody'],
  ])('refuses what SNS refused: %s', (_label, policy, scope, expected) => {
    // GIVEN a policy SNS refused (its answer is quoted above the case)
    // WHEN it is parsed
    const error = errorOf(() => parseFilterPolicy(policy, scope));

    // THEN it is refused too, with our message
    expect(error.message).toContain(expected);
  });

  test.each<[string, Record<string, unknown>, FilterPolicyScope]>([
    // Positive half of test_validate_policy_nested_anything_but_operator
    ['anything-but with a prefix', { key: [{ 'anything-but': { prefix: 'test-' } }] }, ATTRIBUTES],
    ['anything-but with a list', { key: [{ 'anything-but': ['test', 'test2'] }] }, ATTRIBUTES],
    ['anything-but with a string', { key: [{ 'anything-but': 'test' }] }, ATTRIBUTES],
    // subscription-attributes-2 of test_filter_policy
    ['null next to an anything-but', { attr1: [null, { 'anything-but': 'whatever' }] }, ATTRIBUTES],
    // subscription-attributes of test_filter_policy and test_filter_policy_for_batch
    ['a numeric range', { attr1: [{ numeric: ['>', 0, '<=', 100] }] }, ATTRIBUTES],
    // subscription-attributes-policy-1 and -2 of test_exists_filter_policy
    ['exists true', { store: [{ exists: true }] }, ATTRIBUTES],
    ['exists false', { store: [{ exists: false }] }, ATTRIBUTES],
    // test_filter_policy_on_message_body
    ['nested keys with prefix, exact and exists', {
      object: { key: [{ prefix: 'auto-' }, 'hardcodedvalue'], nested_key: [{ exists: false }] },
      test: [{ exists: false }],
    }, BODY],
    // test_filter_policy_on_message_body_dot_attribute
    ['a dotted key', { 'object.nested': ['string.value'] }, BODY],
    ['a deeper dotted key', { 'object.nested.test': ['string.value'] }, BODY],
    // test_filter_policy_large_complex_payload
    ['dotted keys inside nested keys', { detail: { 'payload.nested.another-level.deep': { 'inside-list': [{ prefix: 'q-test' }] } } }, BODY],
    // test_filter_policy_on_message_body_array_of_object_attributes
    ['prefixes at several nesting levels', { Records: { s3: { object: { key: [{ prefix: 'auto-' }] } }, eventName: [{ prefix: 'ObjectCreated:' }] } }, BODY],
    // test_filter_policy_on_message_body_or_attribute
    ['$or at the top and inside a nested key', {
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      detail: { scope: ['Service'], $or: [{ source: ['aws.cloudwatch'] }, { type: ['CloudWatch Alarm State Change'] }] },
    }, BODY],
    // test_filter_policy_empty_array_payload
    ['an empty string', { detail: { eventVersion: [''] } }, BODY],
    // test_filter_policy_ip_address_condition
    ['cidr in $or branches, IPv4 and IPv6', {
      detail: { $or: [{ sourceIPAddress: [{ cidr: '10.0.0.0/24' }] }, { sourceIPAddressV6: [{ cidr: '2001:db8:1234:1a00::/64' }] }] },
    }, BODY],
  ])('accepts what SNS accepted: %s', (_label, policy, scope) => {
    // GIVEN a policy SNS accepted
    // WHEN it is parsed, THEN it is accepted
    expect(() => parseFilterPolicy(policy, scope)).not.toThrow();
  });

  test('accepts the $or policy of exactly 150 combinations at attribute scope, an $or nested in a branch', () => {
    // GIVEN the last policy of test_policy_complexity_with_or, which SNS accepted: 3 x 6 + 3 x 4 x 4 + 3 x 4 x 7 = 150
    const policy = {
      source: values(3),
      $or: [{ metricName: values(6) }, { metricType: values(4), $or: [{ metricId: [1234, 4321, 5678, 9012] }, { spaceId: [1, 2, 3, 4, 5, 6, 7] }] }],
    };

    // WHEN it is parsed
    const parsed = parseAttributes(policy);

    // THEN it has 150 combinations, three alternatives and at most 3 keys in each
    expect(parsed.combinationCount).toBe(150);
    expect(parsed.alternatives).toHaveLength(3);
    expect(parsed.keyCount).toBe(3);
  });
});

/*
 * Refusals SNS has not been recorded answering, taken from event-ruler, the
 * policy language SNS validates with: every error SNS returned in the recordings
 * above is one of event-ruler's, word for word ("Unsupported anything-but
 * pattern", "Invalid member in numeric match", "Too many elements in numeric
 * expression"...). Source: repository aws/event-ruler, file
 * src/main/software/amazon/event/ruler/JsonRuleCompiler.java
 * (processAnythingButListMatchExpression: "Inside anything but list, either all
 * values are number or string, mixed type is not supported"; the anything-but
 * prefix: "Null prefix not allowed"), both present since its first public version.
 */
describe('refusals taken from event-ruler', () => {
  test('refuses an anything-but list mixing strings and numbers', () => {
    // GIVEN an anything-but list of a string and a number
    // WHEN it is parsed
    const error = errorOf(() => parseAttributes({ code: [{ 'anything-but': ['a', 5] }] }));

    // THEN it is refused, naming the key and the list
    expect(error.message).toBe(
      'filterPolicy.code: malformed operator {"anything-but":["a",5]}: an anything-but list must hold only strings or only numbers, not both',
    );
  });

  test('refuses anything-but with an empty prefix', () => {
    // GIVEN anything-but with the prefix ""
    // WHEN it is parsed
    const error = errorOf(() => parseBody({ code: [{ 'anything-but': { prefix: '' } }] }));

    // THEN it is refused, naming the key
    expect(error.message).toBe('filterPolicy.code: malformed operator {"anything-but":{"prefix":""}}: the anything-but prefix must not be empty');
  });

  test('still accepts lists of only strings or only numbers, and a token among them', () => {
    // GIVEN homogeneous lists, and one holding an unresolved token
    const token = Token.asString(Lazy.string({ produce: () => 'x' }));

    // WHEN they are parsed, THEN they are accepted
    expect(() => parseAttributes({ a: [{ 'anything-but': ['x', 'y'] }], b: [{ 'anything-but': [1, 2.5] }], c: [{ 'anything-but': [token, 5] }] })).not.toThrow();
  });
});

describe('SNS documentation examples', () => {
  test('AND across keys: an interest and a price above 100', () => {
    // GIVEN a policy requiring an interest AND a price above 100
    const parsed = parseAttributes({ customer_interests: ['rugby'], price_usd: [{ numeric: ['>', 100] }] });

    // THEN it is one alternative with two leaves
    expect(parsed.alternatives).toHaveLength(1);
    expect(parsed.alternatives[0].leaves).toHaveLength(2);
    expect(parsed.combinationCount).toBe(1);
  });

  test('OR within a key: any of three interests', () => {
    // GIVEN three values for one key
    const parsed = parseAttributes({ customer_interests: ['rugby', 'football', 'baseball'] });

    // THEN the key has three exact conditions and three combinations
    expect(parsed.combinationCount).toBe(3);
  });

  test('a price range with a lower and an upper bound', () => {
    // GIVEN a range greater than 0 and at most 150
    const conditions = conditionsOf([{ numeric: ['>', 0, '<=', 150] }]);

    // THEN both bounds are kept in order
    expect(conditions).toEqual([{ kind: 'numeric', comparisons: [{ operator: '>', bound: 0 }, { operator: '<=', bound: 150 }] }]);
  });

  test('key matching with exists, and IP address matching with CIDR', () => {
    // GIVEN exists checks and an IPv4 network
    const parsed = parseAttributes({ store: [{ exists: false }], source_ip: [{ cidr: '10.0.0.0/24' }] });

    // THEN both are parsed
    expect(parsed.alternatives[0].leaves.map((leaf) => leaf.conditions[0].kind)).toEqual(['exists', 'cidr']);
  });
});

describe('property-based', () => {
  const OPERATOR_NAMES = ['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'numeric', 'exists', 'cidr', '$or', 'wildcard'];
  const leaf = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom('=', '<', '<=', '>', '>=', '10.0.0.0/8', '::/0', '1e10', 1e10, 0.1234567),
  );
  const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom(...OPERATOR_NAMES));
  const { value: policyLike } = fc.letrec<{ value: unknown; array: unknown[]; object: Record<string, unknown>; operator: unknown }>((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object'), tie('operator')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(key, tie('value'), { maxKeys: 6 }),
    operator: fc.tuple(fc.constantFrom(...OPERATOR_NAMES), tie('value')).map(([name, argument]) => ({ [name]: argument })),
  }));
  const scope = fc.constantFrom(ATTRIBUTES, BODY);

  function parsesOrThrowsFilterPolicyError(policy: unknown, policyScope: FilterPolicyScope): boolean {
    try {
      parseFilterPolicy(policy, policyScope);
      return true;
    } catch (error) {
      return error instanceof FilterPolicyError;
    }
  }

  test('random policy-like values either parse or throw FilterPolicyError, never another error', () => {
    // GIVEN random JSON-like structures built from operators, keys and values
    // WHEN they are parsed in either scope
    // THEN the only error ever thrown is a FilterPolicyError
    fc.assert(fc.property(policyLike, scope, parsesOrThrowsFilterPolicyError), { numRuns: 1000 });
  });

  test('arbitrary JS values either parse or throw FilterPolicyError, never another error', () => {
    // GIVEN any JS value, including objects without prototype
    const anything = fc.anything({ withNullPrototype: true, withBigInt: true, withMap: true, withSet: true, withDate: true });

    // WHEN it is parsed, also as the value of a key
    // THEN the only error ever thrown is a FilterPolicyError
    fc.assert(fc.property(anything, scope, (value, policyScope) =>
      parsesOrThrowsFilterPolicyError(value, policyScope) && parsesOrThrowsFilterPolicyError({ key: [value] }, policyScope),
    ), { numRuns: 500 });
  });

  /** An independent count: expand every $or, then add up the products of the value counts. */
  function bruteForce(policy: Record<string, unknown>): { keys: number; combinations: number } {
    function expand(object: Record<string, unknown>): Array<Array<{ key: string; count: number }>> {
      let alternatives: Array<Array<{ key: string; count: number }>> = [[]];
      for (const [name, value] of Object.entries(object)) {
        const options = name === '$or'
          ? (value as Array<Record<string, unknown>>).flatMap(expand)
          : [[{ key: name, count: (value as unknown[]).length }]];
        alternatives = alternatives.flatMap((left) => options.map((right) => [...left, ...right]));
      }
      return alternatives;
    }
    const alternatives = expand(policy);
    return {
      keys: Math.max(...alternatives.map((alternative) => new Set(alternative.map((item) => item.key)).size)),
      combinations: alternatives.reduce((sum, alternative) => sum + alternative.reduce((product, item) => product * item.count, 1), 0),
    };
  }

  test('keys and combinations of valid flat policies with $or match an independent count', () => {
    // GIVEN random attribute policies of exact values and nested two- or three-way $or
    // (tuned so that about a third parse, half of those with $or, and the rest exceed one limit or the other)
    const valueList = fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ min: -1000, max: 1000 })), { minLength: 1, maxLength: 3 });
    const keyName = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
    const { policy } = fc.letrec<{ policy: Record<string, unknown> }>((tie) => ({
      policy: fc.record({
        base: fc.dictionary(keyName, valueList, { minKeys: 1, maxKeys: 2 }),
        or: fc.option(fc.array(tie('policy'), { minLength: 2, maxLength: 3 }), { nil: undefined, depthSize: 'small' }),
      }).map(({ base, or }) => (or ? { ...base, $or: or } : base)),
    }));

    fc.assert(fc.property(policy, (generated) => {
      // WHEN it is parsed
      const expected = bruteForce(generated);
      const valid = expected.keys <= 5 && expected.combinations <= 150;
      try {
        const parsed = parseAttributes(generated);
        // THEN a parsed policy has the independently counted keys and combinations
        return valid && parsed.keyCount === expected.keys && parsed.combinationCount === expected.combinations;
      } catch (error) {
        // AND a rejected policy is over one of the two limits
        return !valid && error instanceof FilterPolicyError && /has \d+ (keys|combinations)/.test(error.message);
      }
    }), { numRuns: 500 });
  });
});
