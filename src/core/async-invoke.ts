import { Annotations, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { queueNotEmptyAlarm } from './alarms';
import { AsyncInvokeOptions } from './async-invoke-options';
import { createFailureQueue, FAILURE_QUEUE_RETENTION } from './failure-queue';
import { sharedFunctionAlarm } from './function-alarms';
import { ACKNOWLEDGEMENTS } from './nag';
import { PropsValidator } from './validation';

/** Documented defaults of the asynchronous failure path; the construct pages under docs/ list them with their reasons. */
export const ASYNC_INVOKE_DEFAULTS = {
  retryAttempts: 2,
  maxEventAge: Duration.hours(6),
  retentionPeriod: FAILURE_QUEUE_RETENTION,
} as const;

/** Lambda's limits on asynchronous invocation (PutFunctionEventInvokeConfig). */
const LIMITS = { maxRetryAttempts: 2, minEventAge: Duration.seconds(60), maxEventAge: Duration.hours(6) };

/** Checks `options` with the prop name they were given under. */
export function validateAsyncInvokeOptions(v: PropsValidator, prop: string, options: AsyncInvokeOptions | undefined): void {
  v.integerInRange(`${prop}.retryAttempts`, options?.retryAttempts, 0, LIMITS.maxRetryAttempts);
  v.durationInRange(`${prop}.maxEventAge`, options?.maxEventAge, LIMITS.minEventAge, LIMITS.maxEventAge);
}

/** The failure path a function was given. */
export interface AsyncFailurePath {
  readonly queue: sqs.Queue;
  readonly alarm?: cloudwatch.Alarm;
}

const QUEUE_ID = 'AsyncFailureQueue';
const ALARM_ID = 'AsyncFailureQueueAlarm';
const CONFIG_ID = 'EventInvokeConfig';

/**
 * Gives `fn`, invoked asynchronously by `invoker` (a construct path, for
 * messages), an on-failure destination queue with an alarm, unless it has a
 * failure path already. The queue and the `AWS::Lambda::EventInvokeConfig`
 * are children of the function (as aws-cdk-lib's own event source mappings
 * are), so that every route or subscription invoking it shares them and no
 * cross-stack cycle arises; so is the queue's alarm (see sharedFunctionAlarm),
 * which notifies the action of every invoker. A function this app cannot
 * configure (imported) gets a warning naming what to add.
 *
 * @param wiring the construct that references the function, when it may be of another stack (a route's rule); otherwise undefined
 * @returns the failure path created or found, or undefined when there is none of the library's
 */
export function ensureAsyncFailurePath(
  fn: lambda.IFunction,
  invoker: string,
  options: AsyncInvokeOptions | undefined,
  alarmAction?: cloudwatch.IAlarmAction,
  wiring?: Construct,
): AsyncFailurePath | undefined {
  if (options?.failureDestination === false) {
    return undefined;
  }
  let queue = fn.node.tryFindChild(QUEUE_ID);
  if (!(queue instanceof sqs.Queue)) {
    if (!configurable(fn)) {
      Annotations.of(fn).addWarningV2(
        'cdk-message-patterns:asyncInvokeImportedFunction',
        `${invoker} invokes this function asynchronously, and it is not a function of this app, so no on-failure destination can be given to it here: ` +
          'after Lambda\'s retries a failing event is dropped. Where the function is defined, give it an on-failure destination ' +
          '(AWS::Lambda::EventInvokeConfig with DestinationConfig.OnFailure, for example an SQS queue) or a dead-letter queue.',
      );
      return undefined;
    }
    if (hasOwnFailurePath(fn)) {
      return undefined;
    }
    queue = createFailureQueue(fn, QUEUE_ID, {
      retentionPeriod: ASYNC_INVOKE_DEFAULTS.retentionPeriod,
      acknowledgements: [ACKNOWLEDGEMENTS.asyncFailureQueue],
    });
    fn.configureAsyncInvoke({
      onFailure: new destinations.SqsDestination(queue as sqs.Queue),
      retryAttempts: options?.retryAttempts ?? ASYNC_INVOKE_DEFAULTS.retryAttempts,
      maxEventAge: options?.maxEventAge ?? ASYNC_INVOKE_DEFAULTS.maxEventAge,
    });
  }
  const failureQueue = queue as sqs.Queue;
  // One alarm for every invoker, notifying the action of each (made in the invoker's stack when it is another).
  const alarm = sharedFunctionAlarm(fn, ALARM_ID, wiring, alarmAction, (scope, id) => queueNotEmptyAlarm(
    scope,
    id,
    failureQueue,
    `Lambda gave up on asynchronous invocations of ${fn.node.path} (invoked by ${invoker}); the events are in its on-failure queue.`,
    alarmAction,
  ));
  return { queue: failureQueue, alarm };
}

/** A function, version or alias defined in this app: its asynchronous invocation can be configured here. */
function configurable(fn: lambda.IFunction): boolean {
  if (fn instanceof lambda.Function) {
    return true;
  }
  if (fn instanceof lambda.Alias || fn instanceof lambda.Version) {
    return configurable(fn.lambda);
  }
  return false;
}

/** Whether the function was given a failure path by its owner: an asynchronous invocation configuration or a dead-letter queue. */
function hasOwnFailurePath(fn: lambda.IFunction): boolean {
  if (fn.node.tryFindChild(CONFIG_ID) !== undefined) {
    return true;
  }
  const base = fn instanceof lambda.Alias || fn instanceof lambda.Version ? fn.lambda : fn;
  if (base instanceof lambda.Function) {
    const cfn = base.node.defaultChild as lambda.CfnFunction;
    return base.deadLetterQueue !== undefined || base.deadLetterTopic !== undefined || cfn.deadLetterConfig !== undefined;
  }
  return false;
}
