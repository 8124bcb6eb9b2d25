import { Lazy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as fc from 'fast-check';
import { EventPatternMatcher, SqsEventFilterMatcher } from '../../src';

// The rules are Lambda's, for SQS event sources:
// - filters are ORed: "If a record from your event source satisfies one or more of your filters, Lambda includes the record
//   ... If none of your filters are satisfied, Lambda discards the record"
//   (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html);
// - "If an Amazon SQS message doesn't satisfy your filter criteria, Lambda automatically removes the message from the queue",
//   and a body/pattern format mismatch (plain-string body with a JSON pattern, or JSON body with a plain-string pattern)
//   makes "Lambda drop the message" (the table of "Properly filtering Amazon SQS messages",
//   https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html);
// - patterns use the EventBridge syntax ("Filter rule syntax", invocation-eventfiltering.html).

const jsonFilter = lambda.FilterCriteria.filter({ body: { type: lambda.FilterRule.isEqual('order') } });
const plainFilter = lambda.FilterCriteria.filter({ body: lambda.FilterRule.beginsWith('ORDER:') });

describe('SqsEventFilterMatcher', () => {
  test('a JSON pattern matches the fields of a JSON body', () => {
    expect(SqsEventFilterMatcher.matches([jsonFilter], '{"type":"order","id":1}')).toBe(true);
    expect(SqsEventFilterMatcher.matches([jsonFilter], '{"type":"refund"}')).toBe(false);
  });

  test('a JSON pattern never matches a body that is not JSON: Lambda drops the message', () => {
    expect(SqsEventFilterMatcher.matches([jsonFilter], 'type=order')).toBe(false);
    expect(SqsEventFilterMatcher.explain([jsonFilter], 'type=order').reasons).toEqual([
      'body: the body is not JSON, and filter 1 matches fields of a JSON body',
      'no filter matches: Lambda deletes the message from the queue without invoking the function',
    ]);
  });

  test('a plain-string pattern matches a body that is not JSON', () => {
    expect(SqsEventFilterMatcher.matches([plainFilter], 'ORDER: 42')).toBe(true);
    expect(SqsEventFilterMatcher.matches([plainFilter], 'REFUND: 42')).toBe(false);
  });

  test('a plain-string pattern never matches a JSON body, even one whose text would match', () => {
    const exact = lambda.FilterCriteria.filter({ body: lambda.FilterRule.isEqual('"ORDER"') });
    expect(SqsEventFilterMatcher.matches([exact], '"ORDER"')).toBe(false);
    expect(SqsEventFilterMatcher.explain([exact], '"ORDER"').reasons[0]).toBe('body: the body is JSON, and filter 1 matches a plain-text body');
  });

  test('the filters are ORed: one match is enough, and the explanation names the filter that matched', () => {
    const filters = [plainFilter, jsonFilter];
    expect(SqsEventFilterMatcher.matches(filters, '{"type":"order"}')).toBe(true);
    expect(SqsEventFilterMatcher.explain(filters, '{"type":"order"}')).toEqual({ matched: true, reasons: ['body.type: "order" matches "order" (filter 2)'] });
  });

  test('no filter at all takes every message', () => {
    expect(SqsEventFilterMatcher.matches([], 'anything')).toBe(true);
    expect(SqsEventFilterMatcher.explain([], 'anything').matched).toBe(true);
  });

  test('numeric operators compare the numbers of a JSON body', () => {
    const filters = [lambda.FilterCriteria.filter({ body: { amount: lambda.FilterRule.between(10, 20) } })];
    expect(SqsEventFilterMatcher.matches(filters, '{"amount": 15}')).toBe(true);
    expect(SqsEventFilterMatcher.matches(filters, '{"amount": 25}')).toBe(false);
  });

  test('a filter holding a deploy-time value cannot be evaluated offline', () => {
    expect(() => SqsEventFilterMatcher.matches([{ pattern: Lazy.string({ produce: () => '{}' }) }], 'x')).toThrow(/unresolved CDK tokens/);
  });

  test('an invalid filter is refused with its key path', () => {
    expect(() => SqsEventFilterMatcher.matches([{ pattern: '{"body":{"a":[{"numeric":[">>",1]}]}}' }], '{}')).toThrow(/filters\[0\]\.pattern\.body\.a/);
  });

  // The OR and the format rule, stated once more as properties against the EventBridge engine the filters use.
  test('a message is taken exactly when some filter whose body format fits matches the record as EventBridge would', () => {
    const value = fc.oneof(fc.constantFrom('order', 'refund', 'ORDER: 1'), fc.integer({ min: 0, max: 30 }));
    const bodyArb = fc.oneof(
      fc.record({ type: value, amount: value }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
      fc.constantFrom('ORDER: 1', 'REFUND', 'plain'),
    );
    const patterns = [
      { body: { type: ['order'] } },
      { body: { amount: [{ numeric: ['>', 10] }] } },
      { body: [{ prefix: 'ORDER' }] },
      { body: ['plain'] },
    ];
    const filtersArb = fc.subarray(patterns, { minLength: 1 });
    fc.assert(
      fc.property(filtersArb, bodyArb, (chosen, body) => {
        const filters = chosen.map((p) => ({ pattern: JSON.stringify(p) }));
        let parsed: unknown;
        let isJson = true;
        try {
          parsed = JSON.parse(body);
        } catch {
          isJson = false;
          parsed = body;
        }
        const expected = chosen.some((p) => Array.isArray(p.body) !== isJson && EventPatternMatcher.matchesJson(p, { body: parsed }));
        expect(SqsEventFilterMatcher.matches(filters, body)).toBe(expected);
        expect(SqsEventFilterMatcher.explain(filters, body).matched).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});
