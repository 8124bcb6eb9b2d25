import { STREAM_DEFAULT_RETENTION_HOURS, STREAM_INFINITE } from '../aws-facts';
import { describeInvokedFunction, describeStreamSource, EventSourceEdge, eventSourceKind, likelyEventSourceKind, numberProperty } from '../relations';
import { GraphResource, ResourceGraph } from '../resource-graph';
import { defineRule, eachEventSource, RuleFinding, RuleLevel } from '../rule';

/** Whether a mapping retries a failing batch until its records expire: neither a retry limit nor a maximum record age (absent or -1). */
export function retriesForever(mapping: GraphResource): boolean {
  const retries = numberProperty(mapping.properties.MaximumRetryAttempts, STREAM_INFINITE);
  const age = numberProperty(mapping.properties.MaximumRecordAgeInSeconds, STREAM_INFINITE);
  // A value only known at deployment (undefined) may be a limit: not judged.
  return retries === STREAM_INFINITE && age === STREAM_INFINITE;
}

/**
 * A Kinesis or DynamoDB stream event source mapping with neither a retry limit
 * nor a maximum record age: a batch the function keeps failing on is retried
 * until its records expire from the stream, and the shard makes no progress
 * meanwhile.
 *
 * This rule is also the one that notes a mapping whose source cannot be told at
 * synth but whose properties look like a stream's (StreamEventSourceWithoutFailureDestination
 * stays silent on those).
 */
export const streamEventSourceRetriesForever = defineRule('StreamEventSourceRetriesForever', RuleLevel.ERROR, eachEventSource(), {
  info: 'The stream event source mapping retries a failing batch until its records expire.',
  explanation:
    'For Kinesis and DynamoDB Streams, MaximumRetryAttempts and MaximumRecordAgeInSeconds default to -1, infinite: failed records are retried ' +
    'until they expire from the stream. Repeated errors block processing of the affected shard until then (up to a day with DynamoDB Streams, ' +
    'up to the stream\'s retention period with Kinesis), so every later record of the shard waits, and the failing records are then lost.',
  fix:
    'Set a retry limit or a maximum record age on the mapping (aws-cdk-lib: retryAttempts and maxRecordAge on KinesisEventSource, DynamoEventSource or ' +
    'EventSourceMapping), with bisectBatchOnError, and an on-failure destination (onFailure) to keep the records that are skipped.',
  sources: [
    'https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-parameters.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html',
  ],
  check(edge, graph): RuleFinding[] {
    const mapping = edge.mapping;
    const kind = eventSourceKind(edge);
    const noDestination = mapping.properties.DestinationConfig?.OnFailure?.Destination === undefined;
    if (kind === undefined && likelyEventSourceKind(mapping) === 'stream' && (retriesForever(mapping) || noDestination)) {
      return [{
        level: RuleLevel.INFO,
        message:
          `Could not tell what the mapping reads (${edge.source.external}): if it is a Kinesis or DynamoDB stream, ` +
          `${retriesForever(mapping) ? 'it retries a failing batch until its records expire' : 'it has a retry limit or a maximum record age'} and ` +
          `${noDestination ? 'has no on-failure destination' : 'has an on-failure destination'}.`,
        location: 'Properties.EventSourceArn',
      }];
    }
    if (kind !== 'stream' || !retriesForever(mapping)) {
      return [];
    }
    return [{
      message:
        `It invokes ${describeInvokedFunction(edge)} with ${describeStreamSource(edge)} and has neither MaximumRetryAttempts nor MaximumRecordAgeInSeconds (both -1, infinite): ` +
        `a failing batch blocks its shard until its records expire after ${retention(edge, graph)}.`,
      location: 'Properties.MaximumRetryAttempts',
    }];
  },
});

function retention(edge: EventSourceEdge, graph: ResourceGraph): string {
  let r = edge.source.resource;
  if (r?.type === 'AWS::Kinesis::StreamConsumer') {
    r = graph.follow(r, r.properties.StreamARN, 'AWS::Kinesis::Stream').resource;
  }
  if (r?.type === 'AWS::Kinesis::Stream') {
    const hours = numberProperty(r.properties.RetentionPeriodHours, STREAM_DEFAULT_RETENTION_HOURS);
    return hours === undefined ? 'the stream\'s retention period' : `the stream's retention period, ${hours} hours`;
  }
  if (r?.type.startsWith('AWS::DynamoDB::')) {
    return `${STREAM_DEFAULT_RETENTION_HOURS} hours (DynamoDB Streams' retention)`;
  }
  return 'the stream\'s retention period';
}
