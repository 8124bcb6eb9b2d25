import { Duration, Lazy, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { KinesisCqrsPipeline, KinesisCqrsPipelineProps } from '../../src';
import { testStack, userFunction } from '../helpers/nag';

/** Builds a pipeline; `setup` may create the resources the props refer to. */
function build(props: KinesisCqrsPipelineProps, setup?: (stack: Stack) => KinesisCqrsPipelineProps): () => KinesisCqrsPipeline {
  return () => {
    const { stack } = testStack();
    return new KinesisCqrsPipeline(stack, 'Ledger', { ...props, ...setup?.(stack) });
  };
}

const importedStream = (stack: Stack) => ({ stream: kinesis.Stream.fromStreamArn(stack, 'Events', 'arn:aws:kinesis:eu-west-1:123456789012:stream/events') });
const customProjector = (stack: Stack) => ({ projector: userFunction(stack, 'Fn', Duration.seconds(30)) });

describe('KinesisCqrsPipeline validation: the stream', () => {
  test.each([0, 2.5, 100_001])('shardCount %p is rejected', (value) => {
    expect(build({ shardCount: value })).toThrow(`Test/Ledger: shardCount must be an integer between 1 and 100000, got ${value}`);
  });

  test('shardCount with an on-demand stream is rejected', () => {
    expect(build({ streamMode: kinesis.StreamMode.ON_DEMAND, shardCount: 2 })).toThrow(/shardCount applies to PROVISIONED streams only, got shardCount 2 with streamMode ON_DEMAND/);
  });

  test.each([Duration.hours(23), Duration.hours(8761)])('retentionPeriod %s is rejected', (value) => {
    expect(build({ retentionPeriod: value })).toThrow(/retentionPeriod must be between 1 day and 365 days, got/);
  });

  test('a retentionPeriod that is not a whole number of hours is rejected', () => {
    expect(build({ retentionPeriod: Duration.minutes(24 * 60 + 30) })).toThrow(/retentionPeriod must be a whole number of hours/);
  });

  test.each<[string, KinesisCqrsPipelineProps]>([
    ['streamMode', { streamMode: kinesis.StreamMode.ON_DEMAND }],
    ['shardCount', { shardCount: 2 }],
    ['retentionPeriod', { retentionPeriod: Duration.days(2) }],
    ['streamRemovalPolicy', { streamRemovalPolicy: RemovalPolicy.DESTROY }],
    ['maxRecordSize', { maxRecordSize: Size.mebibytes(2) }],
    ['warmThroughputMiBps', { warmThroughputMiBps: 10 }],
  ])('%s together with an existing stream is rejected', (prop, props) => {
    expect(build(props, importedStream)).toThrow(`${prop} cannot be set together with stream`);
  });

  test('streamEncryptionKey together with an existing stream is rejected', () => {
    expect(build({}, (stack) => ({ ...importedStream(stack), streamEncryptionKey: new kms.Key(stack, 'Key') }))).toThrow(
      /streamEncryptionKey cannot be set together with stream/,
    );
  });

  // MaxRecordSizeInKiB: "Specify a value between 1024 and 10240 KiB (1 to 10 MiB)", an integer
  // (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_UpdateMaxRecordSize.html).
  test.each([Size.kibibytes(1023), Size.kibibytes(10_241), Size.mebibytes(11)])('maxRecordSize %s outside 1 to 10 MiB is rejected', (size) => {
    expect(build({ maxRecordSize: size })).toThrow(/maxRecordSize must be a whole number of KiB between 1024 KiB \(1 MiB\) and 10240 KiB \(10 MiB\), got/);
  });

  test('a maxRecordSize that is not a whole number of KiB is rejected', () => {
    expect(build({ maxRecordSize: Size.bytes(2 * 1024 * 1024 + 1) })).toThrow(/maxRecordSize must be a whole number of KiB .* \(2097153 bytes\)/);
  });

  test('a maxRecordSize token in another unit than KiB is rejected: it cannot be converted at synth', () => {
    expect(build({ maxRecordSize: Size.mebibytes(Lazy.number({ produce: () => 2 })) })).toThrow(/maxRecordSize from a token must be given with Size.kibibytes\(\)/);
  });

  test('warmThroughputMiBps with a provisioned stream (the default) is rejected', () => {
    // "Provisioned capacity mode streams do not support warm throughput configuration"
    // (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_UpdateStreamWarmThroughput.html).
    expect(build({ warmThroughputMiBps: 50 })).toThrow(/warmThroughputMiBps applies to ON_DEMAND streams only, got warmThroughputMiBps 50 with streamMode PROVISIONED/);
  });

  test.each([-1, 2.5])('warmThroughputMiBps %p is rejected (a whole number of MiB/s, 0 or more)', (value) => {
    // CreateStream WarmThroughputMiBps: an integer, minimum 0 (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_CreateStream.html).
    expect(build({ streamMode: kinesis.StreamMode.ON_DEMAND, warmThroughputMiBps: value })).toThrow(
      `warmThroughputMiBps must be a whole number of MiB/s, 0 or more, got ${value}`,
    );
  });

  test('every violation is reported at once', () => {
    expect(build({ shardCount: 0, batchSize: 0 })).toThrow(/shardCount must be/);
    expect(build({ shardCount: 1, batchSize: 0, parallelizationFactor: 11 })).toThrow(/2 invalid props:\n- batchSize .*\n- parallelizationFactor/);
  });

  test('tokens are not rejected', () => {
    const token = Lazy.number({ produce: () => 2 });
    expect(build({ shardCount: token, batchSize: token, retryAttempts: token, parallelizationFactor: token })).not.toThrow();
    expect(build({ partitionKey: Lazy.string({ produce: () => 'id' }) })).not.toThrow();
    expect(build({ maxRecordSize: Size.kibibytes(token) })).not.toThrow();
    expect(build({ streamMode: kinesis.StreamMode.ON_DEMAND, warmThroughputMiBps: token })).not.toThrow();
    expect(build({ metricsConfig: { metrics: Lazy.list({ produce: () => ['EventCount'] }) as lambda.MetricType[] }, discardedRecordsAlarm: true })).not.toThrow();
  });
});

describe('KinesisCqrsPipeline validation: the projection', () => {
  test.each([0, 10_001, 1.5])('batchSize %p is rejected', (value) => {
    expect(build({ batchSize: value })).toThrow(`batchSize must be an integer between 1 and 10000, got ${value}`);
  });

  test('maxBatchingWindow above 5 minutes is rejected', () => {
    expect(build({ maxBatchingWindow: Duration.seconds(301) })).toThrow(/maxBatchingWindow must be between 0 seconds and 5 minutes, got 5 minutes 1 second/);
  });

  test.each([0, 11])('parallelizationFactor %p is rejected', (value) => {
    expect(build({ parallelizationFactor: value })).toThrow(`parallelizationFactor must be an integer between 1 and 10, got ${value}`);
  });

  test.each([-1, 10_001])('retryAttempts %p is rejected (infinite retries included)', (value) => {
    expect(build({ retryAttempts: value })).toThrow(`retryAttempts must be an integer between 0 and 10000, got ${value}`);
  });

  test.each([Duration.seconds(59), Duration.days(8)])('maxRecordAge %s is rejected', (value) => {
    expect(build({ maxRecordAge: value, retentionPeriod: Duration.days(30) })).toThrow(/maxRecordAge must be between 1 minute and 7 days, got/);
  });

  test('a maxRecordAge not shorter than the retention period is rejected', () => {
    expect(build({ maxRecordAge: Duration.days(2), retentionPeriod: Duration.days(2) })).toThrow(
      /maxRecordAge \(2 days\) must be shorter than the stream's retention period \(2 days\)/,
    );
  });

  test('with an imported stream, maxRecordAge is not compared with the assumed retention', () => {
    expect(build({ maxRecordAge: Duration.days(3) }, importedStream)).not.toThrow();
  });

  test.each([Duration.seconds(30), Duration.days(4)])('iteratorAgeThreshold %s is rejected', (value) => {
    expect(build({ iteratorAgeThreshold: value })).toThrow(/iteratorAgeThreshold must be at least 1 minute and shorter than maxRecordAge \(3 days 12 hours\) and the stream's retention period \(7 days\), got/);
  });

  test('iteratorAgeThreshold without the alarm is rejected', () => {
    expect(build({ iteratorAgeThreshold: Duration.hours(1), iteratorAgeAlarm: false })).toThrow(/iteratorAgeThreshold cannot be set when iteratorAgeAlarm is false/);
  });

  test.each(['', ' pk', 'x'.repeat(256)])('partitionKey %p is rejected', (value) => {
    expect(build({ partitionKey: value })).toThrow(/partitionKey must be 1 to 255 characters without leading or trailing spaces/);
  });

  test.each(['version', 'type', 'updatedAt', 'state'])('partitionKey %p, an attribute the projector writes, is rejected', (value) => {
    expect(build({ partitionKey: value })).toThrow(`partitionKey must not be one of version, type, updatedAt, state (attributes the projector writes), got '${value}'`);
  });

  test.each([127, 10_241])('projectorMemorySize %p is rejected', (value) => {
    expect(build({ projectorMemorySize: value })).toThrow(`projectorMemorySize must be an integer between 128 and 10240, got ${value}`);
  });

  test('projectorTimeout above 15 minutes is rejected', () => {
    expect(build({ projectorTimeout: Duration.minutes(16) })).toThrow(/projectorTimeout must be between 1 second and 15 minutes, got 16 minutes/);
  });

  test('tableRemovalPolicy together with an existing table is rejected', () => {
    expect(build({ tableRemovalPolicy: RemovalPolicy.DESTROY }, (stack) => ({ table: dynamodb.Table.fromTableName(stack, 'T', 'orders') }))).toThrow(
      /tableRemovalPolicy cannot be set together with table/,
    );
  });

  test.each<[string, KinesisCqrsPipelineProps]>([
    ['projectorMemorySize', { projectorMemorySize: 512 }],
    ['projectorTimeout', { projectorTimeout: Duration.minutes(2) }],
    ['projectorLogRetention', { projectorLogRetention: logs.RetentionDays.ONE_WEEK }],
  ])('%s together with a custom projector is rejected', (prop, props) => {
    expect(build(props, customProjector)).toThrow(`${prop} cannot be set together with projector`);
  });

  test('conflictingEventsAlarm: true with a custom projector is rejected (an alarm on a metric only the library writes); false is accepted', () => {
    expect(build({ conflictingEventsAlarm: true }, customProjector)).toThrow(
      "conflictingEventsAlarm cannot be true together with projector: only the library's projector writes the ConflictingEvents metric",
    );
    expect(build({ conflictingEventsAlarm: false }, customProjector)).not.toThrow();
  });

  test('discardedRecordsAlarm: true with metricsConfig leaving out EventCount is rejected (the alarm\'s metric would never be published)', () => {
    // OnFailureDestinationDeliveredEventCount is one of the EventCount metrics, published only when MetricsConfig
    // includes EventCount (https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingMetricsConfig.html).
    expect(build({ discardedRecordsAlarm: true, metricsConfig: { metrics: [] } })).toThrow(
      /discardedRecordsAlarm cannot be true when metricsConfig leaves out EventCount, got metricsConfig.metrics \[\]/,
    );
    expect(build({ discardedRecordsAlarm: false, metricsConfig: { metrics: [] } }, (stack) => ({ failureBucket: new s3.Bucket(stack, 'B') }))).not.toThrow();
  });

  test('addProjection validates its own options', () => {
    const { stack } = testStack();
    const pipeline = new KinesisCqrsPipeline(stack, 'Ledger');
    expect(() => pipeline.addProjection('V2', { batchSize: 0 })).toThrow('Test/Ledger/V2: batchSize must be an integer between 1 and 10000, got 0');
  });
});
