import { EventSourceEdge, eventSourceKind, eventSources, likelyEventSourceKind, numberProperty } from '../relations';
import { GraphResource, ResourceGraph } from '../resource-graph';
import { MessagingRule, RuleFinding, RuleLevel } from '../rule';

/**
 * "-1 means infinite": the default of both MaximumRetryAttempts and
 * MaximumRecordAgeInSeconds for Kinesis and DynamoDB Streams mappings (Lambda
 * Developer Guide, "Lambda parameters for Amazon Kinesis Data Streams event
 * source mappings" and "... for Amazon DynamoDB event source mappings").
 */
const INFINITE = -1;

/**
 * A Kinesis stream keeps records 24 hours when RetentionPeriodHours is not
 * set (CloudFormation AWS::Kinesis::Stream, RetentionPeriodHours); DynamoDB
 * Streams keep them 24 hours ("The data retention limit for DynamoDB Streams
 * is 24 hours", services-ddb-params).
 */
const DEFAULT_STREAM_RETENTION_HOURS = 24;

/** Whether a mapping retries a failing batch until its records expire: neither a retry limit nor a maximum record age (absent or -1). */
export function retriesForever(mapping: GraphResource): boolean {
  const retries = numberProperty(mapping.properties.MaximumRetryAttempts, INFINITE);
  const age = numberProperty(mapping.properties.MaximumRecordAgeInSeconds, INFINITE);
  // A value only known at deployment (undefined) may be a limit: not judged.
  return retries === INFINITE && age === INFINITE;
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
export const streamEventSourceRetriesForever: MessagingRule = {
  id: 'StreamEventSourceRetriesForever',
  level: RuleLevel.ERROR,
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
  resourceTypes: ['AWS::Lambda::EventSourceMapping'],
  check(mapping, graph): RuleFinding[] {
    const edge = eventSources(graph).find((e) => e.mapping === mapping);
    if (!edge) {
      return [];
    }
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
    const fn = edge.function.resource ? `the function ${edge.function.resource.logicalId}` : 'its function';
    return [{
      message:
        `It invokes ${fn} with ${describeStreamSource(edge)} and has neither MaximumRetryAttempts nor MaximumRecordAgeInSeconds (both -1, infinite): ` +
        `a failing batch blocks its shard until its records expire after ${retention(edge, graph)}.`,
      location: 'Properties.MaximumRetryAttempts',
    }];
  },
};

/** The stream a mapping reads, for messages: `the stream Orders`, `the stream of the table Orders`. */
export function describeStreamSource(edge: EventSourceEdge): string {
  const r = edge.source.resource;
  if (!r) {
    return `the stream ${edge.source.external}`;
  }
  if (r.type === 'AWS::Kinesis::StreamConsumer') {
    return `the stream consumer ${r.logicalId}`;
  }
  return r.type.startsWith('AWS::DynamoDB::') ? `the stream of the table ${r.logicalId}` : `the stream ${r.logicalId}`;
}

function retention(edge: EventSourceEdge, graph: ResourceGraph): string {
  let r = edge.source.resource;
  if (r?.type === 'AWS::Kinesis::StreamConsumer') {
    r = graph.follow(r, r.properties.StreamARN, 'AWS::Kinesis::Stream').resource;
  }
  if (r?.type === 'AWS::Kinesis::Stream') {
    const hours = numberProperty(r.properties.RetentionPeriodHours, DEFAULT_STREAM_RETENTION_HOURS);
    return hours === undefined ? 'the stream\'s retention period' : `the stream's retention period, ${hours} hours`;
  }
  if (r?.type.startsWith('AWS::DynamoDB::')) {
    return `${DEFAULT_STREAM_RETENTION_HOURS} hours (DynamoDB Streams' retention)`;
  }
  return 'the stream\'s retention period';
}
