import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { check, consumedQueue, findingsOfRule, queueWithDlq, testFunction } from '../helpers';

const RULE = 'VisibilityTimeoutBelowFunctionTimeout';

/** The rules about SQS event sources, which leave what they cannot check to this one. */
const SQS_EVENT_SOURCE_RULES = [
  'SqsEventSourceWithoutPartialBatchResponse',
  RULE,
  'VisibilityTimeoutBelowGuidance',
  'MaxReceiveCountBelowGuidance',
  'SqsEventSourceRejectedBatching',
];

// "Your function's timeout must be less than or equal to the queue's visibility timeout. Lambda validates this requirement when you create
// or update an event source mapping" (Lambda Developer Guide, services-sqs-configure); the queue's default visibility timeout is 30 s.
test('a queue with the default visibility timeout consumed by a function with a 60 s timeout is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => consumedQueue(stack));
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Orders/Resource' })]);
  expect(findings[0].description).toContain('Visibility timeout 30 s, below the 60 s (1 minute) timeout of the function');
});

test('the same queue with a visibility timeout of 6 × the function timeout is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => consumedQueue(stack, { visibilityTimeout: Duration.seconds(360) }));
  expect(findings).toEqual([]);
});

// Lambda's default timeout is 3 s, below SQS's default visibility timeout of 30 s.
test('a function and a queue with their default timeouts are not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const q = queueWithDlq(stack, 'Orders');
    testFunction(stack, { timeout: undefined }).addEventSource(new sources.SqsEventSource(q, { reportBatchItemFailures: true }));
  });
  expect(findings).toEqual([]);
});

// CloudFormation takes "30" as 30.
test('a visibility timeout written as a string is read', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const q = consumedQueue(stack);
    (q.node.defaultChild as sqs.CfnQueue).addPropertyOverride('VisibilityTimeout', '30');
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error' })]);
});

// A visibility timeout only known at deployment cannot be judged.
test('a visibility timeout from a parameter is not judged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const q = consumedQueue(stack);
    (q.node.defaultChild as sqs.CfnQueue).visibilityTimeout = new CfnParameter(stack, 'Visibility', { type: 'Number' }).valueAsNumber;
  });
  expect(findings).toEqual([]);
});

// The visibility timeout and redrive policy of a queue outside the app are unknown: one note, from this rule only.
test('a mapping on a queue outside the app is one note, and the other SQS event-source rules stay silent', () => {
  const findings = check((stack) => {
    const imported = sqs.Queue.fromQueueArn(stack, 'Shared', 'arn:aws:sqs:us-east-1:222222222222:shared-orders');
    testFunction(stack, { timeout: Duration.seconds(60) }).addEventSource(new sources.SqsEventSource(imported, { reportBatchItemFailures: true }));
  }).filter((f) => SQS_EVENT_SOURCE_RULES.includes(f.rule));
  expect(findings).toEqual([expect.objectContaining({ rule: RULE, severity: 'info', path: expect.stringMatching(/^Test\/Fn\/SqsEventSource:/) })]);
  expect(findings[0].description).toContain('arn:aws:sqs:us-east-1:222222222222:shared-orders');
});

// The timeout of a function outside the app is unknown.
test('a function outside the app is a note', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const fn = lambda.Function.fromFunctionArn(stack, 'Shared', 'arn:aws:lambda:us-east-1:222222222222:function:shared-consumer');
    fn.addEventSource(new sources.SqsEventSource(queueWithDlq(stack, 'Orders'), { reportBatchItemFailures: true }));
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'info' })]);
  expect(findings[0].description).toContain('shared-consumer');
});

// A mapping whose source ARN is a parameter could read anything: a note saying what was not checked.
test('a mapping whose source cannot be told is a note', () => {
  const findings = check((stack) => {
    new lambda.EventSourceMapping(stack, 'Mapping', {
      target: testFunction(stack, { timeout: Duration.seconds(60) }),
      eventSourceArn: new CfnParameter(stack, 'SourceArn').valueAsString,
    });
  }).filter((f) => SQS_EVENT_SOURCE_RULES.includes(f.rule));
  expect(findings).toEqual([expect.objectContaining({ rule: RULE, severity: 'info', path: 'Test/Mapping/Resource' })]);
});
