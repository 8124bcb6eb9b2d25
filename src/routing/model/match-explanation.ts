/**
 * Why a message matches, or does not match, an event pattern or a filter policy.
 */
export interface MatchExplanation {
  /** Whether the message matches. */
  readonly matched: boolean;
  /**
   * One sentence per field that decided the result, each starting with the
   * field's dotted path: for a non-match the fields and operators that failed
   * (`detail.amount: 50 is not > 100`, `country: "FR" is none of "US", "CA"`,
   * `price: attribute missing`); for a match the value each field matched.
   */
  readonly reasons: string[];
}
