/**
 * Amazon SNS subscription filter policies: the scopes, the limits SNS puts on
 * a policy, and what `parseFilterPolicy` returns.
 *
 * Internal module: not part of the jsii API.
 */
import { RuleAlternative, RuleEntry, RuleObject } from '../model/rule';

/**
 * Where Amazon SNS looks for the properties that a filter policy names.
 */
export enum FilterPolicyScope {
  /** The policy is matched against the message attributes (the SNS default). Nesting is not allowed. */
  MESSAGE_ATTRIBUTES = 'MessageAttributes',
  /** The policy is matched against the JSON message body. Nested objects are allowed. */
  MESSAGE_BODY = 'MessageBody',
}

/**
 * The limits SNS puts on a subscription filter policy.
 */
export const SNS_FILTER_POLICY_LIMITS = {
  /** Keys per policy: every key at attribute scope, only top-level keys at body scope. */
  maxKeys: 5,
  /** Total combinations: values per key multiplied (by nesting level too at body scope), `$or` alternatives added up. */
  maxCombinations: 150,
  /** Size of the policy's JSON text, in bytes (256 KB). */
  maxSizeBytes: 256 * 1024,
  /** Smallest number SNS matches. */
  minNumber: -1e9,
  /** Largest number SNS matches. */
  maxNumber: 1e9,
  /** Digits after the decimal point that SNS keeps when it matches numbers. */
  maxDecimalPlaces: 5,
} as const;

/** The result of {@link parseFilterPolicy}. */
export interface ParsedFilterPolicy {
  readonly scope: FilterPolicyScope;
  /** The policy as a rule tree, nesting and `$or` kept as written. */
  readonly root: RuleObject;
  /** The policy expanded into `$or`-free alternatives (one when there is no `$or`); empty when there are too many to count keys. */
  readonly alternatives: readonly RuleAlternative[];
  /** Keys as SNS counts them, for the alternative with the most keys. */
  readonly keyCount: number;
  /** Total combinations as SNS counts them (a lower bound when tokens are present). */
  readonly combinationCount: number;
  /** Bytes of the policy's JSON text (of its unresolved form when tokens are present). */
  readonly sizeBytes: number;
  /** True when the policy holds unresolved tokens, so the checks that depend on them were skipped. */
  readonly hasUnresolvedTokens: boolean;
}

/**
 * Total combinations, as SNS counts them.
 *
 * - A key contributes the number of values in its array (SNS: "multiply the
 *   number of values in each array"): `{"a": [1, 2, 3], "b": [1], "c": [1, 2]}`
 *   has 3 x 1 x 2 = 6.
 * - At body scope, a nested key's array is also multiplied by its nesting level
 *   (SNS: "multiply the number of nested keys with the values in each array"):
 *   `{"a": {"b": {"c": [4 values]}}, "d": {"e": [3 values]}}` has
 *   (3 x 4) x (2 x 3) = 72.
 * - An `$or` is expanded into its alternatives, each counted as above, and the
 *   counts are added: `{"source": [4 values], "$or": [{"name": [6 values]},
 *   {"type": [4 values], "$or": [{"id": [4 values]}, {"space": [4 values]}]}]}`
 *   has 4x6 + 4x4x4 + 4x4x4 = 152. Because a product distributes over a sum,
 *   this equals the product over an object's entries with each `$or` replaced by
 *   the sum of its branches: 4 x (6 + 4 x (4 + 4)) = 152.
 */
export function countCombinations(node: RuleObject): number {
  return node.entries.reduce((product, entry) => product * entryCombinations(entry), 1);
}

function entryCombinations(entry: RuleEntry): number {
  switch (entry.kind) {
    case 'key':
      return entry.conditions.length * entry.path.length;
    case 'nested':
      return countCombinations(entry.object);
    case 'or':
      return entry.branches.reduce((sum, branch) => sum + countCombinations(branch), 0);
    case 'unresolved':
      return 1;
  }
}
