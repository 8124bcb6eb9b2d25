import { Annotations, Aws, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PipeEnrichment } from './pipe-enrichment';
import { PIPE_SOURCE_DEFAULTS, PIPES_METRICS_NAMESPACE } from './pipe-settings';
import { PipeSource } from './pipe-source';
import { PipeTarget } from './pipe-target';
import { ConstructAlarms, queueDepthMetric } from '../core/alarms';
import { MessagePatternsError } from '../core/errors';
import { createFailureQueue, FAILURE_QUEUE_RETENTION } from '../core/failure-queue';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { ACKNOWLEDGEMENTS, acknowledge } from '../core/nag';
import { describe, PropsValidator } from '../core/validation';
import { PatternError } from '../routing/model/errors';
import { MatchExplanation } from '../routing/model/match-explanation';
import { parsePipeFilters, PIPE_FILTERS_MAX, PipeFilterEvaluator } from '../routing/pipes/pipe-filters';

/** The service principal of EventBridge Pipes. */
const PIPES_SERVICE = 'pipes.amazonaws.com';

/** Limits of `CreatePipe` (Pipes API Reference): `Name` and `Description`. */
const PIPE_LIMITS = { nameLength: 64, namePattern: /^[.\-_A-Za-z0-9]+$/, descriptionLength: 512 } as const;

/**
 * Props of an EventPipe.
 */
export interface EventPipeProps {
  /** Where the pipe reads: `PipeSource.queueWithDlq(...)`, `.queue(...)`, `.kinesisStream(...)` or `.dynamoDbStream(...)`. */
  readonly source: PipeSource;

  /**
   * Event patterns on the source's records, at most 5: a record goes on when
   * it matches any of them. Patterns match the record as the source hands it
   * over, with an SQS message's `body` and a Kinesis record's `data` parsed
   * as JSON, for example `{ body: { amount: [{ numeric: ['>=', 100] }] } }`.
   * A message of an SQS source that matches none is deleted from the queue.
   * Test them offline with `matches` and `explain`.
   *
   * @default - no filter: every record goes on
   */
  readonly filters?: Array<{ [key: string]: any }>;

  /**
   * What the pipe calls on each batch before the target, to add data to it.
   *
   * @default - no enrichment
   */
  readonly enrichment?: PipeEnrichment;

  /** Where the pipe delivers: `PipeTarget.eventBus(...)`, `.queue(...)`, `.topic(...)`, `.lambdaFunction(...)`, `.stateMachine(...)` or `.kinesisStream(...)`. */
  readonly target: PipeTarget;

  /**
   * The pipe's name, 1 to 64 letters, digits, `.`, `-` and `_`. A pipe with
   * a name of yours cannot be replaced by an update (a new source or starting
   * position): CloudFormation would need the name twice.
   *
   * @default - a name CloudFormation generates
   */
  readonly pipeName?: string;

  /**
   * The pipe's description, at most 512 characters.
   *
   * @default - none
   */
  readonly description?: string;

  /**
   * Whether the pipe runs (`RUNNING`) or is created stopped (`STOPPED`).
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The action of every alarm of the pipe (for example an SNS action on an `AlarmTopic`).
   *
   * @default - the alarms have no action
   */
  readonly alarmAction?: cloudwatch.IAlarmAction;

  /**
   * Whether to alarm on `ExecutionFailed`: a batch failed in the enrichment
   * or target (it is retried).
   *
   * @default true
   */
  readonly executionFailedAlarm?: boolean;

  /**
   * Whether to alarm on `ExecutionTimeout`: a batch took longer than the 5
   * minutes an execution may last (it is retried).
   *
   * @default true
   */
  readonly executionTimeoutAlarm?: boolean;

  /**
   * Whether to alarm on messages in the dead-letter queues: the pipe's own
   * (stream sources) and an SQS source's, unless a QueueWithDlq alarms on it.
   *
   * @default true
   */
  readonly deadLetterQueueAlarm?: boolean;

  /**
   * Whether to alarm on a Kinesis source's `GetRecords.IteratorAgeMilliseconds`:
   * records waiting longer than 5 % of the stream's retention (at most half of
   * `maxRecordAge`), which is how a pipe that falls behind or stops shows
   * before its records expire.
   *
   * @default true
   */
  readonly iteratorAgeAlarm?: boolean;

  /**
   * How long the dead-letter queue the pipe creates keeps records.
   *
   * @default Duration.days(14)
   */
  readonly deadLetterRetentionPeriod?: Duration;

  /**
   * What happens to the dead-letter queue the pipe creates when it leaves the stack.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An EventBridge pipe from a queue or stream, through optional filters and an
 * enrichment, to a target, that keeps what fails: it is retried, then parked
 * in a dead-letter queue (the SQS source's own, or the pipe's for stream
 * sources); every dead-letter queue and failure metric is alarmed; and the
 * pipe's role may read the source, call the enrichment and write the target,
 * and nothing more. Not delivered, by design: the records no filter matches
 * (deleted from an SQS source), those an enrichment leaves out of its result,
 * and what an asynchronously started target fails on later.
 */
export class EventPipe extends Construct {
  /** The pipe's name, as Pipes and CloudWatch know it (CloudFormation's `Ref` of a pipe is its name). */
  public readonly pipeName: string;

  /** The pipe's ARN. */
  public readonly pipeArn: string;

  /** The role the pipe assumes; every permission it holds is in `rolePolicy`. */
  public readonly role: iam.Role;

  /** The customer-managed policy holding the role's permissions; the pipe is created after it. */
  public readonly rolePolicy: iam.ManagedPolicy;

  /** The pipe's dead-letter queue (stream sources): created, or the one given in the source's options. */
  public readonly deadLetterQueue?: sqs.IQueue;

  /** The dead-letter queue of an SQS source (its redrive policy), when it is known at synth. */
  public readonly sourceDeadLetterQueue?: sqs.IQueue;

  /** The alarm on `ExecutionFailed`, unless switched off. */
  public readonly executionFailedAlarm?: cloudwatch.Alarm;

  /** The alarm on `ExecutionTimeout`, unless switched off. */
  public readonly executionTimeoutAlarm?: cloudwatch.Alarm;

  /** The alarm on messages in `deadLetterQueue`, or in `sourceDeadLetterQueue` of a plain queue, unless switched off. */
  public readonly deadLetterQueueAlarm?: cloudwatch.Alarm;

  /** The alarm on a Kinesis source's iterator age, unless switched off. */
  public readonly iteratorAgeAlarm?: cloudwatch.Alarm;

  /** Every alarm of the pipe (also those of a Lambda function target). */
  public readonly alarms: cloudwatch.IAlarm[];

  /** The action of every alarm of the pipe. */
  public readonly alarmAction?: cloudwatch.IAlarmAction;

  /** The alarms of the pipe, for its targets. @internal */
  public readonly _alarms: ConstructAlarms;

  private readonly props: EventPipeProps;
  private readonly sourceIteratorAge?: cloudwatch.Metric;
  private evaluator?: PipeFilterEvaluator;

  constructor(scope: Construct, id: string, props: EventPipeProps) {
    super(scope, id);
    this.props = props;
    this.alarmAction = props.alarmAction;
    this._alarms = new ConstructAlarms(this, props.alarmAction);
    this.alarms = this._alarms.all;

    const role = new ManagedPolicyRole(this, 'Role', 'RolePolicy', this.pipesPrincipal(props.pipeName), `Assumed by EventBridge Pipes to run ${this.node.path}`);
    this.role = role;
    this.rolePolicy = role.policy;

    const batchSize = this.validate(props);
    const source = props.source._bind(this, batchSize);
    const enrichment = props.enrichment?._bind(this);
    const target = props.target._bind(this);
    const filters = props.filters ?? [];

    const pipe = new pipes.CfnPipe(this, 'Resource', {
      name: props.pipeName,
      description: props.description,
      desiredState: props.enabled === false ? 'STOPPED' : 'RUNNING',
      roleArn: role.roleArn,
      source: source.arn,
      sourceParameters: {
        ...source.parameters,
        // Always written, empty without filters: a filter is only removed from a pipe by "a FilterCriteria object with an
        // empty array of Filter objects" (Pipes API Reference, PipeSourceParameters.FilterCriteria).
        filterCriteria: { filters: filters.map((pattern) => ({ pattern: Stack.of(this).toJsonString(pattern) })) },
      },
      enrichment: enrichment?.arn,
      // The input templates are always written, empty without one: UpdatePipe keeps a field it is not given, and "To remove
      // an input template, specify an empty string" (Pipes API Reference, PipeTargetParameters and PipeEnrichmentParameters).
      enrichmentParameters: enrichment && { ...enrichment.parameters, inputTemplate: enrichment.parameters?.inputTemplate ?? '' },
      target: target.arn,
      targetParameters: { ...target.parameters, inputTemplate: target.parameters.inputTemplate ?? '' },
    });
    // Pipes checks at creation that the role can read the source, and fails otherwise ("The provided customer role does
    // not have permissions to call ReceiveMessage on SQS"): the pipe waits for the role's policy (aws/aws-cdk#31211).
    pipe.node.addDependency(role.policy);
    this.pipeName = props.pipeName ?? pipe.ref;
    this.pipeArn = pipe.attrArn;

    this.deadLetterQueue = source.deadLetterQueue;
    this.sourceDeadLetterQueue = source.sourceDeadLetterQueue;
    this.warnAboutDeletedMessages(props, pipe);

    this.executionFailedAlarm = this._alarms.threshold(
      props.executionFailedAlarm,
      'ExecutionFailedAlarm',
      this.metricExecutionFailed(),
      0,
      `Batches of the pipe ${this.node.path} failed in its enrichment or target (ExecutionFailed); they are retried, then kept in a dead-letter queue.`,
    );
    this.executionTimeoutAlarm = this._alarms.threshold(
      props.executionTimeoutAlarm,
      'ExecutionTimeoutAlarm',
      this.metricExecutionTimeout(),
      0,
      `Batches of the pipe ${this.node.path} ran longer than the 5 minutes an execution may last (ExecutionTimeout); they are retried.`,
    );
    this.sourceIteratorAge = source.iteratorAge?.metric;
    if (source.iteratorAge) {
      const { metric, threshold, retention } = source.iteratorAge;
      this.iteratorAgeAlarm = this._alarms.threshold(
        props.iteratorAgeAlarm,
        'IteratorAgeAlarm',
        metric,
        threshold.toMilliseconds(),
        `A consumer of the source stream of the pipe ${this.node.path} is more than ${describe(threshold)} behind (the pipe falls behind or stopped); ` +
          `the stream keeps records for ${describe(retention)}.`,
      );
    }
    const alarmedQueue = source.deadLetterQueue ?? (source.alarmSourceDeadLetterQueue ? source.sourceDeadLetterQueue : undefined);
    if (alarmedQueue) {
      this.deadLetterQueueAlarm = this._alarms.queueNotEmpty(
        props.deadLetterQueueAlarm,
        'DeadLetterQueueAlarm',
        alarmedQueue,
        `Records the pipe ${this.node.path} could not deliver are in its dead-letter queue.`,
      );
    }
  }

  /**
   * Whether a record of the source goes on through the pipe's filters, offline
   * (no synthesis, no AWS). The record is as the source hands it over: an SQS
   * message `{ messageId, body, attributes, messageAttributes, ... }`, a
   * Kinesis record `{ partitionKey, data (base64), ... }`, a DynamoDB stream
   * record `{ eventName, dynamodb: { NewImage, ... }, ... }`.
   */
  public matches(record: any): boolean {
    return this.filterEvaluator().matches(record);
  }

  /** Whether a record of the source goes on, and if not, which field or operator of each filter failed. */
  public explain(record: any): MatchExplanation {
    return this.filterEvaluator().explain(record);
  }

  /** A metric of the pipe in `AWS/EventBridge/Pipes`, by PipeName; Sum over 1 minute by default. */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: PIPES_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { PipeName: this.pipeName },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(1),
      ...props,
    });
  }

  /** `ExecutionFailed`: executions that failed (in the enrichment or target). */
  public metricExecutionFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ExecutionFailed', props);
  }

  /** `ExecutionTimeout`: executions that ran past their 5 minutes. */
  public metricExecutionTimeout(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ExecutionTimeout', props);
  }

  /** `ExecutionThrottled`: executions throttled by the account's concurrency. */
  public metricExecutionThrottled(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ExecutionThrottled', props);
  }

  /** `ExecutionPartiallyFailed`: executions whose target reported some records failed. */
  public metricExecutionPartiallyFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ExecutionPartiallyFailed', props);
  }

  /** `EnrichmentStageFailed`: executions whose enrichment failed. */
  public metricEnrichmentStageFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('EnrichmentStageFailed', props);
  }

  /** `TargetStageFailed`: executions whose target failed. */
  public metricTargetStageFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('TargetStageFailed', props);
  }

  /** `TargetStageSkipped`: executions whose target was skipped because the enrichment returned nothing. */
  public metricTargetStageSkipped(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('TargetStageSkipped', props);
  }

  /** `EventCount`: records the pipe processed. */
  public metricEventCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('EventCount', props);
  }

  /** The messages visible in the dead-letter queue of the alarm `deadLetterQueueAlarm`, the maximum over one minute. */
  public metricDeadLetterQueueMessages(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const queue = this.deadLetterQueue ?? this.sourceDeadLetterQueue;
    if (!queue) {
      throw new MessagePatternsError(this.node.path, ['metricDeadLetterQueueMessages() needs a dead-letter queue: the source queue has none the pipe knows of']);
    }
    return queueDepthMetric(queue, props);
  }

  /**
   * A Kinesis source's `GetRecords.IteratorAgeMilliseconds` (AWS/Kinesis, by
   * StreamName), the maximum over one minute: the metric of `iteratorAgeAlarm`.
   */
  public metricIteratorAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!this.sourceIteratorAge) {
      throw new MessagePatternsError(this.node.path, ['metricIteratorAge() is for a Kinesis source: Pipes publishes no iterator age, and neither SQS nor DynamoDB Streams has one']);
    }
    return this.sourceIteratorAge.with(props ?? {});
  }

  /** Creates the pipe's dead-letter queue, for a stream source. @internal */
  public _createDeadLetterQueue(): sqs.IQueue {
    return createFailureQueue(this, 'DeadLetterQueue', {
      retentionPeriod: this.props.deadLetterRetentionPeriod,
      removalPolicy: this.props.removalPolicy ?? RemovalPolicy.DESTROY,
      acknowledgements: [ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq, ACKNOWLEDGEMENTS.pipeDeadLetterQueue],
    });
  }

  private filterEvaluator(): PipeFilterEvaluator {
    this.evaluator ??= new PipeFilterEvaluator(this.props.filters ?? [], this.props.source._kind);
    return this.evaluator;
  }

  /**
   * The role's trust: Pipes, for this account (`aws:SourceAccount`), and for
   * this pipe (`aws:SourceArn`) when its name is known at synth: the ARN of a
   * generated name would refer to the pipe, which refers to the role. AWS's
   * own template scopes the trust so ("Getting started with EventBridge
   * Pipes", the CloudFormation template's execution role).
   */
  private pipesPrincipal(pipeName: string | undefined): iam.IPrincipal {
    const conditions: Record<string, Record<string, string>> = { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } };
    if (pipeName !== undefined && !Token.isUnresolved(pipeName)) {
      conditions.StringEquals['aws:SourceArn'] = Stack.of(this).formatArn({ service: 'pipes', resource: 'pipe', resourceName: pipeName });
    }
    return new iam.ServicePrincipal(PIPES_SERVICE, { conditions });
  }

  /** Checks every prop, throwing every problem at once; returns the batch size. */
  private validate(props: EventPipeProps): number {
    const v = new PropsValidator(this);
    const name = props.pipeName;
    if (name !== undefined && !Token.isUnresolved(name)) {
      v.fail(
        name.length < 1 || name.length > PIPE_LIMITS.nameLength || !PIPE_LIMITS.namePattern.test(name),
        `pipeName must be 1 to ${PIPE_LIMITS.nameLength} letters, digits, '.', '-' and '_' (Pipes API Reference, CreatePipe), got '${name}'`,
      );
    }
    const description = props.description;
    if (description !== undefined && !Token.isUnresolved(description)) {
      v.fail(description.length > PIPE_LIMITS.descriptionLength, `description must be at most ${PIPE_LIMITS.descriptionLength} characters, got ${description.length}`);
    }
    // The SQS MessageRetentionPeriod range (SetQueueAttributes).
    v.durationInRange('deadLetterRetentionPeriod', props.deadLetterRetentionPeriod, Duration.seconds(60), FAILURE_QUEUE_RETENTION);
    v.wholeSeconds('deadLetterRetentionPeriod', props.deadLetterRetentionPeriod);
    this.validateFilters(v, props);
    props.source._validate(v, this, workOf(props));
    props.enrichment?._validate(v, this);
    props.target._validate(v, this);
    const batchSize = this.validateBatchSize(v, props);
    v.throwIfInvalid();
    return batchSize;
  }

  private validateFilters(v: PropsValidator, props: EventPipeProps): void {
    const filters = props.filters;
    if (filters === undefined || Token.isUnresolved(filters)) {
      return;
    }
    v.fail(filters.length > PIPE_FILTERS_MAX, `filters holds at most ${PIPE_FILTERS_MAX} patterns (Pipes API Reference, FilterCriteria), got ${filters.length}`);
    try {
      const polling = [...new Set(parsePipeFilters(filters, 'filters', props.source._kind).flatMap((f) => f.pollingFields))];
      if (polling.length > 0) {
        Annotations.of(this).addWarningV2(
          'cdk-message-patterns:pipeFilterOnPollingField',
          `filters name ${polling.join(', ')}, which the poller adds to each record and which "can't be used in event patterns" (EventBridge User Guide, ` +
            '"Event filtering in Amazon EventBridge Pipes"): filter on the fields of the record itself.',
        );
      }
    } catch (e) {
      if (!(e instanceof PatternError)) {
        throw e;
      }
      v.fail(true, e.message);
    }
  }

  /**
   * The batch size: the one given, else 10, else what the target or
   * enrichment requires. A batch larger than the target takes, or other
   * than 1 with an API destination enrichment, is refused by Pipes.
   */
  private validateBatchSize(v: PropsValidator, props: EventPipeProps): number {
    const given = props.source._batchSize;
    const targetMax = props.target._maxBatchSize;
    const required = props.enrichment?._requiredBatchSize;
    if (given === undefined || Token.isUnresolved(given)) {
      return given ?? required ?? Math.min(PIPE_SOURCE_DEFAULTS.batchSize, targetMax ?? PIPE_SOURCE_DEFAULTS.batchSize);
    }
    v.fail(
      targetMax !== undefined && given > targetMax,
      `source.batchSize must be at most ${targetMax} for this target: "you can't configure a pipe with a larger batch size than the target supports" ` +
        `(EventBridge User Guide, "Batching and concurrency"), got ${given}`,
    );
    v.fail(
      required !== undefined && given !== required,
      `source.batchSize must be ${required} with an API destination enrichment: Pipes calls it once per record, got ${given}`,
    );
    return given;
  }

  /** Pipes deletes the messages of an SQS source that no filter matches: said once, with the ways out. */
  private warnAboutDeletedMessages(props: EventPipeProps, pipe: pipes.CfnPipe): void {
    if (props.source._kind !== 'sqs' || (props.filters ?? []).length === 0) {
      return;
    }
    acknowledge(pipe, ACKNOWLEDGEMENTS.pipeFiltersDeleteMessages);
    Annotations.of(this).addWarningV2(
      'cdk-message-patterns:pipeFilterDeletesMessages',
      'The pipe filters an SQS queue: a message that matches no filter is deleted from the queue without reaching the target or the dead-letter queue ' +
        '("If an Amazon SQS message doesn\'t satisfy your filter criteria, EventBridge automatically removes the message from the queue", EventBridge User Guide, ' +
        '"Event filtering in Amazon EventBridge Pipes"). If another consumer needs those messages, filter at the producer (an SNS filter policy or an EventBridge rule ' +
        'in front of the queue), or give them a queue of their own.',
    );
  }
}

/** How long the enrichment and target of a pipe may take on a batch, together: undefined unless both are known at synth. */
function workOf(props: EventPipeProps): Duration | undefined {
  const parts = [props.enrichment ? props.enrichment._timeout : Duration.seconds(0), props.target._timeout];
  if (parts.some((p) => p === undefined || p.isUnresolved())) {
    return undefined;
  }
  return Duration.seconds(parts.reduce((sum, p) => sum + p!.toSeconds(), 0));
}
