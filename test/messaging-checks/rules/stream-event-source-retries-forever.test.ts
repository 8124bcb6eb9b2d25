import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { check, findingsOfRule, streamProjector, tableWithStream } from '../helpers';

const RULE = 'StreamEventSourceRetriesForever';

/** The function Fn reading the Kinesis stream Orders from its start, failed batches going to the queue Failures. */
function kinesisProjector(scope: Construct, props: Partial<sources.KinesisEventSourceProps> = {}): void {
  const stream = new kinesis.Stream(scope, 'Orders');
  const failures = new sqs.Queue(scope, 'Failures');
  streamProjector(scope).addEventSource(new sources.KinesisEventSource(stream, {
    startingPosition: lambda.StartingPosition.TRIM_HORIZON,
    onFailure: new sources.SqsDlq(failures),
    ...props,
  }));
}

// "MaximumRetryAttempts ... -1 means infinite: failed records are retried until the record expires" and MaximumRecordAgeInSeconds defaults to -1
// (Lambda Developer Guide, "Lambda parameters for Amazon Kinesis Data Streams event source mappings").
test('a Kinesis event source with the default retries and record age is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => kinesisProjector(stack));
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: expect.stringMatching(/^Test\/Fn\/KinesisEventSource:TestOrders.*\/Resource$/) })]);
  expect(findings[0].description).toContain('24 hours');
});

// A retry limit, or a maximum record age, bounds the time a failing batch blocks its shard (same page).
test('the same event source with retryAttempts, or with maxRecordAge, is not flagged', () => {
  for (const limit of [{ retryAttempts: 10 }, { maxRecordAge: Duration.hours(1) }]) {
    const findings = findingsOfRule(RULE, (stack) => kinesisProjector(stack, limit));
    expect(findings).toEqual([]);
  }
});

// "-1 means infinite: failed records are retried until the record expires. The data retention limit for DynamoDB Streams is 24 hours."
// (Lambda Developer Guide, "Lambda parameters for Amazon DynamoDB event source mappings").
test('a DynamoDB stream event source with the defaults is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const table = tableWithStream(stack);
    streamProjector(stack).addEventSource(new sources.DynamoEventSource(table, { startingPosition: lambda.StartingPosition.LATEST }));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error' })]);
});

// The retry settings are the mapping's own: a stream outside the app, named by a literal ARN, is judged too.
test('a mapping on a Kinesis stream outside the app is judged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const stream = kinesis.Stream.fromStreamArn(stack, 'Shared', 'arn:aws:kinesis:us-east-1:222222222222:stream/shared-orders');
    streamProjector(stack).addEventSource(new sources.KinesisEventSource(stream, { startingPosition: lambda.StartingPosition.LATEST }));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error' })]);
});

// A source ARN only known at deployment could be a stream: a note (and nothing from StreamEventSourceWithoutFailureDestination).
test('a mapping whose source cannot be told, with a starting position, is a note', () => {
  const findings = check((stack) => {
    new lambda.EventSourceMapping(stack, 'Mapping', {
      target: streamProjector(stack),
      eventSourceArn: new CfnParameter(stack, 'SourceArn').valueAsString,
      startingPosition: lambda.StartingPosition.LATEST,
    });
  }).filter((f) => f.rule === RULE || f.rule === 'StreamEventSourceWithoutFailureDestination');
  expect(findings).toEqual([expect.objectContaining({ rule: RULE, severity: 'info', path: 'Test/Mapping/Resource' })]);
});

// MaximumRetryAttempts applies to streams only: an SQS mapping is not judged.
test('an SQS event source is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    streamProjector(stack).addEventSource(new sources.SqsEventSource(new sqs.Queue(stack, 'Orders', { visibilityTimeout: Duration.minutes(3) })));
  });
  expect(findings).toEqual([]);
});
