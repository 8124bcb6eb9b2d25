/**
 * order-ledger deployed with `cdk deploy` to the emulator: events with
 * duplicates and out-of-order versions leave the read model at the latest
 * version per entity; an unparseable record reaches the failure queue; the
 * rebuilt projection equals the live one; the query side reads it back.
 * Then, one batch per record, the projector's conditional writes meet stale,
 * duplicate and conflicting versions and a missing one in the table; and
 * (when the emulator acts on partial batch responses) a record the failure
 * queue refuses is retried, or its batch's position reaches the queue.
 */
import { deployAndRun, describeExample, testUnlessGap } from './harness/suite';
import { scaled } from './harness/target';
import { runOrderLedger } from './scenarios/order-ledger';
import { runRefusedRecord, runVersionSequence, sequenceOutcome, VersionSequenceResult } from './scenarios/order-ledger-batches';

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

  describe('one batch per record: the conditional writes meet stale, duplicate, conflicting and missing versions in the table', () => {
    const seq = {} as VersionSequenceResult;
    beforeAll(async () => {
      Object.assign(seq, await runVersionSequence(run.context, [run.result.unparseablePartitionKey]));
    }, scaled(6 * 60_000));
    const step = (label: RegExp) => seq.steps.find((s) => label.test(s.label))!;
    const paid = { version: 2, state: { status: 'paid', amount: 10 } };

    test('each record was put once the one before it was projected (a batch of its own)', () => {
      expect(seq.steps.map((s) => ({ step: s.label, synced: s.synced }))).toEqual(seq.steps.map((s) => ({ step: s.label, synced: true })));
    });

    test('a stale version and an identical duplicate leave the read model as it was, silently', () => {
      for (const s of [step(/^v2 snapshot/), step(/stale/), step(/duplicate/)]) {
        expect({ step: s.label, row: s.row, parked: s.parked }).toEqual({ step: s.label, row: paid, parked: [] });
      }
    });

    test('the same version with other data is a conflict: parked with a reason starting "conflict:", the read model unchanged', () => {
      const s = step(/conflict/);
      expect(s.row).toEqual(paid);
      expect(s.parked.map((r) => r.reason)).toEqual([expect.stringMatching(/^conflict:/)]);
    });

    test('a patch whose previous version is missing is parked (the reason names version 3); a later snapshot heals the entity', () => {
      const gap = step(/missing/);
      expect(gap.row).toEqual(paid);
      expect(gap.parked.map((r) => r.reason)).toEqual([expect.stringMatching(/version 3 is missing/)]);
      expect(step(/heals/).row).toEqual({ version: 5, state: { status: 'delivered', amount: 10 } });
    });

    test('conservation: every record put is in the read model or parked once, and nothing else is in the failure queue (every projection)', () => {
      for (const [projection, end] of Object.entries(seq.projections)) {
        const outcome = sequenceOutcome(seq, end);
        const putSequences = new Set(seq.records.map((r) => r.sequenceNumber));
        expect({ projection, outcome, unknownParked: end.parked.filter((p) => !putSequences.has(p.sequenceNumber)), other: end.other }).toEqual({
          projection, outcome: Object.fromEntries(seq.records.map((r) => [r.label, r.expected])), unknownParked: [], other: [],
        });
        expect({ projection, entity: end.rows[seq.entityId] }).toEqual({ projection, entity: { version: 5, state: { status: 'delivered', amount: 10 } } });
      }
    });
  });

  // Change the live failure queue's MaximumMessageSize (always restored): keep them last.
  testUnlessGap('kinesis-esm-failure-handling', 'a record the failure queue refuses is reported, retried and reaches it once it takes it', async () => {
    const outcome = await runRefusedRecord(run.context, 'taken', 120_000);
    expect(outcome).toEqual(expect.objectContaining({ batchProcessed: true, refused: true, timesParked: 1 }));
  }, scaled(4 * 60_000));

  testUnlessGap('kinesis-esm-failure-handling', 'a record still refused when the retries run out: its batch\'s position reaches the failure queue', async () => {
    const outcome = await runRefusedRecord(run.context, 'retries run out', 5 * 60_000);
    expect(outcome).toEqual(expect.objectContaining({ batchProcessed: true, refused: true, timesParked: 0, positionRecords: 1 }));
  }, scaled(7 * 60_000));
});
