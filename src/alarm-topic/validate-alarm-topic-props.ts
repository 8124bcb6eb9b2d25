import { Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { AlarmTopicProps } from './alarm-topic';
import { AWS_MANAGED_SNS_KEY } from '../core/alarm-topic';
import { PropsValidator } from '../core/validation';

/**
 * Limits AWS sets on a standard topic's attributes (Amazon SNS API Reference,
 * CreateTopic: a name is 1 to 256 letters, digits, hyphens and underscores,
 * only FIFO topic names end in `.fifo`; CloudFormation reference,
 * AWS::SNS::Topic DisplayName: at most 100 characters).
 */
export const TOPIC_NAME_LIMITS = {
  maxNameLength: 256,
  maxDisplayNameLength: 100,
} as const;

/**
 * Checks every rule on the props of an AlarmTopic and throws one error that
 * lists every violation. Values that are tokens are not judged.
 */
export function validateAlarmTopicProps(scope: Construct, props: AlarmTopicProps): void {
  const v = new PropsValidator(scope);
  validateTopicName(v, props.topicName);
  validateDisplayName(v, props.displayName);
  validateEmailAddresses(v, props.emailAddresses ?? []);
  validateEncryptionKey(v, props.encryptionKey);
  v.throwIfInvalid();
}

function validateTopicName(v: PropsValidator, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) {
    return;
  }
  if (name.endsWith('.fifo')) {
    v.fail(
      true,
      `topicName '${name}' ends in '.fifo', which only FIFO topic names do: AlarmTopic makes a standard topic, ` +
        `whose name is 1 to ${TOPIC_NAME_LIMITS.maxNameLength} letters, digits, '-' and '_'`,
    );
    return;
  }
  v.fail(
    !/^[A-Za-z0-9_-]+$/.test(name) || name.length > TOPIC_NAME_LIMITS.maxNameLength,
    `topicName must be 1 to ${TOPIC_NAME_LIMITS.maxNameLength} characters of letters, digits, '-' and '_', got '${name}'`,
  );
}

function validateDisplayName(v: PropsValidator, displayName: string | undefined): void {
  if (displayName === undefined || Token.isUnresolved(displayName)) {
    return;
  }
  v.fail(
    displayName.length > TOPIC_NAME_LIMITS.maxDisplayNameLength,
    `displayName must be at most ${TOPIC_NAME_LIMITS.maxDisplayNameLength} characters, got ${displayName.length}: '${displayName}'`,
  );
}

/**
 * Whether `address` looks like an e-mail address: exactly one '@', something
 * before it, and a domain with a dot that has something on both sides.
 * Anything stricter could refuse an address SNS accepts.
 */
export function looksLikeEmailAddress(address: string): boolean {
  const parts = address.split('@');
  if (parts.length !== 2 || parts[0].length === 0) {
    return false;
  }
  const domain = parts[1];
  const dot = domain.indexOf('.');
  return dot > 0 && domain.lastIndexOf('.') < domain.length - 1;
}

function validateEmailAddresses(v: PropsValidator, addresses: readonly string[]): void {
  const first = new Map<string, number>();
  addresses.forEach((address, i) => {
    if (Token.isUnresolved(address)) {
      return;
    }
    v.fail(
      !looksLikeEmailAddress(address),
      `emailAddresses[${i}] must be an e-mail address (one '@' and a domain with a dot, such as 'oncall@example.com'), got '${address}'`,
    );
    const earlier = first.get(address);
    v.fail(
      earlier !== undefined,
      `emailAddresses[${i}] is '${address}' again (emailAddresses[${earlier}] already subscribes it): give each address once`,
    );
    if (earlier === undefined) {
      first.set(address, i);
    }
  });
}

/**
 * The AWS-managed key `alias/aws/sns` (given as an alias, or as a key ARN
 * that names it) cannot be used by CloudWatch, and its policy cannot be
 * changed: every notification would be dropped.
 */
function validateEncryptionKey(v: PropsValidator, key: kms.IKey | undefined): void {
  if (key === undefined) {
    return;
  }
  const aliasName = (key as Partial<kms.IAlias>).aliasName;
  const named = [aliasName, key.keyArn].filter((n): n is string => typeof n === 'string' && !Token.isUnresolved(n));
  v.fail(
    named.some((n) => n === AWS_MANAGED_SNS_KEY || n.endsWith(`:${AWS_MANAGED_SNS_KEY}`)),
    `encryptionKey is the AWS-managed key ${AWS_MANAGED_SNS_KEY}, got '${named[0]}': CloudWatch cannot use that key, so every notification would be dropped. ` +
      'Leave encryptionKey unset (a customer-managed key is created) or give a customer-managed key',
  );
}
