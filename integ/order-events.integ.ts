/**
 * order-events deployed with `cdk deploy` to the emulator: matching events
 * reach every target of their route, non-matching events reach none; an
 * event a target cannot take lands in the route DLQ (when the emulator models
 * it); the bus archive exists (when the emulator supports it).
 */
import { DeployedExample } from './harness/session';
import { describeExample, resetAndDeploy, testUnlessGap } from './harness/suite';
import { describeArchives, OrderEventsResult, runOrderEvents, runUndeliverableTarget } from './scenarios/order-events';
import { formatReport, ScenarioContext } from './scenarios/scenario';

describeExample('order-events', () => {
  let deployed: DeployedExample;
  let context: ScenarioContext;
  let result: OrderEventsResult;

  beforeAll(async () => {
    const run = await resetAndDeploy('order-events');
    deployed = run.deployed;
    context = run.context;
    result = await runOrderEvents(context);
    process.stderr.write(`${formatReport(result.report)}\n`);
  }, 10 * 60_000);

  test('deploys with the CDK CLI: routes on one bus, each target with a DLQ', () => {
    expect(deployed.stacks).toHaveLength(1);
    expect(result.buses).toHaveLength(1);
    expect(result.targets.length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(result.deadLetterQueues).length).toBeGreaterThan(0);
  });

  test('every target is observed (queue consumer, function or topic)', () => {
    expect(result.targets.filter((t) => t.unobserved).map((t) => `${t.name}: ${t.unobserved}`)).toEqual([]);
  });

  test('the sample events sit on both sides of every route (each route matches some and not others)', () => {
    for (const t of result.targets) {
      expect({ target: t.name, some: t.expected.length > 0, notAll: t.expected.length < result.sent.length })
        .toEqual({ target: t.name, some: true, notAll: true });
    }
  });

  test('matching events reach every target of their route, once; non-matching events reach none', () => {
    for (const t of result.targets.filter((x) => !x.unobserved)) {
      const expected = Object.fromEntries(result.sent.map((tag) => [tag, t.expected.includes(tag) ? 1 : 0]));
      expect({ target: t.name, delivered: t.delivered }).toEqual({ target: t.name, delivered: expected });
    }
  });

  testUnlessGap('eventbridge-target-dlq', 'the route DLQs stay empty while every target takes delivery', () => {
    expect(Object.values(result.deadLetterQueues).every((n) => n === 0)).toBe(true);
  });

  testUnlessGap('cfn-events-archive', 'the bus archive exists with its retention', async () => {
    const archives = await describeArchives(context);
    expect(archives.length).toBeGreaterThan(0);
    expect(archives.every((a) => a.retentionDays === 7)).toBe(true);
  });

  // Destructive (deletes a target queue): keep it last.
  testUnlessGap('eventbridge-target-dlq', 'an event a target cannot take lands in the route DLQ', async () => {
    const outcome = await runUndeliverableTarget(context);
    expect(outcome).toEqual(expect.objectContaining({ arrived: true }));
  }, 5 * 60_000);
});
