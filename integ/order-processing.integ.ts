/**
 * order-processing deployed with `cdk deploy` to the emulator: good messages
 * are consumed and deleted; a poison message is retried and lands in the DLQ
 * after exactly maxReceiveCount receives; consumed + in the DLQ = sent.
 */
import { deployAndRun, describeExample } from './harness/suite';
import { GOOD_MESSAGES, POISON_MESSAGES, runOrderProcessing } from './scenarios/order-processing';

describeExample('order-processing', () => {
  const run = deployAndRun('order-processing', runOrderProcessing);

  test('deploys one stack with the CDK CLI', () => {
    expect(run.deployed.stacks.map((s) => s.stackName)).toEqual(['OrderProcessing']);
  });

  test('the deployed queue redrives to its DLQ after the maxReceiveCount of the template', () => {
    const { result } = run;
    expect(result.maxReceiveCount).toBe(3);
    expect(result.deployedRedrivePolicy).toEqual({ deadLetterTargetArn: result.deadLetterQueueArn, maxReceiveCount: result.maxReceiveCount });
  });

  test('every good message is consumed and deleted', () => {
    expect(run.result.goodIds).toHaveLength(GOOD_MESSAGES);
    for (const id of run.result.goodIds) {
      expect({ id, receives: run.result.receives[id] }).toEqual({ id, receives: 1 });
    }
    expect(run.result.inDeadLetterQueue.filter((m) => run.result.goodIds.includes(m.id))).toEqual([]);
    expect(run.result.leftInQueue).toBe(0);
  });

  test('the poison message is received exactly maxReceiveCount times, then lands in the DLQ', () => {
    expect(run.result.poisonIds).toHaveLength(POISON_MESSAGES);
    for (const id of run.result.poisonIds) {
      expect({ id, receives: run.result.receives[id] }).toEqual({ id, receives: run.result.maxReceiveCount });
    }
    expect(run.result.inDeadLetterQueue.map((m) => m.id).sort()).toEqual([...run.result.poisonIds].sort());
    for (const message of run.result.inDeadLetterQueue) {
      expect(message.body).toContain('poison');
      expect(message.source).toMatch(/:order-processing$/);
    }
  });

  test('every sent message is accounted for: consumed + in the DLQ = sent', () => {
    const inDlq = new Set(run.result.inDeadLetterQueue.map((m) => m.id));
    const consumed = run.result.goodIds.filter((id) => run.result.receives[id] >= 1 && !inDlq.has(id));
    expect(consumed.length + inDlq.size).toBe(run.result.goodIds.length + run.result.poisonIds.length);
  });
});
