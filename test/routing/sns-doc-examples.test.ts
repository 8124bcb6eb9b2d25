/**
 * The examples of the Amazon SNS Developer Guide, restated as facts: a filter
 * policy, a message, and the verdict the guide gives. Attributes are written as
 * SNS delivers them (`{ Type, Value }`). The page of each fact is named so it
 * can be checked again when the guide changes; the pages are under
 * https://docs.aws.amazon.com/sns/latest/dg/ (e.g. attribute-key-matching.html).
 */
import { SnsFilterPolicyMatcher, SnsFilterPolicyScope } from '../../src/routing';

interface Fact {
  /** The guide's page (and section) stating the fact. */
  readonly page: string;
  readonly policy: Record<string, unknown>;
  readonly scope: SnsFilterPolicyScope;
  /** Message attributes (attribute scope) or message body (body scope). */
  readonly message: Record<string, unknown>;
  readonly delivered: boolean;
}

const ATTRIBUTES = SnsFilterPolicyScope.MESSAGE_ATTRIBUTES;
const BODY = SnsFilterPolicyScope.MESSAGE_BODY;

const str = (value: string) => ({ Type: 'String', Value: value });
const num = (value: number | string) => ({ Type: 'Number', Value: String(value) });
const arr = (values: unknown[]) => ({ Type: 'String.Array', Value: JSON.stringify(values) });

/** Builds the facts of one policy: each message with the verdict the guide gives for it. */
function facts(page: string, scope: SnsFilterPolicyScope, policy: Record<string, unknown>, cases: [Record<string, unknown>, boolean][]): Fact[] {
  return cases.map(([message, delivered]) => ({ page, scope, policy, message, delivered }));
}

const FACTS: Fact[] = [
  // String value matching
  ...facts('string-value-matching#exact', ATTRIBUTES, { customer_interests: ['rugby', 'tennis'] }, [
    [{ customer_interests: str('rugby') }, true],
    [{ customer_interests: str('tennis') }, true],
    [{ customer_interests: str('baseball') }, false],
    [{ customer_interests: arr(['rugby', 'tennis']) }, true],
    [{ customer_interests: arr(['baseball']) }, false],
  ]),
  ...facts('string-value-matching#exact (message body)', BODY, { customer_interests: ['rugby', 'tennis'] }, [
    [{ customer_interests: 'rugby' }, true],
    [{ customer_interests: 'tennis' }, true],
    [{ customer_interests: 'baseball' }, false],
  ]),
  ...facts('string-value-matching#anything-but', ATTRIBUTES, { customer_interests: [{ 'anything-but': ['rugby', 'tennis'] }] }, [
    [{ customer_interests: str('baseball') }, true],
    [{ customer_interests: str('football') }, true],
    [{ customer_interests: arr(['rugby', 'baseball']) }, true],
    [{ customer_interests: str('rugby') }, false],
  ]),
  ...facts('string-value-matching#anything-but (message body)', BODY, { customer_interests: [{ 'anything-but': ['rugby', 'tennis'] }] }, [
    [{ customer_interests: 'baseball' }, true],
    [{ customer_interests: 'football' }, true],
    [{ customer_interests: ['rugby', 'baseball'] }, true],
    [{ customer_interests: 'rugby' }, false],
  ]),
  ...facts('string-value-matching#anything-but with a prefix', ATTRIBUTES, { event: [{ 'anything-but': { prefix: 'order-' } }] }, [
    [{ event: str('data-entry') }, true],
    [{ event: str('order_number') }, true],
    [{ event: str('order-cancelled') }, false],
  ]),
  ...facts('string-value-matching#prefix', ATTRIBUTES, { customer_interests: [{ prefix: 'bas' }] }, [
    [{ customer_interests: str('baseball') }, true],
    [{ customer_interests: str('basketball') }, true],
    [{ customer_interests: str('rugby') }, false],
  ]),
  ...facts('string-value-matching#ip-address', ATTRIBUTES, { source_ip: [{ cidr: '10.0.0.0/24' }] }, [
    [{ source_ip: str('10.0.0.0') }, true],
    [{ source_ip: str('10.0.0.255') }, true],
    [{ source_ip: str('10.1.1.0') }, false],
  ]),
  ...facts('subscription-filter-policy-constraints (string matching is case-sensitive)', ATTRIBUTES, { customer_interests: ['rugby'] }, [
    [{ customer_interests: str('Rugby') }, false],
  ]),

  // Numeric value matching
  ...facts('numeric-value-matching#exact', ATTRIBUTES, { price_usd: [{ numeric: ['=', 301.5] }] }, [
    [{ price_usd: num(301.5) }, true],
    [{ price_usd: num('3.015e2') }, true],
  ]),
  ...facts('numeric-value-matching#exact (message body)', BODY, { price_usd: [{ numeric: ['=', 301.5] }] }, [
    [{ price_usd: 301.5 }, true],
    [{ price_usd: 3.015e2 }, true],
  ]),
  ...facts('numeric-value-matching#anything-but', ATTRIBUTES, { price: [{ 'anything-but': [100, 500] }] }, [
    [{ price: num(101) }, true],
    [{ price: num(100.1) }, true],
    // The guide writes this attribute with the type "Number.Array"; SNS's array type is String.Array.
    [{ price: arr([100, 50]) }, true],
    [{ price: num(100) }, false],
  ]),
  ...facts('numeric-value-matching#anything-but (message body)', BODY, { price: [{ 'anything-but': [100, 500] }] }, [
    [{ price: 101 }, true],
    [{ price: 100.1 }, true],
    [{ price: [100, 50] }, true],
    [{ price: 100 }, false],
  ]),
  ...facts('numeric-value-matching#range: negative values', ATTRIBUTES, { price_usd: [{ numeric: ['<', 0] }] }, [
    [{ price_usd: num(-0.5) }, true],
    [{ price_usd: num(0) }, false],
  ]),
  ...facts('numeric-value-matching#range: positive up to and including 150', ATTRIBUTES, { price_usd: [{ numeric: ['>', 0, '<=', 150] }] }, [
    [{ price_usd: num(150) }, true],
    [{ price_usd: num(0.01) }, true],
    [{ price_usd: num(0) }, false],
    [{ price_usd: num(150.01) }, false],
  ]),

  // Key matching
  ...facts('attribute-key-matching: exists true', ATTRIBUTES, { store: [{ exists: true }] }, [
    [{ store: str('fans'), customer_interests: arr(['baseball', 'basketball']) }, true],
    [{ customer_interests: arr(['baseball', 'basketball']) }, false],
  ]),
  ...facts('attribute-key-matching: exists true (message body)', BODY, { store: [{ exists: true }] }, [
    [{ store: 'fans', customer_interests: ['baseball', 'basketball'] }, true],
    [{ customer_interests: ['baseball', 'basketball'] }, false],
  ]),
  ...facts('attribute-key-matching: exists false', ATTRIBUTES, { store: [{ exists: false }] }, [
    [{ store: str('fans'), customer_interests: arr(['baseball', 'basketball']) }, false],
    [{ customer_interests: arr(['baseball', 'basketball']) }, true],
  ]),
  ...facts('attribute-key-matching: exists false (message body)', BODY, { store: [{ exists: false }] }, [
    [{ store: 'fans', customer_interests: ['baseball', 'basketball'] }, false],
    [{ customer_interests: ['baseball', 'basketball'] }, true],
  ]),
  ...facts('string-value-matching#anything-but: combined with "exists": false', ATTRIBUTES,
    { customer_interests: [{ 'anything-but': ['rugby', 'tennis'] }, { exists: false }] }, [
      [{ store: str('example_corp') }, true],
      [{ customer_interests: str('baseball') }, true],
      [{ customer_interests: str('rugby') }, false],
    ]),
  // https://docs.aws.amazon.com/sns/latest/dg/attribute-key-matching.html: '"exists": false only matches if at least
  // one attribute is present. An empty set of attributes results in the filter not matching.'
  ...facts('attribute-key-matching: exists false needs at least one attribute', ATTRIBUTES, { store: [{ exists: false }] }, [
    [{}, false],
  ]),
  ...facts('attribute-key-matching + string-value-matching#anything-but: no attribute at all', ATTRIBUTES,
    { customer_interests: [{ 'anything-but': ['rugby', 'tennis'] }, { exists: false }] }, [
      [{}, false],
    ]),
  // https://docs.aws.amazon.com/sns/latest/dg/attribute-key-matching.html: for "exists": true, "the key must have a
  // non-null and non-empty value".
  ...facts('attribute-key-matching: exists true needs a non-null, non-empty value (message body)', BODY, { store: [{ exists: true }] }, [
    [{ store: null }, false],
    [{ store: '' }, false],
    [{ store: [] }, false],
    [{ store: 'fans' }, true],
  ]),
  ...facts('subscription-filter-policies: every policy key must be present', ATTRIBUTES, { customer_interests: [{ 'anything-but': ['rugby'] }] }, [
    [{}, false],
  ]),
  ...facts('subscription-filter-policy-constraints: Binary attributes are ignored', ATTRIBUTES, { store: [{ exists: true }] }, [
    [{ store: { Type: 'Binary', Value: 'AAEC' } }, false],
  ]),

  // AND / OR logic
  ...facts('and-or-logic#and', ATTRIBUTES, { customer_interests: ['rugby'], price_usd: [{ numeric: ['>', 100] }] }, [
    [{ customer_interests: str('rugby'), price_usd: num(101) }, true],
    [{ customer_interests: str('rugby'), price_usd: num(100) }, false],
    [{ customer_interests: str('tennis'), price_usd: num(101) }, false],
  ]),
  ...facts('and-or-logic#or (values of one key)', ATTRIBUTES, { customer_interests: ['rugby', 'football', 'baseball'] }, [
    [{ customer_interests: str('football') }, true],
    [{ customer_interests: str('hockey') }, false],
  ]),
  ...facts('and-or-logic#or-operator', ATTRIBUTES, {
    source: ['aws.cloudwatch'],
    $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
  }, [
    [{ source: str('aws.cloudwatch'), metricName: str('ReadLatency') }, true],
    [{ source: str('aws.cloudwatch'), namespace: str('AWS/ES') }, true],
    [{ source: str('aws.cloudwatch'), namespace: str('AWS/S3') }, false],
    [{ source: str('aws.s3'), metricName: str('CPUUtilization') }, false],
  ]),

  // The guide's example message, in both scopes
  ...facts('example-filter-policies: the policy that accepts the example message', ATTRIBUTES, {
    store: ['example_corp'],
    event: [{ 'anything-but': 'order_cancelled' }],
    customer_interests: ['rugby', 'football', 'baseball'],
    price_usd: [{ numeric: ['>=', 100] }],
  }, [
    [{ customer_interests: arr(['soccer', 'rugby', 'hockey']), store: str('example_corp'), event: str('order_placed'), price_usd: num('210.75') }, true],
  ]),
  ...facts('example-filter-policies: the policy that rejects the example message', ATTRIBUTES, {
    store: ['example_corp'],
    event: ['order_cancelled'],
    encrypted: [false],
    customer_interests: ['basketball', 'baseball'],
  }, [
    [{ customer_interests: arr(['soccer', 'rugby', 'hockey']), store: str('example_corp'), event: str('order_placed'), price_usd: num('210.75') }, false],
  ]),
  ...facts('example-filter-policies: the accepting policy, message body', BODY, {
    store: ['example_corp'],
    event: [{ 'anything-but': 'order_cancelled' }],
    customer_interests: ['rugby', 'football', 'baseball'],
    price_usd: [{ numeric: ['>=', 100] }],
  }, [
    [{ customer_interests: ['soccer', 'rugby', 'hockey'], store: 'example_corp', event: 'order_placed', price_usd: 210.75 }, true],
  ]),
  ...facts('subscription-filter-policy-constraints: nested keys at body scope', BODY, {
    key_a: { key_b: { key_c: { key_d: ['value_one', 'value_two'] } }, key_e: { key_f: ['value_three'] } },
  }, [
    [{ key_a: { key_b: { key_c: { key_d: 'value_two' } }, key_e: { key_f: 'value_three' } } }, true],
    [{ key_a: { key_b: { key_c: { key_d: 'value_two' } } } }, false],
  ]),
];

describe('the examples of the SNS Developer Guide', () => {
  test.each(FACTS.map((f) => [f.page, JSON.stringify(f.policy), JSON.stringify(f.message), f.delivered, f] as const))(
    '%s: policy %s, message %s -> delivered %s',
    (_page, _policy, _message, _delivered, fact) => {
      // GIVEN the policy and message of the guide
      const message = fact.scope === ATTRIBUTES ? { attributes: fact.message as any } : { body: fact.message };

      // WHEN the policy is evaluated
      const explanation = SnsFilterPolicyMatcher.explainJson(fact.policy, fact.scope, message);

      // THEN the verdict is the guide's, and the explanation agrees with it
      expect(SnsFilterPolicyMatcher.matchesJson(fact.policy, fact.scope, message)).toBe(fact.delivered);
      expect(explanation.matched).toBe(fact.delivered);
      expect(explanation.reasons.length).toBeGreaterThan(0);
    },
  );

  test('every fact names its page and both verdicts occur', () => {
    expect(FACTS.every((f) => f.page.length > 0)).toBe(true);
    expect(FACTS.some((f) => f.delivered)).toBe(true);
    expect(FACTS.some((f) => !f.delivered)).toBe(true);
  });
});
