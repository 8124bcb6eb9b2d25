import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { EventBusRoute, FanoutTopic, FilteredSubscription, KinesisCqrsPipeline, QueueWithDlq, RouteTarget } from '../../src';
import { bounded, nameWithSuffix } from '../../src/core/names';
import { userFunction } from '../helpers/nag';

/**
 * Limits AWS sets on what the library generates (CloudFormation template
 * reference, each property's "Maximum" / pattern):
 * - AWS::Lambda::Function Description: 256 characters ("Function description can not be
 *   longer than 256 characters" fails synth in aws-cdk-lib and the deployment in CloudFormation);
 * - AWS::CloudWatch::Alarm AlarmDescription: 1024; AWS::IAM::Role / ManagedPolicy Description: 1000;
 * - AWS::SQS::Queue QueueName: 1 to 80 of [A-Za-z0-9_-], `.fifo` included for FIFO queues, unique
 *   in the account and region (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html).
 */
const LIMITS: Record<string, { prop: string; max: number }> = {
  'AWS::Lambda::Function': { prop: 'Description', max: 256 },
  'AWS::CloudWatch::Alarm': { prop: 'AlarmDescription', max: 1024 },
  'AWS::IAM::Role': { prop: 'Description', max: 1000 },
  'AWS::IAM::ManagedPolicy': { prop: 'Description', max: 1000 },
  'AWS::KMS::Key': { prop: 'Description', max: 8192 },
};

/** Every generated description longer than AWS allows. */
function overLimit(stack: Stack): string[] {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
  return Object.entries(resources).flatMap(([id, r]) => {
    const limit = LIMITS[r.Type];
    const value = limit ? r.Properties?.[limit.prop] : undefined;
    return typeof value === 'string' && value.length > limit.max ? [`${id} ${limit.prop} has ${value.length} characters`] : [];
  });
}

/** A scope nested under ids of the given lengths. */
function deepScope(stack: Stack, lengths: number[]): Construct {
  return lengths.reduce<Construct>((scope, length, i) => new Construct(scope, `${String.fromCharCode(65 + (i % 26))}${'x'.repeat(length - 1)}`), stack);
}

function everyConstruct(scope: Construct): void {
  const stack = Stack.of(scope);
  new QueueWithDlq(scope, 'Queue', { consumer: userFunction(stack, `Consumer${scope.node.addr}`) });
  new FanoutTopic(scope, 'Fanout', { subscribers: { Billing: {} } });
  new FilteredSubscription(scope, 'Sub', { topic: new sns.Topic(scope, 'Topic'), lambdaFunction: userFunction(stack, `Handler${scope.node.addr}`) });
  new EventBusRoute(scope, 'Route', { eventPattern: { source: ['shop'] }, targets: [RouteTarget.newQueue()] });
  new KinesisCqrsPipeline(scope, 'Ledger');
}

describe('generated descriptions stay within AWS limits, whatever the construct path', () => {
  test('a KinesisCqrsPipeline under a 200-character path synthesizes', () => {
    const stack = new Stack(new App(), 'Test');
    const scope = deepScope(stack, [60, 60, 60]);
    expect(() => new KinesisCqrsPipeline(scope, 'Ledger')).not.toThrow();
    expect(overLimit(stack)).toEqual([]);
  });

  test('property: every construct under paths of 1 to 12 levels of up to 120 characters', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 1, maxLength: 12 }), (lengths) => {
        const stack = new Stack(new App(), 'Test');
        everyConstruct(deepScope(stack, lengths));
        expect(overLimit(stack)).toEqual([]);
      }),
      { numRuns: 8 },
    );
  });

  test('bounded keeps both ends of a text that does not fit', () => {
    expect(bounded('abcdefghij', 10)).toBe('abcdefghij');
    expect(bounded('abcdefghijk', 10)).toBe('abc...hijk');
  });
});

describe('derived dead-letter queue names are unique and valid', () => {
  test('two long queue names that share their first 76 characters get different DLQ names', () => {
    const stack = new Stack(new App(), 'Test');
    const shared = 'q'.repeat(76);
    const a = new QueueWithDlq(stack, 'A', { queueName: `${shared}-one` });
    const b = new QueueWithDlq(stack, 'B', { queueName: `${shared}-two` });
    const names = [a, b].map((q) => stack.resolve((q.deadLetterQueue.node.defaultChild as any).queueName));
    expect(names[0]).not.toBe(names[1]);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(80);
      expect(name).toMatch(/^[A-Za-z0-9_-]+-dlq$/);
    }
  });

  test('a name that fits keeps the readable form', () => {
    expect(nameWithSuffix('orders', '-dlq', 80)).toBe('orders-dlq');
    expect(nameWithSuffix('orders', '-dlq.fifo', 80)).toBe('orders-dlq.fifo');
  });

  test('property: distinct queue names give distinct DLQ names within 80 valid characters', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9_-]{1,80}$/), { minLength: 2, maxLength: 2 }), fc.boolean(), ([x, y], fifo) => {
        const suffix = fifo ? '-dlq.fifo' : '-dlq';
        const [dx, dy] = [nameWithSuffix(x, suffix, 80), nameWithSuffix(y, suffix, 80)];
        expect(dx).not.toBe(dy);
        for (const name of [dx, dy]) {
          expect(name.length).toBeLessThanOrEqual(80);
          expect(name).toMatch(fifo ? /^[A-Za-z0-9_-]+\.fifo$/ : /^[A-Za-z0-9_-]+$/);
        }
      }),
    );
  });
});
