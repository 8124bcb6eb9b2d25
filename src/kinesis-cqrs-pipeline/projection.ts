import { Duration, Names, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FailureBucketDestination, grantFailureBucket } from './failure-bucket';
import { PROJECTOR_METRICS, PROJECTOR_METRICS_NAMESPACE } from './projector/metrics';
import { ProjectorFunction } from './projector-function';
import {
  PIPELINE_DEFAULTS,
  ProjectionSettings,
  resolveProjectionSettings,
  streamRetention,
  warnAboutRecordsAboveInvocationPayload,
} from './validate-kinesis-cqrs-pipeline-props';
import { ConstructAlarms, queueDepthMetric } from '../core/alarms';
import { CONSUMER_ALARM_DEFAULTS, consumerErrorsMetric, consumerThrottlesMetric } from '../core/consumer-alarms';
import { createFailureQueue } from '../core/failure-queue';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { ACKNOWLEDGEMENTS, acknowledge } from '../core/nag';
import { bounded, DESCRIPTION_LIMITS } from '../core/names';
import { findEventSourceMapping } from '../core/queue-facts';
import { describe } from '../core/validation';

/**
 * Options of one projection: a projector fed from the event stream and the
 * read model it maintains.
 */
export interface ProjectionOptions {
  /**
   * A DynamoDB table you bring as the read model, instead of the one created.
   * Its partition key must be a string attribute named `partitionKey`.
   *
   * @default - a table is created: on-demand billing, point-in-time recovery,
   * retained when it leaves the stack
   */
  readonly table?: dynamodb.ITable;

  /**
   * The name of the read model's partition key attribute (a string holding the
   * entity id). `version`, `type`, `updatedAt` and `state` are taken by the
   * projector.
   *
   * @default 'pk'
   */
  readonly partitionKey?: string;

  /**
   * What happens to the created table when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly tableRemovalPolicy?: RemovalPolicy;

  /**
   * A customer-managed KMS key for the created table and failure queue.
   *
   * @default - the table uses an AWS-owned key and the failure queue SSE-SQS
   * (both free)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * A Lambda function you bring as the projector, instead of the one shipped
   * with this library. It is granted read and write access to the table's
   * data; its event source reports batch item failures, so it must return
   * `batchItemFailures`.
   *
   * @default - the library's projector, which materializes the latest state of
   * each entity (see docs/kinesis-cqrs-pipeline.md for the envelope it expects)
   */
  readonly projector?: lambda.IFunction;

  /**
   * The default projector's memory, 128 to 10,240 MB.
   *
   * @default 256
   */
  readonly projectorMemorySize?: number;

  /**
   * The default projector's timeout, 1 second to 15 minutes.
   *
   * @default Duration.minutes(1)
   */
  readonly projectorTimeout?: Duration;

  /**
   * How long the default projector's logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly projectorLogRetention?: logs.RetentionDays;

  /**
   * The largest number of records handed to one invocation, 1 to 10,000.
   *
   * @default 100
   */
  readonly batchSize?: number;

  /**
   * How long Lambda gathers records before invoking the projector, up to 5
   * minutes.
   *
   * @default - no batching window: the projector is invoked as soon as records arrive
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * How many batches of one shard are processed at once, 1 to 10. Records of
   * one partition key (entity) stay in order.
   *
   * @default 1
   */
  readonly parallelizationFactor?: number;

  /**
   * How many times a failing batch is retried before its position is sent to
   * the failure queue, 0 to 10,000 (never infinite).
   *
   * @default 10
   */
  readonly retryAttempts?: number;

  /**
   * The age above which records are no longer retried and their position is
   * sent to the failure queue, 1 minute to 7 days (never infinite). Must be
   * shorter than the stream's retention period, so that skipped records can
   * still be replayed.
   *
   * @default - half the stream's retention period, at most 7 days
   */
  readonly maxRecordAge?: Duration;

  /**
   * An S3 bucket as the event source's on-failure destination, instead of the
   * failure queue: Lambda writes there each batch it gives up on (after
   * `retryAttempts` or `maxRecordAge`) with its records' data, where the queue
   * gets positions only. The failure queue still receives the records the
   * default projector parks. The projector's role may put objects in the
   * bucket and list it (not read or delete), and use the bucket's key when the
   * bucket names one.
   *
   * @default - the failure queue is the on-failure destination
   */
  readonly failureBucket?: s3.IBucket;

  /**
   * The event source mapping's own metrics (`AWS/Lambda`, by
   * `EventSourceMappingUUID`); a Kinesis event source publishes `EventCount`.
   *
   * @default - none, unless `failureBucket` or `discardedRecordsAlarm` needs
   * `EventCount` (then `{ metrics: [lambda.MetricType.EVENT_COUNT] }`)
   */
  readonly metricsConfig?: lambda.MetricsConfig;

  /**
   * Whether to alarm when the event source sends records to its on-failure
   * destination (`OnFailureDestinationDeliveredEventCount`, an `EventCount`
   * metric).
   *
   * @default - true with `failureBucket` (the failure-queue alarm does not see
   * the bucket), otherwise false (the failure-queue alarm already fires)
   */
  readonly discardedRecordsAlarm?: boolean;

  /**
   * Whether to alarm when Lambda fails to deliver to the on-failure
   * destination (`DestinationDeliveryFailures`, by function name).
   *
   * @default - true with `failureBucket` (a bucket brought with its own
   * policies and key), otherwise false
   */
  readonly destinationDeliveryFailuresAlarm?: boolean;

  /**
   * Whether the projector reads through its own enhanced fan-out consumer
   * (2 MB/s per shard of its own, pushed with about 70 ms latency; billed per
   * consumer-shard hour and per GB) instead of sharing the stream's read
   * throughput with the other consumers.
   *
   * @default false
   */
  readonly enhancedFanOut?: boolean;

  /**
   * Whether to alarm when the projector's iterator age exceeds
   * `iteratorAgeThreshold`.
   *
   * @default true
   */
  readonly iteratorAgeAlarm?: boolean;

  /**
   * The iterator age (how far behind the newest record the projector is)
   * above which the iterator-age alarm fires. Must be shorter than
   * `maxRecordAge` and the stream's retention period.
   *
   * @default - 5 % of the stream's retention period (8.4 hours for 7 days),
   * at most half of `maxRecordAge`
   */
  readonly iteratorAgeThreshold?: Duration;

  /**
   * Whether to alarm when the failure queue holds a message.
   *
   * @default true
   */
  readonly failureQueueAlarm?: boolean;

  /**
   * Whether to alarm when the projector reports errors (an invocation that
   * throws or times out).
   *
   * @default true
   */
  readonly projectorErrorsAlarm?: boolean;

  /**
   * Whether to alarm when invocations of the projector are throttled (no
   * concurrency left): its shards make no progress meanwhile.
   *
   * @default true
   */
  readonly projectorThrottlesAlarm?: boolean;

  /**
   * Whether to alarm when the default projector parks a conflicting event: a
   * record with the same entity and version as a projected event but another
   * content (two writers of one version). The record is in the failure queue
   * with its reason; the alarm names the problem. Only the library's
   * projector writes the metric, so it cannot be `true` with `projector`.
   *
   * @default - true with the library's projector
   */
  readonly conflictingEventsAlarm?: boolean;

  /**
   * An action for every alarm of the projection, for example an SNS topic.
   *
   * @default - the alarms have no action
   */
  readonly alarmAction?: cloudwatch.IAlarmAction;
}

/**
 * Properties of a {@link Projection}.
 */
export interface ProjectionProps extends ProjectionOptions {
  /** The event stream the projection reads. */
  readonly stream: kinesis.IStream;

  /**
   * The stream's retention period, from which `maxRecordAge` and
   * `iteratorAgeThreshold` are derived.
   *
   * @default - read from the stream when it is defined in the app, otherwise
   * 24 hours (Kinesis's default and minimum)
   */
  readonly streamRetentionPeriod?: Duration;
}

/**
 * A read model fed from a Kinesis event stream: a projector Lambda function,
 * its event source mapping (from the trim horizon, with bisection, partial
 * batch responses, bounded retries and an on-failure queue), a DynamoDB table,
 * and alarms.
 *
 * Created by {@link KinesisCqrsPipeline} (its default projection and
 * `addProjection`), or on its own for any stream.
 */
export class Projection extends Construct {
  /** The read-model table: created, or the one given in props. */
  public readonly table: dynamodb.ITable;

  /** The name of the table's partition key attribute. */
  public readonly partitionKey: string;

  /** The projector function: the library's, or the one given in props. */
  public readonly projector: lambda.IFunction;

  /** The default projector's log group, when the library's projector is used. */
  public readonly projectorLogGroup?: logs.ILogGroup;

  /**
   * The queue receiving, from the default projector, the records it can never
   * project (with their data and the reason) and, unless `failureBucket` is
   * given, the positions of batches the event source gave up on.
   */
  public readonly failureQueue: sqs.Queue;

  /** The event source's on-failure destination bucket, when `failureBucket` is given. */
  public readonly failureBucket?: s3.IBucket;

  /** The enhanced fan-out consumer, when `enhancedFanOut` is set. */
  public readonly streamConsumer?: kinesis.StreamConsumer;

  /** The event source of the projector. */
  public readonly eventSource: lambda.IEventSource;

  /** The projector's event source mapping. */
  public readonly eventSourceMapping: lambda.IEventSourceMapping;

  /** The age above which records are no longer retried. */
  public readonly maxRecordAge: Duration;

  /** The alarm on the projector's iterator age, unless switched off. */
  public readonly iteratorAgeAlarm?: cloudwatch.Alarm;

  /** The alarm on messages in the failure queue, unless switched off. */
  public readonly failureQueueAlarm?: cloudwatch.Alarm;

  /** The alarm on projector errors, unless switched off. */
  public readonly projectorErrorsAlarm?: cloudwatch.Alarm;

  /** The alarm on throttled invocations of the projector, unless switched off. */
  public readonly projectorThrottlesAlarm?: cloudwatch.Alarm;

  /** The alarm on records the event source sent to its on-failure destination, when on (by default with `failureBucket`). */
  public readonly discardedRecordsAlarm?: cloudwatch.Alarm;

  /** The alarm on failed deliveries to the on-failure destination, when on (by default with `failureBucket`). */
  public readonly destinationDeliveryFailuresAlarm?: cloudwatch.Alarm;

  /** The alarm on conflicting events parked by the library's projector, unless switched off or a projector is brought. */
  public readonly conflictingEventsAlarm?: cloudwatch.Alarm;

  /** Every alarm of this projection. */
  public readonly alarms: cloudwatch.IAlarm[];

  constructor(scope: Construct, id: string, props: ProjectionProps) {
    super(scope, id);
    const retention = props.streamRetentionPeriod ? { period: props.streamRetentionPeriod, known: true } : streamRetention(props.stream);
    const settings = resolveProjectionSettings(this, props, retention);
    this.partitionKey = settings.partitionKey;
    this.maxRecordAge = settings.maxRecordAge;

    this.table = props.table ?? this.createTable(props, settings);
    this.failureQueue = this.createFailureQueue(props);

    let projectorPolicy: iam.ManagedPolicy | undefined;
    if (props.projector) {
      this.projector = props.projector;
      this.table.grantReadWriteData(props.projector);
    } else {
      const { fn, logGroup, policy } = this.createProjector(props, settings);
      this.projector = fn;
      this.projectorLogGroup = logGroup;
      projectorPolicy = policy;
    }

    this.failureBucket = props.failureBucket;
    const eventSourceProps: sources.KinesisEventSourceProps = {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: settings.retryAttempts,
      maxRecordAge: settings.maxRecordAge,
      parallelizationFactor: settings.parallelizationFactor,
      batchSize: settings.batchSize,
      maxBatchingWindow: props.maxBatchingWindow,
      onFailure: props.failureBucket ? new FailureBucketDestination(props.failureBucket) : new sources.SqsDlq(this.failureQueue),
      metricsConfig: settings.metricsConfig,
    };
    if (props.enhancedFanOut) {
      this.streamConsumer = new kinesis.StreamConsumer(this, 'Consumer', {
        stream: props.stream,
        streamConsumerName: Names.uniqueResourceName(this, { maxLength: 128, separator: '-' }),
      });
      const source = new sources.KinesisConsumerEventSource(this.streamConsumer, eventSourceProps);
      this.projector.addEventSource(source);
      this.eventSource = source;
      this.eventSourceMapping = mappingOf(this.projector, source.eventSourceMappingId);
    } else {
      const source = new sources.KinesisEventSource(props.stream, eventSourceProps);
      this.projector.addEventSource(source);
      this.eventSource = source;
      this.eventSourceMapping = mappingOf(this.projector, source.eventSourceMappingId);
    }
    if (projectorPolicy) {
      // Lambda checks, when the mapping is created, that the function's role may read the stream
      // ("Cannot access stream ... Please ensure the role can perform the GetRecords,
      // GetShardIterator, DescribeStream, ListShards, and ListStreams Actions"): the mapping waits
      // for the managed policy that holds those permissions, as aws-cdk-lib's functions wait for
      // their default policy.
      this.eventSourceMapping.node.addDependency(projectorPolicy);
    }
    if (props.failureBucket) {
      // The mapping waits for the permissions, as it waits for those to read the stream.
      grantFailureBucket(props.failureBucket, this.projector).forEach((grant) => this.eventSourceMapping.node.addDependency(grant));
    }
    warnAboutRecordsAboveInvocationPayload(this, props.stream, settings.maxRecordAge);

    const alarms = new ConstructAlarms(this, props.alarmAction);
    const threshold = settings.iteratorAgeThreshold;
    const destination = props.failureBucket ? 'failure bucket' : 'failure queue';
    // AWS/Lambda IteratorAge, by FunctionName: the age of the last record of each batch the
    // projector received, whether it reads through shared throughput or its own consumer.
    this.iteratorAgeAlarm = alarms.threshold(
      props.iteratorAgeAlarm,
      'IteratorAgeAlarm',
      this.metricIteratorAge(),
      threshold.toMilliseconds(),
      `The projector of ${this.node.path} is more than ${describe(threshold)} behind the newest record; ` +
        `records older than ${describe(settings.maxRecordAge)} are skipped to the ${destination}.`,
    );
    this.failureQueueAlarm = alarms.queueNotEmpty(
      props.failureQueueAlarm,
      'FailureQueueAlarm',
      this.failureQueue,
      props.failureBucket
        ? `The projection ${this.node.path} parked records it can never project: see the failure queue.`
        : `The projection ${this.node.path} parked records it can never project, or skipped a batch: see the failure queue, then replay from the stream.`,
    );
    this.projectorErrorsAlarm = alarms.threshold(
      props.projectorErrorsAlarm,
      'ProjectorErrorsAlarm',
      this.metricProjectorErrors(),
      CONSUMER_ALARM_DEFAULTS.errorsThreshold,
      `The projector of ${this.node.path} failed (threw or timed out); its shard makes no progress while the batch is retried.`,
    );
    this.projectorThrottlesAlarm = alarms.threshold(
      props.projectorThrottlesAlarm,
      'ProjectorThrottlesAlarm',
      this.metricProjectorThrottles(),
      CONSUMER_ALARM_DEFAULTS.throttlesThreshold,
      `Invocations of the projector of ${this.node.path} were throttled (no concurrency left); its shards make no progress meanwhile.`,
    );
    this.discardedRecordsAlarm = alarms.threshold(
      settings.discardedRecordsAlarm,
      'DiscardedRecordsAlarm',
      this.metricDiscardedRecords(),
      0,
      `The event source of ${this.node.path} gave up on records (retries or maxRecordAge exhausted) and sent them to its ${destination}: ` +
        'see the destination, then replay them.',
    );
    this.destinationDeliveryFailuresAlarm = alarms.threshold(
      settings.destinationDeliveryFailuresAlarm,
      'DestinationDeliveryFailuresAlarm',
      this.metricDestinationDeliveryFailures(),
      0,
      `Lambda could not deliver records of ${this.node.path} to the ${destination} (permissions, key or bucket policy, size): ` +
        'those records are not kept there.',
    );
    if (!props.projector) {
      this.conflictingEventsAlarm = alarms.threshold(
        props.conflictingEventsAlarm,
        'ConflictingEventsAlarm',
        this.metricConflictingEvents(),
        0,
        `The projector of ${this.node.path} parked events that conflict with a projected event of the same entity and version ` +
          '(two writers of one version): see the failure queue.',
      );
    }
    this.alarms = alarms.all;
  }

  /**
   * The projector's iterator age in milliseconds (AWS/Lambda IteratorAge, by
   * function name), the maximum over one minute: the metric of the
   * iterator-age alarm.
   */
  public metricIteratorAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.projector.metric('IteratorAge', { period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /** The projector's errors, summed over 5 minutes: the metric of the projector errors alarm. */
  public metricProjectorErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return consumerErrorsMetric(this.projector, props);
  }

  /** The projector's throttled invocations, summed over 5 minutes: the metric of the projector throttles alarm. */
  public metricProjectorThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return consumerThrottlesMetric(this.projector, props);
  }

  /** The messages visible in the failure queue, the maximum over one minute: the metric of the failure-queue alarm. */
  public metricFailureQueueMessages(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return queueDepthMetric(this.failureQueue, props);
  }

  /**
   * Records the library's projector parked as conflicts (same entity and
   * version as a projected event, another content), by function name; summed
   * over 5 minutes. Written from the projector's log line (CloudWatch
   * embedded metric format) on every batch; a brought projector does not
   * write it.
   */
  public metricConflictingEvents(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.projectorMetric(PROJECTOR_METRICS.conflictingEvents, props);
  }

  /**
   * Records the library's projector parked in the failure queue, whatever the
   * reason (unparseable, conflict, missing version, state too large), by
   * function name; summed over 5 minutes. A brought projector does not write
   * it.
   */
  public metricParkedRecords(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.projectorMetric(PROJECTOR_METRICS.parkedRecords, props);
  }

  /**
   * Records the event source sent to its on-failure destination
   * (`AWS/Lambda` `OnFailureDestinationDeliveredEventCount`, by
   * `EventSourceMappingUUID`); summed over 5 minutes. Published only with
   * `EventCount` in `metricsConfig`.
   */
  public metricDiscardedRecords(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    // Ref of AWS::Lambda::EventSourceMapping is the mapping's UUID, the value of the dimension.
    return new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName: 'OnFailureDestinationDeliveredEventCount',
      dimensionsMap: { EventSourceMappingUUID: this.eventSourceMapping.eventSourceMappingId },
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.SUM,
      ...props,
    });
  }

  /**
   * Failed deliveries to the on-failure destination (`AWS/Lambda`
   * `DestinationDeliveryFailures`, by function name); summed over 5 minutes.
   */
  public metricDestinationDeliveryFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.projector.metric('DestinationDeliveryFailures', { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM, ...props });
  }

  private projectorMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    // The dimension is the function's name, as the projector reads it from AWS_LAMBDA_FUNCTION_NAME;
    // `functionName` resolves to the same name (Ref of AWS::Lambda::Function).
    return new cloudwatch.Metric({
      namespace: PROJECTOR_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { FunctionName: this.projector.functionName },
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.SUM,
      ...props,
    });
  }

  /** Grants read-only access to the read model (get, query, scan) to a query handler. */
  public grantQuery(grantee: iam.IGrantable): iam.Grant {
    return this.table.grantReadData(grantee);
  }

  private createTable(props: ProjectionProps, settings: ProjectionSettings): dynamodb.Table {
    const table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: settings.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: props.encryptionKey ? dynamodb.TableEncryption.CUSTOMER_MANAGED : dynamodb.TableEncryption.DEFAULT,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.tableRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    acknowledge(table, ACKNOWLEDGEMENTS.readModelTableBackup);
    return table;
  }

  private createFailureQueue(props: ProjectionProps): sqs.Queue {
    return createFailureQueue(this, 'FailureQueue', {
      retentionPeriod: PIPELINE_DEFAULTS.failureQueueRetention,
      encryptionMasterKey: props.encryptionKey,
      acknowledgements: [ACKNOWLEDGEMENTS.failureDestinationHasNoDlq],
    });
  }

  private createProjector(
    props: ProjectionProps,
    settings: ProjectionSettings,
  ): { fn: lambda.Function; logGroup: logs.LogGroup; policy: iam.ManagedPolicy } {
    const logGroup = new logs.LogGroup(this, 'ProjectorLogs', {
      retention: props.projectorLogRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledge(logGroup, ACKNOWLEDGEMENTS.projectorLogGroup);
    const role = new ManagedPolicyRole(this, 'ProjectorRole', 'ProjectorPolicy', new iam.ServicePrincipal('lambda.amazonaws.com'), `Runs the projector of ${this.node.path}`);
    logGroup.grantWrite(role);
    const fn = new ProjectorFunction(this, 'Projector', {
      description: bounded(`Projects the events of the stream into the read model of ${this.node.path}`, DESCRIPTION_LIMITS.lambdaFunction),
      role,
      memorySize: props.projectorMemorySize ?? PIPELINE_DEFAULTS.projectorMemorySize,
      timeout: props.projectorTimeout ?? PIPELINE_DEFAULTS.projectorTimeout,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      // Text, so that CloudWatch Logs extracts the metrics of the projector's log line (see
      // projector/log.ts); in the JSON format the runtime nests the line and they would be lost.
      loggingFormat: lambda.LoggingFormat.TEXT,
      environment: {
        TABLE_NAME: this.table.tableName,
        PARTITION_KEY: settings.partitionKey,
        FAILURE_QUEUE_URL: this.failureQueue.queueUrl,
      },
    });
    this.table.grant(role, 'dynamodb:GetItem', 'dynamodb:PutItem');
    this.table.encryptionKey?.grant(role, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
    this.failureQueue.grantSendMessages(role);
    acknowledge(fn, ACKNOWLEDGEMENTS.streamProjectorFunction);
    acknowledge(role.policy, ACKNOWLEDGEMENTS.xrayWritePermissions);
    if (props.encryptionKey) {
      acknowledge(role.policy, ACKNOWLEDGEMENTS.kmsQueueSendPermissions);
    }
    return { fn, logGroup, policy: role.policy };
  }
}

/** The mapping an event source created on the projector, which aws-cdk-lib's Kinesis event sources always create. */
function mappingOf(fn: lambda.IFunction, eventSourceMappingId: string): lambda.IEventSourceMapping {
  const mapping = findEventSourceMapping(fn, eventSourceMappingId);
  if (!mapping) {
    throw new Error(`${fn.node.path}: the event source did not create its event source mapping`);
  }
  return mapping;
}
