import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { EventBusRoute } from './event-bus-route';
import { kinesisStreamRuleTarget, queueRuleTarget, topicRuleTarget, withDelivery, withRetryPolicy } from './rule-targets';
import { validateDeadLetterQueueType, validateDelivery } from './validate-event-bus-route-props';
import { ConstructAlarms } from '../core/alarms';
import { ensureAsyncFailurePath, validateAsyncInvokeOptions } from '../core/async-invoke';
import { AsyncInvokeOptions } from '../core/async-invoke-options';
import { ConsumerAlarmOptions } from '../core/consumer-alarm-options';
import { consumerHealthAlarms } from '../core/consumer-alarms';
import { MessagePatternsError } from '../core/errors';
import { describeQueue, fifoFromName, knownFifo, usesAwsManagedKey } from '../core/queue-facts';
import { PropsValidator } from '../core/validation';
import { QueueWithDlq, QueueWithDlqProps } from '../queue-with-dlq/queue-with-dlq';

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

  /**
   * Which health alarms the function gets: errors and throttles, each on by
   * default, notifying the route's `alarmAction` and listed in its `alarms`.
   * A function wired to several sources gets each alarm once.
   *
   * @default - an errors alarm and a throttles alarm on the function
   */
  readonly alarms?: ConsumerAlarmOptions;
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
   * The construct id of the QueueWithDlq, under the route. Ids are the names
   * of resources in the stack: changing one replaces the queue, so each queue
   * a route creates is named by its user, never by its position in the list.
   *
   * @default 'Queue1' (a route with several new queues must give the others an id)
   */
  readonly queueId?: string;

  /**
   * The props of the QueueWithDlq the route creates (its own dead-letter
   * queue, consumer, alarms...).
   *
   * @default - the defaults of QueueWithDlq
   */
  readonly queueProps?: QueueWithDlqProps;
}

/**
 * Options of a Kinesis data stream target.
 */
export interface KinesisStreamTargetOptions extends RouteTargetOptions {
  /**
   * The JSON path, in the event, of the partition key of each record, for
   * example `$.detail.orderId` (the records of one key stay in order on one
   * shard). The `message` of aws-events-targets' `KinesisStream` is `input`.
   *
   * @default - the event's id: records spread over the shards in no order
   */
  readonly partitionKeyPath?: string;
}

/**
 * The retry policy and dead-letter queue a target is delivered with: the
 * target's own options, or else the route's.
 */
export interface RouteDelivery {
  /** How many times EventBridge retries a failed delivery. */
  readonly retryAttempts: number;
  /** How long EventBridge keeps retrying an event. */
  readonly maxEventAge: Duration;
  /** Where EventBridge sends the events it could not deliver. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * What binding a target to a route produced.
 */
export interface RouteTargetConfig {
  /** The rule target the route adds to its rule. */
  readonly ruleTarget: events.IRuleTarget;

  /**
   * The QueueWithDlq the target created, listed in the route's `queues`.
   *
   * @default - the target created no queue
   */
  readonly queue?: QueueWithDlq;

  /**
   * The on-failure destination queue of a function the target invokes
   * asynchronously, listed in the route's `asyncFailureQueues`.
   *
   * @default - none
   */
  readonly asyncFailureQueue?: sqs.IQueue;

  /**
   * The alarms of resources the target created, listed in the route's `alarms`.
   *
   * @default - none
   */
  readonly alarms?: cloudwatch.IAlarm[];
}

/**
 * Makes the rule target of a `RouteTarget.ruleTarget` target, given the
 * route's delivery settings (jsii has no function types: implement this
 * interface, or pass an object literal with the method in TypeScript).
 */
export interface IRouteRuleTargetFactory {
  /**
   * The rule target to add to the route's rule, for example an
   * aws-events-targets target given `delivery`'s retry policy and dead-letter
   * queue (`new targets.CloudWatchLogGroup(logGroup, delivery)`), and
   * `route.useEventsRole()` where it takes a role. Called once, when the
   * route binds the target.
   *
   * @param delivery the retry policy and dead-letter queue of the target (its own options, else the route's)
   * @param route the route the target is bound to
   */
  ruleTarget(delivery: RouteDelivery, route: EventBusRoute): events.IRuleTarget;
}

/**
 * A destination of an EventBusRoute. Every target gets a retry policy and a
 * dead-letter queue (the route's, or its own).
 *
 * Use the static factories for the library's targets; to deliver to anything
 * else, give any rule target to `RouteTarget.ruleTarget`, or extend this
 * class and implement `bind` (for example with an aws-events-targets target,
 * given `route.deliveryFor(this)`'s retry policy and dead-letter queue, and
 * `route.useEventsRole()` when it needs a role).
 */
export abstract class RouteTarget {
  /**
   * An SQS queue you bring. EventBridge is allowed to send to it by its
   * resource policy (for a queue of this stack; an imported queue's policy is
   * yours to set). A FIFO queue needs `messageGroupId`.
   */
  public static queue(queue: sqs.IQueue, options: QueueTargetOptions = {}): RouteTarget {
    return new QueueTarget(queue, options);
  }

  /**
   * A QueueWithDlq that the route creates (with its own dead-letter queue
   * for messages its consumer fails on), exposed as `EventBusRoute.queues`.
   */
  public static newQueue(options: NewQueueTargetOptions = {}): RouteTarget {
    return new NewQueueTarget(options);
  }

  /**
   * A Lambda function, invoked asynchronously. Unless it has a failure path
   * of its own (an asynchronous invocation configuration or a dead-letter
   * queue), the function gets an on-failure destination queue, alarmed, so
   * that an event Lambda gives up on is kept (see `asyncInvoke`).
   */
  public static lambdaFunction(fn: lambda.IFunction, options: LambdaTargetOptions = {}): RouteTarget {
    return new LambdaTarget(fn, options);
  }

  /**
   * An SNS topic. A topic encrypted with a customer-managed key must let
   * `events.amazonaws.com` use the key (granted for keys of this stack).
   */
  public static topic(topic: sns.ITopic, options: RouteTargetOptions = {}): RouteTarget {
    return new TopicTarget(topic, options);
  }

  /**
   * Another event bus, in this account or another one. A bus in another
   * account must allow this account to put events (its bus policy).
   */
  public static eventBus(eventBus: events.IEventBus, options: RouteTargetDeliveryOptions = {}): RouteTarget {
    return new EventBusTarget(eventBus, options);
  }

  /** A Step Functions state machine: each event starts an execution. */
  public static stateMachine(stateMachine: sfn.IStateMachine, options: RouteTargetOptions = {}): RouteTarget {
    return new StateMachineTarget(stateMachine, options);
  }

  /**
   * A Kinesis data stream: each event is put as a record. EventBridge writes
   * with the route's events role, granted `stream.grantWrite` (with the
   * stream's customer-managed key, if it has one).
   */
  public static kinesisStream(stream: kinesis.IStream, options: KinesisStreamTargetOptions = {}): RouteTarget {
    return new KinesisStreamTarget(stream, options);
  }

  /**
   * Any rule target (an aws-events-targets target, or one of your own), made
   * by `factory` from the route's delivery settings. Whatever retry policy
   * and dead-letter queue the rule target binds with, the rule gets those of
   * `options` (else the route's), the dead-letter queue is alarmed, and the
   * rule may send to it. Permissions the rule target needs are its own to
   * write (aws-events-targets' targets write theirs).
   */
  public static ruleTarget(factory: IRouteRuleTargetFactory, options: RouteTargetDeliveryOptions = {}): RouteTarget {
    return new FactoryTarget(factory, options);
  }

  /**
   * How EventBridge delivers to this target, as given to its factory; the
   * route fills in what is not set.
   */
  public readonly delivery: RouteTargetDeliveryOptions;

  constructor(delivery: RouteTargetDeliveryOptions = {}) {
    this.delivery = delivery;
  }

  /**
   * Binds the target to `route`: creates what the target needs (as children
   * of the route), lets EventBridge deliver to it, and returns the rule
   * target the route adds to its rule. Called once, by the route the target
   * is given to.
   */
  public abstract bind(route: EventBusRoute): RouteTargetConfig;

  /**
   * Records the problems of this target's options, named from `at` (how the
   * route names the target, for example `targets[0]`), so that the route
   * reports them with its own. `takenIds` holds the construct ids the route
   * and its earlier targets use; a target that creates a child of the route
   * checks its id against them and adds it.
   *
   * @internal
   */
  public _validate(v: PropsValidator, at: string, _takenIds: Set<string>): void {
    validateDelivery(v, `${at}.retryAttempts`, `${at}.maxEventAge`, this.delivery.retryAttempts, this.delivery.maxEventAge);
    if (this.delivery.deadLetterQueue) {
      validateDeadLetterQueueType(v, `${at}.deadLetterQueue`, this.delivery.deadLetterQueue);
    }
  }
}

/**
 * The message group id a FIFO queue target needs, and its content-based
 * deduplication: EventBridge sends no deduplication id, so a FIFO queue target
 * must deduplicate by content ("If you specify an SQS FIFO queue as a target,
 * the queue must have content-based deduplication enabled", EventBridge API
 * Reference, Target): SQS refuses every event otherwise.
 */
function validateFifoTarget(v: PropsValidator, at: string, messageGroupId: string | undefined): void {
  v.fail(
    messageGroupId === undefined,
    `${at}.messageGroupId is required: the target is a FIFO queue, and EventBridge needs a message group id to send to it ` +
      "(for example events.EventField.fromPath('$.detail.orderId')), got undefined",
  );
}

/** A target of the library: the resource and the options given to its factory. */
abstract class ResourceTarget<R, O extends RouteTargetDeliveryOptions> extends RouteTarget {
  constructor(
    protected readonly resource: R,
    protected readonly options: O,
  ) {
    super(options);
  }
}

class QueueTarget extends ResourceTarget<sqs.IQueue, QueueTargetOptions> {
  public bind(route: EventBusRoute): RouteTargetConfig {
    return { ruleTarget: queueRuleTarget(route, this.resource, route.deliveryFor(this), this.options) };
  }

  /** @internal */
  public _validate(v: PropsValidator, at: string, takenIds: Set<string>): void {
    super._validate(v, at, takenIds);
    v.fail(
      usesAwsManagedKey(this.resource),
      `${at} (queue) is encrypted with the AWS-managed key alias/aws/sqs (KMS_MANAGED), which EventBridge cannot use: its events would be dropped. ` +
        `Use SQS_MANAGED or a customer-managed key, got '${describeQueue(this.resource)}'`,
    );
    if (knownFifo(this.resource) !== true) {
      return;
    }
    validateFifoTarget(v, at, this.options.messageGroupId);
    const cfnQueue = this.resource.node.defaultChild;
    if (cfnQueue instanceof sqs.CfnQueue && !Token.isUnresolved(cfnQueue.contentBasedDeduplication)) {
      v.fail(
        Stack.of(cfnQueue).resolve(cfnQueue.contentBasedDeduplication) !== true,
        `${at} (queue) is a FIFO queue without contentBasedDeduplication: EventBridge sends no deduplication id, so SQS would refuse ` +
          `every event. Set contentBasedDeduplication: true on the queue, got '${describeQueue(this.resource)}'`,
      );
    }
  }
}

class NewQueueTarget extends RouteTarget {
  constructor(private readonly options: NewQueueTargetOptions) {
    super(options);
  }

  public bind(route: EventBusRoute): RouteTargetConfig {
    const id = this.queueId;
    if (route.node.tryFindChild(id)) {
      throw new MessagePatternsError(route.node.path, [
        `RouteTarget.newQueue's queueId must be unique in the route: '${id}' is taken; give each new queue of a route a queueId of its own`,
      ]);
    }
    const props = this.queueProps();
    const queue = new QueueWithDlq(route, id, { ...props, alarmAction: props.alarmAction ?? route.alarmAction });
    return { ruleTarget: queueRuleTarget(route, queue.queue, route.deliveryFor(this), this.options), queue };
  }

  /** @internal */
  public _validate(v: PropsValidator, at: string, takenIds: Set<string>): void {
    super._validate(v, at, takenIds);
    v.fail(
      takenIds.has(this.queueId),
      `${at}.queueId '${this.queueId}' is already the id of another new queue or of a resource of the route: ` +
        'give each new queue of a route a queueId of its own',
    );
    takenIds.add(this.queueId);
    const queueProps = this.options.queueProps ?? {};
    if (!fifoFromName(queueProps.fifo, queueProps.queueName)) {
      return;
    }
    validateFifoTarget(v, at, this.options.messageGroupId);
    v.fail(
      queueProps.contentBasedDeduplication === false,
      `${at}.queueProps.contentBasedDeduplication cannot be false on a FIFO queue target: EventBridge sends no deduplication id, ` +
        'so SQS would refuse every event; leave it unset (FIFO queues the route creates deduplicate by content), got false',
    );
  }

  /**
   * The construct id of the queue. The default is the id the first new queue
   * of a route has always had, so that routes written before `queueId`
   * existed keep their queue.
   */
  private get queueId(): string {
    return this.options.queueId ?? 'Queue1';
  }

  /** The props of the queue: a FIFO queue deduplicates by content (see validateFifoTarget). */
  private queueProps(): QueueWithDlqProps {
    const queueProps = this.options.queueProps ?? {};
    const fifo = fifoFromName(queueProps.fifo, queueProps.queueName);
    return fifo && queueProps.contentBasedDeduplication === undefined ? { ...queueProps, contentBasedDeduplication: true } : queueProps;
  }
}

class LambdaTarget extends ResourceTarget<lambda.IFunction, LambdaTargetOptions> {
  public bind(route: EventBusRoute): RouteTargetConfig {
    const delivery = route.deliveryFor(this);
    // The rule references the function: alarms about a function of another stack are made in the route's.
    const failure = ensureAsyncFailurePath(this.resource, route.node.path, this.options.asyncInvoke ?? {}, route.alarmAction, route);
    const alarms = new ConstructAlarms(route, route.alarmAction);
    if (failure?.alarm) {
      alarms.add(failure.alarm);
    }
    consumerHealthAlarms(this.resource, route.node.path, this.options.alarms, alarms, route);
    return {
      ruleTarget: new targets.LambdaFunction(this.resource, { ...delivery, event: this.options.input }),
      asyncFailureQueue: failure?.queue,
      alarms: alarms.all,
    };
  }

  /** @internal */
  public _validate(v: PropsValidator, at: string, takenIds: Set<string>): void {
    super._validate(v, at, takenIds);
    validateAsyncInvokeOptions(v, `${at}.asyncInvoke`, this.options.asyncInvoke);
  }
}

class TopicTarget extends ResourceTarget<sns.ITopic, RouteTargetOptions> {
  public bind(route: EventBusRoute): RouteTargetConfig {
    return { ruleTarget: topicRuleTarget(route, this.resource, route.deliveryFor(this), this.options) };
  }
}

class EventBusTarget extends ResourceTarget<events.IEventBus, RouteTargetDeliveryOptions> {
  public bind(route: EventBusRoute): RouteTargetConfig {
    const delivery = route.deliveryFor(this);
    // aws-events-targets' EventBus target takes no retry policy, although EventBridge applies one to event bus targets too.
    const target = new targets.EventBus(this.resource, { role: route.useEventsRole(), deadLetterQueue: delivery.deadLetterQueue });
    return { ruleTarget: withRetryPolicy(target, delivery) };
  }
}

class StateMachineTarget extends ResourceTarget<sfn.IStateMachine, RouteTargetOptions> {
  public bind(route: EventBusRoute): RouteTargetConfig {
    const delivery = route.deliveryFor(this);
    return { ruleTarget: new targets.SfnStateMachine(this.resource, { ...delivery, input: this.options.input, role: route.useEventsRole() }) };
  }
}

class KinesisStreamTarget extends ResourceTarget<kinesis.IStream, KinesisStreamTargetOptions> {
  public bind(route: EventBusRoute): RouteTargetConfig {
    return { ruleTarget: kinesisStreamRuleTarget(this.resource, route.useEventsRole(), route.deliveryFor(this), this.options) };
  }
}

class FactoryTarget extends ResourceTarget<IRouteRuleTargetFactory, RouteTargetDeliveryOptions> {
  public bind(route: EventBusRoute): RouteTargetConfig {
    const delivery = route.deliveryFor(this);
    return { ruleTarget: withDelivery(this.resource.ruleTarget(delivery, route), delivery) };
  }
}
