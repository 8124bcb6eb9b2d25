import { Annotations, Names, Resource, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IDependable } from 'constructs';
import { resolveFilteredSubscriptionSettings } from './validate-filtered-subscription-props';
import { ConstructAlarms, queueDepthMetric } from '../core/alarms';
import { ensureAsyncFailurePath } from '../core/async-invoke';
import { AsyncInvokeOptions } from '../core/async-invoke-options';
import { ConsumerAlarmOptions } from '../core/consumer-alarm-options';
import { consumerErrorsMetric, consumerHealthAlarms, consumerThrottlesMetric } from '../core/consumer-alarms';
import { MessagePatternsError } from '../core/errors';
import { SNS_SERVICE } from '../core/service-keys';
import { allowTopicToUseQueueKey, subscriptionDeadLetterQueueOf } from '../core/subscription-dead-letter-queue';
import { QueueWithDlq, QueueWithDlqProps } from '../queue-with-dlq';
import { MatchExplanation } from '../routing/model/match-explanation';
import { SnsFilterPolicyMatcher, SnsMessage, SnsSubscriptionFilterPolicy } from '../routing/sns/sns-filter-policy-matcher';

/**
 * How a subscription filters the messages of its topic, and how they are
 * delivered.
 */
export interface SubscriptionFilterOptions {
  /**
   * A filter policy matched on the message attributes: the subscription
   * receives only the messages whose attributes match it.
   *
   * Build it with `sns.SubscriptionFilter`'s factories, {@link SubscriptionFilters}
   * for the operators they lack, or `new sns.SubscriptionFilter([...])` with
   * raw SNS conditions. It is checked at synth against the SNS limits: at most
   * 5 keys, at most 150 combinations, 256 KB, numbers within ±1e9 with at most
   * 5 decimals, no nesting, well-formed operators.
   *
   * @default - no filter policy: every message is delivered
   */
  readonly filterPolicy?: { [attribute: string]: sns.SubscriptionFilter };

  /**
   * A filter policy matched on the JSON message body (filter policy scope
   * `MessageBody`), where keys may be nested with `sns.FilterOrPolicy.policy`.
   * Cannot be set together with `filterPolicy`. Checked at synth like
   * `filterPolicy`, with the nesting levels counted as SNS counts them.
   *
   * @default - no filter policy: every message is delivered
   */
  readonly filterPolicyWithMessageBody?: { [attribute: string]: sns.FilterOrPolicy };

  /**
   * Whether SQS receives the message as it was published, without the SNS
   * JSON envelope. SQS endpoints only.
   *
   * @default false
   */
  readonly rawMessageDelivery?: boolean;
}

/**
 * Properties of a {@link FilteredSubscription}.
 */
export interface FilteredSubscriptionProps extends SubscriptionFilterOptions {
  /**
   * The topic to subscribe to.
   */
  readonly topic: sns.ITopic;

  /**
   * A queue you bring as the endpoint. It must be FIFO exactly when the topic
   * is, and not encrypted with the AWS-managed `alias/aws/sqs` key (SNS cannot
   * use it).
   *
   * @default - a QueueWithDlq is created, unless `lambdaFunction` is given
   */
  readonly queue?: sqs.IQueue;

  /**
   * A Lambda function as the endpoint, invoked by SNS for each message.
   * Standard topics only: SNS FIFO topics deliver to SQS queues only.
   *
   * @default - a QueueWithDlq is created, unless `queue` is given
   */
  readonly lambdaFunction?: lambda.IFunction;

  /**
   * How a `lambdaFunction` endpoint, invoked asynchronously by SNS, keeps the
   * messages it fails on. SNS hands a message to Lambda once; Lambda retries
   * it, then drops it unless the function has an on-failure destination: by
   * default this construct gives it one, an alarmed SQS queue.
   *
   * @default - an on-failure destination queue, 2 retries, messages kept for up to 6 hours
   */
  readonly lambdaAsyncInvoke?: AsyncInvokeOptions;

  /**
   * Which health alarms a `lambdaFunction` endpoint gets: errors and
   * throttles, each on by default, notifying `alarmAction`. A function
   * wired to several sources gets each alarm once.
   *
   * @default - an errors alarm and a throttles alarm on the function
   */
  readonly lambdaAlarms?: ConsumerAlarmOptions;

  /**
   * Options of the QueueWithDlq this construct creates when neither `queue`
   * nor `lambdaFunction` is given.
   *
   * @default - QueueWithDlq's defaults, FIFO when the topic is
   */
  readonly queueOptions?: QueueWithDlqProps;

  /**
   * The SQS queue that keeps the messages SNS could not deliver to the
   * endpoint (the subscription's redrive policy). It must be FIFO exactly when
   * the topic is, in the subscription's account and region.
   *
   * @default - a queue is created, with 14 days of retention, SSE-SQS
   * encryption, TLS enforced and an alarm
   */
  readonly subscriptionDeadLetterQueue?: sqs.IQueue;

  /**
   * Whether to alarm when the subscription dead-letter queue this construct
   * creates holds any message. A queue you bring is yours to alarm.
   *
   * @default true
   */
  readonly subscriptionDeadLetterQueueAlarm?: boolean;

  /**
   * An action for every alarm of this construct (and of the queue it
   * creates, unless `queueOptions.alarmAction` is set).
   *
   * @default - the alarms have no action
   */
  readonly alarmAction?: cloudwatch.IAlarmAction;
}

/**
 * One endpoint subscribed to an SNS topic with a filter policy that is
 * checked at synth, and a subscription dead-letter queue so that a message SNS
 * cannot deliver is kept, not dropped.
 *
 * The endpoint is a QueueWithDlq it creates, a queue you bring, or a Lambda
 * function. Queues get a queue policy (and, when they use a customer-managed
 * key, a key policy statement) that lets exactly this topic deliver, by
 * `aws:SourceArn`.
 */
export class FilteredSubscription extends Construct {
  /** The SNS subscription. */
  public readonly subscription: sns.Subscription;

  /** The topic subscribed to. */
  public readonly topic: sns.ITopic;

  /** The endpoint queue, created or brought; undefined for a Lambda endpoint. */
  public readonly queue?: sqs.IQueue;

  /** The QueueWithDlq this construct created as the endpoint, if it created one. */
  public readonly queueWithDlq?: QueueWithDlq;

  /** The endpoint function, for a Lambda endpoint. */
  public readonly lambdaFunction?: lambda.IFunction;

  /**
   * The on-failure destination queue of a Lambda endpoint: the events Lambda
   * gave up on. Undefined for a queue endpoint, when switched off, or when
   * the function has a failure path of its own.
   */
  public readonly asyncFailureQueue?: sqs.IQueue;

  /**
   * The alarm on the errors of a Lambda endpoint, unless switched off. A
   * child of the function, shared by every source it is wired to.
   */
  public readonly lambdaErrorsAlarm?: cloudwatch.Alarm;

  /**
   * The alarm on the throttled invocations of a Lambda endpoint, unless
   * switched off. A child of the function, shared by every source it is
   * wired to.
   */
  public readonly lambdaThrottlesAlarm?: cloudwatch.Alarm;

  /** The queue that keeps the messages SNS could not deliver: created, or the one given in props. */
  public readonly subscriptionDeadLetterQueue: sqs.IQueue;

  /** The alarm on messages in the subscription dead-letter queue this construct created, unless switched off. */
  public readonly subscriptionDeadLetterQueueAlarm?: cloudwatch.Alarm;

  /** Every alarm of this construct, including those of the queue it created. */
  public readonly alarms: cloudwatch.IAlarm[];

  /** The filter policy as given, for offline matching. */
  private readonly filter: SnsSubscriptionFilterPolicy;

  constructor(scope: Construct, id: string, props: FilteredSubscriptionProps) {
    super(scope, id);
    this.filter = { filterPolicy: props.filterPolicy, filterPolicyWithMessageBody: props.filterPolicyWithMessageBody };
    const settings = resolveFilteredSubscriptionSettings(this, props);
    this.topic = props.topic;
    const alarms = new ConstructAlarms(this, props.alarmAction);

    let endpointDependency: IDependable | undefined;
    if (props.lambdaFunction) {
      this.lambdaFunction = props.lambdaFunction;
      endpointDependency = allowTopicToInvoke(props.lambdaFunction, props.topic);
      const failure = ensureAsyncFailurePath(props.lambdaFunction, this.node.path, props.lambdaAsyncInvoke, props.alarmAction);
      this.asyncFailureQueue = failure?.queue;
      if (failure?.alarm) {
        alarms.add(failure.alarm);
      }
      const health = consumerHealthAlarms(props.lambdaFunction, this.node.path, props.lambdaAlarms, alarms);
      this.lambdaErrorsAlarm = health.errors;
      this.lambdaThrottlesAlarm = health.throttles;
    } else {
      if (props.queue) {
        this.queue = props.queue;
      } else {
        this.queueWithDlq = new QueueWithDlq(this, 'Queue', {
          ...props.queueOptions,
          fifo: settings.fifo,
          alarmAction: props.queueOptions?.alarmAction ?? props.alarmAction,
        });
        this.queue = this.queueWithDlq.queue;
        this.queueWithDlq.alarms.forEach((alarm) => alarms.add(alarm));
      }
      endpointDependency = allowTopicToSend(this, this.queue, props.topic);
    }

    const deadLetter = subscriptionDeadLetterQueueOf(
      this,
      props,
      settings.fifo,
      alarms,
      `SNS could not deliver messages of the topic to the endpoint of ${this.node.path}; they are in its subscription dead-letter queue.`,
    );
    this.subscriptionDeadLetterQueue = deadLetter.queue;
    this.subscriptionDeadLetterQueueAlarm = deadLetter.alarm;
    allowTopicToUseQueueKey(this, this.subscriptionDeadLetterQueue, props.topic, 'subscription dead-letter queue');

    // An endpoint of another stack holds the subscription, as aws-cdk-lib's SqsSubscription and
    // LambdaSubscription do: its policy names the topic, so its stack already depends on the
    // topic's, and a subscription here naming the endpoint would make the two stacks depend on
    // each other.
    const endpoint: Construct = props.lambdaFunction ?? this.queue!;
    const endpointElsewhere = Resource.isOwnedResource(endpoint) && Stack.of(endpoint) !== Stack.of(this);
    this.subscription = new sns.Subscription(endpointElsewhere ? endpoint : this, endpointElsewhere ? Names.uniqueId(this) : 'Resource', {
      topic: props.topic,
      protocol: props.lambdaFunction ? sns.SubscriptionProtocol.LAMBDA : sns.SubscriptionProtocol.SQS,
      endpoint: props.lambdaFunction ? props.lambdaFunction.functionArn : this.queue!.queueArn,
      rawMessageDelivery: props.rawMessageDelivery,
      filterPolicy: props.filterPolicy,
      filterPolicyWithMessageBody: props.filterPolicyWithMessageBody,
      deadLetterQueue: this.subscriptionDeadLetterQueue,
    });
    if (endpointDependency) {
      this.subscription.node.addDependency(endpointDependency);
    }
    const deadLetterQueuePolicy = this.subscriptionDeadLetterQueue.node.tryFindChild('Policy');
    if (deadLetterQueuePolicy instanceof sqs.QueuePolicy) {
      this.subscription.node.addDependency(deadLetterQueuePolicy);
    }
    this.alarms = alarms.all;
  }

  /**
   * The messages visible in the subscription dead-letter queue, the maximum
   * over one minute: the metric of the subscription dead-letter queue alarm.
   */
  public metricSubscriptionDeadLetterQueueMessages(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return queueDepthMetric(this.subscriptionDeadLetterQueue, props);
  }

  /**
   * The errors of the Lambda endpoint, summed over 5 minutes: the metric of
   * `lambdaErrorsAlarm`. Throws for a queue endpoint.
   */
  public metricLambdaErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return consumerErrorsMetric(this.requireLambda('metricLambdaErrors'), props);
  }

  /**
   * The throttled invocations of the Lambda endpoint, summed over 5 minutes:
   * the metric of `lambdaThrottlesAlarm`. Throws for a queue endpoint.
   */
  public metricLambdaThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return consumerThrottlesMetric(this.requireLambda('metricLambdaThrottles'), props);
  }

  /**
   * The messages visible in the on-failure queue of the Lambda endpoint, the
   * maximum over one minute: the metric of its alarm. Throws when there is no
   * such queue (a queue endpoint, or `lambdaAsyncInvoke.failureDestination: false`).
   */
  public metricAsyncFailureQueueMessages(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!this.asyncFailureQueue) {
      throw new MessagePatternsError(this.node.path, ['metricAsyncFailureQueueMessages() needs the on-failure queue of a Lambda endpoint, and there is none']);
    }
    return queueDepthMetric(this.asyncFailureQueue, props);
  }

  /**
   * Whether this subscription's filter policy admits the message, evaluated
   * offline from the policy given in props (no synthesis, no AWS).
   */
  public matches(message: SnsMessage): boolean {
    return SnsFilterPolicyMatcher.matches(this.filter, message);
  }

  /**
   * Whether this subscription's filter policy admits the message, and if not,
   * which key or operator failed.
   */
  public explain(message: SnsMessage): MatchExplanation {
    return SnsFilterPolicyMatcher.explain(this.filter, message);
  }

  private requireLambda(method: string): lambda.IFunction {
    if (!this.lambdaFunction) {
      throw new MessagePatternsError(this.node.path, [`${method}() needs a Lambda endpoint, and this subscription delivers to a queue`]);
    }
    return this.lambdaFunction;
  }
}

/**
 * Lets exactly `topic` send to `queue` (queue policy and, for a
 * customer-managed key, key policy), as aws-cdk-lib's SqsSubscription does but
 * with the key statement always scoped by `aws:SourceArn`. A queue this app
 * cannot change (imported) gets a warning saying what its owner must add: SNS
 * needs the queue policy to deliver (Amazon SNS Developer Guide, "Fanout to
 * Amazon SQS queues": "Give permission to the Amazon SNS topic to send
 * messages to the Amazon SQS queue", https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html).
 */
function allowTopicToSend(scope: Construct, queue: sqs.IQueue, topic: sns.ITopic): IDependable | undefined {
  const result = queue.addToResourcePolicy(
    new iam.PolicyStatement({
      resources: [queue.queueArn],
      actions: ['sqs:SendMessage'],
      principals: [new iam.ServicePrincipal(SNS_SERVICE)],
      conditions: { ArnEquals: { 'aws:SourceArn': topic.topicArn } },
    }),
  );
  if (!result.statementAdded) {
    Annotations.of(scope).addWarningV2(
      'cdk-message-patterns:importedSubscriberQueue',
      `The queue ${queue.node.path} is not a queue of this app, so its queue policy cannot be changed here: its owner must let sns.amazonaws.com ` +
        'send to it (sqs:SendMessage, with the condition aws:SourceArn = the topic\'s ARN) and, if it is encrypted with a customer-managed key, ' +
        'use that key (kms:Decrypt and kms:GenerateDataKey). Until then every message goes to the subscription dead-letter queue.',
    );
  }
  allowTopicToUseQueueKey(scope, queue, topic, 'subscriber queue');
  return result.policyDependable;
}

/** Lets exactly `topic` invoke `fn`, once per topic and function, as aws-cdk-lib's LambdaSubscription does. */
function allowTopicToInvoke(fn: lambda.IFunction, topic: sns.ITopic): IDependable | undefined {
  const id = `AllowInvoke:${Names.nodeUniqueId(topic.node)}`;
  if (!fn.permissionsNode.tryFindChild(id)) {
    fn.addPermission(id, { sourceArn: topic.topicArn, principal: new iam.ServicePrincipal(SNS_SERVICE) });
  }
  // An imported function may not take permissions: then there is nothing to wait for.
  return fn.permissionsNode.tryFindChild(id);
}
