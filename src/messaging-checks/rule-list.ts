import { MessagingRule } from './rule';
import { alarmDimensionNeverPublished } from './rules/alarm-dimension-never-published';
import { alarmTopicUnusableByCloudWatch } from './rules/alarm-topic-unusable-by-cloudwatch';
import { asyncLambdaWithoutFailureDestination } from './rules/async-lambda-without-failure-destination';
import { dlqRetentionShorterThanSource } from './rules/dlq-retention-shorter-than-source';
import { dlqTypeMismatch } from './rules/dlq-type-mismatch';
import { fifoTargetWithoutContentDeduplication } from './rules/fifo-target-without-content-deduplication';
import { fifoTargetWithoutMessageGroup } from './rules/fifo-target-without-message-group';
import { maxReceiveCountBelowGuidance } from './rules/max-receive-count-below-guidance';
import { pipeSqsSourceFiltersDeleteMessages, pipeStreamSourceWithoutDlq } from './rules/pipe-rules';
import { queueConsumedWithoutDlq } from './rules/queue-consumed-without-dlq';
import { queueKeyUnusableByService } from './rules/queue-key-unusable-by-service';
import { queuePolicyRefusesSender } from './rules/queue-policy-refuses-sender';
import { rawDeliveryUnsupported } from './rules/raw-delivery-unsupported';
import { reservedConcurrencyThrottlesConsumer } from './rules/reserved-concurrency-throttles-consumer';
import { ruleTargetWithoutDlq } from './rules/rule-target-without-dlq';
import { sqsEventSourceFiltersDeleteMessages } from './rules/sqs-event-source-filters-delete-messages';
import { sqsEventSourceRejectedBatching } from './rules/sqs-event-source-rejected-batching';
import { sqsEventSourceWithoutPartialBatchResponse } from './rules/sqs-event-source-without-partial-batch-response';
import { streamEventSourceRetriesForever } from './rules/stream-event-source-retries-forever';
import { streamEventSourceWithoutFailureDestination } from './rules/stream-event-source-without-failure-destination';
import { subscriptionTypeMismatch } from './rules/subscription-type-mismatch';
import { subscriptionWithoutDlq } from './rules/subscription-without-dlq';
import { visibilityTimeoutBelowFunctionTimeout } from './rules/visibility-timeout-below-function-timeout';
import { visibilityTimeoutBelowGuidance } from './rules/visibility-timeout-below-guidance';

/** Every rule of MessagingChecks, in the order the docs list them. */
export const MESSAGING_RULES: readonly MessagingRule[] = [
  // Queues and their dead-letter queues
  queueConsumedWithoutDlq,
  dlqRetentionShorterThanSource,
  dlqTypeMismatch,
  queuePolicyRefusesSender,
  queueKeyUnusableByService,
  // Lambda consuming SQS
  visibilityTimeoutBelowFunctionTimeout,
  visibilityTimeoutBelowGuidance,
  maxReceiveCountBelowGuidance,
  sqsEventSourceWithoutPartialBatchResponse,
  sqsEventSourceRejectedBatching,
  sqsEventSourceFiltersDeleteMessages,
  reservedConcurrencyThrottlesConsumer,
  // SNS subscriptions
  subscriptionWithoutDlq,
  subscriptionTypeMismatch,
  rawDeliveryUnsupported,
  // EventBridge rule targets
  ruleTargetWithoutDlq,
  fifoTargetWithoutMessageGroup,
  fifoTargetWithoutContentDeduplication,
  // Asynchronous Lambda invocations
  asyncLambdaWithoutFailureDestination,
  // Kinesis and DynamoDB stream event sources
  streamEventSourceRetriesForever,
  streamEventSourceWithoutFailureDestination,
  // EventBridge pipes
  pipeStreamSourceWithoutDlq,
  pipeSqsSourceFiltersDeleteMessages,
  // Alarms
  alarmDimensionNeverPublished,
  alarmTopicUnusableByCloudWatch,
];
