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

/** Options of the topic itself: archiving and the throughput scope (FIFO only), delivery status logging. */
interface TopicOptions {
  readonly messageRetentionPeriodInDays?: number;
  readonly fifoThroughputScope?: sns.FifoThroughputScope;
  readonly loggingConfigs?: sns.LoggingConfig[];
}

/** A logging entry: mostly a valid sample rate, sometimes out of range. */
const loggingConfig: fc.Arbitrary<sns.LoggingConfig> = fc.record(
  {
    protocol: fc.constantFrom(...Object.values(sns.LoggingProtocol)),
    successFeedbackSampleRate: mostly(fc.integer({ min: 0, max: 100 }), fc.constantFrom(-1, 101, 0.5), 15),
  },
  { requiredKeys: ['protocol'] },
);

/**
 * Topic options: mostly valid; sometimes a retention out of range, FIFO-only
 * options on a standard topic, or a protocol logged twice.
 */
const topicOptions = (fifo: boolean): fc.Arbitrary<TopicOptions> =>
  fc.tuple(
    fc.record(
      {
        messageRetentionPeriodInDays: mostly(fc.integer({ min: 1, max: 365 }), fc.constantFrom(0, 366, 2.5), 15),
        fifoThroughputScope: fc.constantFrom(...Object.values(sns.FifoThroughputScope)),
        loggingConfigs: mostly(
          fc.uniqueArray(loggingConfig, { maxLength: 3, selector: (c) => c.protocol }),
          loggingConfig.map((c) => [c, { protocol: c.protocol }]),
          15,
        ),
      },
      { requiredKeys: [] },
    ),
    // FIFO-only options are kept on a standard topic in one sample out of eight.
    fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  ).map(([options, keepOnStandard]) => (fifo || keepOnStandard ? options : { loggingConfigs: options.loggingConfigs }));

interface Sample {
  readonly fifo: boolean;
  readonly topic: TopicOptions;
  readonly subscribers: Record<string, QueueSubscriberOptions>;
}

const sample: fc.Arbitrary<Sample> = fc.boolean().chain((fifo) =>
  fc.record({
    fifo: fc.constant(fifo),
    topic: topicOptions(fifo),
    subscribers: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), subscriber(fifo), { minKeys: 0, maxKeys: 4 }),
  }),
);

function create(stack: Stack, s: Sample): FanoutTopic {
  return new FanoutTopic(stack, 'Orders', { fifo: s.fifo, ...s.topic, subscribers: s.subscribers });
}

/** Whether the topic's own options break a rule (they are checked before the subscribers). */
function topicInvalid(s: Sample): boolean {
  const days = s.topic.messageRetentionPeriodInDays;
  const configs = s.topic.loggingConfigs ?? [];
  const protocols = configs.map((c) => c.protocol);
  return (
    (days !== undefined && (!s.fifo || !Number.isInteger(days) || days < 1 || days > 365)) ||
    (!s.fifo && s.topic.fifoThroughputScope !== undefined) ||
    configs.some(({ successFeedbackSampleRate: rate }) => rate !== undefined && (!Number.isInteger(rate) || rate < 0 || rate > 100)) ||
    new Set(protocols).size !== protocols.length
  );
}

function expectError(error: unknown, s: Sample): void {
  if (topicInvalid(s)) {
    // The topic's own props are named on the topic.
    expectOurError(error, { at: 'Test/Orders: ', naming: /messageRetentionPeriodInDays|fifoThroughputScope|loggingConfigs/ });
    return;
  }
  expectOurError(error, { naming: /fifo|filterPolicy|maxReceiveCount/ });
  // The error names the subscriber it is about.
  expect(Object.keys(s.subscribers).some((id) => (error as Error).message.startsWith(`Test/Orders/${id}`))).toBe(true);
}

describe('FanoutTopic with random topic options and subscriber sets', () => {
  test('either synthesizes the topic options and one subscription per subscriber, or throws an error naming the prop or the subscriber', () => {
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
        const topic = Object.values(template.findResources('AWS::SNS::Topic'))[0].Properties;
        const days = s.topic.messageRetentionPeriodInDays;
        expect(topic.ArchivePolicy).toEqual(days === undefined ? undefined : { MessageRetentionPeriod: days });
        expect(topic.FifoThroughputScope).toBe(s.topic.fifoThroughputScope);
        // One logging entry per protocol given, each naming a role; archiving means a customer-managed key.
        expect((topic.DeliveryStatusLogging ?? []).map((c: any) => c.Protocol)).toEqual((s.topic.loggingConfigs ?? []).map((c) => c.protocol));
        for (const config of topic.DeliveryStatusLogging ?? []) {
          expect(config.SuccessFeedbackRoleArn).toBeDefined();
        }
        template.resourceCountIs('AWS::KMS::Key', days === undefined ? 0 : 1);
      },
      numRuns: 120,
      minEach: 20,
    });
  });

  test('every template that synthesizes passes the compliance packs', () => {
    assertPassesPacks(sample, { create, expectError, numRuns: 40, minChecked: 5 });
  });
});
