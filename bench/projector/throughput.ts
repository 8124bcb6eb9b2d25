/**
 * Throughput benchmark of the KinesisCqrsPipeline's default projector (`createProjector` in
 * `src/kinesis-cqrs-pipeline/projector/`), not a test.
 *
 * What it measures: the projector handler, called the way Lambda calls it, one Kinesis batch
 * after the other (one shard), with the construct's default batch size (100 records) and the
 * projector's default settings (16 entities in parallel, 3 conflict retries). Batches are generated
 * beforehand (event envelopes as base64 `data`, one entity per partition key) and the projector's
 * per-batch log line is discarded, so the timed part is the projector and its DynamoDB calls only.
 * Two workloads, each in the default projection mode (`snapshot`: envelopes without `mode`) and in
 * `patch` mode:
 * - `uniform`: consecutive records belong to different entities (10,000 in turn), so a batch
 *   touches 100 entities;
 * - `hot`: every record belongs to one of 5 entities, so a batch touches 5 entities.
 * Each runs against two back ends, behind a decorator that counts every GetItem and PutItem:
 * - `in-process fake`: a Map-backed table (`test/helpers/dynamodb-fake.ts`, the one the
 *   projector's tests use) that evaluates condition expressions and checks keys and item sizes
 *   as DynamoDB does; 20,000 records by default;
 * - `emulator DynamoDB`: MiniStack's DynamoDB (`integ/harness/emulator.ts`) on a loopback port, one new
 *   table per run; 15,000 records by default (30 to 35 s per uniform workload on two cores).
 * Two warm-up batches on other entities precede each timed run. Every batch must come back
 * without batch item failures, and the stored versions are checked after each run; otherwise the
 * benchmark fails.
 *
 * How to run it (from the repository root):
 *
 *   npx ts-node --transpile-only -P tsconfig.dev.json bench/projector/throughput.ts \
 *     [--no-emulator] [--fake-records N] [--emulator-records N]
 *
 * It prints a table, then the rows as JSON. The emulator needs Python 3.10+ (`.venv/` is created
 * on first use). `runProjectorBench` returns the same rows to another runner.
 *
 * What the figures mean:
 * - records per second on the fake is the projector's own CPU cost (decoding, validation,
 *   folding, marshalling; the fake's copies add about 5 %) on this machine: the ceiling of one
 *   shard, since a real table only adds round trips;
 * - records per second on the emulator is bounded by the emulator's HTTP round trips on loopback
 *   (a Python process sharing the two cores with the projector), not by DynamoDB: it tells
 *   nothing about DynamoDB's latency, only that the same calls succeed against the DynamoDB API
 *   as the emulator implements it;
 * - reads and writes per record are exact call counts and hold on DynamoDB too (snapshot: one
 *   write per entity per batch, no read; patch: one read and one write per entity per batch).
 *   They depend on how many entities a batch touches, not on the back end.
 */
// The benchmark is a development tool, like the tests: it uses their dev dependencies.
/* eslint-disable import/no-extraneous-dependencies */
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  waitUntilTableExists,
  type AttributeValue,
  type GetItemCommandOutput,
  type PutItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { EMULATOR_REGION, ensureInstalled, startEmulator, stopEmulator } from '../../integ/harness/emulator';
import {
  createProjector,
  DEFAULT_PARTITION_KEY,
  type JsonObject,
  type LogLine,
  type ProjectionMode,
  type ReadModelClient,
} from '../../src/kinesis-cqrs-pipeline/projector';
import { PIPELINE_DEFAULTS } from '../../src/kinesis-cqrs-pipeline/validate-kinesis-cqrs-pipeline-props';
import { FakeDynamoDbTable, type Item } from '../../test/helpers/dynamodb-fake';

/** Options of {@link runProjectorBench}. */
export interface ProjectorBenchOptions {
  /** Also run against the emulator's DynamoDB (starts and stops MiniStack). @default true */
  readonly emulator?: boolean;
  /** Records per run on the in-process fake. @default 20000 */
  readonly fakeRecords?: number;
  /** Records per run on the emulator (each run stays under about 60 s on two cores). @default 15000 */
  readonly emulatorRecords?: number;
  /** Progress messages. @default one line on stderr */
  readonly log?: (message: string) => void;
}

/** One measured run: a workload on a back end. */
export interface ProjectorBenchRow {
  readonly backEnd: 'in-process fake' | 'emulator DynamoDB';
  /** `uniform` or `hot` (default snapshot mode), or the same with ` (patch mode)`. */
  readonly workload: string;
  readonly records: number;
  readonly batches: number;
  /** Wall-clock time of the timed batches. */
  readonly seconds: number;
  readonly recordsPerSecond: number;
  /** GetItem calls per record. */
  readonly readsPerRecord: number;
  /** PutItem calls per record (failed conditional writes included). */
  readonly writesPerRecord: number;
  /** Distinct entities the records belong to. */
  readonly entities: number;
}

const DEFAULT_FAKE_RECORDS = 20_000;
const DEFAULT_EMULATOR_RECORDS = 15_000;
const BATCH_SIZE = PIPELINE_DEFAULTS.batchSize;
const WARM_UP_BATCHES = 2;
const UNIFORM_ENTITIES = 10_000;
const HOT_ENTITIES = 5;
/** Entities whose stored version is read back after an emulator run (all of them on the fake). */
const CHECKED_ENTITIES = 20;

const SHARD_ID = 'shardId-000000000000';
const STREAM_ARN = `arn:aws:kinesis:${EMULATOR_REGION}:000000000000:stream/projector-bench`;
const FIRST_SEQUENCE_NUMBER = 49_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000n;
const START_TIME = Date.UTC(2026, 0, 1);

interface Workload {
  readonly name: string;
  readonly entities: number;
  readonly mode: ProjectionMode;
}

/** The default projection mode first (envelopes without `mode` are snapshots), then patch mode. */
const WORKLOADS: readonly Workload[] = [
  { name: 'uniform', entities: UNIFORM_ENTITIES, mode: 'snapshot' },
  { name: 'hot', entities: HOT_ENTITIES, mode: 'snapshot' },
  { name: 'uniform (patch mode)', entities: UNIFORM_ENTITIES, mode: 'patch' },
  { name: 'hot (patch mode)', entities: HOT_ENTITIES, mode: 'patch' },
];

// ---------------------------------------------------------------------------
// Counting decorator
// ---------------------------------------------------------------------------

/** Counts the calls the projector makes to a read-model client, and passes them on. */
class CountingClient implements ReadModelClient {
  reads = 0;
  writes = 0;
  failedConditions = 0;

  constructor(private readonly inner: ReadModelClient) {}

  reset(): void {
    this.reads = 0;
    this.writes = 0;
    this.failedConditions = 0;
  }

  send(command: GetItemCommand): Promise<GetItemCommandOutput>;
  send(command: PutItemCommand): Promise<PutItemCommandOutput>;
  async send(command: GetItemCommand | PutItemCommand): Promise<GetItemCommandOutput | PutItemCommandOutput> {
    if (command instanceof GetItemCommand) {
      this.reads++;
      return this.inner.send(command);
    }
    this.writes++;
    try {
      return await this.inner.send(command);
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
        this.failedConditions++;
      }
      throw error;
    }
  }
}

// ---------------------------------------------------------------------------
// Generated batches
// ---------------------------------------------------------------------------

/** A generated stream: its batches and the last version of each entity. */
interface GeneratedStream {
  readonly batches: readonly KinesisStreamEvent[];
  readonly records: number;
  readonly lastVersions: ReadonlyMap<string, number>;
}

/** Event data: an order's full state (snapshot) or the attributes that changed (patch). */
function eventData(entityId: string, version: number, mode: ProjectionMode): JsonObject {
  const status = ['placed', 'paid', 'packed', 'shipped', 'delivered'][version % 5];
  const total = 1000 + ((version * 37) % 500);
  if (mode === 'patch') {
    return version === 1 ? { customerId: `customer-${entityId}`, currency: 'EUR', status, total } : { status, total };
  }
  return {
    customerId: `customer-${entityId}`,
    currency: 'EUR',
    status,
    total,
    lines: [
      { sku: 'SKU-1001', quantity: 1 + (version % 3), unitPrice: 499 },
      { sku: 'SKU-2002', quantity: 2, unitPrice: 250 },
    ],
    shippingAddress: { city: 'Lyon', country: 'FR', postcode: '69002' },
  };
}

/**
 * `count` records of `workload` in batches of the default size, one shard, sequence numbers from
 * `firstPosition`; record i belongs to entity `prefix-(i mod entities)`.
 */
function generateStream(workload: Workload, count: number, prefix: string, firstPosition = 0): GeneratedStream {
  const versions = new Map<string, number>();
  const records: KinesisStreamRecord[] = [];
  for (let i = 0; i < count; i++) {
    const entityId = `${prefix}-${String(i % workload.entities).padStart(5, '0')}`;
    const version = (versions.get(entityId) ?? 0) + 1;
    versions.set(entityId, version);
    const position = firstPosition + i;
    const envelope = {
      entityId,
      version,
      type: version === 1 ? 'OrderPlaced' : 'OrderUpdated',
      time: new Date(START_TIME + position * 1000).toISOString(),
      data: eventData(entityId, version, workload.mode),
      ...(workload.mode === 'snapshot' ? {} : { mode: workload.mode }),
    };
    const sequenceNumber = (FIRST_SEQUENCE_NUMBER + BigInt(position)).toString();
    records.push({
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${SHARD_ID}:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      eventSourceARN: STREAM_ARN,
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/projector-bench',
      awsRegion: EMULATOR_REGION,
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: entityId,
        sequenceNumber,
        approximateArrivalTimestamp: (START_TIME / 1000) + position,
        data: Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64'),
      },
    });
  }
  const batches: KinesisStreamEvent[] = [];
  for (let start = 0; start < records.length; start += BATCH_SIZE) {
    batches.push({ Records: records.slice(start, start + BATCH_SIZE) });
  }
  return { batches, records: count, lastVersions: versions };
}

// ---------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------

/** A read-model table on one back end. */
interface BenchTable {
  readonly client: ReadModelClient;
  readonly tableName: string;
  /** The stored item of an entity, read outside the counted client. */
  readonly read: (entityId: string) => Promise<Item | undefined>;
  /** How many entities to read back after a run. */
  readonly checkedEntities: number;
}

interface RunResult {
  readonly row: Omit<ProjectorBenchRow, 'backEnd'>;
  readonly failedConditions: number;
}

async function runWorkload(table: BenchTable, workload: Workload, records: number): Promise<RunResult> {
  const counting = new CountingClient(table.client);
  let lastLogLine: LogLine | undefined;
  const project = createProjector({
    dynamodb: counting,
    config: { tableName: table.tableName },
    log: (line) => { lastLogLine = line; },
  });
  const projectChecked = async (batch: KinesisStreamEvent): Promise<void> => {
    const response = await project(batch);
    if (response.batchItemFailures.length > 0) {
      throw new Error(`the projector reported batch item failures on ${workload.name}: `
        + `${JSON.stringify(response.batchItemFailures)}; its log line: ${JSON.stringify(lastLogLine)}`);
    }
  };

  const warmUp = generateStream(workload, WARM_UP_BATCHES * BATCH_SIZE, 'warm-up');
  for (const batch of warmUp.batches) {
    await projectChecked(batch);
  }
  const stream = generateStream(workload, records, 'order', warmUp.records);
  counting.reset();

  const started = performance.now();
  for (const batch of stream.batches) {
    await projectChecked(batch);
  }
  const seconds = (performance.now() - started) / 1000;

  await checkStoredVersions(table, stream.lastVersions);
  return {
    row: {
      workload: workload.name,
      records: stream.records,
      batches: stream.batches.length,
      seconds,
      recordsPerSecond: stream.records / seconds,
      readsPerRecord: counting.reads / stream.records,
      writesPerRecord: counting.writes / stream.records,
      entities: stream.lastVersions.size,
    },
    failedConditions: counting.failedConditions,
  };
}

/** Fails unless the table holds the last version of the entities (a spread sample of them). */
async function checkStoredVersions(table: BenchTable, lastVersions: ReadonlyMap<string, number>): Promise<void> {
  const entries = [...lastVersions];
  const step = Math.max(1, Math.floor(entries.length / Math.min(table.checkedEntities, entries.length)));
  for (let i = 0; i < entries.length; i += step) {
    const [entityId, version] = entries[i];
    const stored = (await table.read(entityId))?.version?.N;
    if (stored !== String(version)) {
      throw new Error(`entity ${entityId} is stored at version ${stored ?? '(none)'}, expected ${version}`);
    }
  }
}

function fakeTable(workload: Workload): BenchTable {
  const table = new FakeDynamoDbTable(`read-model-${slug(workload.name)}`);
  return { client: table, tableName: table.tableName, read: async (entityId) => table.item(entityId), checkedEntities: Infinity };
}

async function emulatorTable(dynamodb: DynamoDBClient, workload: Workload): Promise<BenchTable> {
  const tableName = `projector-bench-${slug(workload.name)}`;
  await dynamodb.send(new CreateTableCommand({
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: DEFAULT_PARTITION_KEY, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: DEFAULT_PARTITION_KEY, KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  await waitUntilTableExists({ client: dynamodb, maxWaitTime: 60 }, { TableName: tableName });
  const key = (entityId: string): Record<string, AttributeValue> => ({ [DEFAULT_PARTITION_KEY]: { S: entityId } });
  return {
    client: dynamodb,
    tableName,
    read: async (entityId) => (await dynamodb.send(new GetItemCommand({ TableName: tableName, Key: key(entityId), ConsistentRead: true }))).Item,
    checkedEntities: CHECKED_ENTITIES,
  };
}

function slug(name: string): string {
  return name.replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '').toLowerCase();
}

function describeRun(backEnd: string, result: RunResult): string {
  const { row } = result;
  return `${backEnd}, ${row.workload}: ${row.records} records in ${row.seconds.toFixed(2)} s `
    + `(${Math.round(row.recordsPerSecond)}/s, ${row.readsPerRecord.toFixed(3)} reads and ${row.writesPerRecord.toFixed(3)} writes per record, `
    + `${result.failedConditions} failed conditions)`;
}

/**
 * Runs every workload on the in-process fake, then (unless `emulator` is false) on the emulator's
 * DynamoDB, which it starts and stops. Rejects when a batch reports item failures.
 */
export async function runProjectorBench(options: ProjectorBenchOptions = {}): Promise<ProjectorBenchRow[]> {
  const log = options.log ?? ((message: string) => process.stderr.write(`[projector bench] ${message}\n`));
  const fakeRecords = positiveInteger('fakeRecords', options.fakeRecords ?? DEFAULT_FAKE_RECORDS);
  const emulatorRecords = positiveInteger('emulatorRecords', options.emulatorRecords ?? DEFAULT_EMULATOR_RECORDS);
  const rows: ProjectorBenchRow[] = [];

  const fakeStarted = performance.now();
  for (const workload of WORKLOADS) {
    const result = await runWorkload(fakeTable(workload), workload, fakeRecords);
    log(describeRun('in-process fake', result));
    rows.push({ backEnd: 'in-process fake', ...result.row });
  }
  log(`in-process fake: done in ${((performance.now() - fakeStarted) / 1000).toFixed(1)} s`);

  if (options.emulator ?? true) {
    const emulatorStarted = performance.now();
    ensureInstalled();
    const emulator = await startEmulator();
    const dynamodb = new DynamoDBClient({
      endpoint: emulator.endpoint,
      region: EMULATOR_REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      for (const workload of WORKLOADS) {
        const result = await runWorkload(await emulatorTable(dynamodb, workload), workload, emulatorRecords);
        log(describeRun('emulator DynamoDB', result));
        rows.push({ backEnd: 'emulator DynamoDB', ...result.row });
      }
    } finally {
      dynamodb.destroy();
      await stopEmulator(emulator);
    }
    log(`emulator DynamoDB: done in ${((performance.now() - emulatorStarted) / 1000).toFixed(1)} s (emulator start and stop included)`);
  }
  return rows;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

function optionsFromArgs(args: readonly string[]): ProjectorBenchOptions {
  const valueOf = (flag: string): number | undefined => {
    const index = args.indexOf(flag);
    return index >= 0 ? Number(args[index + 1]) : undefined;
  };
  return {
    emulator: !args.includes('--no-emulator'),
    fakeRecords: valueOf('--fake-records'),
    emulatorRecords: valueOf('--emulator-records'),
  };
}

function formatTable(rows: readonly ProjectorBenchRow[]): string {
  const header = ['back end', 'workload', 'records', 'batches', 'entities', 'seconds', 'records/s', 'reads/record', 'writes/record'];
  const cells = rows.map((r) => [
    r.backEnd, r.workload, String(r.records), String(r.batches), String(r.entities), r.seconds.toFixed(2),
    String(Math.round(r.recordsPerSecond)), r.readsPerRecord.toFixed(3), r.writesPerRecord.toFixed(3),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (values: readonly string[]) => `| ${values.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i < 2 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...cells.map(line)].join('\n');
}

if (require.main === module) {
  runProjectorBench(optionsFromArgs(process.argv.slice(2)))
    .then((rows) => {
      console.log(formatTable(rows));
      console.log(JSON.stringify(rows, undefined, 2));
    })
    .catch((error) => {
      console.error(error instanceof Error ? error.stack ?? error.message : error);
      process.exit(1);
    });
}
