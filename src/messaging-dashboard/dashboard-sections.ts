import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { queueDepthMetric } from '../core/alarms';
import { EventBusRoute } from '../event-bus-route/event-bus-route';
import { EventPipe } from '../event-pipe/event-pipe';
import { FanoutTopic } from '../fanout-topic/fanout-topic';
import { FilteredSubscription } from '../filtered-subscription/filtered-subscription';
import { KinesisCqrsPipeline } from '../kinesis-cqrs-pipeline/kinesis-cqrs-pipeline';
import { Projection } from '../kinesis-cqrs-pipeline/projection';
import { QueueWithDlq } from '../queue-with-dlq/queue-with-dlq';

/**
 * The most lines a graph of the dashboard holds: queues of a topic or a route
 * beyond that go to further graphs, so that each stays readable. Far below
 * CloudWatch's 500 metrics per widget.
 */
export const MAX_LINES_PER_GRAPH = 10;

/** Width and height of a graph, in the dashboard's grid of 24 columns: four graphs a row. */
const GRAPH_WIDTH = 6;
const GRAPH_HEIGHT = 6;

/** A graph of the dashboard, with the number of metrics it holds (for the dashboard's limits). */
export interface Graph {
  readonly widget: cloudwatch.GraphWidget;
  readonly metrics: number;
}

/** The widgets of one pattern: a header naming it, its graphs and its alarms. */
export interface Section {
  /** What the header names: the kind of pattern and its construct path. */
  readonly kind: string;
  readonly path: string;
  readonly graphs: Graph[];
  readonly alarms: cloudwatch.IAlarm[];
  /** The constructs the section shows (the pattern and the patterns it holds), each to be on the dashboard once. */
  readonly covers: IConstruct[];
}

interface GraphOptions {
  readonly right?: cloudwatch.IMetric[];
  /** An alarm on a metric of the right axis (or of the left one when there is no right axis), drawn as its threshold. */
  readonly alarm?: cloudwatch.Alarm;
}

function graph(title: string, left: cloudwatch.IMetric[], options: GraphOptions = {}): Graph {
  const right = options.right ?? [];
  const annotation = options.alarm ? [options.alarm.toAnnotation()] : undefined;
  return {
    widget: new cloudwatch.GraphWidget({
      title,
      left,
      right: right.length > 0 ? right : undefined,
      leftAnnotations: right.length > 0 ? undefined : annotation,
      rightAnnotations: right.length > 0 ? annotation : undefined,
      leftYAxis: { min: 0 },
      rightYAxis: right.length > 0 ? { min: 0 } : undefined,
      width: GRAPH_WIDTH,
      height: GRAPH_HEIGHT,
    }),
    metrics: left.length + right.length,
  };
}

/** One line per entry, in graphs of at most MAX_LINES_PER_GRAPH lines, numbered when there are several. */
function graphsOf(title: string, lines: cloudwatch.IMetric[]): Graph[] {
  const graphs: Graph[] = [];
  const count = Math.ceil(lines.length / MAX_LINES_PER_GRAPH);
  for (let i = 0; i < count; i++) {
    const part = lines.slice(i * MAX_LINES_PER_GRAPH, (i + 1) * MAX_LINES_PER_GRAPH);
    graphs.push(graph(count > 1 ? `${title} (${i + 1}/${count})` : title, part));
  }
  return graphs;
}

function labelled(metric: cloudwatch.Metric, label: string): cloudwatch.Metric {
  return metric.with({ label });
}

/** A construct's path relative to `pattern` when it is inside it, for labels. */
function relativePath(construct: IConstruct, pattern: IConstruct): string {
  const prefix = `${pattern.node.path}/`;
  return construct.node.path.startsWith(prefix) ? construct.node.path.slice(prefix.length) : construct.node.path;
}

/** The function's duration: its average and maximum over 5 minutes (the maximum shows invocations near the timeout). */
function durationGraph(title: string, fn: lambda.IFunction): Graph {
  return graph(title, [
    labelled(fn.metricDuration({ period: Duration.minutes(5), statistic: cloudwatch.Stats.AVERAGE }), 'Average'),
    labelled(fn.metricDuration({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }), 'Maximum'),
  ]);
}

/** The errors and throttles of a function, the metrics of its health alarms. */
function healthGraph(title: string, errors: cloudwatch.Metric, throttles: cloudwatch.Metric): Graph {
  return graph(title, [labelled(errors, 'Errors'), labelled(throttles, 'Throttles')]);
}

/** The visible messages of `queue`, the maximum over one minute (the same statistic as the dead-letter queue alarms). */
function visibleMessages(queue: sqs.IQueue): cloudwatch.Metric {
  return queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM });
}

/** Queue depth and age, dead-letter queue, and the consumer's errors, throttles and duration. */
function queueGraphs(queue: QueueWithDlq): Graph[] {
  const graphs = [
    graph('Messages visible and oldest message age (s)', [labelled(visibleMessages(queue.queue), 'Messages visible')], {
      right: [labelled(queue.metricOldestMessageAge(), 'Oldest message age (s)')],
      alarm: queue.oldestMessageAlarm,
    }),
    graph('Dead-letter queue messages', [labelled(queue.metricDeadLetterQueueMessages(), 'Dead-letter queue messages')]),
  ];
  if (queue.consumer) {
    graphs.push(healthGraph('Consumer errors and throttles', queue.metricConsumerErrors(), queue.metricConsumerThrottles()));
    graphs.push(durationGraph('Consumer duration (ms)', queue.consumer));
  }
  return graphs;
}

export function queueSection(queue: QueueWithDlq): Section {
  return { kind: 'QueueWithDlq', path: queue.node.path, graphs: queueGraphs(queue), alarms: queue.alarms, covers: [queue] };
}

export function fanoutTopicSection(fanout: FanoutTopic): Section {
  const subscriptions = Object.entries(fanout.subscriptions);
  const queues = Object.entries(fanout.queueSubscribers);
  const graphs = [
    graph('Messages published, delivered and failed', [
      labelled(fanout.topic.metricNumberOfMessagesPublished(), 'Published'),
      labelled(fanout.topic.metricNumberOfNotificationsDelivered(), 'Delivered'),
      labelled(fanout.topic.metricNumberOfNotificationsFailed(), 'Failed'),
    ]),
    graph('Subscription dead-letter queue messages', [
      labelled(fanout.metricSubscriptionDeadLetterQueueMessages(), 'Subscription dead-letter queue messages'),
    ]),
    ...graphsOf(
      'Subscriber queues: messages visible',
      subscriptions.filter(([, s]) => s.queue !== undefined).map(([id, s]) => labelled(visibleMessages(s.queue!), id)),
    ),
    ...graphsOf(
      'Subscriber queues: dead-letter queue messages',
      queues.map(([id, q]) => labelled(q.metricDeadLetterQueueMessages(), id)),
    ),
  ];
  return {
    kind: 'FanoutTopic',
    path: fanout.node.path,
    graphs,
    alarms: fanout.alarms,
    covers: [fanout, ...subscriptions.map(([, s]) => s), ...queues.map(([, q]) => q)],
  };
}

export function filteredSubscriptionSection(subscription: FilteredSubscription): Section {
  const graphs = [
    graph('Subscription dead-letter queue messages', [
      labelled(subscription.metricSubscriptionDeadLetterQueueMessages(), 'Subscription dead-letter queue messages'),
    ]),
  ];
  if (subscription.queueWithDlq) {
    graphs.push(...queueGraphs(subscription.queueWithDlq));
  } else if (subscription.queue) {
    graphs.push(graph('Messages visible', [labelled(visibleMessages(subscription.queue), 'Messages visible')]));
  }
  const fn = subscription.lambdaFunction;
  if (fn) {
    graphs.push(healthGraph('Endpoint errors and throttles', subscription.metricLambdaErrors(), subscription.metricLambdaThrottles()));
    graphs.push(durationGraph('Endpoint duration (ms)', fn));
    if (subscription.asyncFailureQueue) {
      graphs.push(graph('On-failure queue messages', [labelled(subscription.metricAsyncFailureQueueMessages(), 'On-failure queue messages')]));
    }
  }
  const covers: IConstruct[] = subscription.queueWithDlq ? [subscription, subscription.queueWithDlq] : [subscription];
  return { kind: 'FilteredSubscription', path: subscription.node.path, graphs, alarms: subscription.alarms, covers };
}

export function eventBusRouteSection(route: EventBusRoute): Section {
  const failureQueues = [
    ...route.deadLetterQueues.map((q) => labelled(route.metricDeadLetterQueueMessages(q), relativePath(q, route))),
    ...route.asyncFailureQueues.map((q) => labelled(queueDepthMetric(q), relativePath(q, route))),
  ];
  const graphs = [
    graph('Matched events and invocations', [
      labelled(route.metricMatchedEvents(), 'Matched events'),
      labelled(route.metricInvocations(), 'Invocations'),
    ]),
    graph('Failed invocations', [
      labelled(route.metricFailedInvocations(), 'Failed invocations'),
      labelled(route.metricInvocationsSentToDlq(), 'Sent to a dead-letter queue'),
      labelled(route.metricInvocationsFailedToBeSentToDlq(), 'Failed to be sent to a dead-letter queue'),
    ]),
    ...graphsOf('Dead-letter and on-failure queue messages', failureQueues),
    ...graphsOf('Target queues: messages visible', route.queues.map((q) => labelled(visibleMessages(q.queue), relativePath(q, route)))),
    ...graphsOf('Target queues: dead-letter queue messages', route.queues.map((q) => labelled(q.metricDeadLetterQueueMessages(), relativePath(q, route)))),
  ];
  const alarms = [...route.alarms];
  for (const alarm of route.queues.flatMap((q) => q.alarms)) {
    if (!alarms.includes(alarm)) {
      alarms.push(alarm);
    }
  }
  return { kind: 'EventBusRoute', path: route.node.path, graphs, alarms, covers: [route, ...route.queues] };
}

/** The pipeline's own section (the stream), followed by one per projection it holds. */
export function kinesisCqrsPipelineSections(pipeline: KinesisCqrsPipeline): Section[] {
  const projections = pipeline.node.children.filter((c): c is Projection => c instanceof Projection);
  const projectionAlarms = new Set(projections.flatMap((p) => p.alarms));
  const graphs = [
    graph('Stream incoming records', [
      labelled(pipeline.stream.metricIncomingRecords({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }), 'Incoming records'),
    ]),
    // The metric of the stream iterator-age alarm, built as the pipeline builds it.
    graph('Stream iterator age (ms)', [
      labelled(
        pipeline.stream.metricGetRecordsIteratorAgeMilliseconds({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
        'GetRecords iterator age (ms)',
      ),
    ], { alarm: pipeline.streamIteratorAgeAlarm }),
  ];
  const own: Section = {
    kind: 'KinesisCqrsPipeline',
    path: pipeline.node.path,
    graphs,
    alarms: pipeline.alarms.filter((alarm) => !projectionAlarms.has(alarm)),
    covers: [pipeline],
  };
  return [own, ...projections.map(projectionSection)];
}

export function projectionSection(projection: Projection): Section {
  const graphs = [
    graph('Projector iterator age (ms)', [labelled(projection.metricIteratorAge(), 'Iterator age (ms)')], { alarm: projection.iteratorAgeAlarm }),
    healthGraph('Projector errors and throttles', projection.metricProjectorErrors(), projection.metricProjectorThrottles()),
    durationGraph('Projector duration (ms)', projection.projector),
    graph('Failure queue messages', [labelled(projection.metricFailureQueueMessages(), 'Failure queue messages')]),
  ];
  // Only the library's projector writes these (a brought projector has no log group of the library's).
  if (projection.projectorLogGroup) {
    graphs.push(graph('Parked and conflicting records', [
      labelled(projection.metricParkedRecords(), 'Parked records'),
      labelled(projection.metricConflictingEvents(), 'Conflicting events'),
    ]));
  }
  // Published only with the event source's EventCount metrics, which these alarms switch on.
  const onFailure: cloudwatch.IMetric[] = [];
  if (projection.discardedRecordsAlarm) {
    onFailure.push(labelled(projection.metricDiscardedRecords(), 'Sent to the on-failure destination'));
  }
  if (projection.destinationDeliveryFailuresAlarm) {
    onFailure.push(labelled(projection.metricDestinationDeliveryFailures(), 'Failed deliveries to the destination'));
  }
  if (onFailure.length > 0) {
    graphs.push(graph('On-failure destination', onFailure));
  }
  return { kind: 'Projection', path: projection.node.path, graphs, alarms: projection.alarms, covers: [projection] };
}

/**
 * A pipe: its events and executions, its failed executions and stages (the
 * metrics of its failure alarms), its dead-letter queue, and for a Kinesis
 * source the stream's iterator age with the alarm's threshold.
 */
export function eventPipeSection(pipe: EventPipe): Section {
  const graphs = [
    graph('Events and executions', [
      labelled(pipe.metricEventCount(), 'Events'),
      labelled(pipe.metric('Invocations'), 'Invocations'),
      labelled(pipe.metricTargetStageSkipped(), 'Target skipped (enrichment returned nothing)'),
    ]),
    graph('Failed executions', [
      labelled(pipe.metricExecutionFailed(), 'Failed'),
      labelled(pipe.metricExecutionTimeout(), 'Timed out'),
      labelled(pipe.metricExecutionPartiallyFailed(), 'Partially failed'),
      labelled(pipe.metricExecutionThrottled(), 'Throttled'),
    ]),
    graph('Failed stages', [
      labelled(pipe.metricEnrichmentStageFailed(), 'Enrichment'),
      labelled(pipe.metricTargetStageFailed(), 'Target'),
    ]),
  ];
  const queue = pipe.deadLetterQueue ?? pipe.sourceDeadLetterQueue;
  if (queue) {
    graphs.push(graph('Dead-letter queue messages', [labelled(pipe.metricDeadLetterQueueMessages(), relativePath(queue, pipe))]));
  }
  if (pipe.iteratorAgeAlarm) {
    graphs.push(graph('Source stream iterator age (ms)', [labelled(pipe.metricIteratorAge(), 'Iterator age')], { alarm: pipe.iteratorAgeAlarm }));
  }
  return { kind: 'EventPipe', path: pipe.node.path, graphs, alarms: [...pipe.alarms], covers: [pipe] };
}
