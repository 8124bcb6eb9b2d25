import { describeTarget, eventSourceKind, eventSources } from '../relations';
import { MessagingRule, RuleFinding, RuleLevel } from '../rule';

/**
 * An SQS event source mapping without partial batch responses: when the
 * function fails on one message, the whole batch becomes visible again.
 *
 * Needs only the mapping and the fact that it reads a queue (from the queue
 * of the app, or the `sqs` service of a literal ARN): an imported queue is
 * judged too. A mapping whose source cannot be told is left to
 * VisibilityTimeoutBelowFunctionTimeout, which says once what could not be checked.
 */
export const sqsEventSourceWithoutPartialBatchResponse: MessagingRule = {
  id: 'SqsEventSourceWithoutPartialBatchResponse',
  level: RuleLevel.WARNING,
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
  resourceTypes: ['AWS::Lambda::EventSourceMapping'],
  check(mapping, graph): RuleFinding[] {
    const edge = eventSources(graph).find((e) => e.mapping === mapping);
    if (!edge || eventSourceKind(edge) !== 'sqs') {
      return [];
    }
    const types = mapping.properties.FunctionResponseTypes;
    // Present and either holding the value, or holding tokens only known at deployment: nothing to say.
    if (types !== undefined && (!Array.isArray(types) || types.some((t) => typeof t !== 'string' || t === 'ReportBatchItemFailures'))) {
      return [];
    }
    const fn = edge.function.resource ? `the function ${edge.function.resource.logicalId}` : 'its function';
    return [{
      message: `It has no FunctionResponseTypes ReportBatchItemFailures; it invokes ${fn} with batches of ${describeTarget(edge.source)}.`,
      location: 'Properties.FunctionResponseTypes',
    }];
  },
};
