import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { findingsOfRule } from '../helpers';

const RULE = 'RuleTargetWithoutDlq';

// "If an event isn't delivered after all retry attempts are exhausted, the event is dropped" unless the target has a
// dead-letter queue (EventBridge User Guide, "How EventBridge retries delivering events").
test('a rule target without a dead-letter queue is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const rule = new events.Rule(stack, 'OrderPlaced', { eventPattern: { source: ['shop'] } });
    rule.addTarget(new targets.SqsQueue(new sqs.Queue(stack, 'Billing')));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/OrderPlaced/Resource' })]);
  expect(findings[0].description).toMatch(/Its target Target0 \(the queue Billing.*\) has no dead-letter queue/);
});

test('the same target with a dead-letter queue is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const rule = new events.Rule(stack, 'OrderPlaced', { eventPattern: { source: ['shop'] } });
    rule.addTarget(new targets.SqsQueue(new sqs.Queue(stack, 'Billing'), { deadLetterQueue: new sqs.Queue(stack, 'OrderPlacedDlq') }));
  });
  expect(findings).toEqual([]);
});

// Errors from missing permissions or a deleted target are not retried: the event is dropped at once without a
// dead-letter queue (EventBridge User Guide, "Using dead-letter queues"), so a target outside the app is judged the same way.
test('a target outside the app without a dead-letter queue is an error too', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const rule = new events.Rule(stack, 'OrderPlaced', { eventPattern: { source: ['shop'] } });
    rule.addTarget(new targets.SqsQueue(sqs.Queue.fromQueueArn(stack, 'Billing', 'arn:aws:sqs:us-east-1:123456789012:billing')));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/OrderPlaced/Resource' })]);
});
