import { Duration } from 'aws-cdk-lib';
import { consumedQueue, findingsOfRule } from '../helpers';

const RULE = 'VisibilityTimeoutBelowGuidance';

// "set the source queue's visibility timeout to at least six times the configuration timeout on your function"
// (Lambda Developer Guide, "Creating and configuring an Amazon SQS event source mapping").
test('a visibility timeout of twice the function timeout is a warning', () => {
  const findings = findingsOfRule(RULE, (stack) => consumedQueue(stack, { visibilityTimeout: Duration.seconds(120) }));
  expect(findings).toEqual([expect.objectContaining({ severity: 'warning', path: 'Test/Orders/Resource' })]);
  expect(findings[0].description).toContain('below the recommended 360 s (6 minutes)');
});

test('a visibility timeout of six times the function timeout is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => consumedQueue(stack, { visibilityTimeout: Duration.seconds(360) }));
  expect(findings).toEqual([]);
});

// "We recommend setting your queue's visibility timeout to six times your function timeout, plus the value of MaximumBatchingWindowInSeconds"
// (same page, "Batch window").
test('the batching window is added to six times the function timeout', () => {
  const build = (seconds: number) => findingsOfRule(RULE, (stack) =>
    consumedQueue(stack, { visibilityTimeout: Duration.seconds(seconds) }, { batchSize: 100, maxBatchingWindow: Duration.seconds(10) }));
  expect(build(360)).toEqual([expect.objectContaining({ severity: 'warning' })]);
  expect(build(370)).toEqual([]);
});

// Below the function timeout, Lambda rejects the mapping: VisibilityTimeoutBelowFunctionTimeout's error, not this warning.
test('a visibility timeout below the function timeout is left to VisibilityTimeoutBelowFunctionTimeout', () => {
  const findings = findingsOfRule(RULE, (stack) => consumedQueue(stack, { visibilityTimeout: Duration.seconds(30) }));
  expect(findings).toEqual([]);
});
