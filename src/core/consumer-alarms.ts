import { Duration, Lazy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ConstructAlarms, thresholdAlarm } from './alarms';
import { ConsumerAlarmOptions } from './consumer-alarm-options';
import { sharedFunctionAlarm } from './function-alarms';
import { bounded, DESCRIPTION_LIMITS } from './names';

/** Documented defaults of the consumer-health alarms; docs/alarms-and-dashboards.md lists them with their reasons. */
export const CONSUMER_ALARM_DEFAULTS = {
  /** Lambda's invocation metrics are counts, read with the Sum statistic. */
  period: Duration.minutes(5),
  /** One failed invocation is enough: a consumer should not fail. */
  errorsThreshold: 0,
  /** One throttled invocation is enough: messages then wait or are retried. */
  throttlesThreshold: 0,
} as const;

/** The consumer-health alarms of one function, each undefined when switched off. */
export interface ConsumerHealthAlarms {
  readonly errors?: cloudwatch.Alarm;
  readonly throttles?: cloudwatch.Alarm;
}

const ERRORS_ALARM_ID = 'ConsumerErrorsAlarm';
const THROTTLES_ALARM_ID = 'ConsumerThrottlesAlarm';

/** The `Errors` of `fn` summed over the alarm's period (AWS/Lambda, by FunctionName, or by FunctionName and Resource for a version or alias). */
export function consumerErrorsMetric(fn: lambda.IFunction, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return fn.metricErrors({ period: CONSUMER_ALARM_DEFAULTS.period, statistic: cloudwatch.Stats.SUM, ...props });
}

/** The `Throttles` of `fn` summed over the alarm's period. */
export function consumerThrottlesMetric(fn: lambda.IFunction, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return fn.metricThrottles({ period: CONSUMER_ALARM_DEFAULTS.period, statistic: cloudwatch.Stats.SUM, ...props });
}

/** The sources each function was wired to, for the descriptions of its alarms. */
const SOURCES = new WeakMap<lambda.IFunction, string[]>();

/**
 * Gives `fn`, wired by the library to a source by `wiring`, an errors alarm
 * and a throttles alarm unless switched off, and lists them in `alarms`.
 * A function wired to several sources gets each alarm once (see
 * {@link sharedFunctionAlarm} for where it is made), notifying the action of
 * every construct that wired it, its description naming every source.
 *
 * @param wiring the construct that references the function, when it may be of another stack (a route's rule); otherwise undefined
 */
export function consumerHealthAlarms(
  fn: lambda.IFunction,
  source: string,
  options: ConsumerAlarmOptions | undefined,
  alarms: ConstructAlarms,
  wiring?: Construct,
): ConsumerHealthAlarms {
  const sources = SOURCES.get(fn) ?? [];
  if (!sources.includes(source)) {
    sources.push(source);
  }
  SOURCES.set(fn, sources);
  const describe = (text: (wiredTo: string) => string) =>
    Lazy.string({ produce: () => bounded(text(sources.join(', ')), DESCRIPTION_LIMITS.alarm) });
  const alarm = (id: string, metric: cloudwatch.Metric, threshold: number, description: string) =>
    alarms.add(sharedFunctionAlarm(fn, id, wiring, alarms.action, (scope, scopedId) =>
      thresholdAlarm(scope, scopedId, metric, threshold, description, alarms.action)));
  const errors = options?.errorsAlarm === false
    ? undefined
    : alarm(ERRORS_ALARM_ID, consumerErrorsMetric(fn), CONSUMER_ALARM_DEFAULTS.errorsThreshold,
      describe((wiredTo) => `The function ${fn.node.path} failed (an exception, a timeout or out of memory) on messages of ${wiredTo}; ` +
        'they are retried, then kept in the source\'s dead-letter queue or failure destination.'));
  const throttles = options?.throttlesAlarm === false
    ? undefined
    : alarm(THROTTLES_ALARM_ID, consumerThrottlesMetric(fn), CONSUMER_ALARM_DEFAULTS.throttlesThreshold,
      describe((wiredTo) => `Invocations of the function ${fn.node.path} were throttled (no concurrency left) while it consumes messages of ` +
        `${wiredTo}; messages wait longer and may be retried toward their dead-letter queue.`));
  return { errors, throttles };
}
