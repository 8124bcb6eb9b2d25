/**
 * The AWS defaults, limits and recommendations that the rules of
 * MessagingChecks rely on, each with where AWS states it: one table to review
 * when AWS changes a number.
 */

/**
 * A queue's visibility timeout when `VisibilityTimeout` is not set: 30 s
 * (SQS Developer Guide, "Amazon SQS visibility timeout": "The default
 * visibility timeout for a message is 30 seconds").
 */
export const SQS_DEFAULT_VISIBILITY_TIMEOUT = 30;

/**
 * SQS keeps a message 345,600 s (4 days) when `MessageRetentionPeriod` is not
 * set: "Default: 345,600 (4 days)" (SQS API reference, SetQueueAttributes /
 * CreateQueue, MessageRetentionPeriod).
 */
export const SQS_DEFAULT_RETENTION = 345_600;

/** A function's timeout when `Timeout` is not set: 3 s (Lambda Developer Guide, "Configure Lambda function timeout"; CloudFormation AWS::Lambda::Function Timeout). */
export const LAMBDA_DEFAULT_TIMEOUT = 3;

/** BatchSize when not set: 10 for SQS (Lambda Developer Guide, "Lambda parameters for Amazon SQS event source mappings"). */
export const SQS_DEFAULT_BATCH_SIZE = 10;
/** "For standard queues, the maximum is 10,000. For FIFO queues, the maximum is 10." (same page) */
export const SQS_MAX_FIFO_BATCH_SIZE = 10;
export const SQS_MAX_STANDARD_BATCH_SIZE = 10_000;

/**
 * Lambda's SQS poller starts with five concurrent batches ("When messages are
 * available, Lambda starts processing five batches at a time with five
 * concurrent invocations of your function", Lambda Developer Guide,
 * "Configuring scaling behavior for SQS event source mappings").
 */
export const SQS_POLLER_START_CONCURRENCY = 5;

/** "Set the maxReceiveCount on the source queue's redrive policy to at least 5" (Lambda Developer Guide, "Understanding SQS retries"). */
export const RECOMMENDED_MAX_RECEIVE_COUNT = 5;

/** "at least six times the configuration timeout on your function" (Lambda Developer Guide, services-sqs-configure). */
export const RECOMMENDED_TIMEOUTS_PER_VISIBILITY = 6;

/**
 * "-1 means infinite": the default of both MaximumRetryAttempts and
 * MaximumRecordAgeInSeconds for Kinesis and DynamoDB Streams mappings (Lambda
 * Developer Guide, "Lambda parameters for Amazon Kinesis Data Streams event
 * source mappings" and "... for Amazon DynamoDB event source mappings").
 */
export const STREAM_INFINITE = -1;

/**
 * A Kinesis stream keeps records 24 hours when RetentionPeriodHours is not
 * set (CloudFormation AWS::Kinesis::Stream, RetentionPeriodHours); DynamoDB
 * Streams keep them 24 hours ("The data retention limit for DynamoDB Streams
 * is 24 hours", services-ddb-params).
 */
export const STREAM_DEFAULT_RETENTION_HOURS = 24;

/** The AWS-managed key of SQS, whose key policy cannot be changed ("you cannot modify the key policy of an AWS managed KMS key for Amazon SQS"). */
export const AWS_MANAGED_SQS_KEY = 'alias/aws/sqs';

/**
 * The key actions a service needs on the key of an encrypted queue or topic
 * it sends to: kms:GenerateDataKey (kms:GenerateDataKey* in AWS's examples)
 * and kms:Decrypt (SQS and SNS Developer Guides, "Key management",
 * "Enable compatibility between event sources from AWS services and encrypted queues / topics").
 */
export const SENDER_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'];
