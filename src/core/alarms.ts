import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { checkAlarmTopics } from './alarm-topic';
import { ACKNOWLEDGEMENTS, acknowledge } from './nag';
import { bounded, DESCRIPTION_LIMITS } from './names';

/**
 * Applies `action` to the alarm, or records why the alarm has none, and
 * checks at synth that CloudWatch can publish to every topic the alarm
 * notifies by then.
 */
export function wireAlarmAction(alarm: cloudwatch.Alarm, action?: cloudwatch.IAlarmAction): void {
  checkAlarmTopics(alarm);
  if (action) {
    alarm.addAlarmAction(action);
  } else {
    acknowledge(alarm, ACKNOWLEDGEMENTS.alarmWithoutAction);
  }
}

/**
 * The one way the library builds an alarm: it fires when `metric` is above
 * `threshold` for one period. Missing data is not a breach: an idle resource
 * reports nothing, and several services publish failure counts only when they
 * are not 0. The description is bounded to what CloudWatch accepts, and the
 * action wired by {@link wireAlarmAction}.
 */
export function thresholdAlarm(
  scope: Construct,
  id: string,
  metric: cloudwatch.Metric,
  threshold: number,
  description: string,
  action?: cloudwatch.IAlarmAction,
): cloudwatch.Alarm {
  const alarm = metric.createAlarm(scope, id, {
    alarmDescription: bounded(description, DESCRIPTION_LIMITS.alarm),
    threshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  wireAlarmAction(alarm, action);
  return alarm;
}

/**
 * An alarm that fires as soon as `queue` holds a visible message: for a
 * dead-letter queue, any message is a failure someone has to act on.
 * One-minute periods on the maximum, so a single message is enough.
 */
export function queueNotEmptyAlarm(
  scope: Construct,
  id: string,
  queue: sqs.IQueue,
  description: string,
  action?: cloudwatch.IAlarmAction,
): cloudwatch.Alarm {
  return thresholdAlarm(scope, id, queueDepthMetric(queue), 0, description, action);
}

/**
 * The visible messages of `queue`, the maximum over one minute: the metric of
 * {@link queueNotEmptyAlarm}.
 */
export function queueDepthMetric(queue: sqs.IQueue, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM, ...props });
}

/**
 * The age of the oldest message in `queue`, in seconds, the maximum over one
 * minute: the metric of {@link oldestMessageAgeAlarm}.
 */
export function oldestMessageAgeMetric(queue: sqs.IQueue, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM, ...props });
}

/**
 * An alarm on the age of the oldest message in `queue`: messages waiting
 * longer than `threshold` mean consumers are failing or falling behind.
 */
export function oldestMessageAgeAlarm(
  scope: Construct,
  id: string,
  queue: sqs.IQueue,
  threshold: Duration,
  action?: cloudwatch.IAlarmAction,
): cloudwatch.Alarm {
  return thresholdAlarm(
    scope,
    id,
    oldestMessageAgeMetric(queue),
    threshold.toSeconds(),
    `The oldest message has waited longer than ${threshold.toHumanString()}: consumers are failing or falling behind.`,
    action,
  );
}

/**
 * The alarms of one construct: each is switched on unless its prop says
 * `false`, all share the construct's alarm action, and `all` lists them in
 * the order they were made (the construct's `alarms`).
 */
export class ConstructAlarms {
  /** Every alarm made through this set. */
  public readonly all: cloudwatch.IAlarm[] = [];

  constructor(
    private readonly scope: Construct,
    /** The action every alarm of the set notifies. */
    public readonly action?: cloudwatch.IAlarmAction,
  ) {}

  /** A {@link thresholdAlarm} on `metric`, unless `enabled` is false. */
  public threshold(
    enabled: boolean | undefined,
    id: string,
    metric: cloudwatch.Metric,
    threshold: number,
    description: string,
  ): cloudwatch.Alarm | undefined {
    return enabled === false ? undefined : this.add(thresholdAlarm(this.scope, id, metric, threshold, description, this.action));
  }

  /** A {@link queueNotEmptyAlarm} on `queue`, unless `enabled` is false. */
  public queueNotEmpty(enabled: boolean | undefined, id: string, queue: sqs.IQueue, description: string): cloudwatch.Alarm | undefined {
    return enabled === false ? undefined : this.add(queueNotEmptyAlarm(this.scope, id, queue, description, this.action));
  }

  /** An {@link oldestMessageAgeAlarm} on `queue`, unless `enabled` is false. */
  public oldestMessageAge(enabled: boolean | undefined, id: string, queue: sqs.IQueue, threshold: Duration): cloudwatch.Alarm | undefined {
    return enabled === false ? undefined : this.add(oldestMessageAgeAlarm(this.scope, id, queue, threshold, this.action));
  }

  /** Lists an alarm made elsewhere (a failure path shared with other constructs) with this construct's. */
  public add<T extends cloudwatch.IAlarm>(alarm: T): T {
    if (!this.all.includes(alarm)) {
      this.all.push(alarm);
    }
    return alarm;
  }
}
