import { describeTarget } from '../relations';
import { defineRule, eachSubscription, RuleFinding, RuleLevel } from '../rule';

/** Protocols whose endpoints are AWS-managed, retried 100,015 times over 23 days (Amazon SNS Developer Guide, "Amazon SNS message delivery retries"). */
const CHECKED_PROTOCOLS = ['sqs', 'lambda'];

/**
 * An SNS subscription of an SQS queue or a Lambda function with no redrive
 * policy: a message SNS cannot deliver is discarded, after its retries or at
 * once on a client-side error.
 */
export const subscriptionWithoutDlq = defineRule('SubscriptionWithoutDlq', RuleLevel.ERROR, eachSubscription(), {
  info: 'The SNS subscription of an SQS queue or Lambda function has no dead-letter queue: a message SNS cannot deliver is discarded.',
  explanation:
    'SNS retries a delivery to an SQS queue or a Lambda function 100,015 times over 23 days when the endpoint fails (server-side errors); a ' +
    'client-side error (the endpoint deleted, its policy or its KMS key denying SNS) is not retried at all. Then "Amazon SNS stops retrying the ' +
    'delivery and discards the message—unless a dead-letter queue is attached to the subscription". A topic\'s inline subscriptions (the ' +
    'Subscription property of AWS::SNS::Topic) have only Endpoint and Protocol: they cannot have a redrive policy.',
  fix:
    'Give the subscription a redrive policy naming an SQS queue of the same type as the topic (aws-cdk-lib: deadLetterQueue on SqsSubscription, ' +
    'LambdaSubscription or sns.Subscription; this library: FilteredSubscription); replace inline topic subscriptions with AWS::SNS::Subscription ' +
    'resources (topic.addSubscription).',
  sources: [
    'https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html',
    'https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sns-subscription.html',
    'https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_sns.CfnTopic.SubscriptionProperty.html',
  ],
  check(s): RuleFinding[] {
    if (!CHECKED_PROTOCOLS.includes(s.protocol) || s.deadLetterQueue !== undefined) {
      return [];
    }
    if (s.resource.type === 'AWS::SNS::Topic') {
      return [{
        message:
          `Its inline subscription of ${describeTarget(s.endpoint)} (protocol ${s.protocol}) cannot have a dead-letter queue: ` +
          'the Subscription property of AWS::SNS::Topic has only Endpoint and Protocol.',
        location: s.location,
      }];
    }
    return [{ message: `It delivers to ${describeTarget(s.endpoint)} (protocol ${s.protocol}) with no redrive policy.`, location: 'Properties.RedrivePolicy' }];
  },
});
