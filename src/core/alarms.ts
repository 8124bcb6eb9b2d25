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
  const metric = queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM });
  return thresholdAlarm(scope, id, metric, 0, description, action);
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
  const metric = queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM });
  return thresholdAlarm(
    scope,
    id,
    metric,
    threshold.toSeconds(),
    `The oldest message has waited longer than ${threshold.toHumanString()}: consumers are failing or falling behind.`,
    action,
  );
}
