import { RECOMMENDED_MAX_RECEIVE_COUNT } from '../aws-facts';
import { eventSources, isResource, jsonProperty, numberProperty } from '../relations';
import { defineRule, eachResource, RuleFinding, RuleLevel } from '../rule';

/**
 * A queue read by a Lambda event source mapping whose redrive policy moves a
 * message to the dead-letter queue after fewer than 5 receives. A queue
 * without redrive policy is QueueConsumedWithoutDlq's finding; a queue outside
 * the app is noted by VisibilityTimeoutBelowFunctionTimeout.
 */
export const maxReceiveCountBelowGuidance = defineRule('MaxReceiveCountBelowGuidance', RuleLevel.WARNING, eachResource('AWS::SQS::Queue'), {
  info: 'The queue is consumed by Lambda and its redrive policy moves messages to the dead-letter queue after fewer than 5 receives.',
  explanation:
    'Every receive counts toward maxReceiveCount, including receives whose batch Lambda could not hand to the function because it was throttled ' +
    'while scaling up, and receives of messages that only shared a batch with a failing one. ' +
    'AWS recommends a maxReceiveCount of at least 5 for a queue consumed by Lambda, so that messages are not moved to the dead-letter queue ' +
    'because of throttling rather than of a failure of their own.',
  fix: 'Set maxReceiveCount to at least 5 in the queue\'s RedrivePolicy (aws-cdk-lib: deadLetterQueue: { queue, maxReceiveCount: 5 }).',
  sources: [
    'https://docs.aws.amazon.com/lambda/latest/dg/sqs-retries.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html',
  ],
  check(queue, graph): RuleFinding[] {
    const redrive = jsonProperty(queue.properties.RedrivePolicy);
    // maxReceiveCount is required in a redrive policy: no default; not a literal number, unknown.
    const count = redrive?.deadLetterTargetArn === undefined ? undefined : numberProperty(redrive.maxReceiveCount);
    if (count === undefined || count >= RECOMMENDED_MAX_RECEIVE_COUNT) {
      return [];
    }
    const consumers = eventSources(graph)
      .filter((e) => isResource(e.source, queue))
      .map((e) => (e.function.resource ? `the function ${e.function.resource.logicalId} (${e.mapping.logicalId})` : `the mapping ${e.mapping.logicalId}`));
    if (consumers.length === 0) {
      return [];
    }
    return [{ message: `maxReceiveCount ${count}; the queue is consumed by ${consumers.join(', ')}.`, location: 'Properties.RedrivePolicy' }];
  },
});
