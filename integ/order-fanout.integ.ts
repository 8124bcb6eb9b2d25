/**
 * order-fanout deployed with `cdk deploy` to the emulator: each subscriber
 * queue receives exactly the messages its filter admits (attribute and
 * message-body scope), each admitted message once; the subscription DLQ stays
 * empty.
 */
import { DeployedExample } from './harness/session';
import { describeExample, resetAndDeploy, testUnlessGap } from './harness/suite';
import { OrderFanoutResult, runOrderFanout } from './scenarios/order-fanout';
import { formatReport } from './scenarios/scenario';

describeExample('order-fanout', () => {
  let deployed: DeployedExample;
  let result: OrderFanoutResult;

  beforeAll(async () => {
    const run = await resetAndDeploy('order-fanout');
    deployed = run.deployed;
    result = await runOrderFanout(run.context);
    process.stderr.write(`${formatReport(result.report)}\n`);
  }, 10 * 60_000);

  test('deploys with the CDK CLI: one topic with filtered and unfiltered subscribers, in both filter scopes', () => {
    expect(deployed.stacks).toHaveLength(1);
    expect(result.subscribers.length).toBeGreaterThanOrEqual(3);
    expect(result.subscribers.some((s) => !s.filterPolicy)).toBe(true);
    expect(result.subscribers.some((s) => s.filterPolicy && s.scope === 'MessageAttributes')).toBe(true);
    expect(result.subscribers.some((s) => s.filterPolicy && s.scope === 'MessageBody')).toBe(true);
  });

  test('the sample orders sit on both sides of every filter (each filter admits some and rejects some)', () => {
    for (const s of result.subscribers.filter((x) => x.filterPolicy)) {
      expect({ subscriber: s.name, admitted: s.expected.length > 0, rejected: s.expected.length < result.sent.length })
        .toEqual({ subscriber: s.name, admitted: true, rejected: true });
    }
  });

  test('each subscriber receives exactly the messages its filter admits, each once', () => {
    for (const s of result.subscribers) {
      const expected = Object.fromEntries(result.sent.map((tag) => [tag, s.expected.includes(tag) ? 1 : 0]));
      expect({ subscriber: s.name, delivered: s.delivered }).toEqual({ subscriber: s.name, delivered: expected });
    }
  });

  testUnlessGap('sns-numeric-filter-on-strings', 'a number written as a string does not pass a numeric filter', () => {
    const tag = result.sent.find((t) => t.startsWith('f5-'))!;
    const numeric = result.subscribers.filter((s) => JSON.stringify(s.filterPolicy ?? {}).includes('"numeric"'));
    expect(tag).toBeDefined();
    expect(numeric.length).toBeGreaterThan(0);
    for (const s of numeric) {
      expect({ subscriber: s.name, delivered: s.delivered[tag] }).toEqual({ subscriber: s.name, delivered: 0 });
    }
  });

  test('no message is left in a subscriber queue or its DLQ', () => {
    expect(result.leftInSubscriberQueues).toBe(0);
    expect(Object.values(result.consumerDeadLetterQueues).every((n) => n === 0)).toBe(true);
  });

  testUnlessGap('sns-subscription-dlq', 'the subscription DLQ stays empty', () => {
    expect(Object.keys(result.subscriptionDeadLetterQueues).length).toBeGreaterThan(0);
    expect(result.subscriptionDeadLetterQueues).toEqual(Object.fromEntries(Object.keys(result.subscriptionDeadLetterQueues).map((k) => [k, 0])));
  });
});
