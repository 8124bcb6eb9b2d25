/**
 * `purge`: deletes every message of a dead-letter queue, after a confirmation.
 */
import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { deadLetterQueue } from './dead-letter-queue';
import { Clients } from '../aws';
import { CliError } from '../errors';
import { Io } from '../io';

export interface PurgeOptions {
  readonly yes: boolean;
  readonly anyQueue: boolean;
}

/** @returns how many messages were deleted (approximately, as SQS counts them) */
export async function purge(clients: Clients, io: Io, reference: string, options: PurgeOptions): Promise<number> {
  const { queue } = await deadLetterQueue(clients, reference, options.anyQueue);
  const count = queue.visible + queue.inFlight + queue.delayed;
  if (count === 0) {
    io.out(`${queue.name} is empty: nothing to delete`);
    return 0;
  }
  const what = `${count} message${count === 1 ? '' : 's'} of ${queue.name}`;
  if (!options.yes) {
    if (!io.interactive) {
      throw new CliError(`purging deletes ${what} for good: pass --yes to confirm when no one is at the terminal`);
    }
    if (!(await io.confirm(`Delete all ${what}? They cannot be recovered.`))) {
      io.out('nothing deleted');
      return 0;
    }
  }
  await clients.sqs.send(new PurgeQueueCommand({ QueueUrl: queue.url }));
  // "The message deletion process takes up to 60 seconds" (PurgeQueue, Amazon SQS API Reference).
  io.out(`purged ${queue.name}: ${count} message${count === 1 ? '' : 's'} deleted (SQS finishes within 60 seconds)`);
  return count;
}
