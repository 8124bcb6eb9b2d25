import * as sns from 'aws-cdk-lib/aws-sns';
import { FilterPolicyScope } from './filter-policy';
import { attributesToJson, bodyToJson } from './messages';
import { parseFilterPolicy } from './parse-policy';
import { explainRule } from '../machine/explain';
import { flatten } from '../machine/flatten';
import { matchesRule } from '../machine/match';
import { MatchExplanation } from '../model/match-explanation';
import { compileRule, CompiledRule } from '../model/rule';

/**
 * What an SNS filter policy is matched against.
 */
export enum SnsFilterPolicyScope {
  /** The message attributes (the SNS default). */
  MESSAGE_ATTRIBUTES = 'MessageAttributes',
  /** The message body, which must be a JSON object. */
  MESSAGE_BODY = 'MessageBody',
}

/**
 * A message attribute as given to SNS `Publish` (`DataType` and `StringValue`).
 */
export interface SnsMessageAttribute {
  /**
   * `String`, `Number`, `String.Array` or `Binary`, optionally with a custom
   * suffix (`Number.float`). Binary attributes are ignored by filter policies.
   */
  readonly dataType: string;
  /**
   * The value as text: the string, the number (`"210.75"`), or for
   * `String.Array` a JSON array (`'["rugby", "tennis"]'`).
   *
   * @default - no value (Binary attributes)
   */
  readonly stringValue?: string;
}

/**
 * Builds message attributes, typed as SNS types them.
 */
export class SnsMessageAttributes {
  /** A `String` attribute. */
  public static ofString(value: string): SnsMessageAttribute {
    return { dataType: 'String', stringValue: value };
  }

  /** A `Number` attribute. */
  public static ofNumber(value: number): SnsMessageAttribute {
    return { dataType: 'Number', stringValue: String(value) };
  }

  /** A `String.Array` attribute; its elements may be strings, numbers, booleans or null. */
  public static ofStringArray(values: any[]): SnsMessageAttribute {
    return { dataType: 'String.Array', stringValue: JSON.stringify(values) };
  }

  /** A `Binary` attribute (filter policies ignore it). */
  public static ofBinary(): SnsMessageAttribute {
    return { dataType: 'Binary' };
  }

  private constructor() {}
}

/**
 * A message published to an SNS topic, as far as filter policies see it.
 */
export interface SnsMessage {
  /**
   * The message attributes, by name (matched by attribute-scope policies).
   *
   * @default - no attributes
   */
  readonly attributes?: { [name: string]: SnsMessageAttribute };
  /**
   * The message body (matched by body-scope policies): a JSON object, or its
   * JSON text. A body that is not a JSON object matches no body-scope policy.
   *
   * @default - no body
   */
  readonly body?: any;
}

/**
 * The filter policy of a subscription, in the forms aws-cdk-lib's `sns.Subscription` takes.
 * At most one of the two is set; with neither, the subscription receives every message.
 */
export interface SnsSubscriptionFilterPolicy {
  /**
   * A policy on the message attributes.
   *
   * @default - no attribute policy
   */
  readonly filterPolicy?: { [attribute: string]: sns.SubscriptionFilter };
  /**
   * A policy on the message body (keys may be nested with `sns.FilterOrPolicy.policy`).
   *
   * @default - no body policy
   */
  readonly filterPolicyWithMessageBody?: { [attribute: string]: sns.FilterOrPolicy };
}

/**
 * Evaluates Amazon SNS subscription filter policies offline, in a unit test.
 *
 * Supports every operator SNS documents: exact strings, numbers, booleans and
 * null, `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (values,
 * prefix), `numeric` (`=`, `<`, `<=`, `>`, `>=`, ranges), `exists`, `cidr`,
 * `$or`, and nested keys at body scope. Attribute types count as SNS counts
 * them: numeric operators match only `Number` attributes, string operators
 * only `String` values, and a `String.Array` attribute matches when any
 * element matches. `exists: true` needs a value that is neither null nor
 * empty, and a message without any attribute matches no attribute-scope
 * policy, not even `exists: false`, as the SNS documentation says.
 *
 * @example
 * const policy = { filterPolicy: { country: sns.SubscriptionFilter.stringFilter({ allowlist: ['US', 'CA'] }) } };
 * SnsFilterPolicyMatcher.matches(policy, { attributes: { country: SnsMessageAttributes.ofString('US') } }); // true
 * SnsFilterPolicyMatcher.explain(policy, { attributes: { country: SnsMessageAttributes.ofString('FR') } }).reasons;
 * // [ 'country: "FR" is none of "US", "CA"' ]
 */
export class SnsFilterPolicyMatcher {
  /**
   * Whether a subscription with this filter policy receives the message.
   *
   * @param policy the subscription's filter policy (neither set: every message is received)
   * @param message the published message
   */
  public static matches(policy: SnsSubscriptionFilterPolicy, message: SnsMessage): boolean {
    return SnsFilterPolicyMatcher.fromSubscriptionFilterPolicy(policy).matchesMessage(message);
  }

  /**
   * Whether a subscription with this filter policy receives the message, and why (or why not) in words.
   *
   * @param policy the subscription's filter policy
   * @param message the published message
   */
  public static explain(policy: SnsSubscriptionFilterPolicy, message: SnsMessage): MatchExplanation {
    return SnsFilterPolicyMatcher.fromSubscriptionFilterPolicy(policy).explainMessage(message);
  }

  /**
   * Whether a filter policy given as plain JSON accepts the message.
   *
   * @param policy the policy as JSON, as in `AWS::SNS::Subscription.FilterPolicy`
   * @param scope what the policy is matched against
   * @param message the published message
   */
  public static matchesJson(policy: any, scope: SnsFilterPolicyScope, message: SnsMessage): boolean {
    return SnsFilterPolicyMatcher.fromJson(policy, scope).matchesMessage(message);
  }

  /**
   * Whether a filter policy given as plain JSON accepts the message, and why (or why not).
   *
   * @param policy the policy as JSON
   * @param scope what the policy is matched against
   * @param message the published message
   */
  public static explainJson(policy: any, scope: SnsFilterPolicyScope, message: SnsMessage): MatchExplanation {
    return SnsFilterPolicyMatcher.fromJson(policy, scope).explainMessage(message);
  }

  /**
   * Parses and compiles a subscription's filter policy once, to evaluate many messages with it.
   *
   * @param policy the subscription's filter policy (neither set: every message is received)
   */
  public static fromSubscriptionFilterPolicy(policy: SnsSubscriptionFilterPolicy): SnsFilterPolicyMatcher {
    if (policy.filterPolicy !== undefined && policy.filterPolicyWithMessageBody !== undefined) {
      throw new Error('filterPolicy and filterPolicyWithMessageBody cannot both be set: a subscription has one filter policy');
    }
    if (policy.filterPolicy !== undefined) {
      return new SnsFilterPolicyMatcher(renderAttributePolicy(policy.filterPolicy), SnsFilterPolicyScope.MESSAGE_ATTRIBUTES, 'filterPolicy');
    }
    if (policy.filterPolicyWithMessageBody !== undefined) {
      return new SnsFilterPolicyMatcher(renderBodyPolicy(policy.filterPolicyWithMessageBody), SnsFilterPolicyScope.MESSAGE_BODY, 'filterPolicyWithMessageBody');
    }
    return new SnsFilterPolicyMatcher(undefined, undefined, 'filterPolicy');
  }

  /**
   * Parses and compiles a filter policy given as plain JSON once, to evaluate many messages with it.
   *
   * @param policy the policy as JSON
   * @param scope what the policy is matched against
   */
  public static fromJson(policy: any, scope: SnsFilterPolicyScope): SnsFilterPolicyMatcher {
    return new SnsFilterPolicyMatcher(policy, scope, 'filterPolicy');
  }

  /**
   * The policy as JSON, as SNS receives it.
   *
   * @default - no policy: every message is received
   */
  public readonly policyJson?: any;

  /**
   * What the policy is matched against.
   *
   * @default - no policy
   */
  public readonly scope?: SnsFilterPolicyScope;

  private readonly rule?: CompiledRule;

  private constructor(policy: unknown, scope: SnsFilterPolicyScope | undefined, propName: string) {
    this.policyJson = policy;
    this.scope = scope;
    if (scope !== undefined) {
      const internalScope = scope === SnsFilterPolicyScope.MESSAGE_BODY ? FilterPolicyScope.MESSAGE_BODY : FilterPolicyScope.MESSAGE_ATTRIBUTES;
      this.rule = compileRule(parseFilterPolicy(policy, internalScope, { propName }), 'The filter policy');
    }
  }

  /**
   * Whether this policy accepts the message.
   *
   * @param message the published message
   */
  public matchesMessage(message: SnsMessage): boolean {
    if (this.rule === undefined) {
      return true;
    }
    if (this.withoutAttributes(message)) {
      return this.matchesWithoutConditions();
    }
    const json = this.messageJson(message);
    return json !== undefined && matchesRule(this.rule, flatten(json));
  }

  /**
   * Whether this policy accepts the message, and why (or why not) in words.
   *
   * @param message the published message
   */
  public explainMessage(message: SnsMessage): MatchExplanation {
    if (this.rule === undefined) {
      return { matched: true, reasons: ['no filter policy: the subscription receives every message'] };
    }
    const json = this.messageJson(message);
    if (json === undefined) {
      return { matched: false, reasons: ['message body: not a JSON object, so no body-scope filter policy can match it'] };
    }
    const explanation = explainRule(this.rule, flatten(json), this.scope === SnsFilterPolicyScope.MESSAGE_BODY ? 'property' : 'attribute');
    if (explanation.matched && this.withoutAttributes(message) && !this.matchesWithoutConditions()) {
      return {
        matched: false,
        reasons: ['message attributes: none, and SNS matches no attribute-scope filter policy against a message without attributes (not even "exists": false)'],
      };
    }
    return explanation;
  }

  /**
   * Whether the policy is matched against the attributes of a message that has none. SNS
   * documents that such a message matches no policy: '"exists": false only matches if at
   * least one attribute is present' (Developer Guide, Key matching). An attribute of any
   * type, Binary included, makes the set non-empty.
   */
  private withoutAttributes(message: SnsMessage): boolean {
    return this.scope === SnsFilterPolicyScope.MESSAGE_ATTRIBUTES
      && Object.values(message.attributes ?? {}).every((attribute) => attribute === undefined);
  }

  /** Whether the policy has an alternative without any condition (the empty policy `{}`), which any message matches. */
  private matchesWithoutConditions(): boolean {
    return this.rule !== undefined && this.rule.alternatives.some((alternative) => alternative.leaves.length === 0);
  }

  private messageJson(message: SnsMessage): Record<string, unknown> | undefined {
    return this.scope === SnsFilterPolicyScope.MESSAGE_BODY
      ? bodyToJson(message.body)
      : attributesToJson(message.attributes as Record<string, unknown> | undefined);
  }
}

/** The JSON aws-cdk-lib's `sns.Subscription` renders for `filterPolicy`. */
function renderAttributePolicy(policy: { [attribute: string]: sns.SubscriptionFilter }): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, filter] of Object.entries(policy)) {
    result[key] = filter instanceof sns.SubscriptionFilter || isConditions(filter) ? (filter as sns.SubscriptionFilter).conditions : filter;
  }
  return result;
}

/** The JSON aws-cdk-lib's `sns.Subscription` renders for `filterPolicyWithMessageBody`. */
function renderBodyPolicy(policy: { [attribute: string]: sns.FilterOrPolicy }): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(policy)) {
    if (isFilterOrPolicy(value) && value.isPolicy()) {
      result[key] = renderBodyPolicy((value as sns.Policy).policyDoc);
    } else if (isFilterOrPolicy(value) && value.isFilter()) {
      result[key] = (value as sns.Filter).filterDoc.conditions;
    } else {
      result[key] = value;
    }
  }
  return result;
}

function isConditions(value: unknown): boolean {
  return value !== null && typeof value === 'object' && Array.isArray((value as { conditions?: unknown }).conditions);
}

function isFilterOrPolicy(value: unknown): value is sns.FilterOrPolicy {
  return value !== null && typeof value === 'object'
    && typeof (value as sns.FilterOrPolicy).isPolicy === 'function' && typeof (value as sns.FilterOrPolicy).isFilter === 'function';
}
