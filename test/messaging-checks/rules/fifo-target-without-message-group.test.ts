import { Fn } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { findingsOfRule } from '../helpers';

const RULE = 'FifoTargetWithoutMessageGroup';

// A FIFO queue target needs SqsParameters.MessageGroupId: PutTargets answers "Parameter(s) SqsParameters must be
// specified for target" (EventBridge API Reference, Target and SqsParameters; hashicorp/terraform#20263).
test('a FIFO queue target without a message group id is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const queue = new sqs.Queue(stack, 'Orders', { fifo: true, contentBasedDeduplication: true });
    new events.Rule(stack, 'OrderPlaced', { eventPattern: { source: ['shop'] } }).addTarget(new targets.SqsQueue(queue));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/OrderPlaced/Resource' })]);
  expect(findings[0].description).toMatch(/Its target Target0 is the FIFO queue Orders/);
});

test('the same target with a message group id is not flagged, nor is a standard queue', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const queue = new sqs.Queue(stack, 'Orders', { fifo: true, contentBasedDeduplication: true });
    const rule = new events.Rule(stack, 'OrderPlaced', { eventPattern: { source: ['shop'] } });
    rule.addTarget(new targets.SqsQueue(queue, { messageGroupId: 'orders' }));
    rule.addTarget(new targets.SqsQueue(new sqs.Queue(stack, 'Audit')));
  });
  expect(findings).toEqual([]);
});

// Only FIFO queue names may end with .fifo (SQS CreateQueue name constraints): an imported queue's literal ARN tells its type;
// an ARN known only at deployment is not judged.
test('imported queues: judged by a literal ARN, silent when the ARN is unknown', () => {
  const literal = findingsOfRule(RULE, (stack) => {
    const queue = sqs.Queue.fromQueueArn(stack, 'Orders', 'arn:aws:sqs:us-east-1:123456789012:orders.fifo');
    new events.Rule(stack, 'OrderPlaced', { eventPattern: { source: ['shop'] } }).addTarget(new targets.SqsQueue(queue));
  });
  expect(literal).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/OrderPlaced/Resource' })]);
  const unknown = findingsOfRule(RULE, (stack) => {
    const queue = sqs.Queue.fromQueueArn(stack, 'Orders', Fn.importValue('OrdersQueueArn'));
    new events.Rule(stack, 'OrderPlaced', { eventPattern: { source: ['shop'] } }).addTarget(new targets.SqsQueue(queue));
  });
  expect(unknown).toEqual([]);
});
