import { keyPolicyAllows } from '../../core/alarm-topic';
import { AWS_MANAGED_SQS_KEY, SENDER_KEY_ACTIONS } from '../aws-facts';
import { encryptionKeyOf, policyDocument, serviceSenders } from '../relations';
import { defineRule, eachResource, RuleFinding, RuleLevel } from '../rule';

/**
 * A queue that SNS or EventBridge deliver to (as a subscription endpoint, a
 * rule target, or the dead-letter queue of either), encrypted with a key
 * those services cannot use: the AWS-managed `alias/aws/sqs`, whose policy
 * cannot be changed, or a customer-managed key whose policy leaves the
 * service out. Every message sent to it fails.
 */
export const queueKeyUnusableByService = defineRule('QueueKeyUnusableByService', RuleLevel.ERROR, eachResource('AWS::SQS::Queue'), {
  info: 'SNS or EventBridge deliver to this queue, and cannot use its KMS key: every message sent to it is dropped (or goes to a dead-letter queue).',
  explanation:
    'SNS and EventBridge write to an encrypted queue with the key of the queue, as their service principals (sns.amazonaws.com, ' +
    'events.amazonaws.com): the key policy must let them use kms:GenerateDataKey and kms:Decrypt. The AWS-managed key alias/aws/sqs does not, ' +
    'and "you cannot modify the key policy of an AWS managed KMS key for Amazon SQS". Every delivery then fails: SNS does not retry such a ' +
    'client-side error and discards the message unless the subscription has a dead-letter queue; EventBridge sends the event to the target\'s ' +
    'dead-letter queue or drops it. A dead-letter queue encrypted that way loses what it was meant to keep.',
  fix:
    'Encrypt the queue with SSE-SQS (aws-cdk-lib: encryption: sqs.QueueEncryption.SQS_MANAGED) or with a customer-managed key whose policy lets ' +
    'the service principal use kms:Decrypt and kms:GenerateDataKey (encryption: sqs.QueueEncryption.KMS with encryptionMasterKey).',
  sources: [
    'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html#compatibility-with-aws-services',
    'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html#eb-sqs-encrypted',
    'https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html',
    'https://repost.aws/knowledge-center/sns-sqs-subscriptions-notifications',
  ],
  check(queue, graph): RuleFinding[] {
    const key = encryptionKeyOf(graph, queue);
    if (key === undefined) {
      return [];
    }
    const uses = serviceSenders(graph, queue);
    if (uses.length === 0) {
      return [];
    }
    const location = 'Properties.KmsMasterKeyId';
    const described = (list: typeof uses) => [...new Set(list.map((u) => u.use))].join('; ');
    if (key.kind === 'aws-managed') {
      return key.alias === AWS_MANAGED_SQS_KEY
        ? [{ message: `It is encrypted with the AWS-managed key ${AWS_MANAGED_SQS_KEY}, and ${described(uses)}.`, location }]
        : [];
    }
    const services = [...new Set(uses.map((u) => u.service))];
    if (key.kind === 'external') {
      return [{
        message: `It is encrypted with ${key.description}, and ${described(uses)}: could not check that the key policy lets ${services.join(' and ')} use it.`,
        location,
        level: RuleLevel.INFO,
      }];
    }
    const policy = policyDocument(graph, key.key, key.key.properties.KeyPolicy);
    return services
      .filter((service) => !keyPolicyAllows(policy, service, SENDER_KEY_ACTIONS))
      .map((service) => ({
        message:
          `Its key ${key.key.logicalId} does not let ${service} use it (kms:Decrypt and kms:GenerateDataKey), and ` +
          `${described(uses.filter((u) => u.service === service))}.`,
        location,
      }));
  },
});
