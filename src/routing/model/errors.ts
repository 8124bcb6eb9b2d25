/**
 * The errors of the routing evaluators.
 *
 * Internal module: not part of the jsii API.
 */

/** Where a parse error is and what is wrong there. */
export interface PatternErrorDetails {
  /** The property that holds the pattern or policy, e.g. `eventPattern` or `filterPolicy`. */
  readonly propName: string;
  /** Key path of the offending value, e.g. `eventPattern.detail.amount[0].numeric`. */
  readonly path: string;
  /** What is wrong, without the path and value. */
  readonly problem: string;
  /** The offending value. */
  readonly value?: unknown;
}

/**
 * Thrown when an EventBridge event pattern or an SNS filter policy is not
 * valid, or exceeds a limit of the service. The message names the prop, the
 * key path and the offending value or count, so callers can re-wrap it into
 * their own validation error as it is.
 */
export class PatternError extends Error {
  /** The property that holds the pattern or policy. */
  public readonly propName: string;
  /** Key path of the offending value. */
  public readonly path: string;
  /** What is wrong, without the path and value. */
  public readonly problem: string;
  /** The offending value. */
  public readonly value: unknown;

  constructor(message: string, details: PatternErrorDetails) {
    super(message);
    this.name = 'PatternError';
    this.propName = details.propName;
    this.path = details.path;
    this.problem = details.problem;
    this.value = details.value;
    Object.setPrototypeOf(this, PatternError.prototype);
  }
}

/** Thrown when a pattern or policy holds deploy-time values, which cannot be evaluated offline. */
export class UnresolvedPatternError extends Error {
  constructor(what: string) {
    super(`${what} holds unresolved CDK tokens (values known only at deployment), so it cannot be evaluated offline; `
      + 'use literal values in the pattern you test');
    this.name = 'UnresolvedPatternError';
  }
}

/**
 * Thrown for a message that the service would not accept (an SNS Number
 * attribute that is not a number, a String.Array that is not a JSON array, an
 * empty String attribute).
 */
export class InvalidMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMessageError';
  }
}
