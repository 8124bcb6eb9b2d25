/**
 * `redrive`: moves failed messages back to a queue that will process them.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ListMessageMoveTasksCommand,
  Message,
  MessageSystemAttributeNameForSends,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageBatchRequestEntry,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { deadLetterQueue } from './dead-letter-queue';
import { release } from './peek';
import { sqsBatches } from '../../src/core/sqs-batches';
import { Clients } from '../aws';
import { CliError, isUnsupportedOperation } from '../errors';
import { Io, progress } from '../io';
import { queueInfo, QueueInfo, queueUrlOf } from '../queues';

export interface RedriveOptions {
  /** `--to`: the destination; by default the dead-letter queue's source. */
  readonly to?: string;
  readonly maxPerSecond?: number;
  readonly dryRun: boolean;
  /** `--client-side`: move with receive, send and delete even where SQS offers a message move task. */
  readonly clientSide: boolean;
  readonly anyQueue: boolean;
}

/** What a redrive did. */
export interface RedriveResult {
  readonly moved: number;
  readonly failed: number;
}

const TERMINAL = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);
/** How long a message being moved client-side stays hidden in the dead-letter queue. */
const HIDE_SECONDS = 60;

export async function redrive(clients: Clients, io: Io, reference: string, options: RedriveOptions): Promise<RedriveResult> {
  const { queue: dlq, sources } = await deadLetterQueue(clients, reference, options.anyQueue || options.to !== undefined);
  const destination = options.to
    ? await queueInfo(clients, await queueUrlOf(clients, options.to))
    : sources.length === 1 ? await queueInfo(clients, sources[0]) : undefined;
  if (!destination && sources.length === 0) {
    throw new CliError(`${dlq.name} is the dead-letter queue of no queue: give the destination with --to`);
  }
  for (const target of destination ? [destination] : await Promise.all(sources.map((url) => queueInfo(clients, url)))) {
    checkDestination(dlq, target);
  }
  const where = destination?.name ?? 'the source queue of each message';
  const count = dlq.visible;
  if (options.dryRun) {
    io.out(`would move ${count} message${count === 1 ? '' : 's'} from ${dlq.name} to ${where}` +
      `${options.maxPerSecond ? ` at most ${options.maxPerSecond} a second` : ''}` +
      `${dlq.inFlight > 0 ? `, and not the ${dlq.inFlight} in flight` : ''} (dry run: nothing moved)`);
    return { moved: 0, failed: 0 };
  }
  if (count === 0) {
    io.out(`${dlq.name} has no visible message: nothing to move${dlq.inFlight > 0 ? ` (${dlq.inFlight} in flight)` : ''}`);
    return { moved: 0, failed: 0 };
  }
  // SQS moves messages back only from the dead-letter queue of another SQS queue (StartMessageMoveTask).
  if (!options.clientSide && sources.length > 0) {
    try {
      return await moveTask(clients, io, dlq, destination, where, options.maxPerSecond);
    } catch (error) {
      if (!isUnsupportedOperation(error)) {
        throw error;
      }
      io.note(`${clients.endpoint ?? 'this endpoint'} offers no message move task: moving client-side, message by message`);
    }
  }
  return moveClientSide(clients, io, dlq, destination, count, options.maxPerSecond);
}

/** A destination must be another queue of the same type: SQS refuses FIFO messages to a standard queue and the other way round. */
function checkDestination(dlq: QueueInfo, destination: QueueInfo): void {
  if (destination.arn === dlq.arn) {
    throw new CliError(`the destination is ${dlq.name} itself: give another queue with --to`);
  }
  if (destination.fifo !== dlq.fifo) {
    throw new CliError(
      `${dlq.name} is a ${dlq.fifo ? 'FIFO' : 'standard'} queue and ${destination.name} a ${destination.fifo ? 'FIFO' : 'standard'} one: ` +
        'messages can only be moved between queues of the same type',
    );
  }
}

async function moveTask(
  clients: Clients,
  io: Io,
  dlq: QueueInfo,
  destination: QueueInfo | undefined,
  where: string,
  maxPerSecond: number | undefined,
): Promise<RedriveResult> {
  let handle: string | undefined;
  try {
    handle = (await clients.sqs.send(new StartMessageMoveTaskCommand({
      SourceArn: dlq.arn,
      DestinationArn: destination?.arn,
      MaxNumberOfMessagesPerSecond: maxPerSecond,
    }))).TaskHandle;
    io.note(`started a message move task from ${dlq.name} to ${where}`);
  } catch (error) {
    // "Only one active message movement task is supported per queue at any given time" (StartMessageMoveTask).
    if (!/already a task running|already.*(active|running)/i.test((error as Error).message ?? '')) {
      throw error;
    }
    io.note(`a message move task of ${dlq.name} is already running: following it`);
  }
  const bar = progress(io, 'moved');
  try {
    for (;;) {
      const { Results = [] } = await clients.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn, MaxResults: 10 }));
      // The handle is listed while the task runs only; the most recent task is the one started here.
      const task = Results.find((t) => handle !== undefined && t.TaskHandle === handle) ??
        [...Results].sort((a, b) => (b.StartedTimestamp ?? 0) - (a.StartedTimestamp ?? 0))[0];
      if (!task) {
        throw new CliError(`the message move task of ${dlq.name} is not listed by SQS`);
      }
      const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
      bar.update(moved, task.ApproximateNumberOfMessagesToMove ?? moved, task.Status?.toLowerCase());
      if (TERMINAL.has(task.Status ?? '')) {
        bar.stop();
        const toMove = task.ApproximateNumberOfMessagesToMove ?? moved;
        io.out(`${task.Status?.toLowerCase()}: moved ${moved} of ${toMove} message${toMove === 1 ? '' : 's'} from ${dlq.name} to ${where}` +
          `${task.FailureReason ? ` (${task.FailureReason})` : ''}`);
        // The counts are approximate; a task that did not complete is a failure whatever they say.
        return { moved, failed: task.Status === 'COMPLETED' ? 0 : Math.max(1, toMove - moved) };
      }
      await io.sleep(2000);
    }
  } finally {
    bar.stop();
  }
}

/**
 * Moves `count` messages (those visible when the command started, so that
 * messages failing again during the move are not moved twice) by receiving
 * them, sending copies with their body, message attributes, trace header,
 * message group id and deduplication id, and deleting from the dead-letter
 * queue only those SQS accepted. A message that cannot be moved (refused by
 * SQS, or naming no source queue) is counted once and kept hidden until the
 * end, so that the next receives return the others, then made visible again
 * where it was.
 */
async function moveClientSide(
  clients: Clients,
  io: Io,
  dlq: QueueInfo,
  destination: QueueInfo | undefined,
  count: number,
  maxPerSecond: number | undefined,
): Promise<RedriveResult> {
  const urls = new Map<string, string>();
  const started = io.now().getTime();
  const bar = progress(io, 'moved');
  /** Messages that could not be moved, by id, with their latest receipt handle. */
  const held = new Map<string, Message>();
  let moved = 0;
  let duplicated = 0;
  let emptyReceives = 0;
  while (moved + held.size < count && emptyReceives < 3) {
    const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({
      QueueUrl: dlq.url,
      MaxNumberOfMessages: Math.min(10, count - moved - held.size),
      VisibilityTimeout: HIDE_SECONDS,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }));
    const fresh = Messages.filter((m) => !held.has(m.MessageId!));
    // A held message returned again (its hiding ran out): hide it again, with the new receipt handle.
    const returned = Messages.filter((m) => held.has(m.MessageId!));
    returned.forEach((m) => held.set(m.MessageId!, m));
    await hide(clients, dlq.url, returned);
    if (fresh.length === 0) {
      emptyReceives++;
      continue;
    }
    emptyReceives = 0;
    const byDestination = new Map<string, Message[]>();
    const unroutable: Message[] = [];
    for (const message of fresh) {
      const target = destination?.url ?? (await sourceUrlOf(clients, message, urls));
      if (target) {
        byDestination.set(target, [...(byDestination.get(target) ?? []), message]);
      } else {
        unroutable.push(message);
      }
    }
    if (unroutable.length > 0) {
      io.note(`${unroutable.length} message${unroutable.length === 1 ? ' names' : 's name'} no source queue that exists: left in ${dlq.name}, give --to`);
      unroutable.forEach((m) => held.set(m.MessageId!, m));
      await hide(clients, dlq.url, unroutable);
    }
    for (const [url, messages] of byDestination) {
      for (const batch of sizedBatches(messages)) {
        const { Successful = [], Failed = [] } = await clients.sqs.send(new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: batch.map((m, i) => copyOf(m, String(i))),
        }));
        const sent = Successful.map((r) => batch[Number(r.Id)]);
        if (sent.length > 0) {
          const deleted = await clients.sqs.send(new DeleteMessageBatchCommand({
            QueueUrl: dlq.url,
            Entries: sent.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }));
          if ((deleted.Failed ?? []).length > 0) {
            duplicated += deleted.Failed!.length;
            io.note(`${deleted.Failed!.length} message${deleted.Failed!.length === 1 ? ' was' : 's were'} copied but could not be deleted from ` +
              `${dlq.name} (${deleted.Failed![0].Code}): ${deleted.Failed!.length === 1 ? 'it is' : 'they are'} in both queues`);
          }
        }
        const refused = Failed.map((f) => batch[Number(f.Id)]);
        if (refused.length > 0) {
          io.note(`SQS refused ${refused.length} message${refused.length === 1 ? '' : 's'} (${Failed[0].Code}: ${Failed[0].Message}): left in ${dlq.name}`);
          refused.forEach((m) => held.set(m.MessageId!, m));
          await hide(clients, dlq.url, refused);
        }
        moved += sent.length;
      }
    }
    bar.update(moved, count, held.size > 0 ? `${held.size} failed` : undefined);
    if (maxPerSecond) {
      const due = started + (moved / maxPerSecond) * 1000;
      const wait = due - io.now().getTime();
      if (wait > 0) {
        await io.sleep(wait);
      }
    }
  }
  bar.stop();
  await release(clients, dlq.url, [...held.values()]);
  const failed = held.size;
  const target = destination?.name ?? 'their source queues';
  io.out(`moved ${moved} message${moved === 1 ? '' : 's'} from ${dlq.name} to ${target}` +
    (failed > 0 ? `; ${failed} could not be moved and ${failed === 1 ? 'is' : 'are'} still in ${dlq.name}` : '') +
    (duplicated > 0 ? `; ${duplicated} copied ${duplicated === 1 ? 'is' : 'are'} also still in ${dlq.name}` : ''));
  return { moved, failed: failed + duplicated };
}

/** How long a message that cannot be moved stays hidden while the others are moved (then it is made visible again). */
const HOLD_SECONDS = 15 * 60;

async function hide(clients: Clients, url: string, messages: Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    await clients.sqs.send(new ChangeMessageVisibilityBatchCommand({
      QueueUrl: url,
      Entries: messages.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: HOLD_SECONDS })),
    }));
  }
}

/**
 * SendMessageBatch refuses a whole batch whose messages add up to more than
 * one message may be (BatchRequestTooLong; 256 KiB for every queue, up to
 * 1 MiB where the queue allows it:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html):
 * batches are cut at 256 KiB, and a larger message is sent alone.
 */
const BATCH_BYTES = 256 * 1024;

/** `messages` in batches of at most 10 whose sizes add up to at most {@link BATCH_BYTES}. */
export function sizedBatches(messages: Message[]): Message[][] {
  return sqsBatches(messages, messageBytes, BATCH_BYTES);
}

/** A message's size as SQS counts it: the body, and each attribute's name, type and value. */
function messageBytes(m: Message): number {
  let size = Buffer.byteLength(m.Body ?? '');
  for (const [name, value] of Object.entries(m.MessageAttributes ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') +
      (value.StringValue !== undefined ? Buffer.byteLength(value.StringValue) : (value.BinaryValue?.length ?? 0));
  }
  return size;
}

/** The send entry that copies `m`: body, message attributes, trace header, and the FIFO group and deduplication ids. */
function copyOf(m: Message, id: string): SendMessageBatchRequestEntry {
  const a = m.Attributes ?? {};
  return {
    Id: id,
    MessageBody: m.Body!,
    MessageAttributes: m.MessageAttributes && Object.keys(m.MessageAttributes).length > 0 ? m.MessageAttributes : undefined,
    MessageSystemAttributes: a.AWSTraceHeader
      ? { [MessageSystemAttributeNameForSends.AWSTraceHeader]: { DataType: 'String', StringValue: a.AWSTraceHeader } }
      : undefined,
    MessageGroupId: a.MessageGroupId,
    MessageDeduplicationId: a.MessageDeduplicationId,
  };
}

/** The URL of the queue the message failed in (DeadLetterQueueSourceArn), cached. */
async function sourceUrlOf(clients: Clients, m: Message, urls: Map<string, string>): Promise<string | undefined> {
  const arn = m.Attributes?.DeadLetterQueueSourceArn;
  if (!arn) {
    return undefined;
  }
  if (!urls.has(arn)) {
    try {
      urls.set(arn, await queueUrlOf(clients, arn));
    } catch (error) {
      if (error instanceof CliError) {
        return undefined;
      }
      throw error;
    }
  }
  return urls.get(arn);
}
