import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { findingsOfRule, queueWithDlq, testFunction } from '../helpers';

const RULE = 'SqsEventSourceWithoutPartialBatchResponse';

// "By default, if Lambda encounters an error at any point while processing a batch, all messages in that batch return to the queue"
// (Lambda Developer Guide, "Creating and configuring an Amazon SQS event source mapping").
test('an SQS event source without reportBatchItemFailures is a warning', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const queue = queueWithDlq(stack, 'Orders', { visibilityTimeout: Duration.seconds(60) });
    testFunction(stack).addEventSource(new sources.SqsEventSource(queue));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'warning', path: expect.stringMatching(/^Test\/Fn\/SqsEventSource:TestOrders.*\/Resource$/) })]);
});

// Same page: "You can configure your event source mapping to use partial batch responses to return only the failed messages".
test('the same event source with reportBatchItemFailures is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const queue = queueWithDlq(stack, 'Orders', { visibilityTimeout: Duration.seconds(60) });
    testFunction(stack).addEventSource(new sources.SqsEventSource(queue, { reportBatchItemFailures: true }));
  });
  expect(findings).toEqual([]);
});

// The mapping alone says whether it reports batch item failures: a queue outside the app, named by a literal ARN, is judged too.
test('a mapping on a queue outside the app is judged from its ARN', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const imported = sqs.Queue.fromQueueArn(stack, 'Shared', 'arn:aws:sqs:us-east-1:222222222222:shared-orders');
    testFunction(stack).addEventSource(new sources.SqsEventSource(imported));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'warning' })]);
});

// Partial batch responses are an SQS (and stream) setting; a Kinesis mapping is other rules' business.
test('a Kinesis mapping is not flagged by this rule', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const fn = testFunction(stack);
    new lambda.EventSourceMapping(stack, 'Mapping', {
      target: fn,
      eventSourceArn: 'arn:aws:kinesis:us-east-1:222222222222:stream/orders',
      startingPosition: lambda.StartingPosition.LATEST,
    });
  });
  expect(findings).toEqual([]);
});
