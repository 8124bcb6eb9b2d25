/**
 * Lambda entry point of the Kinesis CQRS projector. Configuration (environment variables):
 *
 * - `TABLE_NAME` (required): the read-model table.
 * - `PARTITION_KEY` (default `pk`): the table's partition key attribute.
 * - `FAILURE_QUEUE_URL` (optional): SQS queue receiving records that can never be projected.
 *
 * The event source mapping must enable `ReportBatchItemFailures`. Semantics are documented in
 * `projector-core.ts`.
 */
// The AWS SDK v3 is provided by the Lambda Node.js runtime and left out of the bundle.
// eslint-disable-next-line import/no-extraneous-dependencies
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
// eslint-disable-next-line import/no-extraneous-dependencies
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { configFromEnv, createProjector, sqsFailureSender, type SendMessageBatch, type SendToFailureQueue } from './projector-core';

/** The SQS operation the failure queue needs; `SQSClient` satisfies it. */
export interface SqsBatchClient {
  send(command: SendMessageBatchCommand): Promise<{ Failed?: { Id?: string }[] }>;
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

/** The failure-queue port for `queueUrl`, or none when no queue is configured. */
export function failureQueueFromEnv(queueUrl: string | undefined, client: SqsBatchClient = new SQSClient({})): SendToFailureQueue | undefined {
  return queueUrl ? sqsFailureSender(sqsSendMessageBatch(client, queueUrl)) : undefined;
}

const projector = createProjector({
  dynamodb: new DynamoDBClient({}),
  config: configFromEnv(process.env),
  sendToFailureQueue: failureQueueFromEnv(process.env.FAILURE_QUEUE_URL?.trim()),
});

/** Projects a batch of Kinesis records into the read-model table. */
export const handler = async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => projector(event);
