import * as sns from 'aws-cdk-lib/aws-sns';
import { renderAttributePolicy, renderMessageBodyPolicy } from './filter-policy';

/**
 * Filters for the SNS operators that `sns.SubscriptionFilter`'s own factories
 * (`stringFilter`, `numericFilter`, `existsFilter`, `notExistsFilter`) do not
 * offer: equals-ignore-case, anything-but with a prefix or numbers, exact
 * numbers, cidr, several operators on one key, and `$or`. There is no
 * anything-but with a suffix: SNS refuses it ("Unsupported anything-but
 * pattern: suffix"), unlike EventBridge.
 *
 * Each factory returns an ordinary `sns.SubscriptionFilter` (or
 * `sns.FilterOrPolicy` for message-body policies), so the results mix freely
 * with aws-cdk-lib's factories in `filterPolicy` and
 * `filterPolicyWithMessageBody`:
 *
 * ```ts
 * filterPolicy: {
 *   country: SubscriptionFilters.equalsIgnoreCase('fr', 'de'),
 *   sourceIp: SubscriptionFilters.cidr('10.0.0.0/24'),
 *   amount: sns.SubscriptionFilter.numericFilter({ greaterThan: 1000 }),
 * }
 * ```
 *
 * Every policy is validated at synth, whichever way it was built.
 */
export class SubscriptionFilters {
  /**
   * The key under which an `$or` goes in a policy: `{ [SubscriptionFilters.OR_KEY]: SubscriptionFilters.orPolicies([...]) }`.
   */
  public static readonly OR_KEY = '$or';

  /** Matches a string equal to one of `values`, ignoring case. */
  public static equalsIgnoreCase(...values: string[]): sns.SubscriptionFilter {
    return new sns.SubscriptionFilter(values.map((value) => ({ 'equals-ignore-case': value })));
  }

  /** Matches a number equal to one of `values` (SNS compares numbers, so 5 matches 5.0). */
  public static numbers(...values: number[]): sns.SubscriptionFilter {
    return new sns.SubscriptionFilter([...values]);
  }

  /** Matches a present number that is none of `values`. */
  public static anythingButNumbers(...values: number[]): sns.SubscriptionFilter {
    return new sns.SubscriptionFilter([{ 'anything-but': [...values] }]);
  }

  /** Matches a present string that is none of `values`. */
  public static anythingBut(...values: string[]): sns.SubscriptionFilter {
    return new sns.SubscriptionFilter([{ 'anything-but': [...values] }]);
  }

  /** Matches a present string that does not start with `prefix` (which must not be empty). */
  public static anythingButPrefix(prefix: string): sns.SubscriptionFilter {
    return new sns.SubscriptionFilter([{ 'anything-but': { prefix } }]);
  }

  /** Matches an IP address inside one of `cidrs` (IPv4 or IPv6, e.g. `10.0.0.0/24`). */
  public static cidr(...cidrs: string[]): sns.SubscriptionFilter {
    return new sns.SubscriptionFilter(cidrs.map((cidr) => ({ cidr })));
  }

  /**
   * Matches when any of `filters` matches: their conditions are joined into
   * one list for the key, e.g. a prefix or an exact value.
   */
  public static anyOf(...filters: sns.SubscriptionFilter[]): sns.SubscriptionFilter {
    return new sns.SubscriptionFilter(filters.flatMap((filter) => filter.conditions));
  }

  /**
   * An `$or` of attribute policies: put it under the key
   * {@link SubscriptionFilters.OR_KEY} of a `filterPolicy`. The message matches
   * when it matches any of `policies`. SNS needs at least two.
   */
  public static orPolicies(policies: { [attribute: string]: sns.SubscriptionFilter }[]): sns.SubscriptionFilter {
    return new sns.SubscriptionFilter(policies.map(renderAttributePolicy));
  }

  /**
   * An `$or` of message-body policies: put it under the key
   * {@link SubscriptionFilters.OR_KEY} of a `filterPolicyWithMessageBody` (at
   * any level). The message matches when it matches any of `policies`.
   */
  public static orPoliciesWithMessageBody(policies: { [attribute: string]: sns.FilterOrPolicy }[]): sns.FilterOrPolicy {
    return sns.FilterOrPolicy.filter(new sns.SubscriptionFilter(policies.map(renderMessageBodyPolicy)));
  }

  private constructor() {}
}
