import { Duration, Size, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { KinesisCqrsPipeline, KinesisCqrsPipelineProps } from '../../src';
import { ACKNOWLEDGEMENTS } from '../../src/core/nag';
import { alarmTopic, nagApp, nagFindings, testStack, userFunction } from '../helpers/nag';

function findings(setup: (stack: Stack) => KinesisCqrsPipelineProps, withProjection = false) {
  const { app, stack } = testStack(true);
  const pipeline = new KinesisCqrsPipeline(stack, 'Ledger', setup(stack));
  if (withProjection) {
    pipeline.addProjection('OrdersV2');
  }
  return { findings: nagFindings(app), pipeline };
}

const key = (stack: Stack, id: string) => new kms.Key(stack, id, { enableKeyRotation: true });

/**
 * A bucket standing for the user's failure bucket: encrypted with its own key,
 * versioned, TLS only, no public access. The packs' findings on the bucket's
 * own configuration (access logs, replication) are the user's to settle, so
 * they are acknowledged on the bucket only; what the library adds (the
 * projector's permissions) is still checked.
 */
function userBucket(stack: Stack, id: string): s3.Bucket {
  const bucket = new s3.Bucket(stack, id, {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key(stack, `${id}Key`),
    enforceSSL: true,
    versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  });
  Validations.of(bucket).acknowledge(
    ...USER_BUCKET_RULES.map((rule) => ({ id: rule, reason: "The test's stand-in for the user's failure bucket: its logging and replication are the user's choice." })),
  );
  return bucket;
}

const USER_BUCKET_RULES = [
  'AwsSolutions-S1',
  'HIPAA.Security-S3BucketLoggingEnabled',
  'HIPAA.Security-S3BucketReplicationEnabled',
  'NIST.800.53.R5-S3BucketLoggingEnabled',
  'NIST.800.53.R5-S3BucketReplicationEnabled',
  'PCI.DSS.321-S3BucketLoggingEnabled',
  'PCI.DSS.321-S3BucketReplicationEnabled',
];

describe('KinesisCqrsPipeline passes AwsSolutions, Serverless, HIPAA Security, NIST 800-53 rev 5 and PCI DSS 3.2.1', () => {
  test.each<[string, (stack: Stack) => KinesisCqrsPipelineProps, boolean]>([
    ['with defaults', () => ({}), false],
    ['with a custom projector', (stack) => ({ projector: userFunction(stack, 'Fn', Duration.seconds(30)) }), false],
    ['with a second projection', () => ({}), true],
    ['with enhanced fan-out and an on-demand stream', () => ({ enhancedFanOut: true, streamMode: kinesis.StreamMode.ON_DEMAND }), false],
    ['with customer-managed keys', (stack) => ({ encryptionKey: key(stack, 'Key'), streamEncryptionKey: key(stack, 'StreamKey') }), false],
    ['with a failure bucket and its alarms', (stack) => ({ failureBucket: userBucket(stack, 'Failures') }), true],
    ['with a failure bucket, enhanced fan-out and an on-demand stream kept warm', (stack) => ({
      failureBucket: userBucket(stack, 'Failures'),
      enhancedFanOut: true,
      streamMode: kinesis.StreamMode.ON_DEMAND,
      warmThroughputMiBps: 50,
    }), false],
    ['with large records and event source mapping metrics', () => ({
      maxRecordSize: Size.mebibytes(4),
      metricsConfig: { metrics: [lambda.MetricType.EVENT_COUNT] },
      discardedRecordsAlarm: true,
      destinationDeliveryFailuresAlarm: true,
    }), false],
  ])('%s: no error and no warning', (_name, setup, withProjection) => {
    expect(findings(setup, withProjection).findings).toEqual([]);
  });

  test('with an alarm action, the alarms need no acknowledgement', () => {
    const { findings: reported, pipeline } = findings((stack) => ({
      alarmAction: new cloudwatchActions.SnsAction(alarmTopic(stack, 'Oncall')),
    }));
    expect(reported).toEqual([]);
    for (const alarm of pipeline.alarms) {
      expect(acknowledgedRules(alarm)).toEqual([]);
    }
  });
});

describe('KinesisCqrsPipeline acknowledgements', () => {
  const expected = (entry: { ids: readonly string[]; reason: string }) => entry.ids.map((id) => [id, entry.reason]);

  test('each is recorded on the one resource it concerns, with its reason', () => {
    const { pipeline } = findings(() => ({}));
    const projection = pipeline.projection;
    const fn = projection.projector as lambda.Function;
    expect(acknowledgedRules(projection.failureQueue)).toEqual(expected(ACKNOWLEDGEMENTS.failureDestinationHasNoDlq));
    expect(acknowledgedRules(fn)).toEqual(expected(ACKNOWLEDGEMENTS.streamProjectorFunction));
    expect(acknowledgedRules(projection.projectorLogGroup!)).toEqual(expected(ACKNOWLEDGEMENTS.projectorLogGroup));
    expect(acknowledgedRules(projection.table)).toEqual(expected(ACKNOWLEDGEMENTS.readModelTableBackup));
    expect(acknowledgedRules(projection.node.findChild('ProjectorPolicy'))).toEqual(expected(ACKNOWLEDGEMENTS.xrayWritePermissions));
    expect(acknowledgedRules(pipeline.stream)).toEqual([]);
    for (const alarm of pipeline.alarms) {
      expect(acknowledgedRules(alarm)).toEqual(expected(ACKNOWLEDGEMENTS.alarmWithoutAction));
    }
  });

  test('customer-managed keys add the acknowledgements they need, on the stream and the policy only', () => {
    const { pipeline } = findings((stack) => ({ encryptionKey: key(stack, 'Key'), streamEncryptionKey: key(stack, 'StreamKey') }));
    expect(acknowledgedRules(pipeline.stream)).toEqual(expected(ACKNOWLEDGEMENTS.streamCustomerManagedKey));
    expect(acknowledgedRules(pipeline.projection.node.findChild('ProjectorPolicy'))).toEqual([
      ...expected(ACKNOWLEDGEMENTS.xrayWritePermissions),
      ...expected(ACKNOWLEDGEMENTS.kmsQueueSendPermissions),
    ]);
  });

  test('a failure bucket adds one acknowledgement, on the projector\'s policy: the object wildcard of that bucket', () => {
    const { pipeline } = findings((stack) => ({ failureBucket: userBucket(stack, 'Failures') }));
    const bucketId = Stack.of(pipeline).getLogicalId(pipeline.projection.failureBucket!.node.defaultChild as s3.CfnBucket);
    expect(acknowledgedRules(pipeline.projection.node.findChild('ProjectorPolicy'))).toEqual([
      ...expected(ACKNOWLEDGEMENTS.xrayWritePermissions),
      [`AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`, ACKNOWLEDGEMENTS.failureBucketObjects.reason],
    ]);
  });

  test('a failure bucket of another stack is named by its import, as in the template the packs read', () => {
    // GIVEN a bucket in a storage stack; cross-stack references become Fn::ImportValue when the app is prepared
    const app = nagApp();
    const storage = new Stack(app, 'Storage');
    const failures = userBucket(storage, 'Failures');
    const stack = new Stack(app, 'Test');
    const pipeline = new KinesisCqrsPipeline(stack, 'Ledger', { failureBucket: failures });
    // WHEN the packs run THEN nothing is reported
    expect(nagFindings(app)).toEqual([]);
    const ids = acknowledgedRules(pipeline.projection.node.findChild('ProjectorPolicy')).map(([id]) => id);
    expect(ids).toContainEqual(expect.stringMatching(/^AwsSolutions-IAM5\[Resource::Storage:ExportsOutputFnGetAttFailures.*Arn.*\/\*\]$/));
  });

  test('a custom projector is left to its owner: nothing is acknowledged on it', () => {
    const { pipeline } = findings((stack) => ({ projector: userFunction(stack, 'Fn', Duration.seconds(30)) }));
    for (const entry of [ACKNOWLEDGEMENTS.streamProjectorFunction]) {
      for (const id of entry.ids) {
        expect(acknowledgedRules(pipeline.projector).filter(([rule, reason]) => rule === id && reason === entry.reason)).toEqual([]);
      }
    }
  });

  test('each acknowledged rule is one the packs really report on the same resources left bare', () => {
    // GIVEN the same resources built with aws-cdk-lib alone, without acknowledgements
    const { app, stack } = testStack(true);
    const streamKey = key(stack, 'StreamKey');
    const queueKey = key(stack, 'QueueKey');
    const stream = new kinesis.Stream(stack, 'Stream', { encryption: kinesis.StreamEncryption.KMS, encryptionKey: streamKey });
    new dynamodb.Table(stack, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
    const failureQueue = new sqs.Queue(stack, 'FailureQueue', { enforceSSL: true, encryptionMasterKey: queueKey });
    const logGroup = new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_YEAR });
    const fn = new lambda.Function(stack, 'Projector', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
      memorySize: 256,
      timeout: Duration.minutes(1),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
    });
    fn.addEventSource(
      new sources.KinesisEventSource(stream, { startingPosition: lambda.StartingPosition.TRIM_HORIZON, onFailure: new sources.SqsDlq(failureQueue) }),
    );
    fn.metricErrors().createAlarm(stack, 'Alarm', { threshold: 0, evaluationPeriods: 1 });
    const failures = new s3.Bucket(stack, 'Failures');
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [failures.arnForObjects('*')] }));
    // WHEN the packs run
    const reported = new Set(nagFindings(app).map((f) => f.rule));
    // THEN the object wildcard on the bucket is reported, named after the bucket
    const failuresId = stack.getLogicalId(failures.node.defaultChild as s3.CfnBucket);
    expect(reported).toContain(`AwsSolutions-IAM5[Resource::<${failuresId}.Arn>/*]`);
    // THEN every rule this construct acknowledges is among the findings
    const entries = [
      ACKNOWLEDGEMENTS.failureDestinationHasNoDlq,
      ACKNOWLEDGEMENTS.streamProjectorFunction,
      ACKNOWLEDGEMENTS.projectorLogGroup,
      ACKNOWLEDGEMENTS.readModelTableBackup,
      ACKNOWLEDGEMENTS.xrayWritePermissions,
      ACKNOWLEDGEMENTS.kmsQueueSendPermissions,
      ACKNOWLEDGEMENTS.streamCustomerManagedKey,
      ACKNOWLEDGEMENTS.alarmWithoutAction,
    ];
    const acknowledged = entries.flatMap((a) => [...a.ids]);
    expect(acknowledged.filter((id) => !reported.has(id))).toEqual([]);
  });
});

/** The rules acknowledged on a construct, as [id, reason] pairs. */
function acknowledgedRules(construct: { node: { metadata: { type: string; data: unknown }[] } }): [string, string][] {
  return construct.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.entries(m.data as Record<string, string>))
    .map(([id, reason]) => [id.replace(/^annotation::/i, ''), reason] as [string, string]);
}
