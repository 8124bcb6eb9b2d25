import { Lazy, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';

/**
 * CloudWatch takes at most 5 actions per alarm state: "Array Members:
 * Maximum number of 5 items" (PutMetricAlarm, AlarmActions,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
 */
export const MAX_ALARM_ACTIONS = 5;

/** Alarms about a function made in another stack than the function's, by that stack. */
const HOSTED = new WeakMap<IConstruct, Map<lambda.IFunction, Map<string, cloudwatch.Alarm>>>();
/** The action objects already on each shared alarm. */
const ACTIONS = new WeakMap<cloudwatch.Alarm, cloudwatch.IAlarmAction[]>();

/**
 * The alarm `id` about `fn`, one for every construct that wires the
 * function, made by `create(scope, id)` the first time:
 * - as a child of the function (as its failure path and aws-cdk-lib's event
 *   source mappings are) when `wiring` is undefined or in the function's
 *   stack: the stack of a queue's event source mapping or of a subscription
 *   to the function is the function's;
 * - otherwise in `wiring`'s stack, once per function: a construct of another
 *   stack that references the function (a rule targeting it) makes its stack
 *   depend on the function's, and an alarm in the function's stack notifying
 *   an action of the other stack would make each stack depend on the other.
 *
 * `action` is added unless that action object is on the alarm already; the
 * alarm's actions are written once each (two actions on one topic are one
 * ARN), and more than CloudWatch's 5 fail the synth, naming the alarm.
 */
export function sharedFunctionAlarm(
  fn: lambda.IFunction,
  id: string,
  wiring: Construct | undefined,
  action: cloudwatch.IAlarmAction | undefined,
  create: (scope: Construct, id: string) => cloudwatch.Alarm,
): cloudwatch.Alarm {
  const elsewhere = wiring !== undefined && Stack.of(wiring) !== Stack.of(fn);
  const existing = elsewhere ? HOSTED.get(Stack.of(wiring))?.get(fn)?.get(id) : fn.node.tryFindChild(id);
  if (existing instanceof cloudwatch.Alarm) {
    const actions = ACTIONS.get(existing) ?? [];
    if (action && !actions.includes(action)) {
      existing.addAlarmAction(action);
      actions.push(action);
      ACTIONS.set(existing, actions);
    }
    return existing;
  }
  const alarm = elsewhere ? create(wiring, `${id}${Names.nodeUniqueId(fn.node)}`) : create(fn as unknown as Construct, id);
  ACTIONS.set(alarm, action ? [action] : []);
  writeEachActionOnce(alarm);
  if (elsewhere) {
    const byFunction = HOSTED.get(Stack.of(wiring)) ?? new Map<lambda.IFunction, Map<string, cloudwatch.Alarm>>();
    const byId = byFunction.get(fn) ?? new Map<string, cloudwatch.Alarm>();
    byId.set(id, alarm);
    byFunction.set(fn, byId);
    HOSTED.set(Stack.of(wiring), byFunction);
  }
  return alarm;
}

/**
 * Writes each of the alarm's actions once (compared as resolved), and checks
 * at synth that there are at most {@link MAX_ALARM_ACTIONS}.
 */
function writeEachActionOnce(alarm: cloudwatch.Alarm): void {
  const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
  const stack = Stack.of(alarm);
  const written = cfn.alarmActions;
  const unique = (): unknown[] => {
    const seen = new Set<string>();
    return ((stack.resolve(written) as unknown[] | undefined) ?? []).filter((arn) => {
      const key = JSON.stringify(arn);
      return seen.has(key) ? false : (seen.add(key), true);
    });
  };
  cfn.alarmActions = Token.asList(Lazy.any({ produce: () => (unique().length > 0 ? unique() : undefined) }));
  alarm.node.addValidation({
    validate: () => {
      const count = unique().length;
      return count > MAX_ALARM_ACTIONS
        ? [`the alarm notifies ${count} actions, and CloudWatch takes at most ${MAX_ALARM_ACTIONS}: the constructs that wire its function ` +
          'give different alarmActions; give them one (an AlarmTopic), or switch the alarm off on all but one']
        : [];
    },
  });
}
