import { describeTarget, SubscriptionEdge, targetIsFifo } from '../relations';
import { GraphResource } from '../resource-graph';
import { defineRule, eachSubscription, RuleFinding, RuleLevel } from '../rule';

/**
 * Protocols a FIFO topic refuses. FIFO topics deliver to SQS queues only:
 * Lambda functions are reached through a queue, and customer-managed
 * endpoints (HTTP/S, email, SMS, mobile push) are refused (Amazon SNS
 * Developer Guide, "Message delivery for FIFO topics"). Firehose is left out:
 * no source found says whether a FIFO topic accepts it.
 */
const REFUSED_BY_FIFO_TOPICS = ['lambda', 'http', 'https', 'email', 'email-json', 'sms', 'application'];

/**
 * A subscription SNS refuses because of the topic's type: a FIFO queue on a
 * standard topic, or a FIFO topic delivering to anything but an SQS queue.
 * A FIFO topic delivering to a standard queue is allowed (since 2023-09-14).
 */
export const subscriptionTypeMismatch = defineRule('SubscriptionTypeMismatch', RuleLevel.ERROR, eachSubscription(), {
  info: 'SNS refuses this subscription: a FIFO queue cannot subscribe to a standard topic, and a FIFO topic delivers to SQS queues only.',
  explanation:
    'Subscribing a FIFO queue to a standard topic fails with "Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics", ' +
    'and FIFO topics deliver only to SQS queues (a Lambda function has to read from a queue subscribed to the topic; HTTP/S, email, SMS and mobile ' +
    'endpoints are refused): the subscription, and the deployment, fail. Since 2023-09-14 a FIFO topic may deliver to a standard queue (without ' +
    'ordering or deduplication), which this rule accepts.',
  fix:
    'Subscribe a FIFO queue to a FIFO topic (aws-cdk-lib: new sns.Topic(scope, id, { fifo: true })) or use a standard queue; to run a Lambda function ' +
    'on a FIFO topic\'s messages, subscribe an SQS queue (SqsSubscription) and consume it with an event source mapping (SqsEventSource).',
  sources: [
    'https://docs.aws.amazon.com/sns/latest/dg/fifo-message-delivery.html',
    'https://aws.amazon.com/about-aws/whats-new/2023/09/amazon-sns-fifo-topics-message-delivery-sqs-standard-queues/',
    'https://github.com/getmoto/moto/pull/8957',
    'https://github.com/hashicorp/terraform-provider-aws/issues/38441',
  ],
  check(s, graph): RuleFinding[] {
    const raw = rawSubscription(s);
    const topicFifo = targetIsFifo(graph, s.resource, s.topic, raw.TopicArn);
    if (s.protocol === 'sqs') {
      if (targetIsFifo(graph, s.resource, s.endpoint, raw.Endpoint) !== true) {
        return [];
      }
      if (topicFifo === false) {
        return [{
          message: `It subscribes the FIFO queue ${queueName(s)} to ${describeTarget(s.topic)}, a standard topic.`,
          location: `${s.location}.Endpoint`,
        }];
      }
      if (topicFifo === undefined) {
        return [{
          message: `It subscribes the FIFO queue ${queueName(s)} to ${describeTarget(s.topic)}: could not check that the topic is a FIFO topic.`,
          location: `${s.location}.TopicArn`,
          level: RuleLevel.INFO,
        }];
      }
      return [];
    }
    if (topicFifo === true && REFUSED_BY_FIFO_TOPICS.includes(s.protocol)) {
      return [{
        message: `It subscribes ${describeTarget(s.endpoint)} with the protocol ${s.protocol} to ${describeTarget(s.topic)}, a FIFO topic, which delivers to SQS queues only.`,
        location: `${s.location}.Protocol`,
      }];
    }
    return [];
  },
});

function queueName(s: SubscriptionEdge): string {
  return s.endpoint.resource ? s.endpoint.resource.logicalId : s.endpoint.external!;
}

/** The subscription's properties as written: those of an `AWS::SNS::Subscription`, or one entry of a topic's `Subscription` list. */
function rawSubscription(s: SubscriptionEdge): Record<string, any> {
  const r: GraphResource = s.resource;
  if (s.location === 'Properties') {
    return r.properties;
  }
  const index = Number(s.location.split('.').pop());
  return { ...r.properties.Subscription[index], TopicArn: undefined };
}
