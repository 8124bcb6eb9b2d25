import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { findingsOfRule } from '../helpers';

const RULE = 'FifoTargetWithoutContentDeduplication';

// "If you specify an SQS FIFO queue as a target, the queue must have content-based deduplication enabled"
// (EventBridge API Reference, Target); EventBridge sends no deduplication id (aws/aws-cdk#36498).
test('a FIFO queue target without content-based deduplication is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const queue = new sqs.Queue(stack, 'Orders', { fifo: true });
    new events.Rule(stack, 'OrderPlaced', { eventPattern: { source: ['shop'] } }).addTarget(new targets.SqsQueue(queue, { messageGroupId: 'orders' }));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/OrderPlaced/Resource' })]);
  expect(findings[0].description).toMatch(/the FIFO queue Orders\w+, without ContentBasedDeduplication/);
});

test('the same queue with content-based deduplication is not flagged, nor is a standard queue', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const rule = new events.Rule(stack, 'OrderPlaced', { eventPattern: { source: ['shop'] } });
    rule.addTarget(new targets.SqsQueue(new sqs.Queue(stack, 'Orders', { fifo: true, contentBasedDeduplication: true }), { messageGroupId: 'orders' }));
    rule.addTarget(new targets.SqsQueue(new sqs.Queue(stack, 'Audit')));
  });
  expect(findings).toEqual([]);
});

test('a FIFO queue outside the app (literal .fifo ARN) is a note: its settings cannot be read', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const queue = sqs.Queue.fromQueueArn(stack, 'Orders', 'arn:aws:sqs:us-east-1:123456789012:orders.fifo');
    new events.Rule(stack, 'OrderPlaced', { eventPattern: { source: ['shop'] } }).addTarget(new targets.SqsQueue(queue, { messageGroupId: 'orders' }));
  });
  expect(findings.map((f) => f.severity)).toEqual(['info']);
});
