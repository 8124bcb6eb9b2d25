import { Annotations, Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { keyPolicyAllows } from './alarm-topic';

/** The EventBridge service principal's name. */
export const EVENTS_SERVICE = 'events.amazonaws.com';
/** The SNS service principal's name. */
export const SNS_SERVICE = 'sns.amazonaws.com';

/** What a customer-managed key encrypts, for the scoping rule of {@link serviceKeyStatement}. */
export type KeyedResource = 'queue' | 'topic';

/**
 * The statement that lets an AWS service use a customer-managed key to send
 * to an encrypted queue or topic, with the library's one scoping rule:
 * - the sender's ARN (`aws:SourceArn`) when the statement can name it: an SNS
 *   topic delivering to a queue (Amazon SNS Developer Guide, "Fanout to
 *   Amazon SQS queues" and "Key management",
 *   https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html);
 * - no condition for EventBridge using a topic's key, the one exception AWS
 *   documents: "Adding the aws:SourceAccount, aws:SourceArn, and
 *   aws:SourceOrgID to a AWS KMS policy is not supported for
 *   EventBridge-to-encrypted topics" (same page, "Compatibility with AWS services");
 * - otherwise the account (`aws:SourceAccount`): naming an EventBridge rule in
 *   the key policy of a queue it sends to would be a dependency cycle (key,
 *   queue, rule, key), and the publishers of a topic (alarms, buckets...) are
 *   not known where the topic is made.
 */
export function serviceKeyStatement(service: string, keyed: KeyedResource, actions: string[], sourceArn?: string, sid?: string): iam.PolicyStatement {
  let conditions: Record<string, unknown> | undefined;
  if (sourceArn !== undefined) {
    conditions = { ArnEquals: { 'aws:SourceArn': sourceArn } };
  } else if (!(service === EVENTS_SERVICE && keyed === 'topic')) {
    conditions = { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } };
  }
  return new iam.PolicyStatement({ sid, principals: [new iam.ServicePrincipal(service)], actions, resources: ['*'], conditions });
}

/** What to say when a key's policy cannot be changed by this app. */
export interface KeyWarning {
  /** The warning's id, after `cdk-message-patterns:`. */
  readonly id: string;
  readonly message: string;
}

/**
 * Adds `statement` to the policy of `key`; a key this app cannot change
 * (imported) gets `warning` on `scope`, which must say what the key's owner
 * must add. With `unlessAllowed`, a key whose policy already lets the
 * statement's service perform its actions gets no second statement.
 */
export function allowServiceToUseKey(
  scope: Construct,
  key: kms.IKey,
  statement: iam.PolicyStatement,
  warning: KeyWarning,
  unlessAllowed = false,
): void {
  if (unlessAllowed && keyAlreadyAllows(key, statement)) {
    return;
  }
  if (!key.addToResourcePolicy(statement).statementAdded) {
    Annotations.of(scope).addWarningV2(`cdk-message-patterns:${warning.id}`, warning.message);
  }
}

function keyAlreadyAllows(key: kms.IKey, statement: iam.PolicyStatement): boolean {
  const cfnKey = key.node.defaultChild;
  if (!(cfnKey instanceof kms.CfnKey)) {
    return false;
  }
  const services = statement.principals.flatMap((p) => (p instanceof iam.ServicePrincipal ? [p.service] : []));
  return services.every((service) => keyPolicyAllows(Stack.of(cfnKey).resolve(cfnKey.keyPolicy), service, statement.actions));
}
