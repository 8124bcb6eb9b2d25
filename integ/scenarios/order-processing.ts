/**
 * order-processing (QueueWithDlq with a Lambda consumer): good messages are
 * consumed and deleted; a poison message (its consumer fails bodies that
 * contain "poison") is received exactly maxReceiveCount times, then lands in
 * the DLQ; consumed + in the DLQ = sent.
 */
import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { onlyStack, PatternReport, referencedLogicalId, ScenarioContext } from './scenario';
import { pollUntil } from '../harness/poll';
import { countBy, lambdaLogLines, loggedObjects, queueDepth, receiveAll, total } from '../harness/queues';
import { DeployedResource, displayName } from '../harness/stack';

export const GOOD_MESSAGES = 10;
export const POISON_MESSAGES = 1;

export interface OrderProcessingResult {
  readonly queue: string;
  readonly deadLetterQueue: string;
  readonly consumer: string;
  /** maxReceiveCount of the synthesized template. */
  readonly maxReceiveCount: number;
  /** RedrivePolicy of the deployed queue. */
  readonly deployedRedrivePolicy: { deadLetterTargetArn: string; maxReceiveCount: number } | undefined;
  readonly deadLetterQueueArn: string;
  /** Message ids sent, by kind. */
  readonly goodIds: string[];
  readonly poisonIds: string[];
  /** How many times the consumer received each message id (from its log). */
  readonly receives: Record<string, number>;
  /** Message ids found in the DLQ, and the source queue each came from. */
  readonly inDeadLetterQueue: { id: string; body: string; source?: string }[];
  /** Messages left in the source queue at the end (visible + in flight + delayed). */
  readonly leftInQueue: number;
  readonly seconds: number;
  readonly report: PatternReport;
}

export async function runOrderProcessing(ctx: ScenarioContext): Promise<OrderProcessingResult> {
  const started = Date.now();
  const stack = onlyStack(ctx.stacks);
  const { clients, log } = ctx;

  // The queue with a redrive policy, its DLQ, and the function consuming it.
  const queues = stack.ofType('AWS::SQS::Queue').filter((q) => q.properties.RedrivePolicy);
  if (queues.length !== 1) {
    throw new Error(`expected one queue with a redrive policy, found ${queues.length}`);
  }
  const queue = queues[0];
  const maxReceiveCount = Number(queue.properties.RedrivePolicy.maxReceiveCount);
  const dlq = stack.byLogicalId(referencedLogicalId(queue.properties.RedrivePolicy.deadLetterTargetArn)!);
  const mapping = stack.ofType('AWS::Lambda::EventSourceMapping')
    .find((m) => referencedLogicalId(m.properties.EventSourceArn) === queue.logicalId);
  if (!mapping) {
    throw new Error(`no event source mapping reads ${queue.path}`);
  }
  const consumer: DeployedResource = stack.byLogicalId(referencedLogicalId(mapping.properties.FunctionName)!);

  const { Attributes = {} } = await clients.sqs.send(new GetQueueAttributesCommand({
    QueueUrl: queue.physicalId, AttributeNames: ['RedrivePolicy', 'VisibilityTimeout'],
  }));
  const deployedRedrivePolicy = Attributes.RedrivePolicy ? JSON.parse(Attributes.RedrivePolicy) : undefined;
  const visibilityTimeout = Number(Attributes.VisibilityTimeout ?? 30);
  const deadLetterQueueArn = await stack.queueArn(dlq.physicalId);

  // Send the traffic.
  const entries = [
    ...Array.from({ length: GOOD_MESSAGES }, (_, i) => ({ Id: `good${i}`, MessageBody: JSON.stringify({ orderId: `${ctx.runTag}-${i}`, amount: 10 + i }) })),
    ...Array.from({ length: POISON_MESSAGES }, (_, i) => ({ Id: `poison${i}`, MessageBody: JSON.stringify({ orderId: `${ctx.runTag}-p${i}`, note: 'poison' }) })),
  ];
  const goodIds: string[] = [];
  const poisonIds: string[] = [];
  for (let i = 0; i < entries.length; i += 10) {
    const { Successful = [], Failed = [] } = await clients.sqs.send(new SendMessageBatchCommand({
      QueueUrl: queue.physicalId, Entries: entries.slice(i, i + 10),
    }));
    if (Failed.length > 0) {
      throw new Error(`SendMessageBatch failed for ${JSON.stringify(Failed)}`);
    }
    for (const s of Successful) {
      (s.Id!.startsWith('poison') ? poisonIds : goodIds).push(s.MessageId!);
    }
  }
  log(`[order-processing] sent ${goodIds.length} good + ${poisonIds.length} poison messages to ${displayName(queue)}; `
    + `the poison one needs ${maxReceiveCount} receives ${visibilityTimeout} s apart (its visibility timeout) before the DLQ`);

  // The consumer's log: one line per record received (the example logs {messageId, body}).
  const sentIds = [...goodIds, ...poisonIds];
  const readReceives = async () => countBy(
    loggedObjects(await lambdaLogLines(clients, consumer.physicalId, stack.functionLogGroup(consumer))), (o) => o.messageId);

  // Wait until the queue is empty and the poison messages are in the DLQ. The progress lines say
  // where each poison message is: its receives so far (from the log) and when the next one is due.
  const poisonSeen = new Map<string, { receives: number; since: number }>();
  const readWait = async () => {
    const depths = { queue: total(await queueDepth(clients, queue.physicalId)), dlq: total(await queueDepth(clients, dlq.physicalId)) };
    // The log only feeds the progress lines: a failed read leaves them as they were.
    const counts = await readReceives().catch(() => undefined);
    for (const id of counts ? poisonIds : []) {
      const receives = counts!.get(id) ?? 0;
      if (poisonSeen.get(id)?.receives !== receives) {
        poisonSeen.set(id, { receives, since: Date.now() });
      }
    }
    return depths;
  };
  const describeWait = (d?: { queue: number; dlq: number }) => [
    ...poisonIds.map((id, i) => {
      const { receives, since } = poisonSeen.get(id) ?? { receives: 0, since: Date.now() };
      const name = poisonIds.length > 1 ? `poison message ${i + 1}` : 'poison message';
      const next = Math.max(0, Math.round(visibilityTimeout - (Date.now() - since) / 1000));
      if (receives === 0) {
        return `${name}: not received yet`;
      }
      return receives < maxReceiveCount
        ? `${name}: receive ${receives} of ${maxReceiveCount}, next in about ${next} s`
        : `${name}: received ${receives} of ${maxReceiveCount} times, moves to ${displayName(dlq)} once visible again, in about ${next} s`;
    }),
    ...(d ? [`${d.queue} message(s) in ${displayName(queue)}, ${d.dlq} in ${displayName(dlq)}`] : []),
  ].join('; ');
  const timeoutMs = ((maxReceiveCount + 1) * visibilityTimeout + 90) * 1000;
  await pollUntil(readWait, (d) => d.queue === 0 && d.dlq >= POISON_MESSAGES, {
    description: `${displayName(queue)} to empty and ${POISON_MESSAGES} message(s) in ${displayName(dlq)}`,
    timeoutMs,
    intervalMs: 2_000,
    log,
    describe: describeWait,
  });

  const receivedCounts = await pollUntil(
    readReceives,
    (counts) => goodIds.every((id) => (counts.get(id) ?? 0) >= 1) && poisonIds.every((id) => (counts.get(id) ?? 0) >= maxReceiveCount),
    { description: 'the consumer\'s log to show every message', timeoutMs: 30_000, intervalMs: 1_000, log },
  ).catch(readReceives);
  const receives = Object.fromEntries(sentIds.map((id) => [id, receivedCounts.get(id) ?? 0]));

  const dlqMessages = await receiveAll(clients, dlq.physicalId);
  const inDeadLetterQueue = dlqMessages.map((m) => ({ id: m.MessageId!, body: m.Body ?? '', source: m.Attributes?.DeadLetterQueueSourceArn }));
  const leftInQueue = total(await queueDepth(clients, queue.physicalId));

  const inDlq = new Set(inDeadLetterQueue.map((m) => m.id));
  const consumed = goodIds.filter((id) => receives[id] >= 1 && !inDlq.has(id)).length;
  const poisonReceives = poisonIds.map((id) => receives[id]);
  const seconds = (Date.now() - started) / 1000;
  const report: PatternReport = {
    example: 'order-processing',
    pattern: 'QueueWithDlq: a queue, its Lambda consumer and a dead-letter queue',
    lines: [
      `sent ${sentIds.length} messages to ${displayName(queue)} (${goodIds.length} good, ${poisonIds.length} poison)`,
      `consumer ${displayName(consumer)}: ${consumed} good messages consumed and deleted; `
        + `poison received ${poisonReceives.join(', ')} time(s) (maxReceiveCount ${maxReceiveCount})`,
      `dead-letter queue ${displayName(dlq)}: ${inDeadLetterQueue.length} message(s)`,
      `left in ${displayName(queue)}: ${leftInQueue}; accounted for: ${consumed} consumed + ${inDeadLetterQueue.length} in the DLQ = `
        + `${consumed + inDeadLetterQueue.length} of ${sentIds.length} sent (${seconds.toFixed(0)} s)`,
    ],
  };
  return {
    queue: queue.path,
    deadLetterQueue: dlq.path,
    consumer: consumer.path,
    maxReceiveCount,
    deployedRedrivePolicy,
    deadLetterQueueArn,
    goodIds,
    poisonIds,
    receives,
    inDeadLetterQueue,
    leftInQueue,
    seconds,
    report,
  };
}
