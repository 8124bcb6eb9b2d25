/**
 * order-ledger deployed with `cdk deploy` to the emulator: events with
 * duplicates and out-of-order versions leave the read model at the latest
 * version per entity; an unparseable record reaches the failure queue; the
 * rebuilt projection equals the live one; the query side reads it back.
 */
import { deployAndRun, describeExample } from './harness/suite';
import { runOrderLedger } from './scenarios/order-ledger';

/** The read-model item without its bookkeeping: what a query sees. */
function view(item: any): any {
  return item && { pk: item.pk, version: item.version, type: item.type, state: item.state };
}

describeExample('order-ledger', () => {
  const run = deployAndRun('order-ledger', runOrderLedger);

  test('deploys with the CDK CLI: a stream and two projections (live and rebuilt)', () => {
    expect(run.deployed.stacks).toHaveLength(1);
    expect(Object.keys(run.result.readModels)).toHaveLength(2);
  });

  test('the live read model holds the latest version and state of every order, despite duplicates and out-of-order versions', () => {
    const live = run.result.readModels[run.result.liveProjection];
    for (const [id, expected] of Object.entries(run.result.expected)) {
      expect({ id, version: live[id]?.version, state: live[id]?.state }).toEqual({ id, ...expected });
    }
  });

  test('the unparseable record reaches the failure queue of every projection', () => {
    for (const [projection, count] of Object.entries(run.result.unparseableInFailureQueue)) {
      expect({ projection, count }).toEqual({ projection, count: 1 });
    }
  });

  test('the projection rebuilt from the trim horizon equals the live one', () => {
    // It had consumed nothing when the rebuild started: every row comes from the replay.
    expect(Object.values(run.result.rowsBeforeRebuild)).toEqual([0]);
    const [live, ...others] = [run.result.liveProjection, ...Object.keys(run.result.readModels).filter((n) => n !== run.result.liveProjection)];
    for (const other of others) {
      expect(run.result.readModels[other]).toEqual(run.result.readModels[live]);
    }
  });

  test('the query-side function reads every order at its latest version', () => {
    const live = run.result.readModels[run.result.liveProjection];
    for (const id of Object.keys(run.result.expected)) {
      expect(view(run.result.queried[id])).toEqual(view(live[id]));
    }
  });
});
