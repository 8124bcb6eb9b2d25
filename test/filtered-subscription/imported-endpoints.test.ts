import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { FanoutTopic, FilteredSubscription } from '../../src';
import { testStack } from '../helpers/nag';

/**
 * SNS delivers to an SQS queue only if the queue policy lets sns.amazonaws.com
 * send to it, and, for a queue encrypted with a customer-managed key, only if
 * the key policy lets SNS use the key; otherwise the delivery fails (into the
 * subscription's dead-letter queue when it has one). Sources: Amazon SNS
 * Developer Guide, "Fanout to Amazon SQS queues", step "Give permission to the
 * Amazon SNS topic to send messages to the Amazon SQS queue"
 * (https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html),
 * and "Enable compatibility between event sources from AWS services and
 * encrypted topics" / SQS "Key management" for the key
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
 * An imported queue's or key's policy cannot be changed by this app.
 */
describe('subscriber queues whose policies this app cannot write are reported', () => {
  test('an imported queue as a FanoutTopic subscriber: a warning naming what its owner must add', () => {
    const { stack } = testStack();
    const fanout = new FanoutTopic(stack, 'Orders');
    fanout.addExistingQueueSubscriber('Billing', sqs.Queue.fromQueueArn(stack, 'Imported', 'arn:aws:sqs:us-east-1:111111111111:billing'));
    Annotations.fromStack(stack).hasWarning(
      '/Test/Orders/Billing',
      Match.stringLikeRegexp('The queue Test/Imported is not a queue of this app.*sqs:SendMessage, with the condition aws:SourceArn'),
    );
  });

  test('a queue of this app encrypted with an imported key: a warning for the key', () => {
    const { stack } = testStack();
    const key = kms.Key.fromKeyArn(stack, 'ImportedKey', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const queue = new sqs.Queue(stack, 'Queue', { encryptionMasterKey: key });
    new FilteredSubscription(stack, 'Sub', { topic: new sns.Topic(stack, 'Topic'), queue });
    Annotations.fromStack(stack).hasWarning('/Test/Sub', Match.stringLikeRegexp('The key of the subscriber queue \\(Test/ImportedKey\\) is not a key of this app'));
    // The queue policy is this app's: it is written, no warning about it.
    Annotations.fromStack(stack).hasNoWarning('/Test/Sub', Match.stringLikeRegexp('The queue Test/Queue is not a queue of this app'));
    Template.fromStack(stack).hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage' })]) },
    });
  });

  test('an imported subscription dead-letter queue with a known imported key: a warning for its key', () => {
    const { stack } = testStack();
    const key = kms.Key.fromKeyArn(stack, 'DlqKey', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const dlq = sqs.Queue.fromQueueAttributes(stack, 'Dlq', { queueArn: 'arn:aws:sqs:us-east-1:111111111111:dlq', keyArn: key.keyArn });
    new FilteredSubscription(stack, 'Sub', { topic: new sns.Topic(stack, 'Topic'), subscriptionDeadLetterQueue: dlq });
    Annotations.fromStack(stack).hasWarning('/Test/Sub', Match.stringLikeRegexp('The key of the subscription dead-letter queue'));
  });

  test('queues and keys of this app get their statements and no warning', () => {
    const { stack } = testStack();
    const queue = new sqs.Queue(stack, 'Queue', { encryptionMasterKey: new kms.Key(stack, 'Key') });
    new FilteredSubscription(stack, 'Sub', { topic: new sns.Topic(stack, 'Topic'), queue });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('not a (queue|key) of this app'));
  });
});
