/**
 * The property-based test harness of the constructs (fast-check, seeded in
 * ./fast-check-setup.ts): arbitraries for props, and the two properties every
 * construct is held to.
 *
 * - Random props either synthesize a well-formed template or throw our error
 *   type naming the construct and a prop, never anything else; both outcomes
 *   must occur often enough that neither is tested by accident.
 * - Every sample that synthesizes passes the compliance packs (./nag.ts).
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { nagFindings, testStack } from './nag';

/** Mostly values inside the valid range (`weight` times as often), sometimes outside it. */
export function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>, weight = 12): fc.Arbitrary<T> {
  return fc.oneof({ weight, arbitrary: valid }, { weight: 1, arbitrary: invalid });
}

/** A duration of `min` to `max` seconds. */
export function seconds(min: number, max: number): fc.Arbitrary<Duration> {
  return fc.integer({ min, max }).map((s) => Duration.seconds(s));
}

/** A duration of `min` to `max` hours. */
export function hours(min: number, max: number): fc.Arbitrary<Duration> {
  return fc.integer({ min, max }).map((h) => Duration.hours(h));
}

/** What the construct under test should say when it rejects its props. */
export interface ExpectedError {
  /** The start of the message (the construct path and `: `), or a pattern the message matches. */
  readonly at?: string | RegExp;
  /** Prop names of which the message names one, or a pattern it matches. */
  readonly naming?: readonly string[] | RegExp;
}

/** The error is our error type (MessagePatternsError) and says where and which prop. */
export function expectOurError(error: unknown, expected: ExpectedError = {}): void {
  expect(error).toBeInstanceOf(Error);
  const e = error as Error;
  expect(e.name).toBe('MessagePatternsError');
  if (typeof expected.at === 'string') {
    expect(e.message.startsWith(expected.at)).toBe(true);
  } else if (expected.at) {
    expect(e.message).toMatch(expected.at);
  }
  if (Array.isArray(expected.naming)) {
    expect(expected.naming.some((p) => e.message.includes(p))).toBe(true);
  } else if (expected.naming) {
    expect(e.message).toMatch(expected.naming as RegExp);
  }
}

/** A sample built in a fresh stack: what `create` returned, or the error it threw. */
export interface Built<T> {
  readonly app: App;
  readonly stack: Stack;
  readonly construct?: T;
  readonly error?: unknown;
}

/** Builds in a fresh stack `Test` of a fresh app (with the compliance packs when `nag` is set); catches what `create` throws. */
export function build<T>(create: (stack: Stack) => T, nag = false): Built<T> {
  const { app, stack } = testStack(nag);
  try {
    return { app, stack, construct: create(stack) };
  } catch (error) {
    return { app, stack, error };
  }
}

export interface SynthesizesOrRejectsOptions<S, T> {
  /** Builds the construct under test from a sample. */
  readonly create: (stack: Stack, sample: S) => T;
  /** Checks a rejection (for example with expectOurError). */
  readonly expectError: (error: unknown, sample: S) => void;
  /** Checks a construct that synthesized. */
  readonly expectValid: (synthesized: { construct: T; stack: Stack; template: Template }, sample: S) => void;
  readonly numRuns: number;
  /** Each outcome (synthesized, rejected) must occur more often than this. */
  readonly minEach: number;
}

/** Every sample either synthesizes (checked by `expectValid`) or is rejected (checked by `expectError`); both happen. */
export function assertSynthesizesOrRejects<S, T>(sample: fc.Arbitrary<S>, options: SynthesizesOrRejectsOptions<S, T>): void {
  const outcomes = { valid: 0, invalid: 0 };
  fc.assert(
    fc.property(sample, (s) => {
      const { error, stack, construct } = build((scope) => options.create(scope, s));
      if (error !== undefined) {
        outcomes.invalid++;
        options.expectError(error, s);
        return;
      }
      outcomes.valid++;
      options.expectValid({ construct: construct as T, stack, template: Template.fromStack(stack) }, s);
    }),
    { numRuns: options.numRuns },
  );
  // Both outcomes are exercised, not only one.
  expect(outcomes.valid).toBeGreaterThan(options.minEach);
  expect(outcomes.invalid).toBeGreaterThan(options.minEach);
}

export interface PassesPacksOptions<S> {
  readonly create: (stack: Stack, sample: S) => unknown;
  readonly expectError: (error: unknown, sample: S) => void;
  readonly numRuns: number;
  /** Samples that synthesized and were checked must be more than this. */
  readonly minChecked: number;
}

/** Every sample that synthesizes passes the compliance packs with no finding; the others are rejected with our error. */
export function assertPassesPacks<S>(sample: fc.Arbitrary<S>, options: PassesPacksOptions<S>): void {
  let checked = 0;
  fc.assert(
    fc.property(sample, (s) => {
      const { error, app } = build((scope) => options.create(scope, s), true);
      if (error !== undefined) {
        options.expectError(error, s);
        return;
      }
      checked++;
      expect(nagFindings(app)).toEqual([]);
    }),
    { numRuns: options.numRuns },
  );
  expect(checked).toBeGreaterThan(options.minChecked);
}
