import { booleanProperty, isFifoRuleTarget, targetId } from '../relations';
import { defineRule, eachRuleTarget, RuleFinding, RuleLevel } from '../rule';

/**
 * A FIFO queue as the target of an EventBridge rule that does not
 * deduplicate by content: EventBridge sends no deduplication id, so SQS
 * refuses every event it delivers.
 */
export const fifoTargetWithoutContentDeduplication = defineRule('FifoTargetWithoutContentDeduplication', RuleLevel.ERROR, eachRuleTarget(), {
  info: 'The rule targets a FIFO queue that does not deduplicate by content: SQS refuses every event EventBridge sends to it.',
  explanation:
    'A message sent to a FIFO queue needs a deduplication id unless the queue has content-based deduplication ("The queue should either have ' +
    'ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"). An EventBridge target sets only the message group id ' +
    '(SqsParameters has no deduplication id, and an input transformer only changes the body), and the EventBridge API reference says that a ' +
    'FIFO queue target "must have content-based deduplication enabled". Without it every delivery fails: the event goes to the target\'s ' +
    'dead-letter queue, or is dropped.',
  fix:
    'Turn on content-based deduplication on the queue (aws-cdk-lib: contentBasedDeduplication: true; this library\'s RouteTarget.newQueue does for ' +
    'FIFO queues), or put a standard queue behind the rule.',
  sources: [
    'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html',
    'https://github.com/aws/aws-cdk/issues/36498',
    'https://github.com/brefphp/symfony-messenger/pull/35',
  ],
  check(t, graph): RuleFinding[] {
    if (!isFifoRuleTarget(graph, t)) {
      return [];
    }
    const queue = t.target.resource;
    if (!queue) {
      return [{
        level: RuleLevel.INFO,
        message: `Could not check that its target ${targetId(t)}, the FIFO queue ${t.target.external}, deduplicates by content.`,
        location: t.location,
      }];
    }
    if (queue.type !== 'AWS::SQS::Queue' || booleanProperty(queue.properties.ContentBasedDeduplication, false) !== false) {
      return [];
    }
    return [{ message: `Its target ${targetId(t)} is the FIFO queue ${queue.logicalId}, without ContentBasedDeduplication.`, location: t.location }];
  },
});
