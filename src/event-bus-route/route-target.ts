import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { RouteTargetSpec } from './bind-route-target';
import { AsyncInvokeOptions } from '../core/async-invoke-options';
import { QueueWithDlqProps } from '../queue-with-dlq/queue-with-dlq';

/**
 * How EventBridge delivers to one target: its retry policy and its
 * dead-letter queue. Every field falls back to the route's setting.
 */
export interface RouteTargetDeliveryOptions {
  /**
   * How many times EventBridge retries a failed delivery, 0 to 185.
   *
   * @default - the route's `retryAttempts` (185)
   */
  readonly retryAttempts?: number;

  /**
   * How long EventBridge keeps retrying an event, 60 seconds to 24 hours.
   *
   * @default - the route's `maxEventAge` (24 hours)
   */
  readonly maxEventAge?: Duration;

  /**
   * A dead-letter queue of this target's own, instead of the route's shared
   * one. It must be a standard queue (EventBridge cannot use a FIFO queue as
   * a dead-letter queue) encrypted with SSE-SQS or a customer-managed key
   * whose policy lets `events.amazonaws.com` use it.
   *
   * @default - the route's dead-letter queue
   */
  readonly deadLetterQueue?: sqs.IQueue;
}

/**
 * Delivery options of a target that accepts an input transformation.
 */
export interface RouteTargetOptions extends RouteTargetDeliveryOptions {
  /**
   * What the target receives instead of the whole event, for example
   * `events.RuleTargetInput.fromEventPath('$.detail')` or
   * `events.RuleTargetInput.fromObject({ ... events.EventField.fromPath(...) })`.
   *
   * @default - the matched event, unchanged
   */
  readonly input?: events.RuleTargetInput;
}

/**
 * Options of a Lambda function target.
 */
export interface LambdaTargetOptions extends RouteTargetOptions {
  /**
   * How the function, invoked asynchronously by EventBridge, keeps the events
   * it fails on. An event EventBridge delivered is retried by Lambda, then
   * dropped unless the function has an on-failure destination: by default
   * the route gives it one, an alarmed SQS queue.
   *
   * @default - an on-failure destination queue, 2 retries, events kept for up to 6 hours
   */
  readonly asyncInvoke?: AsyncInvokeOptions;
}

/**
 * Options of an SQS queue target.
 */
export interface QueueTargetOptions extends RouteTargetOptions {
  /**
   * The message group id of the messages sent to a FIFO queue. Required for
   * FIFO queues; for example `events.EventField.fromPath('$.detail.orderId')`
   * keeps each order's events in order.
   *
   * @default - none (standard queues)
   */
  readonly messageGroupId?: string;
}

/**
 * Options of an SQS queue target whose queue the route creates.
 */
export interface NewQueueTargetOptions extends QueueTargetOptions {
  /**
   * The props of the QueueWithDlq the route creates (its own dead-letter
   * queue, consumer, alarms...).
   *
   * @default - the defaults of QueueWithDlq
   */
  readonly queueProps?: QueueWithDlqProps;
}

/**
 * The kinds of target a route delivers to.
 */
export enum RouteTargetKind {
  /** An SQS queue the user brings. */
  QUEUE = 'QUEUE',
  /** A QueueWithDlq the route creates. */
  NEW_QUEUE = 'NEW_QUEUE',
  /** A Lambda function. */
  LAMBDA_FUNCTION = 'LAMBDA_FUNCTION',
  /** An SNS topic. */
  TOPIC = 'TOPIC',
  /** An event bus, in this account or another one. */
  EVENT_BUS = 'EVENT_BUS',
  /** A Step Functions state machine. */
  STATE_MACHINE = 'STATE_MACHINE',
}

/**
 * A destination of an EventBusRoute. Every target gets a retry policy and a
 * dead-letter queue (the route's, or its own).
 */
export class RouteTarget {
  /**
   * An SQS queue you bring. EventBridge is allowed to send to it by its
   * resource policy (for a queue of this stack; an imported queue's policy is
   * yours to set). A FIFO queue needs `messageGroupId`.
   */
  public static queue(queue: sqs.IQueue, options: QueueTargetOptions = {}): RouteTarget {
    return new RouteTarget({
      kind: RouteTargetKind.QUEUE,
      delivery: options,
      input: options.input,
      messageGroupId: options.messageGroupId,
      queue,
    });
  }

  /**
   * A QueueWithDlq that the route creates (with its own dead-letter queue
   * for messages its consumer fails on), exposed as `EventBusRoute.queues`.
   */
  public static newQueue(options: NewQueueTargetOptions = {}): RouteTarget {
    return new RouteTarget({
      kind: RouteTargetKind.NEW_QUEUE,
      delivery: options,
      input: options.input,
      messageGroupId: options.messageGroupId,
      queueProps: options.queueProps ?? {},
    });
  }

  /**
   * A Lambda function, invoked asynchronously. Unless it has a failure path
   * of its own (an asynchronous invocation configuration or a dead-letter
   * queue), the function gets an on-failure destination queue, alarmed, so
   * that an event Lambda gives up on is kept (see `asyncInvoke`).
   */
  public static lambdaFunction(fn: lambda.IFunction, options: LambdaTargetOptions = {}): RouteTarget {
    return new RouteTarget({
      kind: RouteTargetKind.LAMBDA_FUNCTION,
      delivery: options,
      input: options.input,
      fn,
      asyncInvoke: options.asyncInvoke ?? {},
    });
  }

  /**
   * An SNS topic. A topic encrypted with a customer-managed key must let
   * `events.amazonaws.com` use the key (granted for keys of this stack).
   */
  public static topic(topic: sns.ITopic, options: RouteTargetOptions = {}): RouteTarget {
    return new RouteTarget({ kind: RouteTargetKind.TOPIC, delivery: options, input: options.input, topic });
  }

  /**
   * Another event bus, in this account or another one. A bus in another
   * account must allow this account to put events (its bus policy).
   */
  public static eventBus(eventBus: events.IEventBus, options: RouteTargetDeliveryOptions = {}): RouteTarget {
    return new RouteTarget({ kind: RouteTargetKind.EVENT_BUS, delivery: options, eventBus });
  }

  /** A Step Functions state machine: each event starts an execution. */
  public static stateMachine(stateMachine: sfn.IStateMachine, options: RouteTargetOptions = {}): RouteTarget {
    return new RouteTarget({ kind: RouteTargetKind.STATE_MACHINE, delivery: options, input: options.input, stateMachine });
  }

  /** The kind of this target. */
  public readonly kind: RouteTargetKind;

  /** @internal */
  public readonly _spec: RouteTargetSpec;

  private constructor(spec: RouteTargetSpec) {
    this.kind = spec.kind;
    this._spec = spec;
  }
}
