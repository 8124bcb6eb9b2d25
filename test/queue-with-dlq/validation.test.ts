import { Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { QueueWithDlq, QueueWithDlqProps } from '../../src';
import { testStack, userFunction } from '../helpers/nag';

/** Builds a QueueWithDlq; `setup` may create the resources the props refer to. */
function build(props: QueueWithDlqProps, setup?: (stack: Stack) => QueueWithDlqProps): () => QueueWithDlq {
  return () => {
    const { stack } = testStack();
    return new QueueWithDlq(stack, 'Orders', { ...props, ...setup?.(stack) });
  };
}

const consumer = (timeout?: Duration) => (stack: Stack) => ({ consumer: userFunction(stack, 'Fn', timeout) });

describe('QueueWithDlq validation', () => {
  test.each([0, 1001, 2.5])('maxReceiveCount %p is rejected', (value) => {
    expect(build({ maxReceiveCount: value })).toThrow(`Test/Orders: maxReceiveCount must be an integer between 1 and 1000, got ${value}`);
  });

  test.each([Duration.seconds(59), Duration.days(15)])('retentionPeriod %s is rejected', (value) => {
    expect(build({ retentionPeriod: value, deadLetterRetentionPeriod: Duration.days(14) })).toThrow(
      /retentionPeriod must be between 1 minute and 14 days, got/,
    );
  });

  test('deadLetterRetentionPeriod out of range is rejected', () => {
    expect(build({ deadLetterRetentionPeriod: Duration.days(20) })).toThrow(/deadLetterRetentionPeriod must be between 1 minute and 14 days, got 20 days/);
  });

  test('a dead-letter queue that keeps messages for less time than the queue is rejected, and the error says why', () => {
    expect(build({ retentionPeriod: Duration.days(10), deadLetterRetentionPeriod: Duration.days(7) })).toThrow(
      /deadLetterRetentionPeriod \(7 days\) must not be shorter than retentionPeriod \(10 days\): a message moved to a standard dead-letter queue keeps its original enqueue time/,
    );
  });

  test('receiveMessageWaitTime above 20 seconds is rejected', () => {
    expect(build({ receiveMessageWaitTime: Duration.seconds(21) })).toThrow(/receiveMessageWaitTime must be between 0 seconds and 20 seconds, got 21 seconds/);
  });

  test('visibilityTimeout above 12 hours is rejected', () => {
    expect(build({ visibilityTimeout: Duration.hours(13) })).toThrow(/visibilityTimeout must be between 0 seconds and 12 hours, got 13 hours/);
  });

  test('dataKeyReuse out of range is rejected', () => {
    expect(build({ encryption: sqs.QueueEncryption.KMS, dataKeyReuse: Duration.seconds(30) })).toThrow(
      /dataKeyReuse must be between 1 minute and 1 day, got 30 seconds/,
    );
  });

  test.each(['orders queue', 'x'.repeat(81)])('queueName %p is rejected', (name) => {
    expect(build({ queueName: name })).toThrow(/queueName must be 1 to 80 characters of letters, digits/);
  });

  test('a FIFO queue name must end in .fifo', () => {
    expect(build({ fifo: true, queueName: 'orders' })).toThrow("queueName of a FIFO queue must end in '.fifo', got 'orders'");
  });

  test('a standard queue name must not end in .fifo', () => {
    expect(build({ fifo: false, queueName: 'orders.fifo' })).toThrow("queueName 'orders.fifo' ends in '.fifo' but fifo is false");
  });

  test('the dead-letter queue name follows the FIFO rule too', () => {
    expect(build({ fifo: true, deadLetterQueueName: 'orders-dlq' })).toThrow("deadLetterQueueName of a FIFO queue must end in '.fifo', got 'orders-dlq'");
  });

  test('contentBasedDeduplication on a standard queue is rejected', () => {
    expect(build({ contentBasedDeduplication: true })).toThrow(/contentBasedDeduplication applies to FIFO queues only/);
  });

  test('deadLetterQueueName with a dead-letter queue you bring is rejected', () => {
    expect(build({ deadLetterQueueName: 'x' }, (s) => ({ deadLetterQueue: new sqs.Queue(s, 'Mine') }))).toThrow(
      /deadLetterQueueName cannot be set together with deadLetterQueue/,
    );
  });

  test('deadLetterRetentionPeriod with a dead-letter queue you bring is rejected', () => {
    expect(build({ deadLetterRetentionPeriod: Duration.days(14) }, (s) => ({ deadLetterQueue: new sqs.Queue(s, 'Mine') }))).toThrow(
      /deadLetterRetentionPeriod cannot be set together with deadLetterQueue/,
    );
  });

  test('a standard dead-letter queue for a FIFO queue is rejected', () => {
    expect(build({ fifo: true }, (s) => ({ deadLetterQueue: new sqs.Queue(s, 'Mine') }))).toThrow(
      /deadLetterQueue must be a FIFO queue like the queue it serves, got a standard queue/,
    );
  });

  test('a FIFO dead-letter queue for a standard queue is rejected', () => {
    expect(build({}, (s) => ({ deadLetterQueue: new sqs.Queue(s, 'Mine', { fifo: true }) }))).toThrow(
      /deadLetterQueue must be a standard queue like the queue it serves, got a FIFO queue/,
    );
  });

  test('an imported FIFO dead-letter queue is recognised by its ARN', () => {
    expect(build({}, (s) => ({ deadLetterQueue: sqs.Queue.fromQueueArn(s, 'Mine', 'arn:aws:sqs:us-east-1:111122223333:dlq.fifo') }))).toThrow(
      /deadLetterQueue must be a standard queue/,
    );
  });

  test('encryption UNENCRYPTED is rejected', () => {
    expect(build({ encryption: sqs.QueueEncryption.UNENCRYPTED })).toThrow(/encryption UNENCRYPTED is not supported/);
  });

  test('encryptionMasterKey without encryption KMS is rejected', () => {
    expect(build({ encryption: sqs.QueueEncryption.SQS_MANAGED }, (s) => ({ encryptionMasterKey: new kms.Key(s, 'K') }))).toThrow(
      /encryptionMasterKey requires encryption KMS, got encryption SQS_MANAGED/,
    );
  });

  test('the AWS-managed key is rejected when SNS delivers to the queue', () => {
    // aws-cdk-lib's SqsSubscription refuses it already, when the subscription is made.
    const { stack } = testStack();
    const construct = new QueueWithDlq(stack, 'Orders', { encryption: sqs.QueueEncryption.KMS_MANAGED });
    expect(() => new sns.Topic(stack, 'Topic').addSubscription(new subscriptions.SqsSubscription(construct.queue))).toThrow(
      /AWS managed KMS key cannot be used as SNS subscription/,
    );
  });

  test('the AWS-managed key is rejected when S3 delivers to the queue', () => {
    const { app, stack } = testStack();
    const construct = new QueueWithDlq(stack, 'Orders', { encryption: sqs.QueueEncryption.KMS_MANAGED });
    new s3.Bucket(stack, 'Bucket').addObjectCreatedNotification(new s3n.SqsDestination(construct.queue));
    expect(() => app.synth()).toThrow(/cannot be used when s3.amazonaws.com deliver to the queue/);
  });

  test('the AWS-managed key is rejected when EventBridge delivers to the queue', () => {
    const { app, stack } = testStack();
    const construct = new QueueWithDlq(stack, 'Orders', { encryption: sqs.QueueEncryption.KMS_MANAGED });
    new events.Rule(stack, 'Rule', { eventPattern: { source: ['orders'] }, targets: [new targets.SqsQueue(construct.queue)] });
    expect(() => app.synth()).toThrow(/cannot be used when events.amazonaws.com deliver to the queue/);
  });

  test('consumerOptions without a consumer is rejected', () => {
    expect(build({ consumerOptions: { batchSize: 5 } })).toThrow(/consumerOptions requires consumer/);
  });

  test('a batch size above 10 on a FIFO queue is rejected', () => {
    expect(build({ fifo: true, consumerOptions: { batchSize: 11 } }, consumer())).toThrow(
      /consumerOptions.batchSize must be an integer between 1 and 10, got 11/,
    );
  });

  test('a batch size above 10,000 on a standard queue is rejected', () => {
    expect(build({ consumerOptions: { batchSize: 10_001, maxBatchingWindow: Duration.seconds(1) } }, consumer())).toThrow(
      /consumerOptions.batchSize must be an integer between 1 and 10000, got 10001/,
    );
  });

  test('a batch size above 10 without a batching window is rejected', () => {
    expect(build({ consumerOptions: { batchSize: 50 } }, consumer())).toThrow(
      /consumerOptions.maxBatchingWindow is required when consumerOptions.batchSize is above 10, got batchSize 50/,
    );
  });

  test('a batching window above 5 minutes is rejected', () => {
    expect(build({ consumerOptions: { maxBatchingWindow: Duration.minutes(6) } }, consumer())).toThrow(
      /consumerOptions.maxBatchingWindow must be between 0 seconds and 5 minutes, got 6 minutes/,
    );
  });

  test('a batching window on a FIFO queue is rejected', () => {
    expect(build({ fifo: true, consumerOptions: { maxBatchingWindow: Duration.seconds(5) } }, consumer())).toThrow(
      /consumerOptions.maxBatchingWindow is not supported for FIFO queues, got 5 seconds/,
    );
  });

  test('a max concurrency below 2 is rejected', () => {
    expect(build({ consumerOptions: { maxConcurrency: 1 } }, consumer())).toThrow(/consumerOptions.maxConcurrency must be an integer between 2 and 1000, got 1/);
  });

  test('a function timeout above 15 minutes is rejected', () => {
    expect(build({ consumerOptions: { functionTimeout: Duration.minutes(16) } }, consumer())).toThrow(
      /consumerOptions.functionTimeout must be between 1 second and 15 minutes, got 16 minutes/,
    );
  });

  test('an imported consumer needs a visibility timeout or its timeout', () => {
    expect(build({}, (s) => ({ consumer: lambda.Function.fromFunctionName(s, 'Imported', 'orders') }))).toThrow(
      /visibilityTimeout \(or consumerOptions.functionTimeout\) is required when the consumer is an imported function/,
    );
  });

  test('a visibility timeout shorter than the function timeout is rejected', () => {
    expect(build({ visibilityTimeout: Duration.seconds(10) }, consumer(Duration.seconds(30)))).toThrow(
      /visibilityTimeout \(10 seconds\) must be at least the consumer function's timeout \(30 seconds\)/,
    );
  });

  test('an age threshold at or above the retention period is rejected', () => {
    expect(build({ retentionPeriod: Duration.hours(1), oldestMessageAgeThreshold: Duration.hours(1) })).toThrow(
      /oldestMessageAgeThreshold must be at least 1 minute and shorter than retentionPeriod \(1 hour\), got 1 hour/,
    );
  });

  test('an age threshold under a minute is rejected', () => {
    expect(build({ oldestMessageAgeThreshold: Duration.seconds(30) })).toThrow(/oldestMessageAgeThreshold must be at least 1 minute/);
  });

  test('every violation is reported at once', () => {
    expect(build({ maxReceiveCount: 0, receiveMessageWaitTime: Duration.seconds(30) })).toThrow(
      /2 invalid props:\n- maxReceiveCount must be an integer between 1 and 1000, got 0\n- receiveMessageWaitTime must be/,
    );
  });

  test('the error type is MessagePatternsError', () => {
    expect(build({ maxReceiveCount: 0 })).toThrow(expect.objectContaining({ name: 'MessagePatternsError' }));
  });
});

describe('QueueWithDlq validation skips tokens', () => {
  test('token numbers, durations and names pass', () => {
    const { stack } = testStack();
    const count = Token.asNumber(Lazy.number({ produce: () => 0 }));
    const name = Lazy.string({ produce: () => 'orders queue' });
    expect(
      () =>
        new QueueWithDlq(stack, 'Orders', {
          maxReceiveCount: count,
          queueName: name,
          retentionPeriod: Duration.seconds(Token.asNumber(Lazy.number({ produce: () => 1 }))),
          visibilityTimeout: Duration.seconds(Token.asNumber(Lazy.number({ produce: () => 1 }))),
          consumerOptions: { batchSize: Token.asNumber(Lazy.number({ produce: () => 50 })) },
          consumer: userFunction(stack, 'Fn'),
        }),
    ).not.toThrow();
  });

  test('a dead-letter queue imported from a token ARN is not checked for FIFO', () => {
    const { stack } = testStack();
    const arn = Lazy.string({ produce: () => 'arn:aws:sqs:us-east-1:111122223333:dlq.fifo' });
    expect(() => new QueueWithDlq(stack, 'Orders', { deadLetterQueue: sqs.Queue.fromQueueArn(stack, 'Mine', arn) })).not.toThrow();
  });
});

describe('QueueWithDlq validation of the current AWS options', () => {
  const tokenNumber = (n: number) => Token.asNumber(Lazy.number({ produce: () => n }));
  const withConsumer = (options: QueueWithDlqProps['consumerOptions']) => (stack: Stack) => ({ consumer: userFunction(stack, 'Fn'), consumerOptions: options });
  const filter = (pattern: unknown) => ({ pattern: JSON.stringify(pattern) });

  // MaximumMessageSize: 1,024 to 1,048,576 bytes (AWS::SQS::Queue,
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html).
  test.each([1023, 1_048_577, 2048.5])('maxMessageSizeBytes %p is rejected', (value) => {
    expect(build({ maxMessageSizeBytes: value })).toThrow(`maxMessageSizeBytes must be an integer between 1024 and 1048576, got ${value}`);
  });

  // DelaySeconds: 0 to 900 seconds (same page).
  test('deliveryDelay above 15 minutes is rejected', () => {
    expect(build({ deliveryDelay: Duration.minutes(16) })).toThrow(/deliveryDelay must be between 0 seconds and 15 minutes, got 16 minutes/);
  });

  // DeduplicationScope and FifoThroughputLimit "apply only to FIFO queues" (same page).
  test('deduplicationScope on a standard queue is rejected', () => {
    expect(build({ deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP })).toThrow(
      /deduplicationScope applies to FIFO queues only, got messageGroup on a standard queue/,
    );
  });

  test('fifoThroughputLimit on a standard queue is rejected', () => {
    expect(build({ fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID })).toThrow(
      /fifoThroughputLimit applies to FIFO queues only, got perMessageGroupId on a standard queue/,
    );
  });

  // "ProvisionedPollerConfig and MaximumConcurrency are mutually exclusive" for SQS event sources (aws-cdk-lib 2.276
  // aws-lambda-event-sources/lib/sqs.ts, which follows Lambda's own rejection).
  test('provisionedPollerConfig together with maxConcurrency is rejected', () => {
    expect(build({}, withConsumer({ maxConcurrency: 5, provisionedPollerConfig: { minimumPollers: 2 } }))).toThrow(
      /consumerOptions.provisionedPollerConfig cannot be set together with consumerOptions.maxConcurrency \(5\)/,
    );
  });

  // SQS: MinimumPollers 2 to 200, MaximumPollers 2 to 2,000 (CloudFormation's ProvisionedPollerConfig; the Lambda API page
  // has since raised the SQS maximum to 10,000, but CloudFormation's schema still stops at 2,000, and CloudFormation is
  // what deploys this template:
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-eventsourcemapping-provisionedpollerconfig.html).
  test.each([
    [{ minimumPollers: 1 }, 'minimumPollers must be an integer between 2 and 200, got 1'],
    [{ minimumPollers: 201 }, 'minimumPollers must be an integer between 2 and 200, got 201'],
    [{ maximumPollers: 2001 }, 'maximumPollers must be an integer between 2 and 2000, got 2001'],
    [{ minimumPollers: 10, maximumPollers: 5 }, 'minimumPollers \\(10\\) must not exceed maximumPollers \\(5\\)'],
  ])('provisionedPollerConfig %o is rejected', (pollers, message) => {
    expect(build({}, withConsumer({ provisionedPollerConfig: pollers }))).toThrow(new RegExp(message));
  });

  test('filterEncryption without filters is rejected', () => {
    expect(build({}, (stack) => ({ ...withConsumer({})(stack), consumerOptions: { filterEncryption: new kms.Key(stack, 'K') } }))).toThrow(
      /consumerOptions.filterEncryption requires consumerOptions.filters/,
    );
  });

  // Up to 10 filters per event source, with the quota raised (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html).
  test('more than 10 filters are rejected', () => {
    const filters = Array.from({ length: 11 }, (_, n) => filter({ body: { n: [n] } }));
    expect(build({}, withConsumer({ filters }))).toThrow(/consumerOptions.filters holds at most 10 filters .*got 11/);
  });

  // Filter.Pattern: at most 4,096 characters (https://docs.aws.amazon.com/lambda/latest/api/API_Filter.html).
  test('a filter pattern longer than 4,096 characters is rejected', () => {
    const filters = [filter({ body: { id: ['x'.repeat(4100)] } })];
    expect(build({}, withConsumer({ filters }))).toThrow(/consumerOptions.filters\[0\].pattern: a filter pattern is at most 4096 characters, this one has 41\d\d/);
  });

  // Filter rules use the EventBridge pattern syntax ("Filter rule syntax", invocation-eventfiltering.html).
  test('a filter that is not a valid pattern is rejected with its key path', () => {
    expect(build({}, withConsumer({ filters: [filter({ body: { amount: [{ numeric: ['>>', 5] }] } })] }))).toThrow(
      /Invalid consumerOptions.filters\[0\].pattern at consumerOptions.filters\[0\].pattern.body.amount/,
    );
  });

  test('a filter whose pattern is not JSON is rejected', () => {
    expect(build({}, withConsumer({ filters: [{ pattern: '{body' }] }))).toThrow(/consumerOptions.filters\[0\].pattern: a filter pattern must be JSON/);
  });

  test('token values in the new options pass', () => {
    const { stack } = testStack();
    expect(
      () =>
        new QueueWithDlq(stack, 'Orders', {
          maxMessageSizeBytes: tokenNumber(1),
          deliveryDelay: Duration.seconds(tokenNumber(10_000)),
          consumer: userFunction(stack, 'Fn'),
          consumerOptions: {
            provisionedPollerConfig: { minimumPollers: tokenNumber(1), maximumPollers: tokenNumber(1) },
            filters: [{ pattern: Lazy.string({ produce: () => 'not json' }) }],
          },
        }),
    ).not.toThrow();
  });
});

describe('QueueWithDlq validation of repeated filters', () => {
  // AWS::Lambda::EventSourceMapping's schema declares FilterCriteria.Filters "uniqueItems"; aws-cdk-lib's CloudFormation
  // template validation reports a repeat as F3037 (found by the property test of this construct).
  test('a filter given twice is rejected', () => {
    const filter = lambda.FilterCriteria.filter({ body: { type: lambda.FilterRule.isEqual('order') } });
    expect(build({}, (stack) => ({ consumer: userFunction(stack, 'Fn'), consumerOptions: { filters: [filter, filter] } }))).toThrow(
      /consumerOptions.filters\[1\] repeats consumerOptions.filters\[0\]: CloudFormation requires distinct filters/,
    );
  });
});
