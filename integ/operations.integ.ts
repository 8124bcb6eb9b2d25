/**
 * The operator command `cdk-message-patterns` (the bundled executable, run as
 * a process) against order-processing deployed with `cdk deploy` to the
 * emulator or an AWS account: the poison message of the scenario is in the
 * DLQ; `status` shows the queue, its DLQ and the alarms; `peek` shows the
 * message and leaves it; `redrive` moves it back (with SQS's message move
 * task, or client-side where the endpoint has none: gap sqs-message-move-task),
 * the consumer receives it again and it fails back to the DLQ; `purge`
 * empties the DLQ only with --yes; failures are one-line errors. Every
 * message sent is accounted for: consumed + in the DLQ = sent, nothing left
 * in the queue, nothing consumed twice.
 *
 * AWS behaviour relied on:
 * - a message that has been received maxReceiveCount times moves to the DLQ,
 *   keeping its message id and gaining DeadLetterQueueSourceArn (Amazon SQS
 *   Developer Guide, "Using dead-letter queues",
 *   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html;
 *   ReceiveMessage, MessageSystemAttributeNames,
 *   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html);
 * - a received message is hidden for the visibility timeout, and visible again
 *   at once after ChangeMessageVisibility to 0
 *   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html);
 * - SendMessage gives every message a new message id
 *   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html);
 * - PurgeQueue deletes every message, within 60 seconds
 *   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_PurgeQueue.html);
 * - StartMessageMoveTask moves the messages of a DLQ back to their source queue
 *   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html),
 *   and ListMessageMoveTasks reports the task COMPLETED with the count moved
 *   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListMessageMoveTasks.html).
 *
 * Where the emulator (MiniStack 1.5.33) differs, read from its source
 * (.venv/lib/python3.11/site-packages/ministack/services/):
 * - sqs.py `_HANDLERS` (line 1187) registers neither StartMessageMoveTask nor
 *   ListDeadLetterSourceQueues, and `_dispatch` (line 409) answers
 *   InvalidAction (gap sqs-message-move-task): the command reads every queue's
 *   redrive policy and moves client-side (receive, send, delete), as its unit
 *   tests specify;
 * - sqs.py `_act_purge_queue` (line 1062) clears the queue at once;
 * - no service publishes AWS/SQS metrics (gap sqs-cloudwatch-metrics;
 *   cloudwatch.py `record_metric` is called by lambda_svc.py and alb.py only) and alarms are evaluated on
 *   PutMetricData only (cloudwatch.py line 644): the queue's oldest-message
 *   age is `-` and the alarms keep the state the emulator reports;
 * - cloudformation/handlers.py line 840: an unknown stack is
 *   `ValidationError: Stack [NAME] does not exist` (AWS: `Stack with id NAME
 *   does not exist`); the command reads both.
 */
import { pollUntil } from './harness/poll';
import { queueDepth, total } from './harness/queues';
import { DeployedResource, DeployedStack, displayName } from './harness/stack';
import { deployAndRun, describeExample, suiteSession } from './harness/suite';
import { scaled } from './harness/target';
import {
  alarmStates, assertFreshBundle, CommandRun, consumerReceives, LoggedReceive, messagesIn, runCommand, tableRows,
} from './scenarios/operations';
import { GOOD_MESSAGES, POISON_MESSAGES, runOrderProcessing } from './scenarios/order-processing';
import { referencedLogicalId } from './scenarios/scenario';

const DLQ = 'order-processing-dlq';
const QUEUE = 'order-processing';

/** The status path of a resource: its construct path without the stack and the trailing `/Resource` ids (docs/operations.md). */
function statusPath(resource: DeployedResource): string {
  return resource.path.split('/').slice(1).join('/').replace(/(\/Resource)+$/, '');
}

/** No line of a stack trace, and exactly one `error:` line, which is the whole of stderr. */
function expectOneLineError(run: CommandRun, pattern: RegExp): void {
  expect({ code: run.code, err: run.err, out: run.out }).toEqual({ code: 1, err: [expect.stringMatching(pattern)], out: [] });
  expect(run.err[0]).toMatch(/^error: /);
  expect(run.err.join('\n')).not.toMatch(/^\s+at /m);
}

describeExample('order-processing', () => {
  describe('the operator command cdk-message-patterns', () => {
    beforeAll(assertFreshBundle);
    const run = deployAndRun('order-processing', runOrderProcessing);
    const endpoint = () => suiteSession().clients.endpoint;
    const target = () => suiteSession().clients.target;
    const cmd = (...args: string[]) => runCommand(target(), args);

    let stack: DeployedStack;
    let queue: DeployedResource;
    let dlq: DeployedResource;
    let poison: { id: string; body: string };
    /** Set by the redrive test: the copy the redrive sent (new message id, same body). */
    let redriven: { id: string } | undefined;

    beforeAll(async () => {
      stack = run.context.stacks[0];
      queue = stack.ofType('AWS::SQS::Queue').find((q) => q.properties.RedrivePolicy)!;
      dlq = stack.byLogicalId(referencedLogicalId(queue.properties.RedrivePolicy.deadLetterTargetArn)!);
      expect(run.result.inDeadLetterQueue).toHaveLength(POISON_MESSAGES);
      poison = { id: run.result.poisonIds[0], body: run.result.inDeadLetterQueue[0].body };
      // The scenario read the DLQ with a 60-second visibility timeout: wait until the message is visible again.
      await pollUntil(() => queueDepth(run.context.clients, dlq.physicalId), (d) => d.visible === 1 && d.inFlight === 0 && d.delayed === 0, {
        description: `the poison message visible again in ${DLQ}`, timeoutMs: 120_000, intervalMs: 2_000,
      });
    }, scaled(3 * 60_000));

    test('status --stack: the queue with its DLQ holding the poison message, and the alarms with their states', async () => {
      const result = await cmd('status', '--stack', 'OrderProcessing');
      expect(result.code).toBe(0);
      expect(result.err).toEqual([]);
      expect(result.out[0]).toBe('Stack OrderProcessing');
      const text = result.out.join('\n');
      const [title, queueTable, alarmTable, ...rest] = text.split(/\n(?=┌)/).map(tableRows);
      expect({ title, rest }).toEqual({ title: [], rest: [] });
      expect(queueTable[0]).toEqual(['Queue', 'Visible', 'In flight', 'Oldest', 'Dead-letter queue', 'DLQ visible']);
      // One row: the DLQ is shown on its source queue's row, not on one of its own. Without AWS/SQS metrics Oldest is `-`; with
      // them it is an age or `-` (SQS publishes each minute: the queue may have no datapoint yet).
      const oldest = suiteSession().gaps['sqs-cloudwatch-metrics'].present ? '-' : expect.stringMatching(/^(-|\d+ ?[a-z]+.*)$/);
      expect(queueTable.slice(1)).toEqual([['Orders', '0', '0', oldest, DLQ, '1']]);

      const alarms = stack.ofType('AWS::CloudWatch::Alarm');
      expect(alarms.length).toBeGreaterThan(0);
      const states = await alarmStates(suiteSession().clients, alarms.map((a) => a.physicalId));
      expect(alarmTable[0]).toEqual(['Alarm', 'State']);
      expect([...alarmTable.slice(1)].sort()).toEqual(alarms.map((a) => [statusPath(a), states.get(a.physicalId)]).sort());
      for (const [, state] of alarmTable.slice(1)) {
        expect(['OK', 'ALARM', 'INSUFFICIENT_DATA']).toContain(state);
      }
    });

    test('status --json: the same report as data', async () => {
      const result = await cmd('status', '--stack', 'OrderProcessing', '--json');
      expect(result.code).toBe(0);
      const [report, ...others] = JSON.parse(result.out.join('\n'));
      expect(others).toEqual([]);
      expect(report.stack).toBe('OrderProcessing');
      expect(report.queues).toEqual([{
        path: 'Orders', queue: QUEUE, visible: 0, inFlight: 0, deadLetterQueue: DLQ, deadLetterQueueVisible: 1,
      }]);
      expect(report.alarms.map((a: any) => a.path).sort()).toEqual(stack.ofType('AWS::CloudWatch::Alarm').map(statusPath).sort());
      expect(report.alarms.map((a: any) => a.name).sort()).toEqual(stack.ofType('AWS::CloudWatch::Alarm').map((a) => a.physicalId).sort());
    });

    test('peek --json: the poison message, the queue it failed in, and it stays in the DLQ, visible', async () => {
      const result = await cmd('peek', DLQ, '--json');
      expect(result.code).toBe(0);
      const messages = JSON.parse(result.out.join('\n'));
      expect(messages).toEqual([expect.objectContaining({ messageId: poison.id, body: poison.body, sourceQueue: QUEUE })]);
      expect(messages[0].body).toContain('poison');
      expect(run.result.inDeadLetterQueue[0].source).toBe(await stack.queueArn(queue.physicalId));
      // Released at once (ChangeMessageVisibility to 0): visible, not in flight.
      expect(await queueDepth(run.context.clients, dlq.physicalId)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
      const table = await cmd('failed', DLQ);
      expect(table.code).toBe(0);
      expect(table.out[0]).toBe(`${DLQ}: 1 visible, 0 in flight; showing 1, left in the queue`);
      expect(tableRows(table.out.slice(1).join('\n')).slice(1).map((r) => [r[0], r[4]])).toEqual([[poison.id, QUEUE]]);
      expect(total(await queueDepth(run.context.clients, dlq.physicalId))).toBe(1);
    });

    test('redrive --dry-run says what would move and moves nothing', async () => {
      const result = await cmd('redrive', DLQ, '--dry-run');
      expect(result.code).toBe(0);
      expect(result.out).toEqual([`would move 1 message from ${DLQ} to ${QUEUE} (dry run: nothing moved)`]);
      expect(await queueDepth(run.context.clients, dlq.physicalId)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
      expect(total(await queueDepth(run.context.clients, queue.physicalId))).toBe(0);
    });

    test('redrive moves the message back; the consumer receives it again (new id, same body), once per receive', async () => {
      const before = await consumerReceives(stack, queue);
      const result = await cmd('redrive', DLQ);
      expect(result.code).toBe(0);
      if (suiteSession().gaps['sqs-message-move-task'].present) {
        // StartMessageMoveTask answers InvalidAction on the emulator (sqs.py line 409): the command says so and moves client-side.
        expect(result.err).toContain(`${endpoint()} offers no message move task: moving client-side, message by message`);
        expect(result.out).toEqual([`moved 1 message from ${DLQ} to ${QUEUE}`]);
      } else {
        // SQS's message move task, followed to its end (ListMessageMoveTasks: COMPLETED, 1 of 1 moved).
        expect(result.err).toContain(`started a message move task from ${DLQ} to ${QUEUE}`);
        expect(result.out).toEqual([`completed: moved 1 of 1 message from ${DLQ} to ${QUEUE}`]);
      }
      expect(total(await queueDepth(run.context.clients, dlq.physicalId))).toBe(0);

      const isCopy = (r: LoggedReceive) => r.body === poison.body && r.messageId !== poison.id;
      const after = await pollUntil(() => consumerReceives(stack, queue), (rs) => rs.filter(isCopy).length >= 1, {
        description: 'the consumer to receive the redriven message', timeoutMs: 120_000, intervalMs: 2_000,
      });
      const copies = new Set(after.filter(isCopy).map((r) => r.messageId));
      expect(copies.size).toBe(1);
      redriven = { id: [...copies][0] };
      expect(before.filter((r) => r.messageId === redriven!.id)).toEqual([]);
    }, scaled(4 * 60_000));

    test('the redriven message fails again and returns to the DLQ after maxReceiveCount receives: consumed + parked = sent', async () => {
      expect(redriven).toBeDefined();
      const { clients } = run.context;
      const maxReceiveCount = run.result.maxReceiveCount;
      await pollUntil(
        async () => ({ queue: total(await queueDepth(clients, queue.physicalId)), dlq: await queueDepth(clients, dlq.physicalId) }),
        (d) => d.queue === 0 && d.dlq.visible === 1,
        { description: `the redriven message back in ${DLQ}`, timeoutMs: ((maxReceiveCount + 1) * 60 + 90) * 1000, intervalMs: 2_000 },
      );
      const copyReceived = (rs: LoggedReceive[]) => rs.filter((r) => r.messageId === redriven!.id).length >= maxReceiveCount;
      const receives = await pollUntil(() => consumerReceives(stack, queue), copyReceived, {
        description: `${maxReceiveCount} receives of the redriven message in the consumer's log`, timeoutMs: 60_000, intervalMs: 2_000,
      });
      const count = (id: string) => receives.filter((r) => r.messageId === id).length;
      expect({ original: count(poison.id), copy: count(redriven!.id) }).toEqual({ original: maxReceiveCount, copy: maxReceiveCount });

      const parked = await messagesIn(clients, dlq.physicalId);
      expect(parked.map((m) => ({ id: m.MessageId, body: m.Body, source: m.Attributes?.DeadLetterQueueSourceArn }))).toEqual([
        { id: redriven!.id, body: poison.body, source: await stack.queueArn(queue.physicalId) },
      ]);
      // Nothing consumed twice: every good message was received once, before and after the redrive; no other body came back.
      for (const id of run.result.goodIds) {
        expect({ id, receives: count(id) }).toEqual({ id, receives: 1 });
      }
      const ids = new Set(receives.map((r) => r.messageId));
      expect([...ids].sort()).toEqual([...run.result.goodIds, poison.id, redriven!.id].sort());
      const consumed = run.result.goodIds.length;
      expect({ consumed, parked: parked.length, left: total(await queueDepth(clients, queue.physicalId)) })
        .toEqual({ consumed: GOOD_MESSAGES, parked: POISON_MESSAGES, left: 0 });
      expect(consumed + parked.length).toBe(GOOD_MESSAGES + POISON_MESSAGES);
      process.stderr.write(`[operations] ${displayName(queue)}: ${consumed} consumed + ${parked.length} in ${DLQ} = `
        + `${GOOD_MESSAGES + POISON_MESSAGES} sent; left 0 (redriven once as ${redriven!.id})\n`);
    }, scaled(8 * 60_000));

    test('purge without --yes and without a terminal fails and deletes nothing; with --yes it empties the DLQ', async () => {
      const { clients } = run.context;
      expect(total(await queueDepth(clients, dlq.physicalId))).toBe(1);
      const refused = await cmd('purge', DLQ);
      expectOneLineError(refused, new RegExp(`^error: purging deletes 1 message of ${DLQ} for good: pass --yes`));
      expect(total(await queueDepth(clients, dlq.physicalId))).toBe(1);

      const purged = await cmd('purge', DLQ, '--yes');
      expect(purged.code).toBe(0);
      expect(purged.out).toEqual([`purged ${DLQ}: 1 message deleted (SQS finishes within 60 seconds)`]);
      await pollUntil(() => queueDepth(clients, dlq.physicalId), (d) => total(d) === 0, {
        description: `${DLQ} empty after the purge`, timeoutMs: 90_000, intervalMs: 2_000,
      });

      const again = await cmd('purge', DLQ, '--yes');
      expect({ code: again.code, out: again.out }).toEqual({ code: 0, out: [`${DLQ} is empty: nothing to delete`] });
      const nothing = await cmd('redrive', DLQ);
      expect({ code: nothing.code, out: nothing.out }).toEqual({ code: 0, out: [`${DLQ} has no visible message: nothing to move`] });
    }, scaled(3 * 60_000));

    test('errors against the real endpoint are one line, exit code 1, no stack trace', async () => {
      const { target: { endpoint: given, region } } = suiteSession().clients;
      const escape = (text: string) => text.replace(/[.]/g, '\\.');
      expectOneLineError(await cmd('peek', 'no-such-queue'),
        new RegExp(`^error: no queue named no-such-queue${given ? ` at ${escape(given)}` : ''}: give its name, URL or ARN$`));
      expectOneLineError(await cmd('peek', QUEUE), new RegExp(`^error: ${QUEUE} is not a dead-letter queue: it has a redrive policy of its own`));
      // The emulator words an unknown stack `Stack [NAME] does not exist` (cloudformation/handlers.py line 840), AWS
      // `Stack with id NAME does not exist`: the command reads both.
      expectOneLineError(await cmd('status', '--stack', 'NoSuchStack'),
        new RegExp(`^error: the stack NoSuchStack does not exist in ${escape(given ?? `AWS in ${region}`)}$`));
      // --endpoint-url wins over AWS_ENDPOINT_URL (which names the running emulator) and over AWS's own endpoints.
      expectOneLineError(await cmd('--endpoint-url', 'http://127.0.0.1:1', 'peek', DLQ),
        /^error: cannot reach http:\/\/127\.0\.0\.1:1: ECONNREFUSED$/);
    }, scaled(3 * 60_000));
  });
});
