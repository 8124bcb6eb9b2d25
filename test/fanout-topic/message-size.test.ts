import { Lazy, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { FanoutTopic, FanoutTopicProps } from '../../src';
import { testStack, userFunction } from '../helpers/nag';

// "Amazon SNS supports message payloads up to 1 MiB (1,048,576 bytes) when you configure the MaximumMessageSize topic
// attribute. By default, topics accept messages up to 256 KiB. Topics with MaximumMessageSize set above 256 KiB support
// Amazon Data Firehose, Amazon SQS, and AWS Lambda subscriptions, with up to 100 total subscriptions per topic"; other
// subscriptions, or more of them, get "an InvalidParameter error"
// (https://docs.aws.amazon.com/sns/latest/dg/large-message-payloads.html).

function build(props: FanoutTopicProps, after?: (topic: FanoutTopic, stack: Stack) => void): { stack: Stack; topic: FanoutTopic } {
  const { stack } = testStack();
  const topic = new FanoutTopic(stack, 'Orders', props);
  after?.(topic, stack);
  return { stack, topic };
}

const topicProperties = (stack: Stack) => Object.values(Template.fromStack(stack).findResources('AWS::SNS::Topic'))[0].Properties;

describe('FanoutTopic maxMessageSizeBytes', () => {
  test('is the topic attribute MaximumMessageSize', () => {
    const { stack } = build({ maxMessageSizeBytes: 1_048_576, subscribers: { billing: {} } });
    expect(topicProperties(stack).MaximumMessageSize).toBe(1_048_576);
  });

  test('is left to SNS (256 KiB) by default', () => {
    expect(topicProperties(build({}).stack).MaximumMessageSize).toBeUndefined();
  });

  test.each([1023, 1_048_577, 4096.5])('%p is rejected', (value) => {
    expect(() => build({ maxMessageSizeBytes: value })).toThrow(`maxMessageSizeBytes must be an integer between 1024 and 1048576, got ${value}`);
  });

  test('SQS and Lambda subscribers are accepted above 256 KiB', () => {
    const { stack } = build({ maxMessageSizeBytes: 1_048_576, subscribers: { billing: {} } }, (topic, s) => {
      new sns.Subscription(s, 'ToLambda', { topic: topic.topic, protocol: sns.SubscriptionProtocol.LAMBDA, endpoint: userFunction(s, 'Fn').functionArn });
    });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('an email subscription is refused above 256 KiB, naming the protocol and the subscription', () => {
    const { stack } = build({ maxMessageSizeBytes: 300_000 }, (topic) => {
      topic.topic.addSubscription(new subscriptions.EmailSubscription('oncall@example.com'));
    });
    expect(() => Template.fromStack(stack)).toThrow(/maxMessageSizeBytes is 300000, above 262,144: SNS then accepts only sqs, lambda, firehose subscriptions, got protocol email at Test\/Orders\/Resource\//);
  });

  test('an email subscription is accepted at 256 KiB or below', () => {
    const { stack } = build({ maxMessageSizeBytes: 262_144 }, (topic) => {
      topic.topic.addSubscription(new subscriptions.EmailSubscription('oncall@example.com'));
    });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('more than 100 subscriptions are refused above 256 KiB', () => {
    const { stack } = build({ maxMessageSizeBytes: 1_048_576 }, (topic, s) => {
      for (let i = 0; i < 101; i++) {
        new sns.Subscription(s, `Sub${i}`, { topic: topic.topic, protocol: sns.SubscriptionProtocol.SQS, endpoint: `arn:aws:sqs:us-east-1:111122223333:q${i}` });
      }
    });
    expect(() => Template.fromStack(stack)).toThrow(/SNS then allows at most 100 subscriptions per topic, got 101/);
  });

  test('a token size is not checked', () => {
    const size = Token.asNumber(Lazy.number({ produce: () => 5 }));
    const { stack } = build({ maxMessageSizeBytes: size }, (topic) => {
      topic.topic.addSubscription(new subscriptions.EmailSubscription('oncall@example.com'));
    });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});
