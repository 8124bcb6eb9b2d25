import { Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as fc from 'fast-check';
import { FanoutTopic, QueueSubscriberOptions } from '../../src';
import { assertPassesPacks, assertSynthesizesOrRejects, expectOurError, mostly } from '../helpers/properties';

/** A subscriber: its queue's FIFO-ness (sometimes not the topic's), a filter policy of 1 to 200 values, a few QueueWithDlq props. */
const subscriber = (fifo: boolean): fc.Arbitrary<QueueSubscriberOptions> =>
  fc.record(
    {
      fifo: mostly(fc.constant(fifo), fc.constant(!fifo), 10),
      maxReceiveCount: mostly(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: -3, max: 0 }), 10),
      rawMessageDelivery: fc.boolean(),
      filterPolicy: fc
        .dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.integer({ min: 1, max: 40 }), { minKeys: 1, maxKeys: 6 })
        .map((keys) =>
          Object.fromEntries(
            Object.entries(keys).map(([key, count]) => [key, sns.SubscriptionFilter.stringFilter({ allowlist: Array.from({ length: count }, (_, i) => `${key}${i}`) })]),
          ),
        ),
    },
    { requiredKeys: [] },
  );

interface Sample {
  readonly fifo: boolean;
  readonly subscribers: Record<string, QueueSubscriberOptions>;
}

const sample: fc.Arbitrary<Sample> = fc.boolean().chain((fifo) =>
  fc.record({
    fifo: fc.constant(fifo),
    subscribers: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), subscriber(fifo), { minKeys: 0, maxKeys: 4 }),
  }),
);

function create(stack: Stack, s: Sample): FanoutTopic {
  return new FanoutTopic(stack, 'Orders', { fifo: s.fifo, subscribers: s.subscribers });
}

function expectError(error: unknown, s: Sample): void {
  expectOurError(error, { naming: /fifo|filterPolicy|maxReceiveCount/ });
  // The error names the subscriber it is about.
  expect(Object.keys(s.subscribers).some((id) => (error as Error).message.startsWith(`Test/Orders/${id}`))).toBe(true);
}

describe('FanoutTopic with random subscriber sets', () => {
  test('either synthesizes one subscription per subscriber or throws an error naming the subscriber', () => {
    assertSynthesizesOrRejects(sample, {
      create,
      expectError,
      expectValid: ({ template }, s) => {
        const count = Object.keys(s.subscribers).length;
        template.resourceCountIs('AWS::SNS::Subscription', count);
        template.resourceCountIs('AWS::SQS::Queue', 1 + 2 * count);
        for (const queue of Object.values(template.findResources('AWS::SQS::Queue'))) {
          expect(queue.Properties.FifoQueue === true).toBe(s.fifo);
        }
        for (const subscription of Object.values(template.findResources('AWS::SNS::Subscription'))) {
          expect(subscription.Properties.RedrivePolicy).toBeDefined();
        }
      },
      numRuns: 120,
      minEach: 20,
    });
  });

  test('every template that synthesizes passes the compliance packs', () => {
    assertPassesPacks(sample, { create, expectError, numRuns: 40, minChecked: 5 });
  });
});
