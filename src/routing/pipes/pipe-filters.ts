/**
 * Parsing and offline evaluation of the filters of an EventBridge pipe
 * (`SourceParameters.FilterCriteria.Filters[].Pattern`).
 *
 * What the EventBridge User Guide documents ("Event filtering in Amazon
 * EventBridge Pipes", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-filtering.html),
 * and what this module follows:
 * - a filter is an EventBridge event pattern, at most 4,096 characters, and a
 *   pipe has at most 5 of them (Pipes API Reference, `FilterCriteria`,
 *   `Filter.Pattern`); a record goes on when it matches any filter;
 * - the pattern is matched against the record as the source hands it over,
 *   with the message body of an SQS record (`body`) and the data of a Kinesis
 *   record (`data`, decoded from base64) parsed as JSON when they are JSON;
 *   a DynamoDB stream record is matched as it is (`dynamodb.NewImage`...);
 * - a pattern of JSON fields under `body` or `data` matches only a body or
 *   data that is JSON, and a pattern of plain values only one that is not
 *   ("If there is a mismatch, EventBridge drops the message");
 * - a record that matches no filter does not go on: an SQS message is
 *   deleted from the queue, a stream's iterator moves past the record.
 *
 * Internal module (TypeScript unions): not part of the jsii API.
 */
import { parseEventPattern, ParsedEventPattern } from '../eventbridge/event-pattern';
import { eventPatternError, isToken } from '../eventbridge/parse-context';
import { UnresolvedPatternError } from '../model/errors';
import { explainFilters, FilteredRecord, ListedFilter, matchesAnyFilter, PayloadFormat, payloadFormatOf, readPayload } from '../model/filter-list';
import { isPlainObject } from '../model/json';
import { MatchExplanation } from '../model/match-explanation';
import { compileRule } from '../model/rule';

/** The largest filter pattern Pipes takes, in characters (Pipes API Reference, `Filter.Pattern`). */
export const PIPE_FILTER_PATTERN_MAX_LENGTH = 4096;

/** The most filters a pipe takes (Pipes API Reference, `FilterCriteria.Filters`: "Maximum number of 5 items"). */
export const PIPE_FILTERS_MAX = 5;

/**
 * Fields the poller adds to a record, which "can't be used in event patterns"
 * (EventBridge User Guide, "Event filtering in Amazon EventBridge Pipes").
 * The same page lists `eventName` too, while AWS's own getting-started
 * template filters a DynamoDB stream on `eventName`, as Lambda's event
 * filtering documents: it is left out of this list.
 */
export const POLLING_FIELDS: readonly string[] = ['awsRegion', 'eventSource', 'eventSourceARN', 'eventVersion', 'eventID', 'invokeIdentityArn', 'eventSourceKey'];

/** The kinds of record a pipe's source hands over. */
export type PipeRecordKind = 'sqs' | 'kinesis' | 'dynamodb';

/** The field of a record that Pipes parses as JSON before filtering, by source. */
const PAYLOAD_FIELD: { readonly [kind in PipeRecordKind]?: string } = { sqs: 'body', kinesis: 'data' };

/** One filter, parsed. */
export interface ParsedPipeFilter {
  readonly parsed: ParsedEventPattern;
  readonly payloadFormat: PayloadFormat;
  /** Top-level fields of {@link POLLING_FIELDS} the pattern names. */
  readonly pollingFields: string[];
}

/**
 * Parses the filters given to a pipe, each a pattern object. A filter that is
 * an unresolved token is skipped.
 *
 * @throws PatternError naming `<propName>[i]`, the key path and the value.
 */
export function parsePipeFilters(filters: ReadonlyArray<unknown>, propName: string, kind: PipeRecordKind): ParsedPipeFilter[] {
  const parsed: ParsedPipeFilter[] = [];
  filters.forEach((filter, index) => {
    const at = `${propName}[${index}]`;
    if (isToken(filter)) {
      return;
    }
    if (!isPlainObject(filter)) {
      throw eventPatternError(at, at, 'a filter is an event pattern object, for example { body: { amount: [{ numeric: [">=", 100] }] } }', filter);
    }
    const result = parseEventPattern(filter, { propName: at, maxLength: PIPE_FILTER_PATTERN_MAX_LENGTH });
    const field = PAYLOAD_FIELD[kind];
    const payloadFormat = field ? payloadFormatOf(filter[field]) : 'any';
    if (kind === 'kinesis' && payloadFormat === 'plain') {
      // For Kinesis and DynamoDB sources, a pattern that is not JSON "throws an exception at the time of the pipe creation or
      // update" (same page, its table of data and pattern formats).
      throw eventPatternError(at, `${at}.data`, 'Pipes refuses a pattern of plain values on the data of a Kinesis record; match fields of JSON data instead', filter.data);
    }
    parsed.push({ parsed: result, payloadFormat, pollingFields: Object.keys(filter).filter((key) => POLLING_FIELDS.includes(key)) });
  });
  return parsed;
}

/** A record as Pipes filters it: its payload field parsed, and whether that field was JSON (undefined when the source has none or the record lacks it). */
function viewOf(kind: PipeRecordKind, record: unknown): FilteredRecord {
  if (!isPlainObject(record)) {
    throw new TypeError(`a ${kind} record is an object (${describeShape(kind)}), got ${JSON.stringify(record)}`);
  }
  const field = PAYLOAD_FIELD[kind];
  const raw = field ? record[field] : undefined;
  if (!field || typeof raw !== 'string') {
    return { value: record };
  }
  const text = kind === 'kinesis' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const payload = readPayload(text);
  return { value: { ...record, [field]: payload.value }, payloadJson: payload.json };
}

function describeShape(kind: PipeRecordKind): string {
  switch (kind) {
    case 'sqs':
      return '{ messageId, body, attributes, messageAttributes, ... } as in the Lambda SQS event';
    case 'kinesis':
      return '{ partitionKey, data (base64), sequenceNumber, ... } as in the Lambda Kinesis event, without its "kinesis" wrapper';
    default:
      return '{ eventName, dynamodb: { Keys, NewImage, OldImage, ... }, ... } as in the Lambda DynamoDB event';
  }
}

/**
 * The filters of one pipe, compiled once: whether a record of the pipe's
 * source goes on, and why.
 */
export class PipeFilterEvaluator {
  private readonly filters: ListedFilter[];

  constructor(filters: ReadonlyArray<unknown>, private readonly kind: PipeRecordKind) {
    const parsed = parsePipeFilters(filters, 'filters', kind);
    if (parsed.length < filters.length || parsed.some((f) => f.parsed.hasUnresolvedTokens)) {
      throw new UnresolvedPatternError('A pipe filter');
    }
    this.filters = parsed.map((filter, i) => ({ rule: compileRule(filter.parsed, `Pipe filter ${i + 1}`), payloadFormat: filter.payloadFormat }));
  }

  public matches(record: unknown): boolean {
    return matchesAnyFilter(this.filters, viewOf(this.kind, record));
  }

  public explain(record: unknown): MatchExplanation {
    const field = PAYLOAD_FIELD[this.kind] ?? 'record';
    return explainFilters(this.filters, viewOf(this.kind, record), field, 'the pipe has no filter, so every record goes on', DROPPED[this.kind]);
  }
}

/** What Pipes does with a record no filter matches, by source. */
const DROPPED: { readonly [kind in PipeRecordKind]: string } = {
  sqs: 'the pipe deletes the message from the queue without delivering it',
  kinesis: 'the pipe skips the record (its iterator moves past it)',
  dynamodb: 'the pipe skips the record (its iterator moves past it)',
};
