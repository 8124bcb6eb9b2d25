import * as fc from 'fast-check';
import { ATTRIBUTES, BODY, parseAttributes } from './sns-filter-policy-helpers';
import { PatternError } from '../../src/routing/model';
import { FilterPolicyScope, parseFilterPolicy } from '../../src/routing/sns';

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

  function parsesOrThrowsPatternError(policy: unknown, policyScope: FilterPolicyScope): boolean {
    try {
      parseFilterPolicy(policy, policyScope);
      return true;
    } catch (error) {
      return error instanceof PatternError;
    }
  }

  test('random policy-like values either parse or throw PatternError, never another error', () => {
    // GIVEN random JSON-like structures built from operators, keys and values
    // WHEN they are parsed in either scope
    // THEN the only error ever thrown is a PatternError
    fc.assert(fc.property(policyLike, scope, parsesOrThrowsPatternError), { numRuns: 1000 });
  });

  test('arbitrary JS values either parse or throw PatternError, never another error', () => {
    // GIVEN any JS value, including objects without prototype
    const anything = fc.anything({ withNullPrototype: true, withBigInt: true, withMap: true, withSet: true, withDate: true });

    // WHEN it is parsed, also as the value of a key
    // THEN the only error ever thrown is a PatternError
    fc.assert(fc.property(anything, scope, (value, policyScope) =>
      parsesOrThrowsPatternError(value, policyScope) && parsesOrThrowsPatternError({ key: [value] }, policyScope),
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
        return !valid && error instanceof PatternError && /has \d+ (keys|combinations)/.test(error.message);
      }
    }), { numRuns: 500 });
  });
});
