import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { RouteTarget } from './route-target';

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
   * The name of the event bus this route creates (or `eventBusProps.eventBusName`:
   * both may be set only to the same name).
   *
   * @default - generated
   */
  readonly eventBusName?: string;

  /**
   * Props of the event bus this route creates (aws-cdk-lib's own): a
   * customer-managed key (`kmsKey`), the bus's own dead-letter queue
   * (`deadLetterQueue`), logging (`logConfig`), a `description`. Not with
   * `eventBus`.
   *
   * With a `kmsKey`, the bus gets a dead-letter queue unless you give one
   * (EventBridge sends there the events it cannot encrypt or decrypt, which
   * are lost otherwise), alarmed like the route's; the archive, if any, is
   * encrypted with the same key; and the key policy lets EventBridge use the
   * key for all of it (a key of another app gets a warning with what its
   * owner must add). `logConfig` sets what the bus logs; where the logs go is
   * a CloudWatch Logs delivery you set up.
   *
   * @default - a bus encrypted with an AWS owned key, with no dead-letter queue and no logging
   */
  readonly eventBusProps?: events.EventBusProps;

  /**
   * The largest event pattern EventBridge accepts in this account and
   * Region, in characters: the "Event pattern size" quota, 2,048 unless AWS
   * raised it on request (up to 4,096, the most PutRule takes). `eventPattern`
   * is checked against it.
   *
   * @default 2048
   */
  readonly maxEventPatternSize?: number;

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
   * The name of the dead-letter queue this route creates for its targets.
   *
   * @default - generated
   */
  readonly deadLetterQueueName?: string;

  /**
   * How long the dead-letter queues this route creates (its targets', and
   * its bus's) keep an event, 60 seconds to 14 days.
   *
   * @default Duration.days(14)
   */
  readonly deadLetterRetentionPeriod?: Duration;

  /**
   * A customer-managed KMS key for the dead-letter queues this route creates
   * (its targets', and its bus's). Its key policy gets a statement that lets
   * EventBridge (in this account) use it.
   *
   * @default - the dead-letter queues are encrypted with SSE-SQS
   */
  readonly deadLetterQueueKey?: kms.IKey;

  /**
   * What happens to the created event bus, dead-letter queues and archive
   * when they leave the stack.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether to alarm when a dead-letter queue of the route (of its targets,
   * or of its bus) holds any event.
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
