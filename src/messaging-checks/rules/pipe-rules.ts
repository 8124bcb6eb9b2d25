import { STREAM_INFINITE } from '../aws-facts';
import { numberProperty } from '../relations';
import { GraphResource, isObject, ResourceGraph } from '../resource-graph';
import { defineRule, eachResource, RuleFinding, RuleLevel } from '../rule';

/** The stream parameters of a pipe that reads a Kinesis or DynamoDB stream. */
function streamParameters(pipe: GraphResource): Record<string, any> | undefined {
  const source = pipe.properties.SourceParameters;
  if (!isObject(source)) {
    return undefined;
  }
  const stream = source.KinesisStreamParameters ?? source.DynamoDBStreamParameters;
  return isObject(stream) ? stream : undefined;
}

/** Whether the pipe reads an SQS queue: SQS parameters, or a source that is a queue of the app or an SQS ARN. */
function readsQueue(pipe: GraphResource, graph: ResourceGraph): boolean {
  const source = pipe.properties.SourceParameters;
  if (isObject(source) && isObject(source.SqsQueueParameters)) {
    return true;
  }
  const target = graph.follow(pipe, pipe.properties.Source);
  if (target.resource) {
    return target.resource.type === 'AWS::SQS::Queue';
  }
  return typeof pipe.properties.Source === 'string' && /^arn:[^:]+:sqs:/.test(pipe.properties.Source);
}

/**
 * A pipe from a Kinesis or DynamoDB stream without a dead-letter queue: a
 * record its enrichment or target keeps failing on is retried (forever by
 * default) and then dropped.
 */
export const pipeStreamSourceWithoutDlq = defineRule('PipeStreamSourceWithoutDlq', RuleLevel.ERROR, eachResource('AWS::Pipes::Pipe'), {
  info: 'The pipe reads a stream and has no dead-letter queue: the records it gives up on are lost.',
  explanation:
    'For Kinesis and DynamoDB stream sources, EventBridge Pipes retries a failing batch up to MaximumRetryAttempts or until its records are older ' +
    'than MaximumRecordAgeInSeconds, both -1 (infinite) by default, so a failing record holds its shard until it expires from the stream. The ' +
    'records the pipe gives up on go to the DeadLetterConfig queue or topic, which only stream sources take; without one they are dropped.',
  fix:
    'Give the pipe a DeadLetterConfig (an SQS queue or SNS topic its role may send to), with MaximumRetryAttempts and a MaximumRecordAgeInSeconds ' +
    'shorter than the stream\'s retention (EventPipe does all of this).',
  sources: [
    'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-error-troubleshooting.html',
    'https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_PipeSourceKinesisStreamParameters.html',
  ],
  check(pipe): RuleFinding[] {
    const stream = streamParameters(pipe);
    if (!stream || isObject(stream.DeadLetterConfig)) {
      return [];
    }
    const retries = numberProperty(stream.MaximumRetryAttempts, STREAM_INFINITE);
    const age = numberProperty(stream.MaximumRecordAgeInSeconds, STREAM_INFINITE);
    const forever = retries === STREAM_INFINITE && age === STREAM_INFINITE;
    return [{
      message: 'It reads a stream without a DeadLetterConfig: the records it gives up on are dropped' +
        (forever ? ', and with neither MaximumRetryAttempts nor MaximumRecordAgeInSeconds a failing record holds its shard until it expires.' : '.'),
      location: 'Properties.SourceParameters',
    }];
  },
});

/**
 * A pipe from an SQS queue with filters: the messages that match none are
 * deleted from the queue.
 */
export const pipeSqsSourceFiltersDeleteMessages = defineRule('PipeSqsSourceFiltersDeleteMessages', RuleLevel.WARNING, eachResource('AWS::Pipes::Pipe'), {
  info: 'The pipe filters an SQS queue: EventBridge deletes from the queue every message that matches none of its filters.',
  explanation:
    '"If an Amazon SQS message doesn\'t satisfy your filter criteria, EventBridge automatically removes the message from the queue": it reaches ' +
    'neither the target nor the dead-letter queue. A filter on fields of body also drops every message whose body is not JSON. Filtering suits a ' +
    'queue that only this pipe reads and whose other messages are meant to be discarded; otherwise route messages before they reach the queue.',
  fix:
    'Route messages upstream (an SNS filter policy, an EventBridge rule) and remove the pipe\'s filters, or keep them deliberately and acknowledge ' +
    'this warning on the pipe (EventPipe evaluates its filters offline with matches and explain).',
  sources: ['https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-filtering.html'],
  check(pipe, graph): RuleFinding[] {
    const source = pipe.properties.SourceParameters;
    const filters = isObject(source) && isObject(source.FilterCriteria) ? source.FilterCriteria.Filters : undefined;
    if (!Array.isArray(filters) || filters.length === 0 || !readsQueue(pipe, graph)) {
      return [];
    }
    return [{
      message: `It filters the messages of its source queue with ${filters.length} filter${filters.length === 1 ? '' : 's'}: the messages that match none are deleted.`,
      location: 'Properties.SourceParameters.FilterCriteria',
    }];
  },
});
