import { Annotations, Aws, Duration, Fn, Names, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RouteDelivery, RouteTarget } from './route-target';
import { resolveRouteSettings, RouteSettings, validateAddedTarget } from './validate-event-bus-route-props';
import { ConstructAlarms } from '../core/alarms';
import { createFailureQueue } from '../core/failure-queue';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { ACKNOWLEDGEMENTS } from '../core/nag';
import { allowServiceToUseKey, EVENTS_SERVICE, serviceKeyStatement } from '../core/service-keys';
import { PropsValidator } from '../core/validation';
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

  /** Every dead-letter queue the targets use (the route's and their own), without repeats, in the order of first use. */
  public readonly deadLetterQueues: sqs.IQueue[] = [];

  /** The queues created for `RouteTarget.newQueue` targets, in the order the targets were bound. */
  public readonly queues: QueueWithDlq[] = [];

  /** The archive, when one was asked for. */
  public readonly archive?: events.Archive;

  /**
   * The on-failure destination queues of the Lambda function targets (one
   * per function, shared with any other route or subscription invoking it).
   */
  public readonly asyncFailureQueues: sqs.IQueue[] = [];

  /** The alarms on messages in the dead-letter queues, in the order of `deadLetterQueues`. */
  public readonly deadLetterQueueAlarms: cloudwatch.Alarm[] = [];

  /** The alarm on `FailedInvocations`, unless switched off. */
  public readonly failedInvocationsAlarm?: cloudwatch.Alarm;

  /** The alarm on `InvocationsSentToDlq`, unless switched off. */
  public readonly invocationsSentToDlqAlarm?: cloudwatch.Alarm;

  /** The alarm on `InvocationsFailedToBeSentToDlq`, unless switched off. */
  public readonly invocationsFailedToBeSentToDlqAlarm?: cloudwatch.Alarm;

  /** Every alarm of this route: those of its dead-letter queues, rule metrics and on-failure queues (not those of the queues it creates). */
  public readonly alarms: cloudwatch.IAlarm[];

  /** The action of every alarm of the route, and of the queues it creates for targets that set none. */
  public readonly alarmAction?: cloudwatch.IAlarmAction;

  /** Whether the bus is the account's default bus (its metrics have no EventBusName dimension). */
  private readonly onDefaultBus: boolean;

  /** The rule's pattern as given, for offline matching. */
  private readonly eventPattern: events.EventPattern;

  private readonly props: EventBusRouteProps;
  private readonly settings: RouteSettings;
  private readonly alarmSet: ConstructAlarms;
  private routeDeadLetterQueue?: sqs.IQueue;
  private role?: ManagedPolicyRole;
  private targetCount = 0;

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

    this.props = props;
    this.settings = settings;
    this.alarmAction = props.alarmAction;
    this.alarmSet = new ConstructAlarms(this, props.alarmAction);
    this.alarms = this.alarmSet.all;
    props.targets.forEach((target) => this.bindTarget(target));

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

    this.failedInvocationsAlarm = this.alarmSet.threshold(
      props.failedInvocationsAlarm,
      'FailedInvocationsAlarm',
      this.metricFailedInvocations(),
      0,
      `Deliveries by the rule of ${this.node.path} failed permanently (FailedInvocations).`,
    );
    this.invocationsSentToDlqAlarm = this.alarmSet.threshold(
      props.deadLetterInvocationsAlarms,
      'InvocationsSentToDlqAlarm',
      this.metricInvocationsSentToDlq(),
      0,
      `Events matched by the rule of ${this.node.path} were sent to a dead-letter queue (InvocationsSentToDlq).`,
    );
    this.invocationsFailedToBeSentToDlqAlarm = this.alarmSet.threshold(
      props.deadLetterInvocationsAlarms,
      'InvocationsFailedToBeSentToDlqAlarm',
      this.metricInvocationsFailedToBeSentToDlq(),
      0,
      `Events matched by the rule of ${this.node.path} could not be sent to their dead-letter queue and are lost (InvocationsFailedToBeSentToDlq).`,
    );
  }

  /**
   * The route's dead-letter queue: created on first use (a route whose every
   * target brings its own has none), or the one given in props.
   */
  public get deadLetterQueue(): sqs.IQueue | undefined {
    return this.routeDeadLetterQueue ?? this.props.deadLetterQueue;
  }

  /** The role EventBridge assumes for event bus, state machine and your own targets, once a target asked for it (`useEventsRole`). */
  public get eventsRole(): iam.Role | undefined {
    return this.role;
  }

  /**
   * Adds a target to the route, after those of props (a rule holds 5 at
   * most). The target's options are checked as those of props are.
   */
  public addTarget(target: RouteTarget): void {
    const v = new PropsValidator(this);
    validateAddedTarget(
      v,
      target,
      this.targetCount,
      this.node.children.map((c) => c.node.id),
    );
    v.throwIfInvalid();
    this.bindTarget(target);
  }

  /**
   * The retry policy and dead-letter queue of a target: its own options
   * (`target.delivery`), or else the route's. The route's dead-letter queue is
   * created on first use, and every dead-letter queue used is alarmed (unless
   * `deadLetterQueueAlarm` is false). For the `bind` of targets of your own.
   */
  public deliveryFor(target: RouteTarget): RouteDelivery {
    const options = target.delivery;
    const deadLetterQueue = options.deadLetterQueue ?? this.props.deadLetterQueue ?? this.createdDeadLetterQueue();
    if (!this.deadLetterQueues.includes(deadLetterQueue)) {
      this.deadLetterQueues.push(deadLetterQueue);
      const alarm = this.alarmSet.queueNotEmpty(
        this.props.deadLetterQueueAlarm,
        deadLetterQueue === this.deadLetterQueue ? 'DeadLetterQueueAlarm' : `DeadLetterQueueAlarm${Names.nodeUniqueId(deadLetterQueue.node)}`,
        deadLetterQueue,
        `Events could not be delivered by the rule of ${this.node.path} and are in its dead-letter queue.`,
      );
      if (alarm) {
        this.deadLetterQueueAlarms.push(alarm);
      }
    }
    return {
      retryAttempts: options.retryAttempts ?? this.settings.retryAttempts,
      maxEventAge: options.maxEventAge ?? this.settings.maxEventAge,
      deadLetterQueue,
    };
  }

  /**
   * The role EventBridge assumes to deliver to targets that need one (event
   * buses, state machines, targets of your own), created on first use. Every
   * permission granted to it lands in its customer-managed policy (no inline
   * policy), and the rule waits for that policy: deliveries need it from the
   * first event on. Its trust policy is scoped to this account by
   * `aws:SourceAccount`: `aws:SourceArn` would name the rule, which names the
   * role (a dependency cycle).
   */
  public useEventsRole(): iam.Role {
    if (!this.role) {
      this.role = new ManagedPolicyRole(
        this,
        'EventsRole',
        'EventsRolePolicy',
        new iam.ServicePrincipal(EVENTS_SERVICE, { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
        `Assumed by EventBridge to deliver the events of ${this.node.path}`,
      );
      this.rule.node.addDependency(this.role.policy);
    }
    return this.role;
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

  private bindTarget(target: RouteTarget): void {
    this.targetCount++;
    const bound = target.bind(this);
    if (bound.queue) {
      this.queues.push(bound.queue);
    }
    if (bound.asyncFailureQueue && !this.asyncFailureQueues.includes(bound.asyncFailureQueue)) {
      this.asyncFailureQueues.push(bound.asyncFailureQueue);
    }
    (bound.alarms ?? []).forEach((alarm) => this.alarmSet.add(alarm));
    const ruleTarget = bound.ruleTarget;
    this.rule.addTarget({
      bind: (rule, id) => {
        const config = ruleTarget.bind(rule, id);
        if (!config.deadLetterConfig) {
          // A target of the user's own that did not use deliveryFor: EventBridge drops what it cannot deliver.
          Annotations.of(this).addWarningV2(
            'cdk-message-patterns:targetWithoutDeadLetterQueue',
            `The target ${config.targetResource?.node.path ?? id ?? ''} of the route has no dead-letter queue: an event EventBridge cannot deliver to it is dropped after its retries. ` +
              'Give its rule target the dead-letter queue and retry policy of route.deliveryFor(target).',
          );
        }
        return config;
      },
    });
  }

  private createdDeadLetterQueue(): sqs.IQueue {
    if (this.routeDeadLetterQueue) {
      return this.routeDeadLetterQueue;
    }
    const key = this.props.deadLetterQueueKey;
    this.routeDeadLetterQueue = createFailureQueue(this, 'DeadLetterQueue', {
      queueName: this.props.deadLetterQueueName,
      retentionPeriod: this.settings.deadLetterRetentionPeriod,
      encryptionMasterKey: key,
      removalPolicy: this.props.removalPolicy ?? RemovalPolicy.DESTROY,
      acknowledgements: [ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq, ACKNOWLEDGEMENTS.eventBridgeTargetDeadLetterQueue],
    });
    if (key) {
      // The key policy cannot name the rule (the rule refers to the queue,
      // which refers to the key): it is scoped to this account instead.
      const statement = serviceKeyStatement(EVENTS_SERVICE, 'queue', ['kms:Decrypt', 'kms:GenerateDataKey'], undefined, 'AllowEventBridgeToUseTheKeyOfDeadLetterQueues');
      allowServiceToUseKey(this, key, statement, {
        id: 'deadLetterQueueKeyPolicy',
        message:
          'deadLetterQueueKey is not a key of this app, so its key policy cannot be changed here: let events.amazonaws.com use it ' +
          '(kms:Decrypt and kms:GenerateDataKey), or EventBridge cannot send to the dead-letter queue.',
      });
    }
    return this.routeDeadLetterQueue;
  }

  private allowPutEvents(props: EventBusRouteProps): void {
    if (props.putEventsAccounts && props.putEventsAccounts.length > 0) {
      this.putEventsPolicy('PutEventsFromAccountsPolicy', 'accounts', props.putEventsAccounts.map((account) => new iam.AccountPrincipal(account)));
    }
    if (props.putEventsOrganizationId) {
      this.putEventsPolicy('PutEventsFromOrganizationPolicy', 'organization', [new iam.AnyPrincipal()], {
        StringEquals: { 'aws:PrincipalOrgID': props.putEventsOrganizationId },
      });
    }
  }

  /** A statement of the bus policy that lets `principals` put events on the bus. */
  private putEventsPolicy(id: string, suffix: string, principals: iam.IPrincipal[], conditions?: Record<string, unknown>): void {
    const statementId = `${Names.uniqueResourceName(this, { maxLength: 50, separator: '-' })}-${suffix}`;
    const statement = new iam.PolicyStatement({ sid: statementId, principals, actions: ['events:PutEvents'], resources: [this.eventBus.eventBusArn], conditions });
    new events.EventBusPolicy(this, id, { eventBus: this.eventBus, statementId, statement: statementJson(statement) });
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
