import { errorOf, parseAttributes, parseBody, values } from './sns-filter-policy-helpers';
import { SNS_FILTER_POLICY_LIMITS } from '../../src/routing/sns';

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
