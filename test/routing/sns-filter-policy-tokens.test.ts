import { Lazy, Token } from 'aws-cdk-lib';
import { parseAttributes, values } from './sns-filter-policy-helpers';
import { SNS_FILTER_POLICY_LIMITS } from '../../src/routing/sns';

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
    expect(parsed.root.entries).toEqual([{ kind: 'unresolved', raw: policy }]);
  });

  test('accepts tokens as $or value and as $or branches', () => {
    // GIVEN an $or that is a token, and an $or with one token branch
    const token = Lazy.any({ produce: () => ({ a: ['x'] }) });

    // WHEN they are parsed
    const whole = parseAttributes({ $or: token, b: ['y'] });
    const branch = parseAttributes({ $or: [token, { b: ['y'] }] });

    // THEN neither throws, and the unknown parts are unresolved
    expect(whole.root.entries[0]).toEqual({ kind: 'unresolved', raw: token });
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
