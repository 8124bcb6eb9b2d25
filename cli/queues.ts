/**
 * Finding queues and what SQS knows of them.
 */
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { Clients } from './aws';
import { CliError, isUnsupportedOperation } from './errors';

/** A queue, with the attributes the commands use. */
export interface QueueInfo {
  readonly url: string;
  readonly arn: string;
  readonly name: string;
  readonly fifo: boolean;
  /** Visible messages (ApproximateNumberOfMessages). */
  readonly visible: number;
  /** Received and not deleted (ApproximateNumberOfMessagesNotVisible). */
  readonly inFlight: number;
  readonly delayed: number;
  /** The dead-letter queue named by the queue's redrive policy. */
  readonly deadLetterTargetArn?: string;
  readonly maxReceiveCount?: number;
}

/** The name in a queue ARN or URL. */
export function queueNameOf(urlOrArn: string): string {
  return urlOrArn.split(/[/:]/).pop() ?? urlOrArn;
}

/** The URL of a queue given by URL, ARN or name. */
export async function queueUrlOf(clients: Clients, reference: string): Promise<string> {
  if (/^https?:\/\//.test(reference)) {
    return reference;
  }
  const arn = /^arn:[^:]+:sqs:[^:]*:(\d*):(.+)$/.exec(reference);
  const name = arn ? arn[2] : reference;
  const owner = arn && arn[1] ? arn[1] : undefined;
  try {
    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: owner }));
    return QueueUrl!;
  } catch (error) {
    if ((error as { name?: string }).name?.includes('NonExistentQueue') || (error as { name?: string }).name === 'QueueDoesNotExist') {
      throw new CliError(`no queue named ${name}${clients.endpoint ? ` at ${clients.endpoint}` : ''}: give its name, URL or ARN`);
    }
    throw error;
  }
}

/** The queue's attributes. */
export async function queueInfo(clients: Clients, url: string): Promise<QueueInfo> {
  const { Attributes: a = {} } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  const redrive = a.RedrivePolicy ? (JSON.parse(a.RedrivePolicy) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string }) : undefined;
  return {
    url,
    arn: a.QueueArn ?? '',
    name: queueNameOf(a.QueueArn ?? url),
    fifo: a.FifoQueue === 'true',
    visible: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
    deadLetterTargetArn: redrive?.deadLetterTargetArn,
    maxReceiveCount: redrive?.maxReceiveCount === undefined ? undefined : Number(redrive.maxReceiveCount),
  };
}

/**
 * The URLs of the queues whose redrive policy names `dlq`
 * (ListDeadLetterSourceQueues; where the service does not offer it, every
 * queue's redrive policy is read instead).
 */
export async function deadLetterSources(clients: Clients, dlq: QueueInfo): Promise<string[]> {
  try {
    const urls: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await clients.sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url, NextToken, MaxResults: 1000 }));
      urls.push(...(page.queueUrls ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return urls;
  } catch (error) {
    if (!isUnsupportedOperation(error)) {
      throw error;
    }
  }
  const sources: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await clients.sqs.send(new ListQueuesCommand({ NextToken, MaxResults: 1000 }));
    for (const url of page.QueueUrls ?? []) {
      if (url !== dlq.url && (await queueInfo(clients, url)).deadLetterTargetArn === dlq.arn) {
        sources.push(url);
      }
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return sources;
}

/**
 * Receives up to `max` distinct messages and keeps each hidden for
 * `hideSeconds`, so that it is returned once. Stops at the first receive
 * that returns nothing new.
 */
export async function receiveDistinct(clients: Clients, url: string, max: number, hideSeconds: number): Promise<Message[]> {
  const seen = new Map<string, Message>();
  while (seen.size < max) {
    const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: Math.min(10, max - seen.size),
      VisibilityTimeout: hideSeconds,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }));
    const fresh = Messages.filter((m) => !seen.has(m.MessageId!));
    // A message seen before came back (its hiding ran out): keep its newest receipt handle, which alone can release it.
    Messages.forEach((m) => seen.set(m.MessageId!, m));
    if (fresh.length === 0) {
      break;
    }
  }
  return [...seen.values()];
}
