import { detailLeaf, leafAt, onlyCondition, parseError } from './event-pattern-helpers';
import { parseEventPattern } from '../../src/routing/eventbridge';

// ---------------------------------------------------------------------------
// Operators
// ---------------------------------------------------------------------------

describe('prefix and suffix', () => {
  test.each([
    [{ prefix: 'us-' }, { kind: 'prefix', value: 'us-', ignoreCase: false }],
    [{ prefix: '' }, { kind: 'prefix', value: '', ignoreCase: false }],
    [{ prefix: { 'equals-ignore-case': 'EventB' } }, { kind: 'prefix', value: 'EventB', ignoreCase: true }],
    [{ suffix: '.png' }, { kind: 'suffix', value: '.png', ignoreCase: false }],
    [{ suffix: { 'equals-ignore-case': '.PNG' } }, { kind: 'suffix', value: '.PNG', ignoreCase: true }],
  ])('%j is accepted', (expression, expected) => {
    // GIVEN / WHEN
    const parsed = parseEventPattern(detailLeaf(expression));
    // THEN
    expect(onlyCondition(parsed)).toEqual(expected);
  });

  test.each([
    [{ prefix: 5 }, 'eventPattern.detail.field[0].prefix'],
    [{ prefix: null }, 'eventPattern.detail.field[0].prefix'],
    [{ prefix: ['a'] }, 'eventPattern.detail.field[0].prefix'],
    [{ prefix: { wildcard: 'a*' } }, 'eventPattern.detail.field[0].prefix'],
    [{ prefix: { 'equals-ignore-case': 'a', 'other': 'b' } }, 'eventPattern.detail.field[0].prefix'],
    [{ prefix: { 'equals-ignore-case': 1 } }, 'eventPattern.detail.field[0].prefix.equals-ignore-case'],
    [{ suffix: true }, 'eventPattern.detail.field[0].suffix'],
    [{ suffix: {} }, 'eventPattern.detail.field[0].suffix'],
  ])('%j is rejected', (expression, path) => {
    // GIVEN / WHEN
    const error = parseError(detailLeaf(expression));
    // THEN
    expect(error.path).toBe(path);
    expect(error.message).toMatch(/malformed operator/);
  });
});

describe('equals-ignore-case', () => {
  test('a string is accepted', () => {
    // GIVEN / WHEN
    const parsed = parseEventPattern({ 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] });
    // THEN
    expect(leafAt(parsed, 'detail-type').conditions).toEqual([
      { kind: 'equals-ignore-case', value: 'ec2 instance state-change notification' },
    ]);
  });

  test.each([[5], [['a', 'b']], [null], [{ prefix: 'a' }]])('%j is rejected', (operand) => {
    // GIVEN / WHEN
    const error = parseError(detailLeaf({ 'equals-ignore-case': operand }));
    // THEN
    expect(error.path).toBe('eventPattern.detail.field[0].equals-ignore-case');
    expect(error.message).toMatch(/expects a string/);
  });
});

describe('wildcard', () => {
  test.each([
    ['Simple*Service', ['Simple', 'Service']],
    ['*', ['', '']],
    ['*.png', ['', '.png']],
    ['dir/*/*.png', ['dir/', '/', '.png']],
    ['no-wildcard', ['no-wildcard']],
    ['', ['']],
    ['a\\*b', ['a*b']],
    ['a\\\\*b', ['a\\', 'b']],
    ['*\\**', ['', '*', '']],
    ['\\**', ['*', '']],
  ])('%j is accepted and split into literal segments', (source, segments) => {
    // GIVEN / WHEN
    const parsed = parseEventPattern(detailLeaf({ wildcard: source }));
    // THEN
    expect(onlyCondition(parsed)).toEqual({ kind: 'wildcard', glob: { source, segments } });
  });

  test.each([
    ['a**b', /consecutive wildcard characters at position 1/],
    ['**', /consecutive wildcard characters at position 0/],
    ['\\\\**', /consecutive wildcard characters at position 2/],
    ['a\\b', /backslash at position 1 must be followed by \* or \\/],
    ['trailing\\', /backslash at position 8/],
  ])('%j is rejected', (source, problem) => {
    // GIVEN / WHEN
    const error = parseError(detailLeaf({ wildcard: source }));
    // THEN
    expect(error.path).toBe('eventPattern.detail.field[0].wildcard');
    expect(error.message).toMatch(problem);
    expect(error.message).toContain(`Got: ${JSON.stringify(source)}`);
  });

  test.each([[5], [['a*']], [null]])('a non-string operand %j is rejected', (operand) => {
    // GIVEN / WHEN
    const error = parseError(detailLeaf({ wildcard: operand }));
    // THEN
    expect(error.message).toMatch(/wildcard expects a string/);
  });
});

describe('anything-but', () => {
  test.each([
    [{ 'anything-but': 'initializing' }, { kind: 'anything-but', strings: ['initializing'], numbers: [] }],
    [{ 'anything-but': 123 }, { kind: 'anything-but', strings: [], numbers: [123] }],
    [{ 'anything-but': ['stopped', 'overloaded'] }, { kind: 'anything-but', strings: ['stopped', 'overloaded'], numbers: [] }],
    [{ 'anything-but': [100, 200, 300] }, { kind: 'anything-but', strings: [], numbers: [100, 200, 300] }],
    [{ 'anything-but': { prefix: 'init' } }, { kind: 'anything-but-prefix', values: ['init'] }],
    [{ 'anything-but': { prefix: ['init', 'error'] } }, { kind: 'anything-but-prefix', values: ['init', 'error'] }],
    [{ 'anything-but': { suffix: '.png' } }, { kind: 'anything-but-suffix', values: ['.png'] }],
    [{ 'anything-but': { suffix: ['1234', '6789'] } }, { kind: 'anything-but-suffix', values: ['1234', '6789'] }],
    [{ 'anything-but': { 'equals-ignore-case': 'Stopped' } }, { kind: 'anything-but-equals-ignore-case', values: ['Stopped'] }],
    [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }, { kind: 'anything-but-equals-ignore-case', values: ['Stopped', 'OverLoaded'] }],
    [{ 'anything-but': { wildcard: '*/lib/*' } }, { kind: 'anything-but-wildcard', globs: [{ source: '*/lib/*', segments: ['', '/lib/', ''] }] }],
    [{ 'anything-but': { wildcard: ['*.jar', '*.class'] } }, {
      kind: 'anything-but-wildcard',
      globs: [{ source: '*.jar', segments: ['', '.jar'] }, { source: '*.class', segments: ['', '.class'] }],
    }],
  ])('%j is accepted', (expression, expected) => {
    // GIVEN / WHEN
    const parsed = parseEventPattern(detailLeaf(expression));
    // THEN
    expect(onlyCondition(parsed)).toEqual(expected);
  });

  test.each([
    ['an empty list', [], 'eventPattern.detail.field[0].anything-but', /must not be empty/],
    ['a mixed list', ['a', 1], 'eventPattern.detail.field[0].anything-but', /only strings or only numbers, not both/],
    ['null', null, 'eventPattern.detail.field[0].anything-but', /anything-but expects/],
    ['a boolean', true, 'eventPattern.detail.field[0].anything-but', /anything-but expects/],
    ['a list holding null', ['a', null], 'eventPattern.detail.field[0].anything-but[1]', /null, booleans and objects are not supported/],
    ['a list holding a boolean', [false], 'eventPattern.detail.field[0].anything-but[0]', /null, booleans and objects are not supported/],
    ['a list holding an operator', [{ prefix: 'a' }], 'eventPattern.detail.field[0].anything-but[0]', /null, booleans and objects are not supported/],
    ['a non-finite number', NaN, 'eventPattern.detail.field[0].anything-but', /finite JSON number/],
    ['an unsupported operator', { numeric: ['>', 1] }, 'eventPattern.detail.field[0].anything-but', /takes exactly one of prefix, suffix, equals-ignore-case, wildcard/],
    ['an empty object', {}, 'eventPattern.detail.field[0].anything-but', /found none/],
    ['two operators', { prefix: 'a', suffix: 'b' }, 'eventPattern.detail.field[0].anything-but', /found prefix, suffix/],
    ['an empty prefix', { prefix: '' }, 'eventPattern.detail.field[0].anything-but.prefix', /empty anything-but prefix/],
    ['an empty suffix in a list', { suffix: ['a', ''] }, 'eventPattern.detail.field[0].anything-but.suffix[1]', /empty anything-but suffix/],
    ['a numeric prefix', { prefix: 5 }, 'eventPattern.detail.field[0].anything-but.prefix', /prefix expects a string/],
    ['an empty prefix list', { prefix: [] }, 'eventPattern.detail.field[0].anything-but.prefix', /non-empty list of strings/],
    ['a prefix with equals-ignore-case', { prefix: { 'equals-ignore-case': 'a' } }, 'eventPattern.detail.field[0].anything-but.prefix', /prefix expects a string/],
    ['a numeric equals-ignore-case list', { 'equals-ignore-case': [1] }, 'eventPattern.detail.field[0].anything-but.equals-ignore-case[0]', /expects a string/],
    ['a malformed wildcard', { wildcard: 'a**' }, 'eventPattern.detail.field[0].anything-but.wildcard', /consecutive wildcard/],
    ['a malformed wildcard in a list', { wildcard: ['ok*', 'bad\\x'] }, 'eventPattern.detail.field[0].anything-but.wildcard[1]', /backslash/],
  ])('%s is rejected', (_label, operand, path, problem) => {
    // GIVEN / WHEN
    const error = parseError(detailLeaf({ 'anything-but': operand }));
    // THEN
    expect(error.path).toBe(path);
    expect(error.message).toMatch(problem);
  });
});

describe('numeric', () => {
  test.each([
    [['=', 301.8], { lower: { value: 301.8, inclusive: true }, upper: { value: 301.8, inclusive: true } }],
    [['>', 0], { lower: { value: 0, inclusive: false } }],
    [['>=', -5], { lower: { value: -5, inclusive: true } }],
    [['<', 10], { upper: { value: 10, inclusive: false } }],
    [['<=', 1e9], { upper: { value: 1e9, inclusive: true } }],
    [['>', 0, '<=', 5], { lower: { value: 0, inclusive: false }, upper: { value: 5, inclusive: true } }],
    [['>=', 1.5, '<', 1.6], { lower: { value: 1.5, inclusive: true }, upper: { value: 1.6, inclusive: false } }],
  ])('%j is accepted', (operand, bounds) => {
    // GIVEN / WHEN
    const parsed = parseEventPattern(detailLeaf({ numeric: operand }));
    // THEN
    expect(onlyCondition(parsed)).toEqual({ kind: 'numeric', ...bounds });
  });

  test.each([
    ['not an array', '>5', 'eventPattern.detail.field[0].numeric', /numeric expects/],
    ['empty', [], 'eventPattern.detail.field[0].numeric', /got 0 element/],
    ['an operator alone', ['>'], 'eventPattern.detail.field[0].numeric', /got 1 element/],
    ['three elements', ['>', 1, '<'], 'eventPattern.detail.field[0].numeric', /got 3 element/],
    ['too many elements', ['>', 1, '<', 5, '<', 6], 'eventPattern.detail.field[0].numeric', /got 6 element/],
    ['an unknown operator', ['!=', 1], 'eventPattern.detail.field[0].numeric[0]', /unknown numeric operator/],
    ['a number first', [1, '>'], 'eventPattern.detail.field[0].numeric[0]', /unknown numeric operator/],
    ['a string bound', ['>', '5'], 'eventPattern.detail.field[0].numeric[1]', /must be followed by a number/],
    ['a null bound', ['=', null], 'eventPattern.detail.field[0].numeric[1]', /must be followed by a number/],
    ['a non-finite bound', ['<', Infinity], 'eventPattern.detail.field[0].numeric[1]', /finite JSON number/],
    ['a range starting with its upper bound', ['<', 5, '>', 1], 'eventPattern.detail.field[0].numeric[0]', /starts with its lower bound/],
    ['a range starting with "="', ['=', 1, '<', 5], 'eventPattern.detail.field[0].numeric[0]', /starts with its lower bound/],
    ['two lower bounds', ['>', 1, '>=', 5], 'eventPattern.detail.field[0].numeric[2]', /upper bound operator/],
    ['a bad upper bound', ['>', 1, '<', 'x'], 'eventPattern.detail.field[0].numeric[3]', /must be followed by a number/],
    ['an inverted range', ['>', 10, '<', 1], 'eventPattern.detail.field[0].numeric', /lower bound 10 must be less than the upper bound 1/],
    ['an empty range', ['>=', 5, '<=', 5], 'eventPattern.detail.field[0].numeric', /empty numeric range/],
  ])('%s is rejected', (_label, operand, path, problem) => {
    // GIVEN / WHEN
    const error = parseError(detailLeaf({ numeric: operand }));
    // THEN
    expect(error.path).toBe(path);
    expect(error.message).toMatch(problem);
  });
});

describe('exists', () => {
  test.each([[true], [false]])('exists %j is accepted', (exists) => {
    // GIVEN / WHEN
    const parsed = parseEventPattern(detailLeaf({ exists }));
    // THEN
    expect(onlyCondition(parsed)).toEqual({ kind: 'exists', exists });
  });

  test.each([['true'], [1], [null], [[true]]])('exists %j is rejected', (operand) => {
    // GIVEN / WHEN
    const error = parseError(detailLeaf({ exists: operand }));
    // THEN
    expect(error.path).toBe('eventPattern.detail.field[0].exists');
    expect(error.message).toMatch(/exists expects true or false/);
  });
});

describe('cidr', () => {
  test.each([
    ['10.0.0.0/24', 4, [10, 0, 0, 0], 24],
    ['10.0.0.77/24', 4, [10, 0, 0, 0], 24],
    ['192.168.255.255/20', 4, [192, 168, 240, 0], 20],
    ['0.0.0.0/0', 4, [0, 0, 0, 0], 0],
    ['255.255.255.255/31', 4, [255, 255, 255, 254], 31],
    ['2001:db8::/32', 6, [0x20, 0x01, 0x0d, 0xb8, ...new Array(12).fill(0)], 32],
    ['::/0', 6, new Array(16).fill(0), 0],
    ['fe80::1:2ff/64', 6, [0xfe, 0x80, ...new Array(14).fill(0)], 64],
    ['1:2:3:4:5:6:7:8/127', 6, [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8], 127],
    // An IPv4-mapped IPv6 address is an IPv4 address for event-ruler (Java's InetAddress).
    ['::ffff:a00:1/24', 4, [10, 0, 0, 0], 24],
  ])('%j is accepted with its network address', (source, version, network, prefixLength) => {
    // GIVEN / WHEN
    const parsed = parseEventPattern({ detail: { 'source-ip': [{ cidr: source }] } });
    // THEN
    expect(leafAt(parsed, 'detail', 'source-ip').conditions).toEqual([{ kind: 'cidr', source, block: { network, prefixLength } }]);
    expect(network).toHaveLength(version === 4 ? 4 : 16);
  });

  test.each([
    ['no mask', '10.0.0.0', /one "\/"/],
    ['two slashes', '10.0.0.0/8/8', /one "\/"/],
    ['a non-integer mask', '10.0.0.0/8.5', /whole number of mask bits/],
    ['a negative mask', '10.0.0.0/-1', /whole number of mask bits/],
    ['an octet above 255', '10.0.0.256/24', /not an IPv4 or IPv6 address/],
    ['three octets', '10.0.0/24', /not an IPv4 or IPv6 address/],
    ['a host name', 'example.com/24', /not an IPv4 or IPv6 address/],
    ['an IPv4 mask of 33', '10.0.0.0/33', /IPv4 mask bits must be less than 32/],
    ['an IPv4 mask of 32', '10.0.0.1/32', /IPv4 mask bits must be less than 32.*exact string match/],
    ['an IPv6 mask of 128', '::1/128', /IPv6 mask bits must be less than 128/],
    ['an IPv6 mask on an IPv4-mapped address', '::ffff:a00:1/100', /IPv4 mask bits must be less than 32/],
    ['two "::"', '1::2::3/64', /not an IPv4 or IPv6 address/],
    ['nine IPv6 groups', '1:2:3:4:5:6:7:8:9/64', /not an IPv4 or IPv6 address/],
    ['seven IPv6 groups', '1:2:3:4:5:6:7/64', /not an IPv4 or IPv6 address/],
    ['a long IPv6 group', '12345::/64', /not an IPv4 or IPv6 address/],
    ['a bad hex digit', 'fg80::/64', /not an IPv4 or IPv6 address/],
  ])('%s is rejected', (_label, source, problem) => {
    // GIVEN / WHEN
    const error = parseError(detailLeaf({ cidr: source }));
    // THEN
    expect(error.path).toBe('eventPattern.detail.field[0].cidr');
    expect(error.message).toMatch(problem);
    expect(error.message).toContain(`Got: ${JSON.stringify(source)}`);
  });

  test('a non-string operand is rejected', () => {
    // GIVEN / WHEN
    const error = parseError(detailLeaf({ cidr: ['10.0.0.0/8'] }));
    // THEN
    expect(error.message).toMatch(/cidr expects a string/);
  });
});
