/**
 * The queue a peek, redrive or purge works on, checked to be a dead-letter queue.
 */
import { Clients } from '../aws';
import { CliError } from '../errors';
import { deadLetterSources, queueInfo, QueueInfo, queueUrlOf } from '../queues';

export interface DeadLetterQueue {
  readonly queue: QueueInfo;
  /** The URLs of the queues whose redrive policy names it; empty for a failure queue of another service. */
  readonly sources: string[];
}

/**
 * The queue given as `reference` (name, URL or ARN). Unless `anyQueue`, it
 * must be the dead-letter queue of another queue. A queue with a redrive
 * policy of its own is refused either way: reading it counts receives toward
 * its `maxReceiveCount`, and would move messages to its dead-letter queue.
 */
export async function deadLetterQueue(clients: Clients, reference: string, anyQueue: boolean): Promise<DeadLetterQueue> {
  const queue = await queueInfo(clients, await queueUrlOf(clients, reference));
  if (queue.deadLetterTargetArn) {
    throw new CliError(
      `${queue.name} is not a dead-letter queue: it has a redrive policy of its own (to ${queue.deadLetterTargetArn}), and reading it would count ` +
        'receives toward its maxReceiveCount. Give its dead-letter queue.',
    );
  }
  const sources = await deadLetterSources(clients, queue);
  if (sources.length === 0 && !anyQueue) {
    throw new CliError(
      `${queue.name} is not a dead-letter queue: no queue names it in its redrive policy. For the failure queue of another service ` +
        '(a subscription or rule dead-letter queue, an on-failure destination), add --any-queue.',
    );
  }
  return { queue, sources };
}
