import { Lazy, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EventBusRoute, FanoutTopic, FanoutTopicProps, RouteTarget, TopicEncryption } from '../../src';
import { testStack } from '../helpers/nag';

function build(props: FanoutTopicProps, setup?: (stack: Stack) => FanoutTopicProps): () => FanoutTopic {
  return () => {
    const { stack } = testStack();
    return new FanoutTopic(stack, 'Orders', { ...props, ...setup?.(stack) });
  };
}

describe('FanoutTopic validation: topic', () => {
  test.each(['orders topic', 'x'.repeat(257)])('topicName %p is rejected', (name) => {
    expect(build({ topicName: name })).toThrow(/topicName must be 1 to 256 characters of letters, digits/);
  });

  test('a FIFO topic name must end in .fifo', () => {
    expect(build({ fifo: true, topicName: 'orders' })).toThrow("Test/Orders: topicName of a FIFO topic must end in '.fifo', got 'orders'");
  });

  test('a standard topic name must not end in .fifo', () => {
    expect(build({ fifo: false, topicName: 'orders.fifo' })).toThrow("topicName 'orders.fifo' ends in '.fifo' but fifo is false");
  });

  test('a topic name that is a token is not judged', () => {
    expect(build({ topicName: Lazy.string({ produce: () => 'not valid!' }) })).not.toThrow();
  });

  test('contentBasedDeduplication on a standard topic is rejected', () => {
    expect(build({ contentBasedDeduplication: true })).toThrow(/contentBasedDeduplication applies to FIFO topics only/);
  });
});

describe('FanoutTopic validation: FIFO options', () => {
  // "Messages can be archived for a minimum of one day to a maximum of 365 days"; "Amazon SNS message
  // archiving and replay is only available for application-to-application (A2A) FIFO topics"
  // (https://docs.aws.amazon.com/sns/latest/dg/message-archiving-and-replay-topic-owner.html).
  test.each([0, 366, 1.5])('messageRetentionPeriodInDays %p is rejected, naming the value', (days) => {
    expect(build({ fifo: true, messageRetentionPeriodInDays: days })).toThrow(
      `Test/Orders: messageRetentionPeriodInDays must be an integer between 1 and 365, got ${days}`,
    );
  });

  test('messageRetentionPeriodInDays on a standard topic is rejected, naming the value', () => {
    expect(build({ messageRetentionPeriodInDays: 30 })).toThrow(
      /messageRetentionPeriodInDays applies to FIFO topics only \(SNS archives the messages of FIFO topics only\), got 30 on a standard topic/,
    );
  });

  test('a messageRetentionPeriodInDays token on a FIFO topic is not judged', () => {
    const { stack } = testStack();
    new FanoutTopic(stack, 'Orders', { fifo: true, messageRetentionPeriodInDays: Lazy.number({ produce: () => 400 }) });
    expect(Template.fromStack(stack).toJSON().Resources.Orders2A43276C.Properties.ArchivePolicy).toEqual({ MessageRetentionPeriod: 400 });
  });

  test('a messageRetentionPeriodInDays token on a standard topic is rejected all the same: no value makes it valid', () => {
    expect(build({ messageRetentionPeriodInDays: Lazy.number({ produce: () => 30 }) })).toThrow(
      /messageRetentionPeriodInDays applies to FIFO topics only .*got <token> on a standard topic/,
    );
  });

  // FifoThroughputScope: "Specifies the throughput quota and deduplication behavior to apply for the FIFO topic"
  // (CloudFormation reference, AWS::SNS::Topic); aws-cdk-lib: "You can only set this property when `fifo` is `true`".
  test('fifoThroughputScope on a standard topic is rejected, naming the value', () => {
    expect(build({ fifoThroughputScope: sns.FifoThroughputScope.MESSAGE_GROUP })).toThrow(
      'Test/Orders: fifoThroughputScope applies to FIFO topics only, got MessageGroup on a standard topic: set fifo: true or leave fifoThroughputScope unset',
    );
  });

  test('a fifoThroughputScope token on a FIFO topic is not judged', () => {
    const scope = Lazy.string({ produce: () => 'MessageGroup' }) as sns.FifoThroughputScope;
    expect(Token.isUnresolved(scope)).toBe(true);
    expect(build({ fifo: true, fifoThroughputScope: scope })).not.toThrow();
  });
});

describe('FanoutTopic validation: loggingConfigs', () => {
  // "Enter the Success sample rate (the percentage of successful messages for which you want to receive
  // CloudWatch Logs" (https://docs.aws.amazon.com/sns/latest/dg/sns-topic-attributes.html); aws-cdk-lib:
  // "Valid values are integer between 0-100" (aws-sns/lib/topic.ts, LoggingConfig).
  test.each([-1, 101, 12.5])('successFeedbackSampleRate %p is rejected, naming the entry and the value', (rate) => {
    const loggingConfigs = [{ protocol: sns.LoggingProtocol.HTTP }, { protocol: sns.LoggingProtocol.SQS, successFeedbackSampleRate: rate }];
    expect(build({ loggingConfigs })).toThrow(
      `Test/Orders: loggingConfigs[1].successFeedbackSampleRate must be an integer between 0 and 100, got ${rate}`,
    );
  });

  test('a successFeedbackSampleRate token passes this check, but aws-cdk-lib itself refuses it when rendering the topic', () => {
    // aws-cdk-lib's renderLoggingConfigs tests Number.isInteger(rate) and 0 <= rate <= 100 on the token's
    // placeholder number, which is negative (aws-sns/lib/topic.ts): a token sample rate cannot synthesize.
    const { stack } = testStack();
    expect(() => new FanoutTopic(stack, 'Orders', {
      loggingConfigs: [{ protocol: sns.LoggingProtocol.SQS, successFeedbackSampleRate: Lazy.number({ produce: () => 5 }) }],
    })).not.toThrow();
    expect(() => Template.fromStack(stack)).toThrow(/Success feedback sample rate must be an integer between 0 and 100/);
  });

  test('a protocol given twice is rejected, naming both entries', () => {
    // SNS keeps delivery status logging as topic attributes named after the protocol (SQSSuccessFeedbackRoleArn,
    // SQSSuccessFeedbackSampleRate, SQSFailureFeedbackRoleArn...): https://docs.aws.amazon.com/sns/latest/dg/msg-status-sdk.html.
    expect(build({
      loggingConfigs: [
        { protocol: sns.LoggingProtocol.SQS, successFeedbackSampleRate: 10 },
        { protocol: sns.LoggingProtocol.LAMBDA },
        { protocol: sns.LoggingProtocol.SQS, successFeedbackSampleRate: 100 },
      ],
    })).toThrow(
      "Test/Orders: loggingConfigs[2] logs protocol 'sqs' again (loggingConfigs[0] already does): SNS keeps one delivery status configuration per protocol",
    );
  });

  test('protocols that are tokens are not compared', () => {
    const token = () => Lazy.string({ produce: () => 'sqs' }) as sns.LoggingProtocol;
    const loggingConfigs = [{ protocol: token(), successFeedbackSampleRate: 1 }, { protocol: token(), successFeedbackSampleRate: 2 }];
    expect(build({ loggingConfigs })).not.toThrow();
  });
});

describe('FanoutTopic validation: encryption', () => {
  test('encryptionKey with encryption AWS_MANAGED is rejected', () => {
    expect(build({ encryption: TopicEncryption.AWS_MANAGED }, (s) => ({ encryptionKey: new kms.Key(s, 'K') }))).toThrow(
      /encryptionKey requires encryption KMS, got encryption AWS_MANAGED/,
    );
  });

  test('servicePublishers with encryption AWS_MANAGED are rejected: they need a customer-managed key', () => {
    expect(build({ encryption: TopicEncryption.AWS_MANAGED, servicePublishers: ['events.amazonaws.com'] })).toThrow(
      /servicePublishers \(events.amazonaws.com\) need a customer-managed key: AWS services cannot use the AWS-managed key alias\/aws\/sns/,
    );
  });

  test('a servicePublishers entry that is not a service principal is rejected', () => {
    expect(build({ servicePublishers: ['arn:aws:iam::111111111111:root'] })).toThrow(
      /servicePublishers must hold service principals such as 'events.amazonaws.com', got 'arn:aws:iam::111111111111:root'/,
    );
  });

  test('a servicePublishers token is not judged', () => {
    expect(build({ servicePublishers: [Lazy.string({ produce: () => 'x' })] })).not.toThrow();
  });

  test.each<[string, (stack: Stack, topic: sns.ITopic) => void, string]>([
    ['EventBridge', (s, t) => new events.Rule(s, 'Rule', { eventPattern: { source: ['x'] }, targets: [new targets.SnsTopic(t)] }), 'events.amazonaws.com'],
    ['S3', (s, t) => new s3.Bucket(s, 'Bucket').addObjectCreatedNotification(new s3n.SnsDestination(t)), 's3.amazonaws.com'],
    ['grantPublish', (_s, t) => t.grantPublish(new iam.ServicePrincipal('cloudwatch.amazonaws.com')), 'cloudwatch.amazonaws.com'],
  ])('a service publishing (%s) to a topic with the AWS-managed key fails the synth, naming the prop to set', (_name, wire, service) => {
    const { app, stack } = testStack();
    const construct = new FanoutTopic(stack, 'Orders');
    wire(stack, construct.topic);
    expect(() => app.synth()).toThrow(
      new RegExp(`${service.replace(/\./g, '\\.')} may publish to the topic, but AWS services cannot use the AWS-managed key alias/aws/sns.*Set servicePublishers: \\['${service.replace(/\./g, '\\.')}'\\]`),
    );
  });

  test('a service the topic policy allows but the created key does not fails the synth', () => {
    const { app, stack } = testStack();
    const construct = new FanoutTopic(stack, 'Orders', { servicePublishers: ['cloudwatch.amazonaws.com'] });
    construct.topic.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [construct.topic.topicArn],
    }));
    expect(() => app.synth()).toThrow(/s3.amazonaws.com may publish to the topic, but the topic's key does not let it use it.*servicePublishers: \['cloudwatch.amazonaws.com', 's3.amazonaws.com'\]/);
  });

  test('judged on the key policy that results: an EventBridge target on a KMS topic synthesizes without servicePublishers', () => {
    // aws-events-targets' SnsTopic calls topic.grantPublish(events.amazonaws.com), which adds the
    // key statement (kms:Decrypt, kms:GenerateDataKey*) for a topic with a key of this app.
    const { app, stack } = testStack();
    const construct = new FanoutTopic(stack, 'Orders', { encryption: TopicEncryption.KMS });
    new events.Rule(stack, 'Rule', { eventPattern: { source: ['x'] }, targets: [new targets.SnsTopic(construct.topic)] });
    expect(() => app.synth()).not.toThrow();
  });

  test('the same through an EventBusRoute topic target', () => {
    const { app, stack } = testStack();
    const construct = new FanoutTopic(stack, 'Orders', { encryption: TopicEncryption.KMS });
    new EventBusRoute(stack, 'Route', { eventPattern: { source: ['x'] }, targets: [RouteTarget.topic(construct.topic)] });
    expect(() => app.synth()).not.toThrow();
  });

  test('a service listed in servicePublishers synthesizes', () => {
    const { app, stack } = testStack();
    const construct = new FanoutTopic(stack, 'Orders', { servicePublishers: ['events.amazonaws.com'] });
    new events.Rule(stack, 'Rule', { eventPattern: { source: ['x'] }, targets: [new targets.SnsTopic(construct.topic)] });
    expect(() => app.synth()).not.toThrow();
  });

  test('with a key you bring, its policy is yours: the synth does not judge it', () => {
    const { app, stack } = testStack();
    const construct = new FanoutTopic(stack, 'Orders', { encryptionKey: kms.Key.fromKeyArn(stack, 'K', 'arn:aws:kms:us-east-1:111111111111:key/abc') });
    construct.grantPublish(new iam.ServicePrincipal('events.amazonaws.com'));
    expect(() => app.synth()).not.toThrow();
  });

  test('an alarm action on the topic itself is allowed: CloudWatch adds no topic policy', () => {
    const { app, stack } = testStack();
    const construct = new FanoutTopic(stack, 'Orders', { servicePublishers: ['cloudwatch.amazonaws.com'] });
    new cloudwatch.Alarm(stack, 'A', { metric: construct.topic.metricNumberOfNotificationsFailed(), threshold: 1, evaluationPeriods: 1 }).addAlarmAction(
      new cloudwatchActions.SnsAction(construct.topic),
    );
    expect(() => app.synth()).not.toThrow();
  });
});

describe('FanoutTopic validation: subscribers', () => {
  test('a FIFO subscriber on a standard topic is rejected, naming the subscriber', () => {
    expect(build({ subscribers: { billing: {}, shipping: { fifo: true } } })).toThrow(
      'Test/Orders/shipping: the queue to create would be a FIFO queue (fifo: true), but the topic is a standard topic: SNS delivers to FIFO queues only from FIFO topics',
    );
  });

  test('a standard subscriber on a FIFO topic is rejected, naming the subscriber', () => {
    expect(build({ fifo: true, subscribers: { billing: { fifo: false } } })).toThrow(
      /Test\/Orders\/billing: the queue to create would be a standard queue \(fifo: false\), but the topic is a FIFO topic/,
    );
  });

  test('an existing queue of the wrong kind is rejected, naming the subscriber', () => {
    expect(build({ fifo: true }, (s) => ({ existingQueueSubscribers: { audit: { queue: new sqs.Queue(s, 'Q') } } }))).toThrow(
      /Test\/Orders\/audit: queue is a standard queue, but the topic is a FIFO topic/,
    );
  });

  test('an invalid filter policy is rejected, naming the subscriber, the key and the count', () => {
    const values = Array.from({ length: 151 }, (_, i) => `c${i}`);
    expect(build({ subscribers: { shipping: { filterPolicy: { country: sns.SubscriptionFilter.stringFilter({ allowlist: values }) } } } })).toThrow(
      'Test/Orders/shipping: filterPolicy has 151 combinations, SNS allows at most 150',
    );
  });

  test('invalid QueueWithDlq props of a subscriber are rejected, naming the subscriber', () => {
    expect(build({ subscribers: { billing: { maxReceiveCount: 0 } } })).toThrow(/Test\/Orders\/billing\/Queue: maxReceiveCount must be an integer between 1 and 1000, got 0/);
  });

  test.each(['Resource', 'Key', 'SubscriptionDeadLetterQueue', 'DeliveryStatusLoggingRole', 'DeliveryStatusLoggingPolicy'])('subscriber id %p is reserved', (id) => {
    expect(build({ subscribers: { [id]: {} } })).toThrow(new RegExp(`subscriber id '${id}' is reserved for the construct's own resources`));
  });

  test('a subscriber id with a slash is rejected', () => {
    expect(build({ subscribers: { 'a/b': {} } })).toThrow(/subscriber id must be non-empty and without '\/', got 'a\/b'/);
  });

  test('the same id in subscribers and existingQueueSubscribers is rejected', () => {
    expect(build({ subscribers: { audit: {} } }, (s) => ({ existingQueueSubscribers: { audit: { queue: new sqs.Queue(s, 'Q') } } }))).toThrow(
      /subscriber id 'audit' is used in both subscribers and existingQueueSubscribers/,
    );
  });

  test('adding a subscriber id twice is rejected', () => {
    const { stack } = testStack();
    const construct = new FanoutTopic(stack, 'Orders', { subscribers: { billing: {} } });
    expect(() => construct.addQueueSubscriber('billing')).toThrow("Test/Orders: subscriber id 'billing' is already used by another subscriber of this topic");
  });
});

describe('FanoutTopic validation: subscription dead-letter queue', () => {
  test('a FIFO subscription dead-letter queue on a standard topic is rejected', () => {
    expect(build({}, (s) => ({ subscriptionDeadLetterQueue: new sqs.Queue(s, 'D', { fifo: true }) }))).toThrow(
      /subscriptionDeadLetterQueue must be a standard queue like the topic, got a FIFO queue/,
    );
  });

  test('a standard subscription dead-letter queue on a FIFO topic is rejected', () => {
    expect(build({ fifo: true }, (s) => ({ subscriptionDeadLetterQueue: new sqs.Queue(s, 'D') }))).toThrow(
      /subscriptionDeadLetterQueue must be a FIFO queue like the topic, got a standard queue/,
    );
  });

  test('a subscription dead-letter queue with the AWS-managed SQS key is rejected', () => {
    expect(build({}, (s) => ({ subscriptionDeadLetterQueue: new sqs.Queue(s, 'D', { encryption: sqs.QueueEncryption.KMS_MANAGED }) }))).toThrow(
      /subscriptionDeadLetterQueue is encrypted with the AWS-managed key alias\/aws\/sqs, which SNS cannot use/,
    );
  });

  test('subscriptionDeadLetterQueueAlarm with a queue you bring is rejected', () => {
    expect(build({ subscriptionDeadLetterQueueAlarm: false }, (s) => ({ subscriptionDeadLetterQueue: new sqs.Queue(s, 'D') }))).toThrow(
      /subscriptionDeadLetterQueueAlarm applies to the subscription dead-letter queue this construct creates/,
    );
  });

  test('every violation of the topic props is reported at once', () => {
    expect(build({ fifo: true, topicName: 'orders', encryption: TopicEncryption.AWS_MANAGED, servicePublishers: ['events.amazonaws.com'] })).toThrow(
      /Test\/Orders: 2 invalid props:\n- topicName of a FIFO topic must end in '.fifo'.*\n- servicePublishers/s,
    );
  });

  test('FIFO options and logging violations are reported together', () => {
    expect(build({
      messageRetentionPeriodInDays: 500,
      fifoThroughputScope: sns.FifoThroughputScope.TOPIC,
      loggingConfigs: [{ protocol: sns.LoggingProtocol.SQS, successFeedbackSampleRate: 200 }],
    })).toThrow(/Test\/Orders: 4 invalid props:\n- messageRetentionPeriodInDays must be an integer.*\n- messageRetentionPeriodInDays applies.*\n- fifoThroughputScope applies.*\n- loggingConfigs\[0\]/s);
  });
});
