import { SQS_DEFAULT_RETENTION } from '../aws-facts';
import { booleanProperty, describeSeconds, targetIsFifo, jsonProperty, numberProperty } from '../relations';
import { defineRule, eachResource, RuleFinding, RuleLevel } from '../rule';

/**
 * A standard queue whose dead-letter queue keeps messages for less time than
 * the queue itself: a message moved there keeps its original enqueue
 * timestamp, so one moved late expires in the dead-letter queue at once.
 *
 * FIFO queues are not checked: "For FIFO queues, the enqueue timestamp resets
 * when the message is moved to a dead-letter queue" (SQS Developer Guide,
 * "Setting-up dead-letter queue retention in Amazon SQS"); the whole retention
 * period of the dead-letter queue applies. (The 2023 guide said the timestamp
 * never resets, for every queue type; the current page splits the two.)
 */
export const dlqRetentionShorterThanSource = defineRule('DlqRetentionShorterThanSource', RuleLevel.ERROR, eachResource('AWS::SQS::Queue'), {
  info: 'The dead-letter queue of a standard queue keeps messages for a shorter time than the queue.',
  explanation:
    'For standard queues, a message moved to the dead-letter queue keeps its original enqueue timestamp, and its expiry is counted from it: ' +
    'a message that spent longer in the source queue than the dead-letter queue\'s retention period is deleted as soon as it arrives there, ' +
    'and one that spent a little less has only the difference left to be inspected and redriven. ' +
    'AWS recommends a dead-letter queue retention period longer than the source queue\'s.',
  fix:
    'Give the dead-letter queue a MessageRetentionPeriod longer than the source queue\'s (aws-cdk-lib: retentionPeriod on the dead-letter queue, ' +
    'for example Duration.days(14), the maximum), or shorten the source queue\'s retentionPeriod.',
  sources: [
    'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html',
    'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html',
  ],
  check(queue, graph): RuleFinding[] {
    const arn = jsonProperty(queue.properties.RedrivePolicy)?.deadLetterTargetArn;
    // A FIFO queue's messages get a new enqueue timestamp in the dead-letter queue (see above); non-literal FifoQueue: unknown.
    if (arn === undefined || booleanProperty(queue.properties.FifoQueue, false) !== false) {
      return [];
    }
    const target = graph.follow(queue, arn, 'AWS::SQS::Queue');
    const dlq = target.resource;
    if (!dlq) {
      return [{
        level: RuleLevel.INFO,
        message: `Could not compare the retention periods: the dead-letter queue is ${target.external}.`,
        location: 'Properties.RedrivePolicy',
      }];
    }
    // A FIFO dead-letter queue of a standard queue is DlqTypeMismatch's finding (SQS rejects it).
    if (targetIsFifo(graph, queue, target, arn) !== false) {
      return [];
    }
    const retention = numberProperty(queue.properties.MessageRetentionPeriod, SQS_DEFAULT_RETENTION);
    const dlqRetention = numberProperty(dlq.properties.MessageRetentionPeriod, SQS_DEFAULT_RETENTION);
    if (retention === undefined || dlqRetention === undefined || dlqRetention >= retention) {
      return [];
    }
    return [{
      message:
        `Its dead-letter queue ${dlq.logicalId} keeps messages ${describeSeconds(dlqRetention)}, the queue ${describeSeconds(retention)}: ` +
        `a message moved after more than ${describeSeconds(dlqRetention)} in the queue is deleted from the dead-letter queue as it arrives.`,
      location: 'Properties.RedrivePolicy',
    }];
  },
});
