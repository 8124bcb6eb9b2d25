/**
 * Lambda entry point of the Kinesis CQRS projector. Configuration (environment variables):
 *
 * - `TABLE_NAME` (required): the read-model table.
 * - `PARTITION_KEY` (default `pk`): the table's partition key attribute.
 * - `FAILURE_QUEUE_URL` (optional): SQS queue receiving records that can never be projected.
 *
 * The event source mapping must enable `ReportBatchItemFailures`. This file only wires the
 * adapters; the runtime and its semantics are in `projector/` (start with `projector/index.ts`).
 */
// The AWS SDK v3 is provided by the Lambda Node.js runtime and left out of the bundle.
// eslint-disable-next-line import/no-extraneous-dependencies
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { createProjector } from './projector/batch-projection';
import { configFromEnv } from './projector/config';
import { failureQueueFromEnv } from './projector/sqs-failure-queue';

const projector = createProjector({
  dynamodb: new DynamoDBClient({}),
  config: configFromEnv(process.env),
  sendToFailureQueue: failureQueueFromEnv(process.env.FAILURE_QUEUE_URL?.trim()),
});

/** Projects a batch of Kinesis records into the read-model table. */
export const handler = async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => projector(event);
