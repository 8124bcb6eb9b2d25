import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as fc from 'fast-check';
import { FanoutTopic, QueueSubscriberOptions } from '../../src';
import { nagFindings, testStack } from '../helpers/nag';

const mostly = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>) => fc.oneof({ weight: 10, arbitrary: valid }, { weight: 1, arbitrary: invalid });

/** A subscriber: its queue's FIFO-ness (sometimes not the topic's), a filter policy of 1 to 200 values, a few QueueWithDlq props. */
const subscriber = (fifo: boolean): fc.Arbitrary<QueueSubscriberOptions> =>
  fc.record(
    {
      fifo: mostly(fc.constant(fifo), fc.constant(!fifo)),
      maxReceiveCount: mostly(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: -3, max: 0 })),
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

const sample = fc.boolean().chain((fifo) =>
  fc.record({
    fifo: fc.constant(fifo),
    subscribers: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), subscriber(fifo), { minKeys: 0, maxKeys: 4 }),
  }),
);

function build(s: { fifo: boolean; subscribers: Record<string, QueueSubscriberOptions> }, nag: boolean) {
  const { app, stack } = testStack(nag);
  try {
    new FanoutTopic(stack, 'Orders', { fifo: s.fifo, subscribers: s.subscribers });
    return { app, stack };
  } catch (error) {
    return { app, stack, error };
  }
}

function expectOurError(error: unknown, subscribers: string[]): void {
  const e = error as Error;
  expect(e.name).toBe('MessagePatternsError');
  // The error names the subscriber it is about.
  expect(subscribers.some((id) => e.message.startsWith(`Test/Orders/${id}`))).toBe(true);
  expect(e.message).toMatch(/fifo|filterPolicy|maxReceiveCount/);
}

describe('FanoutTopic with random subscriber sets', () => {
  test('either synthesizes one subscription per subscriber or throws an error naming the subscriber', () => {
    const outcomes = { valid: 0, invalid: 0 };
    fc.assert(
      fc.property(sample, (s) => {
        const { stack, error } = build(s, false);
        if (error !== undefined) {
          outcomes.invalid++;
          expectOurError(error, Object.keys(s.subscribers));
          return;
        }
        outcomes.valid++;
        const template = Template.fromStack(stack);
        const count = Object.keys(s.subscribers).length;
        template.resourceCountIs('AWS::SNS::Subscription', count);
        template.resourceCountIs('AWS::SQS::Queue', 1 + 2 * count);
        for (const queue of Object.values(template.findResources('AWS::SQS::Queue'))) {
          expect(queue.Properties.FifoQueue === true).toBe(s.fifo);
        }
        for (const subscription of Object.values(template.findResources('AWS::SNS::Subscription'))) {
          expect(subscription.Properties.RedrivePolicy).toBeDefined();
        }
      }),
      { numRuns: 120 },
    );
    expect(outcomes.valid).toBeGreaterThan(20);
    expect(outcomes.invalid).toBeGreaterThan(20);
  });

  test('every template that synthesizes passes the compliance packs', () => {
    let checked = 0;
    fc.assert(
      fc.property(sample, (s) => {
        const { app, error } = build(s, true);
        if (error !== undefined) {
          return;
        }
        checked++;
        expect(nagFindings(app)).toEqual([]);
      }),
      { numRuns: 40 },
    );
    expect(checked).toBeGreaterThan(5);
  });
});
