/**
 * The CloudWatch metrics that AWS services publish and that this library
 * alarms on or exposes, with the dimensions each service publishes them
 * under. An alarm whose namespace, metric name or set of dimensions is not one
 * a service publishes watches a metric that never has data, and stays OK
 * forever. The tests check every alarm the library creates against this table;
 * add a metric here, with its source, before alarming on it.
 */
import { PROJECTOR_METRICS, PROJECTOR_METRICS_NAMESPACE } from '../kinesis-cqrs-pipeline/projector/metrics';

export interface PublishedNamespace {
  /** The page of the service's documentation that lists these metrics and dimensions. */
  readonly source: string;
  /** Metric names used by the library. */
  readonly metrics: readonly string[];
  /** Each set of dimensions (names sorted) under which the service publishes them. */
  readonly dimensionSets: readonly (readonly string[])[];
  /**
   * Metrics published under other dimensions than `dimensionSets`, with their
   * own sets (names sorted); such a metric is not published under `dimensionSets`.
   */
  readonly metricDimensionSets?: { readonly [metric: string]: readonly (readonly string[])[] };
}

export const PUBLISHED_METRICS: { readonly [namespace: string]: PublishedNamespace } = {
  // "The only dimension that Amazon SQS sends to CloudWatch is QueueName."
  'AWS/SQS': {
    source: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html',
    metrics: [
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesDelayed',
      'ApproximateNumberOfMessagesNotVisible',
      'ApproximateNumberOfMessagesVisible',
      'NumberOfEmptyReceives',
      'NumberOfMessagesDeleted',
      'NumberOfMessagesReceived',
      'NumberOfMessagesSent',
      'SentMessageSize',
    ],
    dimensionSets: [['QueueName']],
  },
  // Topic metrics have the TopicName dimension (the others are for SMS and mobile push).
  'AWS/SNS': {
    source: 'https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html',
    metrics: [
      'NumberOfMessagesPublished',
      'NumberOfNotificationsDelivered',
      'NumberOfNotificationsFailed',
      'NumberOfNotificationsFilteredOut',
      'NumberOfNotificationsRedrivenToDlq',
      'NumberOfNotificationsFailedToRedriveToDlq',
    ],
    dimensionSets: [['TopicName']],
  },
  // Function metrics by FunctionName (also by version or alias: Resource, ExecutedVersion). Event source
  // mapping metrics (EventCount, opted in with MetricsConfig) by EventSourceMappingUUID.
  'AWS/Lambda': {
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html',
    metrics: [
      'AsyncEventAge',
      'AsyncEventsDropped',
      'AsyncEventsReceived',
      'ConcurrentExecutions',
      'DeadLetterErrors',
      'DestinationDeliveryFailures',
      'Duration',
      'Errors',
      'Invocations',
      'IteratorAge',
      'Throttles',
      'OnFailureDestinationDeliveredEventCount',
    ],
    dimensionSets: [['FunctionName'], ['FunctionName', 'Resource'], ['ExecutedVersion', 'FunctionName']],
    metricDimensionSets: { OnFailureDestinationDeliveredEventCount: [['EventSourceMappingUUID']] },
  },
  // Stream-level metrics by StreamName; enhanced fan-out consumers add ConsumerName.
  'AWS/Kinesis': {
    source: 'https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html',
    metrics: [
      'GetRecords.IteratorAgeMilliseconds',
      'IncomingBytes',
      'IncomingRecords',
      'PutRecord.Success',
      'PutRecords.FailedRecords',
      'ReadProvisionedThroughputExceeded',
      'SubscribeToShardEvent.MillisBehindLatest',
      'WriteProvisionedThroughputExceeded',
    ],
    dimensionSets: [['StreamName'], ['ConsumerName', 'StreamName']],
  },
  // Rule metrics: RuleName alone for rules of the default bus, EventBusName and RuleName for
  // rules of a custom bus. The values are the bare names (a rule's name, not `bus|rule`).
  'AWS/Events': {
    source: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html',
    metrics: [
      'FailedInvocations',
      'Invocations',
      'InvocationsFailedToBeSentToDlq',
      'InvocationsSentToDlq',
      'MatchedEvents',
      'RetryInvocationAttempts',
      'ThrottledRules',
      'TriggeredRules',
    ],
    dimensionSets: [['RuleName'], ['EventBusName', 'RuleName']],
  },
  // Pipe metrics by PipeName (the pipe's name, which is CloudFormation's Ref of AWS::Pipes::Pipe); a few
  // metrics, such as Concurrency, by AwsAccountId instead.
  'AWS/EventBridge/Pipes': {
    source: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-monitoring.html',
    metrics: [
      'Duration',
      'EnrichmentStageFailed',
      'EventCount',
      'ExecutionFailed',
      'ExecutionPartiallyFailed',
      'ExecutionThrottled',
      'ExecutionTimeout',
      'Invocations',
      'TargetStageFailed',
      'TargetStagePartiallyFailed',
      'TargetStageSkipped',
    ],
    dimensionSets: [['PipeName']],
  },
  // Table metrics by TableName (Operation and GlobalSecondaryIndexName narrow some of them).
  'AWS/DynamoDB': {
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html',
    metrics: [
      'ConsumedReadCapacityUnits',
      'ConsumedWriteCapacityUnits',
      'ReadThrottleEvents',
      'SystemErrors',
      'ThrottledRequests',
      'UserErrors',
      'WriteThrottleEvents',
    ],
    dimensionSets: [['TableName'], ['Operation', 'TableName'], ['GlobalSecondaryIndexName', 'TableName']],
  },
  // Written by the library's Kinesis projector in the embedded metric format of its log line, on
  // every batch, by the function's name (AWS_LAMBDA_FUNCTION_NAME): see projector/log.ts and
  // docs/kinesis-cqrs-pipeline.md. CloudWatch Logs publishes them from the log line.
  [PROJECTOR_METRICS_NAMESPACE]: {
    source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html',
    metrics: Object.values(PROJECTOR_METRICS),
    dimensionSets: [['FunctionName']],
  },
};

/**
 * Why a metric would never have data, or undefined when the service
 * publishes it: its namespace, metric name or dimension set is unknown.
 */
export function unpublishedMetricReason(namespace: string, metricName: string, dimensionNames: readonly string[]): string | undefined {
  const published = PUBLISHED_METRICS[namespace];
  if (!published) {
    return `namespace ${namespace} is not one this library alarms on`;
  }
  if (!published.metrics.includes(metricName)) {
    return `${namespace} publishes no metric ${metricName} (${published.source})`;
  }
  const names = [...dimensionNames].sort().join(',');
  const sets = published.metricDimensionSets?.[metricName] ?? published.dimensionSets;
  if (!sets.some((set) => set.join(',') === names)) {
    return `${namespace} publishes ${metricName} under ${sets.map((s) => `[${s.join(', ')}]`).join(' or ')}, not [${names}] (${published.source})`;
  }
  return undefined;
}
