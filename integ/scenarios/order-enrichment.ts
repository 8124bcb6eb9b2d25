/**
 * order-enrichment (EventPipe): the pipe from the orders queue takes the
 * orders its filter admits, enriches them with the customer and puts them on
 * the event bus, whose route delivers them to `enriched-orders`; the pipe from
 * the status table's stream carries the INSERT and MODIFY records to the SNS
 * topic, whose subscriber queue keeps them.
 *
 * Which orders and records should go on is computed from the synthesized
 * filters with the suite's independent evaluator (harness/patterns.ts), over
 * samples on both sides of every condition. Where the emulator does not run
 * a pipe (gap pipes-sqs-source), each stage of the pipe is proven on its own:
 * the filter on the samples, the enrichment function on the batch Pipes would
 * hand it, the event the pipe would put through the route.
 */
import { DeleteItemCommand, DescribeTableCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { DescribePipeCommand } from '@aws-sdk/client-pipes';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { onlyStack, PatternReport, referencedLogicalId, ScenarioContext } from './scenario';
import { skipReason } from '../gaps/runner';
import { matchesPattern } from '../harness/patterns';
import { pollUntil } from '../harness/poll';
import { queueDepth, receiveAll, total } from '../harness/queues';
import { DeployedResource, DeployedStack, displayName } from '../harness/stack';

/** Sample orders: the body sent to the queue (a string is sent as it is). */
export const ENRICHMENT_ORDERS: Array<{ amount?: number | string; customerId?: string } | string> = [
  { amount: 50, customerId: 'c1' },
  { amount: 100, customerId: 'c1' }, // on the boundary: >= 100
  { amount: 99.99, customerId: 'c2' },
  { amount: 250, customerId: 'c2' },
  { amount: 1200, customerId: 'c9' }, // a customer the directory does not know
  { amount: '500', customerId: 'c1' }, // a string is not a number
  'amount=500', // not JSON: a filter on body fields never matches it
];

/** The customers the example's enrichment function knows, by id: what it must add. */
const KNOWN_TIERS: Record<string, string> = { c1: 'gold', c2: 'silver' };

export interface DescribedPipe {
  readonly name: string;
  readonly state?: string;
  readonly source?: string;
  readonly target?: string;
  readonly enrichment?: string;
}

export interface EnrichmentOutcome {
  readonly pipe: DescribedPipe;
  /** The source queue's ARN, the target bus's ARN and the enrichment function's ARN, as deployed. */
  readonly sourceArn: string;
  readonly targetArn: string;
  readonly enrichmentArn: string;
  readonly sent: string[];
  /** Tags the synthesized filter admits, per the evaluator. */
  readonly admitted: string[];
  /** Whether the pipe itself ran (false while the emulator has gap pipes-sqs-source). */
  readonly viaPipe: boolean;
  /** What the enrichment function returned for the admitted orders, by tag: the customer tier it added. */
  readonly tiers: Record<string, string>;
  /** The tier the example's customer directory gives each admitted order. */
  readonly expectedTiers: Record<string, string>;
  /** Deliveries to the route's queue, by tag, each with the event's source and detail-type. */
  readonly delivered: Record<string, number>;
  readonly envelopes: string[];
  /** Messages left in the source queue, and in its dead-letter queue. */
  readonly leftInSource: number;
  readonly parked: number;
}

export interface StatusOutcome {
  readonly pipe: DescribedPipe;
  readonly sourceArn: string;
  readonly targetArn: string;
  /** `<tag>:<eventName>` of every change written. */
  readonly written: string[];
  /** Those the synthesized filter admits, per the evaluator. */
  readonly admitted: string[];
  /** Those expected at the subscriber (all of them while the emulator ignores filters: gap pipes-filter-criteria). */
  readonly expected: string[];
  readonly delivered: Record<string, number>;
  readonly parked: number;
}

export interface OrderEnrichmentResult {
  readonly enrichment: EnrichmentOutcome;
  readonly status: StatusOutcome;
  readonly seconds: number;
  readonly report: PatternReport;
}

async function describePipe(stack: DeployedStack, pipe: DeployedResource): Promise<DescribedPipe> {
  const described = await stack.clients.pipes.send(new DescribePipeCommand({ Name: pipe.physicalId }));
  return {
    name: pipe.physicalId, state: described.CurrentState, source: described.Source, target: described.Target, enrichment: described.Enrichment,
  };
}

function filtersOf(pipe: DeployedResource): Record<string, any>[] {
  return (pipe.properties.SourceParameters?.FilterCriteria?.Filters ?? []).map((f: { Pattern: string }) => JSON.parse(f.Pattern));
}

/** A record as Pipes filters it: an SQS body parsed when it is JSON (EventBridge User Guide, "Event filtering in Amazon EventBridge Pipes"). */
function admits(filters: Record<string, any>[], record: Record<string, any>): boolean {
  return filters.length === 0 || filters.some((f) => matchesPattern(f, record));
}

function parsedBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The record with its body parsed when it is JSON, as text otherwise (a pattern of JSON fields never matches text). */
function sqsRecordView(body: string): Record<string, any> {
  const parsed = parsedBody(body);
  return { body: parsed === undefined ? body : parsed };
}

async function arnOf(stack: DeployedStack, resource: DeployedResource): Promise<string> {
  if (resource.type === 'AWS::SQS::Queue') {
    return stack.queueArn(resource.physicalId);
  }
  return resource.physicalId.startsWith('arn:') ? resource.physicalId
    : `arn:aws:events:${stack.clients.target.region}:${stack.clients.target.account}:event-bus/${resource.physicalId}`;
}

async function runEnrichmentPipe(ctx: ScenarioContext, stack: DeployedStack): Promise<EnrichmentOutcome> {
  const { clients, log } = ctx;
  const pipeResource = stack.one('AWS::Pipes::Pipe', /\/EnrichOrders\//);
  const sourceQueue = stack.byLogicalId(referencedLogicalId(pipeResource.properties.Source)!);
  const deadLetterQueue = stack.byLogicalId(referencedLogicalId(sourceQueue.properties.RedrivePolicy.deadLetterTargetArn)!);
  const bus = stack.byLogicalId(referencedLogicalId(pipeResource.properties.Target)!);
  const enrichment = stack.byLogicalId(referencedLogicalId(pipeResource.properties.Enrichment)!);
  const busParameters = pipeResource.properties.TargetParameters.EventBridgeEventBusParameters;
  const routeQueue = stack.one('AWS::SQS::Queue', /\/EnrichedOrders\/Queue1\/Resource\/Resource$/);
  const filters = filtersOf(pipeResource);

  const orders = ENRICHMENT_ORDERS.map((order, i) => {
    const tag = `n${i}-${ctx.runTag}`;
    const body = typeof order === 'string' ? `${order};orderId=${tag}` : JSON.stringify({ orderId: tag, ...order });
    const customerId = typeof order === 'string' ? undefined : order.customerId;
    return { tag, body, admitted: admits(filters, sqsRecordView(body)), tier: (customerId && KNOWN_TIERS[customerId]) || 'unknown' };
  });
  const admitted = orders.filter((o) => o.admitted).map((o) => o.tag);
  for (const order of orders) {
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: sourceQueue.physicalId, MessageBody: order.body }));
  }
  const sourceArn = await arnOf(stack, sourceQueue);
  const targetArn = await arnOf(stack, bus);
  log(`[order-enrichment] sent ${orders.length} orders to ${displayName(sourceQueue)}; the pipe's filter admits ${admitted.length}`);

  const viaPipe = !skipReason(ctx.gaps, 'pipes-sqs-source');
  const tiers: Record<string, string> = {};
  if (!viaPipe) {
    // The batch Pipes hands the enrichment: a JSON array of SQS records (EventBridge User Guide, "Amazon SQS queue as a
    // source"), those the filter admitted.
    const batch = orders.filter((o) => o.admitted).map((o, i) => ({
      messageId: `${ctx.runTag}-${i}`,
      receiptHandle: 'r',
      body: o.body,
      attributes: {},
      messageAttributes: {},
      eventSource: 'aws:sqs',
      eventSourceARN: sourceArn,
      awsRegion: clients.target.region,
    }));
    const { Payload, FunctionError } = await clients.lambda.send(new InvokeCommand({
      FunctionName: enrichment.physicalId, Payload: JSON.stringify(batch),
    }));
    const enriched = JSON.parse(Buffer.from(Payload!).toString('utf8'));
    if (FunctionError || !Array.isArray(enriched)) {
      throw new Error(`the enrichment function ${displayName(enrichment)} answered ${FunctionError ?? ''} ${JSON.stringify(enriched)}`);
    }
    // What the pipe then puts on its target bus: one event per enriched record, with the source and detail-type of its TargetParameters.
    for (const detail of enriched) {
      tiers[detail.orderId] = detail.customer?.tier;
      await clients.eventbridge.send(new PutEventsCommand({
        Entries: [{
          EventBusName: bus.physicalId, Source: busParameters.Source, DetailType: busParameters.DetailType, Detail: JSON.stringify(detail),
        }],
      }));
    }
    log(`[order-enrichment] the emulator does not run pipes from a queue (gap pipes-sqs-source): enriched ${enriched.length} orders with `
      + `${displayName(enrichment)} and put them on ${displayName(bus)} as the pipe would`);
  }

  const bodies: string[] = [];
  const count = async () => {
    bodies.push(...(await receiveAll(clients, routeQueue.physicalId, 900)).map((m) => m.Body ?? ''));
    return bodies.map((b) => JSON.parse(b));
  };
  const events = await pollUntil(count, (e) => e.length >= admitted.length, {
    description: `${admitted.length} enriched orders in ${displayName(routeQueue)}`, timeoutMs: 60_000, log,
  });
  const delivered = Object.fromEntries(orders.map((o) => [o.tag, events.filter((e) => e.detail?.orderId === o.tag).length]));
  for (const e of events) {
    if (viaPipe && e.detail?.orderId) {
      tiers[e.detail.orderId] = e.detail.customer?.tier;
    }
  }
  const envelopes = [...new Set(events.map((e) => `${e.source} / ${e['detail-type']}`))];
  // Where the pipe runs, it takes every message: those it delivers and those its filter deletes.
  const leftInSource = viaPipe
    ? total(await pollUntil(() => queueDepth(clients, sourceQueue.physicalId), (d) => total(d) === 0, {
      description: `${displayName(sourceQueue)} emptied by the pipe`, timeoutMs: 60_000, log,
    }))
    : total(await queueDepth(clients, sourceQueue.physicalId));
  const parked = total(await queueDepth(clients, deadLetterQueue.physicalId));
  return {
    pipe: await describePipe(stack, pipeResource),
    sourceArn,
    targetArn,
    enrichmentArn: `arn:aws:lambda:${clients.target.region}:${clients.target.account}:function:${enrichment.physicalId}`,
    sent: orders.map((o) => o.tag),
    admitted,
    viaPipe,
    tiers,
    expectedTiers: Object.fromEntries(orders.filter((o) => o.admitted).map((o) => [o.tag, o.tier])),
    delivered,
    envelopes,
    leftInSource,
    parked,
  };
}

async function runStatusPipe(ctx: ScenarioContext, stack: DeployedStack): Promise<StatusOutcome> {
  const { clients, log } = ctx;
  const pipeResource = stack.one('AWS::Pipes::Pipe', /\/PublishStatusChanges\//);
  const table = stack.byLogicalId(referencedLogicalId(pipeResource.properties.Source)!);
  const topic = stack.byLogicalId(referencedLogicalId(pipeResource.properties.Target)!);
  const audit = stack.one('AWS::SQS::Queue', /\/StatusChanges\/status-audit\/Queue\/Resource\/Resource$/);
  const streamParameters = pipeResource.properties.SourceParameters.DynamoDBStreamParameters;
  const pipeDeadLetterQueue = stack.byLogicalId(referencedLogicalId(streamParameters.DeadLetterConfig.Arn)!);
  const filters = filtersOf(pipeResource);

  const first = `s1-${ctx.runTag}`;
  const second = `s2-${ctx.runTag}`;
  const tableName = table.physicalId;
  const key = (id: string) => ({ orderId: { S: id } });
  await clients.dynamodb.send(new PutItemCommand({ TableName: tableName, Item: { ...key(first), status: { S: 'PLACED' } } }));
  await clients.dynamodb.send(new PutItemCommand({ TableName: tableName, Item: { ...key(second), status: { S: 'PLACED' } } }));
  await clients.dynamodb.send(new UpdateItemCommand({
    TableName: tableName, Key: key(first), UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'PAID' } },
  }));
  await clients.dynamodb.send(new DeleteItemCommand({ TableName: tableName, Key: key(second) }));
  const changes = [[first, 'INSERT'], [second, 'INSERT'], [first, 'MODIFY'], [second, 'REMOVE']];
  const written = changes.map(([tag, eventName]) => `${tag}:${eventName}`);
  const admitted = changes.filter(([, eventName]) => admits(filters, { eventName })).map(([tag, eventName]) => `${tag}:${eventName}`);
  const filtersIgnored = Boolean(skipReason(ctx.gaps, 'pipes-filter-criteria'));
  const expected = filtersIgnored ? written : admitted;
  log(`[order-status] wrote ${written.length} changes to ${displayName(table)}; the pipe's filter admits ${admitted.length}`
    + (filtersIgnored ? ' (the emulator ignores pipe filters: gap pipes-filter-criteria; all are expected)' : ''));

  const records: any[] = [];
  const seen = await pollUntil(async () => {
    for (const m of await receiveAll(clients, audit.physicalId, 900)) {
      // Without raw delivery the body is the SNS envelope; its Message is the stream record the pipe published.
      const envelope = JSON.parse(m.Body ?? '{}');
      records.push(JSON.parse(envelope.Message ?? m.Body ?? '{}'));
    }
    return records.filter((r) => [first, second].includes(r.dynamodb?.Keys?.orderId?.S)).map((r) => `${r.dynamodb.Keys.orderId.S}:${r.eventName}`);
  }, (s) => s.length >= expected.length, { description: `${expected.length} status changes in ${displayName(audit)}`, timeoutMs: 60_000, log });
  const delivered = Object.fromEntries(written.map((w) => [w, seen.filter((s) => s === w).length]));
  return {
    pipe: await describePipe(stack, pipeResource),
    sourceArn: (await clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName }))).Table?.LatestStreamArn ?? '',
    targetArn: topic.physicalId,
    written,
    admitted,
    expected,
    delivered,
    parked: total(await queueDepth(clients, pipeDeadLetterQueue.physicalId)),
  };
}

export async function runOrderEnrichment(ctx: ScenarioContext): Promise<OrderEnrichmentResult> {
  const started = Date.now();
  const stack = onlyStack(ctx.stacks);
  const enrichment = await runEnrichmentPipe(ctx, stack);
  const status = await runStatusPipe(ctx, stack);
  const seconds = Math.round((Date.now() - started) / 1000);
  const deliveredCount = (d: Record<string, number>) => Object.values(d).reduce((a, b) => a + b, 0);
  const lines = [
    `pipe ${enrichment.pipe.name} (${enrichment.pipe.state}): ${enrichment.sent.length} orders sent, the filter admits ${enrichment.admitted.length}`
      + (enrichment.viaPipe ? '' : ' (the emulator does not run pipes from a queue: each stage run as the pipe would, gap pipes-sqs-source)'),
    `enriched orders delivered through the route: ${deliveredCount(enrichment.delivered)} (tiers ${Object.values(enrichment.tiers).join(', ')}), `
      + `as ${enrichment.envelopes.join('; ')}; left in the source queue: ${enrichment.leftInSource}; its DLQ: ${enrichment.parked}`,
    `pipe ${status.pipe.name} (${status.pipe.state}): ${status.written.length} status changes written, the filter admits ${status.admitted.length}, `
      + `${deliveredCount(status.delivered)} reached the topic's subscriber; pipe DLQ: ${status.parked} (${seconds} s)`,
  ];
  return { enrichment, status, seconds, report: { example: 'order-enrichment', pattern: 'EventPipe', lines } };
}
