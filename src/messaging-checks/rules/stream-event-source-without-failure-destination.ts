import { MappingSetting, missingSetting } from '../mapping-settings';
import { describeStreamSource } from '../relations';
import { defineRule, eachEventSource, RuleLevel } from '../rule';

/** An on-failure destination: `DestinationConfig.OnFailure.Destination` of the mapping. */
const ON_FAILURE_DESTINATION: MappingSetting = {
  property: 'DestinationConfig',
  name: 'DestinationConfig.OnFailure.Destination',
  // A DestinationConfig only known at deployment (a token) may hold a destination: not judged.
  mayHold: (config: any) => typeof config !== 'object' || config === null || config.OnFailure?.Destination !== undefined,
};

/**
 * A Kinesis or DynamoDB stream event source mapping without an on-failure
 * destination: the records Lambda gives up on (after the retry limit or the
 * maximum record age, or when they expire from the stream) are discarded
 * without a trace. A mapping whose source cannot be told is noted by
 * StreamEventSourceRetriesForever, not here.
 */
export const streamEventSourceWithoutFailureDestination = defineRule('StreamEventSourceWithoutFailureDestination', RuleLevel.ERROR, eachEventSource('stream'), {
  info: 'The stream event source mapping has no on-failure destination: the records it gives up on are lost.',
  explanation:
    'When a batch still fails after the retry limit (MaximumRetryAttempts), or its records are older than MaximumRecordAgeInSeconds or expire from ' +
    'the stream, Lambda discards the records and moves on to the next batch of the shard. Only an on-failure destination (an SQS queue, SNS topic ' +
    'or S3 bucket in DestinationConfig.OnFailure) keeps a record of the discarded batch, from which it can be found and replayed.',
  fix:
    'Add an on-failure destination to the mapping (aws-cdk-lib: onFailure: new SqsDlq(queue), SnsDlq(topic) or S3OnFailureDestination(bucket) ' +
    'on KinesisEventSource, DynamoEventSource or EventSourceMapping), and alarm on it.',
  sources: [
    'https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-eventsourcemapping-onfailure.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html',
  ],
  check: (edge) => missingSetting(edge, ON_FAILURE_DESTINATION, `the records of ${describeStreamSource(edge)}`),
});
