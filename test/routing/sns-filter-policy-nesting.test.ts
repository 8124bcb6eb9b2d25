import { errorOf, parseAttributes, parseBody } from './sns-filter-policy-helpers';

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

  test('accepts a nested object at body scope and keeps the nesting in the rule tree', () => {
    // GIVEN a nested body policy
    // WHEN it is parsed
    const parsed = parseBody({ customer: { address: { country: ['US', 'CA'] } }, tier: ['gold'] });

    // THEN the nesting is kept, with property paths on every level
    expect(parsed.root).toEqual({
      kind: 'object',
      path: [],
      entries: [
        {
          kind: 'nested',
          key: 'customer',
          path: ['customer'],
          object: {
            kind: 'object',
            path: ['customer'],
            entries: [{
              kind: 'nested',
              key: 'address',
              path: ['customer', 'address'],
              object: {
                kind: 'object',
                path: ['customer', 'address'],
                entries: [{
                  kind: 'key',
                  key: 'country',
                  path: ['customer', 'address', 'country'],
                  conditions: [{ kind: 'exact-string', value: 'US' }, { kind: 'exact-string', value: 'CA' }],
                }],
              },
            }],
          },
        },
        { kind: 'key', key: 'tier', path: ['tier'], conditions: [{ kind: 'exact-string', value: 'gold' }] },
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
    // THEN the deep one fails with a PatternError, and the leaf at level 150 is counted as 150 combinations
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

    // THEN the OR is kept in the rule tree
    expect(parsed.root.entries[1]).toEqual({
      kind: 'or',
      branches: [
        { kind: 'object', path: [], entries: [{ kind: 'key', key: 'metricName', path: ['metricName'], conditions: [{ kind: 'exact-string', value: 'CPUUtilization' }] }] },
        { kind: 'object', path: [], entries: [{ kind: 'key', key: 'namespace', path: ['namespace'], conditions: [{ kind: 'exact-string', value: 'AWS/EC2' }] }] },
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
    const detail = parsed.root.entries[1];
    expect(detail.kind === 'nested' && detail.object.entries[1]).toMatchObject({
      kind: 'or',
      branches: [{ path: ['detail'] }, { path: ['detail'] }],
    });
    // AND the policy expands to 3 x 2 alternatives, in event-ruler's order (each branch of a later $or extends every
    // alternative built before it)
    expect(parsed.alternatives).toHaveLength(6);
    expect(parsed.alternatives[1].leaves.map((leaf) => leaf.path.join('.'))).toEqual([
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
    expect(parsed.root.entries).toEqual([
      { kind: 'key', key: '$or', path: ['$or'], conditions: [{ kind: 'exact-string', value: 'a' }, { kind: 'exact-string', value: 'b' }] },
    ]);
  });
});
