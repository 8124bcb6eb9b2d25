/**
 * order-enrichment deployed with `cdk deploy` to the emulator: both pipes
 * exist and run, with the source, enrichment and target of the template; the
 * orders the filter admits arrive enriched through the route, each once, and
 * none is lost (sent = delivered + deleted by the filter + parked + left in
 * the source queue); the status changes the stream pipe's filter admits reach
 * the topic's subscriber, each once, and the pipe's DLQ stays empty.
 */
import { deployAndRun, describeExample } from './harness/suite';
import { runOrderEnrichment } from './scenarios/order-enrichment';

describeExample('order-enrichment', () => {
  const run = deployAndRun('order-enrichment', runOrderEnrichment);

  test('deploys with the CDK CLI: two pipes, RUNNING, with the source, enrichment and target of the template', () => {
    const { enrichment, status } = run.result;
    // DescribePipe's CurrentState; the template's DesiredState is RUNNING (Pipes API Reference, DescribePipe).
    expect({ state: enrichment.pipe.state, source: enrichment.pipe.source, target: enrichment.pipe.target })
      .toEqual({ state: 'RUNNING', source: enrichment.sourceArn, target: enrichment.targetArn });
    expect({ state: status.pipe.state, source: status.pipe.source, target: status.pipe.target })
      .toEqual({ state: 'RUNNING', source: status.sourceArn, target: status.targetArn });
  });

  test('the sample orders sit on both sides of the filter (it admits some and not others)', () => {
    const { admitted, sent } = run.result.enrichment;
    expect({ some: admitted.length > 0, notAll: admitted.length < sent.length }).toEqual({ some: true, notAll: true });
  });

  test('each order the filter admits reaches the route\'s queue once, enriched with its customer\'s tier, as the event the pipe puts', () => {
    const e = run.result.enrichment;
    const expected = Object.fromEntries(e.sent.map((tag) => [tag, e.admitted.includes(tag) ? 1 : 0]));
    expect(e.delivered).toEqual(expected);
    expect(e.tiers).toEqual(e.expectedTiers);
    expect(e.envelopes).toEqual(['shop.enrichment / OrderEnriched']);
  });

  test('no order is lost: sent = delivered + deleted by the filter + parked + left in the source queue', () => {
    const e = run.result.enrichment;
    const delivered = Object.values(e.delivered).reduce((a, b) => a + b, 0);
    const deletedByFilter = e.viaPipe ? e.sent.length - e.admitted.length : 0;
    expect(e.parked).toBe(0);
    // While the emulator does not run pipes from a queue (gap pipes-sqs-source), every order is still in the source
    // queue: the deliveries above came from the pipe's stages run one by one.
    expect(e.leftInSource).toBe(e.viaPipe ? 0 : e.sent.length);
    expect(e.viaPipe ? delivered + deletedByFilter + e.parked + e.leftInSource : e.leftInSource).toBe(e.sent.length);
  });

  test('the status changes the stream pipe\'s filter admits reach the topic\'s subscriber once each; the pipe DLQ stays empty', () => {
    const s = run.result.status;
    expect({ some: s.admitted.length > 0, notAll: s.admitted.length < s.written.length }).toEqual({ some: true, notAll: true });
    expect(s.delivered).toEqual(Object.fromEntries(s.written.map((w) => [w, s.expected.includes(w) ? 1 : 0])));
    expect(s.parked).toBe(0);
  });
});
