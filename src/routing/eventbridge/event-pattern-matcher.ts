import * as events from 'aws-cdk-lib/aws-events';
import { parseEventPattern } from './event-pattern';
import { eventPatternToJson } from './pattern-json';
import { explainRule } from '../machine/explain';
import { flatten } from '../machine/flatten';
import { matchesRule } from '../machine/match';
import { MatchExplanation } from '../model/match-explanation';
import { compileRule, CompiledRule } from '../model/rule';

/**
 * Evaluates Amazon EventBridge event patterns offline, in a unit test, with
 * the semantics of EventBridge's matching engine (aws/event-ruler).
 *
 * Every comparison operator EventBridge documents is supported: exact values,
 * `prefix`, `suffix`, `equals-ignore-case`, `wildcard`, `anything-but` (with
 * its prefix, suffix, equals-ignore-case and wildcard forms), `numeric`,
 * `exists`, `cidr` and `$or`. Numbers compare as numbers (5 equals 5.0). When
 * the event holds an array, a field matches if any element matches, and fields
 * inside an array of objects must match within the same element.
 *
 * The pattern is validated with the same parser the constructs use at synth;
 * an invalid pattern throws an error naming the key path and the value.
 *
 * @example
 * const pattern = { source: ['shop.orders'], detail: { amount: events.Match.greaterThan(100) } };
 * EventPatternMatcher.matches(pattern, { source: 'shop.orders', detail: { amount: 150 } }); // true
 * EventPatternMatcher.explain(pattern, { source: 'shop.orders', detail: { amount: 50 } }).reasons;
 * // [ 'detail.amount: 50 is not > 100' ]
 */
export class EventPatternMatcher {
  /**
   * Whether the event matches the pattern.
   *
   * @param pattern the pattern as given to a rule (`detailType` for `detail-type`; `events.Match` helpers allowed)
   * @param event the event as EventBridge delivers it (a JSON object; only the fields the pattern names matter)
   */
  public static matches(pattern: events.EventPattern, event: any): boolean {
    return EventPatternMatcher.fromEventPattern(pattern).matchesEvent(event);
  }

  /**
   * Whether the event matches the pattern, and why (or why not) in words.
   *
   * @param pattern the pattern as given to a rule
   * @param event the event as EventBridge delivers it
   */
  public static explain(pattern: events.EventPattern, event: any): MatchExplanation {
    return EventPatternMatcher.fromEventPattern(pattern).explainEvent(event);
  }

  /**
   * Whether the event matches a pattern given as plain JSON (keys as in the
   * event: `detail-type`, not `detailType`).
   *
   * @param pattern the pattern as JSON, as in `AWS::Events::Rule.EventPattern`
   * @param event the event as EventBridge delivers it
   */
  public static matchesJson(pattern: any, event: any): boolean {
    return EventPatternMatcher.fromJson(pattern).matchesEvent(event);
  }

  /**
   * Whether the event matches a pattern given as plain JSON, and why (or why not).
   *
   * @param pattern the pattern as JSON
   * @param event the event as EventBridge delivers it
   */
  public static explainJson(pattern: any, event: any): MatchExplanation {
    return EventPatternMatcher.fromJson(pattern).explainEvent(event);
  }

  /**
   * Parses and compiles a pattern once, to evaluate many events with it.
   *
   * @param pattern the pattern as given to a rule
   */
  public static fromEventPattern(pattern: events.EventPattern): EventPatternMatcher {
    return EventPatternMatcher.fromJson(eventPatternToJson(pattern));
  }

  /**
   * Parses and compiles a pattern given as plain JSON once, to evaluate many events with it.
   *
   * @param pattern the pattern as JSON
   */
  public static fromJson(pattern: any): EventPatternMatcher {
    return new EventPatternMatcher(pattern);
  }

  /** The pattern as JSON, as EventBridge receives it. */
  public readonly patternJson: any;

  private readonly rule: CompiledRule;

  private constructor(pattern: any) {
    this.rule = compileRule(parseEventPattern(pattern), 'The event pattern');
    this.patternJson = pattern;
  }

  /**
   * Whether the event matches this pattern.
   *
   * @param event the event as EventBridge delivers it
   */
  public matchesEvent(event: any): boolean {
    return matchesRule(this.rule, flatten(eventObject(event)));
  }

  /**
   * Whether the event matches this pattern, and why (or why not) in words.
   *
   * @param event the event as EventBridge delivers it
   */
  public explainEvent(event: any): MatchExplanation {
    return explainRule(this.rule, flatten(eventObject(event)), 'field');
  }
}

function eventObject(event: unknown): Record<string, unknown> {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new TypeError(`an EventBridge event is a JSON object, got ${JSON.stringify(event) ?? String(event)}`);
  }
  return event as Record<string, unknown>;
}
