/**
 * An `events.EventPattern` as the JSON EventBridge receives, with the tokens of
 * `events.Match` replaced by the operators they stand for.
 *
 * Internal module: not part of the jsii API.
 */
import { IResolvable, IResolveContext, Intrinsic, Token, Tokenization } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { IConstruct } from 'constructs';
import { EVENT_PATTERN_OPERATORS } from './parse-operators';
import { isPlainObject } from '../model/json';

/** Options of `eventPatternToJson`. */
export interface EventPatternToJsonOptions {
  /**
   * Replace the tokens created by `events.Match` with the JSON they stand for, so
   * that they can be validated. Tokens for deploy-time values are kept.
   * @default true
   */
  readonly expandMatchers?: boolean;
}

/**
 * Converts an `events.EventPattern` (camelCase properties) into the JSON form of
 * an event pattern, as aws-cdk-lib renders it for `AWS::Events::Rule`:
 * `detailType` becomes `detail-type`, every other key is kept as is and
 * `undefined` values are dropped.
 *
 * By default the tokens created by `events.Match` helpers are expanded into the
 * operators they stand for (`events.Match.prefix('a')` becomes `{ prefix: 'a' }`);
 * tokens for deploy-time values (references, pseudo parameters) are kept.
 */
export function eventPatternToJson(pattern: events.EventPattern, options: EventPatternToJsonOptions = {}): Record<string, unknown> {
  const expand = options.expandMatchers ?? true;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern)) {
    if (value === undefined) {
      continue;
    }
    out[key === 'detailType' ? 'detail-type' : key] = expand ? expandMatcherTokens(value) : value;
  }
  return out;
}

/** Replaces `events.Match` tokens with the JSON they stand for; other tokens stay. */
function expandMatcherTokens(value: unknown): unknown {
  if (Array.isArray(value)) {
    const listToken = Tokenization.reverseList(value as string[]);
    if (listToken !== undefined) {
      return (literalValue(listToken) ?? { value }).value;
    }
    return value.flatMap((element: unknown) => expandListElement(element));
  }
  if (typeof value === 'string') {
    const token = Token.isUnresolved(value) ? Tokenization.reverseCompleteString(value) : undefined;
    return token === undefined ? value : (literalValue(token) ?? { value }).value;
  }
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandMatcherTokens(v)]));
  }
  return value;
}

/** An element of a list may itself encode a whole list (e.g. `events.Match.anythingBut()` spread into a list). */
function expandListElement(element: unknown): unknown[] {
  if (typeof element === 'string') {
    const listToken = Tokenization.reverseList([element]);
    if (listToken !== undefined) {
      const expanded = literalValue(listToken)?.value;
      return Array.isArray(expanded) ? expanded : [element];
    }
  }
  return [expandMatcherTokens(element)];
}

/**
 * The JSON a token stands for when it is known at synthesis time: an
 * `events.Match`, or a plain `Intrinsic` holding null, a scalar or an operator
 * object. Returns undefined for anything else (e.g. `{ Ref: ... }`).
 */
function literalValue(token: IResolvable): { readonly value: unknown } | undefined {
  try {
    if (token instanceof events.Match) {
      return { value: token.resolve(new LiteralResolveContext()) };
    }
    if (token instanceof Intrinsic && Object.getPrototypeOf(token) === Intrinsic.prototype) {
      const value: unknown = token.resolve(new LiteralResolveContext());
      return isLiteralMatchValue(value) ? { value: expandMatcherTokens(value) } : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function isLiteralMatchValue(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
    return true;
  }
  return isPlainObject(value) && Object.keys(value).length === 1 && EVENT_PATTERN_OPERATORS.includes(Object.keys(value)[0]);
}

/** The resolve context handed to `events.Match`: it only expands nested matcher tokens. */
class LiteralResolveContext implements IResolveContext {
  public readonly preparing = false;
  public readonly documentPath: string[] = [];

  public get scope(): IConstruct {
    throw new Error('event pattern matchers are resolved without a construct scope');
  }

  public resolve(x: unknown): unknown {
    return expandMatcherTokens(x);
  }

  public registerPostProcessor(): void {
    // Matchers are plain JSON: nothing to post-process.
  }
}
