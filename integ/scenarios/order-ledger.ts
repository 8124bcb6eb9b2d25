/**
 * order-ledger (KinesisCqrsPipeline): commands through the command-side
 * function, with duplicates and out-of-order versions, leave the read model
 * at the latest version of each entity; an unparseable record reaches the
 * failure queue; the rebuilt projection equals the live one; the query-side
 * function reads the read model.
 *
 * The rebuild is played as docs/kinesis-cqrs-pipeline.md describes it: the second projection's
 * event source mapping is disabled while the events arrive (as if the
 * projection did not exist yet), then enabled once the live read model is
 * complete, so that it replays the retained events from the trim horizon.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { GetEventSourceMappingCommand, InvokeCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { onlyStack, PatternReport, referencedLogicalId, ScenarioContext } from './scenario';
import { pollUntil } from '../harness/poll';
import { receiveAll } from '../harness/queues';
import { DeployedResource, DeployedStack, displayName } from '../harness/stack';

/** One command for the command-side function (PlaceOrder). */
export interface OrderCommand {
  readonly orderId: string;
  readonly version: number;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly mode?: 'snapshot' | 'patch';
}

/** The commands, in the order they are sent, and the state each entity must end in. */
/** The state an entity must end in. */
export interface ExpectedEntity {
  readonly version: number;
  readonly state: Record<string, unknown>;
}

export function ledgerCommands(runTag: string): { commands: OrderCommand[]; expected: Record<string, ExpectedEntity> } {
  const id = (n: number) => `l${n}-${runTag}`;
  const snapshot = (orderId: string, version: number, status: string, amount: number): OrderCommand => ({
    orderId, version, type: `Order${status[0].toUpperCase()}${status.slice(1)}`, data: { status, amount },
  });
  const commands: OrderCommand[] = [
    // in order
    snapshot(id(0), 1, 'placed', 100), snapshot(id(0), 2, 'paid', 100), snapshot(id(0), 3, 'shipped', 100),
    // duplicates: version 2 twice, the last event twice
    snapshot(id(1), 1, 'placed', 250), snapshot(id(1), 2, 'paid', 250), snapshot(id(1), 2, 'paid', 250),
    snapshot(id(1), 3, 'shipped', 250), snapshot(id(1), 3, 'shipped', 250),
    // out of order: 3 before 2, and 1 last
    snapshot(id(2), 3, 'shipped', 75), snapshot(id(2), 2, 'paid', 75), snapshot(id(2), 1, 'placed', 75),
    // a single event
    snapshot(id(3), 1, 'placed', 5000),
    // a snapshot then patches
    { orderId: id(4), version: 1, type: 'OrderPlaced', data: { status: 'placed', amount: 42, items: 2 } },
    { orderId: id(4), version: 2, type: 'OrderPaid', data: { status: 'paid' }, mode: 'patch' },
    { orderId: id(4), version: 3, type: 'OrderShipped', data: { carrier: 'post', items: null }, mode: 'patch' },
  ];
  const expected = {
    [id(0)]: { version: 3, state: { status: 'shipped', amount: 100 } },
    [id(1)]: { version: 3, state: { status: 'shipped', amount: 250 } },
    [id(2)]: { version: 3, state: { status: 'shipped', amount: 75 } },
    [id(3)]: { version: 1, state: { status: 'placed', amount: 5000 } },
    [id(4)]: { version: 3, state: { status: 'paid', amount: 42, carrier: 'post' } },
  };
  return { commands, expected };
}

export interface Projection {
  /** Construct path of the table without the stack. */
  readonly name: string;
  readonly table: DeployedResource;
  readonly projector: DeployedResource;
  readonly mapping: DeployedResource;
  readonly failureQueue?: DeployedResource;
}

export interface OrderLedgerResult {
  readonly stream: string;
  readonly commandsSent: number;
  readonly unparseablePartitionKey: string;
  readonly expected: Record<string, ExpectedEntity>;
  /** Items of this run in each projection's table, by projection name, keyed by entity id. */
  readonly readModels: Record<string, Record<string, any>>;
  /** The projection the query side reads. */
  readonly liveProjection: string;
  /** Rows of this run in each rebuilt projection when its mapping was enabled (0: nothing consumed before the rebuild). */
  readonly rowsBeforeRebuild: Record<string, number>;
  /** Failure-queue messages carrying the unparseable record, by projection name. */
  readonly unparseableInFailureQueue: Record<string, number>;
  /** What the query-side function returned for each entity. */
  readonly queried: Record<string, any>;
  readonly seconds: number;
  readonly report: PatternReport;
}

function tableOfFunction(stack: DeployedStack, fn: DeployedResource): DeployedResource | undefined {
  const id = referencedLogicalId(fn.properties.Environment?.Variables?.TABLE_NAME);
  return id ? stack.byLogicalId(id) : undefined;
}

/** Projections: projector functions fed by the stream (event source mapping), their table and failure queue. */
function projections(stack: DeployedStack, stream: DeployedResource): Projection[] {
  return stack.ofType('AWS::Lambda::EventSourceMapping')
    .filter((m) => referencedLogicalId(m.properties.EventSourceArn) === stream.logicalId)
    .map((mapping) => {
      const projector = stack.byLogicalId(referencedLogicalId(mapping.properties.FunctionName)!);
      const table = tableOfFunction(stack, projector);
      if (!table) {
        throw new Error(`${projector.path} has no TABLE_NAME`);
      }
      const failureId = referencedLogicalId(mapping.properties.DestinationConfig?.OnFailure?.Destination);
      return { name: displayName(table), table, projector, mapping, failureQueue: failureId ? stack.byLogicalId(failureId) : undefined };
    });
}

async function invoke(ctx: ScenarioContext, fn: DeployedResource, payload: unknown): Promise<any> {
  const response = await ctx.clients.lambda.send(new InvokeCommand({ FunctionName: fn.physicalId, Payload: Buffer.from(JSON.stringify(payload)) }));
  const text = Buffer.from(response.Payload ?? []).toString('utf8');
  if (response.FunctionError) {
    throw new Error(`${fn.path} failed: ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
}

export async function scanEntities(ctx: ScenarioContext, table: DeployedResource, ids: string[]): Promise<Record<string, any>> {
  const items: Record<string, any> = {};
  let start: Record<string, any> | undefined;
  do {
    const page = await ctx.clients.dynamodb.send(new ScanCommand({ TableName: table.physicalId, ExclusiveStartKey: start, ConsistentRead: true }));
    for (const item of (page.Items ?? []).map((i) => unmarshall(i))) {
      if (ids.includes(item.pk)) {
        items[item.pk] = item;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The parts of the deployed order-ledger: its stream, projections (the live one first read by the query side), command and query functions. */
export interface LedgerParts {
  readonly stream: DeployedResource;
  readonly projected: Projection[];
  readonly live: Projection;
  readonly command: DeployedResource;
  readonly query: DeployedResource;
}

export function ledgerParts(stack: DeployedStack): LedgerParts {
  const streams = stack.ofType('AWS::Kinesis::Stream');
  if (streams.length !== 1) {
    throw new Error(`expected one stream, found ${streams.length}`);
  }
  const stream = streams[0];
  const projected = projections(stack, stream);
  const functions = stack.ofType('AWS::Lambda::Function');
  const command = functions.find((f) => referencedLogicalId(f.properties.Environment?.Variables?.STREAM_NAME) === stream.logicalId);
  const projectorIds = new Set(projected.map((p) => p.projector.logicalId));
  const query = functions.find((f) => !projectorIds.has(f.logicalId) && tableOfFunction(stack, f));
  if (!command || !query) {
    throw new Error('expected a command-side function (STREAM_NAME) and a query-side function (TABLE_NAME)');
  }
  const live = projected.find((p) => p.table.logicalId === tableOfFunction(stack, query)!.logicalId) ?? projected[0];
  return { stream, projected, live, command, query };
}

export async function runOrderLedger(ctx: ScenarioContext): Promise<OrderLedgerResult> {
  const started = Date.now();
  const stack = onlyStack(ctx.stacks);
  const { clients, log } = ctx;
  const { stream, projected, live, command, query } = ledgerParts(stack);

  const rebuilt = projected.filter((p) => p !== live);
  const setEnabled = async (p: Projection, enabled: boolean) => {
    await clients.lambda.send(new UpdateEventSourceMappingCommand({ UUID: p.mapping.physicalId, Enabled: enabled }));
    await pollUntil(
      async () => (await clients.lambda.send(new GetEventSourceMappingCommand({ UUID: p.mapping.physicalId }))).State,
      (state) => state === (enabled ? 'Enabled' : 'Disabled'),
      { description: `the event source mapping of ${p.name} ${enabled ? 'enabled' : 'disabled'}`, timeoutMs: 60_000, intervalMs: 500, log },
    );
  };
  for (const p of rebuilt) {
    await setEnabled(p, false);
  }

  const { commands, expected } = ledgerCommands(ctx.runTag);
  for (const c of commands) {
    await invoke(ctx, command, c);
  }
  const unparseablePartitionKey = `bad-${ctx.runTag}`;
  await clients.kinesis.send(new PutRecordCommand({
    StreamName: stream.physicalId, PartitionKey: unparseablePartitionKey, Data: Buffer.from(`not json {${ctx.runTag}`),
  }));
  log(`[order-ledger] sent ${commands.length} commands through ${displayName(command)} and 1 unparseable record to ${displayName(stream)}; `
    + `live projection ${live.name}${rebuilt.length ? `; ${rebuilt.map((p) => p.name).join(', ')} held back for the rebuild` : ''}`);

  // Wait for a projection to reach the expected versions, and the unparseable record in its failure queue.
  const ids = Object.keys(expected);
  const failureBodies = new Map<string, string[]>(projected.map((p) => [p.name, []]));
  const unparseableCount = async (p: Projection) => {
    if (p.failureQueue) {
      failureBodies.get(p.name)!.push(...(await receiveAll(clients, p.failureQueue.physicalId, 900)).map((m) => m.Body ?? ''));
    }
    return failureBodies.get(p.name)!.filter((b) => {
      try {
        return JSON.parse(b).partitionKey === unparseablePartitionKey;
      } catch {
        return false;
      }
    }).length;
  };
  const converge = async (p: Projection) => {
    const read = async () => ({ rows: await scanEntities(ctx, p.table, ids), failures: await unparseableCount(p) });
    const done = ({ rows, failures }: { rows: Record<string, any>; failures: number }) =>
      ids.every((id) => rows[id]?.version === expected[id].version) && (!p.failureQueue || failures >= 1);
    return pollUntil(read, done, {
      description: `${p.name} at the latest versions and the unparseable record in its failure queue`,
      timeoutMs: 180_000,
      intervalMs: 2_000,
      log,
      describe: (v) => (v
        ? `${ids.filter((id) => v.rows[id]?.version === expected[id].version).length} of ${ids.length} orders at their latest version`
          + (p.failureQueue ? `, unparseable record ${v.failures ? 'parked' : 'not parked yet'}` : '')
        : 'the last read failed'),
    }).catch(read);
  };
  const models: Record<string, Record<string, any>> = {};
  const failures: Record<string, number> = {};
  const liveState = await converge(live);
  models[live.name] = liveState.rows;
  failures[live.name] = liveState.failures;
  const rowsBeforeRebuild: Record<string, number> = {};
  for (const p of rebuilt) {
    rowsBeforeRebuild[p.name] = Object.keys(await scanEntities(ctx, p.table, ids)).length;
    log(`[order-ledger] live read model complete; rebuilding ${p.name} from the trim horizon (enabling its event source mapping)`);
    await setEnabled(p, true);
    const rebuiltState = await converge(p);
    models[p.name] = rebuiltState.rows;
    failures[p.name] = rebuiltState.failures;
  }
  const state = { models, failures };

  const queried: Record<string, any> = {};
  for (const id of ids) {
    queried[id] = await invoke(ctx, query, { orderId: id });
  }
  const seconds = (Date.now() - started) / 1000;
  const report: PatternReport = {
    example: 'order-ledger',
    pattern: 'KinesisCqrsPipeline: an event stream, idempotent projections into DynamoDB read models',
    lines: [
      `sent ${commands.length} order events for ${ids.length} orders through ${displayName(command)} (with duplicates and out-of-order versions) `
        + `+ 1 unparseable record to ${displayName(stream)}`,
      ...projected.map((p) => {
        const rows = Object.values(state.models[p.name]);
        const latest = ids.filter((id) => state.models[p.name][id]?.version === expected[id].version).length;
        const role = p === live ? ' (live)' : ` (rebuilt from the trim horizon; ${rowsBeforeRebuild[p.name]} rows before)`;
        return `${p.name}${role}: ${rows.length} rows, ${latest} at the latest version; `
          + `failure queue: ${p.failureQueue ? `${state.failures[p.name]} unparseable record(s)` : 'none'}`;
      }),
      `query side ${displayName(query)}: ${ids.filter((id) => queried[id]?.version === expected[id].version).length} of ${ids.length} orders read back `
        + `at their latest version (${seconds.toFixed(0)} s)`,
    ],
  };
  return {
    stream: stream.path,
    commandsSent: commands.length,
    unparseablePartitionKey,
    expected,
    readModels: state.models,
    liveProjection: live.name,
    rowsBeforeRebuild,
    unparseableInFailureQueue: state.failures,
    queried,
    seconds,
    report,
  };
}
