/**
 * order-events (EventBusRoute): events matching a route's pattern reach every
 * target of the route; non-matching events reach none. Optionally (when the
 * emulator models it) an event a target cannot take lands in the route DLQ.
 *
 * Which event each target should get is computed from the synthesized event
 * patterns with an independent evaluator (harness/patterns.ts).
 */
import { DescribeArchiveCommand, PutEventsCommand, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, DeleteQueueCommand, Message } from '@aws-sdk/client-sqs';
import { onlyStack, PatternReport, referencedLogicalId, ScenarioContext } from './scenario';
import { skipReason } from '../gaps/runner';
import { Observer, countTags, functionObserver, observeQueue, observeTopic } from '../harness/observe';
import { matchesPattern } from '../harness/patterns';
import { pollUntil, sleep } from '../harness/poll';
import { countBy, lambdaLogLines, loggedObjects, queueDepth, receiveAll, total } from '../harness/queues';
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
        'account': stack.clients.target.account,
        'region': stack.clients.target.region,
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
    {
      description: 'every matching event at every target of its route',
      timeoutMs: 120_000,
      intervalMs: 1_000,
      log,
      describe: (v) => (v
        ? `${observed.reduce((n, p, i) => n + p.expected.filter((t) => (v.c[i].get(t) ?? 0) >= 1).length, 0)} of `
          + `${observed.reduce((n, p) => n + p.expected.length, 0)} expected deliveries seen, ${v.left} message(s) still in the target queues`
        : 'the last read failed'),
    },
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
      skipReason(ctx.gaps, 'eventbridge-target-dlq') && Object.values(dlqCounts).every((c) => c === 0)
        ? `route DLQs: ${Object.keys(dlqCounts).join(', ') || 'none'}: not modelled by the emulator (gap eventbridge-target-dlq) (${seconds.toFixed(0)} s)`
        : `route DLQs: ${Object.entries(dlqCounts).map(([n, c]) => `${n} ${c}`).join(', ') || 'none'} (${seconds.toFixed(0)} s)`,
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
        'source': e.source,
        'detail-type': e.detailType,
        'detail': e.detail,
        'account': stack.clients.target.account,
        'region': stack.clients.target.region,
        'resources': [],
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

/** Messages in every queue of the example's stack (targets, their DLQs, route DLQs, on-failure queues), by construct path. */
export async function queueDepths(ctx: ScenarioContext): Promise<Record<string, number>> {
  const stack = onlyStack(ctx.stacks);
  const depths: Record<string, number> = {};
  for (const queue of stack.ofType('AWS::SQS::Queue')) {
    depths[displayName(queue)] = total(await queueDepth(ctx.clients, queue.physicalId));
  }
  return depths;
}

export interface AsyncFailureOutcome {
  /** The function (construct path) and its on-failure queue. */
  readonly function: string;
  readonly functionName: string;
  readonly onFailureQueue: string;
  readonly retryAttempts: number;
  /** Tags of the events it can handle, and of those it fails on. */
  readonly good: string[];
  readonly poison: string[];
  /** How many attempts of each event the function logged (by event id), and how many invocation records of its on-failure queue name it. */
  readonly logged: Record<string, number>;
  readonly parked: Record<string, number>;
  /** Invocation records in the on-failure queue that name none of the tags. */
  readonly strangers: number;
  /** The `requestContext.condition` and `functionArn` of each record. */
  readonly conditions: string[];
  readonly functionArns: string[];
}

/**
 * The on-failure path of each Lambda target of a route (the library's EventInvokeConfig): invokes
 * the deployed function asynchronously (InvocationType Event, as EventBridge does on AWS) with
 * events it handles and events that name no order (which it fails on, after logging the attempt),
 * and waits until each handled event is in its log and each failing one, after its retries, is in
 * the on-failure queue. Receives and deletes the records it counted.
 */
export async function runAsyncFailures(ctx: ScenarioContext): Promise<AsyncFailureOutcome[]> {
  const stack = onlyStack(ctx.stacks);
  const outcomes: AsyncFailureOutcome[] = [];
  for (const config of stack.ofType('AWS::Lambda::EventInvokeConfig')) {
    const fn = stack.byLogicalId(referencedLogicalId(config.properties.FunctionName)!);
    const queue = stack.byLogicalId(referencedLogicalId(config.properties.DestinationConfig?.OnFailure?.Destination)!);
    const tag = (kind: string, i: number) => `${kind}${i}-async-${ctx.runTag}`;
    const good = [0, 1].map((i) => tag('ok', i));
    const poison = [0, 1].map((i) => tag('fail', i));
    const invoke = (payload: object) => ctx.clients.lambda.send(new InvokeCommand({
      FunctionName: fn.physicalId, InvocationType: 'Event', Payload: JSON.stringify(payload),
    }));
    const event = (id: string) => ({ 'version': '0', id, 'source': 'shop.orders', 'detail-type': 'OrderCancelled', 'account': ctx.clients.target.account });
    for (const id of good) {
      await invoke({ ...event(id), detail: { orderId: id } });
    }
    for (const id of poison) {
      await invoke({ ...event(id), detail: {} }); // names no order: the handler logs the attempt and throws
    }
    ctx.log(`[order-events] invoked ${displayName(fn)} asynchronously: ${good.length} events it handles, ${poison.length} it fails on`);

    // The function logs one JSON line per attempt, with the event's id (the runtime adds lines of its own for an error).
    const attemptsLogged = async () => countBy(
      loggedObjects(await lambdaLogLines(ctx.clients, fn.physicalId, stack.functionLogGroup(fn))), (o) => o.eventId);
    const records: Message[] = [];
    const observe = async () => {
      records.push(...await receiveAll(ctx.clients, queue.physicalId, 900));
      const attempts = await attemptsLogged();
      return {
        logged: new Map([...good, ...poison].map((t) => [t, attempts.get(t) ?? 0])),
        parked: countTags(records.map((r) => r.Body ?? ''), poison),
      };
    };
    await pollUntil(observe, ({ logged, parked }) => good.every((t) => logged.get(t)! >= 1) && poison.every((t) => parked.get(t)! >= 1), {
      description: `${good.length} events handled by ${displayName(fn)} and ${poison.length} in ${displayName(queue)}`,
      timeoutMs: 120_000,
      intervalMs: 1_000,
      log: ctx.log,
    }).catch(observe);
    // Nothing more arrives afterwards (each failing event parked once).
    await sleep(3_000);
    const after = await observe();
    const parsed = records.map((r) => JSON.parse(r.Body ?? '{}'));
    for (const r of records) {
      await ctx.clients.sqs.send(new DeleteMessageCommand({ QueueUrl: queue.physicalId, ReceiptHandle: r.ReceiptHandle }));
    }
    outcomes.push({
      function: displayName(fn),
      functionName: fn.physicalId,
      onFailureQueue: displayName(queue),
      retryAttempts: Number(config.properties.MaximumRetryAttempts ?? 2),
      good,
      poison,
      logged: Object.fromEntries(after.logged),
      parked: Object.fromEntries(countTags(records.map((r) => r.Body ?? ''), [...good, ...poison])),
      strangers: records.filter((r) => [...countTags([r.Body ?? ''], [...good, ...poison]).values()].every((n) => n === 0)).length,
      conditions: parsed.map((r) => r.requestContext?.condition),
      functionArns: parsed.map((r) => r.requestContext?.functionArn),
    });
  }
  return outcomes;
}
