/**
 * Property-based tests of EventPipe (fast-check, seeded in
 * test/helpers/fast-check-setup.ts): random source settings either reach the
 * template exactly or are rejected with the library's error naming the prop;
 * and the offline filter evaluation obeys the rules the EventBridge User Guide
 * gives ("Event filtering in Amazon EventBridge Pipes").
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as fc from 'fast-check';
import { pipeProperties, streamTable } from './helpers';
import { EventPipe, PipeSource, PipeTarget, QueueWithDlq } from '../../src';
import { testStack, userFunction } from '../helpers/nag';
import { assertSynthesizesOrRejects, expectOurError, mostly } from '../helpers/properties';

// ---------------------------------------------------------------------------------------------------------------------
// Random stream-source settings
// ---------------------------------------------------------------------------------------------------------------------

interface StreamSample {
  readonly kind: 'kinesis' | 'dynamodb';
  readonly batchSize?: number;
  readonly windowSeconds?: number;
  readonly retryAttempts?: number;
  readonly maxRecordAgeSeconds?: number;
  readonly parallelizationFactor?: number;
  readonly bisect?: boolean;
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';
}

// The ranges of the Pipes API Reference (PipeSourceKinesisStreamParameters, PipeSourceDynamoDBStreamParameters):
// BatchSize 1-10000, MaximumBatchingWindowInSeconds 0-300, MaximumRetryAttempts -1..10000,
// MaximumRecordAgeInSeconds up to 604800, ParallelizationFactor 1-10.
const streamSample: fc.Arbitrary<StreamSample> = fc.record(
  {
    kind: fc.constantFrom<'kinesis' | 'dynamodb'>('kinesis', 'dynamodb'),
    batchSize: mostly(fc.integer({ min: 1, max: 10_000 }), fc.oneof(fc.constant(0), fc.integer({ min: 10_001, max: 50_000 })), 6),
    windowSeconds: mostly(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 301, max: 3600 }), 6),
    retryAttempts: mostly(
      fc.integer({ min: -1, max: 10_000 }),
      fc.oneof(fc.integer({ min: -100, max: -2 }), fc.integer({ min: 10_001, max: 99_999 })),
      6,
    ),
    maxRecordAgeSeconds: mostly(fc.integer({ min: 0, max: 604_800 }), fc.integer({ min: 604_801, max: 2_000_000 }), 6),
    parallelizationFactor: mostly(fc.integer({ min: 1, max: 10 }), fc.oneof(fc.constant(0), fc.integer({ min: 11, max: 100 })), 6),
    bisect: fc.boolean(),
    startingPosition: fc.constantFrom<'TRIM_HORIZON' | 'LATEST'>('TRIM_HORIZON', 'LATEST'),
  },
  { requiredKeys: ['kind'] },
);

const STREAM_PROPS = ['source.batchSize', 'source.maxBatchingWindow', 'source.retryAttempts', 'source.maxRecordAge', 'source.parallelizationFactor'];

function createStreamPipe(stack: Stack, s: StreamSample): EventPipe {
  const options = {
    batchSize: s.batchSize,
    maxBatchingWindow: s.windowSeconds === undefined ? undefined : Duration.seconds(s.windowSeconds),
    retryAttempts: s.retryAttempts,
    maxRecordAge: s.maxRecordAgeSeconds === undefined ? undefined : Duration.seconds(s.maxRecordAgeSeconds),
    parallelizationFactor: s.parallelizationFactor,
    bisectBatchOnError: s.bisect,
    startingPosition: s.startingPosition === undefined ? undefined : lambda.StartingPosition[s.startingPosition],
  };
  return new EventPipe(stack, 'Pipe', {
    source: s.kind === 'kinesis' ? PipeSource.kinesisStream(new kinesis.Stream(stack, 'Stream'), options) : PipeSource.dynamoDbStream(streamTable(stack, 'Table'), options),
    // A Lambda target takes any batch size ("customer defined", UG "Batching and concurrency").
    target: PipeTarget.lambdaFunction(userFunction(stack, 'Handler')),
  });
}

describe('EventPipe with random stream-source settings', () => {
  test('either the template carries exactly the values given (the defaults otherwise), or the error names the prop', () => {
    assertSynthesizesOrRejects(streamSample, {
      create: createStreamPipe,
      expectError: (error) => expectOurError(error, { at: 'Test/Pipe: ', naming: STREAM_PROPS }),
      expectValid: ({ template, construct: pipe, stack }, s) => {
        const props = pipeProperties(template);
        const parameters = s.kind === 'kinesis' ? props.SourceParameters.KinesisStreamParameters : props.SourceParameters.DynamoDBStreamParameters;
        const expected: Record<string, unknown> = {
          StartingPosition: s.startingPosition ?? 'TRIM_HORIZON',
          BatchSize: s.batchSize ?? 10,
          MaximumRetryAttempts: s.retryAttempts ?? 10,
          // Both streams keep records 24 hours here: half of it by default.
          MaximumRecordAgeInSeconds: s.maxRecordAgeSeconds ?? 43_200,
          ParallelizationFactor: s.parallelizationFactor ?? 1,
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [stack.getLogicalId(pipe.deadLetterQueue!.node.defaultChild as any), 'Arn'] } },
        };
        if (s.windowSeconds !== undefined) {
          expected.MaximumBatchingWindowInSeconds = s.windowSeconds;
        }
        if (s.bisect !== false) {
          expected.OnPartialBatchItemFailure = 'AUTOMATIC_BISECT';
        }
        expect(parameters).toEqual(expected);
        expect(JSON.stringify(template.toJSON())).not.toMatch(/undefined|NaN|Infinity/);
      },
      numRuns: 40,
      minEach: 5,
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// Random filters and records
// ---------------------------------------------------------------------------------------------------------------------

const FIELDS = ['status', 'amount', 'region'];
const scalar = fc.oneof(fc.constantFrom('PAID', 'NEW', 'eu-west-1', 'us-east-1'), fc.integer({ min: 0, max: 200 }));
const matcher: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('PAID', 'NEW', 'eu-west-1'),
  fc.integer({ min: 0, max: 200 }),
  fc.constantFrom('PA', 'eu', 'us').map((prefix) => ({ prefix })),
  fc.integer({ min: 0, max: 200 }).map((n) => ({ numeric: ['>', n] })),
  fc.boolean().map((exists) => ({ exists })),
  fc.constantFrom('PAID', 'NEW').map((v) => ({ 'anything-but': [v] })),
);
/** A pattern on the fields of a JSON payload: `{ status: [...], amount: [...] }`. */
const jsonFields: fc.Arbitrary<Record<string, unknown[]>> = fc.dictionary(
  fc.constantFrom(...FIELDS),
  fc.array(matcher, { minLength: 1, maxLength: 2 }),
  { minKeys: 1, maxKeys: 2 },
);
/** A pattern on a plain-text payload: `["PAID", { prefix: "N" }]`. */
const plainValues = fc.array(fc.oneof(fc.constantFrom('PAID', 'NEW', 'hello'), fc.constantFrom('PA', 'he').map((prefix) => ({ prefix }))), { minLength: 1, maxLength: 2 });

/** A filter of an SQS source: on the body's JSON fields (mostly), on a plain-text body, or on attributes. */
const sqsFilter: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 4, arbitrary: jsonFields.map((body) => ({ body })) },
  { weight: 1, arbitrary: plainValues.map((body) => ({ body })) },
  { weight: 1, arbitrary: fc.constantFrom('vip', 'std').map((group) => ({ attributes: { MessageGroupId: [group] } })) },
);
const sqsFilters = fc.array(sqsFilter, { minLength: 1, maxLength: 5 });

/** The payload of a record: a JSON object of the fields, or plain text. */
const payload: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), scalar, { maxKeys: 3 }).map((o) => JSON.stringify(o)) },
  { weight: 1, arbitrary: fc.constantFrom('PAID', 'NEW', 'hello world', 'PA-1') },
);
const sqsRecord = fc.record({ body: payload, group: fc.constantFrom('vip', 'std') }).map(({ body, group }) => ({
  messageId: 'm-1',
  body,
  attributes: { ApproximateReceiveCount: '1', MessageGroupId: group },
  messageAttributes: {},
}));

/** Builds pipes cheaply: one app and stack, one source and target, shared by every pipe of a property. */
function pipeFactory(kind: 'sqs' | 'kinesis'): (filters: Array<Record<string, unknown>>) => EventPipe {
  const { stack } = testStack();
  const source = kind === 'sqs' ? PipeSource.queueWithDlq(new QueueWithDlq(stack, 'Orders')) : PipeSource.kinesisStream(new kinesis.Stream(stack, 'Stream'));
  const target = PipeTarget.eventBus(new events.EventBus(stack, 'Bus'));
  let n = 0;
  return (filters) => new EventPipe(stack, `Pipe${n++}`, { source, target, filters });
}

describe('EventPipe offline filters, on random filters and records', () => {
  test('a record goes on when it matches any filter alone: matches is the OR of each filter', () => {
    // Several filters are combined with a logical OR (alpha README; Lambda docs "If an event satisfies any one of these five filters").
    const pipeWith = pipeFactory('sqs');
    fc.assert(
      fc.property(sqsFilters, fc.array(sqsRecord, { minLength: 1, maxLength: 5 }), (filters, records) => {
        const all = pipeWith(filters);
        const each = filters.map((f) => pipeWith([f]));
        for (const record of records) {
          expect(all.matches(record)).toBe(each.some((p) => p.matches(record)));
        }
      }),
      { numRuns: 60 },
    );
  });

  test('both outcomes occur on these samples (the OR property is not vacuous)', () => {
    const pipeWith = pipeFactory('sqs');
    const outcomes = { matched: 0, dropped: 0 };
    fc.assert(
      fc.property(sqsFilters, sqsRecord, (filters, record) => {
        if (pipeWith(filters).matches(record)) {
          outcomes.matched++;
        } else {
          outcomes.dropped++;
        }
      }),
      { numRuns: 80 },
    );
    expect(outcomes.matched).toBeGreaterThan(5);
    expect(outcomes.dropped).toBeGreaterThan(5);
  });

  test('an SQS body that is not JSON never matches a filter of JSON fields under body', () => {
    // UG "Event filtering in Amazon EventBridge Pipes": a plain-string body with a JSON body pattern is a mismatch, and
    // "EventBridge drops the message".
    const pipeWith = pipeFactory('sqs');
    const notJson = fc.string({ minLength: 1, maxLength: 20 }).filter((text) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    });
    fc.assert(
      fc.property(fc.array(jsonFields, { minLength: 1, maxLength: 5 }), notJson, (bodies, body) => {
        const pipe = pipeWith(bodies.map((b) => ({ body: b })));
        const record = { messageId: 'm-1', body, attributes: {}, messageAttributes: {} };
        expect(pipe.matches(record)).toBe(false);
        expect(pipe.explain(record).reasons.join('\n')).toMatch(/the body is not JSON/);
      }),
      { numRuns: 60 },
    );
  });

  test('explain(record).matched is matches(record)', () => {
    const pipeWith = pipeFactory('sqs');
    fc.assert(
      fc.property(fc.array(sqsFilter, { minLength: 0, maxLength: 5 }), sqsRecord, (filters, record) => {
        const pipe = pipeWith(filters);
        const explanation = pipe.explain(record);
        expect(explanation.matched).toBe(pipe.matches(record));
        expect(explanation.reasons.length).toBeGreaterThan(0);
      }),
      { numRuns: 80 },
    );
  });

  test('a Kinesis record matches as an SQS message with the same payload: data is base64-decoded, then read as body is', () => {
    // UG "Event filtering in Amazon EventBridge Pipes": SQS body and Kinesis data are both parsed as JSON when they are JSON,
    // Kinesis data after base64 decoding ("you can use filters on the decoded fields"). Patterns of JSON fields only: a pattern of
    // plain values on Kinesis data is refused when the pipe is created (same page), and at synth.
    const sqsPipe = pipeFactory('sqs');
    const kinesisPipe = pipeFactory('kinesis');
    fc.assert(
      fc.property(fc.array(jsonFields, { minLength: 1, maxLength: 5 }), payload, (patterns, text) => {
        const bySqs = sqsPipe(patterns.map((p) => ({ body: p }))).matches({ messageId: 'm-1', body: text, attributes: {} });
        const byKinesis = kinesisPipe(patterns.map((p) => ({ data: p }))).matches({ partitionKey: '1', sequenceNumber: '1', data: Buffer.from(text).toString('base64') });
        expect(byKinesis).toBe(bySqs);
      }),
      { numRuns: 60 },
    );
  });

  test('the template carries each filter as the JSON of its pattern, in order, always under FilterCriteria', () => {
    fc.assert(
      fc.property(fc.array(sqsFilter, { minLength: 0, maxLength: 5 }), (filters) => {
        const { stack } = testStack();
        new EventPipe(stack, 'Pipe', { source: PipeSource.queueWithDlq(new QueueWithDlq(stack, 'Orders')), target: PipeTarget.eventBus(new events.EventBus(stack, 'Bus')), filters });
        const written = pipeProperties(Template.fromStack(stack)).SourceParameters.FilterCriteria.Filters;
        expect(written.map((f: { Pattern: string }) => JSON.parse(f.Pattern))).toEqual(filters);
      }),
      { numRuns: 25 },
    );
  });
});
