import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { detailLeaf, fieldNames, leafAt, parseError } from './event-pattern-helpers';
import { eventPatternToJson, parseEventPattern } from '../../src/routing/eventbridge';

// ---------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------

describe('unresolved tokens', () => {
  const stack = new cdk.Stack();
  const stringToken = stack.account;
  const numberToken = cdk.Lazy.number({ produce: () => 5 });
  const listToken = cdk.Lazy.list({ produce: () => ['a'] });
  const anyToken = cdk.Lazy.any({ produce: () => ({ state: ['x'] }) });

  test.each([
    ['a string match value', { account: [stringToken] }],
    ['a number match value', detailLeaf(numberToken)],
    ['a list token as the leaf', { resources: listToken }],
    ['an IResolvable as a nested object', { detail: anyToken }],
    ['a prefix', detailLeaf({ prefix: stringToken })],
    ['a prefix ignoring case', detailLeaf({ prefix: { 'equals-ignore-case': stringToken } })],
    ['a wildcard', detailLeaf({ wildcard: stringToken })],
    ['a cidr', detailLeaf({ cidr: stringToken })],
    ['an exists operand', detailLeaf({ exists: anyToken })],
    ['a whole operator', detailLeaf(anyToken)],
    ['an anything-but list element', detailLeaf({ 'anything-but': ['a', stringToken] })],
    ['an anything-but number list element', detailLeaf({ 'anything-but': [1, numberToken] })],
    ['an anything-but prefix', detailLeaf({ 'anything-but': { prefix: stringToken } })],
    ['an anything-but wildcard list', detailLeaf({ 'anything-but': { wildcard: ['a*', stringToken] } })],
    ['a numeric bound', detailLeaf({ numeric: ['>', numberToken] })],
    ['a numeric range bound', detailLeaf({ numeric: ['>', 10, '<', numberToken] })],
    ['a numeric operator', detailLeaf({ numeric: [stringToken, 1] })],
    ['a $or value', { detail: { $or: anyToken } }],
    ['a $or branch', { detail: { $or: [{ a: ['x'] }, anyToken] } }],
    ['a top-level key', { [stringToken]: ['x'] }],
    ['a nested key', { detail: { [stringToken]: ['x'] } }],
  ])('%s is accepted without validation', (_label, pattern) => {
    // GIVEN / WHEN
    const parsed = parseEventPattern(pattern);
    // THEN
    expect(parsed.hasUnresolvedTokens).toBe(true);
  });

  test('a token becomes an unresolved matcher holding the raw value', () => {
    // GIVEN / WHEN
    const parsed = parseEventPattern(detailLeaf('plain', { prefix: stringToken }));
    // THEN
    expect(leafAt(parsed, 'detail', 'field').conditions).toEqual([
      { kind: 'exact-string', value: 'plain' },
      { kind: 'unresolved', raw: { prefix: stringToken } },
    ]);
  });

  test('a whole pattern that is a token is accepted', () => {
    // GIVEN / WHEN
    const parsed = parseEventPattern(anyToken);
    // THEN
    expect(parsed.hasUnresolvedTokens).toBe(true);
    expect(parsed.root.entries).toEqual([{ kind: 'unresolved', raw: anyToken }]);
  });

  test('the size check is skipped when tokens hide the final size', () => {
    // GIVEN
    const pattern = { source: ['x'.repeat(3000)], account: [stringToken] };
    // WHEN
    const parsed = parseEventPattern(pattern);
    // THEN
    expect(parsed.complexity.serializedLength).toBeUndefined();
  });

  test('concrete parts next to tokens are still validated', () => {
    // GIVEN / WHEN
    const error = parseError({ account: [stringToken], detail: { a: [{ numeric: ['>', 5, '<', 1] }] } });
    // THEN
    expect(error.path).toBe('eventPattern.detail.a[0].numeric');
  });

  test('a pattern without tokens reports none', () => {
    // GIVEN / WHEN
    const parsed = parseEventPattern({ source: ['a'] });
    // THEN
    expect(parsed.hasUnresolvedTokens).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// events.EventPattern conversion
// ---------------------------------------------------------------------------

describe('eventPatternToJson', () => {
  test('renames detailType to detail-type and keeps the other fields', () => {
    // GIVEN
    const pattern: events.EventPattern = {
      version: ['0'],
      id: ['id-1'],
      detailType: ['Order Placed'],
      source: ['my.shop'],
      account: ['123456789012'],
      time: [{ prefix: '2024-' } as unknown as string],
      region: ['eu-west-1'],
      resources: ['arn:aws:s3:::bucket'],
      detail: { amount: [{ numeric: ['>', 10] }] },
    };
    // WHEN
    const json = eventPatternToJson(pattern);
    // THEN
    expect(json).toEqual({
      'version': ['0'],
      'id': ['id-1'],
      'detail-type': ['Order Placed'],
      'source': ['my.shop'],
      'account': ['123456789012'],
      'time': [{ prefix: '2024-' }],
      'region': ['eu-west-1'],
      'resources': ['arn:aws:s3:::bucket'],
      'detail': { amount: [{ numeric: ['>', 10] }] },
    });
    expect(fieldNames(parseEventPattern(json).root)).toContain('detail-type');
  });

  test('drops undefined fields', () => {
    // GIVEN / WHEN
    const json = eventPatternToJson({ source: ['a'], detailType: undefined, detail: undefined });
    // THEN
    expect(json).toEqual({ source: ['a'] });
  });

  test('an empty events.EventPattern converts to an empty pattern, which is rejected', () => {
    // GIVEN / WHEN
    const error = parseError(eventPatternToJson({}));
    // THEN
    expect(error.message).toMatch(/must not be empty/);
  });

  test('expands events.Match helpers into their operators', () => {
    // GIVEN
    const pattern: events.EventPattern = {
      source: events.Match.prefix('my.'),
      detailType: events.Match.equalsIgnoreCase('order placed'),
      detail: {
        state: events.Match.anythingBut('cancelled', 'failed'),
        amount: events.Match.interval(1, 100),
        total: events.Match.allOf(events.Match.greaterThan(0), events.Match.lessThan(10)),
        region: events.Match.anyOf(events.Match.prefix('eu-'), events.Match.suffix('-1')),
        note: events.Match.nullValue(),
        gone: events.Match.doesNotExist(),
        file: events.Match.anythingButSuffix('.tmp', '.bak'),
        path: events.Match.wildcard('*/lib/*'),
        ip: events.Match.cidr('10.0.0.0/24'),
        codes: [...events.Match.anythingBut(1, 2), 'extra'],
        range: [...events.Match.interval(1, 5), 0],
      },
    };
    // WHEN
    const json = eventPatternToJson(pattern);
    // THEN
    expect(json).toEqual({
      'source': [{ prefix: 'my.' }],
      'detail-type': [{ 'equals-ignore-case': 'order placed' }],
      'detail': {
        state: [{ 'anything-but': ['cancelled', 'failed'] }],
        amount: [{ numeric: ['>=', 1, '<=', 100] }],
        total: [{ numeric: ['>', 0, '<', 10] }],
        region: [{ prefix: 'eu-' }, { suffix: '-1' }],
        note: [null],
        gone: [{ exists: false }],
        file: [{ 'anything-but': { suffix: ['.tmp', '.bak'] } }],
        path: [{ wildcard: '*/lib/*' }],
        ip: [{ cidr: '10.0.0.0/24' }],
        codes: [{ 'anything-but': [1, 2] }, 'extra'],
        range: [{ numeric: ['>=', 1, '<=', 5] }, 0],
      },
    });
    expect(parseEventPattern(json).hasUnresolvedTokens).toBe(false);
  });

  test('keeps tokens for deploy-time values', () => {
    // GIVEN
    const stack = new cdk.Stack();
    // WHEN
    const json = eventPatternToJson({ account: [stack.account], detail: { bucket: events.Match.prefix(stack.region) } });
    // THEN
    expect(json.account).toEqual([stack.account]);
    expect(json.detail).toEqual({ bucket: [{ prefix: stack.region }] });
    expect(parseEventPattern(json).hasUnresolvedTokens).toBe(true);
  });

  test('keeps list tokens that are not events.Match', () => {
    // GIVEN
    const lazy = cdk.Lazy.list({ produce: () => ['a'] });
    // WHEN
    const json = eventPatternToJson({ resources: lazy, detail: { ids: [...lazy, 'b'] } });
    // THEN
    expect(json.resources).toEqual(lazy);
    expect(json.detail).toEqual({ ids: [...lazy, 'b'] });
  });

  test('keeps an events.Match that aws-cdk-lib itself cannot render', () => {
    // GIVEN: allOf only merges numeric matchers
    const broken = events.Match.allOf(events.Match.prefix('a'));
    // WHEN
    const json = eventPatternToJson({ source: broken });
    // THEN
    expect(json.source).toEqual(broken);
    expect(parseEventPattern(json).hasUnresolvedTokens).toBe(true);
  });

  test('expandMatchers: false leaves events.Match tokens untouched', () => {
    // GIVEN
    const source = events.Match.prefix('my.');
    // WHEN
    const json = eventPatternToJson({ source }, { expandMatchers: false });
    // THEN
    expect(json.source).toBe(source);
    expect(parseEventPattern(json).hasUnresolvedTokens).toBe(true);
  });

  test('resolves to what aws-cdk-lib renders for AWS::Events::Rule', () => {
    // GIVEN
    const stack = new cdk.Stack();
    const pattern: events.EventPattern = {
      source: ['my.shop'],
      detailType: ['Order Placed'],
      account: [stack.account],
      detail: { amount: events.Match.greaterThan(10), state: events.Match.anythingBut('x') },
    };
    new events.Rule(stack, 'Rule', { eventPattern: pattern });
    // WHEN
    const rendered = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))[0].Properties.EventPattern;
    // THEN
    expect(stack.resolve(eventPatternToJson(pattern, { expandMatchers: false }))).toEqual(rendered);
    expect(stack.resolve(eventPatternToJson(pattern))).toEqual(rendered);
  });
});
