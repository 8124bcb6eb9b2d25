/**
 * order-events deployed with `cdk deploy` to the emulator: matching events
 * reach every target of their route, non-matching events reach none; an
 * event a target cannot take lands in the route DLQ (when the emulator models
 * it); the bus archive exists (when the emulator supports it).
 */
import { deployAndRun, describeExample, testUnlessGap } from './harness/suite';
import { describeArchives, runOrderEvents, runUndeliverableTarget } from './scenarios/order-events';

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

  testUnlessGap('cfn-events-archive', 'the bus archive exists with its retention', async () => {
    const archives = await describeArchives(run.context);
    expect(archives.length).toBeGreaterThan(0);
    expect(archives.every((a) => a.retentionDays === 7)).toBe(true);
  });

  // Destructive (deletes a target queue): keep it last.
  testUnlessGap('eventbridge-target-dlq', 'an event a target cannot take lands in the route DLQ', async () => {
    const outcome = await runUndeliverableTarget(run.context);
    expect(outcome).toEqual(expect.objectContaining({ arrived: true }));
  }, 5 * 60_000);
});
