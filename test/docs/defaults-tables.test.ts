import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { readPage, ROOT, Table, tables } from './markdown';

// The defaults tables of the docs pages show the values the code uses: every
// `*_DEFAULTS` object of src/ is found by name, each of its keys must be placed
// in a row of its page's table below, and that row must show the value, as
// rendered here. A row named after a key (`maxReceiveCount`) must show that key's
// value too. The objects are found wherever they live in src/, so that moving a
// file does not hide one.

/** Where a key of a `*_DEFAULTS` object is documented, and how its value reads there. */
interface Placement {
  readonly page: string;
  /** The first cell of the row, exactly as written. */
  readonly row: string;
  /** How the value reads in the Default cell; by default durations as `4 days`, numbers as `1,000`, strings as code. */
  readonly shows?: (value: unknown) => string;
}

const QUEUE = 'docs/queue-with-dlq.md';
const FANOUT = 'docs/fanout-topic.md';
const SUBSCRIPTION = 'docs/filtered-subscription.md';
const ROUTE = 'docs/event-bus-route.md';
const PIPELINE = 'docs/kinesis-cqrs-pipeline.md';
const ALARMS = 'docs/alarms-and-dashboards.md';
const PIPE = 'docs/event-pipe.md';

const share = (value: unknown) => (value === 0.5 ? 'half the retention' : `${Math.round(Number(value) * 1000) / 10} % of the retention`);

const PLACEMENTS: Record<string, Record<string, Placement[]>> = {
  QUEUE_DEFAULTS: {
    maxReceiveCount: [{ page: QUEUE, row: '`maxReceiveCount`' }],
    retentionPeriod: [{ page: QUEUE, row: '`retentionPeriod`' }],
    deadLetterRetentionPeriod: [{ page: QUEUE, row: '`deadLetterRetentionPeriod`' }],
    receiveMessageWaitTime: [{ page: QUEUE, row: '`receiveMessageWaitTime`' }],
    visibilityTimeoutWithoutConsumer: [{ page: QUEUE, row: '`visibilityTimeout`', shows: (v) => `otherwise ${render(v)}` }],
    visibilityTimeoutsPerFunctionTimeout: [{ page: QUEUE, row: '`visibilityTimeout`', shows: (v) => `${render(v)} × the function timeout` }],
    lambdaDefaultTimeout: [{ page: QUEUE, row: 'Consumer timeout, when the function does not say' }],
    dataKeyReuse: [{ page: QUEUE, row: '`dataKeyReuse`' }],
    minimumOldestMessageAgeThreshold: [{ page: QUEUE, row: 'Oldest-message alarm', shows: (v) => `at least ${render(v)}` }],
    maxReceiveCountWithLambda: [{ page: QUEUE, row: '`maxReceiveCount` with a consumer', shows: (v) => `a warning below ${render(v)}` }],
  },
  SUBSCRIPTION_DLQ_DEFAULTS: {
    retentionPeriod: [
      { page: SUBSCRIPTION, row: 'Subscription dead-letter queue', shows: (v) => `created: ${render(v)}` },
      { page: FANOUT, row: 'Its retention' },
      { page: 'docs/alarm-topic.md', row: 'Subscription dead-letter queue retention' },
    ],
  },
  ASYNC_INVOKE_DEFAULTS: {
    retryAttempts: [
      { page: SUBSCRIPTION, row: 'Lambda endpoint (`lambdaAsyncInvoke`)', shows: (v) => `\`retryAttempts\` ${render(v)}` },
      { page: ROUTE, row: 'Lambda targets', shows: (v) => `${render(v)} retries` },
    ],
    maxEventAge: [
      { page: SUBSCRIPTION, row: 'Lambda endpoint (`lambdaAsyncInvoke`)', shows: (v) => `\`maxEventAge\` ${render(v)}` },
      { page: ROUTE, row: 'Lambda targets', shows: (v) => `events kept ${render(v)}` },
    ],
    retentionPeriod: [{ page: SUBSCRIPTION, row: 'Lambda endpoint (`lambdaAsyncInvoke`)', shows: (v) => `an on-failure queue kept ${render(v)}` }],
  },
  CONSUMER_ALARM_DEFAULTS: {
    period: [{ page: ALARMS, row: 'Consumer alarm period' }],
    errorsThreshold: [{ page: ALARMS, row: 'Errors alarm', shows: (v) => `errors above ${render(v)}` }],
    throttlesThreshold: [{ page: ALARMS, row: 'Throttles alarm', shows: (v) => `throttles above ${render(v)}` }],
  },
  ROUTE_DEFAULTS: {
    retryAttempts: [{ page: ROUTE, row: '`retryAttempts`' }],
    maxEventAge: [{ page: ROUTE, row: '`maxEventAge`' }],
    deadLetterRetentionPeriod: [{ page: ROUTE, row: 'Dead-letter queue retention' }],
    archiveRetention: [{ page: ROUTE, row: 'Archive', shows: (v) => `kept ${render(v)}` }],
    maxEventPatternSize: [{ page: ROUTE, row: '`maxEventPatternSize`' }],
  },
  PIPE_SOURCE_DEFAULTS: {
    batchSize: [{ page: PIPE, row: '`batchSize`' }],
    retryAttempts: [{ page: PIPE, row: '`retryAttempts`' }],
    dynamoDbStreamRetention: [{ page: PIPE, row: 'DynamoDB stream retention' }],
  },
  PIPELINE_DEFAULTS: {
    streamMode: [{ page: PIPELINE, row: 'Stream capacity' }],
    shardCount: [{ page: PIPELINE, row: 'Stream capacity', shows: (v) => `${render(v)} shard` }],
    retentionPeriod: [{ page: PIPELINE, row: '`retentionPeriod`' }],
    importedStreamRetention: [{ page: PIPELINE, row: 'Retention of a stream you bring', shows: (v) => `otherwise ${render(v)} assumed` }],
    partitionKey: [{ page: PIPELINE, row: '`partitionKey`' }],
    projectorMemorySize: [{ page: PIPELINE, row: 'Projector', shows: (v) => `${render(v)} MB` }],
    projectorTimeout: [{ page: PIPELINE, row: 'Projector', shows: (v) => `timeout ${render(v)}` }],
    batchSize: [{ page: PIPELINE, row: '`batchSize`' }],
    parallelizationFactor: [{ page: PIPELINE, row: '`parallelizationFactor`' }],
    retryAttempts: [{ page: PIPELINE, row: '`retryAttempts`' }],
    maxRecordAgeShareOfRetention: [{ page: PIPELINE, row: '`maxRecordAge`', shows: share }],
    iteratorAgeShareOfRetention: [{ page: PIPELINE, row: 'Iterator-age alarms', shows: share }],
    failureQueueRetention: [{ page: PIPELINE, row: 'Failure queue', shows: (v) => `retention ${render(v)}` }],
    failureBucketMetrics: [{ page: PIPELINE, row: '`metricsConfig`', shows: (v) => `${render(v)} with a failure bucket` }],
  },
};

/** A default as the docs write it: `14 days`, `1 minute`, `1,000`, `` `pk` ``. */
export function render(value: unknown): string {
  if (value instanceof Duration) {
    // Whole days from 2 days up (`14 days`), `24 hours` below, as the pages write them.
    const seconds = value.toSeconds();
    for (const [unit, size] of [['day', 86400], ['hour', 3600], ['minute', 60]] as const) {
      if (seconds % size === 0 && seconds >= (unit === 'day' ? 2 * size : size)) {
        return plural(seconds / size, unit);
      }
    }
    return plural(seconds, 'second');
  }
  if (typeof value === 'number') {
    return value.toLocaleString('en-US');
  }
  if (typeof value === 'string') {
    return `\`${value}\``;
  }
  throw new Error(`no rendering for ${String(value)}`);
}

function plural(n: number, unit: string): string {
  return `${n.toLocaleString('en-US')} ${unit}${n === 1 ? '' : 's'}`;
}

/** Every `export const X_DEFAULTS` of src/, loaded from its file. */
function defaultsObjects(): Map<string, { file: string; value: Record<string, unknown> }> {
  const found = new Map<string, { file: string; value: Record<string, unknown> }>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.lambda.ts')) {
        for (const match of fs.readFileSync(full, 'utf8').matchAll(/^export const (\w+_DEFAULTS)\b/gm)) {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          found.set(match[1], { file: path.relative(ROOT, full), value: require(full)[match[1]] });
        }
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  return found;
}

const DEFAULTS = defaultsObjects();

/** The defaults tables of a page: those whose first header cell is `Setting`. */
function defaultsTables(page: string): Table[] {
  return tables(readPage(page)).filter((t) => t.header[0] === 'Setting' && t.header[1] === 'Default');
}

test('src has the *_DEFAULTS objects this test places, and no other', () => {
  expect([...DEFAULTS.keys()].sort()).toEqual(Object.keys(PLACEMENTS).sort());
});

test('every key of every *_DEFAULTS object has a row in its page\'s defaults table', () => {
  const missing: string[] = [];
  for (const [name, { file, value }] of DEFAULTS) {
    for (const key of Object.keys(value)) {
      if (!PLACEMENTS[name]?.[key]?.length) {
        missing.push(`${name}.${key} (${file}) is in no defaults table: add a row to its page and place it in test/docs/defaults-tables.test.ts`);
      }
    }
  }
  expect(missing).toEqual([]);
});

test('each row of a defaults table shows the value the code uses', () => {
  const wrong: string[] = [];
  for (const [name, keys] of Object.entries(PLACEMENTS)) {
    const value = DEFAULTS.get(name)?.value ?? {};
    for (const [key, placements] of Object.entries(keys)) {
      if (!(key in value)) {
        wrong.push(`${name}.${key} is placed in a table but is not a key of ${name}`);
        continue;
      }
      for (const { page, row, shows } of placements) {
        const expected = (shows ?? render)(value[key]);
        const rows = defaultsTables(page).flatMap((t) => t.rows).filter((r) => r.cells[0] === row);
        if (rows.length === 0) {
          wrong.push(`${page}: no defaults row "${row}" (for ${name}.${key} = ${render(value[key])})`);
        }
        for (const r of rows) {
          if (!(r.cells[1] ?? '').includes(expected)) {
            wrong.push(`${page}:${r.line}: row "${row}" shows "${r.cells[1]}"; the code's ${name}.${key} reads "${expected}"`);
          }
        }
      }
    }
  }
  expect(wrong).toEqual([]);
});

test('a row named after a key of its page\'s *_DEFAULTS object shows that key\'s value', () => {
  const wrong: string[] = [];
  for (const [name, keys] of Object.entries(PLACEMENTS)) {
    const value = DEFAULTS.get(name)?.value ?? {};
    // The object's own page: where its first key is placed.
    const home = Object.values(keys)[0][0].page;
    for (const page of [home]) {
      for (const r of defaultsTables(page).flatMap((t) => t.rows)) {
        const key = /^`(\w+)`$/.exec(r.cells[0])?.[1];
        const placed = key ? keys[key]?.some((p) => p.page === page && p.row === r.cells[0]) : false;
        if (key && key in value && !placed && !(r.cells[1] ?? '').includes(render(value[key]))) {
          wrong.push(`${page}:${r.line}: row "${r.cells[0]}" shows "${r.cells[1]}"; the code's ${name}.${key} is "${render(value[key])}"`);
        }
      }
    }
  }
  expect(wrong).toEqual([]);
});

test('render writes durations and numbers as the tables do', () => {
  expect([Duration.days(14), Duration.hours(24), Duration.hours(6), Duration.minutes(1), Duration.seconds(20), 1000, 'pk'].map(render))
    .toEqual(['14 days', '24 hours', '6 hours', '1 minute', '20 seconds', '1,000', '`pk`']);
});
