/**
 * A list of event filters over a record whose payload field (an SQS message's
 * `body`, a Kinesis record's `data`) is parsed as JSON when it is JSON: the
 * way Lambda event sources and EventBridge Pipes both filter. A record is
 * taken when it matches any filter. A filter of JSON fields under the payload
 * field only matches a payload that is JSON, and a filter of plain values only
 * one that is not ("If there is a mismatch, ... drops the message": Lambda
 * Developer Guide, "Control which events Lambda sends to your function";
 * EventBridge User Guide, "Event filtering in Amazon EventBridge Pipes").
 *
 * Internal module (TypeScript unions): not part of the jsii API.
 */
import { MatchExplanation } from './match-explanation';
import { CompiledRule } from './rule';
import { explainRule } from '../machine/explain';
import { flatten } from '../machine/flatten';
import { matchesRule } from '../machine/match';

/** How a filter reads the payload field: fields of JSON, plain values, or not at all. */
export type PayloadFormat = 'json' | 'plain' | 'any';

/** The format a filter expects of the payload field, from the filter's value for that field. */
export function payloadFormatOf(value: unknown): PayloadFormat {
  if (value === undefined) {
    return 'any';
  }
  return Array.isArray(value) ? 'plain' : 'json';
}

/** A payload as the filters read it: parsed when it is valid JSON, the text otherwise. */
export function readPayload(text: string): { readonly json: boolean; readonly value: unknown } {
  try {
    return { json: true, value: JSON.parse(text) };
  } catch {
    return { json: false, value: text };
  }
}

/** One compiled filter of the list. */
export interface ListedFilter {
  readonly rule: CompiledRule;
  readonly payloadFormat: PayloadFormat;
}

/** A record as the filters read it: its payload field parsed, and whether that field was JSON (undefined when absent). */
export interface FilteredRecord {
  readonly value: Record<string, unknown>;
  readonly payloadJson?: boolean;
}

function formatFits(filter: ListedFilter, payloadJson: boolean | undefined): boolean {
  return filter.payloadFormat === 'any' || payloadJson === undefined || (filter.payloadFormat === 'json') === payloadJson;
}

/** Whether the record matches any filter of the list (an empty list takes every record). */
export function matchesAnyFilter(filters: readonly ListedFilter[], record: FilteredRecord): boolean {
  if (filters.length === 0) {
    return true;
  }
  const flat = flatten(record.value);
  return filters.some((f) => formatFits(f, record.payloadJson) && matchesRule(f.rule, flat));
}

/**
 * Whether the record matches, and why: for a record taken, the fields of the
 * first filter it matches; otherwise why each filter failed, each reason
 * ending with the filter's number, then `dropped` (what happens to it).
 *
 * @param field the payload field, for the reasons (`body`, `data`)
 * @param none the reason when the list is empty
 */
export function explainFilters(
  filters: readonly ListedFilter[],
  record: FilteredRecord,
  field: string,
  none: string,
  dropped: string,
): MatchExplanation {
  if (filters.length === 0) {
    return { matched: true, reasons: [none] };
  }
  const flat = flatten(record.value);
  const reasons: string[] = [];
  for (const [i, filter] of filters.entries()) {
    const n = i + 1;
    if (!formatFits(filter, record.payloadJson)) {
      reasons.push(
        filter.payloadFormat === 'json'
          ? `${field}: the ${field} is not JSON, and filter ${n} matches fields of a JSON ${field}`
          : `${field}: the ${field} is JSON, and filter ${n} matches a plain-text ${field}`,
      );
      continue;
    }
    const explanation = explainRule(filter.rule, flat, 'field');
    if (explanation.matched) {
      return { matched: true, reasons: explanation.reasons.map((r) => `${r} (filter ${n})`) };
    }
    reasons.push(...explanation.reasons.map((r) => `${r} (filter ${n})`));
  }
  return { matched: false, reasons: [...reasons, `no filter matches: ${dropped}`] };
}
