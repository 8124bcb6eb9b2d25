import { Duration, Size, Stack, Validations } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fc from 'fast-check';
import { KinesisCqrsPipeline, KinesisCqrsPipelineProps } from '../../src';
import { assertPassesPacks, assertSynthesizesOrRejects, expectOurError, hours, mostly as mostlyOf, seconds } from '../helpers/properties';

/** Every prop name an error may name. */
const PROP_NAMES = [
  'streamMode', 'shardCount', 'retentionPeriod', 'partitionKey', 'projectorMemorySize', 'projectorTimeout', 'batchSize',
  'maxBatchingWindow', 'parallelizationFactor', 'retryAttempts', 'maxRecordAge', 'iteratorAgeThreshold', 'maxRecordSize', 'warmThroughputMiBps',
  'discardedRecordsAlarm',
];

/** Props, and whether the pipeline gets a failure bucket (created in the sample's stack). */
interface Sample {
  readonly props: KinesisCqrsPipelineProps;
  readonly failureBucket: boolean;
}

/** Mostly values inside the valid range, sometimes outside it. */
const mostly = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>) => mostlyOf(valid, invalid, 15);

const pipelineProps: fc.Arbitrary<KinesisCqrsPipelineProps> = fc.record(
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
    maxRecordSize: mostly(fc.integer({ min: 1024, max: 10_240 }), fc.integer({ min: 1, max: 1023 })).map((kib) => Size.kibibytes(kib)),
    warmThroughputMiBps: mostly(fc.integer({ min: 0, max: 10_240 }), fc.constant(-1)),
    metricsConfig: fc.constantFrom<lambda.MetricsConfig>({ metrics: [] }, { metrics: [lambda.MetricType.EVENT_COUNT] }),
    discardedRecordsAlarm: fc.boolean(),
  },
  { requiredKeys: [] },
).map((props) => {
  // On-demand streams take no shard count, provisioned ones no warm throughput: a valid value given to the other
  // mode is dropped so that the sample stays mostly valid.
  const onDemand = props.streamMode === kinesis.StreamMode.ON_DEMAND;
  const onDemandWithShards = onDemand && props.shardCount !== undefined && props.shardCount > 0;
  const provisionedWarm = !onDemand && props.warmThroughputMiBps !== undefined && props.warmThroughputMiBps >= 0;
  return {
    ...props,
    shardCount: onDemandWithShards ? undefined : props.shardCount,
    warmThroughputMiBps: provisionedWarm ? undefined : props.warmThroughputMiBps,
  };
});

const sample: fc.Arbitrary<Sample> = fc.record({ props: pipelineProps, failureBucket: fc.boolean() });

const create = (stack: Stack, { props, failureBucket }: Sample) =>
  new KinesisCqrsPipeline(stack, 'Ledger', { ...props, failureBucket: failureBucket ? userBucket(stack) : undefined });

/** The user's failure bucket: its own logging and replication are the user's to settle (acknowledged on it only). */
function userBucket(stack: Stack): s3.Bucket {
  const bucket = new s3.Bucket(stack, 'Failures', { enforceSSL: true, versioned: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
  const rules = ['AwsSolutions-S1', 'S3BucketLoggingEnabled', 'S3BucketReplicationEnabled', 'S3DefaultEncryptionKMS'];
  const packs = ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];
  const ids = [rules[0], ...packs.flatMap((pack) => rules.slice(1).map((rule) => `${pack}-${rule}`))];
  Validations.of(bucket).acknowledge(...ids.map((id) => ({ id, reason: "The test's stand-in for the user's failure bucket." })));
  return bucket;
}

const expectError = (error: unknown) => expectOurError(error, { at: /^Test\/Ledger(\/Projection)?: /, naming: PROP_NAMES });

describe('KinesisCqrsPipeline with random props', () => {
  test('either synthesizes a well-formed template or throws an error naming a prop', () => {
    assertSynthesizesOrRejects(sample, {
      create,
      expectError,
      expectValid: ({ template }, { props, failureBucket }) => {
        expect(JSON.stringify(template.toJSON())).not.toMatch(/undefined|NaN|Infinity/);
        const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0].Properties;
        const stream = Object.values(template.findResources('AWS::Kinesis::Stream'))[0].Properties;
        // The stream's record size is the one asked for, in KiB (or Kinesis's default when left out).
        expect(stream.MaxRecordSizeInKiB).toBe(props.maxRecordSize?.toKibibytes());
        expect(stream.WarmThroughputMiBps).toBe(props.warmThroughputMiBps);
        // Records the event source gives up on go to the bucket when there is one, and something always counts them:
        // the failure-queue alarm, or the EventCount metric behind the discarded-records alarm.
        const destination = JSON.stringify(mapping.DestinationConfig.OnFailure.Destination);
        expect(destination).toMatch(failureBucket ? /Failures/ : /FailureQueue/);
        const discardedAlarms = template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'OnFailureDestinationDeliveredEventCount' } });
        if (Object.keys(discardedAlarms).length > 0) {
          expect(mapping.MetricsConfig.Metrics).toContain('EventCount');
        }
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
