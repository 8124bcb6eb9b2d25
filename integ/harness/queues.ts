/**
 * SQS and Lambda-log helpers for the scenarios.
 */
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetQueueAttributesCommand, Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { AwsClients } from './aws';

export interface QueueDepth {
  /** Messages available for retrieval. */
  readonly visible: number;
  /** Messages received but not yet deleted (in flight). */
  readonly inFlight: number;
  readonly delayed: number;
}

/** The approximate message counts of a queue. */
export async function queueDepth(clients: AwsClients, queueUrl: string): Promise<QueueDepth> {
  const { Attributes = {} } = await clients.sqs.send(new GetQueueAttributesCommand({
    QueueUrl: queueUrl,
    AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
  }));
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/** Total of the approximate counts (visible + in flight + delayed). */
export function total(depth: QueueDepth): number {
  return depth.visible + depth.inFlight + depth.delayed;
}

/**
 * Receives every message currently in a queue that has no consumer (a DLQ, a
 * subscriber queue under test) and hides them for `hideSeconds`, so that each
 * is returned once. Stops after a receive that returns nothing.
 */
export async function receiveAll(clients: AwsClients, queueUrl: string, hideSeconds = 60): Promise<Message[]> {
  const seen = new Map<string, Message>();
  for (let round = 0; round < 100; round++) {
    const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: hideSeconds,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }));
    if (Messages.length === 0) {
      break;
    }
    for (const message of Messages) {
      seen.set(message.MessageId!, message);
    }
  }
  return [...seen.values()];
}

/**
 * Every log line a Lambda function wrote: its log group is `/aws/lambda/<name>`,
 * or the one its LoggingConfig names (pass it as `logGroup`; both are read).
 */
export async function lambdaLogLines(clients: AwsClients, functionName: string, logGroup?: string): Promise<string[]> {
  const groups = [...new Set([logGroup, `/aws/lambda/${functionName}`].filter((g): g is string => !!g))];
  const lines: string[] = [];
  for (const logGroupName of groups) {
    let nextToken: string | undefined;
    do {
      try {
        const page = await clients.logs.send(new FilterLogEventsCommand({ logGroupName, nextToken }));
        lines.push(...(page.events ?? []).map((e) => e.message ?? ''));
        nextToken = page.nextToken;
      } catch (error) {
        if ((error as Error).name !== 'ResourceNotFoundException') {
          throw error;
        }
        nextToken = undefined; // the group does not exist (yet)
      }
    } while (nextToken);
  }
  return lines;
}

/**
 * The JSON objects a function logged: each line's first `{...}` (a line may
 * carry a timestamp, request id and level before it, as on AWS).
 */
export function loggedObjects(lines: string[]): any[] {
  const objects: any[] = [];
  for (const line of lines) {
    const start = line.indexOf('{');
    if (start < 0) {
      continue;
    }
    try {
      objects.push(JSON.parse(line.slice(start).trim()));
    } catch {
      // not a JSON line
    }
  }
  return objects;
}

/** Counts of each value of `key`. */
export function countBy<T>(items: T[], key: (item: T) => string | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) {
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  return counts;
}
