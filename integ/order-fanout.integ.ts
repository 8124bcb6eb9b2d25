/**
 * order-fanout deployed with `cdk deploy` to the emulator: each subscriber
 * queue receives exactly the messages its filter admits (attribute and
 * message-body scope), each admitted message once; the subscription DLQ stays
 * empty.
 */
import { deployAndRun, describeExample, testUnlessGap } from './harness/suite';
import { runOrderFanout } from './scenarios/order-fanout';

describeExample('order-fanout', () => {
  const run = deployAndRun('order-fanout', runOrderFanout);

  test('deploys with the CDK CLI: one topic with filtered and unfiltered subscribers, in both filter scopes', () => {
    expect(run.deployed.stacks).toHaveLength(1);
    expect(run.result.subscribers.length).toBeGreaterThanOrEqual(3);
    expect(run.result.subscribers.some((s) => !s.filterPolicy)).toBe(true);
    expect(run.result.subscribers.some((s) => s.filterPolicy && s.scope === 'MessageAttributes')).toBe(true);
    expect(run.result.subscribers.some((s) => s.filterPolicy && s.scope === 'MessageBody')).toBe(true);
  });

  test('the sample orders sit on both sides of every filter (each filter admits some and rejects some)', () => {
    for (const s of run.result.subscribers.filter((x) => x.filterPolicy)) {
      expect({ subscriber: s.name, admitted: s.expected.length > 0, rejected: s.expected.length < run.result.sent.length })
        .toEqual({ subscriber: s.name, admitted: true, rejected: true });
    }
  });

  test('each subscriber receives exactly the messages its filter admits, each once', () => {
    for (const s of run.result.subscribers) {
      const expected = Object.fromEntries(run.result.sent.map((tag) => [tag, s.expected.includes(tag) ? 1 : 0]));
      expect({ subscriber: s.name, delivered: s.delivered }).toEqual({ subscriber: s.name, delivered: expected });
    }
  });

  testUnlessGap('sns-numeric-filter-on-strings', 'a number written as a string does not pass a numeric filter', () => {
    const tag = run.result.sent.find((t) => t.startsWith('f5-'))!;
    const numeric = run.result.subscribers.filter((s) => JSON.stringify(s.filterPolicy ?? {}).includes('"numeric"'));
    expect(tag).toBeDefined();
    expect(numeric.length).toBeGreaterThan(0);
    for (const s of numeric) {
      expect({ subscriber: s.name, delivered: s.delivered[tag] }).toEqual({ subscriber: s.name, delivered: 0 });
    }
  });

  test('no message is left in a subscriber queue or its DLQ', () => {
    expect(run.result.leftInSubscriberQueues).toBe(0);
    expect(Object.values(run.result.consumerDeadLetterQueues).every((n) => n === 0)).toBe(true);
  });

  testUnlessGap('sns-subscription-dlq', 'the subscription DLQ stays empty', () => {
    const deadLetterQueues = run.result.subscriptionDeadLetterQueues;
    expect(Object.keys(deadLetterQueues).length).toBeGreaterThan(0);
    expect(deadLetterQueues).toEqual(Object.fromEntries(Object.keys(deadLetterQueues).map((k) => [k, 0])));
  });
});
