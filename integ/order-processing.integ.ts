/**
 * order-processing deployed with `cdk deploy` to the emulator: good messages
 * are consumed and deleted; a poison message is retried and lands in the DLQ
 * after exactly maxReceiveCount receives; consumed + in the DLQ = sent.
 */
import { DeployedExample } from './harness/session';
import { describeExample, resetAndDeploy } from './harness/suite';
import { GOOD_MESSAGES, OrderProcessingResult, POISON_MESSAGES, runOrderProcessing } from './scenarios/order-processing';
import { formatReport } from './scenarios/scenario';

describeExample('order-processing', () => {
  let deployed: DeployedExample;
  let result: OrderProcessingResult;

  beforeAll(async () => {
    const run = await resetAndDeploy('order-processing');
    deployed = run.deployed;
    result = await runOrderProcessing(run.context);
    process.stderr.write(`${formatReport(result.report)}\n`);
  }, 10 * 60_000);

  test('deploys one stack with the CDK CLI', () => {
    expect(deployed.stacks.map((s) => s.stackName)).toEqual(['OrderProcessing']);
  });

  test('the deployed queue redrives to its DLQ after the maxReceiveCount of the template', () => {
    expect(result.maxReceiveCount).toBe(3);
    expect(result.deployedRedrivePolicy).toEqual({ deadLetterTargetArn: result.deadLetterQueueArn, maxReceiveCount: result.maxReceiveCount });
  });

  test('every good message is consumed and deleted', () => {
    expect(result.goodIds).toHaveLength(GOOD_MESSAGES);
    for (const id of result.goodIds) {
      expect({ id, receives: result.receives[id] }).toEqual({ id, receives: 1 });
    }
    expect(result.inDeadLetterQueue.filter((m) => result.goodIds.includes(m.id))).toEqual([]);
    expect(result.leftInQueue).toBe(0);
  });

  test('the poison message is received exactly maxReceiveCount times, then lands in the DLQ', () => {
    expect(result.poisonIds).toHaveLength(POISON_MESSAGES);
    for (const id of result.poisonIds) {
      expect({ id, receives: result.receives[id] }).toEqual({ id, receives: result.maxReceiveCount });
    }
    expect(result.inDeadLetterQueue.map((m) => m.id).sort()).toEqual([...result.poisonIds].sort());
    for (const message of result.inDeadLetterQueue) {
      expect(message.body).toContain('poison');
      expect(message.source).toMatch(/:order-processing$/);
    }
  });

  test('every sent message is accounted for: consumed + in the DLQ = sent', () => {
    const inDlq = new Set(result.inDeadLetterQueue.map((m) => m.id));
    const consumed = result.goodIds.filter((id) => result.receives[id] >= 1 && !inDlq.has(id));
    expect(consumed.length + inDlq.size).toBe(result.goodIds.length + result.poisonIds.length);
  });
});
