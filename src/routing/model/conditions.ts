/**
 * The condition model: what the EventBridge and SNS parsers produce and the
 * matching machine consumes. Both languages share these operators; a parser
 * emits them directly, already in the form the machine tests.
 *
 * Internal module: not part of the jsii API.
 */

/** A leaf value of a message: what a condition is tested against. */
export type Scalar = string | number | boolean | null;

/** One end of a numeric range. */
export interface Bound {
  /** The bound. */
  readonly value: number;
  /** Whether the bound itself matches (`<=`, `>=`, `=`) or not (`<`, `>`). */
  readonly inclusive: boolean;
}

/** An IP network (or a single address when `prefixLength` is the full width). */
export interface IpNetwork {
  /** 4 or 16 bytes, host bits cleared. */
  readonly network: readonly number[];
  readonly prefixLength: number;
}

/**
 * A wildcard expression split on its unescaped `*` characters.
 *
 * A string matches when it starts with the first segment, ends with the last one
 * and contains the segments in between, in order and without overlap. Escapes
 * (`\*`, `\\`) are already resolved in the segments.
 */
export interface Glob {
  /** The expression as written. */
  readonly source: string;
  /** Literal text between wildcards; always one more segment than wildcards. */
  readonly segments: readonly string[];
}

/** A condition on one value. A field matches a value when any of its conditions does. */
export type Condition =
  | { readonly kind: 'exact-string'; readonly value: string }
  | { readonly kind: 'exact-number'; readonly value: number }
  | { readonly kind: 'exact-literal'; readonly value: boolean | null }
  /** An exact string that is an IP address, matched as that address (EventBridge). */
  | { readonly kind: 'exact-ip'; readonly source: string; readonly address: IpNetwork }
  | { readonly kind: 'prefix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'equals-ignore-case'; readonly value: string }
  | { readonly kind: 'wildcard'; readonly glob: Glob }
  /** A missing bound is unbounded; `=` gives two inclusive bounds with the same value. */
  | { readonly kind: 'numeric'; readonly lower?: Bound; readonly upper?: Bound }
  | { readonly kind: 'cidr'; readonly source: string; readonly block: IpNetwork }
  /** `nonEmpty` (SNS): `exists: true` then matches only a value that is neither null nor "". */
  | { readonly kind: 'exists'; readonly exists: boolean; readonly nonEmpty?: boolean }
  /** None of the strings and none of the numbers (a pattern lists only one of the two kinds). */
  | { readonly kind: 'anything-but'; readonly strings: readonly string[]; readonly numbers: readonly number[] }
  | { readonly kind: 'anything-but-prefix'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-suffix'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-equals-ignore-case'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-wildcard'; readonly globs: readonly Glob[] };

/** A value that holds an unresolved CDK token: known only at deployment, so it is neither validated nor matched. */
export interface UnresolvedCondition {
  readonly kind: 'unresolved';
  readonly raw: unknown;
}

/** A condition as a parser gives it: a model condition, or a placeholder for a deploy-time value. */
export type ParsedCondition = Condition | UnresolvedCondition;

/** The condition of a numeric comparison `value <operator> bound`. */
export function numericComparison(operator: string, value: number): Condition {
  switch (operator) {
    case '=':
      return { kind: 'numeric', lower: { value, inclusive: true }, upper: { value, inclusive: true } };
    case '>':
      return { kind: 'numeric', lower: { value, inclusive: false } };
    case '>=':
      return { kind: 'numeric', lower: { value, inclusive: true } };
    case '<':
      return { kind: 'numeric', upper: { value, inclusive: false } };
    default:
      return { kind: 'numeric', upper: { value, inclusive: true } };
  }
}

/** The condition of a numeric range: a lower bound (`>`, `>=`) and an upper bound (`<`, `<=`). */
export function numericRange(lowerOperator: string, lower: number, upperOperator: string, upper: number): Condition {
  return {
    kind: 'numeric',
    lower: { value: lower, inclusive: lowerOperator === '>=' },
    upper: { value: upper, inclusive: upperOperator === '<=' },
  };
}

/** The condition of an exact value: a string, a number, a boolean or null. */
export function exactValue(value: Scalar): Condition {
  if (typeof value === 'string') {
    return { kind: 'exact-string', value };
  }
  return typeof value === 'number' ? { kind: 'exact-number', value } : { kind: 'exact-literal', value };
}

/** The condition of an anything-but list of strings or numbers. */
export function anythingBut(values: readonly (string | number)[]): Condition {
  return {
    kind: 'anything-but',
    strings: values.filter((v): v is string => typeof v === 'string'),
    numbers: values.filter((v): v is number => typeof v === 'number'),
  };
}
