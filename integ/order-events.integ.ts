/**
 * order-events deployed with `cdk deploy` to the emulator: matching events
 * reach every target of their route, non-matching events reach none, and
 * every queue ends empty; a Lambda target that fails parks each event in its
 * on-failure queue once; an event a target cannot take lands in the route
 * DLQ (when the emulator models it); the bus archive exists (when the
 * emulator supports it).
 */
import { skipReason } from './gaps/runner';
import { deployAndRun, describeExample, testUnlessGap } from './harness/suite';
import { scaled } from './harness/target';
import { describeArchives, queueDepths, runAsyncFailures, runOrderEvents, runUndeliverableTarget } from './scenarios/order-events';

function pick(counts: Record<string, number>, tags: string[]): Record<string, number> {
  return Object.fromEntries(tags.map((t) => [t, counts[t] ?? 0]));
}

describeExample('order-events', () => {
  const run = deployAndRun('order-events', runOrderEvents);

  test('deploys with the CDK CLI: routes on one bus, each target with a DLQ', () => {
    expect(run.deployed.stacks).toHaveLength(1);
    expect(run.result.buses).toHaveLength(1);
    expect(run.result.targets.length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(run.result.deadLetterQueues).length).toBeGreaterThan(0);
  });

  test('every target is observed (queue consumer, function or topic)', () => {
    expect(run.result.targets.filter((t) => t.unobserved).map((t) => `${t.name}: ${t.unobserved}`)).toEqual([]);
  });

  test('the sample events sit on both sides of every route (each route matches some and not others)', () => {
    for (const t of run.result.targets) {
      expect({ target: t.name, some: t.expected.length > 0, notAll: t.expected.length < run.result.sent.length })
        .toEqual({ target: t.name, some: true, notAll: true });
    }
  });

  test('matching events reach every target of their route, once; non-matching events reach none', () => {
    for (const t of run.result.targets.filter((x) => !x.unobserved)) {
      const expected = Object.fromEntries(run.result.sent.map((tag) => [tag, t.expected.includes(tag) ? 1 : 0]));
      expect({ target: t.name, delivered: t.delivered }).toEqual({ target: t.name, delivered: expected });
    }
  });

  testUnlessGap('eventbridge-target-dlq', 'the route DLQs stay empty while every target takes delivery', () => {
    expect(Object.values(run.result.deadLetterQueues).every((n) => n === 0)).toBe(true);
  });

  // The route DLQs are left out while the emulator cannot fill them (their check above is skipped then).
  test('every queue of the stack ends empty: the target queue, its DLQ and the on-failure queue (and the route DLQs where modelled)', async () => {
    const routeDeadLetterQueues = skipReason(run.context.gaps, 'eventbridge-target-dlq') ? Object.keys(run.result.deadLetterQueues) : [];
    const depths = Object.fromEntries(Object.entries(await queueDepths(run.context)).filter(([name]) => !routeDeadLetterQueues.includes(name)));
    expect(Object.keys(depths).length).toBeGreaterThanOrEqual(3);
    expect(depths).toEqual(Object.fromEntries(Object.keys(depths).map((name) => [name, 0])));
  });

  // Lambda retries a failed asynchronous invocation MaximumRetryAttempts times, then sends an invocation record
  // whose requestContext.condition is "RetriesExhausted" and whose requestPayload is the event to the on-failure
  // destination (AWS Lambda Developer Guide, Capturing records of Lambda asynchronous invocations,
  // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html). EventBridge takes that path
  // on AWS; on the emulator only Invoke (Event) does (gap lambda-async-event-sources), so the events are invoked so.
  test('a route\'s Lambda target that fails: each failing event is tried 1 + MaximumRetryAttempts times, then parked in its on-failure queue once; handled + parked = sent', async () => {
    const outcomes = await runAsyncFailures(run.context);
    expect(outcomes.length).toBeGreaterThanOrEqual(1);
    for (const o of outcomes) {
      const once = (tags: string[]) => Object.fromEntries(tags.map((t) => [t, 1]));
      const never = (tags: string[]) => Object.fromEntries(tags.map((t) => [t, 0]));
      // The function logs each attempt (the event id) before it fails: 1 + MaximumRetryAttempts attempts per failing event.
      const attempts = Object.fromEntries(o.poison.map((t) => [t, 1 + o.retryAttempts]));
      expect({ function: o.function, logged: pick(o.logged, [...o.good, ...o.poison]) })
        .toEqual({ function: o.function, logged: { ...once(o.good), ...attempts } });
      expect({ function: o.function, parked: o.parked }).toEqual({ function: o.function, parked: { ...never(o.good), ...once(o.poison) } });
      expect(o.strangers).toBe(0);
      expect(o.conditions).toEqual(o.poison.map(() => 'RetriesExhausted'));
      for (const arn of o.functionArns) {
        expect(arn.split(':').slice(5, 7)).toEqual(['function', o.functionName]);
      }
    }
    const depths = await queueDepths(run.context);
    expect(Object.values(depths).every((n) => n === 0)).toBe(true);
  }, scaled(5 * 60_000));

  testUnlessGap('cfn-events-archive', 'the bus archive exists with its retention', async () => {
    const archives = await describeArchives(run.context);
    expect(archives.length).toBeGreaterThan(0);
    expect(archives.every((a) => a.retentionDays === 7)).toBe(true);
  });

  // Destructive (deletes a target queue): keep it last.
  testUnlessGap('eventbridge-target-dlq', 'an event a target cannot take lands in the route DLQ', async () => {
    const outcome = await runUndeliverableTarget(run.context);
    expect(outcome).toEqual(expect.objectContaining({ arrived: true }));
  }, scaled(5 * 60_000));
});
