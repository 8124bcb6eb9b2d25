/**
 * `peek`: shows failed messages without consuming them.
 */
import { ChangeMessageVisibilityBatchCommand, Message } from '@aws-sdk/client-sqs';
import { deadLetterQueue } from './dead-letter-queue';
import { Clients } from '../aws';
import { clip, Io, isoTime, table } from '../io';
import { queueNameOf, receiveDistinct } from '../queues';

export interface PeekOptions {
  readonly max: number;
  readonly json: boolean;
  readonly full: boolean;
  readonly anyQueue: boolean;
}

/**
 * How long peeked messages stay hidden while the others are read, and if the
 * release fails: 30 seconds, and 1 more per 10 messages asked for (a receive
 * of 10 takes about a second at most), up to SQS's 12 hours.
 */
function hideSeconds(max: number): number {
  return Math.min(43_200, 30 + Math.ceil(max / 10));
}

export async function peek(clients: Clients, io: Io, reference: string, options: PeekOptions): Promise<void> {
  const { queue } = await deadLetterQueue(clients, reference, options.anyQueue);
  const messages = await receiveDistinct(clients, queue.url, options.max, hideSeconds(options.max));
  const unreleased = await release(clients, queue.url, messages);
  if (unreleased > 0) {
    io.note(`${unreleased} message${unreleased === 1 ? '' : 's'} could not be made visible again at once: ` +
      `${unreleased === 1 ? 'it comes' : 'they come'} back within ${hideSeconds(options.max)} seconds`);
  }
  if (options.json) {
    io.out(JSON.stringify(messages.map(summary), undefined, 2));
    return;
  }
  io.out(`${queue.name}: ${queue.visible} visible, ${queue.inFlight} in flight; showing ${messages.length}, left in the queue`);
  if (messages.length === 0) {
    return;
  }
  io.out(table(
    ['Message id', 'Sent', 'First received', 'Receives', 'From', 'Attributes', 'Body'],
    messages.map((m) => {
      const s = summary(m);
      return [
        s.messageId,
        s.sentTimestamp,
        s.firstReceiveTimestamp,
        s.receiveCount,
        s.sourceQueue ?? '-',
        Object.entries(s.attributes).map(([k, v]) => `${k}=${v}`).join(', ') || '-',
        options.full ? s.body : clip(s.body, 60),
      ];
    }),
  ));
}

/** What peek shows of a message. */
function summary(m: Message) {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId ?? '',
    sentTimestamp: isoTime(a.SentTimestamp),
    firstReceiveTimestamp: isoTime(a.ApproximateFirstReceiveTimestamp),
    receiveCount: Number(a.ApproximateReceiveCount ?? 0),
    sourceQueue: a.DeadLetterQueueSourceArn ? queueNameOf(a.DeadLetterQueueSourceArn) : undefined,
    messageGroupId: a.MessageGroupId,
    attributes: Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? (v.BinaryValue ? '<binary>' : '')]),
    ),
    body: m.Body ?? '',
  };
}

/**
 * Makes the messages visible again at once (ChangeMessageVisibility to 0).
 *
 * @returns how many SQS did not release (they come back when their visibility timeout ends)
 */
export async function release(clients: Clients, url: string, messages: Message[]): Promise<number> {
  let failed = 0;
  for (let i = 0; i < messages.length; i += 10) {
    const { Failed = [] } = await clients.sqs.send(new ChangeMessageVisibilityBatchCommand({
      QueueUrl: url,
      Entries: messages.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
    }));
    failed += Failed.length;
  }
  return failed;
}
