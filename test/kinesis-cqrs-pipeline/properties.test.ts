import { Duration, Stack } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as fc from 'fast-check';
import { KinesisCqrsPipeline, KinesisCqrsPipelineProps } from '../../src';
import { assertPassesPacks, assertSynthesizesOrRejects, expectOurError, hours, mostly as mostlyOf, seconds } from '../helpers/properties';

/** Every prop name an error may name. */
const PROP_NAMES = [
  'streamMode', 'shardCount', 'retentionPeriod', 'partitionKey', 'projectorMemorySize', 'projectorTimeout', 'batchSize',
  'maxBatchingWindow', 'parallelizationFactor', 'retryAttempts', 'maxRecordAge', 'iteratorAgeThreshold',
];

/** Mostly values inside the valid range, sometimes outside it. */
const mostly = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>) => mostlyOf(valid, invalid, 15);

const sample: fc.Arbitrary<KinesisCqrsPipelineProps> = fc.record(
  {
    streamMode: fc.constantFrom(kinesis.StreamMode.PROVISIONED, kinesis.StreamMode.PROVISIONED, kinesis.StreamMode.ON_DEMAND),
    shardCount: mostly(fc.integer({ min: 1, max: 64 }), fc.integer({ min: -3, max: 0 })),
    retentionPeriod: mostly(hours(24, 8760), hours(1, 23)),
    partitionKey: mostly(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,20}$/).filter((k) => !['version', 'type', 'state', 'updatedAt'].includes(k)), fc.constantFrom('', 'state', ' pk')),
    projectorMemorySize: mostly(fc.integer({ min: 128, max: 10_240 }), fc.integer({ min: 0, max: 127 })),
    projectorTimeout: mostly(seconds(1, 900), seconds(901, 2000)),
    batchSize: mostly(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 10_001, max: 20_000 })),
    maxBatchingWindow: mostly(seconds(0, 300), seconds(301, 600)),
    parallelizationFactor: mostly(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 11, max: 20 })),
    retryAttempts: mostly(fc.integer({ min: 0, max: 10_000 }), fc.constant(-1)),
    maxRecordAge: mostly(seconds(60, 12 * 3600), seconds(0, 59)),
    iteratorAgeThreshold: mostly(seconds(60, 3 * 3600), seconds(0, 59)),
    enhancedFanOut: fc.boolean(),
    iteratorAgeAlarm: fc.constant(true),
    failureQueueAlarm: fc.boolean(),
    projectorErrorsAlarm: fc.boolean(),
    streamIteratorAgeAlarm: fc.boolean(),
  },
  { requiredKeys: [] },
).map((props) => {
  // On-demand streams take no shard count: a positive one is dropped so that the sample stays mostly valid.
  const onDemandWithShards = props.streamMode === kinesis.StreamMode.ON_DEMAND && props.shardCount !== undefined && props.shardCount > 0;
  return onDemandWithShards ? { ...props, shardCount: undefined } : props;
});

const create = (stack: Stack, props: KinesisCqrsPipelineProps) => new KinesisCqrsPipeline(stack, 'Ledger', props);

const expectError = (error: unknown) => expectOurError(error, { at: /^Test\/Ledger(\/Projection)?: /, naming: PROP_NAMES });

describe('KinesisCqrsPipeline with random props', () => {
  test('either synthesizes a well-formed template or throws an error naming a prop', () => {
    assertSynthesizesOrRejects(sample, {
      create,
      expectError,
      expectValid: ({ template }, props) => {
        expect(JSON.stringify(template.toJSON())).not.toMatch(/undefined|NaN|Infinity/);
        const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0].Properties;
        expect(mapping.StartingPosition).toBe('TRIM_HORIZON');
        expect(mapping.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
        expect(mapping.MaximumRecordAgeInSeconds).toBeGreaterThanOrEqual(60);
        // The record age never reaches the retention: skipped records can still be replayed.
        const retentionSeconds = (props.retentionPeriod ?? Duration.days(7)).toSeconds();
        expect(mapping.MaximumRecordAgeInSeconds).toBeLessThan(retentionSeconds);
        // The iterator-age alarm fires before records are skipped.
        const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'IteratorAge' } }))[0].Properties;
        expect(alarm.Threshold).toBeLessThan(mapping.MaximumRecordAgeInSeconds * 1000);
      },
      numRuns: 150,
      minEach: 20,
    });
  });

  test('every template that synthesizes passes the compliance packs', () => {
    assertPassesPacks(sample, { create, expectError, numRuns: 25, minChecked: 3 });
  });
});
