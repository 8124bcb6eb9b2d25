/**
 * order-enrichment deployed with `cdk deploy` to the emulator: both pipes
 * exist and run, with the source and target of the template; the orders the
 * filter admits arrive enriched through the route, each once; the status
 * changes the stream pipe's filter admits reach the topic's subscriber, each
 * once. Where the emulator does not run a pipe from a queue (gap
 * pipes-sqs-source), its stages are run one by one and every order is still in
 * the source queue.
 */
import { deployAndRun, describeExample } from './harness/suite';
import { runOrderEnrichment } from './scenarios/order-enrichment';

describeExample('order-enrichment', () => {
  const run = deployAndRun('order-enrichment', runOrderEnrichment);

  test('deploys with the CDK CLI: two pipes, RUNNING, with the source and target of the template (and its enrichment, where DescribePipe returns one)', () => {
    const { enrichment, status } = run.result;
    // DescribePipe's CurrentState; the template's DesiredState is RUNNING (Pipes API Reference, DescribePipe). MiniStack's
    // DescribePipe returns no Enrichment: it is compared where the endpoint returns it.
    expect({ state: enrichment.pipe.state, source: enrichment.pipe.source, target: enrichment.pipe.target })
      .toEqual({ state: 'RUNNING', source: enrichment.sourceArn, target: enrichment.targetArn });
    if (enrichment.pipe.enrichment !== undefined) {
      expect(enrichment.pipe.enrichment).toBe(enrichment.enrichmentArn);
    }
    expect({ state: status.pipe.state, source: status.pipe.source, target: status.pipe.target })
      .toEqual({ state: 'RUNNING', source: status.sourceArn, target: status.targetArn });
  });

  test('the sample orders sit on both sides of the filter (it admits some and not others)', () => {
    const { admitted, sent } = run.result.enrichment;
    expect({ some: admitted.length > 0, notAll: admitted.length < sent.length }).toEqual({ some: true, notAll: true });
  });

  // Where the emulator does not run the pipe, the events are put on the bus by the suite with the source and detail-type
  // of the pipe's TargetParameters: that proves the enrichment function and the route's pattern, not the pipe.
  test('each order the filter admits reaches the route\'s queue once, enriched with its customer\'s tier, with the pipe\'s source and detail-type', () => {
    const e = run.result.enrichment;
    const expected = Object.fromEntries(e.sent.map((tag) => [tag, e.admitted.includes(tag) ? 1 : 0]));
    expect(e.delivered).toEqual(expected);
    expect(e.tiers).toEqual(e.expectedTiers);
    expect(e.envelopes).toEqual(['shop.enrichment / OrderEnriched']);
  });

  test('the queue pipe: sent = delivered + deleted by the filter (the pipe empties its source) + parked; where the emulator does not run it, nothing is consumed', () => {
    const e = run.result.enrichment;
    const delivered = Object.values(e.delivered).reduce((a, b) => a + b, 0);
    if (e.viaPipe) {
      // Measured: the source queue is empty, the DLQ holds `parked`; deleted by the filter is what is left of the count.
      expect(e.leftInSource).toBe(0);
      expect(delivered + e.parked).toBeLessThanOrEqual(e.sent.length);
      expect(e.sent.length - delivered - e.parked).toBe(e.sent.length - e.admitted.length);
    } else {
      expect({ leftInSource: e.leftInSource, parked: e.parked }).toEqual({ leftInSource: e.sent.length, parked: 0 });
    }
  });

  test('the status changes the stream pipe\'s filter admits (all of them while the emulator ignores filters) reach the topic\'s subscriber once each', () => {
    const s = run.result.status;
    expect({ some: s.admitted.length > 0, notAll: s.admitted.length < s.written.length }).toEqual({ some: true, notAll: true });
    expect(s.delivered).toEqual(Object.fromEntries(s.written.map((w) => [w, s.expected.includes(w) ? 1 : 0])));
  });
});
