import { jsonProperty, ruleTargets, targetId, targetIsFifo } from '../relations';
import { GraphResource, ResourceGraph } from '../resource-graph';
import { defineRuleByType, RuleFinding, RuleLevel } from '../rule';

const QUEUE = 'AWS::SQS::Queue';
const TOPIC = 'AWS::SNS::Topic';

/**
 * A dead-letter queue of a type (FIFO or standard) that the service sending to
 * it rejects: SQS takes only a dead-letter queue of the source queue's type,
 * SNS only one of the topic's type, EventBridge only standard queues. One rule
 * for the three: the mistake and the fix are the same (make the dead-letter
 * queue the required type); the message says which service requires what.
 */
export const dlqTypeMismatch = defineRuleByType('DlqTypeMismatch', RuleLevel.ERROR, {
  [QUEUE]: checkQueue,
  'AWS::SNS::Subscription': checkSubscription,
  'AWS::Events::Rule': checkRule,
}, {
  info: 'The dead-letter queue is FIFO where a standard queue is required, or standard where a FIFO queue is required.',
  explanation:
    'SQS accepts as dead-letter queue only a queue of the source queue\'s type: a FIFO queue only a FIFO queue, a standard queue only a standard one. ' +
    'SNS requires the dead-letter queue of a subscription to be of the topic\'s type (FIFO topic subscriptions use FIFO queues, ' +
    'standard topic subscriptions standard queues), whatever the type of the subscribed endpoint. ' +
    'EventBridge supports only standard queues as dead-letter queues of rule targets ("SQS FIFO is not supported by Dead Letter Queues"). ' +
    'The redrive policy or target is rejected, so the deployment fails.',
  fix:
    'Use a dead-letter queue of the required type: for a queue, the queue\'s own type (aws-cdk-lib: fifo: true on both queues, or on neither); ' +
    'for an SNS subscription, the topic\'s type (deadLetterQueue of the subscription); for an EventBridge target, a standard queue (deadLetterQueue of the target).',
  sources: [
    'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue.html',
    'https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html',
    'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html',
  ],
});

function typeName(fifo: boolean): string {
  return fifo ? 'FIFO' : 'standard';
}

function checkQueue(queue: GraphResource, graph: ResourceGraph): RuleFinding[] {
  const arn = jsonProperty(queue.properties.RedrivePolicy)?.deadLetterTargetArn;
  if (arn === undefined) {
    return [];
  }
  const source = targetIsFifo(graph, queue, { resource: queue }, undefined);
  const target = graph.follow(queue, arn, QUEUE);
  const dlq = targetIsFifo(graph, queue, target, arn);
  if (source === undefined) {
    return [];
  }
  if (dlq === undefined) {
    return [{ level: RuleLevel.INFO, message: `Could not tell the type of the dead-letter queue ${target.resource?.logicalId ?? target.external}.`, location: 'Properties.RedrivePolicy' }];
  }
  if (dlq === source) {
    return [];
  }
  return [{
    message: `The queue is ${typeName(source)} and its dead-letter queue ${target.resource?.logicalId ?? target.external} is ${typeName(dlq)}: SQS requires the same type.`,
    location: 'Properties.RedrivePolicy',
  }];
}

function checkSubscription(subscription: GraphResource, graph: ResourceGraph): RuleFinding[] {
  const arn = jsonProperty(subscription.properties.RedrivePolicy)?.deadLetterTargetArn;
  if (arn === undefined) {
    return [];
  }
  const topicTarget = graph.follow(subscription, subscription.properties.TopicArn, TOPIC);
  const topic = targetIsFifo(graph, subscription, topicTarget, subscription.properties.TopicArn);
  const dlqTarget = graph.follow(subscription, arn, QUEUE);
  const dlq = targetIsFifo(graph, subscription, dlqTarget, arn);
  const dlqName = dlqTarget.resource?.logicalId ?? dlqTarget.external;
  const topicName = topicTarget.resource?.logicalId ?? topicTarget.external;
  if (topic === undefined || dlq === undefined) {
    const unknown = [topic === undefined ? `the topic ${topicName}` : undefined, dlq === undefined ? `the dead-letter queue ${dlqName}` : undefined];
    return [{ level: RuleLevel.INFO, message: `Could not tell the type of ${unknown.filter((u) => u).join(' and ')}.`, location: 'Properties.RedrivePolicy' }];
  }
  if (topic === dlq) {
    return [];
  }
  return [{
    message: `The topic ${topicName} is ${typeName(topic)} and the subscription's dead-letter queue ${dlqName} is ${typeName(dlq)}: SNS requires the topic's type.`,
    location: 'Properties.RedrivePolicy',
  }];
}

function checkRule(rule: GraphResource, graph: ResourceGraph): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const t of ruleTargets(graph).filter((edge) => edge.rule === rule && edge.deadLetterQueue)) {
    const arn = t.properties.DeadLetterConfig.Arn;
    const fifo = targetIsFifo(graph, rule, t.deadLetterQueue, arn);
    const name = t.deadLetterQueue!.resource?.logicalId ?? t.deadLetterQueue!.external;
    const location = `${t.location}.DeadLetterConfig`;
    if (fifo === undefined) {
      findings.push({ level: RuleLevel.INFO, message: `Could not tell the type of the dead-letter queue ${name} of the target ${targetId(t)}.`, location });
    } else if (fifo) {
      findings.push({ message: `The dead-letter queue ${name} of the target ${targetId(t)} is FIFO: EventBridge accepts only standard queues.`, location });
    }
  }
  return findings;
}
