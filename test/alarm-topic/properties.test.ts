import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as fc from 'fast-check';
import { AlarmTopic } from '../../src/alarm-topic';
import { assertPassesPacks, assertSynthesizesOrRejects, expectOurError, mostly } from '../helpers/properties';

/** A value and whether the construct must accept it, known by construction. */
interface Tagged {
  readonly value: string;
  readonly valid: boolean;
}

/** An address with one '@' and a domain with a dot, or one of the shapes the construct refuses. */
const address: fc.Arbitrary<Tagged> = mostly<Tagged>(
  fc
    .tuple(fc.stringMatching(/^[a-z0-9._+-]{1,12}$/), fc.stringMatching(/^[a-z0-9-]{1,10}$/), fc.constantFrom('com', 'org', 'co.uk', 'io'))
    .map(([local, domain, tld]) => ({ value: `${local}@${domain}.${tld}`, valid: true })),
  fc.constantFrom('oncall', 'oncall@example', '@example.com', 'on@call@example.com', 'oncall@.com', 'oncall@example.').map((value) => ({ value, valid: false })),
  20,
);

/** A list of addresses; in one sample out of ten, its first address is repeated at the end. */
const addresses: fc.Arbitrary<Tagged[]> = fc
  .tuple(fc.uniqueArray(address, { maxLength: 4, selector: (a) => a.value }), fc.integer({ min: 0, max: 9 }))
  .map(([list, n]) => (n === 0 && list.length > 0 ? [...list, { value: list[0].value, valid: false }] : list));

const topicName: fc.Arbitrary<Tagged> = mostly<Tagged>(
  fc.stringMatching(/^[A-Za-z0-9_-]{1,256}$/).map((value) => ({ value, valid: true })),
  fc.constantFrom('alarms.fifo', 'shop alarms', 'a/b', 'x'.repeat(257)).map((value) => ({ value, valid: false })),
);

const displayName: fc.Arbitrary<Tagged> = fc.integer({ min: 0, max: 120 }).map((n) => ({ value: 'd'.repeat(n), valid: n <= 100 }));

interface Sample {
  readonly emailAddresses: Tagged[];
  readonly topicName?: Tagged;
  readonly displayName?: Tagged;
}

const sample: fc.Arbitrary<Sample> = fc.record({ emailAddresses: addresses, topicName, displayName }, { requiredKeys: ['emailAddresses'] });

function create(stack: Stack, s: Sample): AlarmTopic {
  return new AlarmTopic(stack, 'Alarms', {
    emailAddresses: s.emailAddresses.map((a) => a.value),
    topicName: s.topicName?.value,
    displayName: s.displayName?.value,
  });
}

/** The props the sample makes invalid. */
function invalidProps(s: Sample): string[] {
  return [
    ...(s.topicName && !s.topicName.valid ? ['topicName'] : []),
    ...(s.displayName && !s.displayName.valid ? ['displayName'] : []),
    ...(s.emailAddresses.some((a) => !a.valid) ? ['emailAddresses'] : []),
  ];
}

function expectError(error: unknown, s: Sample): void {
  const invalid = invalidProps(s);
  // Only samples with an invalid prop are refused, and the error names the construct and every such prop.
  expect(invalid.length).toBeGreaterThan(0);
  expectOurError(error, { at: 'Test/Alarms: ', naming: invalid });
  for (const prop of invalid) {
    expect((error as Error).message).toContain(prop);
  }
}

describe('AlarmTopic with random names and e-mail addresses', () => {
  test('either synthesizes one subscription per address with a redrive policy, or throws an error naming every invalid prop', () => {
    assertSynthesizesOrRejects(sample, {
      create,
      expectError,
      expectValid: ({ construct, template }, s) => {
        expect(invalidProps(s)).toEqual([]);
        const count = s.emailAddresses.length;
        template.resourceCountIs('AWS::SNS::Subscription', count);
        template.resourceCountIs('AWS::SQS::Queue', count > 0 ? 1 : 0);
        template.resourceCountIs('AWS::CloudWatch::Alarm', count > 0 ? 1 : 0);
        const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')).map((r) => r.Properties);
        expect(subscriptions.map((p) => p.Endpoint)).toEqual(s.emailAddresses.map((a) => a.value));
        for (const subscription of subscriptions) {
          expect(subscription.Protocol).toBe('email');
          expect(subscription.RedrivePolicy).toBeDefined();
        }
        const topic = Object.values(template.findResources('AWS::SNS::Topic'))[0].Properties;
        expect(topic.TopicName).toBe(s.topicName?.value);
        expect(topic.DisplayName).toBe(s.displayName?.value);
        expect(topic.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [Stack.of(construct).getLogicalId(construct.encryptionKey.node.defaultChild as kms.CfnKey), 'Arn'] });
      },
      numRuns: 100,
      minEach: 20,
    });
  });

  test('every template that synthesizes passes the compliance packs', () => {
    assertPassesPacks(sample, { create, expectError, numRuns: 25, minChecked: 8 });
  });
});
