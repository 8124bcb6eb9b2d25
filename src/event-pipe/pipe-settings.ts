import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/** The namespace of the metrics Pipes publishes, by PipeName (EventBridge User Guide, "Monitoring Amazon EventBridge Pipes"). */
export const PIPES_METRICS_NAMESPACE = 'AWS/EventBridge/Pipes';

/**
 * Limits of a pipe's source, from the Pipes API Reference
 * (`PipeSourceSqsQueueParameters`, `PipeSourceKinesisStreamParameters`,
 * `PipeSourceDynamoDBStreamParameters`).
 */
export const PIPE_SOURCE_LIMITS = {
  batchSize: { min: 1, max: 10_000 },
  maxBatchingWindow: { min: Duration.seconds(0), max: Duration.seconds(300) },
  retryAttempts: { min: -1, max: 10_000 },
  maxRecordAge: { min: Duration.seconds(0), max: Duration.days(7) },
  parallelizationFactor: { min: 1, max: 10 },
} as const;

/**
 * Defaults of a pipe's source, each justified in docs/event-pipe.md.
 */
export const PIPE_SOURCE_DEFAULTS = {
  /**
   * 10 records per batch: what Pipes reads from an SQS queue by default
   * ("By default, EventBridge polls up to 10 messages in your queue",
   * EventBridge User Guide, "Amazon SQS queue as a source"), and the most an
   * event bus, queue or topic target takes in one call.
   */
  batchSize: 10,
  /** Bounded retries: a record that keeps failing goes to the dead-letter queue instead of holding its shard (the API's default, -1, retries forever). */
  retryAttempts: 10,
  /** DynamoDB streams keep records for 24 hours (DynamoDB Developer Guide, "Change data capture for DynamoDB Streams"). */
  dynamoDbStreamRetention: Duration.hours(24),
} as const;

/** What binding a source to a pipe produced. */
export interface PipeSourceBinding {
  readonly arn: string;
  readonly parameters: pipes.CfnPipe.PipeSourceParametersProperty;
  /** The dead-letter queue of a stream source. */
  readonly deadLetterQueue?: sqs.IQueue;
  /** Whether the pipe created `deadLetterQueue`. */
  readonly deadLetterQueueCreated?: boolean;
  /** The dead-letter queue of an SQS source (its redrive policy), when known. */
  readonly sourceDeadLetterQueue?: sqs.IQueue;
  /** Whether the pipe alarms on `sourceDeadLetterQueue` (a QueueWithDlq alarms on its own). */
  readonly alarmSourceDeadLetterQueue?: boolean;
  /** For a Kinesis source: the stream's iterator age, and the lag to alarm above. */
  readonly iteratorAge?: { readonly metric: cloudwatch.Metric; readonly threshold: Duration; readonly retention: Duration };
}

/** What binding a target to a pipe produced. */
export interface PipeTargetBinding {
  readonly arn: string;
  readonly parameters: pipes.CfnPipe.PipeTargetParametersProperty;
}

/** What binding an enrichment to a pipe produced. */
export interface PipeEnrichmentBinding {
  readonly arn: string;
  readonly parameters?: pipes.CfnPipe.PipeEnrichmentParametersProperty;
}

