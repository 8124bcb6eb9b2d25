import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import { findingsOfRule, queueWithDlq, testFunction } from '../helpers';

const RULE = 'SqsEventSourceFiltersDeleteMessages';
const orderFilter = lambda.FilterCriteria.filter({ body: { type: lambda.FilterRule.isEqual('order') } });

// "If an Amazon SQS message doesn't satisfy your filter criteria, Lambda automatically removes the message from the queue"
// (Lambda Developer Guide, https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html).
test('an SQS event source with filters is a warning on the mapping', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const queue = queueWithDlq(stack, 'Orders', { visibilityTimeout: Duration.seconds(60) });
    testFunction(stack).addEventSource(new sources.SqsEventSource(queue, { reportBatchItemFailures: true, filters: [orderFilter] }));
  });
  expect(findings).toEqual([
    expect.objectContaining({
      severity: 'warning',
      path: expect.stringMatching(/^Test\/Fn\/SqsEventSource:TestOrders.*\/Resource$/),
      description: expect.stringContaining('with 1 filter: the messages that match none are deleted from the queue'),
    }),
  ]);
});

test('an SQS event source without filters is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const queue = queueWithDlq(stack, 'Orders', { visibilityTimeout: Duration.seconds(60) });
    testFunction(stack).addEventSource(new sources.SqsEventSource(queue, { reportBatchItemFailures: true }));
  });
  expect(findings).toEqual([]);
});

// On a stream, filtered-out records stay in the stream until they expire ("Properly filtering Kinesis and DynamoDB messages",
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html): nothing is deleted, so this rule is about SQS only.
test('a Kinesis mapping with filters is not flagged by this rule', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    new lambda.EventSourceMapping(stack, 'Mapping', {
      target: testFunction(stack),
      eventSourceArn: 'arn:aws:kinesis:us-east-1:222222222222:stream/orders',
      startingPosition: lambda.StartingPosition.LATEST,
      filters: [lambda.FilterCriteria.filter({ data: { type: lambda.FilterRule.isEqual('order') } })],
    });
  });
  expect(findings).toEqual([]);
});
