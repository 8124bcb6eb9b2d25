import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Compliance-pack rules that this library acknowledges, each with the reason
 * written once. An acknowledgement is recorded on the construct it concerns
 * (never on a whole stack) so that every other finding still surfaces.
 */
export const ACKNOWLEDGEMENTS = {
  /** A dead-letter queue has no dead-letter queue of its own. */
  deadLetterQueueHasNoDlq: {
    ids: ['Serverless-SQSRedrivePolicy'],
    reason:
      'This queue is itself the dead-letter queue of its source; a dead-letter queue for it would only move the same messages again. It is alarmed on its depth instead.',
  },
  /** An SQS event source mapping: SQS sources take no on-failure destination. */
  sqsEventSourceMapping: {
    ids: ['Serverless-LambdaEventSourceMappingDestination'],
    reason:
      'Lambda does not support on-failure destinations for SQS event sources; a message that keeps failing is moved to the queue\'s dead-letter queue by its redrive policy instead.',
  },
  /** The dead-letter queue of SNS subscriptions (their redrive policy), not of another queue. */
  snsSubscriptionDeadLetterQueue: {
    ids: ['AwsSolutions-SQS3'],
    reason:
      'This queue is the dead-letter queue of SNS subscriptions (named in their RedrivePolicy), which the rule does not look at: it only counts SQS redrive policies and Lambda dead-letter configs. It is alarmed on its depth.',
  },
  /** The dead-letter queue of EventBridge rule targets (their DeadLetterConfig), not of another queue. */
  eventBridgeTargetDeadLetterQueue: {
    ids: ['AwsSolutions-SQS3'],
    reason:
      'This queue is the dead-letter queue of EventBridge rule targets (named in their DeadLetterConfig), which the rule does not look at: it only counts SQS redrive policies and Lambda dead-letter configs. It is alarmed on its depth.',
  },
  /** The dead-letter queue of an event bus (its DeadLetterConfig), not of rule targets nor of another queue. */
  eventBusDeadLetterQueue: {
    ids: ['AwsSolutions-SQS3'],
    reason:
      'This queue is the dead-letter queue of an EventBridge event bus (named in its DeadLetterConfig), which the rule does not look at: ' +
      'it only counts SQS redrive policies and Lambda dead-letter configs. It is alarmed on its depth.',
  },
  /** The dead-letter queue of an EventBridge pipe (its DeadLetterConfig), not of another queue. */
  pipeDeadLetterQueue: {
    ids: ['AwsSolutions-SQS3'],
    reason:
      'This queue is the dead-letter queue of an EventBridge pipe with a stream source (named in its DeadLetterConfig), which the rule does not look at: ' +
      'it only counts SQS redrive policies and Lambda dead-letter configs. It is alarmed on its depth.',
  },
  /** An alarm created without an action because the user gave none. */
  alarmWithoutAction: {
    ids: ['HIPAA.Security-CloudWatchAlarmAction', 'NIST.800.53.R5-CloudWatchAlarmAction'],
    reason:
      'No alarmAction was given, so the alarm has no action; its state is still visible in CloudWatch and it can be wired later through the exposed alarm or the alarmAction prop.',
  },
  /** The on-failure destination of a Kinesis event source mapping. */
  failureDestinationHasNoDlq: {
    ids: ['Serverless-SQSRedrivePolicy', 'AwsSolutions-SQS3'],
    reason:
      'This queue is itself the on-failure destination of a Kinesis event source mapping (and of records the projector cannot parse); nothing consumes it automatically, so a dead-letter queue for it would never receive anything. It is alarmed on its depth instead.',
  },
  /** The on-failure destination of a function's asynchronous invocations. */
  asyncFailureQueue: {
    ids: ['Serverless-SQSRedrivePolicy', 'AwsSolutions-SQS3'],
    reason:
      'This queue is itself the on-failure destination of a Lambda function\'s asynchronous invocations: it keeps the events Lambda gave up on for someone to inspect and replay, and nothing consumes it automatically, so a dead-letter queue for it would never receive anything. It is alarmed on its depth instead.',
  },
  /** The library's Kinesis projector, invoked only by its event source mapping. */
  streamProjectorFunction: {
    ids: [
      'Serverless-LambdaDLQ',
      'HIPAA.Security-LambdaDLQ',
      'NIST.800.53.R5-LambdaDLQ',
      'HIPAA.Security-LambdaConcurrency',
      'NIST.800.53.R5-LambdaConcurrency',
      'HIPAA.Security-LambdaInsideVPC',
      'NIST.800.53.R5-LambdaInsideVPC',
      'PCI.DSS.321-LambdaInsideVPC',
    ],
    reason:
      'The projector is invoked synchronously by its Kinesis event source mapping only: a dead-letter queue or failure destination for asynchronous invocations would never be used; failed batches go to the mapping\'s on-failure queue. ' +
      'Its concurrency is already bounded by the mapping (shards × parallelization factor); reserving it would take capacity from the account and fail deployment in accounts with a low concurrency quota. ' +
      'It calls AWS APIs only (DynamoDB, SQS, CloudWatch Logs, X-Ray) and holds no network resource of its own, so a VPC would add NAT or endpoint costs without isolating anything.',
  },
  /** The log group of the library's projector. */
  projectorLogGroup: {
    ids: ['HIPAA.Security-CloudWatchLogGroupEncrypted', 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', 'PCI.DSS.321-CloudWatchLogGroupEncrypted'],
    reason:
      'The projector logs counts, sequence numbers and error names only, never event data (unparseable records go to the encrypted failure queue); CloudWatch Logs encrypts them at rest with service keys, and a customer-managed key would add cost and a key policy without protecting any sensitive data.',
  },
  /** A read-model table created by the library. */
  readModelTableBackup: {
    ids: ['HIPAA.Security-DynamoDBInBackupPlan', 'NIST.800.53.R5-DynamoDBInBackupPlan'],
    reason:
      'The table has point-in-time recovery (continuous backups for 35 days) and is retained when it leaves the stack; AWS Backup plans are usually managed centrally with tag-based selections, and the exposed table can be added to one.',
  },
  /** X-Ray permissions of a traced function. */
  xrayWritePermissions: {
    ids: ['AwsSolutions-IAM5[Resource::*]'],
    reason:
      'Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html); the policy\'s other statements name their resources.',
  },
  /** KMS permissions granted by aws-cdk-lib for sending to a queue encrypted with a customer-managed key. */
  kmsQueueSendPermissions: {
    ids: ['AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]'],
    reason:
      'The wildcards are in action names only (the kms:GenerateDataKey* and kms:ReEncrypt* families), granted by aws-cdk-lib\'s SQS send grant for a queue encrypted with the customer-managed key that was given; the statement names that one key as its resource.',
  },
  /**
   * KMS permissions of a service role (a route's events role, a pipe's role)
   * that writes to a Kinesis stream encrypted with a customer-managed key
   * (aws-cdk-lib's `grantEncrypt`).
   */
  kmsStreamWritePermissions: {
    ids: ['AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]'],
    reason:
      'The wildcards are in action names only (the kms:GenerateDataKey* and kms:ReEncrypt* families), granted by aws-cdk-lib\'s Kinesis write grant ' +
      'for a stream encrypted with a customer-managed key (a producer needs kms:GenerateDataKey on it); the statement names that one key as its resource.',
  },
  /** KMS permissions of a service role that publishes to an SNS topic encrypted with a customer-managed key (aws-cdk-lib's `grantPublish`). */
  kmsTopicPublishPermissions: {
    ids: ['AwsSolutions-IAM5[Action::kms:GenerateDataKey*]'],
    reason:
      'The wildcard is in an action name only (the kms:GenerateDataKey* family), granted by aws-cdk-lib\'s SNS publish grant for a topic ' +
      'encrypted with a customer-managed key (a publisher needs kms:GenerateDataKey and kms:Decrypt on it); the statement names that one key as its resource.',
  },
  /** A Kinesis stream encrypted with the customer-managed key the user gave. */
  streamCustomerManagedKey: {
    ids: ['AwsSolutions-KDS3'],
    reason: 'A customer-managed key was given explicitly (streamEncryptionKey); without one the stream uses the AWS-managed key alias/aws/kinesis.',
  },
  /** A visibility timeout chosen below AWS guidance: QueueWithDlq reports it itself. */
  visibilityTimeoutBelowGuidance: {
    ids: ['MessagingChecks-VisibilityTimeoutBelowGuidance'],
    reason:
      'visibilityTimeout was set explicitly below 6 times the consumer\'s timeout; QueueWithDlq reports that choice as its own warning ' +
      '(cdk-message-patterns:visibilityTimeoutBelowGuidance) on the construct the user configured, so it is reported once.',
  },
  /** A maxReceiveCount chosen below AWS guidance for a Lambda consumer: QueueWithDlq reports it itself. */
  maxReceiveCountBelowGuidance: {
    ids: ['MessagingChecks-MaxReceiveCountBelowGuidance'],
    reason:
      'maxReceiveCount was set explicitly below 5 with a Lambda consumer; QueueWithDlq reports that choice as its own warning ' +
      '(cdk-message-patterns:maxReceiveCountBelowGuidance) on the construct the user configured, so it is reported once.',
  },
  /** Partial batch responses turned off by the user: QueueWithDlq reports it itself. */
  partialBatchResponsesOff: {
    ids: ['MessagingChecks-SqsEventSourceWithoutPartialBatchResponse'],
    reason:
      'consumerOptions.reportBatchItemFailures was set to false explicitly; QueueWithDlq reports that choice as its own warning ' +
      '(cdk-message-patterns:partialBatchResponsesOff) on the construct the user configured, so it is reported once.',
  },
  /** A QueueWithDlq consumer with event filters, which the construct reports as its own warning. */
  consumerFiltersDeleteMessages: {
    ids: ['MessagingChecks-SqsEventSourceFiltersDeleteMessages'],
    reason:
      'consumerOptions.filters was set explicitly; QueueWithDlq reports that messages matching no filter are deleted as its own warning ' +
      '(cdk-message-patterns:consumerFiltersDeleteMessages) on the construct the user configured, so it is reported once.',
  },
  /** An EventPipe filtering an SQS source, which the construct reports as its own warning. */
  pipeFiltersDeleteMessages: {
    ids: ['MessagingChecks-PipeSqsSourceFiltersDeleteMessages'],
    reason:
      'filters was set explicitly on an EventPipe reading an SQS queue; EventPipe reports that messages matching no filter are deleted as its own warning ' +
      '(cdk-message-patterns:pipeFilterDeletesMessages) on the construct the user configured, so it is reported once.',
  },
  /** The policy of the role SNS assumes to write a FanoutTopic's delivery status logs. */
  snsDeliveryStatusLogGroups: {
    ids: ['AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:sns/<AWS::Region>/<AWS::AccountId>/*]'],
    reason:
      'SNS creates the delivery status log groups itself, named sns/<region>/<account-id>/<topic-name>, and the log streams in them ' +
      '(https://docs.aws.amazon.com/sns/latest/dg/topics-attrib-prereq.html): the wildcard covers those log groups and streams of this ' +
      'account and region only, where AWS documents arn:aws:logs:*:*:*, and only SNS can assume the role.',
  },
  /**
   * The projector's permission to write failed batches to a Kinesis
   * projection's failure bucket. The finding is named after the bucket: the
   * projection acknowledges `AwsSolutions-IAM5[Resource::<its ARN>/*]`.
   */
  failureBucketObjects: {
    ids: ['AwsSolutions-IAM5'],
    reason:
      'Lambda writes each batch the event source mapping gives up on to the failure bucket as a new object whose name it chooses, with the ' +
      'function\'s role (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html): the wildcard covers the objects of ' +
      'the one bucket given as failureBucket, for s3:PutObject only (no read, no delete).',
  },
} as const;

/** Acknowledges the rules of one entry of {@link ACKNOWLEDGEMENTS} on `scope`. */
export function acknowledge(scope: IConstruct, entry: { readonly ids: readonly string[]; readonly reason: string }): void {
  Validations.of(scope).acknowledge(...entry.ids.map((id) => ({ id, reason: entry.reason })));
}
