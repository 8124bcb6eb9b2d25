import * as sns from 'aws-cdk-lib/aws-sns';
import { PropsValidator } from '../core/validation';
import { PatternError as FilterPolicyError } from '../routing/model/errors';
import { FilterPolicyScope, parseFilterPolicy, ParsedFilterPolicy } from '../routing/sns';

/** The two ways a subscription's filter policy can be given. */
export interface FilterPolicyProps {
  readonly filterPolicy?: { [attribute: string]: sns.SubscriptionFilter };
  readonly filterPolicyWithMessageBody?: { [attribute: string]: sns.FilterOrPolicy };
}

/**
 * The JSON of an attribute-scope policy, exactly as `sns.Subscription` renders
 * it. A value that is not a `SubscriptionFilter` is kept as is, so that the
 * validation rejects it under its key instead of crashing.
 */
export function renderAttributePolicy(policy: { [attribute: string]: sns.SubscriptionFilter }): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, filter] of Object.entries(policy)) {
    result[key] = isSubscriptionFilter(filter) ? filter.conditions : filter;
  }
  return result;
}

/** The JSON of a message-body policy, exactly as `sns.Subscription` renders it. */
export function renderMessageBodyPolicy(policy: { [attribute: string]: sns.FilterOrPolicy }): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(policy)) {
    if (isFilterOrPolicy(value) && value.isPolicy()) {
      result[key] = renderMessageBodyPolicy(value.policyDoc);
    } else if (isFilterOrPolicy(value) && value.isFilter()) {
      result[key] = value.filterDoc.conditions;
    } else {
      result[key] = value;
    }
  }
  return result;
}

/**
 * Checks the filter policy of `props` with the library's one filter-policy
 * parser, recording every problem on `v` (the message keeps the key path and
 * the value). Returns the parsed policy when there is a valid one.
 *
 * @param prefix put before the prop names in messages, e.g. `subscribers.billing.`
 */
export function validateFilterPolicy(v: PropsValidator, props: FilterPolicyProps, prefix = ''): ParsedFilterPolicy | undefined {
  const attributeProp = `${prefix}filterPolicy`;
  const bodyProp = `${prefix}filterPolicyWithMessageBody`;
  if (props.filterPolicy !== undefined && props.filterPolicyWithMessageBody !== undefined) {
    v.fail(
      true,
      `${attributeProp} and ${bodyProp} cannot both be set: a subscription has one filter policy, matched either on the message attributes or on the message body`,
    );
    return undefined;
  }
  if (props.filterPolicy !== undefined) {
    return parseOrRecord(v, () => renderAttributePolicy(props.filterPolicy!), FilterPolicyScope.MESSAGE_ATTRIBUTES, attributeProp);
  }
  if (props.filterPolicyWithMessageBody !== undefined) {
    return parseOrRecord(v, () => renderMessageBodyPolicy(props.filterPolicyWithMessageBody!), FilterPolicyScope.MESSAGE_BODY, bodyProp);
  }
  return undefined;
}

function parseOrRecord(
  v: PropsValidator,
  render: () => Record<string, unknown>,
  scope: FilterPolicyScope,
  propName: string,
): ParsedFilterPolicy | undefined {
  try {
    return parseFilterPolicy(render(), scope, { propName });
  } catch (error) {
    if (error instanceof FilterPolicyError) {
      v.fail(true, error.message);
      return undefined;
    }
    throw error;
  }
}

function isSubscriptionFilter(value: unknown): value is sns.SubscriptionFilter {
  return typeof value === 'object' && value !== null && Array.isArray((value as { conditions?: unknown }).conditions);
}

function isFilterOrPolicy(value: unknown): value is sns.FilterOrPolicy {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { isPolicy?: unknown }).isPolicy === 'function' &&
    typeof (value as { isFilter?: unknown }).isFilter === 'function'
  );
}
