/**
 * In-process stand-in for the projector's read-model table, for the projector benchmark
 * (`throughput.ts`): one table with a string partition key, items kept in a `Map`.
 *
 * It implements the `ReadModelClient` port with the requests the projector really sends
 * (`projector-core.ts`, section "Read-model store"): `GetItem` by key and `PutItem` with one of
 * the projector's three condition expressions, evaluated as DynamoDB does (a comparison with a
 * missing attribute is false). A failed condition rejects with the SDK's
 * `ConditionalCheckFailedException`, carrying the stored item when the request asks for
 * `ReturnValuesOnConditionCheckFailure: ALL_OLD`. Other expressions, unused or missing
 * placeholders, a missing key or another table name reject like DynamoDB's validation errors,
 * so that a change in what the projector sends shows up instead of being benchmarked wrongly.
 *
 * Items are deep-copied in and out (by a plain recursive copy: `structuredClone` would cost more
 * than the projector itself): the projector never shares an object with the store.
 */
// The benchmark is a development tool, like the tests: it uses their dev dependencies.
/* eslint-disable import/no-extraneous-dependencies */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type GetItemCommandInput,
  type GetItemCommandOutput,
  type PutItemCommandInput,
  type PutItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { DEFAULT_PARTITION_KEY, type ReadModelClient } from '../../src/kinesis-cqrs-pipeline/projector-core';

/** A DynamoDB item. */
export type Item = Record<string, AttributeValue>;

/** A condition expression the projector sends, with the placeholders it must come with. */
interface Condition {
  readonly names: readonly string[];
  readonly values: readonly string[];
  /** Whether the condition holds for the stored item (`undefined`: no item). */
  readonly holds: (stored: Item | undefined, names: Record<string, string>, values: Record<string, AttributeValue>) => boolean;
}

/** The projector's conditions, by expression (`putIfNewer`, then `putIfUnchanged` without and with a stored version). */
const CONDITIONS: Readonly<Record<string, Condition>> = {
  'attribute_not_exists(#pk) OR #version < :version': {
    names: ['#pk', '#version'],
    values: [':version'],
    holds: (stored, names, values) => stored?.[names['#pk']] === undefined
      || compareNumbers(stored[names['#version']], values[':version']) < 0,
  },
  'attribute_not_exists(#pk)': {
    names: ['#pk'],
    values: [],
    holds: (stored, names) => stored?.[names['#pk']] === undefined,
  },
  '#version = :expected': {
    names: ['#version'],
    values: [':expected'],
    holds: (stored, names, values) => compareNumbers(stored?.[names['#version']], values[':expected']) === 0,
  },
};

/**
 * Compares two number attributes like a DynamoDB condition: `NaN` (the comparison is false) when
 * either is missing or not a number.
 */
function compareNumbers(left: AttributeValue | undefined, right: AttributeValue | undefined): number {
  if (left?.N === undefined || right?.N === undefined) {
    return NaN;
  }
  return Number(left.N) - Number(right.N);
}

/** A deep copy of an attribute value. */
function copyValue(value: AttributeValue): AttributeValue {
  if (value.M !== undefined) return { M: copyItem(value.M) };
  if (value.L !== undefined) return { L: value.L.map(copyValue) };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.B !== undefined) return { B: value.B.slice() };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => b.slice()) };
  return { ...value }; // S, N, BOOL, NULL: immutable members
}

/** A deep copy of an item (or of a map attribute). */
function copyItem(item: Item): Item {
  const copy: Item = {};
  for (const name of Object.keys(item)) {
    copy[name] = copyValue(item[name]);
  }
  return copy;
}

/** An error shaped like the SDK's service exceptions (`name` is what callers test). */
function serviceError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

/** One read-model table in memory. */
export class FakeReadModelTable implements ReadModelClient {
  private readonly items = new Map<string, Item>();

  constructor(readonly tableName: string, readonly partitionKey: string = DEFAULT_PARTITION_KEY) {}

  /** Number of stored items. */
  get size(): number {
    return this.items.size;
  }

  /** A copy of the stored item of an entity. */
  item(entityId: string): Item | undefined {
    const item = this.items.get(entityId);
    return item && copyItem(item);
  }

  send(command: GetItemCommand): Promise<GetItemCommandOutput>;
  send(command: PutItemCommand): Promise<PutItemCommandOutput>;
  async send(command: GetItemCommand | PutItemCommand): Promise<GetItemCommandOutput | PutItemCommandOutput> {
    if (command instanceof GetItemCommand) {
      return this.getItem(command.input);
    }
    if (command instanceof PutItemCommand) {
      return this.putItem(command.input);
    }
    throw serviceError('UnknownOperationException', `the fake table supports GetItem and PutItem only, got ${(command as object).constructor.name}`);
  }

  private getItem(input: GetItemCommandInput): GetItemCommandOutput {
    this.checkTable(input.TableName);
    const keyNames = Object.keys(input.Key ?? {});
    if (keyNames.length !== 1) {
      throw serviceError('ValidationException', 'The provided key element does not match the schema');
    }
    const item = this.items.get(this.keyOf(input.Key));
    return { $metadata: { httpStatusCode: 200 }, Item: item && copyItem(item) };
  }

  private putItem(input: PutItemCommandInput): PutItemCommandOutput {
    this.checkTable(input.TableName);
    const entityId = this.keyOf(input.Item);
    const stored = this.items.get(entityId);
    if (input.ConditionExpression !== undefined && !this.conditionHolds(input, stored)) {
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: { httpStatusCode: 400 },
        Item: input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && stored ? copyItem(stored) : undefined,
      });
    }
    this.items.set(entityId, copyItem(input.Item!));
    return { $metadata: { httpStatusCode: 200 } };
  }

  private checkTable(tableName: string | undefined): void {
    if (tableName !== this.tableName) {
      throw serviceError('ResourceNotFoundException', `Requested resource not found: Table: ${tableName} not found`);
    }
  }

  private keyOf(item: Item | undefined): string {
    const key = item?.[this.partitionKey]?.S;
    if (key === undefined) {
      throw serviceError('ValidationException', `One of the required keys was not given a value: ${this.partitionKey} (string)`);
    }
    return key;
  }

  private conditionHolds(input: PutItemCommandInput, stored: Item | undefined): boolean {
    const expression = input.ConditionExpression!;
    const condition = CONDITIONS[expression];
    if (condition === undefined) {
      throw serviceError('ValidationException', `the fake table does not know the condition expression: ${expression}`);
    }
    const names = input.ExpressionAttributeNames ?? {};
    const values = input.ExpressionAttributeValues ?? {};
    checkPlaceholders('ExpressionAttributeNames', Object.keys(names), condition.names);
    checkPlaceholders('ExpressionAttributeValues', Object.keys(values), condition.values);
    return condition.holds(stored, names, values);
  }
}

/** DynamoDB rejects a request whose placeholders and expression do not match one to one. */
function checkPlaceholders(parameter: string, given: readonly string[], used: readonly string[]): void {
  const unused = given.filter((p) => !used.includes(p));
  const missing = used.filter((p) => !given.includes(p));
  if (unused.length > 0) {
    throw serviceError('ValidationException', `Value provided in ${parameter} unused in expressions: keys: {${unused.join(', ')}}`);
  }
  if (missing.length > 0) {
    throw serviceError('ValidationException', `Value or name used in expression not defined in ${parameter}: ${missing.join(', ')}`);
  }
}
