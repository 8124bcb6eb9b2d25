/**
 * Every known difference between the local emulator (MiniStack) and AWS that
 * the integration suite or the demo meets: one file per gap in this folder
 * (what AWS does and where it is documented, the probe, the handling and the
 * shim), listed here in the order they are probed and reported. ./gap.ts says
 * what a gap is made of; ./runner.ts runs the probes and applies the shims.
 *
 * A new gap: a file that exports `defineGap({...})`, added to this list.
 */
import { CFN_EVENTS_ARCHIVE } from './cfn-events-archive';
import { CFN_SQS_REDRIVE_POLICY } from './cfn-sqs-redrive-policy';
import { EVENTBRIDGE_TARGET_DLQ } from './eventbridge-target-dlq';
import { KINESIS_ESM_FAILURE_HANDLING } from './kinesis-esm-failure-handling';
import { LAMBDA_ASYNC_EVENT_SOURCES } from './lambda-async-event-sources';
import { LAMBDA_LOG_CAPTURE } from './lambda-log-capture';
import { LAMBDA_NODEJS_SDK } from './lambda-nodejs-sdk';
import { LAMBDA_NODEJS_VERSION } from './lambda-nodejs-version';
import { LAMBDA_PYTHON_VERSION } from './lambda-python-version';
import { PIPES_FILTER_CRITERIA } from './pipes-filter-criteria';
import { PIPES_SQS_SOURCE } from './pipes-sqs-source';
import { RESOURCE_POLICIES } from './resource-policies';
import { SNS_NUMERIC_FILTER_ON_STRINGS } from './sns-numeric-filter-on-strings';
import { SNS_SUBSCRIPTION_DLQ } from './sns-subscription-dlq';
import { SQS_CLOUDWATCH_METRICS } from './sqs-cloudwatch-metrics';
import { SQS_MESSAGE_MOVE_TASK } from './sqs-message-move-task';

export const GAPS = [
  CFN_SQS_REDRIVE_POLICY,
  CFN_EVENTS_ARCHIVE,
  // Both read the same probe function; the SDK shim is verified first, leaving it warm for the log-capture check.
  LAMBDA_NODEJS_SDK,
  LAMBDA_NODEJS_VERSION,
  LAMBDA_PYTHON_VERSION,
  EVENTBRIDGE_TARGET_DLQ,
  SNS_SUBSCRIPTION_DLQ,
  SNS_NUMERIC_FILTER_ON_STRINGS,
  KINESIS_ESM_FAILURE_HANDLING,
  LAMBDA_ASYNC_EVENT_SOURCES,
  LAMBDA_LOG_CAPTURE,
  RESOURCE_POLICIES,
  SQS_MESSAGE_MOVE_TASK,
  SQS_CLOUDWATCH_METRICS,
  PIPES_SQS_SOURCE,
  PIPES_FILTER_CRITERIA,
] as const;

export type GapId = typeof GAPS[number]['id'];
