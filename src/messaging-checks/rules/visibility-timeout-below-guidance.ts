import { RECOMMENDED_TIMEOUTS_PER_VISIBILITY, SQS_DEFAULT_VISIBILITY_TIMEOUT } from '../aws-facts';
import { describeSeconds, lambdaConsumers, numberProperty } from '../relations';
import { defineRule, eachResource, RuleFinding, RuleLevel } from '../rule';

/**
 * A queue read by a Lambda event source mapping whose visibility timeout is at
 * least the function's timeout (below it is VisibilityTimeoutBelowFunctionTimeout)
 * but less than what AWS recommends: six times the function's timeout, plus the
 * mapping's `MaximumBatchingWindowInSeconds` ("We recommend setting your
 * queue's visibility timeout to six times your function timeout, plus the
 * value of MaximumBatchingWindowInSeconds", services-sqs-configure, "Batch
 * window"). A queue or function outside the app is noted by
 * VisibilityTimeoutBelowFunctionTimeout, not here.
 */
export const visibilityTimeoutBelowGuidance = defineRule('VisibilityTimeoutBelowGuidance', RuleLevel.WARNING, eachResource('AWS::SQS::Queue'), {
  info: 'The queue\'s visibility timeout is shorter than six times the timeout of a function that consumes it, plus the batching window.',
  explanation:
    'AWS recommends a visibility timeout of at least six times the function\'s timeout, plus the mapping\'s batching window: the extra time lets Lambda ' +
    'retry when the function is throttled while processing a previous batch, and covers the time messages wait in the batching window. ' +
    'With less, messages of a batch that waits or is retried become visible again and are received a second time, ' +
    'which counts toward maxReceiveCount and can move them to the dead-letter queue without a real failure.',
  fix:
    'Set the queue\'s VisibilityTimeout (aws-cdk-lib: visibilityTimeout on the queue) to at least 6 × the function\'s timeout + MaximumBatchingWindowInSeconds ' +
    '(this library\'s QueueWithDlq derives it from its consumer).',
  sources: [
    'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/sqs-retries.html',
  ],
  check(queue, graph): RuleFinding[] {
    const visibility = numberProperty(queue.properties.VisibilityTimeout, SQS_DEFAULT_VISIBILITY_TIMEOUT);
    if (visibility === undefined) {
      return [];
    }
    const findings: RuleFinding[] = [];
    for (const { edge, fn, timeout } of lambdaConsumers(graph, queue)) {
      // Absent: no batching window (the default for SQS is 0, services-sqs-parameters).
      const window = numberProperty(edge.mapping.properties.MaximumBatchingWindowInSeconds, 0);
      if (window === undefined || visibility < timeout) {
        continue;
      }
      const recommended = RECOMMENDED_TIMEOUTS_PER_VISIBILITY * timeout + window;
      if (visibility < recommended) {
        const batching = window > 0 ? ` + the ${window} s batching window` : '';
        findings.push({
          message:
            `Visibility timeout ${describeSeconds(visibility)}, below the recommended ${describeSeconds(recommended)}: 6 × the ${timeout} s timeout ` +
            `of the function ${fn.logicalId}${batching}, which the event source mapping ${edge.mapping.logicalId} invokes.`,
          location: 'Properties.VisibilityTimeout',
        });
      }
    }
    return findings;
  },
});
