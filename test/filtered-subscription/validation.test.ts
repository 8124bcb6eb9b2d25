import { Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { FilteredSubscription, FilteredSubscriptionProps, SubscriptionFilters } from '../../src';
import { testStack, userFunction } from '../helpers/nag';

type Setup = (stack: Stack) => Partial<FilteredSubscriptionProps>;

/** Builds a FilteredSubscription on a standard (or FIFO) topic; `setup` may create what the props refer to. */
function build(props: Partial<FilteredSubscriptionProps>, setup?: Setup, fifo = false): () => FilteredSubscription {
  return () => {
    const { stack } = testStack();
    const topic = new sns.Topic(stack, 'Topic', { fifo: fifo ? true : undefined });
    return new FilteredSubscription(stack, 'Sub', { topic, ...props, ...setup?.(stack) });
  };
}

const values = (count: number, prefix = 'v') => Array.from({ length: count }, (_, i) => `${prefix}${i}`);
const allow = (count: number, prefix = 'v') => sns.SubscriptionFilter.stringFilter({ allowlist: values(count, prefix) });
const exists = () => sns.SubscriptionFilter.existsFilter();

describe('FilteredSubscription validation: endpoint', () => {
  test('queue and lambdaFunction together are rejected', () => {
    expect(build({}, (s) => ({ queue: new sqs.Queue(s, 'Q'), lambdaFunction: userFunction(s, 'Fn') }))).toThrow(
      'Test/Sub: queue and lambdaFunction cannot both be set: a subscription has one endpoint',
    );
  });

  test('queueOptions with a queue you bring are rejected', () => {
    expect(build({ queueOptions: { maxReceiveCount: 3 } }, (s) => ({ queue: new sqs.Queue(s, 'Q') }))).toThrow(
      /queueOptions configures the queue this construct creates, so it cannot be set together with queue/,
    );
  });

  test('queueOptions with a Lambda endpoint are rejected', () => {
    expect(build({ queueOptions: {} }, (s) => ({ lambdaFunction: userFunction(s, 'Fn') }))).toThrow(
      /queueOptions configures the queue this construct creates, so it cannot be set together with lambdaFunction/,
    );
  });

  test('a Lambda function on a FIFO topic is rejected', () => {
    expect(build({}, (s) => ({ lambdaFunction: userFunction(s, 'Fn') }), true)).toThrow(
      /lambdaFunction cannot subscribe to a FIFO topic: SNS FIFO topics deliver to SQS queues only/,
    );
  });

  test('rawMessageDelivery with a Lambda function is rejected', () => {
    expect(build({ rawMessageDelivery: true }, (s) => ({ lambdaFunction: userFunction(s, 'Fn') }))).toThrow(
      /rawMessageDelivery applies to SQS endpoints only/,
    );
  });

  test('a FIFO queue on a standard topic is rejected', () => {
    expect(build({}, (s) => ({ queue: new sqs.Queue(s, 'Q', { fifo: true }) }))).toThrow(
      /queue is a FIFO queue, but the topic is a standard topic: SNS delivers to FIFO queues only from FIFO topics/,
    );
  });

  test('a standard queue on a FIFO topic is rejected', () => {
    expect(build({}, (s) => ({ queue: new sqs.Queue(s, 'Q') }), true)).toThrow(/queue is a standard queue, but the topic is a FIFO topic/);
  });

  test('an imported FIFO queue is recognised by its ARN', () => {
    expect(build({}, (s) => ({ queue: sqs.Queue.fromQueueArn(s, 'Q', 'arn:aws:sqs:us-east-1:111122223333:orders.fifo') }))).toThrow(
      /queue is a FIFO queue, but the topic is a standard topic/,
    );
  });

  test('an imported queue whose ARN is a token is not judged', () => {
    expect(build({}, (s) => ({ queue: sqs.Queue.fromQueueArn(s, 'Q', Lazy.string({ produce: () => 'arn:aws:sqs:us-east-1:1:q' })) }))).not.toThrow();
  });

  test('queueOptions making a standard queue on a FIFO topic are rejected', () => {
    expect(build({ queueOptions: { fifo: false } }, undefined, true)).toThrow(
      /the queue to create would be a standard queue \(fifo: false\), but the topic is a FIFO topic/,
    );
  });

  test('queueOptions naming a FIFO queue on a standard topic are rejected', () => {
    expect(build({ queueOptions: { queueName: 'orders.fifo' } })).toThrow(
      /the queue to create would be a FIFO queue \(queueName 'orders.fifo'\), but the topic is a standard topic/,
    );
  });

  test('a queue encrypted with the AWS-managed SQS key is rejected', () => {
    expect(build({}, (s) => ({ queue: new sqs.Queue(s, 'Q', { encryption: sqs.QueueEncryption.KMS_MANAGED }) }))).toThrow(
      /queue is encrypted with the AWS-managed key alias\/aws\/sqs, which SNS cannot use/,
    );
  });

  test('a created queue with the AWS-managed SQS key is rejected at synth', () => {
    const { app, stack } = testStack();
    new FilteredSubscription(stack, 'Sub', { topic: new sns.Topic(stack, 'Topic'), queueOptions: { encryption: sqs.QueueEncryption.KMS_MANAGED } });
    expect(() => app.synth()).toThrow(/cannot be used when sns.amazonaws.com deliver to the queue/);
  });

  test('a topic in another region is rejected', () => {
    expect(() => {
      const { app } = testStack();
      const stack = new Stack(app, 'Other', { env: { region: 'eu-west-1', account: '111111111111' } });
      const topic = sns.Topic.fromTopicArn(stack, 'T', 'arn:aws:sns:us-east-1:111111111111:orders');
      new FilteredSubscription(stack, 'Sub', { topic });
    }).toThrow(/topic is in region us-east-1, not in the stack's/);
  });
});

describe('FilteredSubscription validation: subscription dead-letter queue', () => {
  test('a FIFO subscription dead-letter queue on a standard topic is rejected', () => {
    expect(build({}, (s) => ({ subscriptionDeadLetterQueue: new sqs.Queue(s, 'D', { fifo: true }) }))).toThrow(
      /subscriptionDeadLetterQueue must be a standard queue like the topic, got a FIFO queue/,
    );
  });

  test('a standard subscription dead-letter queue on a FIFO topic is rejected', () => {
    expect(build({}, (s) => ({ subscriptionDeadLetterQueue: new sqs.Queue(s, 'D') }), true)).toThrow(
      /subscriptionDeadLetterQueue must be a FIFO queue like the topic, got a standard queue/,
    );
  });

  test('a subscription dead-letter queue with the AWS-managed SQS key is rejected', () => {
    expect(build({}, (s) => ({ subscriptionDeadLetterQueue: new sqs.Queue(s, 'D', { encryption: sqs.QueueEncryption.KMS_MANAGED }) }))).toThrow(
      /subscriptionDeadLetterQueue is encrypted with the AWS-managed key alias\/aws\/sqs/,
    );
  });

  test('subscriptionDeadLetterQueueAlarm with a queue you bring is rejected', () => {
    expect(build({ subscriptionDeadLetterQueueAlarm: true }, (s) => ({ subscriptionDeadLetterQueue: new sqs.Queue(s, 'D') }))).toThrow(
      /subscriptionDeadLetterQueueAlarm applies to the subscription dead-letter queue this construct creates/,
    );
  });
});

describe('FilteredSubscription validation: filter policy', () => {
  test('filterPolicy and filterPolicyWithMessageBody together are rejected', () => {
    expect(build({ filterPolicy: { a: exists() }, filterPolicyWithMessageBody: { a: sns.FilterOrPolicy.filter(exists()) } })).toThrow(
      /filterPolicy and filterPolicyWithMessageBody cannot both be set/,
    );
  });

  test('5 keys pass; a 6th key is rejected, naming the count', () => {
    const keys = (n: number) => Object.fromEntries(values(n, 'k').map((k) => [k, exists()]));
    expect(build({ filterPolicy: keys(5) })).not.toThrow();
    expect(build({ filterPolicy: keys(6) })).toThrow('Test/Sub: filterPolicy has 6 keys, SNS allows at most 5');
  });

  test('exactly 150 combinations pass; 151 are rejected, naming the count', () => {
    expect(build({ filterPolicy: { a: allow(10), b: allow(15) } })).not.toThrow();
    expect(build({ filterPolicy: { a: allow(151) } })).toThrow('Test/Sub: filterPolicy has 151 combinations, SNS allows at most 150');
  });

  test('combinations are counted as SNS counts them: nesting levels multiply at body scope', () => {
    // {"a": {"b": {"c": [4 values]}}, "d": {"e": [3 values]}} = (3 x 4) x (2 x 3) = 72; with 7 values under c, (3 x 7) x 6 = 126; with 9, 162.
    const policy = (n: number) => ({
      a: sns.FilterOrPolicy.policy({ b: sns.FilterOrPolicy.policy({ c: sns.FilterOrPolicy.filter(allow(n)) }) }),
      d: sns.FilterOrPolicy.policy({ e: sns.FilterOrPolicy.filter(allow(3)) }),
    });
    expect(build({ filterPolicyWithMessageBody: policy(7) })).not.toThrow();
    expect(build({ filterPolicyWithMessageBody: policy(9) })).toThrow(/filterPolicyWithMessageBody has 162 combinations, SNS allows at most 150/);
  });

  test('$or alternatives are added up: 151 across two branches are rejected', () => {
    const policy = { [SubscriptionFilters.OR_KEY]: SubscriptionFilters.orPolicies([{ a: allow(100) }, { b: allow(51) }]) };
    expect(build({ filterPolicy: policy })).toThrow(/filterPolicy has 151 combinations/);
  });

  test('a policy over 256 KB is rejected, naming its size', () => {
    const big = sns.SubscriptionFilter.stringFilter({ allowlist: values(100).map((v) => v + 'x'.repeat(2700)) });
    expect(build({ filterPolicy: { a: big } })).toThrow(/filterPolicy is \d+ bytes of JSON, SNS allows at most 262144 \(256 KB\)/);
  });

  test('a number out of SNS\'s range is rejected, naming the key and the value', () => {
    expect(build({ filterPolicy: { amount: sns.SubscriptionFilter.numericFilter({ greaterThan: 2e9 }) } })).toThrow(
      'Test/Sub: filterPolicy.amount: numeric value 2e9 is out of range (SNS accepts -1e9 to 1e9)',
    );
  });

  test('a number with more than 5 decimals is rejected, naming the key and the value', () => {
    expect(build({ filterPolicy: { price: SubscriptionFilters.numbers(1.123456) } })).toThrow(
      /filterPolicy.price: numeric value 1.123456 has 6 digits after the decimal point, SNS matches at most 5/,
    );
  });

  test('nesting at attribute scope is rejected, naming the key path', () => {
    expect(build({ filterPolicy: { customer: new sns.SubscriptionFilter({ country: ['FR'] } as any) } })).toThrow(
      /filterPolicy.customer: the value of a key must be an array of values/,
    );
  });

  test('a malformed operator is rejected, naming the key and the operator', () => {
    expect(build({ filterPolicy: { ip: new sns.SubscriptionFilter([{ cidr: '10.0.0.0/33' }]) } })).toThrow(
      /filterPolicy.ip: malformed operator \{"cidr":"10.0.0.0\/33"\}: prefix length 33 exceeds 32/,
    );
    expect(build({ filterPolicy: { x: new sns.SubscriptionFilter([{ wildcard: 'a*' }]) } })).toThrow(/filterPolicy.x: malformed operator .*unknown operator "wildcard"/);
  });

  // SNS answers "InvalidParameter: ... FilterPolicy: Unsupported anything-but pattern: suffix", as recorded against AWS in
  // localstack/localstack tests/aws/services/sns/test_sns_filter_policy.snapshot.json (error-condition-anything-but-suffix).
  test('anything-but with a suffix is rejected at synth, naming the prop, the key and the value', () => {
    const suffix = new sns.SubscriptionFilter([{ 'anything-but': { suffix: '.tmp' } }]);
    expect(build({ filterPolicy: { file: suffix } })).toThrow(
      'filterPolicy.file: malformed operator {"anything-but":{"suffix":".tmp"}}: SNS does not support anything-but with a suffix',
    );
    expect(build({ filterPolicyWithMessageBody: { order: sns.FilterOrPolicy.policy({ file: sns.FilterOrPolicy.filter(suffix) }) } })).toThrow(
      /filterPolicyWithMessageBody\.order\.file: malformed operator \{"anything-but":\{"suffix":"\.tmp"\}\}: SNS does not support anything-but with a suffix/,
    );
  });

  test('SubscriptionFilters offers no anything-but suffix, which SNS does not support', () => {
    expect('anythingButSuffix' in SubscriptionFilters).toBe(false);
  });

  test('a key without values is rejected', () => {
    expect(build({ filterPolicy: { x: new sns.SubscriptionFilter([]) } })).toThrow(/filterPolicy.x: malformed operator \[\]: a key needs at least one value/);
  });

  test('errors in the message-body policy name the nested key path', () => {
    expect(
      build({
        filterPolicyWithMessageBody: {
          order: sns.FilterOrPolicy.policy({ amount: sns.FilterOrPolicy.filter(new sns.SubscriptionFilter([{ numeric: ['>', 'big'] }])) }),
        },
      }),
    ).toThrow(/filterPolicyWithMessageBody.order.amount: malformed operator .*must be followed by a number, got "big"/);
  });

  test('every violation is reported at once', () => {
    expect(build({ filterPolicy: { a: allow(151) }, rawMessageDelivery: true }, (s) => ({ lambdaFunction: userFunction(s, 'Fn') }))).toThrow(
      /Test\/Sub: 2 invalid props:\n- rawMessageDelivery applies to SQS endpoints only.*\n- filterPolicy has 151 combinations/s,
    );
  });

  test('tokens in a policy are never rejected', () => {
    const { stack } = testStack();
    const topic = new sns.Topic(stack, 'Topic');
    const country = Token.asString(Lazy.string({ produce: () => 'FR' }));
    const limit = Token.asNumber(Lazy.number({ produce: () => 5e9 }));
    new FilteredSubscription(stack, 'Sub', {
      topic,
      filterPolicy: {
        country: sns.SubscriptionFilter.stringFilter({ allowlist: [country] }),
        amount: sns.SubscriptionFilter.numericFilter({ lessThan: limit }),
      },
    });
    const resources = Template.fromStack(stack).findResources('AWS::SNS::Subscription');
    expect(Object.values(resources)[0].Properties.FilterPolicy).toEqual({ country: ['FR'], amount: [{ numeric: ['<', 5e9] }] });
  });

  test('a valid policy of every operator is accepted', () => {
    expect(
      build({
        filterPolicy: {
          a: SubscriptionFilters.anyOf(
            sns.SubscriptionFilter.stringFilter({ allowlist: ['x'], denylist: ['y'], matchPrefixes: ['p'], matchSuffixes: ['s'] }),
            SubscriptionFilters.equalsIgnoreCase('X'),
          ),
          b: SubscriptionFilters.anyOf(
            sns.SubscriptionFilter.numericFilter({ allowlist: [1], betweenStrict: { start: 0, stop: 9 } }),
            SubscriptionFilters.numbers(3),
          ),
          c: SubscriptionFilters.anyOf(SubscriptionFilters.anythingButPrefix('t'), SubscriptionFilters.anythingBut('u')),
          d: SubscriptionFilters.cidr('192.168.0.0/16'),
          e: sns.SubscriptionFilter.notExistsFilter(),
        },
      }),
    ).not.toThrow();
  });
});

describe('FilteredSubscription validation: timing', () => {
  test('the Lambda timeout does not matter for a Lambda endpoint', () => {
    expect(build({}, (s) => ({ lambdaFunction: userFunction(s, 'Fn', Duration.minutes(15)) }))).not.toThrow();
  });
});
