/**
 * One test per validation rule of EventPipe: each asserts that the error is
 * the library's (MessagePatternsError), starts with the construct path, and
 * names the prop and the bad value; each cites the AWS limit it enforces.
 */
import { CfnParameter, Duration, Lazy, SecretValue, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { buildPipe, passMachine, pipeProperties, stackIn, streamTable, synthPipe } from './helpers';
import { EventPipeProps, PipeEnrichment, PipeSource, PipeTarget, QueueWithDlq, StreamSourceOptions } from '../../src';
import { MessagePatternsError } from '../../src/core/errors';
import { testStack, userFunction } from '../helpers/nag';

/** The error building `Test/Pipe` from the props throws (fails the test when none is thrown). */
function errorOf(props: (stack: Stack) => Partial<EventPipeProps>, stack: Stack = testStack().stack): MessagePatternsError {
  try {
    buildPipe(stack, props);
  } catch (e) {
    expect((e as Error).name).toBe('MessagePatternsError');
    expect((e as Error).message.startsWith(`${stack.node.path}/Pipe: `)).toBe(true);
    return e as MessagePatternsError;
  }
  throw new Error('expected the props to be rejected, and they were accepted');
}

/** The only violation reported for the props. */
function violationOf(props: (stack: Stack) => Partial<EventPipeProps>, stack?: Stack): string {
  const error = errorOf(props, stack);
  expect(error.violations).toHaveLength(1);
  return error.violations[0];
}

function accepts(props: (stack: Stack) => Partial<EventPipeProps>): void {
  expect(() => synthPipe(props)).not.toThrow();
}

const queueSource = (s: Stack, options = {}) => PipeSource.queueWithDlq(new QueueWithDlq(s, 'Orders'), options);
const kinesisSource = (s: Stack, options: StreamSourceOptions = {}) => PipeSource.kinesisStream(new kinesis.Stream(s, 'Stream'), options);
const dynamoSource = (s: Stack, options: StreamSourceOptions = {}) => PipeSource.dynamoDbStream(streamTable(s, 'Table'), options);

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe validation: name and description', () => {
  // Pipes API Reference, CreatePipe Name: length 1-64, pattern [\.\-_A-Za-z0-9]+.
  test.each(['orders bus', 'orders/bus', 'a'.repeat(65), ''])('pipeName %p is rejected', (pipeName) => {
    expect(violationOf(() => ({ pipeName }))).toBe(
      `pipeName must be 1 to 64 letters, digits, '.', '-' and '_' (Pipes API Reference, CreatePipe), got '${pipeName}'`,
    );
  });

  test('a pipeName of 64 letters, digits, ".", "-" and "_" is accepted', () => {
    accepts(() => ({ pipeName: `a.b-c_1${'x'.repeat(57)}` }));
  });

  test('a description above 512 characters is rejected, 512 accepted', () => {
    // Pipes API Reference, CreatePipe Description: 0-512.
    expect(violationOf(() => ({ description: 'd'.repeat(513) }))).toBe('description must be at most 512 characters, got 513');
    accepts(() => ({ description: 'd'.repeat(512) }));
  });
});

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe validation: filters', () => {
  test('more than 5 filters are rejected', () => {
    // Pipes API Reference, FilterCriteria.Filters: at most 5 items.
    const filters = [1, 2, 3, 4, 5, 6].map((n) => ({ body: { n: [n] } }));
    expect(violationOf(() => ({ filters }))).toBe('filters holds at most 5 patterns (Pipes API Reference, FilterCriteria), got 6');
    accepts(() => ({ filters: filters.slice(0, 5) }));
  });

  test('a malformed pattern is rejected, naming filters[i], the key path and the value', () => {
    // UG "Event filtering in Amazon EventBridge Pipes": a filter is an EventBridge event pattern.
    const violation = violationOf(() => ({ filters: [{ body: { status: ['PAID'] } }, { body: { amount: [{ numeric: ['>', 'a lot'] }] } }] }));
    expect(violation).toMatch(/^Invalid filters\[1\] at filters\[1\]\.body\.amount\[0\]\.numeric\[1\]: .*Got: "a lot"/);
  });

  test('a filter that is not a pattern object is rejected, naming filters[i]', () => {
    const violation = violationOf(() => ({ filters: [{ body: { status: ['PAID'] } }, 'status = PAID' as any] }));
    expect(violation).toMatch(/^Invalid filters\[1\] at filters\[1\]: a filter is an event pattern object.*Got: "status = PAID"/);
  });

  test('a pattern above 4096 characters is rejected', () => {
    // Pipes API Reference, Filter.Pattern: at most 4096 characters.
    const violation = violationOf(() => ({ filters: [{ body: { id: ['x'.repeat(4100)] } }] }));
    expect(violation).toMatch(/filters\[0\]/);
    expect(violation).toMatch(/4096/);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe validation: batching', () => {
  // Pipes API Reference, PipeSourceSqsQueueParameters / PipeSourceKinesisStreamParameters BatchSize: 1-10000.
  test.each([0, 10_001, 2.5])('source.batchSize %p is rejected (SQS, with a Lambda target that takes any size)', (batchSize) => {
    expect(violationOf((s) => ({ source: queueSource(s, { batchSize }), target: PipeTarget.lambdaFunction(userFunction(s, 'Fn')) }))).toBe(
      `source.batchSize must be an integer between 1 and 10000, got ${batchSize}`,
    );
  });

  test.each([0, 10_001])('source.batchSize %p is rejected on a stream source too', (batchSize) => {
    expect(violationOf((s) => ({ source: kinesisSource(s, { batchSize }), target: PipeTarget.lambdaFunction(userFunction(s, 'Fn')) }))).toBe(
      `source.batchSize must be an integer between 1 and 10000, got ${batchSize}`,
    );
  });

  test('a batch larger than an event bus takes (10) is rejected', () => {
    // UG "Batching and concurrency": "you can't configure a pipe with a larger batch size than the target supports" (event bus 10).
    expect(violationOf((s) => ({ source: queueSource(s, { batchSize: 11 }) }))).toMatch(/^source\.batchSize must be at most 10 for this target: .*got 11$/);
    accepts((s) => ({ source: queueSource(s, { batchSize: 10 }) }));
  });

  test.each<[string, (s: Stack) => PipeTarget]>([
    ['queue', (s) => PipeTarget.queue(new sqs.Queue(s, 'Out'))],
    ['topic', (s) => PipeTarget.topic(new sns.Topic(s, 'Out'))],
  ])('a batch larger than a %s takes (10) is rejected', (_name, target) => {
    // UG "Batching and concurrency": SQS 10, SNS 10.
    expect(violationOf((s) => ({ source: queueSource(s, { batchSize: 11 }), target: target(s) }))).toMatch(/^source\.batchSize must be at most 10 for this target: .*got 11$/);
  });

  test('a batch larger than a Kinesis stream takes (500) is rejected, 500 accepted', () => {
    // UG "Batching and concurrency": Kinesis 500.
    const target = (s: Stack) => PipeTarget.kinesisStream(new kinesis.Stream(s, 'Out'), { partitionKey: '$.body.id' });
    expect(violationOf((s) => ({ source: kinesisSource(s, { batchSize: 501 }), target: target(s) }))).toMatch(/^source\.batchSize must be at most 500 for this target: .*got 501$/);
    const { template } = synthPipe((s) => ({ source: kinesisSource(s, { batchSize: 500 }), target: target(s) }));
    expect(pipeProperties(template).SourceParameters.KinesisStreamParameters.BatchSize).toBe(500);
  });

  test('a Lambda or state machine target takes any batch size ("customer defined")', () => {
    accepts((s) => ({ source: kinesisSource(s, { batchSize: 10_000 }), target: PipeTarget.lambdaFunction(userFunction(s, 'Fn')) }));
    accepts((s) => ({ source: kinesisSource(s, { batchSize: 10_000 }), target: PipeTarget.stateMachine(passMachine(s, 'M', sfn.StateMachineType.EXPRESS)) }));
  });

  test('an API destination enrichment with a batch size other than 1 is rejected', () => {
    // UG "Amazon EventBridge Pipes": "EventBridge validates that the batch size for API Gateway and API destination enrichments is 1".
    const enrichment = (s: Stack) => {
      const connection = new events.Connection(s, 'Conn', { authorization: events.Authorization.apiKey('k', SecretValue.unsafePlainText('v')) });
      return PipeEnrichment.apiDestination(new events.ApiDestination(s, 'Api', { connection, endpoint: 'https://example.com' }));
    };
    expect(violationOf((s) => ({ source: queueSource(s, { batchSize: 2 }), enrichment: enrichment(s) }))).toBe(
      'source.batchSize must be 1 with an API destination enrichment: Pipes calls it once per record, got 2',
    );
    accepts((s) => ({ source: queueSource(s, { batchSize: 1 }), enrichment: enrichment(s) }));
  });

  test.each<[string, (s: Stack, w: Duration) => PipeSource]>([
    ['SQS', (s, w) => queueSource(s, { maxBatchingWindow: w })],
    ['Kinesis', (s, w) => kinesisSource(s, { maxBatchingWindow: w })],
  ])('%s: a maxBatchingWindow above 300 seconds is rejected, 300 accepted', (_name, source) => {
    // Pipes API Reference, MaximumBatchingWindowInSeconds: 0-300.
    expect(violationOf((s) => ({ source: source(s, Duration.seconds(301)) }))).toBe('source.maxBatchingWindow must be between 0 seconds and 5 minutes, got 5 minutes 1 second');
    accepts((s) => ({ source: source(s, Duration.seconds(300)) }));
  });

  test('a maxBatchingWindow that is not a whole number of seconds is rejected as a prop error', () => {
    // Pipes API Reference: MaximumBatchingWindowInSeconds is an integer; without the check, aws-cdk-lib's toSeconds() would throw its own
    // error ("cannot be converted into a whole number of seconds") that names no prop.
    expect(violationOf((s) => ({ source: queueSource(s, { maxBatchingWindow: Duration.millis(1500) }) })))
      .toMatch(/source\.maxBatchingWindow must be a whole number of seconds, got 1 second 500 millis/);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe validation: stream sources', () => {
  // Pipes API Reference, PipeSourceKinesisStreamParameters and PipeSourceDynamoDBStreamParameters:
  // MaximumRetryAttempts -1..10000, MaximumRecordAgeInSeconds -1..604800, ParallelizationFactor 1..10.
  test.each([-2, 10_001, 1.5])('source.retryAttempts %p is rejected', (retryAttempts) => {
    expect(violationOf((s) => ({ source: kinesisSource(s, { retryAttempts }) }))).toBe(`source.retryAttempts must be an integer between -1 and 10000, got ${retryAttempts}`);
  });

  test.each([-1, 0, 10_000])('source.retryAttempts %p is accepted', (retryAttempts) => {
    accepts((s) => ({ source: dynamoSource(s, { retryAttempts }) }));
  });

  test('a maxRecordAge above 7 days is rejected (DynamoDB and Kinesis), 7 days accepted', () => {
    expect(violationOf((s) => ({ source: kinesisSource(s, { maxRecordAge: Duration.days(8) }) }))).toBe('source.maxRecordAge must be between 0 seconds and 7 days, got 8 days');
    expect(violationOf((s) => ({ source: dynamoSource(s, { maxRecordAge: Duration.days(8) }) }))).toBe('source.maxRecordAge must be between 0 seconds and 7 days, got 8 days');
    accepts((s) => ({ source: kinesisSource(s, { maxRecordAge: Duration.days(7) }) }));
  });

  test('a maxRecordAge that is not a whole number of seconds is rejected as a prop error', () => {
    // Pipes API Reference: MaximumRecordAgeInSeconds is an integer (aws-cdk-lib's toSeconds() would otherwise throw an error naming no prop).
    expect(violationOf((s) => ({ source: kinesisSource(s, { maxRecordAge: Duration.millis(60_500) }) }))).toMatch(/source\.maxRecordAge.*whole number of seconds/);
  });

  test.each([0, 11, 2.5])('source.parallelizationFactor %p is rejected', (parallelizationFactor) => {
    expect(violationOf((s) => ({ source: kinesisSource(s, { parallelizationFactor }) }))).toBe(
      `source.parallelizationFactor must be an integer between 1 and 10, got ${parallelizationFactor}`,
    );
  });

  test('AT_TIMESTAMP without startingPositionTimestamp is rejected', () => {
    // Pipes API Reference: StartingPositionTimestamp, "With StartingPosition set to AT_TIMESTAMP, the time from which to start reading".
    expect(violationOf((s) => ({ source: kinesisSource(s, { startingPosition: lambda.StartingPosition.AT_TIMESTAMP }) }))).toBe(
      'source.startingPositionTimestamp is required with startingPosition AT_TIMESTAMP: Pipes needs the time to start reading at, got undefined',
    );
  });

  test('a startingPositionTimestamp without AT_TIMESTAMP is rejected', () => {
    expect(violationOf((s) => ({ source: kinesisSource(s, { startingPositionTimestamp: 1_700_000_000 }) }))).toBe(
      'source.startingPositionTimestamp is only read with startingPosition AT_TIMESTAMP, got 1700000000 with TRIM_HORIZON',
    );
    expect(violationOf((s) => ({ source: kinesisSource(s, { startingPosition: lambda.StartingPosition.LATEST, startingPositionTimestamp: 1 }) }))).toMatch(/got 1 with LATEST$/);
  });

  test('AT_TIMESTAMP on a DynamoDB stream is rejected', () => {
    // Pipes API Reference, PipeSourceDynamoDBStreamParameters.StartingPosition: TRIM_HORIZON | LATEST (no AT_TIMESTAMP).
    const atTimestamp = { startingPosition: lambda.StartingPosition.AT_TIMESTAMP, startingPositionTimestamp: 1_700_000_000 };
    expect(violationOf((s) => ({ source: dynamoSource(s, atTimestamp) }))).toBe(
      'source.startingPosition cannot be AT_TIMESTAMP for a DynamoDB stream: Pipes reads a DynamoDB stream from TRIM_HORIZON or LATEST only, got AT_TIMESTAMP',
    );
  });

  test('a table without a stream is rejected', () => {
    expect(violationOf((s) => ({ source: PipeSource.dynamoDbStream(new dynamodb.Table(s, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } })) }))).toBe(
      'source (DynamoDB table Test/Table) has no stream: set stream on the table (for example dynamodb.StreamViewType.NEW_AND_OLD_IMAGES), ' +
        'or tableStreamArn when you import it, got undefined',
    );
    expect(violationOf((s) => ({ source: PipeSource.dynamoDbStream(dynamodb.Table.fromTableName(s, 'Imported', 'orders')) }))).toMatch(/^source \(DynamoDB table Test\/Imported\) has no stream/);
  });

  test('a deadLetterRetentionPeriod outside what SQS keeps (60 seconds to 14 days) is rejected as a prop error', () => {
    // SQS API Reference, SetQueueAttributes MessageRetentionPeriod: 60-1209600 seconds (checked here, as QueueWithDlq and EventBusRoute
    // do, rather than left to aws-cdk-lib's sqs.Queue, whose error names no prop).
    expect(violationOf((s) => ({ source: kinesisSource(s), deadLetterRetentionPeriod: Duration.days(15) }))).toMatch(/deadLetterRetentionPeriod.*15 days/);
  });
});

describe('EventPipe validation: filters on a Kinesis record', () => {
  test('a pattern of plain values on data is rejected, naming the filter and the value', () => {
    // UG "Event filtering in Amazon EventBridge Pipes": for Kinesis and DynamoDB sources a pattern that is not JSON "throws an
    // exception at the time of the pipe creation or update".
    expect(violationOf((s) => ({ source: kinesisSource(s), filters: [{ data: ['PAID'] }] })))
      .toMatch(/filters\[0\]\.data: Pipes refuses a pattern of plain values on the data of a Kinesis record.*PAID/);
    accepts((s) => ({ source: kinesisSource(s), filters: [{ data: { status: ['PAID'] } }] }));
  });
});

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe validation: input templates', () => {
  // Pipes API Reference, InputTemplate: at most 8192 characters; an empty string removes a template (so the construct asks
  // to leave the prop unset instead).
  test.each<[string, (s: Stack, t: string) => Partial<EventPipeProps>, string]>([
    ['enrichment', (s, t) => ({ enrichment: PipeEnrichment.lambdaFunction(userFunction(s, 'Fn'), { inputTemplate: t }) }), 'enrichment.inputTemplate'],
    ['target', (s, t) => ({ target: PipeTarget.eventBus(new events.EventBus(s, 'Bus'), { inputTemplate: t }) }), 'target.inputTemplate'],
  ])('an empty or too long %s input template is rejected', (_name, props, prop) => {
    expect(violationOf((s) => props(s, ''))).toBe(`${prop} must be 1 to 8192 characters (leave it unset for the record itself), got 0 characters`);
    expect(violationOf((s) => props(s, 'x'.repeat(8193)))).toBe(`${prop} must be 1 to 8192 characters (leave it unset for the record itself), got 8193 characters`);
    accepts((s) => props(s, 'x'.repeat(8192)));
  });
});

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe validation: targets', () => {
  const busTarget = (options: events.EventBusProps & { source?: string; detailType?: string }) => (s: Stack) => ({
    target: PipeTarget.eventBus(new events.EventBus(s, 'Bus'), options),
  });

  test.each(['aws.orders', 's'.repeat(257), ''])('an event bus target source %p is rejected', (source) => {
    // Pipes API Reference, PipeTargetEventBridgeEventBusParameters.Source: 1-256 characters, pattern (?!aws\.).*
    expect(violationOf(busTarget({ source }))).toBe(
      `target.source must be 1 to 256 characters and must not start with "aws." (Pipes API Reference, EventBridgeEventBusParameters), got '${source}'`,
    );
  });

  test.each(['t'.repeat(129), ''])('an event bus target detailType %p is rejected', (detailType) => {
    // Pipes API Reference, PipeTargetEventBridgeEventBusParameters.DetailType: 1-128 characters.
    expect(violationOf(busTarget({ detailType }))).toBe(`target.detailType must be 1 to 128 characters, got '${detailType}'`);
  });

  test('an event bus of another account is rejected', () => {
    // UG "Amazon EventBridge Pipes targets": "Event bus in the same account and Region".
    const stack = stackIn({ account: '111111111111', region: 'us-east-1' });
    const violation = violationOf((s) => ({ target: PipeTarget.eventBus(events.EventBus.fromEventBusArn(s, 'Central', 'arn:aws:events:us-east-1:222222222222:event-bus/central')) }), stack);
    expect(violation).toMatch(/^target \(event bus Test\/Central\) is in account 222222222222, the pipe in 111111111111: Pipes delivers to an event bus of its own account and Region only/);
  });

  test('an event bus of another Region is rejected (MiniStack, measured on AWS: "Creating cross-region pipe is not permitted.")', () => {
    const stack = stackIn({ account: '111111111111', region: 'us-east-1' });
    const violation = violationOf((s) => ({ target: PipeTarget.eventBus(events.EventBus.fromEventBusArn(s, 'Central', 'arn:aws:events:eu-west-1:111111111111:event-bus/central')) }), stack);
    expect(violation).toMatch(/^target \(event bus Test\/Central\) is in Region eu-west-1, the pipe in us-east-1/);
  });

  test('an event bus of the same account and Region is accepted, and an environment-agnostic stack is not checked', () => {
    const stack = stackIn({ account: '111111111111', region: 'us-east-1' });
    expect(() => buildPipe(stack, (s) => ({ target: PipeTarget.eventBus(events.EventBus.fromEventBusArn(s, 'Here', 'arn:aws:events:us-east-1:111111111111:event-bus/here')) }))).not.toThrow();
    accepts((s) => ({ target: PipeTarget.eventBus(events.EventBus.fromEventBusArn(s, 'Central', 'arn:aws:events:eu-west-1:222222222222:event-bus/central')) }));
  });

  test('a FIFO queue target without messageGroupId is rejected (created and imported queues)', () => {
    // Pipes API Reference, PipeTargetSqsQueueParameters.MessageGroupId: "The FIFO message group ID to use as the target";
    // SQS SendMessage refuses a message to a FIFO queue without one.
    expect(violationOf((s) => ({ target: PipeTarget.queue(new sqs.Queue(s, 'Out', { fifo: true })) }))).toMatch(
      /^target\.messageGroupId is required: the target Test\/Out is a FIFO queue, .*got undefined$/,
    );
    expect(violationOf((s) => ({ target: PipeTarget.queue(sqs.Queue.fromQueueArn(s, 'Out', 'arn:aws:sqs:us-east-1:111122223333:out.fifo')) }))).toMatch(
      /^target\.messageGroupId is required: the target out\.fifo is a FIFO queue/,
    );
    accepts((s) => ({ target: PipeTarget.queue(new sqs.Queue(s, 'Out', { fifo: true }), { messageGroupId: 'orders' }) }));
  });

  test('a FIFO topic target is rejected', () => {
    // UG "Amazon EventBridge Pipes targets": "Amazon SNS topic (SNS FIFO topics not supported)".
    expect(violationOf((s) => ({ target: PipeTarget.topic(new sns.Topic(s, 'Out', { fifo: true })) }))).toBe(
      'target (topic Test/Out) is a FIFO topic: Pipes does not deliver to SNS FIFO topics (EventBridge User Guide, "Amazon EventBridge Pipes targets"), got a FIFO topic',
    );
  });

  test.each(['', 'k'.repeat(257)])('a Kinesis target partitionKey %p is rejected', (partitionKey) => {
    // Pipes API Reference, PipeTargetKinesisStreamParameters.PartitionKey: required, at most 256 characters.
    expect(violationOf((s) => ({ target: PipeTarget.kinesisStream(new kinesis.Stream(s, 'Out'), { partitionKey }) }))).toBe(
      "target.partitionKey must be 1 to 256 characters (a fixed key or a JSON path of the record such as '$.body.orderId'): " +
        `Pipes requires one for a Kinesis target, got ${JSON.stringify(partitionKey)}`,
    );
  });

  test('a Kinesis target without partitionKey (from JavaScript) is rejected', () => {
    expect(violationOf((s) => ({ target: PipeTarget.kinesisStream(new kinesis.Stream(s, 'Out'), {} as any) }))).toMatch(/^target\.partitionKey must be 1 to 256 characters.*got undefined$/);
  });

  test('express: true on a STANDARD state machine target is rejected', () => {
    // Pipes API Reference, PipeTargetStateMachineParameters: "REQUEST_RESPONSE is not supported for STANDARD state machine workflows".
    expect(violationOf((s) => ({ target: PipeTarget.stateMachine(passMachine(s, 'Machine', sfn.StateMachineType.STANDARD), { express: true }) }))).toMatch(
      /^target\.express is true, but the state machine Test\/Machine is a standard workflow.*got true$/,
    );
  });

  test('a standard state machine as enrichment is rejected; an express one and an imported one are accepted', () => {
    // UG "Event enrichment": "EventBridge Pipes only supports Express workflows as enrichments".
    expect(violationOf((s) => ({ enrichment: PipeEnrichment.stateMachine(passMachine(s, 'Machine', sfn.StateMachineType.STANDARD)) }))).toMatch(
      /^enrichment \(state machine Test\/Machine\) must be an express workflow: .*got a STANDARD state machine$/,
    );
    accepts((s) => ({ enrichment: PipeEnrichment.stateMachine(passMachine(s, 'Machine', sfn.StateMachineType.EXPRESS)) }));
    accepts((s) => ({ enrichment: PipeEnrichment.stateMachine(sfn.StateMachine.fromStateMachineArn(s, 'Imported', 'arn:aws:states:us-east-1:111122223333:stateMachine:x')) }));
  });
});

// ---------------------------------------------------------------------------------------------------------------------
describe('EventPipe validation: several problems, and tokens', () => {
  test('every problem of the props is reported in one error', () => {
    const error = errorOf((s) => ({
      pipeName: 'orders bus',
      description: 'd'.repeat(600),
      source: kinesisSource(s, { batchSize: 0, retryAttempts: -5, parallelizationFactor: 20 }),
      target: PipeTarget.eventBus(new events.EventBus(s, 'Bus'), { source: 'aws.orders' }),
    }));
    expect(error.violations).toHaveLength(6);
    expect(error.message).toMatch(/^Test\/Pipe: 6 invalid props:\n- pipeName/);
    for (const prop of ['pipeName', 'description', 'source.batchSize', 'source.retryAttempts', 'source.parallelizationFactor', 'target.source']) {
      expect(error.violations.some((v) => v.startsWith(prop))).toBe(true);
    }
  });

  test('a batchSize that is a token is not checked, and is written as given', () => {
    const batchSize = Lazy.number({ produce: () => 50 });
    const { template } = synthPipe((s) => ({ source: queueSource(s, { batchSize }) }));
    // 50 is more than an event bus takes, but the value is only known at synth's resolution: not rejected.
    expect(pipeProperties(template).SourceParameters.SqsQueueParameters.BatchSize).toBe(50);
  });

  test('a pipeName that is a token (a stack parameter) is not checked, and the trust has no aws:SourceArn', () => {
    const { stack, pipe, template } = synthPipe((s) => ({ pipeName: new CfnParameter(s, 'PipeName').valueAsString }));
    expect(Token.isUnresolved(pipe.pipeName)).toBe(true);
    expect(pipeProperties(template).Name).toEqual({ Ref: 'PipeName' });
    const role = template.toJSON().Resources[stack.getLogicalId(pipe.role.node.defaultChild as any)];
    expect(Object.keys(role.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals)).toEqual(['aws:SourceAccount']);
  });

  test('tokens (stack parameters, known at deploy time only) in the other checked props are not rejected', () => {
    const text = (s: Stack, id: string) => new CfnParameter(s, id).valueAsString;
    const num = (s: Stack, id: string) => new CfnParameter(s, id, { type: 'Number' }).valueAsNumber;
    const { template } = synthPipe((s) => ({
      description: text(s, 'Description'),
      source: kinesisSource(s, {
        batchSize: num(s, 'BatchSize'),
        retryAttempts: num(s, 'Retries'),
        parallelizationFactor: num(s, 'Parallelization'),
        maxRecordAge: Duration.seconds(num(s, 'MaxAge')),
        maxBatchingWindow: Duration.seconds(num(s, 'Window')),
      }),
      target: PipeTarget.eventBus(new events.EventBus(s, 'Bus'), { source: text(s, 'Source'), detailType: text(s, 'DetailType'), inputTemplate: text(s, 'Template') }),
    }));
    expect(pipeProperties(template).SourceParameters.KinesisStreamParameters).toMatchObject({
      BatchSize: { Ref: 'BatchSize' },
      MaximumRetryAttempts: { Ref: 'Retries' },
      ParallelizationFactor: { Ref: 'Parallelization' },
      MaximumRecordAgeInSeconds: { Ref: 'MaxAge' },
      MaximumBatchingWindowInSeconds: { Ref: 'Window' },
    });
    accepts((s) => ({ target: PipeTarget.kinesisStream(new kinesis.Stream(s, 'Out'), { partitionKey: text(s, 'Key') }) }));
    accepts((s) => ({ enrichment: PipeEnrichment.lambdaFunction(userFunction(s, 'Fn'), { inputTemplate: text(s, 'Template') }) }));
    accepts((s) => ({ filters: [{ account: [s.account] }] }));
  });
});
