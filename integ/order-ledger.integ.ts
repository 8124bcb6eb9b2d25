/**
 * order-ledger deployed with `cdk deploy` to the emulator: events with
 * duplicates and out-of-order versions leave the read model at the latest
 * version per entity; an unparseable record reaches the failure queue; the
 * rebuilt projection equals the live one; the query side reads it back.
 */
import { DeployedExample } from './harness/session';
import { describeExample, resetAndDeploy } from './harness/suite';
import { OrderLedgerResult, runOrderLedger } from './scenarios/order-ledger';
import { formatReport } from './scenarios/scenario';

/** The read-model item without its bookkeeping: what a query sees. */
function view(item: any): any {
  return item && { pk: item.pk, version: item.version, type: item.type, state: item.state };
}

describeExample('order-ledger', () => {
  let deployed: DeployedExample;
  let result: OrderLedgerResult;

  beforeAll(async () => {
    const run = await resetAndDeploy('order-ledger');
    deployed = run.deployed;
    result = await runOrderLedger(run.context);
    process.stderr.write(`${formatReport(result.report)}\n`);
  }, 10 * 60_000);

  test('deploys with the CDK CLI: a stream and two projections (live and rebuilt)', () => {
    expect(deployed.stacks).toHaveLength(1);
    expect(Object.keys(result.readModels)).toHaveLength(2);
  });

  test('the live read model holds the latest version and state of every order, despite duplicates and out-of-order versions', () => {
    const live = result.readModels[result.liveProjection];
    for (const [id, expected] of Object.entries(result.expected)) {
      expect({ id, version: live[id]?.version, state: live[id]?.state }).toEqual({ id, ...expected });
    }
  });

  test('the unparseable record reaches the failure queue of every projection', () => {
    for (const [projection, count] of Object.entries(result.unparseableInFailureQueue)) {
      expect({ projection, count }).toEqual({ projection, count: 1 });
    }
  });

  test('the projection rebuilt from the trim horizon equals the live one', () => {
    // It had consumed nothing when the rebuild started: every row comes from the replay.
    expect(Object.values(result.rowsBeforeRebuild)).toEqual([0]);
    const [live, ...others] = [result.liveProjection, ...Object.keys(result.readModels).filter((n) => n !== result.liveProjection)];
    for (const other of others) {
      expect(result.readModels[other]).toEqual(result.readModels[live]);
    }
  });

  test('the query-side function reads every order at its latest version', () => {
    const live = result.readModels[result.liveProjection];
    for (const id of Object.keys(result.expected)) {
      expect(view(result.queried[id])).toEqual(view(live[id]));
    }
  });
});
