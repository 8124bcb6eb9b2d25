import { Annotations, Aws, Duration, Fn, Names, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { bindRouteTarget, EventsRole } from './bind-route-target';
import { RouteTarget } from './route-target';
import { resolveRouteSettings, RouteSettings } from './validate-event-bus-route-props';
import { queueNotEmptyAlarm, thresholdAlarm } from '../core/alarms';
import { AsyncFailurePath } from '../core/async-invoke';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { ACKNOWLEDGEMENTS, acknowledge } from '../core/nag';
import { QueueWithDlq } from '../queue-with-dlq/queue-with-dlq';
import { EventPatternMatcher } from '../routing/eventbridge/event-pattern-matcher';
import { MatchExplanation } from '../routing/model/match-explanation';

/**
 * Options of the archive of a route's event bus, kept for replay.
 */
export interface RouteArchiveOptions {
  /**
   * How long the archive keeps events, in whole days.
   *
   * @default Duration.days(30)
   */
  readonly retention?: Duration;

  /**
   * Whether the archive keeps every event of the bus rather than only those
   * matching the route's pattern.
   *
   * @default false
   */
  readonly archiveAllEvents?: boolean;

  /**
   * The archive's name, 1 to 48 characters.
   *
   * @default - generated
   */
  readonly archiveName?: string;

  /**
   * The archive's description.
   *
   * @default - none
   */
  readonly description?: string;
}

/**
 * Properties of an {@link EventBusRoute}.
 */
export interface EventBusRouteProps {
  /**
   * The events the route delivers. Checked at synth against EventBridge's
   * rules (fields, operators, size).
   */
  readonly eventPattern: events.EventPattern;

  /**
   * Where matching events go, 1 to 5 targets (EventBridge's limit per rule).
   */
  readonly targets: RouteTarget[];

  /**
   * An event bus you bring (for example the account's default bus, or the
   * `eventBus` of another route, to put a second route on the same bus).
   *
   * @default - a custom event bus is created
   */
  readonly eventBus?: events.IEventBus;

  /**
   * The name of the event bus this route creates.
   *
   * @default - generated
   */
  readonly eventBusName?: string;

  /**
   * The rule's name.
   *
   * @default - generated
   */
  readonly ruleName?: string;

  /**
   * The rule's description.
   *
   * @default - none
   */
  readonly description?: string;

  /**
   * Whether the rule is enabled.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * How many times EventBridge retries a failed delivery to a target, 0 to
   * 185. Targets may set their own.
   *
   * @default 185
   */
  readonly retryAttempts?: number;

  /**
   * How long EventBridge keeps retrying an event, 60 seconds to 24 hours.
   * Targets may set their own.
   *
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;

  /**
   * A dead-letter queue you bring instead of the one this route creates: a
   * standard queue encrypted with SSE-SQS, or a customer-managed key that
   * lets `events.amazonaws.com` use it.
   *
   * @default - a dead-letter queue is created when a target uses it
   */
  readonly deadLetterQueue?: sqs.IQueue;

  /**
   * The name of the dead-letter queue this route creates.
   *
   * @default - generated
   */
  readonly deadLetterQueueName?: string;

  /**
   * How long the created dead-letter queue keeps an event, 60 seconds to 14
   * days.
   *
   * @default Duration.days(14)
   */
  readonly deadLetterRetentionPeriod?: Duration;

  /**
   * A customer-managed KMS key for the created dead-letter queue. Its key
   * policy gets a statement that lets EventBridge (in this account) use it.
   *
   * @default - the dead-letter queue is encrypted with SSE-SQS
   */
  readonly deadLetterQueueKey?: kms.IKey;

  /**
   * What happens to the created event bus, dead-letter queue and archive when
   * they leave the stack.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether to alarm when a dead-letter queue of the route holds any event.
   *
   * @default true
   */
  readonly deadLetterQueueAlarm?: boolean;

  /**
   * Whether to alarm when the rule's `FailedInvocations` is above 0.
   *
   * @default true
   */
  readonly failedInvocationsAlarm?: boolean;

  /**
   * Whether to alarm when events are sent to a dead-letter queue
   * (`InvocationsSentToDlq` above 0) and when sending them there fails
   * (`InvocationsFailedToBeSentToDlq` above 0: those events are lost).
   *
   * @default true
   */
  readonly deadLetterInvocationsAlarms?: boolean;

  /**
   * An action for every alarm of this route (and of the queues it creates
   * for `RouteTarget.newQueue` targets that set none).
   *
   * @default - the alarms have no action
   */
  readonly alarmAction?: cloudwatch.IAlarmAction;

  /**
   * Archive the bus's events for replay.
   *
   * @default - no archive
   */
  readonly archive?: RouteArchiveOptions;

  /**
   * Accounts allowed to put events on the bus (a statement of the bus
   * policy).
   *
   * @default - no other account
   */
  readonly putEventsAccounts?: string[];

  /**
   * An AWS Organizations organization whose accounts may put events on the
   * bus (a statement of the bus policy conditioned on `aws:PrincipalOrgID`).
   *
   * @default - no organization
   */
  readonly putEventsOrganizationId?: string;
}

/**
 * An EventBridge route: an event bus, one rule with an event pattern, and
 * targets that each get a retry policy and a dead-letter queue, with alarms
 * on failed deliveries and an optional archive for replay.
 */
export class EventBusRoute extends Construct {
  /** The event bus: created, or the one given in props. */
  public readonly eventBus: events.IEventBus;

  /** The rule. */
  public readonly rule: events.Rule;

  /**
   * The rule's name, as EventBridge and CloudWatch know it (the `RuleName`
   * of its metrics). Unlike `rule.ruleName`, which is CloudFormation's `Ref`
   * of the rule and reads `busName|ruleName` for a rule on a custom bus.
   */
  public readonly ruleName: string;

  /**
   * The route's dead-letter queue: created, or the one given in props.
   * Undefined only when every target brings its own.
   */
  public readonly deadLetterQueue?: sqs.IQueue;

  /** Every dead-letter queue the targets use (the route's and their own), without repeats. */
  public readonly deadLetterQueues: sqs.IQueue[];

  /** The queues created for `RouteTarget.newQueue` targets, in the order of the targets. */
  public readonly queues: QueueWithDlq[];

  /** The archive, when one was asked for. */
  public readonly archive?: events.Archive;

  /**
   * The on-failure destination queues of the Lambda function targets (one
   * per function, shared with any other route or subscription invoking it).
   */
  public readonly asyncFailureQueues: sqs.IQueue[];

  /** The role EventBridge assumes for event bus and state machine targets, when there is one. */
  public readonly eventsRole?: iam.IRole;

  /** The alarms on messages in the dead-letter queues, in the order of `deadLetterQueues`. */
  public readonly deadLetterQueueAlarms: cloudwatch.Alarm[];

  /** The alarm on `FailedInvocations`, unless switched off. */
  public readonly failedInvocationsAlarm?: cloudwatch.Alarm;

  /** The alarm on `InvocationsSentToDlq`, unless switched off. */
  public readonly invocationsSentToDlqAlarm?: cloudwatch.Alarm;

  /** The alarm on `InvocationsFailedToBeSentToDlq`, unless switched off. */
  public readonly invocationsFailedToBeSentToDlqAlarm?: cloudwatch.Alarm;

  /** Every alarm of this route: those of its dead-letter queues, rule metrics and on-failure queues (not those of the queues it creates). */
  public readonly alarms: cloudwatch.IAlarm[];

  /** Whether the bus is the account's default bus (its metrics have no EventBusName dimension). */
  private readonly onDefaultBus: boolean;

  /** The rule's pattern as given, for offline matching. */
  private readonly eventPattern: events.EventPattern;

  constructor(scope: Construct, id: string, props: EventBusRouteProps) {
    super(scope, id);
    const settings = resolveRouteSettings(this, props);
    this.eventPattern = props.eventPattern;

    this.eventBus = props.eventBus ?? new events.EventBus(this, 'EventBus', { eventBusName: props.eventBusName });
    if (!props.eventBus && props.removalPolicy) {
      (this.eventBus as events.EventBus).applyRemovalPolicy(props.removalPolicy);
    }
    this.onDefaultBus = !Token.isUnresolved(this.eventBus.eventBusName) && this.eventBus.eventBusName === 'default';

    this.rule = new events.Rule(this, 'Resource', {
      eventBus: this.eventBus,
      eventPattern: props.eventPattern,
      ruleName: props.ruleName,
      description: props.description,
      enabled: props.enabled,
    });
    this.ruleName = bareRuleName(this.rule, props.ruleName, this.onDefaultBus);

    const usesRouteDlq = props.targets.some((t) => t._spec.delivery.deadLetterQueue === undefined);
    this.deadLetterQueue = usesRouteDlq ? (props.deadLetterQueue ?? this.createDeadLetterQueue(settings, props)) : props.deadLetterQueue;

    let eventsRole: EventsRole | undefined;
    const getEventsRole = (): EventsRole => {
      if (!eventsRole) {
        eventsRole = this.createEventsRole();
        // Deliveries need the role's permissions from the first event on.
        this.rule.node.addDependency(eventsRole.policy);
      }
      return eventsRole;
    };
    const queues: QueueWithDlq[] = [];
    const deadLetterQueues: sqs.IQueue[] = [];
    const asyncFailures: AsyncFailurePath[] = [];
    props.targets.forEach((target) => {
      const spec = target._spec;
      const deadLetterQueue = spec.delivery.deadLetterQueue ?? this.deadLetterQueue!;
      if (!deadLetterQueues.includes(deadLetterQueue)) {
        deadLetterQueues.push(deadLetterQueue);
      }
      // A queue created for a target shares the route's alarm action unless it sets its own.
      const inheritsAlarmAction = spec.queueProps !== undefined && props.alarmAction !== undefined && spec.queueProps.alarmAction === undefined;
      const queueSpec = inheritsAlarmAction ? { ...spec, queueProps: { ...spec.queueProps, alarmAction: props.alarmAction } } : spec;
      const bound = bindRouteTarget(
        this,
        `Queue${queues.length + 1}`,
        queueSpec,
        {
          retryAttempts: spec.delivery.retryAttempts ?? settings.retryAttempts,
          maxEventAge: spec.delivery.maxEventAge ?? settings.maxEventAge,
          deadLetterQueue,
        },
        getEventsRole,
        props.alarmAction,
      );
      if (bound.createdQueue) {
        queues.push(bound.createdQueue);
      }
      if (bound.asyncFailure && !asyncFailures.some((f) => f.queue === bound.asyncFailure!.queue)) {
        asyncFailures.push(bound.asyncFailure);
      }
      this.rule.addTarget(bound.ruleTarget);
    });
    this.queues = queues;
    this.deadLetterQueues = deadLetterQueues;
    this.asyncFailureQueues = asyncFailures.map((f) => f.queue);
    this.eventsRole = (eventsRole as EventsRole | undefined)?.role;

    if (props.archive) {
      this.archive = new events.Archive(this, 'Archive', {
        sourceEventBus: this.eventBus,
        eventPattern: props.archive.archiveAllEvents ? {} : props.eventPattern,
        retention: settings.archiveRetention,
        archiveName: props.archive.archiveName,
        description: props.archive.description,
      });
      if (props.removalPolicy) {
        this.archive.applyRemovalPolicy(props.removalPolicy);
      }
    }

    this.allowPutEvents(props);

    const alarms: cloudwatch.Alarm[] = asyncFailures.flatMap((f) => (f.alarm ? [f.alarm] : []));
    this.deadLetterQueueAlarms = [];
    if (props.deadLetterQueueAlarm ?? true) {
      deadLetterQueues.forEach((queue, i) => {
        const alarm = queueNotEmptyAlarm(
          this,
          i === 0 ? 'DeadLetterQueueAlarm' : `DeadLetterQueueAlarm${i + 1}`,
          queue,
          `Events could not be delivered by the rule of ${this.node.path} and are in its dead-letter queue.`,
          props.alarmAction,
        );
        this.deadLetterQueueAlarms.push(alarm);
        alarms.push(alarm);
      });
    }
    if (props.failedInvocationsAlarm ?? true) {
      this.failedInvocationsAlarm = this.countAlarm(
        'FailedInvocationsAlarm',
        this.metricFailedInvocations(),
        `Deliveries by the rule of ${this.node.path} failed permanently (FailedInvocations).`,
        props.alarmAction,
      );
      alarms.push(this.failedInvocationsAlarm);
    }
    if (props.deadLetterInvocationsAlarms ?? true) {
      this.invocationsSentToDlqAlarm = this.countAlarm(
        'InvocationsSentToDlqAlarm',
        this.metricInvocationsSentToDlq(),
        `Events matched by the rule of ${this.node.path} were sent to a dead-letter queue (InvocationsSentToDlq).`,
        props.alarmAction,
      );
      this.invocationsFailedToBeSentToDlqAlarm = this.countAlarm(
        'InvocationsFailedToBeSentToDlqAlarm',
        this.metricInvocationsFailedToBeSentToDlq(),
        `Events matched by the rule of ${this.node.path} could not be sent to their dead-letter queue and are lost (InvocationsFailedToBeSentToDlq).`,
        props.alarmAction,
      );
      alarms.push(this.invocationsSentToDlqAlarm, this.invocationsFailedToBeSentToDlqAlarm);
    }
    this.alarms = alarms;
  }

  /**
   * Whether the route's rule takes the event (a full EventBridge event:
   * `source`, `detail-type`, `detail`...), evaluated offline from the pattern
   * given in props (no synthesis, no AWS).
   */
  public matches(event: any): boolean {
    return EventPatternMatcher.matches(this.eventPattern, event);
  }

  /**
   * Whether the route's rule takes the event, and if not, which field or
   * operator failed.
   */
  public explain(event: any): MatchExplanation {
    return EventPatternMatcher.explain(this.eventPattern, event);
  }

  /**
   * Grants `events:PutEvents` on the route's event bus.
   */
  public grantPutEvents(grantee: iam.IGrantable): iam.Grant {
    return this.eventBus.grantPutEventsTo(grantee);
  }

  /**
   * The rule's `FailedInvocations`: deliveries that failed permanently.
   * Sum over 1 minute by default.
   */
  public metricFailedInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.ruleMetric('FailedInvocations', props);
  }

  /**
   * The rule's `InvocationsSentToDlq`: events sent to a dead-letter queue.
   * Sum over 1 minute by default.
   */
  public metricInvocationsSentToDlq(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.ruleMetric('InvocationsSentToDlq', props);
  }

  /**
   * The rule's `InvocationsFailedToBeSentToDlq`: events that could not be sent
   * to their dead-letter queue, and are lost. Sum over 1 minute by default.
   */
  public metricInvocationsFailedToBeSentToDlq(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.ruleMetric('InvocationsFailedToBeSentToDlq', props);
  }

  /**
   * A metric of the rule in `AWS/Events`. Rules of the default bus are
   * reported with the RuleName dimension only; rules of custom buses with
   * EventBusName and RuleName.
   */
  private ruleMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const dimensionsMap: { [name: string]: string } = this.onDefaultBus
      ? { RuleName: this.ruleName }
      : { EventBusName: this.eventBus.eventBusName, RuleName: this.ruleName };
    return new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName,
      dimensionsMap,
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(1),
      ...props,
    });
  }

  /** An alarm on a count that should stay at 0; EventBridge reports these metrics only when they are not 0. */
  private countAlarm(id: string, metric: cloudwatch.Metric, description: string, action?: cloudwatch.IAlarmAction): cloudwatch.Alarm {
    return thresholdAlarm(this, id, metric, 0, description, action);
  }

  private createDeadLetterQueue(settings: RouteSettings, props: EventBusRouteProps): sqs.Queue {
    const key = props.deadLetterQueueKey;
    const queue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: props.deadLetterQueueName,
      retentionPeriod: settings.deadLetterRetentionPeriod,
      encryption: key ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED,
      encryptionMasterKey: key,
      enforceSSL: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    acknowledge(queue, ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq);
    acknowledge(queue, ACKNOWLEDGEMENTS.eventBridgeTargetDeadLetterQueue);
    if (key) {
      // The key policy cannot name the rule (the rule refers to the queue,
      // which refers to the key): it is scoped to this account instead.
      const added = key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowEventBridgeToUseTheKeyOfDeadLetterQueues',
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
      );
      if (!added.statementAdded) {
        Annotations.of(this).addWarningV2(
          'cdk-message-patterns:deadLetterQueueKeyPolicy',
          'deadLetterQueueKey is not a key of this app, so its key policy cannot be changed here: let events.amazonaws.com use it ' +
            '(kms:Decrypt and kms:GenerateDataKey), or EventBridge cannot send to the dead-letter queue.',
        );
      }
    }
    return queue;
  }

  /**
   * The role EventBridge assumes to deliver to event bus and state machine
   * targets. Every permission granted to it lands in its
   * customer-managed policy (no inline policy). Its trust policy is scoped to
   * this account by `aws:SourceAccount`: `aws:SourceArn` would name the rule,
   * which names the role (a dependency cycle).
   */
  private createEventsRole(): EventsRole {
    const role = new ManagedPolicyRole(
      this,
      'EventsRole',
      'EventsRolePolicy',
      new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      `Assumed by EventBridge to deliver the events of ${this.node.path}`,
    );
    return { role, policy: role.policy };
  }

  private allowPutEvents(props: EventBusRouteProps): void {
    const statementBase = Names.uniqueResourceName(this, { maxLength: 50, separator: '-' });
    if (props.putEventsAccounts && props.putEventsAccounts.length > 0) {
      const statementId = `${statementBase}-accounts`;
      new events.EventBusPolicy(this, 'PutEventsFromAccountsPolicy', {
        eventBus: this.eventBus,
        statementId,
        statement: statementJson(
          new iam.PolicyStatement({
            sid: statementId,
            principals: props.putEventsAccounts.map((account) => new iam.AccountPrincipal(account)),
            actions: ['events:PutEvents'],
            resources: [this.eventBus.eventBusArn],
          }),
        ),
      });
    }
    if (props.putEventsOrganizationId) {
      const statementId = `${statementBase}-organization`;
      new events.EventBusPolicy(this, 'PutEventsFromOrganizationPolicy', {
        eventBus: this.eventBus,
        statementId,
        statement: statementJson(
          new iam.PolicyStatement({
            sid: statementId,
            principals: [new iam.AnyPrincipal()],
            actions: ['events:PutEvents'],
            resources: [this.eventBus.eventBusArn],
            conditions: { StringEquals: { 'aws:PrincipalOrgID': props.putEventsOrganizationId } },
          }),
        ),
      });
    }
  }
}

/**
 * EventBusPolicy renders its statement as given: like aws-cdk-lib's own
 * `EventBus.addToResourcePolicy`, hand it the statement's JSON.
 */
function statementJson(statement: iam.PolicyStatement): iam.PolicyStatement {
  return statement.toJSON() as iam.PolicyStatement;
}

/**
 * The bare name of `rule`. CloudFormation's `Ref` of an `AWS::Events::Rule`
 * is the rule's name on the default bus but `busName|ruleName` on a custom bus
 * (cloudformation-coverage-roadmap issue 1131), while EventBridge publishes
 * its metrics under the bare name. A name given in props is used as it is;
 * otherwise the `Ref` is joined to itself with `|` and its second part taken:
 * `bus|rule|bus|rule` and `rule|rule` both give `rule`, so the expression holds
 * whichever bus the rule is on, even a bus known only at deploy time.
 */
function bareRuleName(rule: events.Rule, ruleName: string | undefined, onDefaultBus: boolean): string {
  if (ruleName !== undefined && !Token.isUnresolved(ruleName)) {
    return ruleName;
  }
  if (onDefaultBus) {
    return rule.ruleName;
  }
  return Fn.select(1, Fn.split('|', Fn.join('|', [rule.ruleName, rule.ruleName])));
}
