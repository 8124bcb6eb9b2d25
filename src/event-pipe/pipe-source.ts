import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { EventPipe } from './event-pipe';
import { PIPE_SOURCE_DEFAULTS, PIPE_SOURCE_LIMITS, PipeSourceBinding } from './pipe-settings';
import { describeQueue } from '../core/queue-facts';
import { describe, durationSeconds, PropsValidator, resolved } from '../core/validation';
import { defaultIteratorAgeThreshold, defaultMaxRecordAge, streamRetention } from '../kinesis-cqrs-pipeline/validate-kinesis-cqrs-pipeline-props';
import { QueueWithDlq } from '../queue-with-dlq/queue-with-dlq';
import { PipeRecordKind } from '../routing/pipes/pipe-filters';

/**
 * AWS's advice for an SQS source: "set the maxReceiveCount on the source
 * queue's redrive policy to at least 5" (EventBridge User Guide, "Amazon SQS
 * queue as a source").
 */
const RECOMMENDED_MAX_RECEIVE_COUNT = 5;

/**
 * How a pipe reads an SQS queue.
 */
export interface QueueSourceOptions {
  /**
   * How many messages the pipe hands to the enrichment and target at once,
   * 1 to 10,000, and at most what the target takes in one call (10 for an
   * event bus, queue or topic; 500 for a Kinesis stream).
   *
   * @default 10 (1 with an API destination enrichment)
   */
  readonly batchSize?: number;

  /**
   * How long the pipe gathers messages into a batch, 0 to 300 seconds.
   *
   * @default - no batching window
   */
  readonly maxBatchingWindow?: Duration;
}

/**
 * How a pipe reads a Kinesis data stream or a DynamoDB stream, and what it
 * does with a record its enrichment or target keeps failing on.
 */
export interface StreamSourceOptions {
  /**
   * Where the pipe starts reading. `AT_TIMESTAMP` is for Kinesis streams
   * only, with `startingPositionTimestamp`. Changing it replaces the pipe.
   *
   * @default lambda.StartingPosition.TRIM_HORIZON (every record the stream still holds: none is skipped)
   */
  readonly startingPosition?: lambda.StartingPosition;

  /**
   * With `AT_TIMESTAMP`, the time to start reading at, in Unix seconds.
   *
   * @default - none
   */
  readonly startingPositionTimestamp?: number;

  /**
   * How many records the pipe hands to the enrichment and target at once,
   * 1 to 10,000, and at most what the target takes in one call.
   *
   * @default 10 (1 with an API destination enrichment)
   */
  readonly batchSize?: number;

  /**
   * How long the pipe gathers records into a batch, 0 to 300 seconds.
   *
   * @default - no batching window
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * How many times the pipe retries a batch that failed, -1 (until the
   * record expires) to 10,000. A record still failing then goes to the
   * dead-letter queue.
   *
   * @default 10
   */
  readonly retryAttempts?: number;

  /**
   * The oldest record the pipe still tries to deliver, up to 7 days; an
   * older record goes to the dead-letter queue. It should be shorter than
   * the stream's retention, or records expire before reaching it.
   *
   * @default - half the stream's retention (12 hours for a DynamoDB stream and a Kinesis stream of 24 hours)
   */
  readonly maxRecordAge?: Duration;

  /**
   * How many batches of one shard the pipe processes at once, 1 to 10.
   * Records of one partition key stay in order.
   *
   * @default 1
   */
  readonly parallelizationFactor?: number;

  /**
   * Whether a failed batch is split in two and each half retried, until the
   * failing record is alone (`AUTOMATIC_BISECT`): the other records of the
   * batch are delivered instead of retried with it.
   *
   * @default true
   */
  readonly bisectBatchOnError?: boolean;

  /**
   * Where the pipe sends the records it gives up on. Pipes takes a dead-letter
   * queue for stream sources only.
   *
   * @default - a queue the pipe creates, alarmed, keeping records 14 days
   */
  readonly deadLetterQueue?: sqs.IQueue;
}

/**
 * Where an EventPipe reads: an SQS queue, a Kinesis data stream or a
 * DynamoDB stream. Use the static factories.
 */
export abstract class PipeSource {
  /**
   * A QueueWithDlq: what the pipe fails on is retried until the queue's
   * `maxReceiveCount`, then parked in its dead-letter queue (Pipes has no
   * dead-letter queue of its own for SQS sources).
   */
  public static queueWithDlq(queue: QueueWithDlq, options: QueueSourceOptions = {}): PipeSource {
    return new QueueSource(queue.queue, options, {
      deadLetterQueue: queue.deadLetterQueue,
      maxReceiveCount: queue.maxReceiveCount,
      alarmed: true,
      consumer: queue.consumer,
    });
  }

  /**
   * Any SQS queue. Give it a redrive policy: Pipes has no dead-letter queue
   * for SQS sources, so a message the pipe keeps failing on is otherwise
   * retried until the queue's retention period deletes it.
   */
  public static queue(queue: sqs.IQueue, options: QueueSourceOptions = {}): PipeSource {
    const dlq = queue instanceof sqs.Queue ? queue.deadLetterQueue : undefined;
    return new QueueSource(queue, options, {
      deadLetterQueue: dlq?.queue,
      maxReceiveCount: dlq?.maxReceiveCount,
      alarmed: false,
      imported: !(queue instanceof sqs.Queue),
    });
  }

  /** A Kinesis data stream, read with shared throughput. */
  public static kinesisStream(stream: kinesis.IStream, options: StreamSourceOptions = {}): PipeSource {
    return new KinesisSource(stream, options);
  }

  /**
   * The stream of a DynamoDB table: the table must have one (`stream` on a
   * table of this app, `tableStreamArn` on an imported one).
   */
  public static dynamoDbStream(table: dynamodb.ITable, options: StreamSourceOptions = {}): PipeSource {
    return new DynamoDbSource(table, options);
  }

  /** The kind of record the source hands over, for filters. @internal */
  public abstract readonly _kind: PipeRecordKind;

  /** The batch size given in the options, if any. @internal */
  public abstract readonly _batchSize?: number;

  /**
   * Records the problems of the source's options. `work` is how long the
   * enrichment and target may take on a batch, when known at synth. @internal
   */
  public abstract _validate(v: PropsValidator, pipe: EventPipe, work?: Duration): void;

  /** Lets the pipe's role read the source, and returns its parameters. @internal */
  public abstract _bind(pipe: EventPipe, batchSize: number): PipeSourceBinding;
}

function batchParameters(v: PropsValidator, options: { batchSize?: number; maxBatchingWindow?: Duration }): void {
  v.integerInRange('source.batchSize', options.batchSize, PIPE_SOURCE_LIMITS.batchSize.min, PIPE_SOURCE_LIMITS.batchSize.max);
  v.durationInRange('source.maxBatchingWindow', options.maxBatchingWindow, PIPE_SOURCE_LIMITS.maxBatchingWindow.min, PIPE_SOURCE_LIMITS.maxBatchingWindow.max);
  v.wholeSeconds('source.maxBatchingWindow', options.maxBatchingWindow);
}

class QueueSource extends PipeSource {
  public readonly _kind = 'sqs';

  constructor(
    private readonly queue: sqs.IQueue,
    private readonly options: QueueSourceOptions,
    private readonly redrive: {
      readonly deadLetterQueue?: sqs.IQueue;
      readonly maxReceiveCount?: number;
      /** Whether the queue's own construct alarms on its dead-letter queue. */
      readonly alarmed: boolean;
      /** Whether the queue is not of this app (its redrive policy cannot be read). */
      readonly imported?: boolean;
      /** The Lambda consumer the QueueWithDlq already has. */
      readonly consumer?: lambda.IFunction;
    },
  ) {
    super();
  }

  public get _batchSize(): number | undefined {
    return this.options.batchSize;
  }

  public _validate(v: PropsValidator, pipe: EventPipe, work?: Duration): void {
    batchParameters(v, this.options);
    this.warnAboutVisibilityTimeout(pipe, work);
    const { deadLetterQueue, maxReceiveCount, imported, consumer } = this.redrive;
    if (consumer) {
      Annotations.of(pipe).addWarningV2(
        'cdk-message-patterns:pipeSourceHasConsumer',
        `The source queue ${describeQueue(this.queue)} already has a consumer (${consumer.node.path}): the pipe and the function compete for its messages, ` +
          'and each message reaches only one of them. Give the pipe a queue of its own, or fan out before the queues (FanoutTopic).',
      );
    }
    if (!deadLetterQueue && !imported) {
      Annotations.of(pipe).addWarningV2(
        'cdk-message-patterns:pipeSourceWithoutDeadLetterQueue',
        `The source queue ${describeQueue(this.queue)} has no dead-letter queue: Pipes keeps no failed message of an SQS source itself, so a message ` +
          'the pipe keeps failing on is received again and again until the queue\'s retention period deletes it. Give the queue a deadLetterQueue, or use a QueueWithDlq.',
      );
    }
    if (maxReceiveCount !== undefined && !Token.isUnresolved(maxReceiveCount) && maxReceiveCount < RECOMMENDED_MAX_RECEIVE_COUNT) {
      Annotations.of(pipe).addWarningV2(
        'cdk-message-patterns:pipeSourceMaxReceiveCount',
        `The source queue ${describeQueue(this.queue)} moves a message to its dead-letter queue after ${maxReceiveCount} receives: AWS advises at least ` +
          `${RECOMMENDED_MAX_RECEIVE_COUNT} for a pipe's source, so that a batch failing for a passing reason (a throttled target) is retried before it is parked.`,
      );
    }
  }

  /**
   * "Set the source queue's visibility timeout to at least six times the timeout that you configure on your pipe"
   * (EventBridge User Guide, "Amazon SQS queue as a source"): a batch still in the enrichment or target when its
   * messages become visible again is received a second time, and each receive counts toward maxReceiveCount.
   */
  private warnAboutVisibilityTimeout(pipe: EventPipe, work: Duration | undefined): void {
    const cfnQueue = this.queue.node.defaultChild;
    if (!work || !(cfnQueue instanceof sqs.CfnQueue) || Token.isUnresolved(cfnQueue.visibilityTimeout)) {
      return;
    }
    // SQS's default visibility timeout is 30 seconds (CreateQueue, VisibilityTimeout).
    const visibility = Duration.seconds(cfnQueue.visibilityTimeout ?? 30);
    if (!resolved(work) || durationSeconds(visibility) >= 6 * durationSeconds(work)) {
      return;
    }
    Annotations.of(pipe).addWarningV2(
      'cdk-message-patterns:pipeSourceVisibilityTimeout',
      `The source queue ${describeQueue(this.queue)} hides a received message for ${describe(visibility)}, less than 6 times what the pipe's enrichment and ` +
        `target may take on a batch (${describe(work)}): AWS advises at least six times, or a slow batch is received again, delivered twice and counted toward ` +
        'maxReceiveCount. Raise the queue\'s visibilityTimeout.',
    );
  }

  public _bind(pipe: EventPipe, batchSize: number): PipeSourceBinding {
    // The three actions Pipes calls on an SQS source (EventBridge User Guide, "Amazon SQS queue as a source", execution role).
    pipe.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      resources: [this.queue.queueArn],
    }));
    this.queue.encryptionMasterKey?.grantDecrypt(pipe.role);
    return {
      arn: this.queue.queueArn,
      parameters: {
        sqsQueueParameters: {
          batchSize,
          maximumBatchingWindowInSeconds: this.options.maxBatchingWindow?.toSeconds(),
        },
      },
      sourceDeadLetterQueue: this.redrive.deadLetterQueue,
      alarmSourceDeadLetterQueue: !this.redrive.alarmed,
    };
  }
}

/** A Kinesis or DynamoDB stream source. */
abstract class StreamSource extends PipeSource {
  constructor(protected readonly options: StreamSourceOptions) {
    super();
  }

  public get _batchSize(): number | undefined {
    return this.options.batchSize;
  }

  public _validate(v: PropsValidator, pipe: EventPipe): void {
    const o = this.options;
    batchParameters(v, o);
    v.integerInRange('source.retryAttempts', o.retryAttempts, PIPE_SOURCE_LIMITS.retryAttempts.min, PIPE_SOURCE_LIMITS.retryAttempts.max);
    v.durationInRange('source.maxRecordAge', o.maxRecordAge, PIPE_SOURCE_LIMITS.maxRecordAge.min, PIPE_SOURCE_LIMITS.maxRecordAge.max);
    v.wholeSeconds('source.maxRecordAge', o.maxRecordAge);
    v.integerInRange('source.parallelizationFactor', o.parallelizationFactor, PIPE_SOURCE_LIMITS.parallelizationFactor.min, PIPE_SOURCE_LIMITS.parallelizationFactor.max);
    if (o.startingPosition === lambda.StartingPosition.AT_TIMESTAMP) {
      v.fail(o.startingPositionTimestamp === undefined, 'source.startingPositionTimestamp is required with startingPosition AT_TIMESTAMP: Pipes needs the time to start reading at, got undefined');
    } else {
      v.fail(
        o.startingPositionTimestamp !== undefined,
        `source.startingPositionTimestamp is only read with startingPosition AT_TIMESTAMP, got ${o.startingPositionTimestamp} with ${o.startingPosition ?? 'TRIM_HORIZON'}`,
      );
    }
    if (o.retryAttempts === -1) {
      Annotations.of(pipe).addWarningV2(
        'cdk-message-patterns:pipeInfiniteRetries',
        'source.retryAttempts is -1: the pipe retries a failing record until it is older than maxRecordAge, and holds its shard all that time.',
      );
    }
    const retention = this.retention();
    if (o.maxRecordAge && resolved(o.maxRecordAge, retention) && durationSeconds(o.maxRecordAge) >= durationSeconds(retention)) {
      Annotations.of(pipe).addWarningV2(
        'cdk-message-patterns:pipeRecordAgeBeyondRetention',
        `source.maxRecordAge (${describe(o.maxRecordAge)}) is not shorter than the stream's retention (${describe(retention)}): a record that keeps failing ` +
          'expires from the stream before the pipe gives up on it, and is lost instead of reaching the dead-letter queue (EventBridge User Guide, "Pipe error handling").',
      );
    }
  }

  public _bind(pipe: EventPipe, batchSize: number): PipeSourceBinding {
    const arn = this.grantRead(pipe.role);
    const given = this.options.deadLetterQueue;
    const deadLetterQueue = given ?? pipe._createDeadLetterQueue();
    deadLetterQueue.grantSendMessages(pipe.role);
    const o = this.options;
    const parameters = {
      startingPosition: o.startingPosition ?? lambda.StartingPosition.TRIM_HORIZON,
      batchSize,
      maximumBatchingWindowInSeconds: o.maxBatchingWindow?.toSeconds(),
      maximumRetryAttempts: o.retryAttempts ?? PIPE_SOURCE_DEFAULTS.retryAttempts,
      maximumRecordAgeInSeconds: (o.maxRecordAge ?? defaultMaxRecordAge(this.retention())).toSeconds(),
      parallelizationFactor: o.parallelizationFactor ?? 1,
      onPartialBatchItemFailure: o.bisectBatchOnError === false ? undefined : 'AUTOMATIC_BISECT',
      deadLetterConfig: { arn: deadLetterQueue.queueArn },
    };
    return {
      arn,
      parameters: this.parameters(parameters),
      deadLetterQueue,
      deadLetterQueueCreated: given === undefined,
      iteratorAge: this.iteratorAge(Duration.seconds(parameters.maximumRecordAgeInSeconds)),
    };
  }

  /** The source's iterator-age metric and threshold, where the source publishes one. */
  protected iteratorAge(_maxRecordAge: Duration): PipeSourceBinding['iteratorAge'] {
    return undefined;
  }

  protected abstract retention(): Duration;
  protected abstract grantRead(role: iam.IRole): string;
  protected abstract parameters(common: pipes.CfnPipe.PipeSourceDynamoDBStreamParametersProperty): pipes.CfnPipe.PipeSourceParametersProperty;
}

class KinesisSource extends StreamSource {
  public readonly _kind = 'kinesis';

  constructor(private readonly stream: kinesis.IStream, options: StreamSourceOptions) {
    super(options);
  }

  protected retention(): Duration {
    return streamRetention(this.stream).period;
  }

  /**
   * `GetRecords.IteratorAgeMilliseconds`, the lag of the stream's slowest shared-throughput consumer (Amazon Kinesis
   * Data Streams Developer Guide, "Monitor the Amazon Kinesis Data Streams service with Amazon CloudWatch"): it grows
   * while the pipe falls behind or stops (Pipes stops a pipe whose target keeps refusing it, and a stopped pipe
   * publishes no metric), before records expire. The threshold is the KinesisCqrsPipeline's: 5 % of the retention, at
   * most half of maxRecordAge.
   */
  protected iteratorAge(maxRecordAge: Duration): PipeSourceBinding['iteratorAge'] {
    const retention = this.retention();
    return {
      metric: this.stream.metricGetRecordsIteratorAgeMilliseconds({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: defaultIteratorAgeThreshold(retention, maxRecordAge),
      retention,
    };
  }

  /** The actions Pipes calls on a Kinesis source (EventBridge User Guide, "Amazon Kinesis stream as a source", execution role). */
  protected grantRead(role: iam.IRole): string {
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: [
        'kinesis:DescribeStream',
        'kinesis:DescribeStreamSummary',
        'kinesis:GetRecords',
        'kinesis:GetShardIterator',
        'kinesis:ListShards',
        'kinesis:ListStreams',
        'kinesis:SubscribeToShard',
      ],
      resources: [this.stream.streamArn],
    }));
    this.stream.encryptionKey?.grantDecrypt(role);
    return this.stream.streamArn;
  }

  protected parameters(common: pipes.CfnPipe.PipeSourceKinesisStreamParametersProperty): pipes.CfnPipe.PipeSourceParametersProperty {
    return { kinesisStreamParameters: { ...common, startingPositionTimestamp: this.options.startingPositionTimestamp?.toString() } };
  }
}

class DynamoDbSource extends StreamSource {
  public readonly _kind = 'dynamodb';

  constructor(private readonly table: dynamodb.ITable, options: StreamSourceOptions) {
    super(options);
  }

  public _validate(v: PropsValidator, pipe: EventPipe): void {
    super._validate(v, pipe);
    v.fail(
      this.table.tableStreamArn === undefined,
      `source (DynamoDB table ${this.table.node.path}) has no stream: set stream on the table (for example dynamodb.StreamViewType.NEW_AND_OLD_IMAGES), ` +
        'or tableStreamArn when you import it, got undefined',
    );
    v.fail(
      this.options.startingPosition === lambda.StartingPosition.AT_TIMESTAMP,
      'source.startingPosition cannot be AT_TIMESTAMP for a DynamoDB stream: Pipes reads a DynamoDB stream from TRIM_HORIZON or LATEST only, got AT_TIMESTAMP',
    );
  }

  protected retention(): Duration {
    return PIPE_SOURCE_DEFAULTS.dynamoDbStreamRetention;
  }

  /**
   * The actions Pipes calls on a DynamoDB stream, scoped to the stream as in
   * AWS's own template (EventBridge User Guide, "Amazon DynamoDB stream as a
   * source", and "Getting started: create a pipe").
   */
  protected grantRead(role: iam.IRole): string {
    const arn = this.table.tableStreamArn!;
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
      resources: [arn],
    }));
    this.table.encryptionKey?.grantDecrypt(role);
    return arn;
  }

  protected parameters(common: pipes.CfnPipe.PipeSourceDynamoDBStreamParametersProperty): pipes.CfnPipe.PipeSourceParametersProperty {
    return { dynamoDbStreamParameters: common };
  }
}
