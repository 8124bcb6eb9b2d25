import { PatternError } from '../../src/routing/model';
import { FilterPolicyScope, parseFilterPolicy, ParsedFilterPolicy } from '../../src/routing/sns';

export const ATTRIBUTES = FilterPolicyScope.MESSAGE_ATTRIBUTES;
export const BODY = FilterPolicyScope.MESSAGE_BODY;

export function parseAttributes(policy: unknown): ParsedFilterPolicy {
  return parseFilterPolicy(policy, ATTRIBUTES);
}

export function parseBody(policy: unknown): ParsedFilterPolicy {
  return parseFilterPolicy(policy, BODY);
}

/** Runs `action` and returns the PatternError it throws; fails on success or on any other error. */
export function errorOf(action: () => unknown): PatternError {
  try {
    action();
  } catch (error) {
    if (error instanceof PatternError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a PatternError, but the policy was accepted');
}

/** `count` distinct string values. */
export function values(count: number, prefix = 'v'): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}${index}`);
}

/** The conditions of the single key of a one-key attribute policy. */
export function conditionsOf(value: unknown, scope = ATTRIBUTES) {
  const parsed = parseFilterPolicy({ key: value }, scope);
  const entry = parsed.root.entries[0];
  if (entry.kind !== 'key') {
    throw new Error(`expected a key node, got ${entry.kind}`);
  }
  return entry.conditions;
}
