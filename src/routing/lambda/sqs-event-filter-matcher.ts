import { ParsedSqsEventFilter, parseSqsEventFilters, readBody } from './sqs-event-filters';
import { explainRule } from '../machine/explain';
import { flatten } from '../machine/flatten';
import { matchesRule } from '../machine/match';
import { UnresolvedPatternError } from '../model/errors';
import { MatchExplanation } from '../model/match-explanation';
import { compileRule, CompiledRule } from '../model/rule';

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

  private readonly filters: Array<{ readonly filter: ParsedSqsEventFilter; readonly rule: CompiledRule }>;

  private constructor(filters: Array<{ [key: string]: any }>) {
    const parsed = parseSqsEventFilters(filters, 'filters');
    if (parsed.length < filters.length || parsed.some((f) => f.parsed.hasUnresolvedTokens)) {
      throw new UnresolvedPatternError('An event filter');
    }
    this.filters = parsed.map((filter, i) => ({ filter, rule: compileRule(filter.parsed, `Event filter ${i + 1}`) }));
  }

  /**
   * Whether Lambda hands a message with this body to the function.
   *
   * @param messageBody the message body, as sent to the queue
   */
  public matchesBody(messageBody: string): boolean {
    if (this.filters.length === 0) {
      return true;
    }
    const body = readBody(messageBody);
    return this.filters.some(({ filter, rule }) => formatFits(filter, body.json) && matchesRule(rule, flatten({ body: body.value })));
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
    if (this.filters.length === 0) {
      return { matched: true, reasons: ['body: the event source has no filter, so every message reaches the function'] };
    }
    const body = readBody(messageBody);
    const reasons: string[] = [];
    for (const [i, { filter, rule }] of this.filters.entries()) {
      const n = i + 1;
      if (!formatFits(filter, body.json)) {
        reasons.push(
          filter.bodyFormat === 'json'
            ? `body: the body is not JSON, and filter ${n} matches fields of a JSON body`
            : `body: the body is JSON, and filter ${n} matches a plain-text body`,
        );
        continue;
      }
      const explanation = explainRule(rule, flatten({ body: body.value }), 'field');
      if (explanation.matched) {
        return { matched: true, reasons: explanation.reasons.map((r) => `${r} (filter ${n})`) };
      }
      reasons.push(...explanation.reasons.map((r) => `${r} (filter ${n})`));
    }
    return { matched: false, reasons: [...reasons, 'no filter matches: Lambda deletes the message from the queue without invoking the function'] };
  }
}

/** Lambda drops a message whose body format differs from what the filter's `body` expects. */
function formatFits(filter: ParsedSqsEventFilter, bodyIsJson: boolean): boolean {
  return filter.bodyFormat === 'any' || (filter.bodyFormat === 'json') === bodyIsJson;
}
