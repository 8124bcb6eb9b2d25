import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Projection, ProjectionOptions } from './projection';
import { resolveStreamSettings, StreamSettings, streamIteratorAgeThreshold } from './validate-kinesis-cqrs-pipeline-props';
import { ConstructAlarms } from '../core/alarms';
import { ACKNOWLEDGEMENTS, acknowledge } from '../core/nag';
import { describe } from '../core/validation';

/**
 * Properties of a {@link KinesisCqrsPipeline}: the event stream, and the
 * options of the default projection.
 */
export interface KinesisCqrsPipelineProps extends ProjectionOptions {
  /**
   * A Kinesis data stream you bring as the event log, instead of the one
   * created. Its retention is read from it when it is defined in the app,
   * otherwise assumed to be 24 hours.
   *
   * @default - a stream is created
   */
  readonly stream?: kinesis.IStream;

  /**
   * The capacity mode of the created stream.
   *
   * @default kinesis.StreamMode.PROVISIONED (one shard, the cheapest stream:
   * see the defaults table of docs/kinesis-cqrs-pipeline.md)
   */
  readonly streamMode?: kinesis.StreamMode;

  /**
   * The number of shards of a PROVISIONED stream (each takes 1 MB/s or 1,000
   * records/s of writes and serves 2 MB/s of shared reads).
   *
   * @default 1
   */
  readonly shardCount?: number;

  /**
   * How long the created stream keeps events, and so how far back a read
   * model can be rebuilt: 24 hours to 365 days, in whole hours.
   *
   * @default Duration.days(7)
   */
  readonly retentionPeriod?: Duration;

  /**
   * A customer-managed KMS key for the created stream.
   *
   * @default - the AWS-managed key `alias/aws/kinesis`
   */
  readonly streamEncryptionKey?: kms.IKey;

  /**
   * What happens to the created stream (the event log) when it leaves the
   * stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly streamRemovalPolicy?: RemovalPolicy;

  /**
   * The largest record the created stream accepts, in whole KiB from 1 MiB
   * to 10 MiB (MaxRecordSizeInKiB). Above 4,607 KiB a record no longer fits
   * one Lambda invocation once base64-encoded: such a stream gets a warning.
   *
   * @default - Kinesis's default of 1 MiB (the property is left out)
   */
  readonly maxRecordSize?: Size;

  /**
   * The write throughput, in MiB/s, an ON_DEMAND stream is kept ready for
   * (WarmThroughputMiBps). Kinesis accepts it only in accounts with the
   * minimum throughput billing commitment (On-demand Advantage) enabled.
   *
   * @default - no warm throughput: the on-demand stream scales from its traffic
   */
  readonly warmThroughputMiBps?: number;

  /**
   * Whether to alarm on the stream's `GetRecords.IteratorAgeMilliseconds`: the
   * lag of the slowest consumer that reads with shared throughput, the
   * library's projectors and any other.
   *
   * @default true
   */
  readonly streamIteratorAgeAlarm?: boolean;
}

/**
 * Event sourcing with CQRS on Kinesis: commands append events to a durable,
 * ordered, replayable stream; projectors fold them into DynamoDB read models
 * that queries use; a read model is rebuilt by replaying the stream from the
 * trim horizon into a new projection (`addProjection`).
 *
 * The default projector is idempotent, safe against out-of-order versions,
 * writes each entity at most once per batch, reports partial batch failures
 * and sends records it cannot parse to the failure queue.
 */
export class KinesisCqrsPipeline extends Construct {
  /** The event stream: created, or the one given in props. */
  public readonly stream: kinesis.IStream;

  /** The stream's retention period (assumed to be 24 hours for a stream that cannot be read at synth). */
  public readonly retentionPeriod: Duration;

  /** The default projection. */
  public readonly projection: Projection;

  /** The default projection's read-model table. */
  public readonly table: dynamodb.ITable;

  /** The default projection's projector. */
  public readonly projector: lambda.IFunction;

  /** The default projection's failure queue. */
  public readonly failureQueue: sqs.IQueue;

  /** The default projector's event source mapping. */
  public readonly eventSourceMapping: lambda.IEventSourceMapping;

  /** The alarm on the stream's iterator age, unless switched off. */
  public readonly streamIteratorAgeAlarm?: cloudwatch.Alarm;

  /** The alarms of the stream and of the default projection (each added projection has its own). */
  public readonly alarms: cloudwatch.IAlarm[];

  private readonly alarmAction?: cloudwatch.IAlarmAction;

  constructor(scope: Construct, id: string, props: KinesisCqrsPipelineProps = {}) {
    super(scope, id);
    const settings = resolveStreamSettings(this, props);
    this.retentionPeriod = settings.retention.period;
    this.alarmAction = props.alarmAction;

    this.stream = props.stream ?? this.createStream(props, settings);

    this.projection = new Projection(this, 'Projection', {
      ...projectionOptionsOf(props),
      stream: this.stream,
      streamRetentionPeriod: settings.retention.known ? settings.retention.period : undefined,
    });
    this.table = this.projection.table;
    this.projector = this.projection.projector;
    this.failureQueue = this.projection.failureQueue;
    this.eventSourceMapping = this.projection.eventSourceMapping;

    const alarms = new ConstructAlarms(this, props.alarmAction);
    const threshold = streamIteratorAgeThreshold(this.retentionPeriod, props.iteratorAgeThreshold);
    this.streamIteratorAgeAlarm = alarms.threshold(
      props.streamIteratorAgeAlarm,
      'StreamIteratorAgeAlarm',
      this.metricStreamIteratorAge(),
      threshold.toMilliseconds(),
      `A consumer of the stream of ${this.node.path} is more than ${describe(threshold)} behind; ` +
        `the stream keeps records for ${describe(this.retentionPeriod)}.`,
    );
    this.projection.alarms.forEach((alarm) => alarms.add(alarm));
    this.alarms = alarms.all;
  }

  /**
   * The age of the oldest record read from the stream by any consumer, in
   * milliseconds (AWS/Kinesis GetRecords.IteratorAgeMilliseconds, by stream
   * name), the maximum over one minute: the metric of the stream iterator-age alarm.
   */
  public metricStreamIteratorAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stream.metricGetRecordsIteratorAgeMilliseconds({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /**
   * Adds another projection fed from the same stream, from the trim horizon:
   * for example a new version of a read model rebuilt from the retained
   * events while the current one keeps serving.
   *
   * Its alarms use the pipeline's `alarmAction` unless the options give one.
   */
  public addProjection(id: string, options: ProjectionOptions = {}): Projection {
    return new Projection(this, id, {
      ...options,
      alarmAction: options.alarmAction ?? this.alarmAction,
      stream: this.stream,
      streamRetentionPeriod: this.retentionPeriod,
    });
  }

  /** Grants command handlers the permission to append events (`PutRecord`, `PutRecords`). */
  public grantWriteEvents(grantee: iam.IGrantable): iam.Grant {
    return this.stream.grantWrite(grantee);
  }

  /** Grants query handlers read-only access to the default read model. */
  public grantQuery(grantee: iam.IGrantable): iam.Grant {
    return this.projection.grantQuery(grantee);
  }

  private createStream(props: KinesisCqrsPipelineProps, settings: StreamSettings): kinesis.Stream {
    const stream = new kinesis.Stream(this, 'Stream', {
      streamMode: settings.streamMode,
      shardCount: settings.shardCount,
      retentionPeriod: this.retentionPeriod,
      encryption: props.streamEncryptionKey ? kinesis.StreamEncryption.KMS : kinesis.StreamEncryption.MANAGED,
      encryptionKey: props.streamEncryptionKey,
      removalPolicy: props.streamRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    if (props.streamEncryptionKey) {
      acknowledge(stream, ACKNOWLEDGEMENTS.streamCustomerManagedKey);
    }
    // Neither is a prop of kinesis.Stream (aws-cdk-lib 2.257 to 2.276): set on the AWS::Kinesis::Stream underneath.
    const resource = stream.node.defaultChild as kinesis.CfnStream;
    resource.maxRecordSizeInKiB = settings.maxRecordSizeKiB;
    resource.warmThroughputMiBps = props.warmThroughputMiBps;
    return stream;
  }
}

/** The props of the default projection: the pipeline's props without those of the stream. */
function projectionOptionsOf(props: KinesisCqrsPipelineProps): ProjectionOptions {
  const options: Record<string, unknown> = { ...props };
  const streamProps = [
    'stream', 'streamMode', 'shardCount', 'retentionPeriod', 'streamEncryptionKey', 'streamRemovalPolicy', 'maxRecordSize', 'warmThroughputMiBps',
    'streamIteratorAgeAlarm',
  ];
  for (const streamProp of streamProps) {
    delete options[streamProp];
  }
  return options as ProjectionOptions;
}
