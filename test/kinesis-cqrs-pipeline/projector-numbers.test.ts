/**
 * Exact numbers (spec rule 6): the producer's decimal text is what DynamoDB stores, and a number
 * DynamoDB cannot hold parks the record.
 *
 * DynamoDB numbers: up to 38 significant digits, leading and trailing zeros trimmed; magnitude
 * from 1E-130 to 9.9999999999999999999999999999999999999E+125, positive or negative, or zero
 * (Developer Guide, "Supported data types and naming rules", Number:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html).
 */
import * as fc from 'fast-check';
import { LosslessNumber } from 'lossless-json';
import { base64, batch, patch, sequenceNumber, setup, snap, timeOf } from './projector-fixtures';
import {
  dynamoDbNumberError,
  fromAttributeValue,
  isExactNumber,
  jsonBytes,
  jsonEquals,
  jsonNumber,
  mayLoseDigits,
  numberSize,
  parseJson,
  parseRecordData,
  significantDigits,
  toAttributeValue,
  type JsonValue,
} from '../../src/kinesis-cqrs-pipeline/projector';
import { itemSize as fakeItemSize } from '../helpers/dynamodb-fake';

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** A record whose envelope text holds `dataJson` verbatim (JSON.stringify would round its numbers). */
function rawEvent(entityId: string, version: number | string, dataJson: string, mode: 'snapshot' | 'patch' = 'snapshot'): { raw: string } {
  const time = timeOf(Number(version) < 1000 ? Number(version) : 1);
  return { raw: base64(`{"entityId":"${entityId}","version":${version},"type":"Event","time":"${time}","mode":"${mode}","data":${dataJson}}`) };
}

/**
 * The value of a decimal text, normalized without the code under test: `[-]<coefficient>e<scale>`
 * with an integer coefficient without trailing zeros (BigInt arithmetic), or `0`.
 */
function normalized(text: string): string {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) {
    throw new Error(`not a decimal: ${text}`);
  }
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  let coefficient = BigInt(`${whole}${fraction}` || '0');
  let scale = Number(exponent) - fraction.length;
  if (coefficient === 0n) {
    return '0';
  }
  while (coefficient % 10n === 0n) {
    coefficient /= 10n;
    scale += 1;
  }
  return `${sign === '-' ? '-' : ''}${coefficient}e${scale}`;
}

/** The N text stored for an entity's state attribute. */
function storedN(table: ReturnType<typeof setup>['table'], entityId: string, attribute: string): string | undefined {
  return table.items.get(entityId)?.state?.M?.[attribute]?.N;
}

/** A decimal text of a chosen form, from its digits (first one non-zero) and the exponent of its first digit. */
interface DecimalParts {
  readonly negative: boolean;
  readonly digits: string;
  readonly exponent: number;
  readonly form: 'plain' | 'scientific' | 'integer-mantissa' | 'fraction-mantissa';
  readonly trailingZeros: number;
  readonly upperE: boolean;
  readonly plusSign: boolean;
}

function render(p: DecimalParts): string {
  const { digits: d, exponent: e } = p;
  const sign = p.negative ? '-' : '';
  const zeros = '0'.repeat(p.trailingZeros);
  const exp = (n: number) => `${p.upperE ? 'E' : 'e'}${n >= 0 && p.plusSign ? '+' : ''}${n}`;
  switch (p.form) {
    case 'scientific':
      return `${sign}${d[0]}${d.length > 1 || zeros ? `.${d.slice(1)}${zeros}` : ''}${exp(e)}`;
    case 'integer-mantissa':
      return `${sign}${d}${exp(e - d.length + 1)}`;
    case 'fraction-mantissa':
      return `${sign}0.${d}${zeros}${exp(e + 1)}`;
    default:
      if (e >= d.length - 1) return `${sign}${d}${'0'.repeat(e - d.length + 1)}`;
      if (e >= 0) return `${sign}${d.slice(0, e + 1)}.${d.slice(e + 1)}${zeros}`;
      return `${sign}0.${'0'.repeat(-e - 1)}${d}${zeros}`;
  }
}

const DIGIT = fc.constantFrom(...'0123456789');
const NON_ZERO_DIGIT = fc.constantFrom(...'123456789');

/** Digit strings whose first digit is not zero, of at most `maxDigits` digits. */
function leadingDigits(maxDigits: number): fc.Arbitrary<string> {
  return fc.tuple(NON_ZERO_DIGIT, fc.string({ unit: DIGIT, maxLength: maxDigits - 1 })).map(([first, rest]) => first + rest);
}

/** Digit strings of exactly `min` to `max` significant digits (first and last digits not zero). */
function significant(min: number, max: number): fc.Arbitrary<string> {
  return fc.tuple(NON_ZERO_DIGIT, fc.string({ unit: DIGIT, minLength: min - 2, maxLength: max - 2 }), NON_ZERO_DIGIT)
    .map(([first, middle, last]) => first + middle + last);
}

function decimalParts(digits: fc.Arbitrary<string>, exponent: fc.Arbitrary<number>): fc.Arbitrary<DecimalParts> {
  return fc.record({
    negative: fc.boolean(),
    digits,
    exponent,
    form: fc.constantFrom<DecimalParts['form']>('plain', 'scientific', 'integer-mantissa', 'fraction-mantissa'),
    trailingZeros: fc.nat(3),
    upperE: fc.boolean(),
    plusSign: fc.boolean(),
  });
}

/** Decimals DynamoDB can hold: up to 38 significant digits, first digit's exponent from -130 to 125. */
const STORABLE = decimalParts(leadingDigits(38), fc.integer({ min: -130, max: 125 }));

// ---------------------------------------------------------------------------
// Through the projector
// ---------------------------------------------------------------------------

describe('projector: exact numbers', () => {
  test('12345678901234567890 is stored as written, not as the double 12345678901234567000', async () => {
    const { table, queue, project } = setup();

    const response = await project(batch([rawEvent('a', 1, '{"big":12345678901234567890,"list":[12345678901234567890,1.5]}')]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(queue.received).toEqual([]);
    expect(storedN(table, 'a', 'big')).toBe('12345678901234567890');
    expect(table.items.get('a')?.state?.M?.list?.L).toEqual([{ N: '12345678901234567890' }, { N: '1.5' }]);
    // Read back exactly: an exact number, not a double.
    const big = table.entity('a')?.state.big;
    expect(isExactNumber(big)).toBe(true);
    expect(String(big)).toBe('12345678901234567890');
  });

  test('numbers a double holds exactly are written as String(n): same value as the text', async () => {
    const { table, project } = setup();

    await project(batch([rawEvent('a', 1, '{"a":1.50,"b":-0.001,"c":1e2,"d":0,"e":9007199254740991}')]));

    expect(['a', 'b', 'c', 'd', 'e'].map((k) => storedN(table, 'a', k))).toEqual(['1.5', '-0.001', '100', '0', '9007199254740991']);
  });

  // Up to 38 significant digits, leading and trailing zeros trimmed: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html (Number).
  test.each([
    ['38 digits', '12345678901234567890123456789012345678'],
    ['38 nines', '-99999999999999999999999999999999999999'],
    ['38 digits with a decimal point', '1234567890123456789.0123456789012345678'],
    ['38 significant digits, trailing zeros trimmed', '1234567890123456789012345678901234567800000'],
    ['38 significant digits, leading zeros trimmed', '0.0000012345678901234567890123456789012345678'],
  ])('a number of %s is kept as written', async (_, text) => {
    const { table, queue, project } = setup();

    await project(batch([rawEvent('a', 1, `{"n":${text}}`)]));

    expect(queue.received).toEqual([]);
    expect(storedN(table, 'a', 'n')).toBe(text);
  });

  test('a number of 39 significant digits is parked with a reason naming it; the other records are projected', async () => {
    // DynamoDB numbers hold up to 38 digits of precision and DynamoDB refuses more: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html (Number).
    const { table, queue, project } = setup();
    const text = '123456789012345678901234567890123456789';

    const response = await project(batch([rawEvent('a', 1, `{"n":${text}}`), snap('b', 1)]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(queue.received.map((r) => [r.sequenceNumber, r.reason])).toEqual([
      [sequenceNumber(0), `number ${text} has 39 significant digits, more than the 38 DynamoDB can store`],
    ]);
    expect(table.entity('a')).toBeUndefined();
    expect(table.entity('b')).toBeDefined();
  });

  // The range of DynamoDB numbers: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html (Number).
  test.each([
    ['1E-130'],
    ['-1E-130'],
    ['9.9999999999999999999999999999999999999E+125'],
    ['-9.9999999999999999999999999999999999999E+125'],
    ['99999999999999999999999999999999999999e88'],
    [`0.${'0'.repeat(129)}1`],
    ['0'],
    ['-0.0'],
    ['0e999'],
  ])('%s is within the range DynamoDB stores', async (text) => {
    const { table, queue, project } = setup();

    await project(batch([rawEvent('a', 1, `{"n":${text}}`)]));

    expect(queue.received).toEqual([]);
    expect(normalized(storedN(table, 'a', 'n')!)).toBe(normalized(text));
  });

  // Outside the range of DynamoDB numbers:
  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html (Number).
  test.each([
    ['1E+126'],
    ['-1e126'],
    ['1e-131'],
    ['9.9999999999999999999999999999999999999E-131'],
    ['1e400'], // JSON.parse: Infinity
    ['1e-400'], // JSON.parse: 0, which used to be stored as 0
    ['1e200'],
    [`0.${'0'.repeat(130)}1`],
  ])('%s is parked: outside the range DynamoDB stores; the reason names it as written', async (text) => {
    const { table, queue, project } = setup();

    await project(batch([rawEvent('a', 1, `{"deep":[{"n":${text}}]}`)]));

    expect(queue.received.map((r) => r.reason)).toEqual([`number ${text} is outside the range DynamoDB can store`]);
    expect(table.entity('a')).toBeUndefined();
  });

  test('patch mode reads a stored big number and writes it back unchanged', async () => {
    const { table, project } = setup();
    await project(batch([rawEvent('a', 1, '{"big":12345678901234567890123456789,"small":0.1}')]));
    // DynamoDB may return a number in another form of the same value: it keeps the value, not the text
    // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html, Number).
    table.items.get('a')!.state.M!.other = { N: '1.2345678901234567890123E+30' };
    table.gets.splice(0);

    const response = await project(batch([patch('a', 2, { y: 1 })], 1));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(table.gets).toEqual(['a']);
    expect(table.items.get('a')?.version).toEqual({ N: '2' });
    expect(storedN(table, 'a', 'big')).toBe('12345678901234567890123456789');
    expect(storedN(table, 'a', 'small')).toBe('0.1');
    expect(normalized(storedN(table, 'a', 'other')!)).toBe(normalized('1234567890123456789012300000000'));
    expect(storedN(table, 'a', 'y')).toBe('1');
  });

  test('a redelivered event with a big number, written in another form of the same value, is a duplicate, not a conflict', async () => {
    // Spec rule 2: numbers compared by value; across batches against the item patch mode reads.
    const { table, queue, project } = setup();
    const first = rawEvent('a', 1, '{"big":12345678901234567890,"x":1.5}', 'patch');
    const again = rawEvent('a', 1, '{"x":1.50,"big":1.2345678901234567890e19}', 'patch');

    await project(batch([first, again]));
    // Across batches: compared with the stored item read by patch mode.
    const response = await project(batch([again, rawEvent('a', 2, '{"y":2}', 'patch')], 2));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(queue.received).toEqual([]);
    expect(storedN(table, 'a', 'big')).toBe('12345678901234567890');
    expect(storedN(table, 'a', 'y')).toBe('2');
  });

  test('a redelivered event whose big number differs in its last digit is a conflict', async () => {
    const { queue, project } = setup();

    await project(batch([rawEvent('a', 1, '{"big":12345678901234567890}'), rawEvent('a', 1, '{"big":12345678901234567891}')]));

    expect(queue.received.map((r) => [r.sequenceNumber, r.reason.startsWith('conflict:')])).toEqual([[sequenceNumber(1), true]]);
  });

  test('property: any decimal DynamoDB can hold is stored with the value the producer wrote', async () => {
    // Up to 38 significant digits, exponent of the first digit from -130 to 125: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html (Number).
    await fc.assert(fc.asyncProperty(STORABLE, async (parts) => {
      const text = render(parts);
      const { table, queue, project } = setup();

      await project(batch([rawEvent('p', 1, `{"n":${text},"l":[${text}]}`)]));

      expect(queue.received).toEqual([]);
      expect(normalized(storedN(table, 'p', 'n')!)).toBe(normalized(text));
      expect(normalized(table.items.get('p')!.state.M!.l.L![0].N!)).toBe(normalized(text));
      // Read back and written again: same value.
      const readBack = fromAttributeValue({ N: storedN(table, 'p', 'n')! });
      expect(normalized(toAttributeValue(readBack).N!)).toBe(normalized(text));
    }), { numRuns: 300 });
  });

  test('property: a decimal with more than 38 significant digits, or outside the range, is parked', async () => {
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html (Number).
    const tooPrecise = decimalParts(significant(39, 60), fc.integer({ min: -130, max: 125 }));
    const outOfRange = decimalParts(leadingDigits(38), fc.oneof(fc.integer({ min: 126, max: 400 }), fc.integer({ min: -400, max: -131 })));
    await fc.assert(fc.asyncProperty(fc.oneof(tooPrecise, outOfRange), async (parts) => {
      const { table, queue, project } = setup();

      await project(batch([rawEvent('p', 1, `{"n":${render(parts)}}`)]));

      expect(queue.received).toHaveLength(1);
      expect(queue.received[0].reason).toMatch(/^number \S+ (has \d+ significant digits|is outside the range)/);
      expect(table.entity('p')).toBeUndefined();
    }), { numRuns: 100 });
  });
});

// ---------------------------------------------------------------------------
// Parsing and validation
// ---------------------------------------------------------------------------

describe('exact numbers: parsing', () => {
  test('the fast path (JSON.parse) is taken only when no number can change', () => {
    expect(mayLoseDigits('{"a":123456789012345,"b":1.2345678901234,"c":1.5e-99,"d":"2024-05-01T12:00:00.123456789Z"}')).toBe(false);
    // 15 digits and a decimal point make a run of 16: the exact path, which keeps them as well.
    expect(mayLoseDigits('{"b":1.23456789012345}')).toBe(true);
    expect(mayLoseDigits('{"a":1234567890123456}')).toBe(true);
    expect(mayLoseDigits('{"a":123456789012345.6}')).toBe(true);
    expect(mayLoseDigits('{"a":0.000000000000001}')).toBe(true); // leading zeros count: conservative
    expect(mayLoseDigits('{"a":1e100}')).toBe(true);
    expect(mayLoseDigits('{"a":1E-130}')).toBe(true);
    expect(mayLoseDigits('{"id":"1234567890123456"}')).toBe(true); // digits in a string: slower, still right
  });

  test('property: a number the fast path accepts survives text -> double -> text', () => {
    // At most 15 mantissa digits (leading zeros included) and a 2-digit exponent.
    const fastPathText = decimalParts(leadingDigits(15), fc.integer({ min: -99, max: 99 }))
      .map((p) => render({ ...p, trailingZeros: 0 }))
      .filter((text) => !mayLoseDigits(text));
    fc.assert(fc.property(fastPathText, (text) => {
      const value = JSON.parse(text) as number;
      expect(normalized(String(value))).toBe(normalized(text));
      expect(parseJson(text)).toBe(value);
    }), { numRuns: 2000 });
  });

  test('numbers a double would change become exact numbers holding the text; the others stay numbers', () => {
    const parsed = parseJson('{"a":12345678901234567890,"b":1.50,"c":0.1000000000000000055511151231257827,"d":[1e-120,9007199254740993,1e-131]}') as Record<string, any>;

    expect(parsed.b).toBe(1.5);
    // 1e-131 is outside DynamoDB's range: kept as written, for the reason that parks its record.
    expect([parsed.a, parsed.c, ...parsed.d].map((n: unknown) => (isExactNumber(n) ? String(n) : n))).toEqual([
      '12345678901234567890', '0.1000000000000000055511151231257827', 1e-120, '9007199254740993', '1e-131',
    ]);
  });

  test('a duplicated key keeps its last value on both paths, as JSON.parse does', () => {
    expect(parseJson('{"a":1,"a":2}')).toEqual({ a: 2 });
    expect(String((parseJson('{"a":1,"a":12345678901234567890}') as Record<string, unknown>).a)).toBe('12345678901234567890');
  });

  test('invalid JSON is refused on the exact path too', () => {
    for (const text of ['{"a":12345678901234567890,}', '[12345678901234567890', '{"a":012345678901234567890}', '{"a":-12345678901234567890.}']) {
      expect(parseRecordData(base64(text))).toEqual({ ok: false, reason: 'data is not valid JSON' });
    }
  });

  test.each([
    ['12345678901234567890', 'version must be an integer >= 1 and at most 9007199254740991, got 12345678901234567890'],
    ['9007199254740993', 'version must be an integer >= 1 and at most 9007199254740991, got 9007199254740993'],
    ['9007199254740991', undefined],
    ['1.0', undefined],
  ])('version %s', (version, reason) => {
    const result = parseRecordData(rawEvent('a', version, '{}').raw);

    expect(result.ok ? undefined : result.reason).toBe(reason);
  });

  test('an exact number is not an object', () => {
    expect(parseRecordData(base64('12345678901234567890'))).toEqual({ ok: false, reason: 'envelope is not a JSON object' });
    expect(parseRecordData(rawEvent('a', 1, '12345678901234567890').raw)).toEqual({ ok: false, reason: 'data must be a JSON object' });
  });

  test('dynamoDbNumberError: digits and range of a text', () => {
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html (Number).
    expect(dynamoDbNumberError('1E-130')).toBeUndefined();
    expect(dynamoDbNumberError('9.9999999999999999999999999999999999999E+125')).toBeUndefined();
    expect(dynamoDbNumberError('10E+125')).toBe('number 10E+125 is outside the range DynamoDB can store');
    expect(dynamoDbNumberError('0.1E-129')).toBeUndefined();
    expect(dynamoDbNumberError('0.1E-130')).toBe('number 0.1E-130 is outside the range DynamoDB can store');
    expect(dynamoDbNumberError('1'.repeat(39))).toBe(`number ${'1'.repeat(39)} has 39 significant digits, more than the 38 DynamoDB can store`);
  });
});

// ---------------------------------------------------------------------------
// Marshalling and sizes
// ---------------------------------------------------------------------------

describe('exact numbers: marshalling and sizes', () => {
  test('N and NS: a JS number when the double keeps the value, an exact number otherwise', () => {
    expect(fromAttributeValue({ N: '1.5' })).toBe(1.5);
    expect(fromAttributeValue({ N: '1.5E-7' })).toBe(1.5e-7);
    expect(String(fromAttributeValue({ N: '1E+125' }))).toBe('1E+125');
    expect(String(fromAttributeValue({ N: '12345678901234567890' }))).toBe('12345678901234567890');
    const set = fromAttributeValue({ NS: ['1', '12345678901234567890'] }) as JsonValue[];
    expect(set[0]).toBe(1);
    expect(isExactNumber(set[1]) && String(set[1])).toBe('12345678901234567890');
    expect(toAttributeValue(new LosslessNumber('1.20E+3'))).toEqual({ N: '1.20E+3' });
    expect(toAttributeValue(0.1)).toEqual({ N: '0.1' });
  });

  test('a stored number in another decimal form is read with its value', () => {
    expect(fromAttributeValue({ N: '.5' })).toBe(0.5);
    expect(String(fromAttributeValue({ N: '+12345678901234567890.' }))).toBe('1.234567890123456789e19');
    expect(() => fromAttributeValue({ N: 'NaN' })).toThrow('stored number "NaN" is not a decimal number');
  });

  // A number is about 1 byte per two significant digits, plus 1 byte: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html;
  // leading and trailing zeros are trimmed: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html (Number).
  test.each([
    ['12345678901234567890', 19, 11],
    ['-0.00120', 2, 2],
    ['1200', 2, 2],
    ['1.2e300', 2, 2],
    ['0', 0, 2],
    ['12345678901234567890123456789012345678', 38, 20],
  ])('%s has %i significant digits and counts %i bytes', (text, digits, bytes) => {
    expect(significantDigits(text)).toBe(digits);
    expect(numberSize(text)).toBe(bytes);
  });

  test('property: the projector and the DynamoDB fake count number sizes the same way', () => {
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
    fc.assert(fc.property(STORABLE.map(render), (text) => {
      const value = jsonNumber(text);
      const item = { pk: { S: 'a' }, n: { N: text }, l: { L: [{ N: text }] }, m: { M: { k: { N: text } } } };
      // Top-level attributes count their name and their value: 'pk' + 'a', 'n', 'l', 'm'.
      const projectorCount = (2 + 1) + (1 + jsonBytes(value)) + (1 + jsonBytes([value])) + (1 + jsonBytes({ k: value }));
      expect(projectorCount).toBe(fakeItemSize(item));
    }));
  });

  test('the item size counts significant digits, not the length of the text', () => {
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
    const text = `0.${'0'.repeat(100)}1`;

    expect(jsonBytes(jsonNumber(text))).toBe(2);
    expect(1 + jsonBytes(jsonNumber(text))).toBe(fakeItemSize({ n: { N: text } }));
  });
});

// ---------------------------------------------------------------------------
// Equality
// ---------------------------------------------------------------------------

describe('exact numbers: jsonEquals', () => {
  const exact = (text: string) => new LosslessNumber(text);

  test.each<[string, JsonValue, JsonValue, boolean]>([
    ['1.50 and 1.5', exact('1.50'), 1.5, true],
    ['1.5 and 15E-1', jsonNumber('1.5'), exact('15E-1'), true],
    ['an exact number and the same value in another form', exact('12345678901234567890'), exact('1.234567890123456789E+19'), true],
    ['exact numbers differing in the last digit', exact('12345678901234567890'), exact('12345678901234567891'), false],
    ['an exact number and the nearest double', exact('12345678901234567890'), 12345678901234567890, false],
    ['0, -0 and 0e10', 0, exact('-0.0e10'), true],
    ['0 and -0', 0, -0, true],
    ['1 and -1', exact('1'), -1, false],
    ['a number and its text', 1, '1', false],
    ['an exact number and a look-alike object', exact('1'), { value: '1', isLosslessNumber: true }, false],
    ['a look-alike object and an exact number', { value: '1', isLosslessNumber: true }, exact('1'), false],
    ['objects in another key order', { a: 1, b: { c: [exact('2.0')] } }, { b: { c: [2] }, a: 1.0 }, true],
    ['objects with another key', { a: 1 }, { b: 1 }, false],
    ['an object with one more key', { a: 1 }, { a: 1, b: null }, false],
    ['arrays in another order', [1, 2], [2, 1], false],
    ['arrays of other lengths', [1], [1, 1], false],
    ['an array and an object', [], {}, false],
    ['null and an object', null, {}, false],
    ['true and 1', true, 1, false],
  ])('%s', (_, a, b, equal) => {
    expect(jsonEquals(a, b)).toBe(equal);
    expect(jsonEquals(b, a)).toBe(equal);
  });
});
