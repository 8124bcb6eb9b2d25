/**
 * The in-memory DynamoDB table the projector's tests and benchmark run against
 * (`test/helpers/dynamodb-fake.ts`): it must answer as DynamoDB does, or the other projector tests
 * prove nothing. Each test names the DynamoDB behaviour it checks; the fake's header cites the AWS
 * documentation of each.
 */
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { FakeDynamoDbTable, MAX_ITEM_BYTES, itemSize, type Item } from '../helpers/dynamodb-fake';

const TABLE = 'read-model';

function item(pk: string, version: number, extra: Item = {}): Item {
  return { pk: { S: pk }, version: { N: String(version) }, ...extra };
}

function put(table: FakeDynamoDbTable, input: Partial<PutItemCommandInput>): Promise<unknown> {
  return table.send(new PutItemCommand({ TableName: TABLE, Item: item('a', 1), ...input }));
}

const IF_NEWER = {
  ConditionExpression: 'attribute_not_exists(#pk) OR #version < :version',
  ExpressionAttributeNames: { '#pk': 'pk', '#version': 'version' },
};

describe('DynamoDB fake: condition expressions', () => {
  test('attribute_not_exists OR a comparison: holds on a missing item or an older version only', async () => {
    const table = new FakeDynamoDbTable(TABLE);

    await put(table, { Item: item('a', 2), ...IF_NEWER, ExpressionAttributeValues: { ':version': { N: '2' } } });
    await expect(put(table, { Item: item('a', 2), ...IF_NEWER, ExpressionAttributeValues: { ':version': { N: '2' } } }))
      .rejects.toBeInstanceOf(ConditionalCheckFailedException);
    await put(table, { Item: item('a', 10), ...IF_NEWER, ExpressionAttributeValues: { ':version': { N: '10' } } });

    // Numbers compare as numbers, not as strings ('10' < '2').
    expect(table.item('a')?.version).toEqual({ N: '10' });
  });

  test('a comparison with a missing attribute is false', async () => {
    const table = new FakeDynamoDbTable(TABLE);
    table.items.set('a', { pk: { S: 'a' } });

    await expect(put(table, {
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': { N: '1' } },
    })).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  test('a comparison between different types is false', async () => {
    const table = new FakeDynamoDbTable(TABLE);
    table.items.set('a', item('a', 1));

    await expect(put(table, {
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': { S: '1' } },
    })).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  test('a failed condition returns the stored item with ALL_OLD, and nothing without', async () => {
    const table = new FakeDynamoDbTable(TABLE);
    table.items.set('a', item('a', 3));
    const condition = { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } };

    const withOld = await put(table, { ...condition, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }).catch((e) => e);
    const withoutOld = await put(table, condition).catch((e) => e);

    expect(withOld).toMatchObject({ name: 'ConditionalCheckFailedException', Item: item('a', 3) });
    expect((withoutOld as ConditionalCheckFailedException).Item).toBeUndefined();
  });

  test('an unused or an undefined placeholder is a ValidationException', async () => {
    const table = new FakeDynamoDbTable(TABLE);

    await expect(put(table, { ...IF_NEWER, ExpressionAttributeValues: { ':version': { N: '1' }, ':extra': { N: '1' } } }))
      .rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/unused in expressions.*:extra/) });
    await expect(put(table, { ...IF_NEWER }))
      .rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/not defined.*:version/) });
  });

  test('syntax the fake does not know is refused, not guessed', async () => {
    const table = new FakeDynamoDbTable(TABLE);

    await expect(put(table, {
      ConditionExpression: 'attribute_not_exists(#pk) AND #version < :version',
      ExpressionAttributeNames: { '#pk': 'pk', '#version': 'version' },
      ExpressionAttributeValues: { ':version': { N: '1' } },
    })).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/does not know/) });
  });
});

describe('DynamoDB fake: table, keys and item size', () => {
  test('another table name is a ResourceNotFoundException', async () => {
    const table = new FakeDynamoDbTable(TABLE);

    await expect(table.send(new GetItemCommand({ TableName: 'other', Key: { pk: { S: 'a' } } })))
      .rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  test('a key that does not match the schema is a ValidationException', async () => {
    const table = new FakeDynamoDbTable(TABLE);

    await expect(table.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' }, sk: { S: 'b' } } })))
      .rejects.toMatchObject({ name: 'ValidationException' });
    await expect(put(table, { Item: { id: { S: 'a' } } })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(put(table, { Item: { pk: { N: '1' } } })).rejects.toMatchObject({ name: 'ValidationException' });
  });

  test('a partition key value is 1 to 2048 bytes', async () => {
    const table = new FakeDynamoDbTable(TABLE);

    await expect(put(table, { Item: item('', 1) })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(put(table, { Item: item('é'.repeat(1025), 1) })).rejects.toMatchObject({ name: 'ValidationException' });
    await put(table, { Item: item('é'.repeat(1024), 1) });
    expect(table.size).toBe(1);
  });

  test('an item over 400 KB is a ValidationException; one at the limit is stored', async () => {
    const table = new FakeDynamoDbTable(TABLE);
    const base = itemSize(item('a', 1, { blob: { S: '' } }));
    const atLimit = item('a', 1, { blob: { S: 'x'.repeat(MAX_ITEM_BYTES - base) } });
    const overLimit = item('a', 1, { blob: { S: 'x'.repeat(MAX_ITEM_BYTES - base + 1) } });

    await expect(put(table, { Item: overLimit })).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Item size has exceeded the maximum allowed size',
    });
    await put(table, { Item: atLimit });
    expect(table.size).toBe(1);
  });

  test('item sizes follow the documented rules for names, strings, numbers, lists and maps', () => {
    // name + UTF-8 bytes; name + one byte per two significant digits + 1; null and Boolean 1 byte;
    // list and map: 3 bytes + 1 byte per element (+ the key's name for a map).
    expect(itemSize({ s: { S: 'é' } })).toBe(1 + 2);
    expect(itemSize({ n: { N: '12345' } })).toBe(1 + 3 + 1);
    expect(itemSize({ n: { N: '-0.00120' } })).toBe(1 + 1 + 1);
    expect(itemSize({ b: { BOOL: true }, z: { NULL: true } })).toBe(2 + 2);
    expect(itemSize({ l: { L: [{ S: 'ab' }, { N: '1' }] } })).toBe(1 + 3 + (1 + 2) + (1 + 2));
    expect(itemSize({ m: { M: { k: { S: 'ab' } } } })).toBe(1 + 3 + (1 + 1 + 2));
  });

  test('items are copied in and out: changing a returned item does not change the table', async () => {
    const table = new FakeDynamoDbTable(TABLE);
    const written = item('a', 1, { state: { M: { n: { N: '1' } } } });
    await put(table, { Item: written });

    written.state.M!.n = { N: '2' };
    const read = await table.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } } }));
    read.Item!.state.M!.n = { N: '3' };

    expect(table.item('a')?.state).toEqual({ M: { n: { N: '1' } } });
  });
});
