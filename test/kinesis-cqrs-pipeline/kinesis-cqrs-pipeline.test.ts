import { Duration, Lazy, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { KinesisCqrsPipeline, KinesisCqrsPipelineProps, Projection } from '../../src';
import { unpublishedMetricReason } from '../../src/core/published-metrics';
import { testStack, userFunction } from '../helpers/nag';
import { normalizedTemplate } from '../helpers/template';

function synth(
  props: KinesisCqrsPipelineProps = {},
  setup?: (stack: Stack) => KinesisCqrsPipelineProps,
  after?: (pipeline: KinesisCqrsPipeline) => void,
): { stack: Stack; pipeline: KinesisCqrsPipeline; template: Template } {
  const { stack } = testStack();
  const pipeline = new KinesisCqrsPipeline(stack, 'Ledger', { ...props, ...setup?.(stack) });
  after?.(pipeline);
  return { stack, pipeline, template: Template.fromStack(stack) };
}

const STREAM = 'LedgerStream957C9527';
const HOURS = 3600 * 1000;

/** Every statement of the projector's managed policy. */
function projectorStatements(template: Template): any[] {
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

describe('KinesisCqrsPipeline defaults: the write side', () => {
  test('creates a provisioned stream with one shard, 7 days of retention and the AWS-managed key, retained with the stack', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::Kinesis::Stream', 1);
    template.hasResource('AWS::Kinesis::Stream', {
      Properties: {
        ShardCount: 1,
        RetentionPeriodHours: 168,
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
        StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.resourceCountIs('AWS::KMS::Key', 0);
  });

  test('grantWriteEvents grants PutRecord and PutRecords on the stream only', () => {
    const { template } = synth({}, undefined, (p) => {
      p.grantWriteEvents(new iam.Role(p, 'Command', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^LedgerCommand') }],
      PolicyDocument: {
        Statement: [{ Action: ['kinesis:ListShards', 'kinesis:PutRecord', 'kinesis:PutRecords'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [STREAM, 'Arn'] } }],
      },
    });
  });
});

describe('KinesisCqrsPipeline defaults: the read side', () => {
  test('creates an on-demand table keyed by pk with point-in-time recovery, AWS-owned encryption, retained with the stack', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: false },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('grantQuery grants read-only access to the table', () => {
    const { template } = synth({}, undefined, (p) => {
      p.grantQuery(new iam.Role(p, 'Query', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
    });
    const policy = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^LedgerQuery') }] } }))[0];
    const actions: string[] = policy.Properties.PolicyDocument.Statement.flatMap((s: any) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan']));
    expect(actions.filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
  });
});

describe('KinesisCqrsPipeline defaults: the projector', () => {
  test('is the library function on nodejs24.x with 256 MB, a 1-minute timeout, active tracing and its configuration', () => {
    // nodejs24.x is a supported Lambda runtime (deprecation not before 2028,
    // https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-supported); nodejs20.x is deprecated.
    const { template } = synth();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 60,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^LedgerProjectionProjectorLogs') } },
      Environment: {
        Variables: {
          TABLE_NAME: { Ref: Match.stringLikeRegexp('^LedgerProjectionTable') },
          PARTITION_KEY: 'pk',
          FAILURE_QUEUE_URL: { Ref: Match.stringLikeRegexp('^LedgerProjectionFailureQueue') },
        },
      },
    });
  });

  test('logs to its own log group kept for one year', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('its role has no AWS-managed policy and no inline policy: one customer-managed policy with named resources', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent(), Policies: Match.absent() });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const statements = projectorStatements(template);
    const byAction = (action: string) => statements.find((s) => ([] as string[]).concat(s.Action).includes(action));
    expect(byAction('logs:PutLogEvents').Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^LedgerProjectionProjectorLogs/), 'Arn'] });
    expect(byAction('dynamodb:PutItem').Action).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(byAction('sqs:SendMessage').Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^LedgerProjectionFailureQueue/), 'Arn'] });
    expect(byAction('kinesis:GetRecords').Resource).toEqual({ 'Fn::GetAtt': [STREAM, 'Arn'] });
    expect(byAction('xray:PutTraceSegments').Resource).toBe('*');
    expect(statements.filter((s) => s.Resource === '*').map((s) => s.Action)).toEqual([['xray:PutTraceSegments', 'xray:PutTelemetryRecords']]);
  });

  test('reads from the trim horizon with bisection, partial batch responses, bounded retries and an on-failure queue', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [STREAM, 'Arn'] },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 302_400,
      ParallelizationFactor: 1,
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: Match.absent(),
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LedgerProjectionFailureQueue'), 'Arn'] } } },
    });
  });

  test('the failure queue keeps messages 14 days, is encrypted with SSE-SQS and refuses requests without TLS', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  test.each<[string, KinesisCqrsPipelineProps]>([
    ['shared throughput', {}],
    ['enhanced fan-out', { enhancedFanOut: true }],
  ])('with %s, the event source mapping waits for the managed policy that lets the projector read the stream', (_name, props) => {
    // Lambda checks the role's stream permissions when the mapping is created ("Cannot access stream
    // [...] Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream,
    // ListShards, and ListStreams Actions on your stream in IAM", reported by users in
    // serverless/serverless issue 3997 and aws-amplify/amplify-cli issue 12965); the policy is
    // attached by its own resource, which nothing else makes the mapping wait for.
    const { template } = synth(props);
    const policies = Object.keys(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policies).toHaveLength(1);
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(1);
    expect(mappings[0].DependsOn).toEqual(expect.arrayContaining([policies[0]]));
  });
});

describe('KinesisCqrsPipeline defaults: alarms', () => {
  test('alarms on the projector iterator age (FunctionName) at 5 % of the retention', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^LedgerProjectionProjector') } }],
      Statistic: 'Maximum',
      Threshold: 8.4 * HOURS,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: Match.absent(),
    });
  });

  test('alarms on the stream iterator age (StreamName) at the same threshold', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Kinesis',
      MetricName: 'GetRecords.IteratorAgeMilliseconds',
      Dimensions: [{ Name: 'StreamName', Value: { Ref: STREAM } }],
      Statistic: 'Maximum',
      Threshold: 8.4 * HOURS,
    });
  });

  test('alarms when the failure queue holds a message and when the projector errors or is throttled', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LedgerProjectionFailureQueue'), 'QueueName'] } }],
      Threshold: 0,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^LedgerProjectionProjector') } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
    });
    // Throttles: invocation requests Lambda refused for lack of concurrency; the event source
    // mapping retries them and the shard waits meanwhile. Lambda's invocation metrics are counts
    // read with the Sum statistic (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^LedgerProjectionProjector') } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
    });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
  });

  test('alarms on the conflicting events the projector writes as embedded metrics, by the name Lambda gives the function', () => {
    const { template } = synth();
    // The projector writes ConflictingEvents in its log line (CloudWatch embedded metric format,
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html)
    // with FunctionName = AWS_LAMBDA_FUNCTION_NAME, the function's name
    // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime);
    // Ref of AWS::Lambda::Function returns that name
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-function.html#aws-resource-lambda-function-return-values),
    // so the alarm's dimension is the one the metric is written with.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CdkMessagePatterns/Projector',
      MetricName: 'ConflictingEvents',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^LedgerProjectionProjector') } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    // Embedded metrics are extracted from console.log lines in the text log format only: in the JSON
    // format the runtime nests the line in a `message` field
    // (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html).
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Projects the events'),
      LoggingConfig: Match.objectLike({ LogFormat: 'Text' }),
    });
  });
});

describe('KinesisCqrsPipeline exposes', () => {
  test('the resources it creates', () => {
    const { pipeline } = synth();
    expect(pipeline.stream).toBeInstanceOf(kinesis.Stream);
    expect(pipeline.retentionPeriod.toHours()).toBe(168);
    expect(pipeline.projection).toBeInstanceOf(Projection);
    expect(pipeline.table).toBe(pipeline.projection.table);
    expect(pipeline.projector).toBe(pipeline.projection.projector);
    expect(pipeline.failureQueue).toBe(pipeline.projection.failureQueue);
    expect(pipeline.eventSourceMapping).toBe(pipeline.projection.eventSourceMapping);
    expect(pipeline.projection.partitionKey).toBe('pk');
    expect(pipeline.projection.maxRecordAge.toHours()).toBe(84);
    expect(pipeline.projection.projectorLogGroup).toBeDefined();
    expect(pipeline.projection.streamConsumer).toBeUndefined();
    expect(pipeline.alarms).toHaveLength(6);
    expect(pipeline.alarms[0]).toBe(pipeline.streamIteratorAgeAlarm);
    expect(pipeline.projection.alarms).toEqual([
      pipeline.projection.iteratorAgeAlarm,
      pipeline.projection.failureQueueAlarm,
      pipeline.projection.projectorErrorsAlarm,
      pipeline.projection.projectorThrottlesAlarm,
      pipeline.projection.conflictingEventsAlarm,
    ]);
    expect(pipeline.projection.metricParkedRecords().metricName).toBe('ParkedRecords');
    expect(pipeline.projection.metricIteratorAge().metricName).toBe('IteratorAge');
    expect(pipeline.projection.metricProjectorErrors().metricName).toBe('Errors');
    expect(pipeline.projection.metricProjectorThrottles().metricName).toBe('Throttles');
    expect(pipeline.projection.metricFailureQueueMessages().metricName).toBe('ApproximateNumberOfMessagesVisible');
  });

  test('default template', () => {
    expect(normalizedTemplate(synth().stack)).toMatchSnapshot();
  });
});

describe('KinesisCqrsPipeline options: the stream', () => {
  test('an on-demand stream has no shard count', () => {
    const { template } = synth({ streamMode: kinesis.StreamMode.ON_DEMAND });
    template.hasResourceProperties('AWS::Kinesis::Stream', { StreamModeDetails: { StreamMode: 'ON_DEMAND' }, ShardCount: Match.absent() });
  });

  test('shardCount sets the shards of a provisioned stream', () => {
    synth({ shardCount: 4 }).template.hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 4 });
  });

  test('retentionPeriod sets the retention and the derived record age and alarm thresholds', () => {
    const { template } = synth({ retentionPeriod: Duration.hours(24) });
    template.hasResourceProperties('AWS::Kinesis::Stream', { RetentionPeriodHours: 24 });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MaximumRecordAgeInSeconds: 12 * 3600 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge', Threshold: 1.2 * HOURS });
  });

  test('a year of retention caps maxRecordAge at 7 days and the alarm at half of it', () => {
    const { template } = synth({ retentionPeriod: Duration.days(365) });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MaximumRecordAgeInSeconds: 7 * 24 * 3600 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge', Threshold: 84 * HOURS });
  });

  test('streamEncryptionKey encrypts the stream with that key and lets the projector decrypt', () => {
    const { template } = synth({}, (stack) => ({ streamEncryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) }));
    template.hasResourceProperties('AWS::Kinesis::Stream', { StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } } });
    expect(projectorStatements(template)).toContainEqual(
      expect.objectContaining({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } }),
    );
  });

  test('streamRemovalPolicy applies to the stream', () => {
    synth({ streamRemovalPolicy: RemovalPolicy.DESTROY }).template.hasResource('AWS::Kinesis::Stream', { DeletionPolicy: 'Delete' });
  });

  test('an existing stream is used as is, with a 24-hour retention assumed when it is imported', () => {
    const { template, pipeline } = synth({}, (stack) => ({
      stream: kinesis.Stream.fromStreamArn(stack, 'Events', 'arn:aws:kinesis:eu-west-1:123456789012:stream/events'),
    }));
    template.resourceCountIs('AWS::Kinesis::Stream', 0);
    expect(pipeline.retentionPeriod.toHours()).toBe(24);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/events',
      MaximumRecordAgeInSeconds: 12 * 3600,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'GetRecords.IteratorAgeMilliseconds',
      Dimensions: [{ Name: 'StreamName', Value: 'events' }],
    });
  });

  test('an existing stream defined in the app has its retention read from it', () => {
    const { pipeline } = synth({}, (stack) => ({ stream: new kinesis.Stream(stack, 'Events', { retentionPeriod: Duration.days(3) }) }));
    expect(pipeline.retentionPeriod.toHours()).toBe(72);
    expect(pipeline.projection.maxRecordAge.toHours()).toBe(36);
  });

  test('streamIteratorAgeAlarm: false removes the stream alarm', () => {
    const { pipeline, template } = synth({ streamIteratorAgeAlarm: false });
    expect(pipeline.streamIteratorAgeAlarm).toBeUndefined();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
  });
});

describe('KinesisCqrsPipeline options: the projection', () => {
  test('event source options', () => {
    const { template } = synth({
      batchSize: 500,
      maxBatchingWindow: Duration.seconds(10),
      parallelizationFactor: 4,
      retryAttempts: 3,
      maxRecordAge: Duration.hours(6),
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 10,
      ParallelizationFactor: 4,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 6 * 3600,
    });
    // The alarm stays below half of the shorter record age.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge', Threshold: 3 * HOURS });
  });

  test('projector options', () => {
    const { template } = synth({
      projectorMemorySize: 1024,
      projectorTimeout: Duration.minutes(5),
      projectorLogRetention: logs.RetentionDays.ONE_MONTH,
    });
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 1024, Timeout: 300 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('partitionKey names the table key and the projector setting', () => {
    const { template } = synth({ partitionKey: 'orderId' });
    template.hasResourceProperties('AWS::DynamoDB::Table', { KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }] });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ PARTITION_KEY: 'orderId' }) } });
  });

  test('tableRemovalPolicy applies to the table', () => {
    synth({ tableRemovalPolicy: RemovalPolicy.DESTROY }).template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });

  test('encryptionKey encrypts the table and the failure queue and lets the projector use it', () => {
    const { template } = synth({}, (stack) => ({ encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) }));
    const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };
    template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn } });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyArn });
    expect(projectorStatements(template)).toContainEqual(expect.objectContaining({ Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] }));
  });

  test('an existing table is used with its own key name', () => {
    const { template, pipeline } = synth({ partitionKey: 'id' }, (stack) => ({ table: dynamodb.Table.fromTableName(stack, 'Orders', 'orders') }));
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(pipeline.table.tableName).toBe('orders');
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ TABLE_NAME: 'orders', PARTITION_KEY: 'id' }) } });
  });

  test('a custom projector gets the event source and read-write access to the table; no library function is created', () => {
    const { template, pipeline } = synth({}, (stack) => ({ projector: userFunction(stack, 'Custom', Duration.seconds(30)) }));
    template.resourceCountIs('AWS::Lambda::Function', 1);
    // A brought projector writes no ConflictingEvents metric: no alarm that could never fire.
    expect(pipeline.projection.conflictingEventsAlarm).toBeUndefined();
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'ConflictingEvents' }, 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    expect(pipeline.projection.projectorLogGroup).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: Match.stringLikeRegexp('^Custom') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['dynamodb:GetItem', 'dynamodb:PutItem']) })]) },
    });
  });

  test('enhancedFanOut reads through a consumer of its own', () => {
    const { template, pipeline } = synth({ enhancedFanOut: true });
    template.hasResourceProperties('AWS::Kinesis::StreamConsumer', {
      StreamARN: { 'Fn::GetAtt': [STREAM, 'Arn'] },
      ConsumerName: Match.stringLikeRegexp('^Test-Ledger-Projection-'),
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LedgerProjectionConsumer'), 'ConsumerARN'] },
      StartingPosition: 'TRIM_HORIZON',
    });
    expect(pipeline.projection.streamConsumer).toBeDefined();
  });

  test('iteratorAgeThreshold overrides the derived threshold of both iterator-age alarms', () => {
    const { template } = synth({ iteratorAgeThreshold: Duration.minutes(10) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge', Threshold: 600_000 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'GetRecords.IteratorAgeMilliseconds', Threshold: 600_000 });
  });

  test('each projection alarm can be switched off', () => {
    const { pipeline, template } = synth({
      iteratorAgeAlarm: false,
      failureQueueAlarm: false,
      projectorErrorsAlarm: false,
      projectorThrottlesAlarm: false,
      conflictingEventsAlarm: false,
    });
    expect(pipeline.projection.alarms).toEqual([]);
    expect(pipeline.projection.iteratorAgeAlarm).toBeUndefined();
    expect(pipeline.projection.failureQueueAlarm).toBeUndefined();
    expect(pipeline.projection.projectorErrorsAlarm).toBeUndefined();
    expect(pipeline.projection.projectorThrottlesAlarm).toBeUndefined();
    expect(pipeline.projection.conflictingEventsAlarm).toBeUndefined();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
  });

  test('alarmAction is wired to every alarm', () => {
    const { template } = synth({}, (stack) => ({ alarmAction: new cloudwatchActions.SnsAction(new sns.Topic(stack, 'Oncall')) }));
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(6);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Oncall/) }]);
    }
  });
});

describe('KinesisCqrsPipeline.addProjection', () => {
  test('adds a projector and a read model of its own, fed from the same stream at the trim horizon', () => {
    const { template, pipeline } = synth({}, undefined, (p) => {
      p.addProjection('OrdersV2', { batchSize: 1000 });
    });
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: Match.stringLikeRegexp('^LedgerOrdersV2Projector') },
      EventSourceArn: { 'Fn::GetAtt': [STREAM, 'Arn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 1000,
      MaximumRecordAgeInSeconds: 302_400,
    });
    expect(pipeline.alarms).toHaveLength(6);
  });

  test('inherits the pipeline alarm action unless given one', () => {
    const { template } = synth({}, (stack) => ({ alarmAction: new cloudwatchActions.SnsAction(new sns.Topic(stack, 'Oncall')) }), (p) => {
      const projection = p.addProjection('OrdersV2');
      expect(projection.alarms).toHaveLength(5);
    });
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toBeDefined();
    }
  });

  test('Projection can be used on its own with any stream', () => {
    const { stack } = testStack();
    const stream = new kinesis.Stream(stack, 'Events', { retentionPeriod: Duration.days(2) });
    const projection = new Projection(stack, 'Orders', { stream });
    expect(projection.maxRecordAge.toHours()).toBe(24);
    Template.fromStack(stack).resourceCountIs('AWS::DynamoDB::Table', 1);
  });
});

describe('KinesisCqrsPipeline options: record size and warm throughput', () => {
  // Kinesis Data Streams accepts records up to 10 MiB since 2025; a stream keeps the default of 1 MiB unless
  // its maximum record size is raised (https://docs.aws.amazon.com/streams/latest/dev/large-records.html).
  // CreateStream and UpdateMaxRecordSize take MaxRecordSizeInKiB from 1,024 to 10,240
  // (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_UpdateMaxRecordSize.html); AWS::Kinesis::Stream
  // has the property MaxRecordSizeInKiB
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kinesis-stream.html).
  test('by default the stream sets neither MaxRecordSizeInKiB (Kinesis keeps 1 MiB) nor WarmThroughputMiBps', () => {
    synth().template.hasResourceProperties('AWS::Kinesis::Stream', { MaxRecordSizeInKiB: Match.absent(), WarmThroughputMiBps: Match.absent() });
  });

  test.each<[Size, number]>([
    [Size.mebibytes(1), 1024],
    [Size.kibibytes(4096), 4096],
    [Size.mebibytes(10), 10_240],
  ])('maxRecordSize %s sets MaxRecordSizeInKiB %p on the stream', (size, kib) => {
    synth({ maxRecordSize: size }).template.hasResourceProperties('AWS::Kinesis::Stream', { MaxRecordSizeInKiB: kib });
  });

  test('a maxRecordSize token given in KiB is passed through', () => {
    const { stack } = testStack();
    new KinesisCqrsPipeline(stack, 'Ledger', { maxRecordSize: Size.kibibytes(Lazy.number({ produce: () => 2048 })) });
    Template.fromStack(stack).hasResourceProperties('AWS::Kinesis::Stream', { MaxRecordSizeInKiB: 2048 });
  });

  test('warmThroughputMiBps sets WarmThroughputMiBps on an on-demand stream', () => {
    // CreateStream takes WarmThroughputMiBps for on-demand streams in accounts with the minimum throughput
    // billing commitment (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_CreateStream.html); aws-cdk-lib
    // exposes it on CfnStream only (aws-kinesis/lib/kinesis.generated.ts, `warmThroughputMiBps`).
    const { template } = synth({ streamMode: kinesis.StreamMode.ON_DEMAND, warmThroughputMiBps: 100 });
    template.hasResourceProperties('AWS::Kinesis::Stream', { StreamModeDetails: { StreamMode: 'ON_DEMAND' }, WarmThroughputMiBps: 100 });
  });

  test('warmThroughputMiBps above 10 GiB/s gets a warning: the default quota must be raised first', () => {
    // UpdateStreamWarmThroughput: "By default, you cannot ... Scale to more than 10 GiBps for an on-demand stream"
    // (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_UpdateStreamWarmThroughput.html).
    const { stack } = synth({ streamMode: kinesis.StreamMode.ON_DEMAND, warmThroughputMiBps: 20_000 });
    Annotations.fromStack(stack).hasWarning('/Test/Ledger', Match.stringLikeRegexp('warmThroughputMiBps is 20000: by default Kinesis scales'));
    const atQuota = synth({ streamMode: kinesis.StreamMode.ON_DEMAND, warmThroughputMiBps: 10_240 }).stack;
    Annotations.fromStack(atQuota).hasNoWarning('/Test/Ledger', Match.anyValue());
  });
});

describe('KinesisCqrsPipeline: records against the Lambda invocation payload', () => {
  // Lambda ends a batch when its payload reaches 6 MB ("the batch reaches the payload limit of 6 MB",
  // https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html; "The payload size reaches 6 MB. You cannot modify
  // this limit", https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html), and the records'
  // data is base64-encoded in the event (`kinesis.data`, same page). A record whose event cannot fit 6 MB cannot be
  // invoked; errors before invocation are retried until the records exceed MaximumRecordAgeInSeconds
  // (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html).
  const warningAt = (stack: Stack, path: string) =>
    Annotations.fromStack(stack).findWarning(path, Match.stringLikeRegexp('cannot reach the projector in any batch'));

  test('a maximum record size whose base64 form cannot fit one invocation gets a warning on the projection, naming the values', () => {
    const { stack } = synth({ maxRecordSize: Size.mebibytes(10) });
    const warnings = warningAt(stack, '/Test/Ledger/Projection');
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0].entry.data)).toMatch(
      /records up to 10240 KiB \(MaxRecordSizeInKiB 10240, maxRecordSize of KinesisCqrsPipeline\).*13981016 bytes.*6291456 bytes.*above 4607 KiB.*maxRecordAge \(3 days 12 hours\)/,
    );
  });

  test.each([Size.mebibytes(1), Size.mebibytes(4), Size.kibibytes(4607)])('maxRecordSize %s fits one invocation: no warning', (size) => {
    expect(warningAt(synth({ maxRecordSize: size }).stack, '/Test/Ledger/Projection')).toEqual([]);
  });

  test('4,608 KiB is the first size that does not fit: 6,291,456 bytes of base64 leave no room for the event around it', () => {
    expect(warningAt(synth({ maxRecordSize: Size.kibibytes(4608) }).stack, '/Test/Ledger/Projection')).toHaveLength(1);
  });

  test('each added projection and a Projection on its own read the size from a stream defined in the app', () => {
    const { stack } = testStack();
    const pipeline = new KinesisCqrsPipeline(stack, 'Ledger', { maxRecordSize: Size.mebibytes(8) });
    pipeline.addProjection('OrdersV2');
    const stream = new kinesis.Stream(stack, 'Events');
    (stream.node.defaultChild as kinesis.CfnStream).maxRecordSizeInKiB = 6144;
    new Projection(stack, 'Orders', { stream });
    for (const path of ['/Test/Ledger/Projection', '/Test/Ledger/OrdersV2', '/Test/Orders']) {
      expect(warningAt(stack, path)).toHaveLength(1);
    }
  });

  test('an imported stream, whose size is unknown at synth, gets no warning', () => {
    const { stack } = synth({}, (s) => ({ stream: kinesis.Stream.fromStreamArn(s, 'Events', 'arn:aws:kinesis:eu-west-1:123456789012:stream/events') }));
    expect(warningAt(stack, '/Test/Ledger/Projection')).toEqual([]);
  });
});

describe('KinesisCqrsPipeline options: a failure bucket', () => {
  const bucket = (stack: Stack, key?: kms.IKey) =>
    new s3.Bucket(stack, 'Failures', key ? { encryption: s3.BucketEncryption.KMS, encryptionKey: key } : { enforceSSL: true });
  const withBucket = (stack: Stack) => ({ failureBucket: bucket(stack) });
  const BUCKET_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Failures'), 'Arn'] };

  test('is the event source mapping\'s on-failure destination instead of the failure queue', () => {
    // Kinesis event source mappings take an SQS queue, an SNS topic or an S3 bucket as on-failure destination; for an S3
    // destination Lambda sends the entire invocation record with the metadata, where the others get metadata only
    // (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html; DestinationConfig OnFailure,
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-eventsourcemapping-onfailure.html).
    const { template, pipeline } = synth({}, withBucket);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { DestinationConfig: { OnFailure: { Destination: BUCKET_ARN } } });
    expect(pipeline.projection.failureBucket).toBeDefined();
  });

  test('the failure queue stays, for the records the projector parks', () => {
    const { template } = synth({}, withBucket);
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ FAILURE_QUEUE_URL: { Ref: Match.stringLikeRegexp('^LedgerProjectionFailureQueue') } }) },
    });
  });

  test('the projector\'s role may put objects in the bucket and list it, nothing more, and the mapping waits for it', () => {
    // Lambda needs s3:PutObject and s3:ListBucket on an S3 on-failure destination
    // (https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html, "Your execution role must have permissions
    // for the destination"); aws-cdk-lib's S3OnFailureDestination grants grantReadWrite instead
    // (aws-lambda-event-sources/lib/s3-onfailuire-destination.ts).
    const { template } = synth({}, withBucket);
    const statements = projectorStatements(template).filter((s) => JSON.stringify(s).includes('Failures'));
    expect(statements).toEqual([
      { Action: 's3:PutObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Failures/), 'Arn'] }, '/*']] } },
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Failures/), 'Arn'] } },
    ]);
    const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0];
    expect(mapping.DependsOn).toEqual([expect.stringMatching(/^LedgerProjectionProjectorPolicy/)]);
  });

  test('a bucket encrypted with a customer-managed key: the role may generate data keys with it', () => {
    // "If you've enabled encryption with your own KMS key for an S3 destination, kms:GenerateDataKey is required"
    // (https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html).
    const { template } = synth({}, (stack) => ({ failureBucket: bucket(stack, new kms.Key(stack, 'BucketKey', { enableKeyRotation: true })) }));
    expect(projectorStatements(template)).toContainEqual({
      Action: 'kms:GenerateDataKey',
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^BucketKey/), 'Arn'] },
    });
  });

  test('turns on the EventCount metrics and alarms on records sent to the bucket and on failed deliveries', () => {
    const { template, pipeline } = synth({}, withBucket);
    // MetricsConfig EventCount (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-eventsourcemapping-metricsconfig.html)
    // publishes OnFailureDestinationDeliveredEventCount by EventSourceMappingUUID
    // (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#event-source-mapping-metrics);
    // Ref of AWS::Lambda::EventSourceMapping is the mapping's ID
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-eventsourcemapping.html#aws-resource-lambda-eventsourcemapping-return-values).
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MetricsConfig: { Metrics: ['EventCount'] } });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'OnFailureDestinationDeliveredEventCount',
      Dimensions: [{ Name: 'EventSourceMappingUUID', Value: { Ref: Match.stringLikeRegexp('^LedgerProjectionProjectorKinesisEventSource') } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    // DestinationDeliveryFailures: "For asynchronous invocation and supported event source mappings, the number of
    // times that Lambda attempts to send an event to a destination but fails" (same metrics page), by FunctionName.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'DestinationDeliveryFailures',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^LedgerProjectionProjector') } }],
      Statistic: 'Sum',
      Threshold: 0,
    });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 8);
    const { discardedRecordsAlarm, destinationDeliveryFailuresAlarm } = pipeline.projection;
    expect(pipeline.projection.alarms).toEqual(expect.arrayContaining([discardedRecordsAlarm, destinationDeliveryFailuresAlarm]));
    expect(pipeline.alarms).toHaveLength(8);
  });

  test('every alarm watches a metric Lambda publishes under those dimensions', () => {
    const { template } = synth({}, withBucket);
    const reasons = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) =>
      unpublishedMetricReason(a.Properties.Namespace, a.Properties.MetricName, a.Properties.Dimensions.map((d: { Name: string }) => d.Name)),
    );
    expect(reasons.filter((r) => r !== undefined)).toEqual([]);
  });

  test('the alarm descriptions point at the bucket', () => {
    const { template } = synth({}, withBucket);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      AlarmDescription: Match.stringLikeRegexp('are skipped to the failure bucket'),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      AlarmDescription: Match.stringLikeRegexp('parked records it can never project: see the failure queue\\.$'),
    });
  });

  test('both alarms can be switched off; metricsConfig can be set explicitly', () => {
    const { template, pipeline } = synth(
      { discardedRecordsAlarm: false, destinationDeliveryFailuresAlarm: false, metricsConfig: { metrics: [lambda.MetricType.EVENT_COUNT] } },
      withBucket,
    );
    expect(pipeline.projection.discardedRecordsAlarm).toBeUndefined();
    expect(pipeline.projection.destinationDeliveryFailuresAlarm).toBeUndefined();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MetricsConfig: { Metrics: ['EventCount'] } });
  });

  test('metricsConfig without EventCount: no alarm on records sent to the bucket, and a warning that says why', () => {
    const { stack, template } = synth({ metricsConfig: { metrics: [] } }, withBucket);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'OnFailureDestinationDeliveredEventCount' }, 0);
    Annotations.fromStack(stack).hasWarning('/Test/Ledger/Projection', Match.stringLikeRegexp('failureBucket is set and metricsConfig leaves out EventCount'));
  });

  test('works with a custom projector (its role gets the grants) and with enhanced fan-out', () => {
    const custom = synth({}, (stack) => ({ ...withBucket(stack), projector: userFunction(stack, 'Custom', Duration.seconds(30)) })).template;
    custom.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^CustomServiceRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:PutObject' }), Match.objectLike({ Action: 's3:ListBucket' })]) },
    });
    const fanOut = synth({ enhancedFanOut: true }, withBucket).template;
    fanOut.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LedgerProjectionConsumer'), 'ConsumerARN'] },
      DestinationConfig: { OnFailure: { Destination: BUCKET_ARN } },
    });
  });

  test('addProjection takes its own failure bucket', () => {
    const { template } = synth({}, undefined, (p) => {
      p.addProjection('OrdersV2', { failureBucket: bucket(Stack.of(p)) });
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: Match.stringLikeRegexp('^LedgerOrdersV2Projector') },
      DestinationConfig: { OnFailure: { Destination: BUCKET_ARN } },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: Match.stringLikeRegexp('^LedgerProjectionProjector') },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LedgerProjectionFailureQueue'), 'Arn'] } } },
    });
  });
});

describe('KinesisCqrsPipeline options: event source mapping metrics', () => {
  test('by default the mapping has no MetricsConfig (opt-in metrics, not needed by the default alarms)', () => {
    // Lambda publishes event source mapping metrics only when MetricsConfig asks for them
    // (https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingMetricsConfig.html).
    synth().template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MetricsConfig: Match.absent() });
  });

  test('metricsConfig is passed to the mapping', () => {
    synth({ metricsConfig: { metrics: [lambda.MetricType.EVENT_COUNT] } }).template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      MetricsConfig: { Metrics: ['EventCount'] },
    });
  });

  test('discardedRecordsAlarm without a failure bucket turns EventCount on and alarms on the failure queue path too', () => {
    const { template, pipeline } = synth({ discardedRecordsAlarm: true });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MetricsConfig: { Metrics: ['EventCount'] } });
    expect(pipeline.projection.discardedRecordsAlarm).toBeDefined();
    expect(pipeline.projection.destinationDeliveryFailuresAlarm).toBeUndefined();
  });

  test('Kafka-only metric types get a warning: a Kinesis event source publishes EventCount', () => {
    // ErrorCount and KafkaMetrics are for Amazon MSK and self-managed Apache Kafka
    // (https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingMetricsConfig.html).
    const { stack } = synth({ metricsConfig: { metrics: [lambda.MetricType.EVENT_COUNT, lambda.MetricType.ERROR_COUNT] } });
    Annotations.fromStack(stack).hasWarning('/Test/Ledger/Projection', Match.stringLikeRegexp('metricsConfig asks for ErrorCount'));
  });

  test('the metrics are exposed', () => {
    const { pipeline } = synth();
    expect(pipeline.projection.metricDiscardedRecords().metricName).toBe('OnFailureDestinationDeliveredEventCount');
    expect(pipeline.projection.metricDestinationDeliveryFailures().metricName).toBe('DestinationDeliveryFailures');
  });
});
