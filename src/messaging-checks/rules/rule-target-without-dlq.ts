import { describeTarget, targetId } from '../relations';
import { defineRule, eachRuleTarget, RuleFinding, RuleLevel } from '../rule';

/**
 * A target of an EventBridge rule with no dead-letter queue: an event that
 * cannot be delivered is dropped after the retry policy, or at once on a
 * permission or missing-resource error.
 */
export const ruleTargetWithoutDlq = defineRule('RuleTargetWithoutDlq', RuleLevel.ERROR, eachRuleTarget(), {
  info: 'The EventBridge rule target has no dead-letter queue: an event that cannot be delivered to it is dropped.',
  explanation:
    'EventBridge retries a failed delivery for 24 hours and up to 185 times by default; then "the event is dropped and EventBridge doesn\'t ' +
    'continue to process it". Errors from missing permissions or a target that no longer exists are not retried: the event goes at once to the ' +
    'target\'s dead-letter queue, or is dropped when it has none.',
  fix:
    'Give the target a DeadLetterConfig naming a standard SQS queue that lets events.amazonaws.com send to it (aws-cdk-lib: deadLetterQueue in ' +
    'the target\'s props, for example new targets.LambdaFunction(fn, { deadLetterQueue }); this library: EventBusRoute).',
  sources: [
    'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html',
    'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html',
  ],
  check(t): RuleFinding[] {
    // Whatever the target's RetryPolicy (default: 24 hours, 185 attempts, per "How EventBridge retries delivering events"),
    // an event still undelivered at its end, or failing on a permission or missing-resource error, is dropped without a DLQ.
    if (t.deadLetterQueue !== undefined) {
      return [];
    }
    return [{ message: `Its target ${targetId(t)} (${describeTarget(t.target)}) has no dead-letter queue.`, location: `${t.location}.DeadLetterConfig` }];
  },
});
