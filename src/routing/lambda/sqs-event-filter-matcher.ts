import { parseSqsEventFilters } from './sqs-event-filters';
import { UnresolvedPatternError } from '../model/errors';
import { explainFilters, FilteredRecord, ListedFilter, matchesAnyFilter, readPayload } from '../model/filter-list';
import { MatchExplanation } from '../model/match-explanation';
import { compileRule } from '../model/rule';

/**
 * Evaluates the event filters of a Lambda SQS event source offline: whether
 * Lambda hands a message to the function, or deletes it from the queue.
 *
 * The filters are those given to the event source (`{ pattern: '<json>' }`,
 * built with `lambda.FilterCriteria.filter(...)`), in the EventBridge pattern
 * syntax, evaluated with the library's EventBridge engine. A message is taken
 * when it matches at least one filter. As Lambda documents for SQS sources:
 * a filter on `body` fields only matches a body that is valid JSON, a filter
 * of plain values on `body` only matches a body that is not, and a message that
 * matches no filter is deleted (it reaches neither the function nor the
 * dead-letter queue).
 *
 * An SQS event source filters on `body` only: fields other than `body` in a
 * pattern are evaluated against a record that holds only `body`.
 *
 * @example
 * const filters = [lambda.FilterCriteria.filter({ body: { type: lambda.FilterRule.isEqual('order') } })];
 * SqsEventFilterMatcher.matches(filters, '{"type":"order"}'); // true
 * SqsEventFilterMatcher.explain(filters, 'plain text').reasons;
 * // [ 'body: the body is not JSON, and filter 1 matches fields of a JSON body',
 * //   'no filter matches: Lambda deletes the message from the queue without invoking the function' ]
 */
export class SqsEventFilterMatcher {
  /**
   * Whether Lambda hands a message with this body to the function.
   *
   * @param filters the filters of the event source, as built by `lambda.FilterCriteria.filter`
   * @param messageBody the message body, as sent to the queue
   */
  public static matches(filters: Array<{ [key: string]: any }>, messageBody: string): boolean {
    return SqsEventFilterMatcher.fromFilters(filters).matchesBody(messageBody);
  }

  /**
   * Whether Lambda hands a message with this body to the function, and why
   * (or why not) in words.
   *
   * @param filters the filters of the event source
   * @param messageBody the message body, as sent to the queue
   */
  public static explain(filters: Array<{ [key: string]: any }>, messageBody: string): MatchExplanation {
    return SqsEventFilterMatcher.fromFilters(filters).explainBody(messageBody);
  }

  /**
   * Parses and compiles the filters once, to evaluate many messages with them.
   * No filter at all means every message is taken.
   *
   * @param filters the filters of the event source
   */
  public static fromFilters(filters: Array<{ [key: string]: any }>): SqsEventFilterMatcher {
    return new SqsEventFilterMatcher(filters);
  }

  private readonly filters: ListedFilter[];

  private constructor(filters: Array<{ [key: string]: any }>) {
    const parsed = parseSqsEventFilters(filters, 'filters');
    if (parsed.length < filters.length || parsed.some((f) => f.parsed.hasUnresolvedTokens)) {
      throw new UnresolvedPatternError('An event filter');
    }
    this.filters = parsed.map((filter, i) => ({ rule: compileRule(filter.parsed, `Event filter ${i + 1}`), payloadFormat: filter.bodyFormat }));
  }

  /**
   * Whether Lambda hands a message with this body to the function.
   *
   * @param messageBody the message body, as sent to the queue
   */
  public matchesBody(messageBody: string): boolean {
    return matchesAnyFilter(this.filters, bodyRecord(messageBody));
  }

  /**
   * Whether Lambda hands a message with this body to the function, and why
   * (or why not): for a message taken, the fields of the first filter it
   * matches; otherwise why each filter failed, each reason ending with the
   * filter's number.
   *
   * @param messageBody the message body, as sent to the queue
   */
  public explainBody(messageBody: string): MatchExplanation {
    return explainFilters(
      this.filters,
      bodyRecord(messageBody),
      'body',
      'body: the event source has no filter, so every message reaches the function',
      'Lambda deletes the message from the queue without invoking the function',
    );
  }
}

/** The record an SQS event source filters: the body alone, parsed when it is JSON. */
function bodyRecord(messageBody: string): FilteredRecord {
  const body = readPayload(messageBody);
  return { value: { body: body.value }, payloadJson: body.json };
}
