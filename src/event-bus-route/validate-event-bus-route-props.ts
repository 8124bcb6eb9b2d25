import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { EventBusRouteProps } from './event-bus-route-props';
import type { RouteTarget } from './route-target';
import { FAILURE_QUEUE_RETENTION } from '../core/failure-queue';
import { describeQueue, fifoKnown, usesAwsManagedKey } from '../core/queue-facts';
import { describe, durationSeconds, PropsValidator } from '../core/validation';
import {
  EVENT_ENVELOPE_FIELDS,
  EVENT_PATTERN_DEFAULT_MAX_LENGTH,
  EVENT_PATTERN_HARD_MAX_LENGTH,
  eventPatternToJson,
  parseEventPattern,
  topLevelFieldsOutsideEnvelope,
} from '../routing/eventbridge';
import { PatternError as EventPatternError } from '../routing/model/errors';

/** Documented defaults of EventBusRoute; docs/event-bus-route.md lists them with their reasons (checked by test/docs). */
export const ROUTE_DEFAULTS = {
  retryAttempts: 185,
  maxEventAge: Duration.hours(24),
  deadLetterRetentionPeriod: FAILURE_QUEUE_RETENTION,
  archiveRetention: Duration.days(30),
  /**
   * EventBridge's "Event pattern size" quota, in characters (Amazon EventBridge
   * quotas, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html):
   * adjustable, so AWS raises it on request.
   */
  maxEventPatternSize: EVENT_PATTERN_DEFAULT_MAX_LENGTH,
} as const;

/** EventBridge and SQS limits the props are checked against. */
export const ROUTE_LIMITS = {
  maxRetryAttempts: 185,
  minEventAge: Duration.seconds(60),
  maxEventAge: Duration.hours(24),
  maxTargetsPerRule: 5,
  minRetention: Duration.seconds(60),
  maxRetention: Duration.days(14),
  /**
   * The largest event pattern the quota can be raised to: PutRule takes an
   * `EventPattern` of at most 4,096 characters (EventBridge API Reference, PutRule).
   */
  maxEventPatternSize: EVENT_PATTERN_HARD_MAX_LENGTH,
  /** An event bus description: "up to 512 characters" (CreateEventBus, Description). */
  maxBusDescriptionLength: 512,
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
  validateEventPattern(scope, v, props, validateMaxEventPatternSize(v, props.maxEventPatternSize));
  validateBus(v, props);
  validateEventBusProps(v, props);
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
 * `maxEventPatternSize` is the account's "Event pattern size" quota: a whole
 * number from its default, 2,048 (a quota is raised, never lowered), to the
 * 4,096 characters PutRule takes. Returns the limit to check the pattern
 * against: the default when the prop is unset or wrong (its error is reported
 * with the others), the API's maximum when it is a token.
 */
function validateMaxEventPatternSize(v: PropsValidator, size: number | undefined): number {
  if (size === undefined) {
    return ROUTE_DEFAULTS.maxEventPatternSize;
  }
  if (Token.isUnresolved(size)) {
    return ROUTE_LIMITS.maxEventPatternSize;
  }
  const valid = Number.isInteger(size) && size >= ROUTE_DEFAULTS.maxEventPatternSize && size <= ROUTE_LIMITS.maxEventPatternSize;
  v.fail(
    !valid,
    `maxEventPatternSize must be a whole number of characters from ${ROUTE_DEFAULTS.maxEventPatternSize} (EventBridge's default "Event pattern size" quota) ` +
      `to ${ROUTE_LIMITS.maxEventPatternSize} (the most PutRule takes), got ${size}`,
  );
  return valid ? size : ROUTE_DEFAULTS.maxEventPatternSize;
}

/**
 * The pattern must be one EventBridge accepts; the parser names the key path and the value. A top-level field outside
 * the event envelope is accepted (EventBridge accepts it) but warned about: such a rule never matches an event on a bus.
 */
function validateEventPattern(scope: Construct, v: PropsValidator, props: EventBusRouteProps, maxLength: number): void {
  if (props.eventPattern === undefined || props.eventPattern === null) {
    v.fail(true, 'eventPattern is required: a route without a pattern would match nothing');
    return;
  }
  try {
    const parsed = parseEventPattern(eventPatternToJson(props.eventPattern), { propName: 'eventPattern', maxLength });
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
  validateBusName(v, 'eventBusName', props.eventBusName);
  validateBusName(v, 'eventBusProps.eventBusName', props.eventBusProps?.eventBusName);
  const ruleName = props.ruleName;
  if (ruleName !== undefined && !Token.isUnresolved(ruleName)) {
    v.fail(!/^[A-Za-z0-9._-]{1,64}$/.test(ruleName), `ruleName must be 1 to 64 letters, digits, '.', '-' and '_', got '${ruleName}'`);
  }
}

function validateBusName(v: PropsValidator, prop: string, name: string | undefined): void {
  if (name !== undefined && !Token.isUnresolved(name)) {
    v.fail(
      !/^[A-Za-z0-9._-]{1,256}$/.test(name) || name === 'default' || name.startsWith('aws.'),
      `${prop} must be 1 to 256 letters, digits, '.', '-' and '_', neither 'default' nor starting with 'aws.' (reserved for partner event buses), got '${name}'`,
    );
  }
}

/**
 * `eventBusProps` configure the bus the route creates: not with a bus you
 * bring. The bus has one name: `eventBusName` (kept for the routes written
 * before `eventBusProps`) and `eventBusProps.eventBusName` may both be set
 * only to the same value. The bus's own dead-letter queue is held to the
 * rules of the route's.
 */
function validateEventBusProps(v: PropsValidator, props: EventBusRouteProps): void {
  const busProps = props.eventBusProps;
  if (busProps === undefined) {
    return;
  }
  v.fail(
    props.eventBus !== undefined,
    'eventBusProps cannot be set together with eventBus: they configure the bus the route creates; configure the bus you bring where you create it',
  );
  const name = props.eventBusName;
  const propsName = busProps.eventBusName;
  v.fail(
    name !== undefined && propsName !== undefined && name !== propsName,
    `eventBusName and eventBusProps.eventBusName name the same bus: give the name once (or the same name twice), got '${name}' and '${propsName}'`,
  );
  v.fail(
    busProps.eventSourceName !== undefined && (name ?? propsName) !== undefined,
    `eventBusProps.eventSourceName (a partner event bus, named after its event source) cannot be set together with a bus name, got '${busProps.eventSourceName}'`,
  );
  const description = busProps.description;
  v.fail(
    description !== undefined && !Token.isUnresolved(description) && description.length > ROUTE_LIMITS.maxBusDescriptionLength,
    `eventBusProps.description must be at most ${ROUTE_LIMITS.maxBusDescriptionLength} characters, got ${description?.length}`,
  );
  if (busProps.deadLetterQueue) {
    validateDeadLetterQueueType(v, 'eventBusProps.deadLetterQueue', busProps.deadLetterQueue);
  }
}

/** Retry attempts and maximum event age within EventBridge's ranges (RetryPolicy). */
export function validateDelivery(
  v: PropsValidator,
  attemptsProp: string,
  ageProp: string,
  retryAttempts: number | undefined,
  maxEventAge: Duration | undefined,
): void {
  v.integerInRange(attemptsProp, retryAttempts, 0, ROUTE_LIMITS.maxRetryAttempts);
  v.durationInRange(ageProp, maxEventAge, ROUTE_LIMITS.minEventAge, ROUTE_LIMITS.maxEventAge);
  v.wholeSeconds(ageProp, maxEventAge);
}

function validateDeadLetterQueue(v: PropsValidator, props: EventBusRouteProps): void {
  if (props.deadLetterQueue) {
    v.notWithBrought('deadLetterQueue', 'queue', {
      deadLetterQueueName: props.deadLetterQueueName,
      deadLetterRetentionPeriod: props.deadLetterRetentionPeriod,
      deadLetterQueueKey: props.deadLetterQueueKey,
    });
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
export function validateDeadLetterQueueType(v: PropsValidator, prop: string, queue: sqs.IQueue): void {
  v.fail(
    fifoKnown(queue) && queue.fifo,
    `${prop} must be a standard queue: EventBridge cannot use a FIFO queue as a dead-letter queue, got '${describeQueue(queue)}'`,
  );
  validateNotAwsManagedKey(v, prop, queue);
}

function validateNotAwsManagedKey(v: PropsValidator, prop: string, queue: sqs.IQueue): void {
  v.fail(
    usesAwsManagedKey(queue),
    `${prop} is encrypted with the AWS-managed key alias/aws/sqs (KMS_MANAGED), which EventBridge cannot use: its events would be dropped. ` +
      `Use SQS_MANAGED or a customer-managed key, got '${describeQueue(queue)}'`,
  );
}

/**
 * The construct ids of the route's own children (alarms on dead-letter queues
 * of targets are named `DeadLetterQueueAlarm` + the queue's unique id), which
 * a queue created for a target cannot take.
 */
export const ROUTE_CHILD_IDS: readonly string[] = [
  'Resource',
  'EventBus',
  'DeadLetterQueue',
  'DeadLetterQueueAlarm',
  'EventsRole',
  'EventsRolePolicy',
  'EventBusDeadLetterQueue',
  'EventBusDeadLetterQueueAlarm',
  'Archive',
  'ArchiveSourceBus',
  'PutEventsFromAccountsPolicy',
  'PutEventsFromOrganizationPolicy',
  'FailedInvocationsAlarm',
  'InvocationsSentToDlqAlarm',
  'InvocationsFailedToBeSentToDlqAlarm',
];

function validateTargets(v: PropsValidator, props: EventBusRouteProps): void {
  const targets = props.targets ?? [];
  v.fail(
    targets.length < 1 || targets.length > ROUTE_LIMITS.maxTargetsPerRule,
    `targets must hold 1 to ${ROUTE_LIMITS.maxTargetsPerRule} targets (EventBridge allows ${ROUTE_LIMITS.maxTargetsPerRule} per rule), got ${targets.length}`,
  );
  const takenIds = new Set(ROUTE_CHILD_IDS);
  targets.forEach((target, i) => target._validate(v, `targets[${i}]`, takenIds));
}

/** Checks a target added by `addTarget` to a route that holds `count` targets already, and the children `childIds`. */
export function validateAddedTarget(v: PropsValidator, target: RouteTarget, count: number, childIds: string[]): void {
  v.fail(
    count >= ROUTE_LIMITS.maxTargetsPerRule,
    `addTarget: the route holds ${count} targets already, and EventBridge allows ${ROUTE_LIMITS.maxTargetsPerRule} per rule`,
  );
  target._validate(v, `targets[${count}]`, new Set([...ROUTE_CHILD_IDS, ...childIds]));
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
