import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ACKNOWLEDGEMENTS, acknowledge } from './nag';

/**
 * Applies `action` to the alarm, or records why the alarm has none.
 */
export function wireAlarmAction(alarm: cloudwatch.Alarm, action?: cloudwatch.IAlarmAction): void {
  if (action) {
    alarm.addAlarmAction(action);
  } else {
    acknowledge(alarm, ACKNOWLEDGEMENTS.alarmWithoutAction);
  }
}

/**
 * An alarm that fires as soon as `queue` holds a visible message: for a
 * dead-letter queue, any message is a failure someone has to act on.
 *
 * One-minute periods on the maximum, so a single message is enough; missing
 * data (an idle queue reports nothing) is not a breach.
 */
export function queueNotEmptyAlarm(
  scope: Construct,
  id: string,
  queue: sqs.IQueue,
  description: string,
  action?: cloudwatch.IAlarmAction,
): cloudwatch.Alarm {
  const alarm = queue
    .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
    .createAlarm(scope, id, {
      alarmDescription: description,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  wireAlarmAction(alarm, action);
  return alarm;
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
  const alarm = queue
    .metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
    .createAlarm(scope, id, {
      alarmDescription: `The oldest message has waited longer than ${threshold.toHumanString()}: consumers are failing or falling behind.`,
      threshold: threshold.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  wireAlarmAction(alarm, action);
  return alarm;
}
