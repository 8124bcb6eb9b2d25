/**
 * Parsing and validation of the event filters of a Lambda SQS event source
 * (`FilterCriteria.Filters[].Pattern`).
 *
 * What Lambda documents, and what this module follows:
 * - a filter's pattern uses the EventBridge pattern syntax and is at most
 *   4,096 characters (Lambda API reference, `Filter.Pattern`);
 * - an SQS event source filters on the record's `body` key only (Lambda
 *   developer guide, "Using event filtering with an Amazon SQS event source");
 * - the record is taken when it matches any filter; a message that matches
 *   none is deleted from the queue ("Properly filtering Amazon SQS messages");
 * - a JSON pattern under `body` only matches a body that is valid JSON, and a
 *   plain-string pattern only a body that is not: on a mismatch Lambda drops
 *   the message.
 *
 * Internal module (TypeScript unions): not part of the jsii API.
 */
import { parseEventPattern, ParsedEventPattern } from '../eventbridge/event-pattern';
import { eventPatternError, isToken } from '../eventbridge/parse-context';
import { PayloadFormat, payloadFormatOf } from '../model/filter-list';
import { isPlainObject } from '../model/json';

/** The largest filter pattern Lambda accepts, in characters (API reference, `Filter.Pattern`). */
export const SQS_FILTER_PATTERN_MAX_LENGTH = 4096;

/** Filters per event source without a quota increase. */
export const SQS_FILTERS_DEFAULT_QUOTA = 5;

/** Filters per event source with the quota raised as far as Lambda allows. */
export const SQS_FILTERS_MAX = 10;


/** One filter, parsed. */
export interface ParsedSqsEventFilter {
  /** The pattern as JSON. */
  readonly pattern: Record<string, unknown>;
  readonly parsed: ParsedEventPattern;
  /** `json` when its `body` is an object of fields, `plain` when it is a list of values, `any` without `body`. */
  readonly bodyFormat: PayloadFormat;
  /** Top-level keys other than `body` (an SQS event source only filters on `body`). */
  readonly otherKeys: string[];
}

/**
 * Parses the filters as given to `SqsEventSource` (`{ pattern: '<json>' }`,
 * as `lambda.FilterCriteria.filter` builds them). A filter whose pattern is an
 * unresolved token is skipped.
 *
 * @throws PatternError naming `<propName>[i].pattern`, the key path and the value.
 */
export function parseSqsEventFilters(filters: ReadonlyArray<Record<string, unknown>>, propName: string): ParsedSqsEventFilter[] {
  const parsed: ParsedSqsEventFilter[] = [];
  filters.forEach((filter, index) => {
    const at = `${propName}[${index}]`;
    if (isToken(filter)) {
      return;
    }
    const text = isPlainObject(filter) ? filter.pattern : undefined;
    if (isToken(text)) {
      return;
    }
    if (typeof text !== 'string') {
      throw eventPatternError(at, `${at}.pattern`, 'a filter is an object with a "pattern" string; build it with lambda.FilterCriteria.filter(...)', filter);
    }
    if (text.length > SQS_FILTER_PATTERN_MAX_LENGTH) {
      throw eventPatternError(at, `${at}.pattern`, `a filter pattern is at most ${SQS_FILTER_PATTERN_MAX_LENGTH} characters, this one has ${text.length}`, text.slice(0, 80));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw eventPatternError(at, `${at}.pattern`, 'a filter pattern must be JSON', text);
    }
    const result = parseEventPattern(json, { propName: `${at}.pattern`, maxLength: SQS_FILTER_PATTERN_MAX_LENGTH });
    const pattern = json as Record<string, unknown>;
    parsed.push({
      pattern,
      parsed: result,
      bodyFormat: payloadFormatOf(pattern.body),
      otherKeys: Object.keys(pattern).filter((key) => key !== 'body' && pattern[key] !== undefined),
    });
  });
  return parsed;
}
