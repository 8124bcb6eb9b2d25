/**
 * What the EventBridge pattern parser carries while it walks a pattern: the
 * key path for messages, whether `$or` is a keyword, and whether tokens were seen.
 *
 * Internal module: not part of the jsii API.
 */
import { Token } from 'aws-cdk-lib';
import { PatternError } from '../model/errors';
import { printValue } from '../model/json';

const MAX_VALUE_DESCRIPTION = 200;

/** An immutable key path, printed as `eventPattern.detail["a.b"][0].numeric`. */
export class KeyPath {
  constructor(private readonly text: string) {}

  public key(name: string): KeyPath {
    return new KeyPath(/^[A-Za-z0-9_$-]+$/.test(name) ? `${this.text}.${name}` : `${this.text}[${JSON.stringify(name)}]`);
  }

  public index(i: number): KeyPath {
    return new KeyPath(`${this.text}[${i}]`);
  }

  public toString(): string {
    return this.text;
  }
}

export interface ParseContext {
  readonly propName: string;
  /** Whether `$or` is read as an ordinary field name (event-ruler's older rule compiler). */
  readonly orAsFieldName: boolean;
  sawToken: boolean;
  /** Set when the pattern failed because a `$or` is not a valid OR (so event-ruler would read it as a field name). */
  orNotKeyword: boolean;
}

export function newContext(propName: string, orAsFieldName: boolean): ParseContext {
  return { propName, orAsFieldName, sawToken: false, orNotKeyword: false };
}

/** The error for an invalid event pattern: `Invalid <prop> at <path>: <problem>. Got: <value>`. */
export function eventPatternError(propName: string, path: string, problem: string, value: unknown): PatternError {
  return new PatternError(`Invalid ${propName} at ${path}: ${problem}. Got: ${printValue(value, MAX_VALUE_DESCRIPTION)}`, { propName, path, problem, value });
}

export function fail(ctx: ParseContext, at: KeyPath, problem: string, value: unknown): PatternError {
  return eventPatternError(ctx.propName, at.toString(), problem, value);
}

/** Whether the value is, or encodes, an unresolved CDK token (string, number, list or IResolvable). */
export function isToken(value: unknown): boolean {
  // Guarded so that exotic inputs (e.g. revoked proxies) surface as validation errors, not crashes.
  try {
    return Token.isUnresolved(value) || (typeof value === 'string' && Token.isUnresolved([value]));
  } catch {
    return false;
  }
}
