import { Annotations, Aws, Resource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { EVENTS_SERVICE } from '../core/service-keys';

/** The service principal that delivers vended logs (event bus logs among them). */
export const LOG_DELIVERY_SERVICE = 'delivery.logs.amazonaws.com';

/** What the customer-managed key of a route's bus is used for. */
export interface BusKeyUse {
  /**
   * The bus's ARN, formatted from its name: the key policy cannot refer to
   * the bus, which refers to the key (a dependency cycle).
   */
  readonly busArn: string;
  /** Whether the bus's archive is encrypted with the key too. */
  readonly archive: boolean;
  /** Whether the bus logs (a `logConfig` level other than OFF). */
  readonly logging: boolean;
}

/**
 * Completes the key policy of the customer-managed key of the bus a route
 * creates. What EventBridge needs, and who writes it:
 *
 * - The bus (EventBridge User Guide, "Encrypting EventBridge event buses with
 *   AWS KMS keys", AWS KMS key policy for event bus,
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-cmkey.html,
 *   and "Authorizing EventBridge to use a customer managed key",
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-key-policy.html):
 *   kms:GenerateDataKey and kms:Decrypt under the encryption context
 *   `kms:EncryptionContext:aws:events:event-bus:arn` = the bus's ARN, and
 *   kms:DescribeKey "to retrieve the KMS key ARN for the Key Id provided, and
 *   to verify that the key is symmetric". aws-cdk-lib's `EventBus` writes one
 *   statement with the three actions, conditioned on `aws:SourceAccount`,
 *   `aws:SourceArn` = the bus and that encryption context. DescribeKey takes
 *   no encryption context ("Grant constraints are not applied to operations
 *   that do not support an encryption context, such as ... DescribeKey", AWS
 *   KMS API Reference, GrantConstraints), so that statement never allows it:
 *   the route adds DescribeKey on its own, scoped by `aws:SourceAccount` and
 *   `aws:SourceArn` = the bus.
 * - The archive ("Encrypting EventBridge archives with AWS KMS keys",
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-archives.html):
 *   kms:GenerateDataKey, kms:Decrypt and kms:ReEncrypt* under the same
 *   encryption context, and kms:DescribeKey. aws-cdk-lib's `Archive` writes
 *   both, the second with no condition, as the guide's example: with an
 *   archive, the route's DescribeKey statement would repeat a narrower form
 *   of it, and is left out.
 * - Logging ("Encrypting event bus logs with AWS KMS in EventBridge",
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-bus-logs.html):
 *   events.amazonaws.com encrypts the `detail` and `error` of each record
 *   (kms:GenerateDataKey) and delivery.logs.amazonaws.com decrypts them
 *   (kms:Decrypt, kms:GenerateDataKey), both under the encryption context
 *   `kms:EncryptionContext:SourceArn` like `arn:partition:logs:region:account:*`,
 *   the one condition the guide gives. aws-cdk-lib writes neither: the route
 *   does, when the bus logs.
 *
 * A key this app cannot change (imported) gets a warning that lists all of
 * it: aws-cdk-lib's statements are not written either.
 */
export function allowEventsToUseBusKey(scope: Construct, key: kms.IKey, use: BusKeyUse): void {
  if (!Resource.isOwnedResource(key)) {
    Annotations.of(scope).addWarningV2(
      'cdk-message-patterns:eventBusKeyPolicy',
      `eventBusProps.kmsKey (${key.node.path}) is not a key of this app, so its key policy cannot be changed here: let events.amazonaws.com ` +
        'use it (kms:DescribeKey; kms:GenerateDataKey and kms:Decrypt with kms:EncryptionContext:aws:events:event-bus:arn and aws:SourceArn = the bus\'s ARN' +
        (use.archive ? '; for the archive, kms:ReEncrypt* with the same encryption context' : '') +
        (use.logging
          ? '; for logging, kms:GenerateDataKey for events.amazonaws.com, and kms:Decrypt and kms:GenerateDataKey for delivery.logs.amazonaws.com, ' +
            'with kms:EncryptionContext:SourceArn like arn:partition:logs:region:account:*'
          : '') +
        '), or EventBridge cannot create the bus or encrypt its events.',
    );
    return;
  }
  if (!use.archive) {
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeToDescribeTheKeyOfTheBus',
        principals: [new iam.ServicePrincipal(EVENTS_SERVICE)],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': use.busArn } },
      }),
    );
  }
  if (use.logging) {
    const logsOfThisAccount = { StringLike: { 'kms:EncryptionContext:SourceArn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:*` } };
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeToEncryptTheLogsOfTheBus',
        principals: [new iam.ServicePrincipal(EVENTS_SERVICE)],
        actions: ['kms:GenerateDataKey'],
        resources: ['*'],
        conditions: logsOfThisAccount,
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowLogDeliveryToDecryptTheLogsOfTheBus',
        principals: [new iam.ServicePrincipal(LOG_DELIVERY_SERVICE)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: logsOfThisAccount,
      }),
    );
  }
}
