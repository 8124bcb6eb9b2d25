/**
 * order-events (EventBusRoute): events matching a route's pattern reach every
 * target of the route; non-matching events reach none. Optionally (when the
 * emulator models it) an event a target cannot take lands in the route DLQ.
 *
 * Which event each target should get is computed from the synthesized event
 * patterns with an independent evaluator (harness/patterns.ts).
 */
import { DescribeArchiveCommand, PutEventsCommand, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { onlyStack, PatternReport, referencedLogicalId, ScenarioContext } from './scenario';
import { Observer, functionObserver, observeQueue, observeTopic } from '../harness/observe';
import { matchesPattern } from '../harness/patterns';
import { pollUntil } from '../harness/poll';
import { queueDepth, total } from '../harness/queues';
import { DeployedResource, DeployedStack, displayName } from '../harness/stack';

/** Sample events: source, detail type and detail (without the tag). */
export const SAMPLE_EVENTS: { source: string; detailType: string; detail: Record<string, unknown> }[] = [
  { source: 'shop.orders', detailType: 'OrderPlaced', detail: { amount: 150 } },
  { source: 'shop.orders', detailType: 'OrderPlaced', detail: { amount: 100 } }, // on the boundary: not > 100
  { source: 'shop.orders', detailType: 'OrderPlaced', detail: { amount: 50 } },
  { source: 'shop.orders', detailType: 'OrderPlaced', detail: { amount: 100.5 } },
  { source: 'shop.orders', detailType: 'OrderPlaced', detail: { amount: '500' } }, // a string is not a number
  { source: 'shop.orders', detailType: 'OrderCancelled', detail: { reason: 'customer' } },
  { source: 'shop.orders', detailType: 'OrderCancelled', detail: { reason: 'stock' } },
  { source: 'shop.orders', detailType: 'OrderShipped', detail: { amount: 500 } },
  { source: 'shop.other', detailType: 'OrderPlaced', detail: { amount: 500 } },
  { source: 'shop.orders', detailType: 'OrderPlaced', detail: { amount: 5000 } },
];

export interface TargetOutcome {
  /** `<rule path> → <target>` */
  readonly name: string;
  readonly rule: string;
  /** Set when the suite cannot observe this kind of target. */
  readonly unobserved?: string;
  readonly expected: string[];
  readonly delivered: Record<string, number>;
}

export interface OrderEventsResult {
  readonly buses: string[];
  readonly sent: string[];
  readonly targets: TargetOutcome[];
  /** Messages in each route DLQ, by construct path. */
  readonly deadLetterQueues: Record<string, number>;
  readonly seconds: number;
  readonly report: PatternReport;
}

interface TargetPlan {
  readonly name: string;
  readonly rule: DeployedResource;
  readonly target: any;
  readonly expected: string[];
  readonly observer?: Observer;
  readonly queue?: DeployedResource;
  readonly unobserved?: string;
}

interface TargetObservation {
  readonly observer?: Observer;
  readonly queue?: DeployedResource;
  readonly unobserved?: string;
}

async function targetObserver(stack: DeployedStack, target: any, name: string): Promise<TargetObservation> {
  const id = referencedLogicalId(target.Arn);
  const resource = id ? stack.byLogicalId(id) : undefined;
  switch (resource?.type) {
    case 'AWS::SQS::Queue':
      return { observer: observeQueue(stack, resource, name), queue: resource };
    case 'AWS::Lambda::Function':
      return { observer: functionObserver(stack, resource, name) };
    case 'AWS::SNS::Topic':
      return { observer: await observeTopic(stack.clients, resource.physicalId, name) };
    default:
      return { unobserved: `the suite does not observe targets of type ${resource?.type ?? JSON.stringify(target.Arn)}` };
  }
}

/** The route DLQs: every target's DeadLetterConfig queue. */
function deadLetterQueues(stack: DeployedStack): DeployedResource[] {
  const ids = new Set<string>();
  for (const rule of stack.ofType('AWS::Events::Rule')) {
    for (const target of rule.properties.Targets ?? []) {
      const id = referencedLogicalId(target.DeadLetterConfig?.Arn);
      if (id) {
        ids.add(id);
      }
    }
  }
  return [...ids].map((id) => stack.byLogicalId(id));
}

function eventBusName(stack: DeployedStack, rule: DeployedResource): string {
  const value = rule.properties.EventBusName;
  if (value === undefined) {
    return 'default';
  }
  if (typeof value === 'string') {
    return value;
  }
  const id = referencedLogicalId(value);
  const bus = id ? stack.byLogicalId(id) : undefined;
  return bus?.properties.Name ?? bus?.physicalId ?? 'default';
}

export async function runOrderEvents(ctx: ScenarioContext): Promise<OrderEventsResult> {
  const started = Date.now();
  const stack = onlyStack(ctx.stacks);
  const { clients, log } = ctx;
  const rules = stack.ofType('AWS::Events::Rule').filter((r) => r.properties.EventPattern);
  const buses = [...new Set(rules.map((r) => eventBusName(stack, r)))];
  if (buses.length !== 1) {
    throw new Error(`expected the rules of one event bus, found ${buses.join(', ')}`);
  }
  const busName = buses[0];

  const events = SAMPLE_EVENTS.map((e, i) => {
    const tag = `e${i}-${ctx.runTag}`;
    return { tag, ...e, detail: { orderId: tag, ...e.detail } };
  });
  const plans: TargetPlan[] = [];
  for (const rule of rules) {
    for (const target of rule.properties.Targets ?? []) {
      const targetId = referencedLogicalId(target.Arn);
      const name = `${displayName(rule)} → ${targetId ? displayName(stack.byLogicalId(targetId)) : target.Id}`;
      const expected = events.filter((e) => matchesPattern(rule.properties.EventPattern, {
        'version': '0',
        'id': e.tag,
        'source': e.source,
        'detail-type': e.detailType,
        'account': '000000000000',
        'region': 'us-east-1',
        'time': new Date().toISOString(),
        'resources': [],
        'detail': e.detail,
      })).map((e) => e.tag);
      plans.push({ name, rule, target, expected, ...await targetObserver(stack, target, name) });
    }
  }

  const entries: PutEventsRequestEntry[] = events.map((e) => ({
    EventBusName: busName, Source: e.source, DetailType: e.detailType, Detail: JSON.stringify(e.detail),
  }));
  for (let i = 0; i < entries.length; i += 10) {
    const { FailedEntryCount, Entries } = await clients.eventbridge.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
    if (FailedEntryCount) {
      throw new Error(`PutEvents failed: ${JSON.stringify(Entries)}`);
    }
  }
  log(`[order-events] put ${events.length} events on bus ${busName}; expecting `
    + plans.map((p) => `${p.name} ${p.expected.length}${p.unobserved ? ' (unobserved)' : ''}`).join(', '));

  const tags = events.map((e) => e.tag);
  const observed = plans.filter((p) => p.observer);
  const queues = observed.flatMap((p) => (p.queue ? [p.queue] : []));
  const counts = await pollUntil(
    async () => {
      const c = await Promise.all(observed.map((p) => p.observer!.count(tags)));
      const left = (await Promise.all(queues.map((q) => queueDepth(clients, q.physicalId)))).reduce((n, d) => n + total(d), 0);
      return { c, left };
    },
    ({ c, left }) => left === 0 && observed.every((p, i) => p.expected.every((t) => (c[i].get(t) ?? 0) >= 1)),
    { description: 'every matching event at every target of its route', timeoutMs: 120_000, intervalMs: 1_000, log },
  ).catch(async () => ({ c: await Promise.all(observed.map((p) => p.observer!.count(tags))), left: -1 }));

  const dlqCounts: Record<string, number> = {};
  for (const dlq of deadLetterQueues(stack)) {
    dlqCounts[displayName(dlq)] = total(await queueDepth(clients, dlq.physicalId));
  }
  const targets: TargetOutcome[] = plans.map((p) => {
    const index = observed.indexOf(p);
    return {
      name: p.name,
      rule: p.rule.path,
      unobserved: p.unobserved,
      expected: p.expected,
      delivered: Object.fromEntries(tags.map((t) => [t, index >= 0 ? counts.c[index].get(t) ?? 0 : 0])),
    };
  });
  const seconds = (Date.now() - started) / 1000;
  const report: PatternReport = {
    example: 'order-events',
    pattern: 'EventBusRoute: an event bus, rules with patterns, targets with a route DLQ',
    lines: [
      `put ${events.length} events on bus ${busName} (${events.filter((e) => plans.some((p) => p.expected.includes(e.tag))).length} match a route)`,
      ...targets.map((t) => (t.unobserved
        ? `${t.name}: ${t.expected.length} matching, not observed (${t.unobserved})`
        : `${t.name}: ${t.expected.length} matching, ${tags.filter((tag) => t.delivered[tag] > 0).length} delivered`)),
      `route DLQs: ${Object.entries(dlqCounts).map(([n, c]) => `${n} ${c}`).join(', ') || 'none'} (${seconds.toFixed(0)} s)`,
    ],
  };
  return { buses, sent: tags, targets, deadLetterQueues: dlqCounts, seconds, report };
}

/**
 * Makes the first queue target of a route undeliverable (deletes the queue),
 * puts a matching event, and waits for it in the route's DLQ. Destructive:
 * run it after runOrderEvents.
 */
export async function runUndeliverableTarget(ctx: ScenarioContext): Promise<{ target: string; deadLetterQueue: string; arrived: boolean }> {
  const stack = onlyStack(ctx.stacks);
  for (const rule of stack.ofType('AWS::Events::Rule').filter((r) => r.properties.EventPattern)) {
    for (const target of rule.properties.Targets ?? []) {
      const queueId = referencedLogicalId(target.Arn);
      const dlqId = referencedLogicalId(target.DeadLetterConfig?.Arn);
      if (!queueId || !dlqId || stack.byLogicalId(queueId).type !== 'AWS::SQS::Queue') {
        continue;
      }
      const queue = stack.byLogicalId(queueId);
      const dlq = stack.byLogicalId(dlqId);
      const match = SAMPLE_EVENTS.find((e) => matchesPattern(rule.properties.EventPattern, {
        'source': e.source, 'detail-type': e.detailType, 'detail': e.detail, 'account': '000000000000', 'region': 'us-east-1', 'resources': [],
      }));
      if (!match) {
        continue;
      }
      const before = total(await queueDepth(ctx.clients, dlq.physicalId));
      await ctx.clients.sqs.send(new DeleteQueueCommand({ QueueUrl: queue.physicalId }));
      await ctx.clients.eventbridge.send(new PutEventsCommand({
        Entries: [{
          EventBusName: eventBusName(stack, rule),
          Source: match.source,
          DetailType: match.detailType,
          Detail: JSON.stringify({ orderId: `undeliverable-${ctx.runTag}`, ...match.detail }),
        }],
      }));
      const arrived = await pollUntil(() => queueDepth(ctx.clients, dlq.physicalId), (d) => total(d) > before, {
        description: `the undeliverable event in ${displayName(dlq)}`, timeoutMs: 120_000, intervalMs: 1_000, log: ctx.log,
      }).then(() => true, () => false);
      return { target: displayName(queue), deadLetterQueue: displayName(dlq), arrived };
    }
  }
  throw new Error('no route with a queue target and a DLQ to make undeliverable');
}

/** The archives of the synthesized template, as the emulator describes them. */
export async function describeArchives(ctx: ScenarioContext): Promise<{ name: string; retentionDays?: number; state?: string }[]> {
  const stack = onlyStack(ctx.stacks);
  const archives = [];
  for (const archive of stack.ofType('AWS::Events::Archive')) {
    const name = archive.properties.ArchiveName ?? archive.physicalId;
    const described = await ctx.clients.eventbridge.send(new DescribeArchiveCommand({ ArchiveName: name }));
    archives.push({ name, retentionDays: described.RetentionDays, state: described.State });
  }
  return archives;
}
