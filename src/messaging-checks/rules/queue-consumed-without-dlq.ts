import { deadLetterUses, describeTarget, eventSources, isResource, jsonProperty, ruleTargets, subscriptions } from '../relations';
import { defineRule, eachResource, RuleFinding, RuleLevel } from '../rule';

/**
 * A queue that a Lambda function consumes, or that SNS or EventBridge deliver
 * to, with no redrive policy: a message its consumer keeps failing on is
 * received again and again until the queue's retention period deletes it.
 */
export const queueConsumedWithoutDlq = defineRule('QueueConsumedWithoutDlq', RuleLevel.ERROR, eachResource('AWS::SQS::Queue'), {
  info: 'The queue is consumed, or fed by SNS or EventBridge, and has no dead-letter queue.',
  explanation:
    'Without a redrive policy, a message that its consumer keeps failing on is received again after each visibility timeout until the retention period ' +
    '(4 days by default) deletes it: the message is lost, and until then it is reprocessed and holds back the batches it is in. ' +
    'A redrive policy moves it to a dead-letter queue after maxReceiveCount receives, where it can be inspected and redriven.',
  fix: 'Give the queue a RedrivePolicy naming a dead-letter queue (aws-cdk-lib: deadLetterQueue: { queue, maxReceiveCount }; this library: QueueWithDlq).',
  sources: [
    'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html',
  ],
  check(queue, graph): RuleFinding[] {
    if (jsonProperty(queue.properties.RedrivePolicy)?.deadLetterTargetArn !== undefined) {
      return [];
    }
    // A dead-letter queue or failure destination has no dead-letter queue of its own: it keeps what failed elsewhere.
    if (deadLetterUses(graph).some((edge) => isResource(edge.queue, queue))) {
      return [];
    }
    const users = [
      ...eventSources(graph).filter((e) => isResource(e.source, queue)).map((e) => `consumed by ${describeFunction(e.function.resource?.logicalId)} (${e.mapping.logicalId})`),
      ...subscriptions(graph)
        .filter((s) => s.protocol === 'sqs' && isResource(s.endpoint, queue))
        .map((s) => `subscribed to ${describeTarget(s.topic)} (subscription ${s.resource.logicalId})`),
      ...ruleTargets(graph).filter((t) => isResource(t.target, queue)).map((t) => `a target of the rule ${t.rule.logicalId}`),
    ];
    if (users.length === 0) {
      return [];
    }
    return [{ message: `It is ${users.join(', ')}.`, location: 'Properties.RedrivePolicy' }];
  },
});

function describeFunction(logicalId: string | undefined): string {
  return logicalId ? `the function ${logicalId}` : 'a function';
}
