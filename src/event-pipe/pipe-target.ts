import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { EventPipe } from './event-pipe';
import { validateInputTemplate } from './input-template';
import { PipeTargetBinding } from './pipe-settings';
import { ConsumerAlarmOptions } from '../core/consumer-alarm-options';
import { consumerHealthAlarms } from '../core/consumer-alarms';
import { grantInvokeFunction, grantStreamWrite, grantTopicPublish } from '../core/grants';
import { describeQueue, knownFifo } from '../core/queue-facts';
import { PropsValidator } from '../core/validation';
import { consumerTimeout } from '../queue-with-dlq/validate-queue-with-dlq-props';

/**
 * The most records a target takes in one call, where Pipes caps the batch
 * ("you can't configure a pipe with a larger batch size than the target
 * supports", EventBridge User Guide, "Batching and concurrency", whose table
 * gives 10 for event buses, SQS and SNS, 500 for Kinesis).
 */
const TARGET_BATCH_LIMITS = { eventBus: 10, queue: 10, topic: 10, kinesisStream: 500 } as const;

/** Limits of `EventBridgeEventBusParameters` (Pipes API Reference). */
const EVENT_BUS_LIMITS = { source: 256, detailType: 128 } as const;

/**
 * Options of every pipe target.
 */
export interface PipeTargetOptions {
  /**
   * What the target receives for each record, instead of the record (or the
   * enrichment's result) itself: JSON or text with `<$.path>` placeholders,
   * for example `{"order": <$.body.orderId>}`, at most 8,192 characters.
   *
   * @default - the record, or what the enrichment returned for it
   */
  readonly inputTemplate?: string;
}

/**
 * Options of an event bus target.
 */
export interface EventBusPipeTargetOptions extends PipeTargetOptions {
  /**
   * The `source` of the events the pipe puts, 1 to 256 characters, not
   * starting with `aws.`. Set it: rules then match on a value of yours, not
   * on the one Pipes picks.
   *
   * @default - chosen by Pipes
   */
  readonly source?: string;

  /**
   * The `detail-type` of the events the pipe puts, 1 to 128 characters.
   *
   * @default - chosen by Pipes
   */
  readonly detailType?: string;
}

/**
 * Options of an SQS queue target.
 */
export interface QueuePipeTargetOptions extends PipeTargetOptions {
  /**
   * The message group id of the messages sent to a FIFO queue: a fixed value
   * or a JSON path of the record (`$.body.orderId`). Required for FIFO queues.
   *
   * @default - none (standard queues)
   */
  readonly messageGroupId?: string;

  /**
   * The deduplication id of the messages sent to a FIFO queue without
   * content-based deduplication: a fixed value or a JSON path of the record.
   * A FIFO queue that does not deduplicate by content needs one (warned at synth).
   *
   * @default - none (a FIFO queue should then deduplicate by content)
   */
  readonly messageDeduplicationId?: string;
}

/**
 * Options of a Kinesis data stream target.
 */
export interface KinesisStreamPipeTargetOptions extends PipeTargetOptions {
  /**
   * The partition key of each record put, a fixed value or a JSON path of
   * the record (`$.body.orderId`), at most 256 characters. Pipes requires one.
   */
  readonly partitionKey: string;
}

/**
 * Options of a Lambda function target.
 */
export interface LambdaPipeTargetOptions extends PipeTargetOptions {
  /**
   * Which health alarms the function gets: errors and throttles, each on by
   * default, notifying the pipe's `alarmAction` and listed in its `alarms`.
   *
   * @default - an errors alarm and a throttles alarm on the function
   */
  readonly alarms?: ConsumerAlarmOptions;
}

/**
 * Options of a Step Functions state machine target.
 */
export interface StateMachinePipeTargetOptions extends PipeTargetOptions {
  /**
   * Whether the state machine is an express workflow, which the pipe runs
   * synchronously (`StartSyncExecution`: a failed execution fails the batch,
   * which is retried). A standard workflow can only be started
   * asynchronously (`StartExecution`): the pipe does not see what fails in
   * its executions.
   *
   * @default - the type of a StateMachine of this app; false for an imported one
   */
  readonly express?: boolean;
}

/**
 * Where an EventPipe delivers. Every target is invoked so that the pipe sees
 * its failures (synchronously where the target allows), and the pipe's role
 * gets the one permission it needs on it. Use the static factories.
 */
export abstract class PipeTarget {
  /**
   * An event bus of the pipe's account and Region (Pipes delivers to no
   * other): each record becomes an event, its `detail` the record.
   */
  public static eventBus(eventBus: events.IEventBus, options: EventBusPipeTargetOptions = {}): PipeTarget {
    return new EventBusTarget(eventBus, options);
  }

  /** An SQS queue. A FIFO queue needs `messageGroupId`. */
  public static queue(queue: sqs.IQueue, options: QueuePipeTargetOptions = {}): PipeTarget {
    return new QueueTarget(queue, options);
  }

  /** An SNS standard topic (Pipes does not deliver to FIFO topics). */
  public static topic(topic: sns.ITopic, options: PipeTargetOptions = {}): PipeTarget {
    return new TopicTarget(topic, options);
  }

  /**
   * A Lambda function, invoked synchronously with the batch: an error fails
   * the batch, which is retried, and a response of `batchItemFailures`
   * retries only the records it names.
   */
  public static lambdaFunction(fn: lambda.IFunction, options: LambdaPipeTargetOptions = {}): PipeTarget {
    return new LambdaTarget(fn, options);
  }

  /** A Step Functions state machine: see `express` for how it is started. */
  public static stateMachine(stateMachine: sfn.IStateMachine, options: StateMachinePipeTargetOptions = {}): PipeTarget {
    return new StateMachineTarget(stateMachine, options);
  }

  /** A Kinesis data stream: each record is put with `partitionKey`. */
  public static kinesisStream(stream: kinesis.IStream, options: KinesisStreamPipeTargetOptions): PipeTarget {
    return new KinesisStreamTarget(stream, options);
  }

  private readonly inputTemplate?: string;

  protected constructor(options: PipeTargetOptions) {
    this.inputTemplate = options.inputTemplate;
  }

  /** The most records the target takes in one call, if Pipes caps the batch for it. @internal */
  public get _maxBatchSize(): number | undefined {
    return undefined;
  }

  /**
   * How long the target may take on a batch, when known at synth: nothing to
   * speak of for a service API (a bus, queue, topic or stream), a Lambda
   * function's timeout. @internal
   */
  public get _timeout(): Duration | undefined {
    return Duration.seconds(0);
  }

  /** Records the problems of the target's options. @internal */
  public _validate(v: PropsValidator, _pipe: EventPipe): void {
    validateInputTemplate(v, 'target.inputTemplate', this.inputTemplate);
  }

  /** Lets the pipe's role deliver to the target, and returns its parameters. @internal */
  public abstract _bind(pipe: EventPipe): PipeTargetBinding;
}

class EventBusTarget extends PipeTarget {
  constructor(private readonly bus: events.IEventBus, private readonly options: EventBusPipeTargetOptions) {
    super(options);
  }

  public get _maxBatchSize(): number {
    return TARGET_BATCH_LIMITS.eventBus;
  }

  public _validate(v: PropsValidator, pipe: EventPipe): void {
    super._validate(v, pipe);
    const { source, detailType } = this.options;
    if (source !== undefined && !Token.isUnresolved(source)) {
      v.fail(
        source.length < 1 || source.length > EVENT_BUS_LIMITS.source || source.startsWith('aws.'),
        `target.source must be 1 to ${EVENT_BUS_LIMITS.source} characters and must not start with "aws." (Pipes API Reference, EventBridgeEventBusParameters), got '${source}'`,
      );
    }
    if (detailType !== undefined && !Token.isUnresolved(detailType)) {
      v.fail(
        detailType.length < 1 || detailType.length > EVENT_BUS_LIMITS.detailType,
        `target.detailType must be 1 to ${EVENT_BUS_LIMITS.detailType} characters, got '${detailType}'`,
      );
    }
    const here = Stack.of(pipe);
    const there = this.bus.env;
    for (const [what, mine, theirs] of [['account', here.account, there.account], ['Region', here.region, there.region]]) {
      v.fail(
        !Token.isUnresolved(mine) && !Token.isUnresolved(theirs) && mine !== theirs,
        `target (event bus ${this.bus.node.path}) is in ${what} ${theirs}, the pipe in ${mine}: Pipes delivers to an event bus of its own account and Region only ` +
          '(EventBridge User Guide, "Amazon EventBridge Pipes targets"); send to a bus here, and route on from it to the other one',
      );
    }
  }

  public _bind(pipe: EventPipe): PipeTargetBinding {
    this.bus.grantPutEventsTo(pipe.role);
    const { source, detailType, inputTemplate } = this.options;
    const busParameters = source !== undefined || detailType !== undefined ? { source, detailType } : undefined;
    return { arn: this.bus.eventBusArn, parameters: { inputTemplate, eventBridgeEventBusParameters: busParameters } };
  }
}

class QueueTarget extends PipeTarget {
  constructor(private readonly queue: sqs.IQueue, private readonly options: QueuePipeTargetOptions) {
    super(options);
  }

  public get _maxBatchSize(): number {
    return TARGET_BATCH_LIMITS.queue;
  }

  public _validate(v: PropsValidator, pipe: EventPipe): void {
    super._validate(v, pipe);
    const cfnQueue = this.queue.node.defaultChild;
    const deduplicatesByContent = cfnQueue instanceof sqs.CfnQueue && !Token.isUnresolved(cfnQueue.contentBasedDeduplication)
      ? Stack.of(cfnQueue).resolve(cfnQueue.contentBasedDeduplication) === true
      : undefined;
    // A warning, not an error: SQS refuses a message to such a queue without a deduplication id, but whether Pipes sends one of
    // its own is not documented.
    if (knownFifo(this.queue) === true && deduplicatesByContent === false && this.options.messageDeduplicationId === undefined) {
      Annotations.of(pipe).addWarningV2(
        'cdk-message-patterns:pipeFifoTargetWithoutDeduplication',
        `The target ${describeQueue(this.queue)} is a FIFO queue without contentBasedDeduplication, and target.messageDeduplicationId is not set: SQS refuses ` +
          "a message to such a queue without a deduplication id. Set messageDeduplicationId (for example '$.messageId'), or contentBasedDeduplication on the queue.",
      );
    }
    v.fail(
      knownFifo(this.queue) === true && this.options.messageGroupId === undefined,
      `target.messageGroupId is required: the target ${describeQueue(this.queue)} is a FIFO queue, and SQS refuses a message to a FIFO queue without a message group id ` +
        "(for example '$.body.orderId'), got undefined",
    );
  }

  public _bind(pipe: EventPipe): PipeTargetBinding {
    this.queue.grantSendMessages(pipe.role);
    const { messageGroupId, messageDeduplicationId, inputTemplate } = this.options;
    const sqsQueueParameters = messageGroupId !== undefined || messageDeduplicationId !== undefined
      ? { messageGroupId, messageDeduplicationId }
      : undefined;
    return { arn: this.queue.queueArn, parameters: { inputTemplate, sqsQueueParameters } };
  }
}

class TopicTarget extends PipeTarget {
  constructor(private readonly topic: sns.ITopic, private readonly options: PipeTargetOptions) {
    super(options);
  }

  public get _maxBatchSize(): number {
    return TARGET_BATCH_LIMITS.topic;
  }

  public _validate(v: PropsValidator, pipe: EventPipe): void {
    super._validate(v, pipe);
    v.fail(
      this.topic.fifo === true,
      `target (topic ${this.topic.node.path}) is a FIFO topic: Pipes does not deliver to SNS FIFO topics (EventBridge User Guide, "Amazon EventBridge Pipes targets"), got a FIFO topic`,
    );
  }

  public _bind(pipe: EventPipe): PipeTargetBinding {
    grantTopicPublish(this.topic, pipe.role);
    return { arn: this.topic.topicArn, parameters: { inputTemplate: this.options.inputTemplate } };
  }
}

class LambdaTarget extends PipeTarget {
  constructor(private readonly fn: lambda.IFunction, private readonly options: LambdaPipeTargetOptions) {
    super(options);
  }

  public get _timeout(): Duration | undefined {
    return consumerTimeout(this.fn);
  }

  public _bind(pipe: EventPipe): PipeTargetBinding {
    grantInvokeFunction(this.fn, pipe.role);
    consumerHealthAlarms(this.fn, pipe.node.path, this.options.alarms, pipe._alarms, pipe);
    return {
      arn: this.fn.functionArn,
      // Synchronous, Pipes' default written out: the pipe sees the function's errors and its batchItemFailures.
      parameters: { inputTemplate: this.options.inputTemplate, lambdaFunctionParameters: { invocationType: 'REQUEST_RESPONSE' } },
    };
  }
}

class StateMachineTarget extends PipeTarget {
  constructor(private readonly stateMachine: sfn.IStateMachine, private readonly options: StateMachinePipeTargetOptions) {
    super(options);
  }

  public _validate(v: PropsValidator, pipe: EventPipe): void {
    super._validate(v, pipe);
    const sm = this.stateMachine;
    v.fail(
      this.options.express === true && sm instanceof sfn.StateMachine && sm.stateMachineType !== sfn.StateMachineType.EXPRESS,
      `target.express is true, but the state machine ${sm.node.path} is a standard workflow, which Pipes can only start asynchronously ` +
        '(REQUEST_RESPONSE "is not supported for STANDARD state machine workflows", Pipes API Reference): leave express unset, got true',
    );
  }

  public _bind(pipe: EventPipe): PipeTargetBinding {
    const express = this.express;
    if (express) {
      this.stateMachine.grantStartSyncExecution(pipe.role);
    } else {
      this.stateMachine.grantStartExecution(pipe.role);
      Annotations.of(pipe).addWarningV2(
        'cdk-message-patterns:pipeAsynchronousStateMachine',
        `The target state machine ${this.stateMachine.node.path} is started asynchronously (a standard workflow, or express: false): the pipe counts a record delivered ` +
          'once its execution starts, and does not see it fail. Handle failures in the workflow (Catch to a dead-letter queue), or use an express workflow.',
      );
    }
    return {
      arn: this.stateMachine.stateMachineArn,
      // REQUEST_RESPONSE is "not supported for STANDARD state machine workflows" (Pipes API Reference, PipeTargetStateMachineParameters).
      parameters: { inputTemplate: this.options.inputTemplate, stepFunctionStateMachineParameters: { invocationType: express ? 'REQUEST_RESPONSE' : 'FIRE_AND_FORGET' } },
    };
  }

  /** An execution may take up to the pipe's 5 minutes. */
  public get _timeout(): Duration | undefined {
    return undefined;
  }

  private get express(): boolean {
    if (this.options.express !== undefined) {
      return this.options.express;
    }
    return this.stateMachine instanceof sfn.StateMachine && this.stateMachine.stateMachineType === sfn.StateMachineType.EXPRESS;
  }
}

class KinesisStreamTarget extends PipeTarget {
  constructor(private readonly stream: kinesis.IStream, private readonly options: KinesisStreamPipeTargetOptions) {
    super(options);
  }

  public get _maxBatchSize(): number {
    return TARGET_BATCH_LIMITS.kinesisStream;
  }

  public _validate(v: PropsValidator, pipe: EventPipe): void {
    super._validate(v, pipe);
    const key = this.options.partitionKey;
    v.fail(
      key === undefined || (!Token.isUnresolved(key) && (key.length < 1 || key.length > 256)),
      `target.partitionKey must be 1 to 256 characters (a fixed key or a JSON path of the record such as '$.body.orderId'): Pipes requires one for a Kinesis target, got ${JSON.stringify(key)}`,
    );
  }

  public _bind(pipe: EventPipe): PipeTargetBinding {
    grantStreamWrite(this.stream, pipe.role);
    return {
      arn: this.stream.streamArn,
      parameters: { inputTemplate: this.options.inputTemplate, kinesisStreamParameters: { partitionKey: this.options.partitionKey } },
    };
  }
}
