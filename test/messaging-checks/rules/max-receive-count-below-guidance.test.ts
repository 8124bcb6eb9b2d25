import { Duration } from 'aws-cdk-lib';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { findingsOfRule, queueWithDlq, testFunction } from '../helpers';

const RULE = 'MaxReceiveCountBelowGuidance';

/** The queue Orders, whose redrive policy moves a message to its dead-letter queue after maxReceiveCount receives. */
const queue = (scope: Construct, maxReceiveCount: number) => queueWithDlq(scope, 'Orders', { visibilityTimeout: Duration.seconds(60), maxReceiveCount });

// "Set the maxReceiveCount on the source queue's redrive policy to at least 5" (Lambda Developer Guide, "Understanding SQS retries").
test('a queue consumed by Lambda with maxReceiveCount 2 is a warning', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    testFunction(stack).addEventSource(new sources.SqsEventSource(queue(stack, 2), { reportBatchItemFailures: true }));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'warning', path: 'Test/Orders/Resource' })]);
  expect(findings[0].description).toContain('maxReceiveCount 2');
});

test('the same queue with maxReceiveCount 5 is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    testFunction(stack).addEventSource(new sources.SqsEventSource(queue(stack, 5), { reportBatchItemFailures: true }));
  });
  expect(findings).toEqual([]);
});

// The guidance is about Lambda's throttled receives: a queue no Lambda event source reads is not judged.
test('a queue with maxReceiveCount 1 that no function consumes is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    queue(stack, 1);
  });
  expect(findings).toEqual([]);
});
