import { SQS_DEFAULT_BATCH_SIZE, SQS_MAX_FIFO_BATCH_SIZE, SQS_MAX_STANDARD_BATCH_SIZE } from '../aws-facts';
import { describeTarget, numberProperty, targetIsFifo } from '../relations';
import { defineRule, eachEventSource, RuleFinding, RuleLevel } from '../rule';

/**
 * Batch settings Lambda rejects on an SQS event source mapping:
 * - a batching window on a FIFO queue ("Batching window is not supported for
 *   FIFO queues", services-sqs-parameters; the error CloudFormation reports
 *   reads the same);
 * - a batch size above 10 on a FIFO queue, above 10,000 on a standard one;
 * - a batch size above 10 on a standard queue without a batching window of at
 *   least 1 s ("when you set BatchSize to a value greater than 10, you must set
 *   MaximumBatchingWindowInSeconds to at least 1", CreateEventSourceMapping).
 *
 * aws-cdk-lib's SqsEventSource refuses these itself; EventSourceMapping and
 * CfnEventSourceMapping do not. The queue type comes from the queue of the app,
 * or from the `.fifo` suffix of a literal ARN; when it cannot be told the rule
 * is silent (VisibilityTimeoutBelowFunctionTimeout notes the unknown source).
 * An explicit window of 0 s on a FIFO queue is only noted: the documentation
 * does not say whether Lambda accepts it.
 */
export const sqsEventSourceRejectedBatching = defineRule('SqsEventSourceRejectedBatching', RuleLevel.ERROR, eachEventSource('sqs'), {
  info: 'The SQS event source mapping has batch settings that Lambda rejects.',
  explanation:
    'For SQS, Lambda accepts a batch size of at most 10 for a FIFO queue and at most 10,000 for a standard queue, and a batch size above 10 only with ' +
    'a batching window (MaximumBatchingWindowInSeconds) of at least 1 second; a batching window is not supported for FIFO queues. ' +
    'Lambda rejects the mapping when it is created or updated, so the deployment fails.',
  fix:
    'On a FIFO queue, remove MaximumBatchingWindowInSeconds and keep BatchSize at 10 or less; on a standard queue, set MaximumBatchingWindowInSeconds ' +
    'to at least 1 with a BatchSize above 10 (aws-cdk-lib: batchSize and maxBatchingWindow on SqsEventSource or EventSourceMapping).',
  sources: [
    'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html',
    'https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html',
  ],
  check(edge, graph): RuleFinding[] {
    const mapping = edge.mapping;
    const fifo = targetIsFifo(graph, mapping, edge.source, mapping.properties.EventSourceArn);
    if (fifo === undefined) {
      return [];
    }
    const queue = describeTarget(edge.source);
    const batchSize = numberProperty(mapping.properties.BatchSize, SQS_DEFAULT_BATCH_SIZE);
    const rawWindow = mapping.properties.MaximumBatchingWindowInSeconds;
    const window = numberProperty(rawWindow);
    const findings: RuleFinding[] = [];
    if (fifo) {
      if (window !== undefined && window > 0) {
        findings.push({ message: `MaximumBatchingWindowInSeconds ${window} on ${queue}, a FIFO queue.`, location: 'Properties.MaximumBatchingWindowInSeconds' });
      } else if (rawWindow !== undefined) {
        findings.push({
          level: RuleLevel.INFO,
          message:
            `MaximumBatchingWindowInSeconds ${window ?? 'only known at deployment'} on ${queue}, a FIFO queue: ` +
            'Lambda does not support batching windows on FIFO queues; whether it accepts this value could not be checked.',
          location: 'Properties.MaximumBatchingWindowInSeconds',
        });
      }
      if (batchSize !== undefined && batchSize > SQS_MAX_FIFO_BATCH_SIZE) {
        findings.push({ message: `BatchSize ${batchSize} on ${queue}, a FIFO queue: the maximum is ${SQS_MAX_FIFO_BATCH_SIZE}.`, location: 'Properties.BatchSize' });
      }
      return findings;
    }
    if (batchSize === undefined || batchSize <= SQS_DEFAULT_BATCH_SIZE) {
      return findings;
    }
    if (batchSize > SQS_MAX_STANDARD_BATCH_SIZE) {
      findings.push({ message: `BatchSize ${batchSize} on ${queue}: the maximum for a standard queue is ${SQS_MAX_STANDARD_BATCH_SIZE}.`, location: 'Properties.BatchSize' });
    }
    // A window only known at deployment may be 1 s or more: nothing to say.
    if (rawWindow === undefined || (window !== undefined && window < 1)) {
      findings.push({
        message: `BatchSize ${batchSize} on ${queue} with ${rawWindow === undefined ? 'no' : `a ${window} s`} batching window: above 10 requires MaximumBatchingWindowInSeconds of at least 1.`,
        location: 'Properties.MaximumBatchingWindowInSeconds',
      });
    }
    return findings;
  },
});
