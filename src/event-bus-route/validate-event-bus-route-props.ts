import { Annotations, Duration, Resource, Stack, Token } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { EventBusRouteProps } from './event-bus-route';
import { RouteTarget, RouteTargetKind } from './route-target';
import { validateAsyncInvokeOptions } from '../core/async-invoke';
import { describe, durationSeconds, PropsValidator } from '../core/validation';
import type { QueueWithDlqProps } from '../queue-with-dlq/queue-with-dlq';
import {
  EVENT_ENVELOPE_FIELDS,
  eventPatternToJson,
  parseEventPattern,
  topLevelFieldsOutsideEnvelope,
} from '../routing/eventbridge';
import { PatternError as EventPatternError } from '../routing/model/errors';

/** Documented defaults of EventBusRoute; README's table lists them with their reasons. */
export const ROUTE_DEFAULTS = {
  retryAttempts: 185,
  maxEventAge: Duration.hours(24),
  deadLetterRetentionPeriod: Duration.days(14),
  archiveRetention: Duration.days(30),
} as const;

/** EventBridge and SQS limits the props are checked against. */
export const ROUTE_LIMITS = {
  maxRetryAttempts: 185,
  minEventAge: Duration.seconds(60),
  maxEventAge: Duration.hours(24),
  maxTargetsPerRule: 5,
  minRetention: Duration.seconds(60),
  maxRetention: Duration.days(14),
};

/** The props of an EventBusRoute with every default applied. */
export interface RouteSettings {
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
  readonly deadLetterRetentionPeriod: Duration;
  readonly archiveRetention: Duration;
}

/**
 * Applies the defaults of EventBusRoute and checks every rule on its props,
 * throwing one error that lists every violation.
 */
export function resolveRouteSettings(scope: Construct, props: EventBusRouteProps): RouteSettings {
  const v = new PropsValidator(scope);
  validateEventPattern(scope, v, props);
  validateBus(v, props);
  validateDelivery(v, 'retryAttempts', 'maxEventAge', props.retryAttempts, props.maxEventAge);
  validateDeadLetterQueue(v, props);
  validateTargets(v, props);
  validateArchive(v, props);
  validateCrossAccount(v, props);
  v.throwIfInvalid();
  return {
    retryAttempts: props.retryAttempts ?? ROUTE_DEFAULTS.retryAttempts,
    maxEventAge: props.maxEventAge ?? ROUTE_DEFAULTS.maxEventAge,
    deadLetterRetentionPeriod: props.deadLetterRetentionPeriod ?? ROUTE_DEFAULTS.deadLetterRetentionPeriod,
    archiveRetention: props.archive?.retention ?? ROUTE_DEFAULTS.archiveRetention,
  };
}

/**
 * The pattern must be one EventBridge accepts; the parser names the key path and the value. A top-level field outside
 * the event envelope is accepted (EventBridge accepts it) but warned about: such a rule never matches an event on a bus.
 */
function validateEventPattern(scope: Construct, v: PropsValidator, props: EventBusRouteProps): void {
  if (props.eventPattern === undefined || props.eventPattern === null) {
    v.fail(true, 'eventPattern is required: a route without a pattern would match nothing');
    return;
  }
  try {
    const parsed = parseEventPattern(eventPatternToJson(props.eventPattern), { propName: 'eventPattern' });
    warnAboutFieldsOutsideEnvelope(scope, topLevelFieldsOutsideEnvelope(parsed));
  } catch (e) {
    if (!(e instanceof EventPatternError)) {
      throw e;
    }
    v.fail(true, e.message);
  }
}

function warnAboutFieldsOutsideEnvelope(scope: Construct, fields: readonly string[]): void {
  if (fields.length === 0) {
    return;
  }
  const names = fields.map((f) => `"${f}"`).join(', ');
  const under = fields.map((f) => `detail.${f}`).join(', ');
  Annotations.of(scope).addWarningV2(
    'cdk-message-patterns:patternFieldOutsideEnvelope',
    `eventPattern names ${names} at the top level, outside the event envelope (${EVENT_ENVELOPE_FIELDS.join(', ')}). ` +
      'EventBridge accepts the rule, but it can never match an event sent to a bus: such events always have the envelope shape, ' +
      `and their own fields are under "detail". Did you mean ${under}?`,
  );
}

function validateBus(v: PropsValidator, props: EventBusRouteProps): void {
  v.fail(
    props.eventBus !== undefined && props.eventBusName !== undefined,
    `eventBusName cannot be set together with eventBus: name the bus you bring where you create it, got eventBusName '${props.eventBusName}'`,
  );
  const name = props.eventBusName;
  if (name !== undefined && !Token.isUnresolved(name)) {
    v.fail(
      !/^[A-Za-z0-9._-]{1,256}$/.test(name) || name === 'default' || name.startsWith('aws.'),
      `eventBusName must be 1 to 256 letters, digits, '.', '-' and '_', neither 'default' nor starting with 'aws.' (reserved for partner event buses), got '${name}'`,
    );
  }
  const ruleName = props.ruleName;
  if (ruleName !== undefined && !Token.isUnresolved(ruleName)) {
    v.fail(!/^[A-Za-z0-9._-]{1,64}$/.test(ruleName), `ruleName must be 1 to 64 letters, digits, '.', '-' and '_', got '${ruleName}'`);
  }
}

/** Retry attempts and maximum event age within EventBridge's ranges (RetryPolicy). */
function validateDelivery(
  v: PropsValidator,
  attemptsProp: string,
  ageProp: string,
  retryAttempts: number | undefined,
  maxEventAge: Duration | undefined,
): void {
  v.integerInRange(attemptsProp, retryAttempts, 0, ROUTE_LIMITS.maxRetryAttempts);
  v.durationInRange(ageProp, maxEventAge, ROUTE_LIMITS.minEventAge, ROUTE_LIMITS.maxEventAge);
  if (maxEventAge !== undefined && !maxEventAge.isUnresolved()) {
    v.fail(!Number.isInteger(durationSeconds(maxEventAge)), `${ageProp} must be a whole number of seconds, got ${describe(maxEventAge)}`);
  }
}

function validateDeadLetterQueue(v: PropsValidator, props: EventBusRouteProps): void {
  if (props.deadLetterQueue) {
    for (const [prop, value] of [
      ['deadLetterQueueName', props.deadLetterQueueName],
      ['deadLetterRetentionPeriod', props.deadLetterRetentionPeriod],
      ['deadLetterQueueKey', props.deadLetterQueueKey],
    ] as const) {
      v.fail(value !== undefined, `${prop} cannot be set together with deadLetterQueue: configure the queue you bring where you create it`);
    }
    validateDeadLetterQueueType(v, 'deadLetterQueue', props.deadLetterQueue);
    return;
  }
  v.queueName('deadLetterQueueName', props.deadLetterQueueName);
  const name = props.deadLetterQueueName;
  v.fail(
    name !== undefined && !Token.isUnresolved(name) && name.endsWith('.fifo'),
    `deadLetterQueueName must name a standard queue (EventBridge cannot use a FIFO queue as a dead-letter queue), got '${name}'`,
  );
  v.durationInRange('deadLetterRetentionPeriod', props.deadLetterRetentionPeriod, ROUTE_LIMITS.minRetention, ROUTE_LIMITS.maxRetention);
}

/** EventBridge sends only to standard dead-letter queues that it can encrypt for. */
function validateDeadLetterQueueType(v: PropsValidator, prop: string, queue: sqs.IQueue): void {
  v.fail(
    fifoKnown(queue) && queue.fifo,
    `${prop} must be a standard queue: EventBridge cannot use a FIFO queue as a dead-letter queue, got '${describeQueue(queue)}'`,
  );
  validateNotAwsManagedKey(v, prop, queue);
}

function validateNotAwsManagedKey(v: PropsValidator, prop: string, queue: sqs.IQueue): void {
  v.fail(
    queue.encryptionType === sqs.QueueEncryption.KMS_MANAGED,
    `${prop} is encrypted with the AWS-managed key alias/aws/sqs (KMS_MANAGED), which EventBridge cannot use: its events would be dropped. ` +
      `Use SQS_MANAGED or a customer-managed key, got '${describeQueue(queue)}'`,
  );
}

function validateTargets(v: PropsValidator, props: EventBusRouteProps): void {
  const targets = props.targets ?? [];
  v.fail(
    targets.length < 1 || targets.length > ROUTE_LIMITS.maxTargetsPerRule,
    `targets must hold 1 to ${ROUTE_LIMITS.maxTargetsPerRule} targets (EventBridge allows ${ROUTE_LIMITS.maxTargetsPerRule} per rule), got ${targets.length}`,
  );
  targets.forEach((target, i) => {
    const spec = target._spec;
    const at = `targets[${i}]`;
    validateDelivery(v, `${at}.retryAttempts`, `${at}.maxEventAge`, spec.delivery.retryAttempts, spec.delivery.maxEventAge);
    if (spec.delivery.deadLetterQueue) {
      validateDeadLetterQueueType(v, `${at}.deadLetterQueue`, spec.delivery.deadLetterQueue);
    }
    if (spec.kind === RouteTargetKind.QUEUE) {
      validateNotAwsManagedKey(v, `${at} (queue)`, spec.queue!);
    }
    if (spec.kind === RouteTargetKind.LAMBDA_FUNCTION) {
      validateAsyncInvokeOptions(v, `${at}.asyncInvoke`, spec.asyncInvoke);
    }
    const fifo =
      spec.kind === RouteTargetKind.QUEUE
        ? fifoKnown(spec.queue!) && spec.queue!.fifo
        : spec.kind === RouteTargetKind.NEW_QUEUE && newQueueIsFifo(spec.queueProps ?? {});
    v.fail(
      fifo && spec.messageGroupId === undefined,
      `${at}.messageGroupId is required: the target is a FIFO queue, and EventBridge needs a message group id to send to it ` +
        "(for example events.EventField.fromPath('$.detail.orderId')), got undefined",
    );
    if (fifo) {
      validateContentDeduplication(v, at, spec);
    }
  });
}

/**
 * EventBridge sends no deduplication id, so a FIFO queue target must
 * deduplicate by content ("If you specify an SQS FIFO queue as a target, the
 * queue must have content-based deduplication enabled", EventBridge API
 * Reference, Target): SQS refuses every event otherwise. FIFO queues the
 * route creates have it (see {@link newQueueProps}); a queue brought without it
 * is refused.
 */
function validateContentDeduplication(v: PropsValidator, at: string, spec: RouteTarget['_spec']): void {
  if (spec.kind === RouteTargetKind.NEW_QUEUE) {
    v.fail(
      spec.queueProps?.contentBasedDeduplication === false,
      `${at}.queueProps.contentBasedDeduplication cannot be false on a FIFO queue target: EventBridge sends no deduplication id, ` +
        'so SQS would refuse every event; leave it unset (FIFO queues the route creates deduplicate by content), got false',
    );
    return;
  }
  const cfnQueue = spec.queue?.node.defaultChild;
  if (!(cfnQueue instanceof sqs.CfnQueue)) {
    return;
  }
  const deduplication = Stack.of(cfnQueue).resolve(cfnQueue.contentBasedDeduplication);
  v.fail(
    deduplication !== true && !Token.isUnresolved(cfnQueue.contentBasedDeduplication),
    `${at} (queue) is a FIFO queue without contentBasedDeduplication: EventBridge sends no deduplication id, so SQS would refuse ` +
      `every event. Set contentBasedDeduplication: true on the queue, got '${describeQueue(spec.queue!)}'`,
  );
}

/** The props of a queue the route creates as a target: FIFO queues deduplicate by content (see validateContentDeduplication). */
export function newQueueProps(queueProps: QueueWithDlqProps | undefined): QueueWithDlqProps | undefined {
  if (!newQueueIsFifo(queueProps ?? {}) || queueProps?.contentBasedDeduplication !== undefined) {
    return queueProps;
  }
  return { ...queueProps, contentBasedDeduplication: true };
}

function validateArchive(v: PropsValidator, props: EventBusRouteProps): void {
  const archive = props.archive;
  if (!archive) {
    return;
  }
  const retention = archive.retention;
  if (retention !== undefined && !retention.isUnresolved()) {
    const days = durationSeconds(retention) / 86_400;
    v.fail(!Number.isInteger(days) || days < 1, `archive.retention must be a whole number of days, at least 1, got ${describe(retention)}`);
  }
  const name = archive.archiveName;
  if (name !== undefined && !Token.isUnresolved(name)) {
    v.fail(!/^[A-Za-z0-9._-]{1,48}$/.test(name), `archive.archiveName must be 1 to 48 letters, digits, '.', '-' and '_', got '${name}'`);
  }
}

function validateCrossAccount(v: PropsValidator, props: EventBusRouteProps): void {
  const accounts = props.putEventsAccounts;
  if (accounts !== undefined) {
    v.fail(accounts.length === 0, 'putEventsAccounts must list at least one account when set, got []');
    for (const account of accounts) {
      v.fail(!Token.isUnresolved(account) && !/^\d{12}$/.test(account), `putEventsAccounts must hold 12-digit account ids, got '${account}'`);
    }
  }
  const org = props.putEventsOrganizationId;
  v.fail(
    org !== undefined && !Token.isUnresolved(org) && !/^o-[a-z0-9]{10,32}$/.test(org),
    `putEventsOrganizationId must be an organization id such as 'o-a1b2c3d4e5', got '${org}'`,
  );
}

/** Whether `queue.fifo` can be trusted: the queue is of this app, or its ARN is known. */
function fifoKnown(queue: sqs.IQueue): boolean {
  return Resource.isOwnedResource(queue) || !Token.isUnresolved(queue.queueArn);
}

function newQueueIsFifo(queueProps: { fifo?: boolean; queueName?: string }): boolean {
  if (queueProps.fifo !== undefined) {
    return queueProps.fifo;
  }
  const name = queueProps.queueName;
  return name !== undefined && !Token.isUnresolved(name) && name.endsWith('.fifo');
}

function describeQueue(queue: sqs.IQueue): string {
  return Token.isUnresolved(queue.queueName) ? queue.node.path : queue.queueName;
}
