import { Lazy, Token } from 'aws-cdk-lib';
import { ATTRIBUTES, BODY, conditionsOf, errorOf, parseAttributes, parseBody, values } from './sns-filter-policy-helpers';
import { FilterPolicyScope, parseFilterPolicy } from '../../src/routing/sns';

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
    expect(conditions).toEqual([{ kind: 'numeric', lower: { value: 0, inclusive: false }, upper: { value: 150, inclusive: true } }]);
  });

  test('key matching with exists, and IP address matching with CIDR', () => {
    // GIVEN exists checks and an IPv4 network
    const parsed = parseAttributes({ store: [{ exists: false }], source_ip: [{ cidr: '10.0.0.0/24' }] });

    // THEN both are parsed
    expect(parsed.alternatives[0].leaves.map((leaf) => leaf.conditions[0].kind)).toEqual(['exists', 'cidr']);
  });
});
