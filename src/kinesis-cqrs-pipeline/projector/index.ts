/**
 * The runtime of the KinesisCqrsPipeline's default projector: it materializes events read from a
 * Kinesis data stream into a DynamoDB read-model table. The Lambda entry point
 * (`../projector.lambda.ts`) only wires clients and environment variables; the core depends on two
 * ports, the read-model store and the failure queue, so it runs in tests without AWS.
 *
 * One concern a file, in the order a batch goes through them:
 * - `envelope.ts`: the event envelope a record carries, decoded and validated;
 * - `batch-records.ts`: the records of a batch, parsed and grouped by entity;
 * - `fold.ts`: events folded into the state of an entity (snapshot and patch modes), and the
 *   records that can never be projected (conflicts, missing versions, states too large);
 * - `item-size.ts`: the DynamoDB size of a state, judged event by event;
 * - `numbers.ts`: exact JSON numbers (the producer's decimal text kept when a double would change
 *   it), DynamoDB's number limits, and JSON equality by value;
 * - `marshalling.ts`: JSON to and from DynamoDB attribute values, and item sizes;
 * - `read-model-store.ts`: the read-model port and the DynamoDB requests (the read-model item);
 * - `entity-projection.ts`: one entity's events written with conditional writes (the guarantees);
 * - `failure-queue.ts`: the failure-queue port, for records that can never be projected;
 * - `sqs-failure-queue.ts`: the SQS adapter of the failure-queue port;
 * - `batch-projection.ts`: the batch handler, its partial batch response and checkpointing;
 * - `log.ts`: the structured log line written per batch, with its embedded metrics;
 * - `metrics.ts`: the names of those metrics (constants only: the construct imports them);
 * - `config.ts`: the settings, read from the environment.
 *
 * Not exported from the library's `src/index.ts`: these are not jsii types.
 *
 * @module
 */
export { createProjector, type KinesisProjector, type ProjectorDependencies } from './batch-projection';
export { configFromEnv, type ProjectorConfig } from './config';
export {
  parseRecordData,
  validateEnvelope,
  type JsonObject,
  type JsonValue,
  type ParseResult,
  type ProjectionEvent,
  type ProjectionMode,
} from './envelope';
export type { FailureQueueSendResult, SendToFailureQueue, UnprocessableRecord } from './failure-queue';
export {
  copiesByVersion,
  mergePatch,
  planEntity,
  type EntityPlan,
  type KnownBase,
  type MaterializedEntity,
  type ParkCause,
  type ParkedRecord,
} from './fold';
export { entityItemBytes, jsonBytes, stateEntryBytes } from './item-size';
export type { LogLine } from './log';
export { PROJECTOR_METRICS, PROJECTOR_METRICS_NAMESPACE } from './metrics';
export { fromAttributeMap, fromAttributeValue, MAX_ITEM_BYTES, toAttributeMap, toAttributeValue } from './marshalling';
export {
  decimalText,
  decimalTextsEqual,
  DYNAMODB_MAX_SIGNIFICANT_DIGITS,
  dynamoDbNumberError,
  isExactNumber,
  isJsonNumber,
  jsonEquals,
  jsonNumber,
  jsonNumberError,
  mayLoseDigits,
  numbersEqual,
  numberSize,
  numberText,
  parseJson,
  significantDigits,
  toDecimal,
  type Decimal,
  type ExactNumber,
  type JsonNumber,
} from './numbers';
export { DEFAULT_PARTITION_KEY, READ_MODEL_ATTRIBUTES, type ReadModelClient } from './read-model-store';
export {
  failureMessageBody,
  failureQueueFromEnv,
  sqsFailureSender,
  sqsSendMessageBatch,
  type SendMessageBatch,
  type SqsBatchClient,
  type SqsBatchEntry,
  type SqsFailureSenderOptions,
} from './sqs-failure-queue';
