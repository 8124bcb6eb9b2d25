import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as fc from 'fast-check';
import { QueueWithDlq, QueueWithDlqProps } from '../../src';
import { userFunction } from '../helpers/nag';
import { assertPassesPacks, assertSynthesizesOrRejects, expectOurError, mostly, seconds } from '../helpers/properties';

/** Every prop name an error may name. */
const PROP_NAMES = [
  'queueName', 'fifo', 'contentBasedDeduplication', 'visibilityTimeout', 'retentionPeriod', 'receiveMessageWaitTime',
  'maxReceiveCount', 'deadLetterQueue', 'deadLetterQueueName', 'deadLetterRetentionPeriod', 'encryption',
  'encryptionMasterKey', 'dataKeyReuse', 'consumerOptions', 'oldestMessageAgeThreshold', 'maxMessageSizeBytes', 'deliveryDelay',
  'deduplicationScope', 'fifoThroughputLimit',
];

/** Event filters in the syntax Lambda takes, on the body: valid ones, and one that is not a pattern. */
const validFilter = fc.constantFrom(
  lambda.FilterCriteria.filter({ body: { type: lambda.FilterRule.isEqual('order') } }),
  lambda.FilterCriteria.filter({ body: { amount: lambda.FilterRule.between(1, 10) } }),
  lambda.FilterCriteria.filter({ body: lambda.FilterRule.beginsWith('ORDER') }),
);
const invalidFilter = fc.constantFrom({ pattern: '{"body":{"a":[{"numeric":[">>",1]}]}}' }, { pattern: 'not json' });

const standardName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
const fifoName = fc.stringMatching(/^[a-z][a-z0-9_]{0,20}\.fifo$/);
const badName = fc.string({ maxLength: 90 });

interface Sample {
  readonly fifo: boolean;
  readonly props: QueueWithDlqProps;
  readonly consumerTimeout?: number;
}

const sample: fc.Arbitrary<Sample> = fc.boolean().chain((fifo) =>
  fc.record(
    {
      fifo: fc.constant(fifo),
      props: fc.record(
        {
          queueName: mostly(fifo ? fifoName : standardName, fc.oneof(badName, fifo ? standardName : fifoName)),
          fifo: mostly(fc.constant(fifo), fc.constant(!fifo)),
          contentBasedDeduplication: mostly(fc.constant(fifo), fc.constant(true)),
          visibilityTimeout: mostly(seconds(0, 43_200), seconds(43_201, 90_000)),
          retentionPeriod: mostly(seconds(60, 345_600), seconds(0, 59)),
          receiveMessageWaitTime: mostly(seconds(0, 20), seconds(21, 100)),
          maxReceiveCount: mostly(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: -5, max: 0 })),
          deadLetterQueueName: mostly(fifo ? fifoName : standardName, badName),
          deadLetterRetentionPeriod: mostly(seconds(345_600, 1_209_600), seconds(1_209_601, 2_000_000)),
          encryption: mostly(
            fc.constantFrom(sqs.QueueEncryption.SQS_MANAGED, sqs.QueueEncryption.KMS, sqs.QueueEncryption.KMS_MANAGED),
            fc.constant(sqs.QueueEncryption.UNENCRYPTED),
          ),
          dataKeyReuse: mostly(seconds(60, 86_400), seconds(0, 59)),
          deadLetterQueueAlarm: fc.boolean(),
          oldestMessageAlarm: fc.boolean(),
          oldestMessageAgeThreshold: mostly(seconds(60, 86_400), seconds(0, 59)),
          maxMessageSizeBytes: mostly(fc.integer({ min: 1_024, max: 1_048_576 }), fc.integer({ min: 1_048_577, max: 2_000_000 })),
          deliveryDelay: mostly(seconds(0, 900), seconds(901, 2_000)),
          deduplicationScope: fifo
            ? fc.constantFrom(sqs.DeduplicationScope.QUEUE, sqs.DeduplicationScope.MESSAGE_GROUP)
            : mostly(fc.constant(undefined), fc.constant(sqs.DeduplicationScope.MESSAGE_GROUP)),
          fifoThroughputLimit: fifo
            ? fc.constantFrom(sqs.FifoThroughputLimit.PER_QUEUE, sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID)
            : mostly(fc.constant(undefined), fc.constant(sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID)),
          consumerOptions: fc.record(
            {
              batchSize: mostly(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 11, max: 20_000 })),
              maxBatchingWindow: fifo ? fc.constant(undefined) : mostly(seconds(0, 300), seconds(301, 400)),
              maxConcurrency: mostly(fc.integer({ min: 2, max: 1000 }), fc.integer({ min: 0, max: 1 })),
              reportBatchItemFailures: fc.boolean(),
              enabled: fc.boolean(),
              filters: mostly(fc.array(validFilter, { minLength: 1, maxLength: 5 }), fc.array(invalidFilter, { minLength: 1, maxLength: 2 })),
              metricsConfig: fc.constant({ metrics: [lambda.MetricType.EVENT_COUNT] }),
              provisionedPollerConfig: mostly(
                fc.record({ minimumPollers: fc.integer({ min: 2, max: 200 }), maximumPollers: fc.integer({ min: 200, max: 2_000 }) }),
                fc.record({ minimumPollers: fc.integer({ min: 0, max: 1 }) }),
              ),
            },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: [] },
      ),
      consumerTimeout: fc.integer({ min: 1, max: 900 }),
    },
    { requiredKeys: ['fifo', 'props'] },
  ),
);

/** Builds the sample. */
function create(stack: Stack, s: Sample): QueueWithDlq {
  const consumer = s.consumerTimeout !== undefined ? userFunction(stack, 'Fn', Duration.seconds(s.consumerTimeout)) : undefined;
  // consumerOptions only make sense with a consumer; without one they are an error of their own.
  const props = consumer || Math.abs(s.props.maxReceiveCount ?? 0) % 7 === 0 ? s.props : { ...s.props, consumerOptions: undefined };
  return new QueueWithDlq(stack, 'Orders', { ...props, consumer });
}

const expectError = (error: unknown) => expectOurError(error, { at: 'Test/Orders: ', naming: PROP_NAMES });

describe('QueueWithDlq with random props', () => {
  test('either synthesizes a well-formed template or throws an error naming a prop', () => {
    assertSynthesizesOrRejects(sample, {
      create,
      expectError,
      expectValid: ({ template }, s) => {
        expect(JSON.stringify(template.toJSON())).not.toMatch(/undefined|NaN|Infinity|null/);
        const queues = template.findResources('AWS::SQS::Queue');
        expect(Object.keys(queues)).toHaveLength(2);
        for (const queue of Object.values(queues)) {
          expect(queue.Properties.FifoQueue === true).toBe(s.props.fifo ?? s.props.queueName?.endsWith('.fifo') ?? false);
        }
      },
      numRuns: 300,
      minEach: 30,
    });
  });

  test('every template that synthesizes passes the compliance packs', () => {
    assertPassesPacks(sample, { create, expectError, numRuns: 60, minChecked: 5 });
  });
});
