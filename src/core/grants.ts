import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ManagedPolicyRole } from './managed-policy-role';
import { ACKNOWLEDGEMENTS, acknowledge } from './nag';

/**
 * Grants that the library's service roles (a route's events role, a pipe's
 * role) get on resources the user brings, in one place: what aws-cdk-lib's
 * grant writes, and the compliance acknowledgement its action wildcards need,
 * recorded on the role's managed policy.
 */

/**
 * `stream.grantWrite`: kinesis:ListShards, PutRecord and PutRecords on the
 * stream, and for a stream encrypted with a customer-managed key,
 * `grantEncrypt` on the key: kms:GenerateDataKey*, which a producer needs
 * ("Permissions to use user-generated KMS keys", Amazon Kinesis Data Streams
 * Developer Guide, https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html).
 */
export function grantStreamWrite(stream: kinesis.IStream, role: iam.IRole): void {
  stream.grantWrite(role);
  if (stream.encryptionKey) {
    acknowledge(role instanceof ManagedPolicyRole ? role.policy : role, ACKNOWLEDGEMENTS.kmsStreamWritePermissions);
  }
}

/**
 * `topic.grantPublish`: sns:Publish on the topic, and for a topic encrypted
 * with a customer-managed key, kms:Decrypt and kms:GenerateDataKey* on the key,
 * which a publisher needs ("Configuring AWS KMS permissions", Amazon SNS
 * Developer Guide, https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
 */
export function grantTopicPublish(topic: sns.ITopic, role: iam.IRole): void {
  topic.grantPublish(role);
  if (topic.masterKey) {
    acknowledge(role instanceof ManagedPolicyRole ? role.policy : role, ACKNOWLEDGEMENTS.kmsTopicPublishPermissions);
  }
}

/**
 * lambda:InvokeFunction on the function's ARN as given (a version or alias
 * ARN when `fn` is one), without the `<arn>:*` that `grantInvoke` adds for
 * every qualifier: the service invokes the ARN it was given, nothing else.
 */
export function grantInvokeFunction(fn: lambda.IFunction, role: iam.IRole): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));
}
