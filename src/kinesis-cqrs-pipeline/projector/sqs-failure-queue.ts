/**
 * The SQS adapter of the failure-queue port (`failure-queue.ts`): one JSON message per
 * unprocessable record, sent with `SendMessageBatch`, batched by 10 and by size.
 *
 * @module
 */
// The AWS SDK v3 is provided by the Lambda Node.js runtime and left out of the bundle.
// eslint-disable-next-line import/no-extraneous-dependencies
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SendToFailureQueue, UnprocessableRecord } from './failure-queue';
import { sqsBatches } from '../../core/sqs-batches';

/** One entry of an SQS `SendMessageBatch` request. */
export interface SqsBatchEntry {
  readonly Id: string;
  readonly MessageBody: string;
}

/**
 * Sends one SQS `SendMessageBatch` request (at most 10 entries) and resolves to the ids of the
 * entries SQS did not accept (the response's `Failed[].Id`).
 */
export type SendMessageBatch = (entries: SqsBatchEntry[]) => Promise<readonly string[]>;

/** Options of {@link sqsFailureSender}. */
export interface SqsFailureSenderOptions {
  /**
   * Largest message body, and largest batch, in bytes. Records whose message would be larger have
   * their `data` truncated (`dataTruncated: true`, `dataLength` holds the original length); the
   * sequence number and shard still locate the record in the stream.
   * @default 262144 (256 KiB, accepted by every queue)
   */
  readonly maxMessageBytes?: number;
}

/** The SQS operation the failure queue needs; `SQSClient` satisfies it. */
export interface SqsBatchClient {
  send(command: SendMessageBatchCommand): Promise<{ Failed?: { Id?: string }[] }>;
}

const DEFAULT_SQS_MAX_MESSAGE_BYTES = 256 * 1024;
const TRUNCATION_MARGIN_BYTES = 64;

/** The failure-queue port for `queueUrl`, or none when no queue is configured. */
export function failureQueueFromEnv(queueUrl: string | undefined, client: SqsBatchClient = new SQSClient({})): SendToFailureQueue | undefined {
  return queueUrl ? sqsFailureSender(sqsSendMessageBatch(client, queueUrl)) : undefined;
}

/**
 * `SendMessageBatch` against the failure queue: resolves to the ids of the entries SQS did not
 * accept; a rejected request rejects (the projector then reports the records, so nothing is lost).
 */
export function sqsSendMessageBatch(client: SqsBatchClient, queueUrl: string): SendMessageBatch {
  return async (entries) => {
    const output = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    return (output.Failed ?? []).map((failed) => failed.Id ?? '');
  };
}

/**
 * Adapts an SQS `SendMessageBatch` call to the failure-queue port: one JSON message per record,
 * batched by 10 and by size.
 */
export function sqsFailureSender(sendMessageBatch: SendMessageBatch, options: SqsFailureSenderOptions = {}): SendToFailureQueue {
  const maxBytes = options.maxMessageBytes ?? DEFAULT_SQS_MAX_MESSAGE_BYTES;
  return async (records) => {
    const messages = records.map((record) => ({ sequenceNumber: record.sequenceNumber, body: failureMessageBody(record, maxBytes) }));
    const chunks = chunkMessages(messages, maxBytes);
    const results = await Promise.allSettled(chunks.map((chunk) => sendChunk(sendMessageBatch, chunk)));
    const failedSequenceNumbers = results.flatMap((result, i) => (result.status === 'fulfilled'
      ? result.value
      : chunks[i].map((message) => message.sequenceNumber)));
    return { failedSequenceNumbers };
  };
}

interface FailureMessage {
  readonly sequenceNumber: string;
  readonly body: string;
}

/** JSON body of a failure-queue message, with the data truncated to fit `maxBytes`. */
export function failureMessageBody(record: UnprocessableRecord, maxBytes: number): string {
  const body = JSON.stringify(record);
  const excess = utf8Length(body) - maxBytes;
  if (excess <= 0) {
    return body;
  }
  const keep = Math.max(0, record.data.length - excess - TRUNCATION_MARGIN_BYTES);
  return JSON.stringify({ ...record, data: record.data.slice(0, keep), dataTruncated: true, dataLength: record.data.length });
}

function chunkMessages(messages: readonly FailureMessage[], maxBytes: number): FailureMessage[][] {
  return sqsBatches(messages, (message) => utf8Length(message.body), maxBytes);
}

async function sendChunk(sendMessageBatch: SendMessageBatch, chunk: readonly FailureMessage[]): Promise<string[]> {
  const entries = chunk.map((message, i) => ({ Id: `m${i}`, MessageBody: message.body }));
  const failedIds = new Set(await sendMessageBatch(entries));
  return chunk.filter((_, i) => failedIds.has(`m${i}`)).map((message) => message.sequenceNumber);
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
