import { Duration, Lazy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ConstructAlarms, thresholdAlarm } from './alarms';
import { ConsumerAlarmOptions } from './consumer-alarm-options';
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
/** The actions already on each consumer alarm. */
const ACTIONS = new WeakMap<cloudwatch.Alarm, cloudwatch.IAlarmAction[]>();

/**
 * Gives `fn`, wired by the library to `source` (a construct path, for the
 * description), an errors alarm and a throttles alarm unless switched off,
 * and lists them in `alarms`. The alarms are children of the function, as
 * its asynchronous failure path and aws-cdk-lib's event source mappings are:
 * a function wired to several sources gets each alarm once, notifying the
 * action of every construct that wired it.
 */
export function consumerHealthAlarms(
  fn: lambda.IFunction,
  source: string,
  options: ConsumerAlarmOptions | undefined,
  alarms: ConstructAlarms,
): ConsumerHealthAlarms {
  const sources = SOURCES.get(fn) ?? [];
  if (!sources.includes(source)) {
    sources.push(source);
  }
  SOURCES.set(fn, sources);
  const describe = (text: (wiredTo: string) => string) =>
    Lazy.string({ produce: () => bounded(text(sources.join(', ')), DESCRIPTION_LIMITS.alarm) });
  const errors = options?.errorsAlarm === false
    ? undefined
    : consumerAlarm(fn, ERRORS_ALARM_ID, alarms, () =>
      thresholdAlarm(
        fn,
        ERRORS_ALARM_ID,
        consumerErrorsMetric(fn),
        CONSUMER_ALARM_DEFAULTS.errorsThreshold,
        describe((wiredTo) => `The function ${fn.node.path} failed (an exception, a timeout or out of memory) on messages of ${wiredTo}; ` +
          'they are retried, then kept in the source\'s dead-letter queue or failure destination.'),
        alarms.action,
      ));
  const throttles = options?.throttlesAlarm === false
    ? undefined
    : consumerAlarm(fn, THROTTLES_ALARM_ID, alarms, () =>
      thresholdAlarm(
        fn,
        THROTTLES_ALARM_ID,
        consumerThrottlesMetric(fn),
        CONSUMER_ALARM_DEFAULTS.throttlesThreshold,
        describe((wiredTo) => `Invocations of the function ${fn.node.path} were throttled (no concurrency left) while it consumes messages of ${wiredTo}; ` +
          'messages wait longer and may be retried toward their dead-letter queue.'),
        alarms.action,
      ));
  return { errors, throttles };
}

/** The alarm `id` of `fn`, made by `create` unless another construct made it; either way it notifies `alarms.action` and is listed in `alarms`. */
function consumerAlarm(fn: lambda.IFunction, id: string, alarms: ConstructAlarms, create: () => cloudwatch.Alarm): cloudwatch.Alarm {
  const existing = fn.node.tryFindChild(id);
  const alarm = existing instanceof cloudwatch.Alarm ? existing : create();
  const actions = ACTIONS.get(alarm) ?? [];
  if (alarms.action && !actions.includes(alarms.action)) {
    if (existing instanceof cloudwatch.Alarm) {
      alarm.addAlarmAction(alarms.action);
    }
    actions.push(alarms.action);
  }
  ACTIONS.set(alarm, actions);
  return alarms.add(alarm);
}
