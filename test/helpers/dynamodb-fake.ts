/**
 * An in-memory DynamoDB table with a string partition key, for the projector's tests and its
 * benchmark (`bench/projector/throughput.ts`). It answers `GetItem` and `PutItem` the way DynamoDB
 * does for the requests the projector sends, and rejects what DynamoDB would reject, so that a
 * change in those requests fails a test instead of passing against a lenient fake.
 *
 * What it models, with the AWS documentation each behaviour comes from:
 *
 * - The table name and key schema. A request for another table fails with
 *   `ResourceNotFoundException`; a `GetItem` key must hold exactly the partition key, and an item
 *   must hold it as a string, or the request fails with `ValidationException`.
 *   (API Reference, GetItem and PutItem, "Errors" and the `Key` / `Item` parameters:
 *   https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html,
 *   https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html)
 * - A partition key value is 1 to 2048 bytes.
 *   (Developer Guide, "Quotas in Amazon DynamoDB", partition key value length:
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html)
 * - An item is at most 400 KB, counted as the sum of the UTF-8 lengths of its attribute names and
 *   the sizes of its values: strings by UTF-8 bytes, numbers by one byte per two significant digits
 *   plus one, binary by raw bytes, null and Boolean 1 byte, lists and maps 3 bytes plus 1 byte per
 *   element. A larger item fails with `ValidationException`.
 *   (Developer Guide, "DynamoDB item sizes and formats":
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html,
 *   and "Quotas in Amazon DynamoDB", item size)
 * - Condition expressions: `attribute_exists(path)`, `attribute_not_exists(path)` and the
 *   comparisons `=`, `<`, `<=`, `>`, `>=`, joined with `OR`. A comparison with a missing attribute,
 *   or between values of different types, is false. A failed condition fails the write with
 *   `ConditionalCheckFailedException`, which carries the stored item when the request sets
 *   `ReturnValuesOnConditionCheckFailure: ALL_OLD`.
 *   (Developer Guide, "Condition expressions" and "Comparison operator and function reference":
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html,
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html;
 *   PutItem, `ReturnValuesOnConditionCheckFailure`)
 * - Expression placeholders: every `#name` and `:value` the expression uses must be defined, and
 *   every one defined must be used, or the request fails with `ValidationException`.
 *   (Developer Guide, "Expression attribute names" and "Using expression attribute values":
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeNames.html,
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeValues.html)
 * - Throttling, on demand: chosen calls fail with `ProvisionedThroughputExceededException`.
 *   (Developer Guide, "Error handling with DynamoDB":
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html)
 *
 * Other expression syntax (`AND`, `NOT`, parentheses, other functions) is refused with a
 * `ValidationException` that says the fake does not know it: extend the fake rather than let it
 * answer wrongly.
 *
 * Items are deep-copied in and out (by a plain recursive copy: `structuredClone` would cost more
 * than the projector itself in the benchmark), so callers never share an object with the table.
 */
// Tests and the benchmark are development tools: they use the dev dependencies.
/* eslint-disable import/no-extraneous-dependencies */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  type AttributeValue,
  type GetItemCommandInput,
  type GetItemCommandOutput,
  type PutItemCommandInput,
  type PutItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { ReadModelClient } from '../../src/kinesis-cqrs-pipeline/projector';

/** A DynamoDB item. */
export type Item = Record<string, AttributeValue>;

/** DynamoDB's maximum item size, in bytes (400 KB). */
export const MAX_ITEM_BYTES = 400 * 1024;
/** DynamoDB's maximum partition key value length, in bytes. */
export const MAX_PARTITION_KEY_BYTES = 2048;

/** One in-memory table with a string partition key. */
export class FakeDynamoDbTable implements ReadModelClient {
  /** The stored items by partition key value; tests may read and change them directly. */
  readonly items = new Map<string, Item>();
  /** Partition key values of the GetItem calls, in call order (throttled calls excluded). */
  readonly gets: string[] = [];
  /** Partition key values of the PutItem calls, in call order (failed conditions included, throttled calls excluded). */
  readonly puts: string[] = [];
  /** Called before each conditional check of a PutItem, with the partition key value. */
  beforePut?: (key: string) => void;
  /** Throttle decisions consumed by each GetItem and PutItem (true: throttle); no throttle once empty. */
  readonly scheduledThrottles: boolean[] = [];
  private readonly throttled = new Map<string, number>();
  private readonly conditions = new Map<string, ParsedCondition>();

  constructor(readonly tableName: string, readonly partitionKey: string = 'pk') {}

  /** Number of stored items. */
  get size(): number {
    return this.items.size;
  }

  /** A copy of the stored item of a partition key value. */
  item(key: string): Item | undefined {
    const item = this.items.get(key);
    return item && copyItem(item);
  }

  /** Makes the next `times` calls touching `key` fail with a throughput error. */
  throttle(key: string, times = Infinity): void {
    this.throttled.set(key, times);
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
    if (Object.keys(input.Key ?? {}).length !== 1) {
      throw serviceError('ValidationException', 'The provided key element does not match the schema');
    }
    const key = this.keyOf(input.Key);
    this.maybeThrottle(key);
    this.gets.push(key);
    const item = this.items.get(key);
    return { $metadata: { httpStatusCode: 200 }, Item: item && copyItem(item) };
  }

  private putItem(input: PutItemCommandInput): PutItemCommandOutput {
    this.checkTable(input.TableName);
    const key = this.keyOf(input.Item);
    if (itemSize(input.Item!) > MAX_ITEM_BYTES) {
      throw serviceError('ValidationException', 'Item size has exceeded the maximum allowed size');
    }
    const condition = input.ConditionExpression === undefined ? undefined : this.condition(input);
    this.maybeThrottle(key);
    this.beforePut?.(key);
    this.puts.push(key);
    const stored = this.items.get(key);
    if (condition && !condition.holds(stored, input.ExpressionAttributeNames ?? {}, input.ExpressionAttributeValues ?? {})) {
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: { httpStatusCode: 400 },
        Item: input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && stored ? copyItem(stored) : undefined,
      });
    }
    this.items.set(key, copyItem(input.Item!));
    return { $metadata: { httpStatusCode: 200 } };
  }

  private checkTable(tableName: string | undefined): void {
    if (tableName !== this.tableName) {
      throw serviceError('ResourceNotFoundException', `Requested resource not found: Table: ${tableName} not found`);
    }
  }

  private keyOf(item: Item | undefined): string {
    const value = item?.[this.partitionKey];
    if (value === undefined) {
      throw serviceError('ValidationException', `One of the required keys was not given a value: ${this.partitionKey} (string)`);
    }
    if (value.S === undefined) {
      throw serviceError('ValidationException', `One or more parameter values were invalid: Type mismatch for key ${this.partitionKey} expected: S`);
    }
    if (value.S.length === 0) {
      throw serviceError('ValidationException',
        `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${this.partitionKey}`);
    }
    if (Buffer.byteLength(value.S, 'utf8') > MAX_PARTITION_KEY_BYTES) {
      throw serviceError('ValidationException',
        `One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of ${MAX_PARTITION_KEY_BYTES} bytes`);
    }
    return value.S;
  }

  private maybeThrottle(key: string): void {
    const scheduled = this.scheduledThrottles.shift() ?? false;
    const remaining = this.throttled.get(key) ?? 0;
    if (remaining > 0) {
      this.throttled.set(key, remaining - 1);
    }
    if (scheduled || remaining > 0) {
      throw new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds the allowed throughput', $metadata: { httpStatusCode: 400 } });
    }
  }

  /** The parsed condition of a request, after checking its placeholders. */
  private condition(input: PutItemCommandInput): ParsedCondition {
    const expression = input.ConditionExpression!;
    let condition = this.conditions.get(expression);
    if (condition === undefined) {
      condition = parseCondition(expression);
      this.conditions.set(expression, condition);
    }
    checkPlaceholders('ExpressionAttributeNames', Object.keys(input.ExpressionAttributeNames ?? {}), condition.names);
    checkPlaceholders('ExpressionAttributeValues', Object.keys(input.ExpressionAttributeValues ?? {}), condition.values);
    return condition;
  }
}

// ---------------------------------------------------------------------------
// Condition expressions
// ---------------------------------------------------------------------------

type Names = Record<string, string>;
type Values = Record<string, AttributeValue>;

/** A condition expression, parsed once. */
interface ParsedCondition {
  /** The `#name` placeholders it uses. */
  readonly names: readonly string[];
  /** The `:value` placeholders it uses. */
  readonly values: readonly string[];
  /** Whether it holds for the stored item (`undefined`: no item). */
  readonly holds: (stored: Item | undefined, names: Names, values: Values) => boolean;
}

const FUNCTION_ATOM = /^(attribute_exists|attribute_not_exists)\(\s*(#?[A-Za-z0-9_]+)\s*\)$/;
const COMPARISON_ATOM = /^(#?[A-Za-z0-9_]+)\s*(<=|>=|=|<|>)\s*(:[A-Za-z0-9_]+)$/;

function parseCondition(expression: string): ParsedCondition {
  const atoms = expression.split(/\s+OR\s+/i).map((atom) => parseAtom(atom.trim(), expression));
  return {
    names: [...new Set(atoms.flatMap((atom) => atom.names))],
    values: [...new Set(atoms.flatMap((atom) => atom.values))],
    holds: (stored, names, values) => atoms.some((atom) => atom.holds(stored, names, values)),
  };
}

function parseAtom(atom: string, expression: string): ParsedCondition {
  const fn = FUNCTION_ATOM.exec(atom);
  if (fn) {
    const [, name, path] = fn;
    const exists = (stored: Item | undefined, names: Names) => stored?.[attributeName(path, names)] !== undefined;
    return {
      names: path.startsWith('#') ? [path] : [],
      values: [],
      holds: name === 'attribute_exists' ? exists : (stored, names) => !exists(stored, names),
    };
  }
  const comparison = COMPARISON_ATOM.exec(atom);
  if (comparison) {
    const [, path, operator, value] = comparison;
    return {
      names: path.startsWith('#') ? [path] : [],
      values: [value],
      holds: (stored, names, values) => compare(stored?.[attributeName(path, names)], operator, values[value]),
    };
  }
  throw serviceError('ValidationException', `the fake table does not know this part of the condition expression: "${atom}" in "${expression}"`);
}

function attributeName(path: string, names: Names): string {
  return path.startsWith('#') ? names[path] : path;
}

/** A DynamoDB comparison: false when the attribute is missing or the types differ. */
function compare(left: AttributeValue | undefined, operator: string, right: AttributeValue | undefined): boolean {
  let order: number;
  if (left?.N !== undefined && right?.N !== undefined) {
    order = Number(left.N) - Number(right.N);
  } else if (left?.S !== undefined && right?.S !== undefined) {
    order = Buffer.compare(Buffer.from(left.S, 'utf8'), Buffer.from(right.S, 'utf8'));
  } else {
    return false;
  }
  switch (operator) {
    case '=': return order === 0;
    case '<': return order < 0;
    case '<=': return order <= 0;
    case '>': return order > 0;
    default: return order >= 0;
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
    const what = parameter === 'ExpressionAttributeNames' ? 'name used in the document path' : 'value used in expression';
    const kind = parameter === 'ExpressionAttributeNames' ? 'name' : 'value';
    throw serviceError('ValidationException', `An expression attribute ${what} is not defined; attribute ${kind}: ${missing[0]}`);
  }
}

// ---------------------------------------------------------------------------
// Item size and copies
// ---------------------------------------------------------------------------

/** The size DynamoDB counts for an item, in bytes. */
export function itemSize(item: Item): number {
  let size = 0;
  for (const name of Object.keys(item)) {
    size += Buffer.byteLength(name, 'utf8') + valueSize(item[name]);
  }
  return size;
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8');
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s, 'utf8'), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.byteLength, 0);
  if (value.L !== undefined) return value.L.reduce((sum, child) => sum + 1 + valueSize(child), 3);
  if (value.M !== undefined) return 3 + Object.keys(value.M).length + itemSize(value.M);
  return 1; // BOOL, NULL
}

/** One byte per two significant digits, plus one; leading and trailing zeros do not count. */
function numberSize(text: string): number {
  const mantissa = text.replace(/^[-+]/, '').split(/e/i)[0].replace('.', '');
  const digits = mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
  return Math.ceil(Math.max(digits, 1) / 2) + 1;
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
