/**
 * The read-model store: the port the projector writes through (`ReadModelClient`, which
 * `DynamoDBClient` satisfies, and which tests and the benchmark satisfy with an in-memory table)
 * and the DynamoDB requests it sends.
 *
 * One item per entity: `<PARTITION_KEY>` = entityId, `version` (N), `type` (S, last event type),
 * `updatedAt` (S, last event time), `state` (M, the materialized state).
 *
 * Every write is conditional on the stored version (see `entity-projection.ts` for when each
 * condition is used); a failed condition rejects with `ConditionalCheckFailedException`, which
 * carries the stored item.
 *
 * @module
 */
// The AWS SDK v3 is provided by the Lambda Node.js runtime and left out of the bundle.
// eslint-disable-next-line import/no-extraneous-dependencies
import {
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type GetItemCommandOutput,
  type PutItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { MaterializedEntity } from './fold';
import { fromAttributeMap, toAttributeMap } from './marshalling';

/** Default name of the partition key attribute. */
export const DEFAULT_PARTITION_KEY = 'pk';
/** Attribute names of the read-model item besides the partition key. */
export const READ_MODEL_ATTRIBUTES = { version: 'version', type: 'type', updatedAt: 'updatedAt', state: 'state' } as const;

/** The DynamoDB operations the projector uses; `DynamoDBClient` satisfies it. */
export interface ReadModelClient {
  send(command: GetItemCommand): Promise<GetItemCommandOutput>;
  send(command: PutItemCommand): Promise<PutItemCommandOutput>;
}

/** A read-model item. */
export type ReadModelItem = Record<string, AttributeValue>;

/** The table the store reads and writes, and how hard it tries. */
export interface StoreContext {
  readonly dynamodb: ReadModelClient;
  readonly tableName: string;
  readonly partitionKey: string;
  readonly maxConflictRetries: number;
}

function expressionNames(ctx: StoreContext): Record<'#pk' | '#version', string> {
  return { '#pk': ctx.partitionKey, '#version': READ_MODEL_ATTRIBUTES.version };
}

/** The read-model item of an entity. */
export function toItem(ctx: StoreContext, entityId: string, entity: MaterializedEntity): ReadModelItem {
  return {
    [ctx.partitionKey]: { S: entityId },
    [READ_MODEL_ATTRIBUTES.version]: { N: String(entity.version) },
    [READ_MODEL_ATTRIBUTES.type]: { S: entity.type },
    [READ_MODEL_ATTRIBUTES.updatedAt]: { S: entity.updatedAt },
    [READ_MODEL_ATTRIBUTES.state]: { M: toAttributeMap(entity.state) },
  };
}

/** The entity a read-model item holds (`undefined`: no item). */
export function fromItem(item: ReadModelItem | undefined): MaterializedEntity | undefined {
  if (item === undefined) {
    return undefined;
  }
  const version = Number(item[READ_MODEL_ATTRIBUTES.version]?.N);
  if (!Number.isSafeInteger(version)) {
    throw new Error('stored item has no numeric version');
  }
  const state = item[READ_MODEL_ATTRIBUTES.state]?.M;
  return {
    version,
    type: item[READ_MODEL_ATTRIBUTES.type]?.S ?? '',
    updatedAt: item[READ_MODEL_ATTRIBUTES.updatedAt]?.S ?? '',
    state: state ? fromAttributeMap(state) : {},
  };
}

/** Reads the stored entity (one strongly consistent `GetItem`). */
export async function readEntity(ctx: StoreContext, entityId: string): Promise<MaterializedEntity | undefined> {
  const output = await ctx.dynamodb.send(new GetItemCommand({
    TableName: ctx.tableName,
    Key: { [ctx.partitionKey]: { S: entityId } },
    ConsistentRead: true,
  }));
  return fromItem(output.Item);
}

/**
 * Writes the item if the stored one is older than `version` (or absent). A failed condition
 * carries the stored item, as `putIfUnchanged`'s does.
 */
export async function putIfNewer(ctx: StoreContext, item: ReadModelItem, version: number): Promise<void> {
  await ctx.dynamodb.send(new PutItemCommand({
    TableName: ctx.tableName,
    Item: item,
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    ConditionExpression: 'attribute_not_exists(#pk) OR #version < :version',
    ExpressionAttributeNames: expressionNames(ctx),
    ExpressionAttributeValues: { ':version': { N: String(version) } },
  }));
}

/** Writes the item if the stored version is still `expected` (absent when `undefined`). */
export async function putIfUnchanged(ctx: StoreContext, item: ReadModelItem, expected: number | undefined): Promise<void> {
  const names = expressionNames(ctx);
  await ctx.dynamodb.send(new PutItemCommand({
    TableName: ctx.tableName,
    Item: item,
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    ...(expected === undefined
      ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': names['#pk'] } }
      : {
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': names['#version'] },
        ExpressionAttributeValues: { ':expected': { N: String(expected) } },
      }),
  }));
}

/**
 * Whether a write failed on its condition; the error then carries the stored item
 * (`ReturnValuesOnConditionCheckFailure: ALL_OLD`, PutItem API reference:
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html).
 */
export function isConditionalCheckFailure(error: unknown): error is Error & { Item?: ReadModelItem } {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * Whether DynamoDB refused the request itself (`ValidationException`: for example an item above
 * 400 KB, or a number it cannot hold). Unlike throttling or a server error, retrying the same
 * request cannot succeed ("Error handling with DynamoDB", 400 errors that are not retryable:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html).
 */
export function isValidationError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ValidationException';
}
