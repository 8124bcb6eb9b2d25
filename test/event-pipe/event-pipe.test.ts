/**
 * Fine-grained template assertions of EventPipe. Every assertion cites the
 * AWS behaviour it relies on: "Pipes API Reference" is the EventBridge Pipes
 * API (its shapes and limits), "UG" a page of the EventBridge User Guide,
 * "CFN" the AWS::Pipes::Pipe reference and aws-cdk-lib 2.276's CfnPipe, "the
 * alpha" the @aws-cdk/aws-pipes-*-alpha packages.
 */
import { Duration, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import {
  actionsOn,
  asList,
  getAtt,
  logicalId,
  passMachine,
  pipeProperties,
  pipeResource,
  ref,
  roleStatements,
  streamTable,
  synthPipe,
  warningIdsOf,
  warningsOf,
} from './helpers';
import { EventPipe, PipeEnrichment, PipeSource, PipeTarget, QueueWithDlq } from '../../src';
import { unpublishedMetricReason } from '../../src/core/published-metrics';
import { userFunction } from '../helpers/nag';
import { normalizedTemplate } from '../helpers/template';

const SQS_SOURCE_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];
const KINESIS_SOURCE_ACTIONS = [
  'kinesis:DescribeStream',
  'kinesis:DescribeStreamSummary',
  'kinesis:GetRecords',
  'kinesis:GetShardIterator',
  'kinesis:ListShards',
  'kinesis:ListStreams',
  'kinesis:SubscribeToShard',
];
const DYNAMODB_SOURCE_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];

/** The alarms of the template, by logical id. */
function alarms(stack: Stack): Record<string, any> {
  return Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
}

const bus = (s: Stack) => new events.EventBus(s, 'Bus');
const kinesisSource = (s: Stack, props: kinesis.StreamProps = {}) => new kinesis.Stream(s, 'Stream', props);

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe SQS source', () => {
  test('QueueWithDlq: Source is the queue ARN, BatchSize 10 and no batching window by default', () => {
    // UG "Amazon SQS queue as a source": "By default, EventBridge polls up to 10 messages in your queue simultaneously"
    // (the console step on the same page says 100: the sources DISAGREE; the alpha SqsSourceParameters also defaults to 10).
    const { stack, template } = synthPipe();
    const props = pipeProperties(template);
    expect(props.Source).toEqual(getAtt(stack, (stack.node.findChild('Orders') as QueueWithDlq).queue, 'Arn'));
    expect(props.SourceParameters.SqsQueueParameters).toEqual({ BatchSize: 10 });
  });

  test('SqsQueueParameters carries only BatchSize and MaximumBatchingWindowInSeconds: Pipes has no dead-letter config for SQS sources', () => {
    // Pipes API Reference, PipeSourceSqsQueueParameters: BatchSize (1-10000) and MaximumBatchingWindowInSeconds (0-300) only;
    // UG "Pipe error handling": "A pipe inherits dead-letter queue (DLQ) behavior from the source".
    const { template, pipe } = synthPipe((s) => ({ source: PipeSource.queueWithDlq(new QueueWithDlq(s, 'Orders'), { batchSize: 7, maxBatchingWindow: Duration.seconds(20) }) }));
    const sqsParameters = pipeProperties(template).SourceParameters.SqsQueueParameters;
    expect(sqsParameters).toEqual({ BatchSize: 7, MaximumBatchingWindowInSeconds: 20 });
    expect(JSON.stringify(pipeProperties(template))).not.toContain('DeadLetterConfig');
    expect(pipe.deadLetterQueue).toBeUndefined();
    // The QueueWithDlq's queue and its dead-letter queue: the pipe creates no queue of its own.
    template.resourceCountIs('AWS::SQS::Queue', 2);
  });

  test('the role may call exactly sqs:ReceiveMessage, sqs:DeleteMessage and sqs:GetQueueAttributes on the queue', () => {
    // UG "Amazon SQS queue as a source", execution role: these three actions (the StateReason of a failed pipe lists the same).
    const { stack, pipe } = synthPipe();
    const queueArn = getAtt(stack, (stack.node.findChild('Orders') as QueueWithDlq).queue, 'Arn');
    expect(actionsOn(stack, pipe, queueArn)).toEqual(SQS_SOURCE_ACTIONS);
    // No kms statement: the QueueWithDlq uses SSE-SQS.
    expect(roleStatements(stack, pipe).flatMap((s) => asList(s.Action)).filter((a) => String(a).startsWith('kms:'))).toEqual([]);
  });

  test('a plain sqs.Queue: the same three actions, and the queue ARN as Source', () => {
    const { stack, pipe, template } = synthPipe((s) => ({ source: PipeSource.queue(new sqs.Queue(s, 'Plain')) }));
    const queueArn = getAtt(stack, stack.node.findChild('Plain'), 'Arn');
    expect(pipeProperties(template).Source).toEqual(queueArn);
    expect(pipeProperties(template).SourceParameters.SqsQueueParameters).toEqual({ BatchSize: 10 });
    expect(actionsOn(stack, pipe, queueArn)).toEqual(SQS_SOURCE_ACTIONS);
  });

  test('a queue with a customer-managed key: the role may also kms:Decrypt with the key', () => {
    // UG "Pipe error handling": with a customer managed key "you must explicitly give your pipe's Execution Role decryption
    // permission ... kms:Decrypt ... This is true for all pipe sources with AWS KMS CMK, including ... SQS".
    const { stack, pipe } = synthPipe((s) => ({
      source: PipeSource.queue(new sqs.Queue(s, 'Encrypted', { encryptionMasterKey: new kms.Key(s, 'Key') })),
    }));
    const keyArn = getAtt(stack, stack.node.findChild('Key'), 'Arn');
    expect(actionsOn(stack, pipe, keyArn)).toEqual(['kms:Decrypt']);
  });

  test('sourceDeadLetterQueue is the dead-letter queue of a QueueWithDlq, and of a plain queue with a redrive policy', () => {
    // UG "Amazon SQS queue as a source": "configure the dead-letter queue on the source queue, not on the pipe".
    const withDlq = synthPipe((s) => ({ source: PipeSource.queueWithDlq(new QueueWithDlq(s, 'Orders')) }));
    const orders = withDlq.stack.node.findChild('Orders') as QueueWithDlq;
    expect(withDlq.pipe.sourceDeadLetterQueue).toBe(orders.deadLetterQueue);

    let dlq!: sqs.Queue;
    const plain = synthPipe((s) => {
      dlq = new sqs.Queue(s, 'Dlq');
      return { source: PipeSource.queue(new sqs.Queue(s, 'Plain', { deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } })) };
    });
    expect(plain.pipe.sourceDeadLetterQueue).toBe(dlq);
    expect(plain.pipe.metricDeadLetterQueueMessages().namespace).toBe('AWS/SQS');
  });

  test('a QueueWithDlq source: the pipe adds no dead-letter alarm (the QueueWithDlq alarms on its own)', () => {
    const { stack, pipe } = synthPipe();
    expect(pipe.deadLetterQueueAlarm).toBeUndefined();
    expect(pipe.alarms).toEqual([pipe.executionFailedAlarm, pipe.executionTimeoutAlarm]);
    const orders = stack.node.findChild('Orders') as QueueWithDlq;
    const dlqName = getAtt(stack, orders.deadLetterQueue, 'QueueName');
    const onDlq = Object.entries(alarms(stack)).filter(([, a]) => JSON.stringify(a.Properties.Dimensions ?? []).includes(JSON.stringify(dlqName)));
    // Exactly one alarm watches the dead-letter queue: the QueueWithDlq's.
    expect(onDlq).toHaveLength(1);
    expect(onDlq[0][0].startsWith('Orders')).toBe(true);
  });

  test('a plain queue with a dead-letter queue: the pipe alarms on that dead-letter queue', () => {
    const { stack, pipe } = synthPipe((s) => ({
      source: PipeSource.queue(new sqs.Queue(s, 'Plain', { deadLetterQueue: { queue: new sqs.Queue(s, 'Dlq'), maxReceiveCount: 5 } })),
    }));
    expect(pipe.deadLetterQueueAlarm).toBeDefined();
    expect(pipe.alarms).toEqual([pipe.executionFailedAlarm, pipe.executionTimeoutAlarm, pipe.deadLetterQueueAlarm]);
    const alarm = alarms(stack)[logicalId(stack, pipe.deadLetterQueueAlarm!)];
    expect(alarm.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(stack, stack.node.findChild('Dlq'), 'QueueName') }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  test('a plain queue without dead-letter queue, or an imported queue: no dead-letter alarm, and no dead-letter metric', () => {
    for (const make of [(s: Stack) => new sqs.Queue(s, 'Plain'), (s: Stack) => sqs.Queue.fromQueueArn(s, 'Imported', 'arn:aws:sqs:us-east-1:111122223333:orders')]) {
      const { pipe } = synthPipe((s) => ({ source: PipeSource.queue(make(s)) }));
      expect(pipe.deadLetterQueueAlarm).toBeUndefined();
      expect(pipe.sourceDeadLetterQueue).toBeUndefined();
      expect(() => pipe.metricDeadLetterQueueMessages()).toThrow(/metricDeadLetterQueueMessages\(\) needs a dead-letter queue/);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe Kinesis source', () => {
  test('defaults: TRIM_HORIZON, BatchSize 10, 10 retries, half the 24-hour retention, bisect, parallelization 1, a dead-letter queue', () => {
    // Pipes API Reference, PipeSourceKinesisStreamParameters: StartingPosition required; MaximumRetryAttempts -1..10000 and
    // MaximumRecordAgeInSeconds -1..604800, both -1 (infinite) by default, so the construct writes bounded values;
    // OnPartialBatchItemFailure AUTOMATIC_BISECT; ParallelizationFactor 1..10; DeadLetterConfig.Arn an SQS queue or SNS topic
    // ("For Amazon Kinesis stream and Amazon DynamoDB stream sources, specify either an Amazon SNS topic or Amazon SQS queue ARN").
    const { stack, pipe, template } = synthPipe((s) => ({ source: PipeSource.kinesisStream(kinesisSource(s)) }));
    const props = pipeProperties(template);
    expect(props.Source).toEqual(getAtt(stack, stack.node.findChild('Stream'), 'Arn'));
    expect(props.SourceParameters.KinesisStreamParameters).toEqual({
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 10,
      MaximumRetryAttempts: 10,
      // A Kinesis stream keeps records 24 hours by default: half is 12 hours.
      MaximumRecordAgeInSeconds: 43_200,
      OnPartialBatchItemFailure: 'AUTOMATIC_BISECT',
      ParallelizationFactor: 1,
      DeadLetterConfig: { Arn: getAtt(stack, pipe.deadLetterQueue!, 'Arn') },
    });
  });

  test('a stream of 7 days: MaximumRecordAgeInSeconds is 3.5 days (302400), below the retention', () => {
    // UG "Pipe error handling": "make sure that the MaximumRecordAgeInSeconds property on the pipe is less than the
    // MaximumRecordAge of the source event".
    const { template } = synthPipe((s) => ({ source: PipeSource.kinesisStream(kinesisSource(s, { retentionPeriod: Duration.days(7) })) }));
    expect(pipeProperties(template).SourceParameters.KinesisStreamParameters.MaximumRecordAgeInSeconds).toBe(302_400);
  });

  test('a stream of 365 days: MaximumRecordAgeInSeconds is capped at 604800, the API maximum', () => {
    // Pipes API Reference, PipeSourceKinesisStreamParameters.MaximumRecordAgeInSeconds: -1..604800.
    const { template } = synthPipe((s) => ({ source: PipeSource.kinesisStream(kinesisSource(s, { retentionPeriod: Duration.days(365) })) }));
    expect(pipeProperties(template).SourceParameters.KinesisStreamParameters.MaximumRecordAgeInSeconds).toBe(604_800);
  });

  test('every option is written as given', () => {
    const { template } = synthPipe((s) => ({
      source: PipeSource.kinesisStream(kinesisSource(s), {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 8,
        maxBatchingWindow: Duration.seconds(30),
        retryAttempts: 3,
        maxRecordAge: Duration.hours(1),
        parallelizationFactor: 4,
      }),
    }));
    expect(pipeProperties(template).SourceParameters.KinesisStreamParameters).toMatchObject({
      StartingPosition: 'LATEST',
      BatchSize: 8,
      MaximumBatchingWindowInSeconds: 30,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      ParallelizationFactor: 4,
    });
  });

  test('bisectBatchOnError false: no OnPartialBatchItemFailure (its only value is AUTOMATIC_BISECT, off when absent)', () => {
    // Pipes API Reference: OnPartialBatchItemFailure, valid value AUTOMATIC_BISECT.
    const { template } = synthPipe((s) => ({ source: PipeSource.kinesisStream(kinesisSource(s), { bisectBatchOnError: false }) }));
    expect(pipeProperties(template).SourceParameters.KinesisStreamParameters).not.toHaveProperty('OnPartialBatchItemFailure');
  });

  test('AT_TIMESTAMP writes StartingPositionTimestamp (Unix seconds, a string in CloudFormation)', () => {
    // Pipes API Reference: StartingPositionTimestamp, "With StartingPosition set to AT_TIMESTAMP, the time from which to start reading, in Unix time seconds".
    const { template } = synthPipe((s) => ({
      source: PipeSource.kinesisStream(kinesisSource(s), {
        startingPosition: lambda.StartingPosition.AT_TIMESTAMP,
        startingPositionTimestamp: 1_700_000_000,
      }),
    }));
    expect(pipeProperties(template).SourceParameters.KinesisStreamParameters).toMatchObject({
      StartingPosition: 'AT_TIMESTAMP',
      StartingPositionTimestamp: '1700000000',
    });
  });

  test('the role may call exactly the seven Kinesis read actions, on the stream', () => {
    // UG "Amazon Kinesis stream as a source", execution role: DescribeStream, DescribeStreamSummary, GetRecords,
    // GetShardIterator, ListShards, ListStreams, SubscribeToShard.
    const { stack, pipe } = synthPipe((s) => ({ source: PipeSource.kinesisStream(kinesisSource(s)) }));
    expect(actionsOn(stack, pipe, getAtt(stack, stack.node.findChild('Stream'), 'Arn'))).toEqual(KINESIS_SOURCE_ACTIONS);
  });

  test('a stream with a customer-managed key: the role may also kms:Decrypt with it', () => {
    // UG "Pipe error handling": kms:Decrypt for "all pipe sources with AWS KMS CMK, including ... Kinesis Data Streams".
    const { stack, pipe } = synthPipe((s) => ({
      source: PipeSource.kinesisStream(kinesisSource(s, { encryption: kinesis.StreamEncryption.KMS, encryptionKey: new kms.Key(s, 'Key') })),
    }));
    expect(actionsOn(stack, pipe, getAtt(stack, stack.node.findChild('Key'), 'Arn'))).toEqual(['kms:Decrypt']);
  });

  test('the created dead-letter queue keeps records 14 days, uses SSE-SQS and refuses requests without TLS', () => {
    const { stack, pipe, template } = synthPipe((s) => ({ source: PipeSource.kinesisStream(kinesisSource(s)) }));
    const dlq = pipe.deadLetterQueue!;
    expect(dlq.node.path).toBe('Test/Pipe/DeadLetterQueue');
    const resource = template.toJSON().Resources[logicalId(stack, dlq)];
    expect(resource.Properties).toEqual({ MessageRetentionPeriod: 14 * 86_400, SqsManagedSseEnabled: true });
    expect(resource.DeletionPolicy).toBe('Delete');
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [ref(stack, dlq)],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  test('deadLetterRetentionPeriod and removalPolicy apply to the created dead-letter queue', () => {
    const { stack, pipe, template } = synthPipe((s) => ({
      source: PipeSource.kinesisStream(kinesisSource(s)),
      deadLetterRetentionPeriod: Duration.days(4),
      removalPolicy: RemovalPolicy.RETAIN,
    }));
    const resource = template.toJSON().Resources[logicalId(stack, pipe.deadLetterQueue!)];
    expect(resource.Properties.MessageRetentionPeriod).toBe(4 * 86_400);
    expect(resource.DeletionPolicy).toBe('Retain');
  });

  test('the role may send to the dead-letter queue (Pipes checks it at creation), and an alarm watches it', () => {
    // aws-samples/serverless-patterns#1543 and #1857: a pipe without send permission on its DLQ fails creation
    // ("Error occurred while sending message to SQS queue").
    const { stack, pipe } = synthPipe((s) => ({ source: PipeSource.kinesisStream(kinesisSource(s)) }));
    const dlqArn = getAtt(stack, pipe.deadLetterQueue!, 'Arn');
    expect(actionsOn(stack, pipe, dlqArn)).toContain('sqs:SendMessage');
    expect(pipe.deadLetterQueueAlarm).toBeDefined();
    expect(alarms(stack)[logicalId(stack, pipe.deadLetterQueueAlarm!)].Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(stack, pipe.deadLetterQueue!, 'QueueName') }],
      Threshold: 0,
      TreatMissingData: 'notBreaching',
    });
    expect(pipe.alarms.map((a) => a.node.id)).toEqual(['ExecutionFailedAlarm', 'ExecutionTimeoutAlarm', 'IteratorAgeAlarm', 'DeadLetterQueueAlarm']);
  });

  test('a given deadLetterQueue is used instead: no queue is created, the role may send to it, and it is alarmed', () => {
    let given!: sqs.Queue;
    const { stack, pipe, template } = synthPipe((s) => {
      given = new sqs.Queue(s, 'MyDlq');
      return { source: PipeSource.kinesisStream(kinesisSource(s), { deadLetterQueue: given }) };
    });
    expect(pipe.deadLetterQueue).toBe(given);
    expect(pipe.node.tryFindChild('DeadLetterQueue')).toBeUndefined();
    template.resourceCountIs('AWS::SQS::Queue', 1);
    expect(pipeProperties(template).SourceParameters.KinesisStreamParameters.DeadLetterConfig).toEqual({ Arn: getAtt(stack, given, 'Arn') });
    expect(actionsOn(stack, pipe, getAtt(stack, given, 'Arn'))).toContain('sqs:SendMessage');
    expect(alarms(stack)[logicalId(stack, pipe.deadLetterQueueAlarm!)].Properties.Dimensions).toEqual([
      { Name: 'QueueName', Value: getAtt(stack, given, 'QueueName') },
    ]);
  });

  // Amazon Kinesis Data Streams Developer Guide, "Change the data retention period": a stream keeps records 24 hours by default, the
  // shortest it can; an imported stream's retention is unknown, so the shortest is assumed (records age out no earlier).
  test('an imported stream (retention unknown): MaximumRecordAgeInSeconds is half of 24 hours', () => {
    const { template } = synthPipe((s) => ({
      source: PipeSource.kinesisStream(kinesis.Stream.fromStreamArn(s, 'Imported', 'arn:aws:kinesis:us-east-1:111122223333:stream/orders')),
    }));
    const props = pipeProperties(template);
    expect(props.Source).toBe('arn:aws:kinesis:us-east-1:111122223333:stream/orders');
    expect(props.SourceParameters.KinesisStreamParameters.MaximumRecordAgeInSeconds).toBe(43_200);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe DynamoDB stream source', () => {
  test('defaults: the table stream ARN, TRIM_HORIZON, 10 retries, 12 hours (half the 24-hour stream retention), bisect, a dead-letter queue', () => {
    // Pipes API Reference, PipeSourceDynamoDBStreamParameters (same ranges as Kinesis); DynamoDB Developer Guide: a stream keeps
    // records 24 hours.
    const { stack, pipe, template } = synthPipe((s) => ({ source: PipeSource.dynamoDbStream(streamTable(s, 'Table')) }));
    const props = pipeProperties(template);
    expect(props.Source).toEqual(getAtt(stack, stack.node.findChild('Table'), 'StreamArn'));
    expect(props.SourceParameters.DynamoDBStreamParameters).toEqual({
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 10,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 43_200,
      OnPartialBatchItemFailure: 'AUTOMATIC_BISECT',
      ParallelizationFactor: 1,
      DeadLetterConfig: { Arn: getAtt(stack, pipe.deadLetterQueue!, 'Arn') },
    });
    expect(pipe.deadLetterQueueAlarm).toBeDefined();
  });

  test('the role may call exactly the four DynamoDB stream actions, on the stream ARN', () => {
    // UG "Amazon DynamoDB stream as a source": DescribeStream, GetRecords, GetShardIterator, ListStreams; AWS's tutorial template
    // scopes all four to the stream ARN.
    const { stack, pipe } = synthPipe((s) => ({ source: PipeSource.dynamoDbStream(streamTable(s, 'Table')) }));
    expect(actionsOn(stack, pipe, getAtt(stack, stack.node.findChild('Table'), 'StreamArn'))).toEqual(DYNAMODB_SOURCE_ACTIONS);
  });

  test('a table with a customer-managed key: the role may also kms:Decrypt with it', () => {
    // UG "Pipe error handling": kms:Decrypt for "all pipe sources with AWS KMS CMK, including ... DynamoDB Streams".
    const { stack, pipe } = synthPipe((s) => ({
      source: PipeSource.dynamoDbStream(streamTable(s, 'Table', { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: new kms.Key(s, 'Key') })),
    }));
    expect(actionsOn(stack, pipe, getAtt(stack, stack.node.findChild('Key'), 'Arn'))).toContain('kms:Decrypt');
  });

  test('an imported table with its stream ARN', () => {
    const streamArn = 'arn:aws:dynamodb:us-east-1:111122223333:table/orders/stream/2024-01-01T00:00:00.000';
    const { stack, pipe, template } = synthPipe((s) => ({
      source: PipeSource.dynamoDbStream(dynamodb.Table.fromTableAttributes(s, 'Imported', { tableName: 'orders', tableStreamArn: streamArn })),
    }));
    expect(pipeProperties(template).Source).toBe(streamArn);
    expect(actionsOn(stack, pipe, streamArn)).toEqual(DYNAMODB_SOURCE_ACTIONS);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe filters', () => {
  test('without filters, FilterCriteria.Filters is an empty list (the only way to remove a filter from a pipe)', () => {
    // Pipes API Reference, PipeSourceParameters.FilterCriteria: "To remove a filter, specify a FilterCriteria object with an
    // empty array of Filter objects" (the CFN FilterCriteria page says the same).
    for (const source of [
      (s: Stack) => PipeSource.queueWithDlq(new QueueWithDlq(s, 'Orders')),
      (s: Stack) => PipeSource.kinesisStream(kinesisSource(s)),
      (s: Stack) => PipeSource.dynamoDbStream(streamTable(s, 'Table')),
    ]) {
      const { template } = synthPipe((s) => ({ source: source(s) }));
      expect(pipeProperties(template).SourceParameters.FilterCriteria).toEqual({ Filters: [] });
    }
  });

  test('each filter is one Pattern, the JSON of the pattern, in order', () => {
    // UG "Event filtering in Amazon EventBridge Pipes": {"Filters":[{"Pattern":"<JSON string>"}]}, "A Pattern is a string
    // representation of a JSON filter rule".
    const filters = [{ body: { status: ['PAID'] } }, { body: { amount: [{ numeric: ['>=', 100] }] } }, { attributes: { MessageGroupId: ['vip'] } }];
    const { template } = synthPipe(() => ({ filters }));
    const written = pipeProperties(template).SourceParameters.FilterCriteria.Filters;
    expect(written).toHaveLength(3);
    written.forEach((f: any) => expect(typeof f.Pattern).toBe('string'));
    expect(written.map((f: any) => JSON.parse(f.Pattern))).toEqual(filters);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe enrichments', () => {
  test('a Lambda function: Enrichment is its ARN, and the role may lambda:InvokeFunction it', () => {
    // UG "Event enrichment": "EventBridge invokes enrichments synchronously"; the alpha grants lambda:InvokeFunction (grantInvoke).
    let fn!: lambda.Function;
    const { stack, pipe, template } = synthPipe((s) => {
      fn = userFunction(s, 'Enricher');
      return { enrichment: PipeEnrichment.lambdaFunction(fn) };
    });
    const props = pipeProperties(template);
    expect(props.Enrichment).toEqual(getAtt(stack, fn, 'Arn'));
    // Written empty: an update keeps an input template it is not told to remove (Pipes API Reference, PipeEnrichmentParameters).
    expect(props.EnrichmentParameters).toEqual({ InputTemplate: '' });
    expect(actionsOn(stack, pipe, getAtt(stack, fn, 'Arn'))).toEqual(['lambda:InvokeFunction']);
  });

  test('an input template is written to EnrichmentParameters.InputTemplate', () => {
    // Pipes API Reference, PipeEnrichmentParameters.InputTemplate (max 8192).
    const template = '{"orderId": <$.body.orderId>}';
    const { template: t } = synthPipe((s) => ({ enrichment: PipeEnrichment.lambdaFunction(userFunction(s, 'Enricher'), { inputTemplate: template }) }));
    expect(pipeProperties(t).EnrichmentParameters).toEqual({ InputTemplate: template });
  });

  test('an express state machine: Enrichment is its ARN, and the role may states:StartSyncExecution it (nothing else)', () => {
    // UG "Event enrichment": "EventBridge Pipes only supports Express workflows as enrichments", invoked synchronously
    // (StartSyncExecution); the alpha grants grantStartSyncExecution.
    let machine!: sfn.StateMachine;
    const { stack, pipe, template } = synthPipe((s) => {
      machine = passMachine(s, 'Machine', sfn.StateMachineType.EXPRESS);
      return { enrichment: PipeEnrichment.stateMachine(machine, { inputTemplate: '<$.body>' }) };
    });
    const props = pipeProperties(template);
    expect(props.Enrichment).toEqual(ref(stack, machine));
    expect(props.EnrichmentParameters).toEqual({ InputTemplate: '<$.body>' });
    expect(actionsOn(stack, pipe, ref(stack, machine))).toEqual(['states:StartSyncExecution']);
  });

  test('an API destination: events:InvokeApiDestination on its ARN, BatchSize 1 by default, HttpParameters', () => {
    // UG "Amazon EventBridge Pipes": "EventBridge validates that the batch size for API Gateway and API destination enrichments is 1";
    // Pipes API Reference, PipeEnrichmentHttpParameters: PathParameterValues, HeaderParameters, QueryStringParameters.
    let destination!: events.ApiDestination;
    const { stack, pipe, template } = synthPipe((s) => {
      destination = apiDestination(s);
      return {
        enrichment: PipeEnrichment.apiDestination(destination, {
          headerParameters: { 'x-order': '$.body.orderId' },
          queryStringParameters: { source: 'pipe' },
          pathParameterValues: ['$.body.customerId'],
          inputTemplate: '{"id": <$.body.orderId>}',
        }),
      };
    });
    const props = pipeProperties(template);
    expect(props.Enrichment).toEqual(getAtt(stack, destination, 'Arn'));
    expect(props.SourceParameters.SqsQueueParameters.BatchSize).toBe(1);
    expect(props.EnrichmentParameters).toEqual({
      InputTemplate: '{"id": <$.body.orderId>}',
      HttpParameters: { HeaderParameters: { 'x-order': '$.body.orderId' }, QueryStringParameters: { source: 'pipe' }, PathParameterValues: ['$.body.customerId'] },
    });
    expect(actionsOn(stack, pipe, getAtt(stack, destination, 'Arn'))).toEqual(['events:InvokeApiDestination']);
  });

  test('an API destination without options: EnrichmentParameters hold only the empty input template; and BatchSize 1 for a stream source too', () => {
    const { template } = synthPipe((s) => ({
      source: PipeSource.kinesisStream(kinesisSource(s)),
      enrichment: PipeEnrichment.apiDestination(apiDestination(s)),
    }));
    const props = pipeProperties(template);
    // Written empty: an update keeps an input template it is not told to remove (Pipes API Reference, PipeEnrichmentParameters).
    expect(props.EnrichmentParameters).toEqual({ InputTemplate: '' });
    expect(props.SourceParameters.KinesisStreamParameters.BatchSize).toBe(1);
  });

  test('no enrichment: no Enrichment property', () => {
    const { template } = synthPipe();
    expect(pipeProperties(template)).not.toHaveProperty('Enrichment');
    expect(pipeProperties(template)).not.toHaveProperty('EnrichmentParameters');
  });
});

function apiDestination(s: Stack): events.ApiDestination {
  const connection = new events.Connection(s, 'Connection', { authorization: events.Authorization.apiKey('x-api-key', SecretValue.unsafePlainText('key')) });
  return new events.ApiDestination(s, 'Api', { connection, endpoint: 'https://example.com/orders/*' });
}

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe targets', () => {
  test('an event bus: Target is its ARN, the role may events:PutEvents on it, TargetParameters hold only the empty input template without options', () => {
    // The alpha grants events:PutEvents (grantPutEventsTo); UG "Amazon EventBridge Pipes targets": "Event bus in the same account and Region".
    const { stack, pipe, template } = synthPipe();
    const busArn = getAtt(stack, stack.node.findChild('Bus'), 'Arn');
    expect(pipeProperties(template).Target).toEqual(busArn);
    // Written empty: an update keeps an input template it is not told to remove (Pipes API Reference, PipeTargetParameters).
    expect(pipeProperties(template).TargetParameters).toEqual({ InputTemplate: '' });
    expect(actionsOn(stack, pipe, busArn)).toEqual(['events:PutEvents']);
  });

  test('an event bus with source and detailType: EventBridgeEventBusParameters Source and DetailType', () => {
    // Pipes API Reference, PipeTargetEventBridgeEventBusParameters: Source (1-256, not "aws."), DetailType (1-128).
    const { template } = synthPipe((s) => ({ target: PipeTarget.eventBus(bus(s), { source: 'shop.orders', detailType: 'OrderPaid', inputTemplate: '<$.body>' }) }));
    expect(pipeProperties(template).TargetParameters).toEqual({
      InputTemplate: '<$.body>',
      EventBridgeEventBusParameters: { Source: 'shop.orders', DetailType: 'OrderPaid' },
    });
  });

  test('a standard queue: sqs:SendMessage on it, no SqsQueueParameters', () => {
    let queue!: sqs.Queue;
    const { stack, pipe, template } = synthPipe((s) => {
      queue = new sqs.Queue(s, 'Out');
      return { target: PipeTarget.queue(queue) };
    });
    expect(pipeProperties(template).Target).toEqual(getAtt(stack, queue, 'Arn'));
    // Written empty: an update keeps an input template it is not told to remove (Pipes API Reference, PipeTargetParameters).
    expect(pipeProperties(template).TargetParameters).toEqual({ InputTemplate: '' });
    expect(actionsOn(stack, pipe, getAtt(stack, queue, 'Arn'))).toContain('sqs:SendMessage');
  });

  test('a FIFO queue: SqsQueueParameters MessageGroupId and MessageDeduplicationId', () => {
    // Pipes API Reference, PipeTargetSqsQueueParameters: MessageGroupId "The FIFO message group ID to use as the target",
    // MessageDeduplicationId (both 0-100).
    const { template } = synthPipe((s) => ({
      target: PipeTarget.queue(new sqs.Queue(s, 'Out', { fifo: true }), { messageGroupId: '$.body.customerId', messageDeduplicationId: '$.messageId' }),
    }));
    expect(pipeProperties(template).TargetParameters).toEqual({
      InputTemplate: '',
      SqsQueueParameters: { MessageGroupId: '$.body.customerId', MessageDeduplicationId: '$.messageId' },
    });
  });

  // CloudFormation template reference, AWS::SNS::Topic: Ref returns the topic ARN; EventBridge User Guide, "Amazon EventBridge
  // Pipes targets": an SNS standard topic; the role needs sns:Publish (the alpha targets grant the same).
  test('a topic: Target is its ARN, the role may sns:Publish to it', () => {
    let topic!: sns.Topic;
    const { stack, pipe, template } = synthPipe((s) => {
      topic = new sns.Topic(s, 'Topic');
      return { target: PipeTarget.topic(topic, { inputTemplate: '<$.body>' }) };
    });
    expect(pipeProperties(template).Target).toEqual(ref(stack, topic));
    expect(pipeProperties(template).TargetParameters).toEqual({ InputTemplate: '<$.body>' });
    expect(actionsOn(stack, pipe, ref(stack, topic))).toEqual(['sns:Publish']);
  });

  test('a Lambda function: REQUEST_RESPONSE, lambda:InvokeFunction, and errors and throttles alarms listed in alarms', () => {
    // Pipes API Reference, PipeTargetLambdaFunctionParameters.InvocationType: "REQUEST_RESPONSE (default) - Invoke synchronously"
    // (written out: the pipe sees the function's errors and batchItemFailures, UG "Batching and concurrency").
    let fn!: lambda.Function;
    const { stack, pipe, template } = synthPipe((s) => {
      fn = userFunction(s, 'Handler');
      return { target: PipeTarget.lambdaFunction(fn) };
    });
    expect(pipeProperties(template).Target).toEqual(getAtt(stack, fn, 'Arn'));
    expect(pipeProperties(template).TargetParameters).toEqual({ InputTemplate: '', LambdaFunctionParameters: { InvocationType: 'REQUEST_RESPONSE' } });
    expect(actionsOn(stack, pipe, getAtt(stack, fn, 'Arn'))).toEqual(['lambda:InvokeFunction']);
    expect(pipe.alarms).toHaveLength(4);
    expect(pipe.alarms).toEqual(expect.arrayContaining([pipe.executionFailedAlarm, pipe.executionTimeoutAlarm]));
    const lambdaAlarms = pipe.alarms
      .filter((a) => a !== pipe.executionFailedAlarm && a !== pipe.executionTimeoutAlarm)
      .map((a) => alarms(stack)[logicalId(stack, a)].Properties);
    expect(lambdaAlarms.map((a) => [a.Namespace, a.MetricName, a.Dimensions, a.Statistic, a.Threshold])).toEqual([
      ['AWS/Lambda', 'Errors', [{ Name: 'FunctionName', Value: ref(stack, fn) }], 'Sum', 0],
      ['AWS/Lambda', 'Throttles', [{ Name: 'FunctionName', Value: ref(stack, fn) }], 'Sum', 0],
    ]);
  });

  test('a Lambda function with its alarms switched off: only the pipe\'s own alarms', () => {
    const { pipe } = synthPipe((s) => ({ target: PipeTarget.lambdaFunction(userFunction(s, 'Handler'), { alarms: { errorsAlarm: false, throttlesAlarm: false } }) }));
    expect(pipe.alarms).toEqual([pipe.executionFailedAlarm, pipe.executionTimeoutAlarm]);
  });

  test('an express state machine: REQUEST_RESPONSE and states:StartSyncExecution, no warning', () => {
    // Pipes API Reference, PipeTargetStateMachineParameters.InvocationType: REQUEST_RESPONSE (StartSyncExecution);
    // UG "Amazon EventBridge Pipes targets": "Express workflows (SYNC or ASYNC)".
    let machine!: sfn.StateMachine;
    const { stack, pipe, template } = synthPipe((s) => {
      machine = passMachine(s, 'Machine', sfn.StateMachineType.EXPRESS);
      return { target: PipeTarget.stateMachine(machine) };
    });
    expect(pipeProperties(template).Target).toEqual(ref(stack, machine));
    expect(pipeProperties(template).TargetParameters).toEqual({ InputTemplate: '', StepFunctionStateMachineParameters: { InvocationType: 'REQUEST_RESPONSE' } });
    expect(actionsOn(stack, pipe, ref(stack, machine))).toEqual(['states:StartSyncExecution']);
    expect(warningIdsOf(stack, '/Test/Pipe')).not.toContain('cdk-message-patterns:pipeAsynchronousStateMachine');
  });

  test('a standard state machine: FIRE_AND_FORGET, states:StartExecution, and the pipeAsynchronousStateMachine warning', () => {
    // Pipes API Reference: "REQUEST_RESPONSE is not supported for STANDARD state machine workflows"; FIRE_AND_FORGET uses
    // StartExecution; UG "Pipe error handling": "Pipes cannot retry errors thrown from the logic of a Step Functions standard
    // workflow, as this target must be invoked asynchronously".
    let machine!: sfn.StateMachine;
    const { stack, pipe, template } = synthPipe((s) => {
      machine = passMachine(s, 'Machine', sfn.StateMachineType.STANDARD);
      return { target: PipeTarget.stateMachine(machine) };
    });
    expect(pipeProperties(template).TargetParameters).toEqual({ InputTemplate: '', StepFunctionStateMachineParameters: { InvocationType: 'FIRE_AND_FORGET' } });
    expect(actionsOn(stack, pipe, ref(stack, machine))).toEqual(['states:StartExecution']);
    expect(warningIdsOf(stack, '/Test/Pipe')).toContain('cdk-message-patterns:pipeAsynchronousStateMachine');
  });

  // Pipes API Reference, PipeTargetStateMachineParameters: REQUEST_RESPONSE "is not supported for STANDARD state machine workflows";
  // an imported state machine's type is unknown, and FIRE_AND_FORGET (StartExecution) works for both types.
  test('an imported state machine: FIRE_AND_FORGET unless express: true', () => {
    const arn = 'arn:aws:states:us-east-1:111122223333:stateMachine:orders';
    const fireAndForget = synthPipe((s) => ({ target: PipeTarget.stateMachine(sfn.StateMachine.fromStateMachineArn(s, 'Imported', arn)) }));
    expect(pipeProperties(fireAndForget.template).TargetParameters.StepFunctionStateMachineParameters.InvocationType).toBe('FIRE_AND_FORGET');
    expect(actionsOn(fireAndForget.stack, fireAndForget.pipe, arn)).toEqual(['states:StartExecution']);

    const sync = synthPipe((s) => ({ target: PipeTarget.stateMachine(sfn.StateMachine.fromStateMachineArn(s, 'Imported', arn), { express: true }) }));
    expect(pipeProperties(sync.template).TargetParameters.StepFunctionStateMachineParameters.InvocationType).toBe('REQUEST_RESPONSE');
    expect(actionsOn(sync.stack, sync.pipe, arn)).toEqual(['states:StartSyncExecution']);
  });

  test('a Kinesis stream: KinesisStreamParameters.PartitionKey, and the role may kinesis:PutRecord(s) on it', () => {
    // Pipes API Reference, PipeTargetKinesisStreamParameters: PartitionKey required (0-256); the alpha grants grantWrite
    // (ListShards, PutRecord, PutRecords).
    let stream!: kinesis.Stream;
    const { stack, pipe, template } = synthPipe((s) => {
      stream = new kinesis.Stream(s, 'Out');
      return { target: PipeTarget.kinesisStream(stream, { partitionKey: '$.body.orderId', inputTemplate: '<$.body>' }) };
    });
    expect(pipeProperties(template).Target).toEqual(getAtt(stack, stream, 'Arn'));
    expect(pipeProperties(template).TargetParameters).toEqual({ InputTemplate: '<$.body>', KinesisStreamParameters: { PartitionKey: '$.body.orderId' } });
    expect(actionsOn(stack, pipe, getAtt(stack, stream, 'Arn'))).toEqual(expect.arrayContaining(['kinesis:PutRecord', 'kinesis:PutRecords']));
  });

  test('TargetParameters.InputTemplate is written for every target that takes one', () => {
    // Pipes API Reference, PipeTargetParameters.InputTemplate: "Valid JSON text passed to the target".
    const template = '{"order": <$.body.orderId>}';
    const targets = [
      (s: Stack) => PipeTarget.eventBus(bus(s), { inputTemplate: template }),
      (s: Stack) => PipeTarget.queue(new sqs.Queue(s, 'Out'), { inputTemplate: template }),
      (s: Stack) => PipeTarget.topic(new sns.Topic(s, 'Out'), { inputTemplate: template }),
      (s: Stack) => PipeTarget.lambdaFunction(userFunction(s, 'Out'), { inputTemplate: template }),
      (s: Stack) => PipeTarget.stateMachine(passMachine(s, 'Out', sfn.StateMachineType.EXPRESS), { inputTemplate: template }),
      (s: Stack) => PipeTarget.kinesisStream(new kinesis.Stream(s, 'Out'), { partitionKey: 'k', inputTemplate: template }),
    ];
    for (const target of targets) {
      const { template: t } = synthPipe((s) => ({ target: target(s) }));
      expect(pipeProperties(t).TargetParameters.InputTemplate).toBe(template);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe role', () => {
  test('trusted by pipes.amazonaws.com for this account only (aws:SourceAccount) when the name is generated', () => {
    // UG "Getting started with EventBridge Pipes" template: the execution role's trust has aws:SourceAccount (and
    // aws:SourceArn of the pipe); a generated name cannot be named in the trust (the pipe refers to the role).
    const { stack, pipe, template } = synthPipe();
    const role = template.toJSON().Resources[logicalId(stack, pipe.role)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Service: 'pipes.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(pipeProperties(template).RoleArn).toEqual(getAtt(stack, pipe.role, 'Arn'));
  });

  // EventBridge User Guide, "Getting started with EventBridge Pipes": the template's execution role trusts pipes.amazonaws.com with
  // aws:SourceArn arn:${Partition}:pipes:${Region}:${Account}:pipe/${PipeName} and aws:SourceAccount.
  test('with a pipeName, the trust also names the pipe (aws:SourceArn arn:...:pipes:<region>:<account>:pipe/<name>)', () => {
    const { stack, pipe, template } = synthPipe(() => ({ pipeName: 'orders-to-bus' }));
    const condition = template.toJSON().Resources[logicalId(stack, pipe.role)].Properties.AssumeRolePolicyDocument.Statement[0].Condition;
    expect(condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    expect(stack.resolve(condition.StringEquals['aws:SourceArn'])).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':pipes:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':pipe/orders-to-bus']],
    });
  });

  test('the pipe DependsOn the role\'s managed policy (Pipes checks the role at creation: aws/aws-cdk#31211, PR #37114)', () => {
    const { stack, pipe, template } = synthPipe();
    expect(pipeResource(template).DependsOn).toEqual([logicalId(stack, pipe.rolePolicy)]);
  });

  test('every permission is in the customer-managed policy: no inline policy, no AWS-managed policy', () => {
    const { stack, pipe, template } = synthPipe((s) => ({
      source: PipeSource.kinesisStream(kinesisSource(s)),
      enrichment: PipeEnrichment.lambdaFunction(userFunction(s, 'Enricher')),
      target: PipeTarget.lambdaFunction(userFunction(s, 'Handler')),
    }));
    const role = template.toJSON().Resources[logicalId(stack, pipe.role)];
    expect(role.Properties.Policies).toBeUndefined();
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const inline = Object.values(template.findResources('AWS::IAM::Policy')).filter((p: any) => JSON.stringify(p.Properties.Roles).includes(logicalId(stack, pipe.role)));
    expect(inline).toEqual([]);
    expect(template.toJSON().Resources[logicalId(stack, pipe.rolePolicy)].Properties.Roles).toEqual([ref(stack, pipe.role)]);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe alarms', () => {
  test('ExecutionFailed and ExecutionTimeout in AWS/EventBridge/Pipes by PipeName = Ref of the pipe, above 0, missing data not breaching', () => {
    // UG "Monitoring Amazon EventBridge Pipes": namespace AWS/EventBridge/Pipes, dimension PipeName; CFN: Ref of
    // AWS::Pipes::Pipe is the pipe's name (aws-cdk-lib 2.276 CfnPipe pipeRef returns { pipeName: this.ref }).
    const { stack, pipe } = synthPipe();
    const all = alarms(stack);
    const pipeRef = ref(stack, pipe.node.defaultChild!);
    for (const [alarm, metricName] of [[pipe.executionFailedAlarm!, 'ExecutionFailed'], [pipe.executionTimeoutAlarm!, 'ExecutionTimeout']] as const) {
      expect(all[logicalId(stack, alarm)].Properties).toEqual(
        expect.objectContaining({
          Namespace: 'AWS/EventBridge/Pipes',
          MetricName: metricName,
          Dimensions: [{ Name: 'PipeName', Value: pipeRef }],
          Statistic: 'Sum',
          Period: 60,
          Threshold: 0,
          EvaluationPeriods: 1,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
        }),
      );
    }
    expect(stack.resolve(pipe.pipeName)).toEqual(pipeRef);
    expect(stack.resolve(pipe.pipeArn)).toEqual(getAtt(stack, pipe.node.defaultChild!, 'Arn'));
  });

  test('every alarm of a pipe watches a metric and dimension set AWS publishes (src/core/published-metrics.ts)', () => {
    const { stack } = synthPipe((s) => ({ source: PipeSource.kinesisStream(kinesisSource(s)), target: PipeTarget.lambdaFunction(userFunction(s, 'Handler')) }));
    const problems = Object.entries(alarms(stack)).flatMap(([id, a]) => {
      const dimensions = (a.Properties.Dimensions ?? []).map((d: any) => d.Name);
      const reason = unpublishedMetricReason(a.Properties.Namespace, a.Properties.MetricName, dimensions);
      return reason ? [`${id}: ${reason}`] : [];
    });
    expect(Object.keys(alarms(stack)).length).toBeGreaterThanOrEqual(5);
    expect(problems).toEqual([]);
  });

  // EventBridge User Guide, "Monitoring Amazon EventBridge Pipes": metrics by PipeName, the pipe's name.
  test('with a pipeName, PipeName is the name itself', () => {
    const { stack, pipe } = synthPipe(() => ({ pipeName: 'orders-to-bus' }));
    expect(alarms(stack)[logicalId(stack, pipe.executionFailedAlarm!)].Properties.Dimensions).toEqual([{ Name: 'PipeName', Value: 'orders-to-bus' }]);
    expect(pipe.pipeName).toBe('orders-to-bus');
  });

  test('each alarm is switched off by its prop', () => {
    const noFailed = synthPipe(() => ({ executionFailedAlarm: false }));
    expect(noFailed.pipe.executionFailedAlarm).toBeUndefined();
    expect(noFailed.pipe.alarms).toEqual([noFailed.pipe.executionTimeoutAlarm]);
    expect(Object.values(alarms(noFailed.stack)).map((a) => a.Properties.MetricName)).not.toContain('ExecutionFailed');

    const noTimeout = synthPipe(() => ({ executionTimeoutAlarm: false }));
    expect(noTimeout.pipe.executionTimeoutAlarm).toBeUndefined();
    expect(noTimeout.pipe.alarms).toEqual([noTimeout.pipe.executionFailedAlarm]);

    const noDlq = synthPipe((s) => ({ source: PipeSource.kinesisStream(kinesisSource(s)), deadLetterQueueAlarm: false }));
    expect(noDlq.pipe.deadLetterQueueAlarm).toBeUndefined();
    expect(noDlq.pipe.deadLetterQueue).toBeDefined();
    const dlqName = JSON.stringify(getAtt(noDlq.stack, noDlq.pipe.deadLetterQueue!, 'QueueName'));
    expect(Object.values(alarms(noDlq.stack)).filter((a) => JSON.stringify(a.Properties.Dimensions).includes(dlqName))).toEqual([]);
    expect(noDlq.pipe.alarms.map((a) => a.node.id)).toEqual(['ExecutionFailedAlarm', 'ExecutionTimeoutAlarm', 'IteratorAgeAlarm']);
  });

  test('alarmAction is wired to every alarm of the pipe, those of a Lambda target included', () => {
    let topic!: sns.Topic;
    const { stack, pipe } = synthPipe((s) => {
      topic = new sns.Topic(s, 'Oncall');
      return {
        source: PipeSource.kinesisStream(kinesisSource(s)),
        target: PipeTarget.lambdaFunction(userFunction(s, 'Handler')),
        alarmAction: new cloudwatchActions.SnsAction(topic),
      };
    });
    // ExecutionFailed, ExecutionTimeout, the stream's iterator age, the DLQ, and the function's errors and throttles.
    expect(pipe.alarms).toHaveLength(6);
    for (const alarm of pipe.alarms) {
      expect(alarms(stack)[logicalId(stack, alarm as any)].Properties.AlarmActions).toEqual([ref(stack, topic)]);
    }
  });

  // EventBridge User Guide, "Monitoring Amazon EventBridge Pipes": namespace AWS/EventBridge/Pipes, dimension PipeName, and the
  // metrics ExecutionFailed, ExecutionTimeout, ExecutionThrottled, ExecutionPartiallyFailed, EnrichmentStageFailed,
  // TargetStageFailed, TargetStageSkipped and EventCount.
  test('the metric helpers read AWS/EventBridge/Pipes by PipeName', () => {
    const { stack, pipe } = synthPipe(() => ({ pipeName: 'p' }));
    const helpers: Array<[() => any, string]> = [
      [() => pipe.metricExecutionThrottled(), 'ExecutionThrottled'],
      [() => pipe.metricExecutionPartiallyFailed(), 'ExecutionPartiallyFailed'],
      [() => pipe.metricEnrichmentStageFailed(), 'EnrichmentStageFailed'],
      [() => pipe.metricTargetStageFailed(), 'TargetStageFailed'],
      [() => pipe.metricTargetStageSkipped(), 'TargetStageSkipped'],
      [() => pipe.metricEventCount(), 'EventCount'],
    ];
    for (const [metric, name] of helpers) {
      const m = metric();
      expect([m.namespace, m.metricName, stack.resolve(m.dimensions)]).toEqual(['AWS/EventBridge/Pipes', name, { PipeName: 'p' }]);
      expect(unpublishedMetricReason(m.namespace, m.metricName, ['PipeName'])).toBeUndefined();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe state, name and description', () => {
  test('RUNNING by default, STOPPED with enabled: false', () => {
    // Pipes API Reference, RequestedPipeState: RUNNING | STOPPED.
    expect(pipeProperties(synthPipe().template).DesiredState).toBe('RUNNING');
    expect(pipeProperties(synthPipe(() => ({ enabled: true })).template).DesiredState).toBe('RUNNING');
    expect(pipeProperties(synthPipe(() => ({ enabled: false })).template).DesiredState).toBe('STOPPED');
  });

  test('Name and Description pass through; without them, none is written (CloudFormation generates the name)', () => {
    const named = pipeProperties(synthPipe(() => ({ pipeName: 'orders.to-bus_1', description: 'Paid orders to the bus' })).template);
    expect(named.Name).toBe('orders.to-bus_1');
    expect(named.Description).toBe('Paid orders to the bus');
    const unnamed = pipeProperties(synthPipe().template);
    expect(unnamed).not.toHaveProperty('Name');
    expect(unnamed).not.toHaveProperty('Description');
  });
});

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe iterator-age alarm (Kinesis sources)', () => {
  // Amazon Kinesis Data Streams Developer Guide, "Monitor ... with Amazon CloudWatch": GetRecords.IteratorAgeMilliseconds by
  // StreamName is the age of the last record read by a shared-throughput consumer. A stopped pipe publishes nothing of its own,
  // so the stream's lag is what shows it. Threshold: 5 % of the retention, at most half of maxRecordAge.
  test('a Kinesis source: alarm on the stream\'s iterator age above 5 % of a 24-hour retention (72 minutes), listed in alarms', () => {
    const { stack, pipe, template } = synthPipe((s) => ({ source: PipeSource.kinesisStream(kinesisSource(s)) }));
    expect(pipe.iteratorAgeAlarm).toBeDefined();
    expect(pipe.alarms).toContain(pipe.iteratorAgeAlarm);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Kinesis',
      MetricName: 'GetRecords.IteratorAgeMilliseconds',
      Dimensions: [{ Name: 'StreamName', Value: ref(stack, stack.node.findChild('Stream')) }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 72 * 60_000,
      TreatMissingData: 'notBreaching',
    });
    expect(pipe.metricIteratorAge().metricName).toBe('GetRecords.IteratorAgeMilliseconds');
  });

  test('a short maxRecordAge lowers the threshold to half of it; iteratorAgeAlarm: false switches it off', () => {
    const { template } = synthPipe((s) => ({ source: PipeSource.kinesisStream(kinesisSource(s), { maxRecordAge: Duration.minutes(20) }) }));
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'GetRecords.IteratorAgeMilliseconds', Threshold: 10 * 60_000 });
    const off = synthPipe((s) => ({ source: PipeSource.kinesisStream(kinesisSource(s)), iteratorAgeAlarm: false }));
    expect(off.pipe.iteratorAgeAlarm).toBeUndefined();
    off.template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'GetRecords.IteratorAgeMilliseconds' }, 0);
  });

  test('no iterator-age alarm for SQS and DynamoDB stream sources (no such metric); metricIteratorAge() says why', () => {
    const sqsPipe = synthPipe();
    expect(sqsPipe.pipe.iteratorAgeAlarm).toBeUndefined();
    expect(() => sqsPipe.pipe.metricIteratorAge()).toThrow(/metricIteratorAge\(\) is for a Kinesis source/);
    const ddb = synthPipe((s) => ({ source: PipeSource.dynamoDbStream(streamTable(s, 'Table')) }));
    expect(ddb.pipe.iteratorAgeAlarm).toBeUndefined();
  });
});

describe('EventPipe warnings', () => {
  const FILTER = [{ body: { status: ['PAID'] } }];

  // UG "Amazon SQS queue as a source": "set the source queue's visibility timeout to at least six times the timeout that you
  // configure on your pipe". userFunction's timeout is 30 seconds unless given; a Lambda enrichment and target add up.
  test('pipeSourceVisibilityTimeout: a source queue hiding messages for less than 6 × the enrichment and target timeouts', () => {
    const short = synthPipe((s) => ({
      source: PipeSource.queueWithDlq(new QueueWithDlq(s, 'Orders', { visibilityTimeout: Duration.seconds(90) })),
      enrichment: PipeEnrichment.lambdaFunction(userFunction(s, 'Enricher', Duration.seconds(10))),
      target: PipeTarget.lambdaFunction(userFunction(s, 'Handler', Duration.seconds(10))),
    }));
    expect(warningsOf(short.stack, '/Test/Pipe').find((w) => w.includes('visibility') || w.includes('hides'))).toMatch(/1 minute 30 seconds, less than 6 times .* \(20 seconds\)/);
    const enough = synthPipe((s) => ({
      source: PipeSource.queueWithDlq(new QueueWithDlq(s, 'Orders', { visibilityTimeout: Duration.seconds(120) })),
      enrichment: PipeEnrichment.lambdaFunction(userFunction(s, 'Enricher', Duration.seconds(10))),
      target: PipeTarget.lambdaFunction(userFunction(s, 'Handler', Duration.seconds(10))),
    }));
    expect(warningIdsOf(enough.stack, '/Test/Pipe')).not.toContain('cdk-message-patterns:pipeSourceVisibilityTimeout');
    // An event bus target takes no time to speak of; the enrichment's 10 seconds need 60 seconds, SQS's default is 30.
    const busTarget = synthPipe((s) => ({ enrichment: PipeEnrichment.lambdaFunction(userFunction(s, 'Enricher', Duration.seconds(10))) }));
    expect(warningIdsOf(busTarget.stack, '/Test/Pipe')).toContain('cdk-message-patterns:pipeSourceVisibilityTimeout');
    // An imported function's timeout is unknown: no warning.
    const imported = synthPipe((s) => ({ enrichment: PipeEnrichment.lambdaFunction(lambda.Function.fromFunctionName(s, 'Imported', 'enricher')) }));
    expect(warningIdsOf(imported.stack, '/Test/Pipe')).not.toContain('cdk-message-patterns:pipeSourceVisibilityTimeout');
  });

  // UG "Event filtering in Amazon EventBridge Pipes": awsRegion, eventSource, eventSourceARN, eventVersion, eventID,
  // invokeIdentityArn and eventSourceKey "can't be used in event patterns" (the page lists eventName too, which AWS's
  // getting-started template filters on: not warned).
  test('pipeFilterOnPollingField: a filter on a field the poller adds; none on eventName', () => {
    const polling = synthPipe((s) => ({ source: PipeSource.dynamoDbStream(streamTable(s, 'Table')), filters: [{ awsRegion: ['us-east-1'] }] }));
    expect(warningsOf(polling.stack, '/Test/Pipe').join('\n')).toMatch(/filters name awsRegion/);
    const eventName = synthPipe((s) => ({ source: PipeSource.dynamoDbStream(streamTable(s, 'Table')), filters: [{ eventName: ['INSERT'] }] }));
    expect(warningIdsOf(eventName.stack, '/Test/Pipe')).not.toContain('cdk-message-patterns:pipeFilterOnPollingField');
  });

  // SQS refuses a message to a FIFO queue without content-based deduplication and without a deduplication id (SQS API
  // Reference, SendMessage MessageDeduplicationId); whether Pipes sends one of its own is not documented: a warning.
  test('pipeFifoTargetWithoutDeduplication: a FIFO queue target without content-based deduplication nor messageDeduplicationId', () => {
    const without = synthPipe((s) => ({ target: PipeTarget.queue(new sqs.Queue(s, 'Out', { fifo: true }), { messageGroupId: '$.body.customerId' }) }));
    expect(warningIdsOf(without.stack, '/Test/Pipe')).toContain('cdk-message-patterns:pipeFifoTargetWithoutDeduplication');
    const byContent = synthPipe((s) => ({
      target: PipeTarget.queue(new sqs.Queue(s, 'Out', { fifo: true, contentBasedDeduplication: true }), { messageGroupId: '$.body.customerId' }),
    }));
    expect(warningIdsOf(byContent.stack, '/Test/Pipe')).not.toContain('cdk-message-patterns:pipeFifoTargetWithoutDeduplication');
    const withId = synthPipe((s) => ({
      target: PipeTarget.queue(new sqs.Queue(s, 'Out', { fifo: true }), { messageGroupId: '$.body.customerId', messageDeduplicationId: '$.messageId' }),
    }));
    expect(warningIdsOf(withId.stack, '/Test/Pipe')).not.toContain('cdk-message-patterns:pipeFifoTargetWithoutDeduplication');
  });

  test('pipeFilterDeletesMessages: filters on an SQS source (messages matching no filter are deleted)', () => {
    // UG "Event filtering in Amazon EventBridge Pipes": "If an Amazon SQS message doesn't satisfy your filter criteria,
    // EventBridge automatically removes the message from the queue".
    const { stack } = synthPipe(() => ({ filters: FILTER }));
    expect(warningIdsOf(stack, '/Test/Pipe')).toContain('cdk-message-patterns:pipeFilterDeletesMessages');
  });

  test('no pipeFilterDeletesMessages without filters, nor on a stream source (its iterator only moves past the record)', () => {
    expect(warningIdsOf(synthPipe().stack, '/Test/Pipe')).not.toContain('cdk-message-patterns:pipeFilterDeletesMessages');
    const stream = synthPipe((s) => ({ source: PipeSource.kinesisStream(kinesisSource(s)), filters: [{ data: { status: ['PAID'] } }] }));
    expect(warningIdsOf(stream.stack, '/Test/Pipe')).not.toContain('cdk-message-patterns:pipeFilterDeletesMessages');
    const table = synthPipe((s) => ({ source: PipeSource.dynamoDbStream(streamTable(s, 'Table')), filters: [{ eventName: ['INSERT'] }] }));
    expect(warningIdsOf(table.stack, '/Test/Pipe')).not.toContain('cdk-message-patterns:pipeFilterDeletesMessages');
  });

  test('pipeSourceWithoutDeadLetterQueue: a plain queue without a redrive policy; none for an imported queue or a queue with one', () => {
    // UG "Pipe error handling": "A pipe inherits dead-letter queue (DLQ) behavior from the source".
    const id = 'cdk-message-patterns:pipeSourceWithoutDeadLetterQueue';
    expect(warningIdsOf(synthPipe((s) => ({ source: PipeSource.queue(new sqs.Queue(s, 'Plain')) })).stack, '/Test/Pipe')).toContain(id);
    const imported = synthPipe((s) => ({ source: PipeSource.queue(sqs.Queue.fromQueueArn(s, 'Imported', 'arn:aws:sqs:us-east-1:111122223333:orders')) }));
    expect(warningIdsOf(imported.stack, '/Test/Pipe')).not.toContain(id);
    const withDlq = synthPipe((s) => ({ source: PipeSource.queue(new sqs.Queue(s, 'Plain', { deadLetterQueue: { queue: new sqs.Queue(s, 'Dlq'), maxReceiveCount: 5 } })) }));
    expect(warningIdsOf(withDlq.stack, '/Test/Pipe')).not.toContain(id);
    expect(warningIdsOf(synthPipe().stack, '/Test/Pipe')).not.toContain(id);
  });

  test('pipeSourceMaxReceiveCount: a maxReceiveCount below 5, not at 5', () => {
    // UG "Amazon SQS queue as a source": "set the maxReceiveCount on the source queue's redrive policy to at least 5".
    const id = 'cdk-message-patterns:pipeSourceMaxReceiveCount';
    const low = synthPipe((s) => ({ source: PipeSource.queueWithDlq(new QueueWithDlq(s, 'Orders', { maxReceiveCount: 3 })) }));
    const warning = warningsOf(low.stack, '/Test/Pipe').find((w) => w.includes(id));
    expect(warning).toMatch(/after 3 receives/);
    const plainLow = synthPipe((s) => ({ source: PipeSource.queue(new sqs.Queue(s, 'Plain', { deadLetterQueue: { queue: new sqs.Queue(s, 'Dlq'), maxReceiveCount: 4 } })) }));
    expect(warningIdsOf(plainLow.stack, '/Test/Pipe')).toContain(id);
    const five = synthPipe((s) => ({ source: PipeSource.queueWithDlq(new QueueWithDlq(s, 'Orders', { maxReceiveCount: 5 })) }));
    expect(warningIdsOf(five.stack, '/Test/Pipe')).not.toContain(id);
  });

  test('pipeSourceHasConsumer: a QueueWithDlq that already has a consumer', () => {
    const id = 'cdk-message-patterns:pipeSourceHasConsumer';
    const consumed = synthPipe((s) => ({ source: PipeSource.queueWithDlq(new QueueWithDlq(s, 'Orders', { consumer: userFunction(s, 'Consumer') })) }));
    expect(warningsOf(consumed.stack, '/Test/Pipe').find((w) => w.includes(id))).toMatch(/Test\/Consumer/);
    expect(warningIdsOf(synthPipe().stack, '/Test/Pipe')).not.toContain(id);
  });

  test('pipeInfiniteRetries: retryAttempts -1 (Pipes retries until the record expires), written as -1', () => {
    // Pipes API Reference, MaximumRetryAttempts: -1 = infinite, "EventBridge retries failed records until the record expires in the event source".
    const id = 'cdk-message-patterns:pipeInfiniteRetries';
    const infinite = synthPipe((s) => ({ source: PipeSource.kinesisStream(kinesisSource(s), { retryAttempts: -1 }) }));
    expect(warningIdsOf(infinite.stack, '/Test/Pipe')).toContain(id);
    expect(pipeProperties(infinite.template).SourceParameters.KinesisStreamParameters.MaximumRetryAttempts).toBe(-1);
    const bounded = synthPipe((s) => ({ source: PipeSource.kinesisStream(kinesisSource(s), { retryAttempts: 0 }) }));
    expect(warningIdsOf(bounded.stack, '/Test/Pipe')).not.toContain(id);
  });

  test('pipeRecordAgeBeyondRetention: maxRecordAge not shorter than the stream retention (24 h Kinesis, 24 h DynamoDB)', () => {
    // UG "Pipe error handling": "make sure that the MaximumRecordAgeInSeconds property on the pipe is less than the
    // MaximumRecordAge of the source event".
    const id = 'cdk-message-patterns:pipeRecordAgeBeyondRetention';
    const at = (maxRecordAge: Duration) => synthPipe((s) => ({ source: PipeSource.kinesisStream(kinesisSource(s), { maxRecordAge }) }));
    expect(warningIdsOf(at(Duration.hours(24)).stack, '/Test/Pipe')).toContain(id);
    expect(warningIdsOf(at(Duration.hours(23)).stack, '/Test/Pipe')).not.toContain(id);
    const table = synthPipe((s) => ({ source: PipeSource.dynamoDbStream(streamTable(s, 'Table'), { maxRecordAge: Duration.days(2) }) }));
    expect(warningIdsOf(table.stack, '/Test/Pipe')).toContain(id);
    const longStream = synthPipe((s) => ({
      source: PipeSource.kinesisStream(kinesisSource(s, { retentionPeriod: Duration.days(7) }), { maxRecordAge: Duration.days(2) }),
    }));
    expect(warningIdsOf(longStream.stack, '/Test/Pipe')).not.toContain(id);
  });

  test('the defaults raise no warning on the pipe', () => {
    expect(warningsOf(synthPipe().stack, '/Test/Pipe')).toEqual([]);
    expect(warningsOf(synthPipe((s) => ({ source: PipeSource.kinesisStream(kinesisSource(s)) })).stack, '/Test/Pipe')).toEqual([]);
    expect(warningsOf(synthPipe((s) => ({ source: PipeSource.dynamoDbStream(streamTable(s, 'Table')) })).stack, '/Test/Pipe')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe offline matching', () => {
  const sqsRecord = (body: string, attributes: Record<string, string> = {}) => ({
    messageId: 'm-1',
    receiptHandle: 'r',
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1700000000000', ...attributes },
    messageAttributes: {},
    eventSource: 'aws:sqs',
  });
  const kinesisRecord = (data: unknown, partitionKey = '1') => ({
    kinesisSchemaVersion: '1.0',
    partitionKey,
    sequenceNumber: '4959',
    data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)).toString('base64'),
    approximateArrivalTimestamp: 1_700_000_000,
  });
  const dynamoRecord = (eventName: string, status: string) => ({
    eventID: 'e-1',
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: { Keys: { pk: { S: 'o-1' } }, NewImage: { pk: { S: 'o-1' }, status: { S: status } }, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  });

  function pipeWith(filters: Array<Record<string, any>>, source?: (s: Stack) => PipeSource): EventPipe {
    return synthPipe((s) => ({ filters, ...(source ? { source: source(s) } : {}) })).pipe;
  }

  test('SQS: the body is parsed as JSON before matching', () => {
    // UG "Event filtering in Amazon EventBridge Pipes", "Properly filtering Amazon SQS messages": filter on body fields.
    const pipe = pipeWith([{ body: { status: ['PAID'] } }]);
    expect(pipe.matches(sqsRecord(JSON.stringify({ status: 'PAID', amount: 5 })))).toBe(true);
    expect(pipe.matches(sqsRecord(JSON.stringify({ status: 'NEW' })))).toBe(false);
    expect(pipe.explain(sqsRecord(JSON.stringify({ status: 'NEW' }))).matched).toBe(false);
  });

  test('SQS: a plain-text body never matches a pattern of JSON fields, and explain says why', () => {
    // UG "Event filtering in Amazon EventBridge Pipes": a plain-string body with a JSON pattern is a mismatch: "EventBridge drops the message".
    const pipe = pipeWith([{ body: { status: ['PAID'] } }]);
    const record = sqsRecord('PAID');
    expect(pipe.matches(record)).toBe(false);
    const explanation = pipe.explain(record);
    expect(explanation.matched).toBe(false);
    expect(explanation.reasons.join('\n')).toMatch(/body is not JSON, and filter 1 matches fields of a JSON body/);
    expect(explanation.reasons.join('\n')).toMatch(/deletes the message from the queue/);
  });

  test('SQS: a plain-value pattern on body matches the plain-text body, not a JSON body', () => {
    const pipe = pipeWith([{ body: ['PAID'] }]);
    expect(pipe.matches(sqsRecord('PAID'))).toBe(true);
    expect(pipe.matches(sqsRecord(JSON.stringify({ status: 'PAID' })))).toBe(false);
  });

  test('SQS: attributes are matched as metadata', () => {
    const pipe = pipeWith([{ attributes: { MessageGroupId: ['vip'] } }]);
    expect(pipe.matches(sqsRecord('{}', { MessageGroupId: 'vip' }))).toBe(true);
    expect(pipe.matches(sqsRecord('{}', { MessageGroupId: 'other' }))).toBe(false);
    expect(pipe.matches(sqsRecord('{}'))).toBe(false);
  });

  test('Kinesis: data is base64-decoded and parsed as JSON (the UG example { partitionKey: ["1"], data: { City: ["Seattle"] } })', () => {
    // UG "Event filtering in Amazon EventBridge Pipes": "When you filter to match this event, you can use filters on the decoded fields".
    const pipe = pipeWith([{ partitionKey: ['1'], data: { City: ['Seattle'] } }], (s) => PipeSource.kinesisStream(kinesisSource(s)));
    expect(pipe.matches(kinesisRecord({ City: 'Seattle', State: 'WA' }))).toBe(true);
    expect(pipe.matches(kinesisRecord({ City: 'Portland' }))).toBe(false);
    expect(pipe.matches(kinesisRecord({ City: 'Seattle' }, '2'))).toBe(false);
    expect(pipe.matches(kinesisRecord('Seattle'))).toBe(false);
    expect(pipe.explain(kinesisRecord({ City: 'Portland' })).reasons.join('\n')).toMatch(/skips the record/);
  });

  test('DynamoDB: the record is matched as it is, NewImage in its typed form, and eventName', () => {
    // UG "Amazon DynamoDB stream as a source" (record shape) and "Getting started" tutorial (filter on eventName INSERT/MODIFY).
    const pipe = pipeWith([{ eventName: ['INSERT'], dynamodb: { NewImage: { status: { S: ['PAID'] } } } }], (s) => PipeSource.dynamoDbStream(streamTable(s, 'Table')));
    expect(pipe.matches(dynamoRecord('INSERT', 'PAID'))).toBe(true);
    expect(pipe.matches(dynamoRecord('MODIFY', 'PAID'))).toBe(false);
    expect(pipe.matches(dynamoRecord('INSERT', 'NEW'))).toBe(false);
  });

  test('no filter: every record matches, and explain says so', () => {
    const pipe = pipeWith([]);
    expect(pipe.matches(sqsRecord('anything'))).toBe(true);
    expect(pipe.explain(sqsRecord('anything'))).toEqual({ matched: true, reasons: ['the pipe has no filter, so every record goes on'] });
    const noneGiven = synthPipe().pipe;
    expect(noneGiven.matches(sqsRecord(JSON.stringify({ status: 'X' })))).toBe(true);
  });

  // Lambda Developer Guide, "Control which events Lambda sends to your function" (the filtering Pipes shares): "If an event
  // satisfies any one of these filters" it is processed; the aws-pipes-alpha README: filters "combined with a logical OR".
  test('several filters: a record goes on when it matches any of them (OR)', () => {
    // Multiple filters are combined with a logical OR (alpha README; Lambda docs: "If an event satisfies any one of these five filters").
    const pipe = pipeWith([{ body: { status: ['PAID'] } }, { body: { amount: [{ numeric: ['>=', 100] }] } }]);
    expect(pipe.matches(sqsRecord(JSON.stringify({ status: 'PAID', amount: 1 })))).toBe(true);
    expect(pipe.matches(sqsRecord(JSON.stringify({ status: 'NEW', amount: 150 })))).toBe(true);
    expect(pipe.matches(sqsRecord(JSON.stringify({ status: 'NEW', amount: 99 })))).toBe(false);
    const explanation = pipe.explain(sqsRecord(JSON.stringify({ status: 'NEW', amount: 150 })));
    expect(explanation.matched).toBe(true);
    expect(explanation.reasons.join('\n')).toMatch(/\(filter 2\)/);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe snapshot', () => {
  test('snapshot of the default pipe (QueueWithDlq source to an event bus)', () => {
    const { stack } = synthPipe();
    expect(normalizedTemplate(stack)).toMatchSnapshot();
  });
});
