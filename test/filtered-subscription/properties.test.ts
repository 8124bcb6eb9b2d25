import { Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as fc from 'fast-check';
import { FilteredSubscription } from '../../src';
import { assertSynthesizesOrRejects, expectOurError, mostly } from '../helpers/properties';

const text = fc.string({ minLength: 1, maxLength: 12 });
const snsNumber = mostly(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => n / 100),
  fc.oneof(fc.constant(5e9), fc.constant(-2e9), fc.constant(1.1234567), fc.constant(Number.NaN)),
  15,
);

/** One entry of a key's value list, in raw SNS JSON. */
const condition: fc.Arbitrary<unknown> = mostly<unknown>(
  fc.oneof(
    text,
    snsNumber,
    fc.boolean(),
    text.map((prefix) => ({ prefix })),
    text.map((suffix) => ({ suffix })),
    text.map((value) => ({ 'equals-ignore-case': value })),
    fc.array(text, { minLength: 1, maxLength: 3 }).map((values) => ({ 'anything-but': values })),
    text.map((prefix) => ({ 'anything-but': { prefix } })),
    snsNumber.map((n) => ({ numeric: ['>', n] })),
    fc.tuple(fc.integer({ min: -100, max: 0 }), fc.integer({ min: 1, max: 100 })).map(([a, b]) => ({ numeric: ['>=', a, '<', b] })),
    fc.boolean().map((exists) => ({ exists })),
    fc.constantFrom('10.0.0.0/8', '192.168.1.0/24', '2001:db8::/32').map((cidr) => ({ cidr })),
  ),
  fc.oneof(
    fc.constant({ wildcard: 'a*' }),
    fc.constant({ numeric: ['>', 'x'] }),
    fc.constant({ cidr: '300.0.0.0/8' }),
    fc.constant({ exists: 'yes' }),
    fc.constant({ prefix: 'a', suffix: 'b' }),
    fc.constant({ numeric: ['<', 5, '>', 1] }),
  ),
  15,
);

const keyName = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,7}$/);
const conditions = fc.array(condition, { minLength: 1, maxLength: 30 });

/** An attribute-scope policy: 1 to 7 keys. */
const attributePolicy = fc.dictionary(keyName, conditions, { minKeys: 1, maxKeys: 7 });

/** A message-body policy: keys holding conditions or, sometimes, a nested policy. */
const bodyPolicy: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ policy: Record<string, unknown> }>((tie) => ({
  policy: fc.dictionary(keyName, fc.oneof({ weight: 3, arbitrary: conditions }, { weight: 1, arbitrary: tie('policy') }), {
    minKeys: 1,
    maxKeys: 6,
    depthIdentifier: 'body',
  } as any),
})).policy;

interface Sample {
  readonly scope: 'attributes' | 'body';
  readonly policy: Record<string, unknown>;
}

const sample: fc.Arbitrary<Sample> = fc.oneof(
  attributePolicy.map((policy) => ({ scope: 'attributes' as const, policy })),
  bodyPolicy.map((policy) => ({ scope: 'body' as const, policy })),
);

function toAttributePolicy(policy: Record<string, unknown>): { [key: string]: sns.SubscriptionFilter } {
  return Object.fromEntries(Object.entries(policy).map(([k, v]) => [k, new sns.SubscriptionFilter(v as unknown[])]));
}

function toBodyPolicy(policy: Record<string, unknown>): { [key: string]: sns.FilterOrPolicy } {
  return Object.fromEntries(
    Object.entries(policy).map(([k, v]) => [
      k,
      Array.isArray(v)
        ? sns.FilterOrPolicy.filter(new sns.SubscriptionFilter(v))
        : sns.FilterOrPolicy.policy(toBodyPolicy(v as Record<string, unknown>)),
    ]),
  );
}

/** The policy prop of a sample's scope. */
const policyProp = (s: Sample): string => (s.scope === 'attributes' ? 'filterPolicy' : 'filterPolicyWithMessageBody');

describe('FilteredSubscription with random filter policies', () => {
  test('either synthesizes the policy as given or throws an error naming the policy prop, never anything else', () => {
    assertSynthesizesOrRejects(sample, {
      create: (stack: Stack, s) => new FilteredSubscription(stack, 'Sub', {
        topic: new sns.Topic(stack, 'Topic'),
        queue: new sqs.Queue(stack, 'Queue'),
        filterPolicy: s.scope === 'attributes' ? toAttributePolicy(s.policy) : undefined,
        filterPolicyWithMessageBody: s.scope === 'body' ? toBodyPolicy(s.policy) : undefined,
      }),
      expectError: (error, s) => expectOurError(error, { at: `Test/Sub: ${policyProp(s)}` }),
      expectValid: ({ template }, s) => {
        const resource = Object.values(template.findResources('AWS::SNS::Subscription'))[0];
        expect(resource.Properties.FilterPolicy).toEqual(s.policy);
        expect(resource.Properties.FilterPolicyScope).toBe(s.scope === 'body' ? 'MessageBody' : undefined);
      },
      numRuns: 250,
      minEach: 25,
    });
  });
});
