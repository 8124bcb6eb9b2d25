import { MappingSetting, missingSetting } from '../mapping-settings';
import { describeTarget } from '../relations';
import { defineRule, eachEventSource, RuleLevel } from '../rule';

/** Partial batch responses: `ReportBatchItemFailures` in the mapping's `FunctionResponseTypes`. */
const REPORT_BATCH_ITEM_FAILURES: MappingSetting = {
  property: 'FunctionResponseTypes',
  name: 'FunctionResponseTypes ReportBatchItemFailures',
  // Present and either holding the value, or holding tokens only known at deployment: nothing to say.
  mayHold: (types) => !Array.isArray(types) || types.some((t) => typeof t !== 'string' || t === 'ReportBatchItemFailures'),
};

/**
 * An SQS event source mapping without partial batch responses: when the
 * function fails on one message, the whole batch becomes visible again.
 *
 * Needs only the mapping and the fact that it reads a queue (from the queue
 * of the app, or the `sqs` service of a literal ARN): an imported queue is
 * judged too. A mapping whose source cannot be told is left to
 * VisibilityTimeoutBelowFunctionTimeout, which says once what could not be checked.
 */
export const sqsEventSourceWithoutPartialBatchResponse = defineRule('SqsEventSourceWithoutPartialBatchResponse', RuleLevel.WARNING, eachEventSource('sqs'), {
  info: 'The SQS event source mapping does not let the function report which messages of a batch failed.',
  explanation:
    'By default, if the function fails at any point while processing a batch, all messages of the batch return to the queue and become visible again ' +
    'after the visibility timeout: the messages that succeeded are processed again, and every message of the batch counts one more receive ' +
    'toward the maxReceiveCount of the redrive policy, so that a single bad message can move good ones to the dead-letter queue. ' +
    'With ReportBatchItemFailures in FunctionResponseTypes, the function returns batchItemFailures and only those messages are retried.',
  fix:
    'Add ReportBatchItemFailures to the mapping\'s FunctionResponseTypes (aws-cdk-lib: reportBatchItemFailures: true on SqsEventSource or EventSourceMapping) ' +
    'and return { batchItemFailures: [{ itemIdentifier: messageId }] } from the function for the messages that failed.',
  sources: [
    'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/sqs-retries.html',
  ],
  check: (edge) => missingSetting(edge, REPORT_BATCH_ITEM_FAILURES, `batches of ${describeTarget(edge.source)}`),
});
