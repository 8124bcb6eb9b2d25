import { Lazy } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as fc from 'fast-check';
import { SnsFilterPolicyMatcher, SnsFilterPolicyScope, SnsMessage, SnsMessageAttributes } from '../../src/routing';
import { InvalidMessageError, PatternError } from '../../src/routing/model';
import { SNS_SETTLED_SEMANTICS, SnsSettledExample } from '../differential/deviations';
import { snsBodyPairArb } from '../differential/generators';

const ATTRIBUTES = SnsFilterPolicyScope.MESSAGE_ATTRIBUTES;
const BODY = SnsFilterPolicyScope.MESSAGE_BODY;

describe('aws-cdk-lib filter policies', () => {
  const policy = {
    filterPolicy: {
      country: sns.SubscriptionFilter.stringFilter({ allowlist: ['US', 'CA'], matchPrefixes: ['GB-'] }),
      price: sns.SubscriptionFilter.numericFilter({ between: { start: 10, stop: 100 } }),
      tier: sns.SubscriptionFilter.stringFilter({ denylist: ['free'] }),
      coupon: sns.SubscriptionFilter.notExistsFilter(),
    },
  };

  test('a SubscriptionFilter policy is read as sns.Subscription renders it', () => {
    // GIVEN a message meeting every condition
    const attributes = {
      country: SnsMessageAttributes.ofString('GB-LND'),
      price: SnsMessageAttributes.ofNumber(10),
      tier: SnsMessageAttributes.ofString('gold'),
    };
    // WHEN / THEN
    expect(SnsFilterPolicyMatcher.matches(policy, { attributes })).toBe(true);
    expect(SnsFilterPolicyMatcher.fromSubscriptionFilterPolicy(policy).policyJson).toEqual({
      country: ['US', 'CA', { prefix: 'GB-' }],
      price: [{ numeric: ['>=', 10, '<=', 100] }],
      tier: [{ 'anything-but': ['free'] }],
      coupon: [{ exists: false }],
    });
  });

  test('each failing attribute is explained', () => {
    const attributes = {
      country: SnsMessageAttributes.ofString('FR'),
      price: SnsMessageAttributes.ofNumber(101),
      tier: SnsMessageAttributes.ofString('free'),
      coupon: SnsMessageAttributes.ofString('X'),
    };
    expect(SnsFilterPolicyMatcher.explain(policy, { attributes })).toEqual({
      matched: false,
      reasons: [
        'country: "FR" matches none of: "US"; "CA"; prefix "GB-"',
        'coupon: attribute present ("X"), but "exists": false requires it to be absent',
        'price: 101 is not >= 10 and <= 100',
        'tier: "free" is excluded by anything-but "free"',
      ],
    });
  });

  test('a message-body policy with nested FilterOrPolicy', () => {
    // GIVEN a body policy on a nested key
    const policy2 = {
      filterPolicyWithMessageBody: {
        customer: sns.FilterOrPolicy.policy({
          country: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.stringFilter({ allowlist: ['NL'] })),
        }),
        total: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.numericFilter({ greaterThan: 0 })),
      },
    };
    // WHEN / THEN
    expect(SnsFilterPolicyMatcher.matches(policy2, { body: { customer: { country: 'NL' }, total: 3 } })).toBe(true);
    expect(SnsFilterPolicyMatcher.matches(policy2, { body: JSON.stringify({ customer: { country: 'NL' }, total: 3 }) })).toBe(true);
    expect(SnsFilterPolicyMatcher.explain(policy2, { body: { customer: { country: 'BE' }, total: 3 } }).reasons)
      .toEqual(['customer.country: "BE" is not "NL"']);
    expect(SnsFilterPolicyMatcher.fromSubscriptionFilterPolicy(policy2).scope).toBe(BODY);
  });

  test('without a policy every message is received', () => {
    expect(SnsFilterPolicyMatcher.matches({}, {})).toBe(true);
    expect(SnsFilterPolicyMatcher.explain({}, {})).toEqual({ matched: true, reasons: ['no filter policy: the subscription receives every message'] });
  });

  test('both policies at once are refused', () => {
    expect(() => SnsFilterPolicyMatcher.matches({ filterPolicy: {}, filterPolicyWithMessageBody: {} }, {})).toThrow(/cannot both be set/);
  });

  test('an invalid policy throws the parser error', () => {
    expect(() => SnsFilterPolicyMatcher.matchesJson({ a: 'x' }, ATTRIBUTES, {})).toThrow(PatternError);
    expect(() => SnsFilterPolicyMatcher.matchesJson({ a: { b: ['x'] } }, ATTRIBUTES, {})).toThrow(/nested objects are only allowed/);
  });

  test('a policy with a deploy-time token cannot be evaluated', () => {
    expect(() => SnsFilterPolicyMatcher.matchesJson({ a: [Lazy.string({ produce: () => 'x' })] }, ATTRIBUTES, {})).toThrow(/unresolved CDK tokens/);
  });
});

describe('attribute types', () => {
  test('numeric conditions match only Number attributes; string conditions only String values', () => {
    const numeric = { price: [{ numeric: ['>', 10] }] };
    expect(SnsFilterPolicyMatcher.matchesJson(numeric, ATTRIBUTES, { attributes: { price: { dataType: 'Number', stringValue: '11' } } })).toBe(true);
    expect(SnsFilterPolicyMatcher.matchesJson(numeric, ATTRIBUTES, { attributes: { price: { dataType: 'String', stringValue: '11' } } })).toBe(false);
    const prefix = { code: [{ prefix: '1' }] };
    expect(SnsFilterPolicyMatcher.matchesJson(prefix, ATTRIBUTES, { attributes: { code: { dataType: 'String', stringValue: '12' } } })).toBe(true);
    expect(SnsFilterPolicyMatcher.matchesJson(prefix, ATTRIBUTES, { attributes: { code: { dataType: 'Number', stringValue: '12' } } })).toBe(false);
  });

  test('exact numbers compare as numbers', () => {
    expect(SnsFilterPolicyMatcher.matchesJson({ n: [5] }, ATTRIBUTES, { attributes: { n: SnsMessageAttributes.ofNumber(5.0) } })).toBe(true);
    expect(SnsFilterPolicyMatcher.matchesJson({ n: [5] }, ATTRIBUTES, { attributes: { n: { dataType: 'Number', stringValue: '5.00' } } })).toBe(true);
  });

  test('String.Array matches when any element matches; its elements keep their JSON types', () => {
    const attributes = { tags: SnsMessageAttributes.ofStringArray(['a', 2, true, null]) };
    expect(SnsFilterPolicyMatcher.matchesJson({ tags: ['a'] }, ATTRIBUTES, { attributes })).toBe(true);
    expect(SnsFilterPolicyMatcher.matchesJson({ tags: [{ numeric: ['=', 2] }] }, ATTRIBUTES, { attributes })).toBe(true);
    expect(SnsFilterPolicyMatcher.matchesJson({ tags: [true] }, ATTRIBUTES, { attributes })).toBe(true);
    expect(SnsFilterPolicyMatcher.matchesJson({ tags: [null] }, ATTRIBUTES, { attributes })).toBe(true);
    expect(SnsFilterPolicyMatcher.matchesJson({ tags: ['b'] }, ATTRIBUTES, { attributes })).toBe(false);
  });

  test('custom types count as their base type, Binary attributes are ignored', () => {
    expect(SnsFilterPolicyMatcher.matchesJson({ n: [{ numeric: ['<', 1] }] }, ATTRIBUTES, { attributes: { n: { dataType: 'Number.float', stringValue: '0.5' } } })).toBe(true);
    const binary = { b: SnsMessageAttributes.ofBinary() };
    expect(SnsFilterPolicyMatcher.matchesJson({ b: [{ exists: false }] }, ATTRIBUTES, { attributes: binary })).toBe(true);
  });

  test('the attribute shapes of the SNS API and of delivered notifications are both read', () => {
    const policy = { country: ['US'] };
    const shapes: unknown[] = [{ DataType: 'String', StringValue: 'US' }, { Type: 'String', Value: 'US' }, { dataType: 'String', stringValue: 'US' }];
    for (const shape of shapes) {
      expect(SnsFilterPolicyMatcher.matchesJson(policy, ATTRIBUTES, { attributes: { country: shape as any } })).toBe(true);
    }
  });

  test.each<[string, unknown, RegExp]>([
    ['a Number that is not a number', { dataType: 'Number', stringValue: 'ten' }, /not a number/],
    ['a String.Array that is not a JSON array', { dataType: 'String.Array', stringValue: 'a,b' }, /needs a JSON array/],
    ['an unknown type', { dataType: 'Date', stringValue: 'x' }, /unknown data type "Date"/],
    ['no type', { stringValue: 'x' }, /no data type/],
    ['a String without a value', { dataType: 'String' }, /needs a string value/],
    ['not an object', 'x', /must be an object/],
  ])('a message SNS would refuse is reported: %s', (_label, attribute, message) => {
    expect(() => SnsFilterPolicyMatcher.matchesJson({ a: ['x'] }, ATTRIBUTES, { attributes: { a: attribute as any } })).toThrow(message);
  });
});

describe('message body', () => {
  test('a body that is not a JSON object matches no body policy', () => {
    for (const body of ['not json', '[1]', 5, undefined]) {
      expect(SnsFilterPolicyMatcher.matchesJson({ a: [{ exists: false }] }, BODY, { body })).toBe(false);
    }
    expect(SnsFilterPolicyMatcher.explainJson({ a: ['x'] }, BODY, { body: 'text' }).reasons).toEqual([
      'message body: not a JSON object, so no body-scope filter policy can match it',
    ]);
  });

  test('missing properties are named as properties', () => {
    expect(SnsFilterPolicyMatcher.explainJson({ order: { id: [{ exists: true }] } }, BODY, { body: {} }).reasons).toEqual(['order.id: property missing']);
  });

  test('$or at body scope', () => {
    const policy = { kind: ['order'], $or: [{ total: [{ numeric: ['>', 100] }] }, { vip: [true] }] };
    expect(SnsFilterPolicyMatcher.matchesJson(policy, BODY, { body: { kind: 'order', total: 150 } })).toBe(true);
    expect(SnsFilterPolicyMatcher.matchesJson(policy, BODY, { body: { kind: 'order', total: 50, vip: true } })).toBe(true);
    expect(SnsFilterPolicyMatcher.matchesJson(policy, BODY, { body: { kind: 'order', total: 50 } })).toBe(false);
  });

  test('a compiled matcher evaluates many messages', () => {
    const matcher = SnsFilterPolicyMatcher.fromJson({ a: [{ suffix: 'z' }] }, BODY);
    expect(matcher.scope).toBe(BODY);
    expect(matcher.matchesMessage({ body: { a: 'xyz' } })).toBe(true);
    expect(matcher.explainMessage({ body: { a: 'xy' } })).toEqual({ matched: false, reasons: ['a: "xy" does not end with "z"'] });
  });
});

/*
 * The settled questions of SNS semantics (presence of a key, messages without
 * attributes, empty values). Each question lists its sources in
 * test/differential/deviations.ts (SNS_SETTLED_SEMANTICS): answers recorded
 * against AWS in localstack/localstack tests/aws/services/sns/*.snapshot.json,
 * the SNS Developer Guide pages "Key matching"
 * (https://docs.aws.amazon.com/sns/latest/dg/attribute-key-matching.html) and
 * "String value matching"
 * (https://docs.aws.amazon.com/sns/latest/dg/string-value-matching.html), and
 * event-ruler where the guide is silent.
 */
describe('settled SNS semantics', () => {
  const cases = SNS_SETTLED_SEMANTICS.flatMap((q) => q.examples.map(
    (example) => [q.id, JSON.stringify(example.policy), JSON.stringify(example.message), example.verdict, example] as const,
  ));

  function judge(example: SnsSettledExample): SnsSettledExample['verdict'] {
    const scope = example.scope === 'MessageBody' ? BODY : ATTRIBUTES;
    const message = scope === BODY ? { body: example.message } : { attributes: example.message as any };
    try {
      const matched = SnsFilterPolicyMatcher.matchesJson(example.policy, scope, message);
      expect(SnsFilterPolicyMatcher.explainJson(example.policy, scope, message).matched).toBe(matched);
      return matched ? 'delivered' : 'not delivered';
    } catch (e) {
      if (e instanceof InvalidMessageError) {
        return 'message refused';
      }
      throw e;
    }
  }

  test.each(cases)('%s: policy %s, message %s -> %s', (_id, _policy, _message, verdict, example) => {
    // GIVEN a policy and a message whose fate the sources settle
    // WHEN the evaluator judges it
    // THEN it gives SNS's verdict, and explain agrees with matches
    expect(judge(example)).toBe(verdict);
  });

  test('every settled question has a source, an answer and examples of both verdicts overall', () => {
    for (const q of SNS_SETTLED_SEMANTICS) {
      expect(q.sources.length).toBeGreaterThan(0);
      expect(q.answer.length).toBeGreaterThan(0);
      expect(q.examples.length).toBeGreaterThan(0);
    }
    const verdicts = new Set(cases.map((c) => c[3]));
    expect([...verdicts].sort()).toEqual(['delivered', 'message refused', 'not delivered']);
  });

  test('explains why "exists": true refuses null and "" (Key matching: "a non-null and non-empty value")', () => {
    // GIVEN "exists": true and a body whose property is null, then ""
    const policy = { store: [{ exists: true }] };

    // WHEN it is explained, THEN the value is named
    expect(SnsFilterPolicyMatcher.explainJson(policy, BODY, { body: { store: null } }).reasons).toEqual(['store: null does not match exists']);
    expect(SnsFilterPolicyMatcher.explainJson(policy, BODY, { body: { store: '' } }).reasons).toEqual(['store: "" does not match exists']);
  });

  test('explains that no attribute-scope policy matches a message without attributes (Key matching: "An empty set of attributes results in the filter not matching")', () => {
    // GIVEN a policy satisfied by absence alone
    const policy = { store: [{ exists: false }] };

    // WHEN a message without attributes is explained, in every way it can be given
    const messages: SnsMessage[] = [{}, { attributes: {} }, { attributes: { store: undefined as any } }];
    for (const message of messages) {
      const explanation = SnsFilterPolicyMatcher.explainJson(policy, ATTRIBUTES, message);

      // THEN it does not match, and the reason says why
      expect(explanation).toEqual({
        matched: false,
        reasons: ['message attributes: none, and SNS matches no attribute-scope filter policy against a message without attributes (not even "exists": false)'],
      });
      expect(SnsFilterPolicyMatcher.matchesJson(policy, ATTRIBUTES, message)).toBe(false);
    }
  });

  test('a message without attributes still reports the missing keys when the policy needs values', () => {
    // GIVEN a policy needing a value, and a message without attributes
    // WHEN it is explained, THEN the missing attribute is named as before
    expect(SnsFilterPolicyMatcher.explainJson({ price: [{ numeric: ['>', 0] }] }, ATTRIBUTES, {}).reasons).toEqual(['price: attribute missing']);
  });

  test('with no filter policy, or an empty one, a message without attributes is still delivered', () => {
    // GIVEN no policy and the empty policy {}, which have no condition at all
    // WHEN / THEN every message is delivered
    expect(SnsFilterPolicyMatcher.matches({}, {})).toBe(true);
    expect(SnsFilterPolicyMatcher.matchesJson({}, ATTRIBUTES, {})).toBe(true);
  });

  test('refuses a String attribute holding an empty string, as SNS refuses the message (test_sns.snapshot.json, missing_string_attr)', () => {
    // GIVEN a String attribute with an empty value, which SNS's Publish refuses (recorded against AWS in
    // localstack/localstack tests/aws/services/sns/test_sns.snapshot.json, test_empty_or_wrong_message_attributes)
    const attributes = { attr1: { dataType: 'String', stringValue: '' } };

    // WHEN it is evaluated, THEN it is refused with SNS's reason
    expect(() => SnsFilterPolicyMatcher.matchesJson({ attr1: [''] }, ATTRIBUTES, { attributes })).toThrow(
      'message attribute "attr1" of type String must not be empty: SNS refuses the message ("must contain non-empty message attribute value")',
    );
    expect(() => SnsFilterPolicyMatcher.matchesJson({ attr1: [''] }, ATTRIBUTES, { attributes: { attr1: SnsMessageAttributes.ofString('') } })).toThrow(InvalidMessageError);
  });
});

describe('properties', () => {
  test('explain agrees with matches on random body policies, and both verdicts occur', () => {
    const seen = new Set<boolean>();
    fc.assert(fc.property(snsBodyPairArb, ({ pattern, event }) => {
      let matched: boolean;
      try {
        matched = SnsFilterPolicyMatcher.matchesJson(pattern, BODY, { body: event });
      } catch (e) {
        return e instanceof PatternError;
      }
      seen.add(matched);
      return SnsFilterPolicyMatcher.explainJson(pattern, BODY, { body: event }).matched === matched;
    }), { numRuns: 300, seed: 99 });
    expect([...seen].sort()).toEqual([false, true]);
  });
});
