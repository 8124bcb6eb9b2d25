import { resourcePolicyAllows } from '../../core/alarm-topic';
import { arnService, isResource, policyDocument, ruleTargets, serviceSenders, subscriptionsOf } from '../relations';
import { GraphResource, ResourceGraph, Target } from '../resource-graph';
import { defineRuleByType, RuleFinding, RuleLevel } from '../rule';

/**
 * A queue that SNS or EventBridge deliver to (as a subscription endpoint, a
 * rule target, or the dead-letter queue of either) whose queue policy does
 * not let that service send messages: SQS refuses every delivery.
 */
export const queuePolicyRefusesSender = defineRuleByType('QueuePolicyRefusesSender', RuleLevel.ERROR, {
  'AWS::SQS::Queue': checkQueue,
  'AWS::SNS::Subscription': queuesOutsideTheApp,
  'AWS::Events::Rule': queuesOutsideTheApp,
}, {
  info: 'SNS or EventBridge deliver to this queue, and its queue policy does not let them send messages.',
  explanation:
    'SNS and EventBridge send to a queue as their service principals (sns.amazonaws.com, events.amazonaws.com). A queue has no policy ' +
    'by default, and only its own account\'s principals may use it: the queue needs a policy whose statement allows the service ' +
    'sqs:SendMessage. Without it the subscription is confirmed and the rule looks healthy, but every delivery is refused: SNS does not retry ' +
    'that client-side error and discards the message unless the subscription has a dead-letter queue (which needs the same permission); ' +
    'EventBridge sends the event to the target\'s dead-letter queue or drops it. (A rule target with an execution role, RoleArn, sends with ' +
    'that role instead, and is not judged here.)',
  fix:
    'Add a queue policy statement allowing the service principal sqs:SendMessage, scoped with aws:SourceArn to the topic or rule ' +
    '(aws-cdk-lib writes it for you: topic.addSubscription(new SqsSubscription(queue)), rule.addTarget(new SqsQueue(queue)), ' +
    'or queue.addToResourcePolicy).',
  sources: [
    'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-subscribe-queue-sns-topic.html',
    'https://repost.aws/knowledge-center/sns-sqs-subscriptions-notifications',
    'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html',
    'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html',
  ],
});

function checkQueue(queue: GraphResource, graph: ResourceGraph): RuleFinding[] {
  // A rule target with an execution role sends with that role: the queue policy is not needed for it.
  const senders = serviceSenders(graph, queue).filter((s) => !s.withRole);
  if (senders.length === 0) {
    return [];
  }
  const documents = queuePolicies(graph, queue);
  return [...new Set(senders.map((s) => s.service))]
    .filter((service) => !documents.some((d) => resourcePolicyAllows(d, service, 'sqs:SendMessage')))
    .map((service) => ({
      message:
          `${documents.length === 0 ? 'It has no queue policy' : 'No statement of its queue policy allows it'} for ${service} (sqs:SendMessage), and ` +
          `${[...new Set(senders.filter((s) => s.service === service).map((s) => s.use))].join('; ')}.`,
      location: 'Properties',
    }));
}

/**
 * A subscription or rule target delivering to a queue outside the app (an
 * imported queue): aws-cdk-lib cannot add to its policy, and this rule cannot
 * read it, so it says so.
 */
function queuesOutsideTheApp(resource: GraphResource, graph: ResourceGraph): RuleFinding[] {
  const isQueueArn = (t: Target) => arnService(t) === 'sqs';
  const note = (service: string, target: Target, location: string): RuleFinding => ({
    level: RuleLevel.INFO,
    message: `the queue ${target.external} is outside the app: its owner must let ${service} send messages to it (sqs:SendMessage), or every delivery is refused.`,
    location,
  });
  if (resource.type === 'AWS::SNS::Subscription') {
    return subscriptionsOf(graph, resource).filter((s) => s.protocol === 'sqs' && isQueueArn(s.endpoint)).map((s) => note('sns.amazonaws.com', s.endpoint, 'Properties.Endpoint'));
  }
  return ruleTargets(graph)
    .filter((t) => t.rule === resource && t.properties.RoleArn === undefined && isQueueArn(t.target))
    .map((t) => note('events.amazonaws.com', t.target, `${t.location}.Arn`));
}

/** The policy documents that apply to the queue: `AWS::SQS::QueuePolicy` (listing it in `Queues`) and `AWS::SQS::QueueInlinePolicy`. */
function queuePolicies(graph: ResourceGraph, queue: GraphResource): { Statement: any[] }[] {
  const shared = graph
    .ofType('AWS::SQS::QueuePolicy')
    .filter((p) => ([] as unknown[]).concat(p.properties.Queues ?? []).some((url) => isResource(graph.follow(p, url, 'AWS::SQS::Queue'), queue)));
  const inline = graph.ofType('AWS::SQS::QueueInlinePolicy').filter((p) => isResource(graph.follow(p, p.properties.Queue, 'AWS::SQS::Queue'), queue));
  return [...shared, ...inline].map((p) => policyDocument(graph, p, p.properties.PolicyDocument));
}
