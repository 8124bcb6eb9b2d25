import { Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AlarmTopic, AlarmTopicProps } from '../../src/alarm-topic';
import { testStack } from '../helpers/nag';

/** Builds an AlarmTopic; `setup` may create the resources the props refer to. */
function build(props: AlarmTopicProps, setup?: (stack: Stack) => AlarmTopicProps): () => AlarmTopic {
  return () => {
    const { stack } = testStack();
    return new AlarmTopic(stack, 'Alarms', { ...props, ...setup?.(stack) });
  };
}

/** The error `fn` throws, for assertions on its name and message. */
function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('AlarmTopic validation: topicName', () => {
  // "Topic names must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens,
  // and must be between 1 and 256 characters long"; only FIFO topic names end in .fifo
  // (Amazon SNS API Reference, CreateTopic, https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html).
  test.each([
    ['a space', 'shop alarms'],
    ['a slash', 'shop/alarms'],
    ['an exclamation mark', 'alarms!'],
    ['no character', ''],
    ['257 characters', 'x'.repeat(257)],
  ])('a topicName with %s is rejected, naming the value', (_what, name) => {
    expect(build({ topicName: name })).toThrow(`Test/Alarms: topicName must be 1 to 256 characters of letters, digits, '-' and '_', got '${name}'`);
  });

  test('256 letters, digits, hyphens and underscores are accepted', () => {
    expect(build({ topicName: `Shop_alarms-1${'x'.repeat(243)}` })).not.toThrow();
  });

  // AlarmTopic makes a standard topic: a FIFO topic requires a MessageGroupId on every publish (Amazon SNS API Reference,
  // Publish, https://docs.aws.amazon.com/sns/latest/api/API_Publish.html), and a standard topic's name cannot contain '.'.
  test('a name ending in .fifo is rejected: only FIFO topic names end so, and AlarmTopic makes a standard topic', () => {
    expect(build({ topicName: 'alarms.fifo' })).toThrow(
      "Test/Alarms: topicName 'alarms.fifo' ends in '.fifo', which only FIFO topic names do: AlarmTopic makes a standard topic",
    );
  });

  test('a topicName that is a token is not judged', () => {
    const { stack } = testStack();
    new AlarmTopic(stack, 'Alarms', { topicName: Lazy.string({ produce: () => 'not valid!' }) });
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Topic', { TopicName: 'not valid!' });
  });
});

describe('AlarmTopic validation: displayName', () => {
  // AWS::SNS::Topic DisplayName: "The display name must be maximum 100 characters long"
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-topic.html).
  test('a display name of 101 characters is rejected, naming its length', () => {
    expect(build({ displayName: 'a'.repeat(101) })).toThrow(`Test/Alarms: displayName must be at most 100 characters, got 101: '${'a'.repeat(101)}'`);
  });

  test('100 characters of any kind are accepted', () => {
    expect(build({ displayName: `Shop alarms - prod_1 ${'é'.repeat(79)}` })).not.toThrow();
  });

  test('a displayName that is a token is not judged', () => {
    expect(build({ displayName: Lazy.string({ produce: () => 'a'.repeat(101) }) })).not.toThrow();
  });
});

describe('AlarmTopic validation: emailAddresses', () => {
  test.each([
    ['oncall.example.com', 'no @'],
    ['on@call@example.com', 'two @'],
    ['oncall@example', 'no dot in the domain'],
    ['@example.com', 'nothing before the @'],
    ['oncall@.com', 'the dot starts the domain'],
    ['oncall@example.', 'the dot ends the domain'],
  ])('%p is rejected (%s), naming the prop, its index and the value', (address) => {
    expect(build({ emailAddresses: ['ok@example.com', address] })).toThrow(
      `Test/Alarms: emailAddresses[1] must be an e-mail address (one '@' and a domain with a dot, such as 'oncall@example.com'), got '${address}'`,
    );
  });

  test.each(['oncall@example.com', 'first.last+alarms@mail.example.co.uk', 'o@e.io'])('%p is accepted', (address) => {
    expect(build({ emailAddresses: [address] })).not.toThrow();
  });

  test('an address given twice is rejected, naming both positions', () => {
    expect(build({ emailAddresses: ['a@example.com', 'b@example.com', 'a@example.com'] })).toThrow(
      "Test/Alarms: emailAddresses[2] is 'a@example.com' again (emailAddresses[0] already subscribes it): give each address once",
    );
  });

  test('an address that is a token is not judged', () => {
    expect(build({ emailAddresses: [Lazy.string({ produce: () => 'not an address' }), 'oncall@example.com'] })).not.toThrow();
  });
});

describe('AlarmTopic validation: encryptionKey', () => {
  // CloudWatch cannot use the AWS-managed key alias/aws/sns (Amazon SNS Developer Guide, "Enable compatibility between
  // event sources from AWS services and encrypted topics",
  // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
  test('the AWS-managed alias given as an alias is rejected', () => {
    expect(build({}, (s) => ({ encryptionKey: kms.Alias.fromAliasName(s, 'Managed', 'alias/aws/sns') }))).toThrow(
      /^Test\/Alarms: encryptionKey is the AWS-managed key alias\/aws\/sns, got 'alias\/aws\/sns': CloudWatch cannot use that key/,
    );
  });

  test('the AWS-managed alias given as a key ARN is rejected', () => {
    const arn = 'arn:aws:kms:us-east-1:111111111111:alias/aws/sns';
    expect(build({}, (s) => ({ encryptionKey: kms.Key.fromKeyArn(s, 'Managed', arn) }))).toThrow(
      `Test/Alarms: encryptionKey is the AWS-managed key alias/aws/sns, got '${arn}'`,
    );
  });

  test('a customer-managed alias is accepted', () => {
    expect(build({}, (s) => ({ encryptionKey: kms.Alias.fromAliasName(s, 'Own', 'alias/shop-alarms') }))).not.toThrow();
  });
});

describe('AlarmTopic validation: every violation at once', () => {
  test('the error lists every invalid prop, as MessagePatternsError', () => {
    const error = errorOf(build({ topicName: 'a b', displayName: 'x'.repeat(120), emailAddresses: ['nobody'] }));
    expect(error.name).toBe('MessagePatternsError');
    expect(error.message).toMatch(/^Test\/Alarms: 3 invalid props:\n- topicName .*\n- displayName .*\n- emailAddresses\[0\] /);
  });
});
