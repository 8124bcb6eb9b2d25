import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as fc from 'fast-check';
import { EventBusRoute, RouteTarget } from '../../src';
import { eventPatternToJson } from '../../src/routing/eventbridge/pattern-json';
import { userFunction } from '../helpers/nag';
import { assertPassesPacks, assertSynthesizesOrRejects, expectOurError, mostly } from '../helpers/properties';

/** Every prop name an error may name. */
const PROP_NAMES = ['eventPattern', 'targets', 'retryAttempts', 'maxEventAge', 'messageGroupId', 'deadLetterQueue', 'maxEventPatternSize'];

// ---------------------------------------------------------------------------
// Random patterns: built from the documented operators, sometimes corrupted
// ---------------------------------------------------------------------------

const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const validMatcher: fc.Arbitrary<unknown> = fc.oneof(
  word,
  fc.integer({ min: -1000, max: 1000 }),
  fc.boolean(),
  word.map((prefix) => ({ prefix })),
  word.map((suffix) => ({ suffix })),
  word.map((value) => ({ 'equals-ignore-case': value })),
  fc.tuple(word, word).map(([a, b]) => ({ wildcard: `${a}*${b}` })),
  fc.array(word, { minLength: 1, maxLength: 3 }).map((values) => ({ 'anything-but': values })),
  word.map((prefix) => ({ 'anything-but': { prefix } })),
  fc.integer({ min: -100, max: 100 }).map((n) => ({ numeric: ['>', n] })),
  fc.integer({ min: -100, max: 100 }).map((n) => ({ numeric: ['>=', n, '<', n + 10] })),
  fc.boolean().map((exists) => ({ exists })),
  fc.integer({ min: 0, max: 255 }).map((n) => ({ cidr: `10.${n}.0.0/16` })),
);
const invalidMatcher: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant({ prefix: 5 }),
  fc.constant({ numeric: ['>'] }),
  fc.constant({ numeric: ['<', 10, '>', 1] }),
  fc.constant({ exists: 'yes' }),
  fc.constant({ cidr: '10.0.0.0/99' }),
  fc.constant({ 'anything-but': [] }),
  fc.constant({ wildcard: 'a**' }),
  fc.constant({ regex: '.*' }),
  fc.constant({}),
);
const leaf = fc.array(mostly(validMatcher, invalidMatcher), { minLength: 1, maxLength: 3 });
const detail = fc.dictionary(word, fc.oneof(leaf, fc.dictionary(word, leaf, { minKeys: 1, maxKeys: 2 })), { minKeys: 1, maxKeys: 3 });
const orBranches = fc.array(fc.record({ detail }), { minLength: 2, maxLength: 3 });

const pattern: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      source: fc.array(word, { minLength: 1, maxLength: 2 }),
      detailType: fc.array(word, { minLength: 1, maxLength: 2 }),
      account: fc.constant(['111122223333']),
      detail: detail,
      $or: orBranches,
      orderId: fc.constant(['not a top-level field']),
    },
    { requiredKeys: [] },
  )
  .map((p) => {
    // The unknown top-level field is rare; an empty pattern happens when no key is drawn.
    const { orderId, ...rest } = p;
    return Object.keys(rest).length % 5 === 4 && orderId ? { ...rest, orderId } : rest;
  });

// ---------------------------------------------------------------------------
// Random target sets
// ---------------------------------------------------------------------------

type Kind = 'newQueue' | 'fifoQueue' | 'queue' | 'function' | 'topic' | 'bus' | 'machine' | 'stream' | 'ruleTarget';

interface TargetSample {
  readonly kind: Kind;
  readonly retryAttempts?: number;
  readonly maxEventAgeSeconds?: number;
  readonly ownDlq: boolean;
  readonly messageGroupId: boolean;
}

const targetSample: fc.Arbitrary<TargetSample> = fc.record(
  {
    kind: fc.constantFrom<Kind>('newQueue', 'fifoQueue', 'queue', 'function', 'topic', 'bus', 'machine', 'stream', 'ruleTarget'),
    retryAttempts: mostly(fc.integer({ min: 0, max: 185 }), fc.integer({ min: 186, max: 1000 })),
    maxEventAgeSeconds: mostly(fc.integer({ min: 60, max: 86_400 }), fc.integer({ min: 0, max: 59 })),
    ownDlq: fc.boolean(),
    messageGroupId: mostly(fc.constant(true), fc.constant(false)),
  },
  { requiredKeys: ['kind', 'ownDlq', 'messageGroupId'] },
);

interface RouteSample {
  readonly targets: TargetSample[];
  readonly retryAttempts?: number;
  readonly maxEventAgeSeconds?: number;
  /** A customer-managed key on the bus (a dead-letter queue for the bus, the key policy, an encrypted archive). */
  readonly busKey?: boolean;
  readonly busLogging?: boolean;
  readonly archive?: boolean;
  readonly maxEventPatternSize?: number;
}

const routeSample: fc.Arbitrary<RouteSample> = fc.record(
  {
    targets: fc.array(targetSample, { minLength: 0, maxLength: 6 }),
    retryAttempts: mostly(fc.integer({ min: 0, max: 185 }), fc.integer({ min: -10, max: -1 })),
    maxEventAgeSeconds: mostly(fc.integer({ min: 60, max: 86_400 }), fc.integer({ min: 86_401, max: 200_000 })),
    busKey: fc.boolean(),
    busLogging: fc.boolean(),
    archive: fc.boolean(),
    maxEventPatternSize: mostly(fc.integer({ min: 2048, max: 4096 }), fc.integer({ min: 0, max: 2047 })),
  },
  { requiredKeys: ['targets'] },
);

/**
 * A queue standing for the user's (a target, or a target's own dead-letter
 * queue): whether it has a dead-letter queue of its own is the user's choice.
 */
function userQueue(stack: Stack, id: string): sqs.Queue {
  const queue = new sqs.Queue(stack, id, { enforceSSL: true });
  Validations.of(queue).acknowledge(
    ...['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy', 'MessagingChecks-QueueConsumedWithoutDlq'].map((rule) => ({
      id: rule,
      reason: "The test's stand-in for the user's queue: how it is consumed, and whether it has a dead-letter queue, is the user's choice.",
    })),
  );
  return queue;
}

function makeTarget(stack: Stack, t: TargetSample, i: number): RouteTarget {
  const delivery = {
    retryAttempts: t.retryAttempts,
    maxEventAge: t.maxEventAgeSeconds === undefined ? undefined : Duration.seconds(t.maxEventAgeSeconds),
    deadLetterQueue: t.ownDlq ? userQueue(stack, `OwnDlq${i}`) : undefined,
  };
  const group = t.messageGroupId ? { messageGroupId: 'orders' } : {};
  switch (t.kind) {
    case 'newQueue':
      return RouteTarget.newQueue({ ...delivery, queueId: `Queue${i}` });
    case 'fifoQueue':
      return RouteTarget.newQueue({ ...delivery, ...group, queueId: `Queue${i}`, queueProps: { fifo: true } });
    case 'queue':
      return RouteTarget.queue(userQueue(stack, `Queue${i}`), delivery);
    case 'function':
      return RouteTarget.lambdaFunction(userFunction(stack, `Fn${i}`, Duration.seconds(30)), delivery);
    case 'topic':
      return RouteTarget.topic(new sns.Topic(stack, `Topic${i}`, { enforceSSL: true, masterKey: new kms.Key(stack, `Key${i}`, { enableKeyRotation: true }) }), delivery);
    case 'bus':
      return RouteTarget.eventBus(events.EventBus.fromEventBusArn(stack, `Bus${i}`, `arn:aws:events:us-east-1:111122223333:event-bus/bus${i}`), delivery);
    case 'machine':
      return RouteTarget.stateMachine(
        new sfn.StateMachine(stack, `Machine${i}`, { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, `Pass${i}`)) }),
        delivery,
      );
    case 'stream':
      return RouteTarget.kinesisStream(userStream(stack, `Stream${i}`), { ...delivery, partitionKeyPath: t.messageGroupId ? '$.detail.orderId' : undefined });
    case 'ruleTarget':
      // aws-events-targets' CloudWatchLogGroup takes one log group per rule (its log-policy id is the rule's): SqsQueue here.
      return RouteTarget.ruleTarget({ ruleTarget: (d) => new targets.SqsQueue(userQueue(stack, `RuleQueue${i}`), d) }, delivery);
  }
}

/**
 * A Kinesis stream standing for the user's, encrypted with a customer-managed
 * key (whose choice AwsSolutions-KDS3 reports: the user's, acknowledged on the stream).
 */
function userStream(stack: Stack, id: string): kinesis.Stream {
  const stream = new kinesis.Stream(stack, id, {
    encryption: kinesis.StreamEncryption.KMS,
    encryptionKey: new kms.Key(stack, `${id}Key`, { enableKeyRotation: true }),
  });
  Validations.of(stream).acknowledge({ id: 'AwsSolutions-KDS3', reason: "The test's stand-in for the user's stream: its key is the user's choice." });
  return stream;
}

function createRoute(stack: Stack, s: RouteSample, eventPattern: events.EventPattern): EventBusRoute {
  return new EventBusRoute(stack, 'Route', {
    eventPattern,
    targets: s.targets.map((t, i) => makeTarget(stack, t, i)),
    retryAttempts: s.retryAttempts,
    maxEventAge: s.maxEventAgeSeconds === undefined ? undefined : Duration.seconds(s.maxEventAgeSeconds),
    eventBusProps: s.busKey
      ? { kmsKey: new kms.Key(stack, 'BusKey', { enableKeyRotation: true }), logConfig: s.busLogging ? { level: events.Level.ERROR } : undefined }
      : undefined,
    archive: s.archive ? {} : undefined,
    maxEventPatternSize: s.maxEventPatternSize,
  });
}

const expectError = (error: unknown) => expectOurError(error, { at: 'Test/Route: ', naming: PROP_NAMES });

const SIMPLE_PATTERN: events.EventPattern = { source: ['shop'] };

describe('EventBusRoute with random target sets', () => {
  test('either every target gets a dead-letter queue and the retry policy asked for, or the error names a prop', () => {
    assertSynthesizesOrRejects(routeSample, {
      create: (stack, s) => createRoute(stack, s, SIMPLE_PATTERN),
      expectError,
      expectValid: ({ construct: route, stack, template }, s) => {
        const ruleTargets = Object.values(template.findResources('AWS::Events::Rule'))[0].Properties.Targets as any[];
        expect(ruleTargets).toHaveLength(s.targets.length);
        s.targets.forEach((t, i) => {
          expect(ruleTargets[i].DeadLetterConfig).toBeDefined();
          expect(ruleTargets[i].RetryPolicy).toEqual({
            MaximumRetryAttempts: t.retryAttempts ?? s.retryAttempts ?? 185,
            MaximumEventAgeInSeconds: t.maxEventAgeSeconds ?? s.maxEventAgeSeconds ?? 86_400,
          });
        });
        expect(route.deadLetterQueue === undefined).toBe(s.targets.every((t) => t.ownDlq));
        expect(route.deadLetterQueueAlarms).toHaveLength(route.deadLetterQueues.length);
        expect(route.queues).toHaveLength(s.targets.filter((t) => t.kind === 'newQueue' || t.kind === 'fifoQueue').length);
        // A bus with a customer-managed key has a dead-letter queue, alarmed; the archive is encrypted with the key.
        expect(route.eventBusDeadLetterQueue !== undefined).toBe(s.busKey === true);
        expect(route.eventBusDeadLetterQueueAlarm !== undefined).toBe(s.busKey === true);
        const archive = Object.values(template.findResources('AWS::Events::Archive'))[0];
        expect(archive !== undefined).toBe(s.archive === true);
        if (archive && s.busKey) {
          expect(archive.Properties.KmsKeyIdentifier).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^BusKey/), 'Arn'] });
        }
        // Every dead-letter queue of a target lets this rule send to it.
        const ruleArn = { 'Fn::GetAtt': [stack.getLogicalId(route.rule.node.defaultChild as events.CfnRule), 'Arn'] };
        for (const queue of route.deadLetterQueues) {
          const queueId = stack.getLogicalId(queue.node.defaultChild as sqs.CfnQueue);
          const [policy] = Object.values(template.findResources('AWS::SQS::QueuePolicy', { Properties: { Queues: [{ Ref: queueId }] } }));
          expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
            expect.objectContaining({ Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } } }),
          );
        }
        expect(JSON.stringify(template.toJSON())).not.toMatch(/undefined|NaN|Infinity/);
      },
      numRuns: 120,
      minEach: 20,
    });
  });

  test('every route that synthesizes passes the compliance packs', () => {
    // The stand-ins for user resources that the packs judge on their own settings (state machines) are left out, and
    // so are the rule targets of aws-events-targets (whose statements are theirs, not the library's).
    const sample = routeSample.map((s) => ({ ...s, targets: s.targets.filter((t) => t.kind !== 'machine' && t.kind !== 'ruleTarget') }));
    assertPassesPacks(sample, { create: (stack, s) => createRoute(stack, s, SIMPLE_PATTERN), expectError, numRuns: 20, minChecked: 3 });
  });
});

describe('EventBusRoute with random patterns', () => {
  test('either the rule carries the pattern as given, or the error names eventPattern with a key path', () => {
    const oneQueue: RouteSample = { targets: [{ kind: 'newQueue', ownDlq: false, messageGroupId: false }] };
    assertSynthesizesOrRejects(pattern, {
      create: (stack, p) => createRoute(stack, oneQueue, p as events.EventPattern),
      expectError: (error) => {
        expectError(error);
        expect((error as Error).message).toMatch(/Invalid eventPattern at eventPattern/);
      },
      expectValid: ({ template }, p) => {
        const rule = Object.values(template.findResources('AWS::Events::Rule'))[0];
        expect(rule.Properties.EventPattern).toEqual(eventPatternToJson(p as events.EventPattern));
      },
      numRuns: 300,
      minEach: 30,
    });
  });
});
