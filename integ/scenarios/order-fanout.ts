/**
 * order-fanout (FanoutTopic): each subscriber gets exactly the messages its
 * filter policy admits (attribute and message-body scope), each admitted
 * message once; the subscription DLQ stays empty.
 *
 * Which message each subscriber should get is computed from the synthesized
 * filter policies with an independent evaluator (harness/patterns.ts), over
 * messages chosen to sit on both sides of every condition.
 */
import { MessageAttributeValue, PublishCommand } from '@aws-sdk/client-sns';
import { onlyStack, PatternReport, referencedLogicalId, ScenarioContext } from './scenario';
import { GapId, skipReason } from '../gaps/runner';
import { Observer, functionObserver, observeQueue } from '../harness/observe';
import { attributeDocument, matchesPattern } from '../harness/patterns';
import { pollUntil } from '../harness/poll';
import { queueDepth, total } from '../harness/queues';
import { DeployedResource, DeployedStack, displayName } from '../harness/stack';

/** Sample orders: body fields and the `country` attribute (absent when undefined). */
export const FANOUT_ORDERS: { amount?: number | string; country?: string; needs?: GapId }[] = [
  { amount: 50, country: 'FR' },
  { amount: 1500, country: 'US' },
  { amount: 1000, country: 'DE' }, // on the numeric boundary: not > 1000
  { amount: 1000.01 }, // no country attribute
  { amount: 2500, country: 'IT' },
  { amount: '5000', country: 'ES', needs: 'sns-numeric-filter-on-strings' }, // a string is not a number
  { amount: 10, country: 'fr' }, // exact matching is case-sensitive
  { amount: 999999, country: 'ES' },
  { country: 'DE' }, // no amount in the body
  { amount: 1001, country: 'DE' },
];

export interface SubscriberOutcome {
  /** Construct path of the subscription without the stack, e.g. `OrderPlaced/shipping`. */
  readonly name: string;
  readonly filterPolicy: Record<string, any> | undefined;
  readonly scope: 'MessageAttributes' | 'MessageBody';
  /** Where deliveries were observed (consumer function or queue). */
  readonly observedAt: string;
  /** Tags the filter admits, per the evaluator. */
  readonly expected: string[];
  /** Deliveries observed per tag (every tag sent). */
  readonly delivered: Record<string, number>;
}

export interface OrderFanoutResult {
  readonly topic: string;
  readonly sent: string[];
  /** Sample orders not sent because the emulator has a gap they depend on. */
  readonly omitted: { sample: number; reason: string }[];
  readonly subscribers: SubscriberOutcome[];
  /** Messages in each subscription DLQ, by construct path. */
  readonly subscriptionDeadLetterQueues: Record<string, number>;
  /** Messages in each subscriber queue's own DLQ and left in the queue. */
  readonly consumerDeadLetterQueues: Record<string, number>;
  readonly leftInSubscriberQueues: number;
  readonly seconds: number;
  readonly report: PatternReport;
}

function subscriberObserver(stack: DeployedStack, subscription: DeployedResource, name: string): { observer: Observer; queue?: DeployedResource } {
  const endpoint = stack.byLogicalId(referencedLogicalId(subscription.properties.Endpoint)!);
  if (subscription.properties.Protocol === 'lambda') {
    return { observer: functionObserver(stack, endpoint, name) };
  }
  if (subscription.properties.Protocol === 'sqs') {
    return { observer: observeQueue(stack, endpoint, name), queue: endpoint };
  }
  throw new Error(`${subscription.path}: protocol ${subscription.properties.Protocol} is not observed by the suite`);
}

export async function runOrderFanout(ctx: ScenarioContext): Promise<OrderFanoutResult> {
  const started = Date.now();
  const stack = onlyStack(ctx.stacks);
  const { clients, log } = ctx;
  const subscriptions = stack.ofType('AWS::SNS::Subscription');
  const topicIds = [...new Set(subscriptions.map((s) => referencedLogicalId(s.properties.TopicArn)))];
  if (topicIds.length !== 1 || !topicIds[0]) {
    throw new Error(`expected the subscriptions of one topic, found topics ${topicIds.join(', ')}`);
  }
  const topic = stack.byLogicalId(topicIds[0]);

  // What each subscriber should get.
  const omitted: { sample: number; reason: string }[] = [];
  const samples = FANOUT_ORDERS.map((order, i) => ({ order, i })).filter(({ order, i }) => {
    const reason = order.needs && skipReason(ctx.gaps, order.needs);
    if (reason) {
      omitted.push({ sample: i, reason });
      log(`[order-fanout] sample order f${i} ${JSON.stringify({ amount: order.amount, country: order.country })} not sent: ${reason}`);
    }
    return !reason;
  });
  const messages = samples.map(({ order, i }) => {
    const tag = `f${i}-${ctx.runTag}`;
    const body = { orderId: tag, ...(order.amount === undefined ? {} : { amount: order.amount }) };
    const attributes: Record<string, MessageAttributeValue> = order.country === undefined
      ? {} : { country: { DataType: 'String', StringValue: order.country } };
    return { tag, body, attributes };
  });
  const plans = subscriptions.map((subscription) => {
    const name = displayName(subscription);
    const filterPolicy = subscription.properties.FilterPolicy as Record<string, any> | undefined;
    const scope = subscription.properties.FilterPolicyScope === 'MessageBody' ? 'MessageBody' : 'MessageAttributes';
    const expected = messages.filter((m) => !filterPolicy || matchesPattern(filterPolicy,
      scope === 'MessageBody' ? m.body : attributeDocument(m.attributes as any))).map((m) => m.tag);
    return { subscription, name, filterPolicy, scope, expected, ...subscriberObserver(stack, subscription, name) } as const;
  });

  for (const message of messages) {
    await clients.sns.send(new PublishCommand({
      TopicArn: topic.physicalId, Message: JSON.stringify(message.body), MessageAttributes: message.attributes,
    }));
  }
  log(`[order-fanout] published ${messages.length} orders to ${displayName(topic)}; expecting `
    + plans.map((p) => `${p.name} ${p.expected.length}`).join(', '));

  // Wait until every admitted message is delivered and the subscriber queues are drained.
  const tags = messages.map((m) => m.tag);
  const subscriberQueues = plans.flatMap((p) => (p.queue ? [p.queue] : []));
  const observed = await pollUntil(
    async () => {
      const counts = await Promise.all(plans.map((p) => p.observer.count(tags)));
      const left = (await Promise.all(subscriberQueues.map((q) => queueDepth(clients, q.physicalId)))).reduce((n, d) => n + total(d), 0);
      return { counts, left };
    },
    ({ counts, left }) => left === 0 && plans.every((p, i) => p.expected.every((tag) => (counts[i].get(tag) ?? 0) >= 1)),
    {
      description: 'every admitted order at its subscribers',
      timeoutMs: 120_000,
      intervalMs: 1_000,
      log,
      describe: (v) => (v
        ? `${plans.reduce((n, p, i) => n + p.expected.filter((tag) => (v.counts[i].get(tag) ?? 0) >= 1).length, 0)} of `
          + `${plans.reduce((n, p) => n + p.expected.length, 0)} expected deliveries seen, ${v.left} message(s) still in the subscriber queues`
        : 'the last read failed'),
    },
  ).catch(async () => ({ counts: await Promise.all(plans.map((p) => p.observer.count(tags))), left: -1 }));

  const subscriptionDlqIds = [...new Set(subscriptions
    .map((s) => referencedLogicalId(s.properties.RedrivePolicy?.deadLetterTargetArn))
    .filter((id): id is string => !!id))];
  const subscriptionDeadLetterQueues: Record<string, number> = {};
  for (const id of subscriptionDlqIds) {
    const dlq = stack.byLogicalId(id);
    subscriptionDeadLetterQueues[displayName(dlq)] = total(await queueDepth(clients, dlq.physicalId));
  }
  const consumerDeadLetterQueues: Record<string, number> = {};
  for (const queue of subscriberQueues) {
    const dlqId = referencedLogicalId(queue.properties.RedrivePolicy?.deadLetterTargetArn);
    if (dlqId) {
      const dlq = stack.byLogicalId(dlqId);
      consumerDeadLetterQueues[displayName(dlq)] = total(await queueDepth(clients, dlq.physicalId));
    }
  }
  let leftInSubscriberQueues = 0;
  for (const queue of subscriberQueues) {
    leftInSubscriberQueues += total(await queueDepth(clients, queue.physicalId));
  }

  const subscribers: SubscriberOutcome[] = plans.map((p, i) => ({
    name: p.name,
    filterPolicy: p.filterPolicy,
    scope: p.scope,
    observedAt: p.observer.name,
    expected: p.expected,
    delivered: Object.fromEntries(tags.map((t) => [t, observed.counts[i].get(t) ?? 0])),
  }));
  const seconds = (Date.now() - started) / 1000;
  const report: PatternReport = {
    example: 'order-fanout',
    pattern: 'FanoutTopic: one topic, filtered subscriber queues with consumers, a subscription DLQ',
    lines: [
      `published ${messages.length} orders to topic ${displayName(topic)}${omitted.length ? ` (${omitted.length} sample(s) left out: emulator gap)` : ''}`,
      ...subscribers.map((s) => {
        const deliveredTags = tags.filter((t) => s.delivered[t] > 0);
        const deliveries = deliveredTags.reduce((n, t) => n + s.delivered[t], 0);
        const filter = s.filterPolicy ? `${s.scope === 'MessageBody' ? 'body' : 'attributes'} ${JSON.stringify(s.filterPolicy)}` : 'no filter';
        return `${s.name} (${filter}): ${s.expected.length} admitted, ${deliveredTags.length} delivered (${deliveries} deliveries)`;
      }),
      (skipReason(ctx.gaps, 'sns-subscription-dlq') && Object.values(subscriptionDeadLetterQueues).every((c) => c === 0)
        ? `subscription DLQ: ${Object.keys(subscriptionDeadLetterQueues).join(', ') || 'none'}: not modelled by the emulator (gap sns-subscription-dlq); `
        : `subscription DLQ: ${Object.entries(subscriptionDeadLetterQueues).map(([n, c]) => `${n} ${c}`).join(', ') || 'none'}; `)
        + `consumer DLQs: ${Object.values(consumerDeadLetterQueues).reduce((a, b) => a + b, 0)}; left in queues: ${leftInSubscriberQueues} `
        + `(${seconds.toFixed(0)} s)`,
    ],
  };
  return {
    topic: topic.path,
    sent: tags,
    omitted,
    subscribers,
    subscriptionDeadLetterQueues,
    consumerDeadLetterQueues,
    leftInSubscriberQueues,
    seconds,
    report,
  };
}
