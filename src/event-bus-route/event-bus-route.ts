import { Annotations, Aws, Duration, Fn, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { allowEventsToUseBusKey } from './event-bus-key';
import { EventBusRouteProps } from './event-bus-route-props';
import { RouteDelivery, RouteTarget } from './route-target';
import { allowRuleToSendToDeadLetterQueue } from './rule-targets';
import { resolveRouteSettings, RouteSettings, validateAddedTarget } from './validate-event-bus-route-props';
import { ConstructAlarms, queueDepthMetric } from '../core/alarms';
import { MessagePatternsError } from '../core/errors';
import { Acknowledgement, createFailureQueue } from '../core/failure-queue';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { ACKNOWLEDGEMENTS } from '../core/nag';
import { allowServiceToUseKey, EVENTS_SERVICE, serviceKeyStatement } from '../core/service-keys';
import { PropsValidator } from '../core/validation';
import { QueueWithDlq } from '../queue-with-dlq/queue-with-dlq';
import { EventPatternMatcher } from '../routing/eventbridge/event-pattern-matcher';
import { MatchExplanation } from '../routing/model/match-explanation';

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
  private busDeadLetterQueue?: sqs.IQueue;
  private busDeadLetterQueueAlarm?: cloudwatch.Alarm;
  private deadLetterQueueKeyAllowed = false;
  private role?: ManagedPolicyRole;
  private targetCount = 0;

  constructor(scope: Construct, id: string, props: EventBusRouteProps) {
    super(scope, id);
    const settings = resolveRouteSettings(this, props);
    this.eventPattern = props.eventPattern;
    this.props = props;
    this.settings = settings;
    this.alarmAction = props.alarmAction;
    this.alarmSet = new ConstructAlarms(this, props.alarmAction);
    this.alarms = this.alarmSet.all;

    this.eventBus = props.eventBus ?? this.createEventBus(props);
    const busKey = props.eventBus ? undefined : props.eventBusProps?.kmsKey;
    this.onDefaultBus = !Token.isUnresolved(this.eventBus.eventBusName) && this.eventBus.eventBusName === 'default';

    this.rule = new events.Rule(this, 'Resource', {
      eventBus: this.eventBus,
      eventPattern: props.eventPattern,
      ruleName: props.ruleName,
      description: props.description,
      enabled: props.enabled,
    });
    this.ruleName = bareRuleName(this.rule, props.ruleName, this.onDefaultBus);

    props.targets.forEach((target) => this.bindTarget(target));

    if (props.archive) {
      this.archive = new events.Archive(this, 'Archive', {
        // With the bus's key, aws-cdk-lib's Archive names the source bus in the key policy (the encryption context of its
        // statement): the bus given by its formatted ARN keeps the key from referring to the bus, which refers to the key.
        sourceEventBus: busKey ? events.EventBus.fromEventBusArn(this, 'ArchiveSourceBus', this.formattedBusArn(props)) : this.eventBus,
        eventPattern: props.archive.archiveAllEvents ? {} : props.eventPattern,
        retention: settings.archiveRetention,
        archiveName: props.archive.archiveName,
        description: props.archive.description,
        kmsKey: busKey,
      });
      if (busKey) {
        this.archive.node.addDependency(this.eventBus);
      }
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

  /**
   * The dead-letter queue of the bus the route created, where EventBridge
   * sends the events it cannot encrypt or decrypt: created when the bus has a
   * customer-managed key, or the one given in `eventBusProps.deadLetterQueue`.
   */
  public get eventBusDeadLetterQueue(): sqs.IQueue | undefined {
    return this.busDeadLetterQueue;
  }

  /** The alarm on messages in `eventBusDeadLetterQueue`, unless switched off. */
  public get eventBusDeadLetterQueueAlarm(): cloudwatch.Alarm | undefined {
    return this.busDeadLetterQueueAlarm;
  }

  /** The role EventBridge assumes for event bus, state machine, Kinesis stream and your own targets, once a target asked for it (`useEventsRole`). */
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
      // A queue that is the bus's dead-letter queue too is alarmed once.
      const alarm = deadLetterQueue === this.busDeadLetterQueue ? this.busDeadLetterQueueAlarm : this.alarmSet.queueNotEmpty(
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
   * buses, state machines, Kinesis streams, targets of your own), created on first use. Every
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
   * The messages visible in a dead-letter queue of the route, the maximum
   * over one minute: the metric of its dead-letter queue alarm.
   *
   * @param deadLetterQueue one of `deadLetterQueues`; by default the route's own
   */
  public metricDeadLetterQueueMessages(deadLetterQueue?: sqs.IQueue, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const queue = deadLetterQueue ?? this.deadLetterQueue;
    if (!queue) {
      throw new MessagePatternsError(this.node.path, [
        'metricDeadLetterQueueMessages() without a queue needs the route\'s own dead-letter queue, and every target brings its own: pass one of deadLetterQueues',
      ]);
    }
    return queueDepthMetric(queue, props);
  }

  /**
   * The rule's `MatchedEvents`: events that matched the rule's pattern.
   * Sum over 1 minute by default.
   */
  public metricMatchedEvents(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.ruleMetric('MatchedEvents', props);
  }

  /**
   * The rule's `Invocations`: times the rule invoked a target, successful
   * or failed (a retried attempt counts once it fails for good). Sum over 1
   * minute by default.
   */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.ruleMetric('Invocations', props);
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
        // Some aws-events-targets targets (KinesisStream, CloudWatchLogGroup) name a dead-letter queue without letting the rule send to it.
        const deadLetterQueue = this.deadLetterQueues.find((q) => q.queueArn === config.deadLetterConfig?.arn);
        if (deadLetterQueue) {
          allowRuleToSendToDeadLetterQueue(this.rule, deadLetterQueue);
        }
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

  /**
   * The bus of `eventBusProps`. With a customer-managed key, its dead-letter
   * queue (unless one is given): "We strongly recommend specifying a DLQ for
   * event buses, to ensure events are preserved if encryption or decryption
   * errors occur" (EventBridge User Guide, "Encrypting EventBridge event
   * buses with AWS KMS keys",
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-cmkey.html;
   * "Using dead-letter queues to capture encrypted event errors",
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-dlq.html);
   * and the key policy of {@link allowEventsToUseBusKey}.
   */
  private createEventBus(props: EventBusRouteProps): events.EventBus {
    const busProps = props.eventBusProps ?? {};
    const key = busProps.kmsKey;
    const deadLetterQueue = busProps.deadLetterQueue ?? (key ? this.createFailureQueue('EventBusDeadLetterQueue', ACKNOWLEDGEMENTS.eventBusDeadLetterQueue) : undefined);
    const bus = new events.EventBus(this, 'EventBus', { ...busProps, eventBusName: props.eventBusName ?? busProps.eventBusName, deadLetterQueue });
    if (props.removalPolicy) {
      bus.applyRemovalPolicy(props.removalPolicy);
    }
    if (deadLetterQueue) {
      this.busDeadLetterQueue = deadLetterQueue;
      this.busDeadLetterQueueAlarm = this.useEventBusDeadLetterQueue(deadLetterQueue);
    }
    if (key) {
      const level = busProps.logConfig?.level;
      allowEventsToUseBusKey(this, key, {
        busArn: this.formattedBusArn(props),
        archive: props.archive !== undefined,
        logging: level !== undefined && level !== events.Level.OFF,
      });
    }
    return bus;
  }

  private createdDeadLetterQueue(): sqs.IQueue {
    if (!this.routeDeadLetterQueue) {
      this.routeDeadLetterQueue = this.createFailureQueue('DeadLetterQueue', ACKNOWLEDGEMENTS.eventBridgeTargetDeadLetterQueue, this.props.deadLetterQueueName);
    }
    return this.routeDeadLetterQueue;
  }

  /**
   * A dead-letter queue the route creates (its targets', or its bus's):
   * `deadLetterRetentionPeriod`, `deadLetterQueueKey` (whose policy lets
   * EventBridge use it), `removalPolicy`.
   */
  private createFailureQueue(id: string, deadLetterQueueOf: Acknowledgement, queueName?: string): sqs.IQueue {
    const key = this.props.deadLetterQueueKey;
    const queue = createFailureQueue(this, id, {
      queueName,
      retentionPeriod: this.settings.deadLetterRetentionPeriod,
      encryptionMasterKey: key,
      removalPolicy: this.props.removalPolicy ?? RemovalPolicy.DESTROY,
      acknowledgements: [ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq, deadLetterQueueOf],
    });
    if (key && !this.deadLetterQueueKeyAllowed) {
      this.deadLetterQueueKeyAllowed = true;
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
    return queue;
  }

  /**
   * Lets EventBridge send the bus's failed events to `queue`, and alarms on
   * it. The queue policy is scoped by `aws:SourceAccount`: AWS documents the
   * `aws:SourceArn` EventBridge presents for rule targets (the rule, "Cross-service
   * confused deputy prevention", https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html),
   * not for a bus's dead-letter queue, and "Use aws:SourceAccount if you want
   * to allow any resource in that account" (same page). A queue of another
   * app gets a warning.
   */
  private useEventBusDeadLetterQueue(queue: sqs.IQueue): cloudwatch.Alarm | undefined {
    const statement = new iam.PolicyStatement({
      sid: 'AllowEventBridgeToSendTheFailedEventsOfTheBus',
      principals: [new iam.ServicePrincipal(EVENTS_SERVICE)],
      actions: ['sqs:SendMessage'],
      resources: [queue.queueArn],
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    });
    if (!queue.addToResourcePolicy(statement).statementAdded) {
      Annotations.of(this).addWarningV2(
        'cdk-message-patterns:importedEventBusDeadLetterQueue',
        `eventBusProps.deadLetterQueue (${queue.node.path}) is not a queue of this app, so its policy cannot be changed here: its owner must let ` +
          'events.amazonaws.com send to it (sqs:SendMessage, with the condition aws:SourceAccount = this account), or the events the bus cannot encrypt or decrypt are lost.',
      );
    }
    return this.alarmSet.queueNotEmpty(
      this.props.deadLetterQueueAlarm,
      'EventBusDeadLetterQueueAlarm',
      queue,
      `Events the bus of ${this.node.path} could not process (an encryption or decryption error with its customer-managed key) are in its dead-letter queue.`,
    );
  }

  /**
   * The ARN of the bus the route created, formatted from its physical name
   * (the name given, or the one aws-cdk-lib's EventBus generates: the bus's
   * unique id) as aws-cdk-lib's own key statement formats it: a key policy
   * that referred to the bus would be a dependency cycle (the bus refers to
   * its key).
   */
  private formattedBusArn(props: EventBusRouteProps): string {
    const busProps = props.eventBusProps ?? {};
    const name = props.eventBusName ?? busProps.eventBusName ?? busProps.eventSourceName ?? Names.uniqueId(this.node.findChild('EventBus'));
    return Stack.of(this).formatArn({ service: 'events', resource: 'event-bus', resourceName: name });
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
