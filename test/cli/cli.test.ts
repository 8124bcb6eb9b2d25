import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { FakeAws, RecordingIo } from './fake-aws';
import { sizedBatches } from '../../cli/commands/redrive';
import { parseTime, ruleArn, uniqueReplayName } from '../../cli/commands/replay';
import { describeError } from '../../cli/errors';
import { run } from '../../cli/program';
import { EventBusRoute, QueueWithDlq, RouteTarget } from '../../src';

/**
 * The operator command against an in-memory SQS, CloudFormation, CloudWatch
 * and EventBridge (test/cli/fake-aws.ts). The behaviours it relies on:
 * - a received message stays hidden for the visibility timeout and is
 *   visible again at once after ChangeMessageVisibility to 0 (Amazon SQS
 *   Developer Guide, "Amazon SQS visibility timeout",
 *   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html);
 * - StartMessageMoveTask moves messages from a dead-letter queue of other
 *   SQS queues only, back to each message's source or to DestinationArn, and
 *   ListMessageMoveTasks reports the task's status and counts
 *   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html);
 * - a redrive destination must be of the dead-letter queue's type, FIFO
 *   or standard ("Learn how to configure a dead-letter queue redrive",
 *   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html);
 * - a message moved to a dead-letter queue carries DeadLetterQueueSourceArn
 *   (ReceiveMessage, MessageSystemAttributeNames);
 * - the emulator (MiniStack 1.5.33) offers neither StartMessageMoveTask nor
 *   ListDeadLetterSourceQueues: it answers InvalidAction (read from its SQS handler table).
 */

async function cli(fake: FakeAws, argv: string[], io = new RecordingIo()): Promise<{ code: number; io: RecordingIo }> {
  const code = await run({ clients: (o) => fake.clients(o.endpointUrl), io, version: '1.2.3' }, argv);
  return { code, io };
}

/** An orders queue whose dead-letter queue holds three failed messages. */
function ordersWithFailures(options: { moveTasks?: boolean } = {}): FakeAws {
  const fake = new FakeAws(options);
  fake.addQueue('orders-dlq');
  const orders = fake.addQueue('orders', { deadLetterQueue: 'orders-dlq', maxReceiveCount: 3 });
  for (const body of ['{"orderId":"1"}', '{"orderId":"2"}', '{"orderId":"3"}']) {
    fake.put('orders-dlq', body, { sourceArn: orders.arn, receiveCount: 3, messageAttributes: { kind: { DataType: 'String', StringValue: 'order' } } });
  }
  return fake;
}

describe('usage', () => {
  test('--help lists the commands and exits 0', async () => {
    const { code, io } = await cli(new FakeAws(), ['--help']);
    expect(code).toBe(0);
    for (const command of ['status', 'peek|failed', 'redrive', 'purge', 'replay']) {
      expect(io.text).toContain(command);
    }
  });

  test('--version prints the package version', async () => {
    const { code, io } = await cli(new FakeAws(), ['--version']);
    expect(code).toBe(0);
    expect(io.text).toBe('1.2.3');
  });

  test('an unknown command, a missing argument and a bad number are one-line errors with exit code 1', async () => {
    for (const argv of [['frobnicate'], ['peek'], ['peek', 'orders-dlq', '--max', '0'], ['redrive', 'q', '--max-per-second', 'fast'], ['replay', 'r']]) {
      const { code, io } = await cli(new FakeAws(), argv);
      expect(code).toBe(1);
      expect(io.notes[0]).toMatch(/^error: /);
      expect(io.notes.join('\n')).not.toMatch(/\n\s+at /);
    }
    const { io } = await cli(new FakeAws(), ['peek', 'orders-dlq', '--max', '0']);
    expect(io.notes[0]).toContain('--max must be a whole number from 1 to 1000, got 0');
  });
});

describe('peek', () => {
  test('shows the failed messages with their receives, source and attributes, and leaves them in the queue', async () => {
    const fake = ordersWithFailures();
    const { code, io } = await cli(fake, ['peek', 'orders-dlq']);
    expect(code).toBe(0);
    expect(io.output[0]).toBe('orders-dlq: 3 visible, 0 in flight; showing 3, left in the queue');
    expect(io.text).toContain('{"orderId":"2"}');
    expect(io.text).toContain('kind=order');
    expect(io.text).toMatch(/│ orders\s+│/);
    // Released at once: the next reader sees every message.
    expect(fake.calls.filter((c) => c.operation === 'ChangeMessageVisibilityBatch').flatMap((c) => c.input.Entries.map((e: any) => e.VisibilityTimeout)))
      .toEqual([0, 0, 0]);
    const { io: again } = await cli(fake, ['peek', 'orders-dlq', '--json']);
    const messages = JSON.parse(again.text);
    expect(messages.map((m: any) => m.body)).toEqual(['{"orderId":"1"}', '{"orderId":"2"}', '{"orderId":"3"}']);
    expect(messages[0]).toMatchObject({ sourceQueue: 'orders', attributes: { kind: 'order' }, receiveCount: 5 });
  });

  test('--max limits how many are shown; the queue may be given by URL or ARN', async () => {
    const fake = ordersWithFailures();
    const dlq = fake.queue('orders-dlq');
    for (const reference of [dlq.url, dlq.arn]) {
      const { io } = await cli(fake, ['peek', reference, '--max', '2', '--json']);
      expect(JSON.parse(io.text)).toHaveLength(2);
    }
  });

  test('failed is another name for peek', async () => {
    const { code, io } = await cli(ordersWithFailures(), ['failed', 'orders-dlq']);
    expect(code).toBe(0);
    expect(io.output[0]).toMatch(/^orders-dlq: 3 visible/);
  });

  test('a queue with a redrive policy of its own is refused: reading it would count receives toward its maxReceiveCount', async () => {
    const fake = ordersWithFailures();
    fake.put('orders', 'pending');
    const { code, io } = await cli(fake, ['peek', 'orders', '--any-queue']);
    expect(code).toBe(1);
    expect(io.notes).toEqual([expect.stringMatching(/^error: orders is not a dead-letter queue: it has a redrive policy of its own/)]);
    expect(fake.operations('sqs')).not.toContain('ReceiveMessage');
  });

  test('a queue no queue names as its dead-letter queue is refused, unless --any-queue', async () => {
    const fake = new FakeAws();
    fake.addQueue('handler-failures');
    fake.put('handler-failures', '{"requestContext":{}}');
    const refused = await cli(fake, ['peek', 'handler-failures']);
    expect(refused.code).toBe(1);
    expect(refused.io.notes[0]).toMatch(/not a dead-letter queue: no queue names it in its redrive policy.*--any-queue/);
    const allowed = await cli(fake, ['peek', 'handler-failures', '--any-queue']);
    expect(allowed.code).toBe(0);
    expect(allowed.io.text).toContain('requestContext');
  });

  test('where ListDeadLetterSourceQueues is not offered, the redrive policies of the queues are read instead', async () => {
    const fake = ordersWithFailures({ moveTasks: false });
    const { code } = await cli(fake, ['peek', 'orders-dlq']);
    expect(code).toBe(0);
    expect(fake.operations('sqs')).toEqual(expect.arrayContaining(['ListDeadLetterSourceQueues', 'ListQueues']));
  });

  test('an unknown queue is a one-line error', async () => {
    const { code, io } = await cli(new FakeAws(), ['peek', 'nope-dlq']);
    expect(code).toBe(1);
    expect(io.notes).toEqual(['error: no queue named nope-dlq: give its name, URL or ARN']);
  });
});

describe('redrive', () => {
  test('with SQS\'s message move task: started to the source queue, followed until completed', async () => {
    const fake = ordersWithFailures();
    const { code, io } = await cli(fake, ['redrive', 'orders-dlq', '--max-per-second', '50']);
    expect(code).toBe(0);
    const start = fake.calls.find((c) => c.operation === 'StartMessageMoveTask')!;
    expect(start.input).toEqual({ SourceArn: fake.queue('orders-dlq').arn, DestinationArn: fake.queue('orders').arn, MaxNumberOfMessagesPerSecond: 50 });
    expect(io.output).toEqual(['completed: moved 3 of 3 messages from orders-dlq to orders']);
    expect(fake.bodies('orders')).toHaveLength(3);
    expect(fake.bodies('orders-dlq')).toEqual([]);
  });

  test('without one (the emulator): client-side, every message moved once with its attributes, and nothing left', async () => {
    const fake = ordersWithFailures({ moveTasks: false });
    fake.queue('orders-dlq').messages[0].traceHeader = 'Root=1-abc';
    const { code, io } = await cli(fake, ['redrive', 'orders-dlq']);
    expect(code).toBe(0);
    expect(io.notes[0]).toMatch(/offers no message move task: moving client-side/);
    expect(io.output).toEqual(['moved 3 messages from orders-dlq to orders']);
    // Conservation: what was in the dead-letter queue is in the source queue, once.
    expect(fake.bodies('orders').sort()).toEqual(['{"orderId":"1"}', '{"orderId":"2"}', '{"orderId":"3"}']);
    expect(fake.bodies('orders-dlq')).toEqual([]);
    const moved = fake.queue('orders').messages;
    expect(moved.every((m) => m.messageAttributes?.kind.StringValue === 'order')).toBe(true);
    expect(moved.find((m) => m.body === '{"orderId":"1"}')?.traceHeader).toBe('Root=1-abc');
  });

  test('a FIFO dead-letter queue keeps each message\'s group and deduplication ids', async () => {
    const fake = new FakeAws({ moveTasks: false });
    fake.addQueue('orders-dlq.fifo');
    const source = fake.addQueue('orders.fifo', { deadLetterQueue: 'orders-dlq.fifo' });
    fake.put('orders-dlq.fifo', 'a', { groupId: 'customer-1', dedupId: 'm-original-1', sourceArn: source.arn });
    fake.put('orders-dlq.fifo', 'b', { groupId: 'customer-2', dedupId: 'm-original-2', sourceArn: source.arn });
    const { code } = await cli(fake, ['redrive', 'orders-dlq.fifo']);
    expect(code).toBe(0);
    expect(fake.queue('orders.fifo').messages.map((m) => [m.body, m.groupId, m.dedupId])).toEqual([
      ['a', 'customer-1', 'm-original-1'],
      ['b', 'customer-2', 'm-original-2'],
    ]);
  });

  test('a FIFO dead-letter queue and a standard destination are refused before anything moves', async () => {
    const fake = new FakeAws();
    fake.addQueue('orders-dlq.fifo');
    fake.addQueue('orders.fifo', { deadLetterQueue: 'orders-dlq.fifo' });
    fake.addQueue('other');
    fake.put('orders-dlq.fifo', 'a', { groupId: 'g' });
    const { code, io } = await cli(fake, ['redrive', 'orders-dlq.fifo', '--to', 'other']);
    expect(code).toBe(1);
    expect(io.notes).toEqual([
      'error: orders-dlq.fifo is a FIFO queue and other a standard one: messages can only be moved between queues of the same type',
    ]);
    expect(fake.bodies('orders-dlq.fifo')).toEqual(['a']);
  });

  test('the dead-letter queue itself as destination is refused', async () => {
    const { code, io } = await cli(ordersWithFailures(), ['redrive', 'orders-dlq', '--to', 'orders-dlq']);
    expect(code).toBe(1);
    expect(io.notes[0]).toBe('error: the destination is orders-dlq itself: give another queue with --to');
  });

  test('--dry-run says what would move, and moves nothing', async () => {
    const fake = ordersWithFailures();
    const { code, io } = await cli(fake, ['redrive', 'orders-dlq', '--dry-run', '--max-per-second', '5']);
    expect(code).toBe(0);
    expect(io.output).toEqual(['would move 3 messages from orders-dlq to orders at most 5 a second (dry run: nothing moved)']);
    expect(fake.operations('sqs')).not.toEqual(expect.arrayContaining(['StartMessageMoveTask', 'SendMessageBatch', 'ReceiveMessage']));
    expect(fake.bodies('orders-dlq')).toHaveLength(3);
  });

  test('messages SQS refuses stay in the dead-letter queue, visible, and the exit code is 1', async () => {
    const fake = ordersWithFailures({ moveTasks: false });
    fake.refuse('{"orderId":"2"}');
    const { code, io } = await cli(fake, ['redrive', 'orders-dlq']);
    expect(code).toBe(1);
    expect(io.output).toEqual(['moved 2 messages from orders-dlq to orders; 1 could not be moved and is still in orders-dlq']);
    expect(fake.bodies('orders-dlq')).toEqual(['{"orderId":"2"}']);
    expect(fake.queue('orders-dlq').messages[0].invisibleUntil).toBeLessThanOrEqual(Date.now());
  });

  test('a refused message is counted once and kept aside, so every other message is moved', async () => {
    const fake = new FakeAws({ moveTasks: false });
    fake.addQueue('orders-dlq');
    const source = fake.addQueue('orders', { deadLetterQueue: 'orders-dlq' });
    for (let i = 0; i < 25; i++) {
      fake.put('orders-dlq', `m${i}`, { sourceArn: source.arn });
    }
    fake.refuse('m0');
    const { code, io } = await cli(fake, ['redrive', 'orders-dlq']);
    expect(code).toBe(1);
    expect(io.output).toEqual(['moved 24 messages from orders-dlq to orders; 1 could not be moved and is still in orders-dlq']);
    expect(fake.bodies('orders-dlq')).toEqual(['m0']);
    expect(fake.bodies('orders')).toHaveLength(24);
  });

  test('batches stay within SendMessageBatch\'s total size: a batch over it is refused whole (BatchRequestTooLong)', () => {
    // "The maximum allowed individual message size and the maximum total payload size (the sum of the individual
    // lengths of all of the batched messages) are both 256 KiB" for queues at the default size
    // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html).
    const message = (kib: number) => ({ MessageId: `${kib}`, Body: 'x'.repeat(kib * 1024 - 10), MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } });
    const batches = sizedBatches([message(110), message(110), message(110), message(500), message(1), message(1)]);
    expect(batches.map((b) => b.map((m) => m.MessageId))).toEqual([['110', '110'], ['110'], ['500'], ['1', '1']]);
    expect(sizedBatches(Array.from({ length: 23 }, () => message(1))).map((b) => b.length)).toEqual([10, 10, 3]);
  });

  test('--max-per-second paces a client-side move', async () => {
    const fake = new FakeAws({ moveTasks: false });
    fake.addQueue('orders-dlq');
    const source = fake.addQueue('orders', { deadLetterQueue: 'orders-dlq' });
    for (let i = 0; i < 25; i++) {
      fake.put('orders-dlq', `m${i}`, { sourceArn: source.arn });
    }
    const { io } = await cli(fake, ['redrive', 'orders-dlq', '--max-per-second', '10']);
    expect(fake.bodies('orders')).toHaveLength(25);
    // 25 messages at 10 a second: 2.5 seconds of waiting on a clock that only waits move.
    expect(io.sleeps.reduce((a, b) => a + b, 0)).toBe(2500);
  });

  test('a dead-letter queue of several queues sends each message back to its own source', async () => {
    const fake = new FakeAws({ moveTasks: false });
    fake.addQueue('shared-dlq');
    const a = fake.addQueue('a', { deadLetterQueue: 'shared-dlq' });
    const b = fake.addQueue('b', { deadLetterQueue: 'shared-dlq' });
    fake.put('shared-dlq', 'from-a', { sourceArn: a.arn });
    fake.put('shared-dlq', 'from-b', { sourceArn: b.arn });
    const { code } = await cli(fake, ['redrive', 'shared-dlq']);
    expect(code).toBe(0);
    expect(fake.bodies('a')).toEqual(['from-a']);
    expect(fake.bodies('b')).toEqual(['from-b']);
  });

  test('the failure queue of another service needs --to, and is moved client-side (SQS\'s task moves from DLQs of SQS queues only)', async () => {
    const fake = new FakeAws();
    fake.addQueue('subscription-dlq');
    fake.addQueue('retry');
    fake.put('subscription-dlq', 'undelivered');
    const without = await cli(fake, ['redrive', 'subscription-dlq']);
    expect(without.code).toBe(1);
    expect(without.io.notes[0]).toMatch(/not a dead-letter queue: no queue names it/);
    const withTo = await cli(fake, ['redrive', 'subscription-dlq', '--to', 'retry']);
    expect(withTo.code).toBe(0);
    expect(fake.operations('sqs')).not.toContain('StartMessageMoveTask');
    expect(fake.bodies('retry')).toEqual(['undelivered']);
  });

  test('an empty dead-letter queue: nothing to move', async () => {
    const fake = new FakeAws();
    fake.addQueue('orders-dlq');
    fake.addQueue('orders', { deadLetterQueue: 'orders-dlq' });
    const { code, io } = await cli(fake, ['redrive', 'orders-dlq']);
    expect(code).toBe(0);
    expect(io.output).toEqual(['orders-dlq has no visible message: nothing to move']);
  });
});

describe('purge', () => {
  test('asks first, and deletes nothing on no', async () => {
    const fake = ordersWithFailures();
    const { code, io } = await cli(fake, ['purge', 'orders-dlq'], new RecordingIo(true, false));
    expect(code).toBe(0);
    expect(io.questions).toEqual(['Delete all 3 messages of orders-dlq? They cannot be recovered.']);
    expect(io.output).toEqual(['nothing deleted']);
    expect(fake.bodies('orders-dlq')).toHaveLength(3);
  });

  test('deletes every message on yes, and says how many', async () => {
    const fake = ordersWithFailures();
    const { code, io } = await cli(fake, ['purge', 'orders-dlq'], new RecordingIo(true, true));
    expect(code).toBe(0);
    expect(io.output).toEqual(['purged orders-dlq: 3 messages deleted (SQS finishes within 60 seconds)']);
    expect(fake.bodies('orders-dlq')).toEqual([]);
  });

  test('without a person at the terminal, only with --yes', async () => {
    const fake = ordersWithFailures();
    const refused = await cli(fake, ['purge', 'orders-dlq']);
    expect(refused.code).toBe(1);
    expect(refused.io.notes[0]).toBe('error: purging deletes 3 messages of orders-dlq for good: pass --yes to confirm when no one is at the terminal');
    expect(fake.operations('sqs')).not.toContain('PurgeQueue');
    const confirmed = await cli(fake, ['purge', 'orders-dlq', '--yes']);
    expect(confirmed.code).toBe(0);
    expect(fake.bodies('orders-dlq')).toEqual([]);
  });

  test('a source queue is refused', async () => {
    const fake = ordersWithFailures();
    const { code } = await cli(fake, ['purge', 'orders', '--yes']);
    expect(code).toBe(1);
    expect(fake.operations('sqs')).not.toContain('PurgeQueue');
  });
});

/** A stack synthesized as the CDK CLI does, with the construct paths of its resources in their metadata. */
function synthesized(build: (stack: Stack) => void): any {
  const app = new App({ context: { 'aws:cdk:enable-path-metadata': true } });
  const stack = new Stack(app, 'Shop');
  build(stack);
  return Template.fromStack(stack).toJSON();
}

describe('status', () => {
  /** QueueWithDlq `Orders` (queue `orders`, dead-letter queue `orders-dlq` holding 3 messages) and a failure queue of its own. */
  function deployed(): FakeAws {
    const fake = ordersWithFailures();
    fake.addQueue('handler-failures');
    const template = synthesized((stack) => {
      new QueueWithDlq(stack, 'Orders', { queueName: 'orders', deadLetterQueueName: 'orders-dlq' });
      new sqs.Queue(stack, 'HandlerFailures', { queueName: 'handler-failures' });
    });
    fake.deploy('Shop', template, (logicalId, resource) => {
      if (resource.Type === 'AWS::SQS::Queue') {
        return fake.queue(resource.Properties.QueueName).url;
      }
      return resource.Type === 'AWS::CloudWatch::Alarm' ? `Shop-${logicalId}` : undefined;
    });
    const alarms = Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm').map(([id]) => `Shop-${id}`);
    fake.alarms.set(alarms.find((a) => a.includes('DeadLetterQueueAlarm'))!, { StateValue: 'ALARM', StateReason: 'Threshold Crossed' });
    fake.alarms.set(alarms.find((a) => a.includes('OldestMessageAlarm'))!, { StateValue: 'OK', StateReason: '' });
    fake.metricValues.set('orders', [420, 30]);
    return fake;
  }

  test('each queue of the stack with its dead-letter queue, by construct path, and the alarms, those firing first', async () => {
    const { code, io } = await cli(deployed(), ['status', '--stack', 'Shop']);
    expect(code).toBe(0);
    expect(io.output[0]).toBe('Stack Shop');
    const rows = io.output[1].split('\n').filter((l) => l.startsWith('│'));
    expect(rows.map((r) => r.split('│').map((c) => c.trim()).filter(Boolean))).toEqual([
      ['Queue', 'Visible', 'In flight', 'Oldest', 'Dead-letter queue', 'DLQ visible'],
      ['HandlerFailures', '0', '0', '-', '-', '-'],
      ['Orders', '0', '0', '7 min', 'orders-dlq', '3'],
    ]);
    const alarms = io.output[2].split('\n').filter((l) => l.startsWith('│')).map((r) => r.split('│').map((c) => c.trim()).filter(Boolean));
    expect(alarms).toEqual([['Alarm', 'State'], ['Orders/DeadLetterQueueAlarm', 'ALARM'], ['Orders/OldestMessageAlarm', 'OK']]);
  });

  test('--json, and every stack when none is named', async () => {
    const { io } = await cli(deployed(), ['status', '--json']);
    const [report] = JSON.parse(io.text);
    expect(report.stack).toBe('Shop');
    expect(report.queues.find((q: any) => q.path === 'Orders')).toEqual({
      path: 'Orders', queue: 'orders', visible: 0, inFlight: 0, oldestMessageAge: 420, deadLetterQueue: 'orders-dlq', deadLetterQueueVisible: 3,
    });
  });

  test('without --stack, a stack that cannot be read is skipped with a note; named, it is an error', async () => {
    const fake = deployed();
    fake.queues.delete(fake.queue('handler-failures').url);
    const all = await cli(fake, ['status', '--json']);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.io.text)).toEqual([]);
    expect(all.io.notes).toEqual([expect.stringMatching(/^stack Shop skipped: the queue does not exist/)]);
    const named = await cli(fake, ['status', '--stack', 'Shop']);
    expect(named.code).toBe(1);
  });

  test('an unknown stack is a one-line error naming it and where it was looked for, in AWS\'s wording and an emulator\'s', async () => {
    const { code, io } = await cli(deployed(), ['status', '--stack', 'Nope', '--region', 'eu-west-1']);
    expect(code).toBe(1);
    expect(io.notes).toEqual(['error: the stack Nope does not exist in AWS in eu-west-1']);
    const emulator = Object.assign(new Error('Stack [Nope] does not exist'), { name: 'ValidationError' });
    expect(describeError(emulator, { endpoint: 'http://127.0.0.1:4566' })).toBe('the stack Nope does not exist in http://127.0.0.1:4566');
  });
});

describe('replay', () => {
  /** Two routes on the bus `shop`, Shipping with an archive; rules have CloudFormation's physical id `bus|rule`. */
  function withRoute(): FakeAws {
    const fake = new FakeAws();
    const template = synthesized((stack) => {
      const bus = new events.EventBus(stack, 'Bus', { eventBusName: 'shop' });
      new EventBusRoute(stack, 'Shipping', { eventBus: bus, eventPattern: { source: ['shop'] }, targets: [RouteTarget.newQueue()], archive: {} });
      new EventBusRoute(stack, 'Billing', { eventBus: bus, eventPattern: { source: ['shop'] }, targets: [RouteTarget.newQueue()] });
    });
    fake.deploy('Shop', template, (logicalId, resource) => {
      if (resource.Type === 'AWS::Events::Rule') {
        return `shop|Shop-${logicalId}`;
      }
      return resource.Type === 'AWS::Events::Archive' ? 'ShopShippingArchive' : undefined;
    });
    fake.archives.set('ShopShippingArchive', {
      ArchiveArn: 'arn:aws:events:us-east-1:111111111111:archive/ShopShippingArchive',
      EventSourceArn: 'arn:aws:events:us-east-1:111111111111:event-bus/shop',
    });
    return fake;
  }

  test('finds the route\'s archive and rule in the stack, replays to that rule only, and follows the replay to its end', async () => {
    const fake = withRoute();
    const { code, io } = await cli(fake, ['replay', 'Shipping', '--stack', 'Shop', '--from', '2h', '--to', '2026-12-01T11:30:00Z']);
    expect(code).toBe(0);
    const [[name, replay]] = [...fake.replays];
    const rule = fake.stacks.get('Shop')!.resources.find((r) => r.ResourceType === 'AWS::Events::Rule' && r.LogicalResourceId.startsWith('Shipping'))!;
    // A custom bus's rule: CloudFormation's physical id is `bus|rule`, its ARN `rule/bus/rule`.
    expect(replay.input).toMatchObject({
      EventSourceArn: 'arn:aws:events:us-east-1:111111111111:archive/ShopShippingArchive',
      EventStartTime: new Date('2026-12-01T10:00:00Z'),
      EventEndTime: new Date('2026-12-01T11:30:00Z'),
      Destination: {
        Arn: 'arn:aws:events:us-east-1:111111111111:event-bus/shop',
        FilterArns: [`arn:aws:events:us-east-1:111111111111:rule/shop/${rule.PhysicalResourceId.split('|')[1]}`],
      },
    });
    expect(name).toMatch(/^ShopShippingArchive-20261201120000-[a-z0-9]{1,4}$/);
    expect(io.output[0]).toMatch(/to the rule of Shipping; starting$/);
    expect(io.output[1]).toMatch(/completed$/);
  });

  test('each run gets a replay name of its own, within 64 characters of EventBridge\'s alphabet', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    const names = new Set(Array.from({ length: 20 }, () => uniqueReplayName('orders', now)));
    expect(names.size).toBeGreaterThan(1);
    const long = uniqueReplayName('a'.repeat(100), now);
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/^[.\-_A-Za-z0-9]+$/);
  });

  test('by archive name alone, every rule of the bus receives the events; --no-wait returns once started', async () => {
    const fake = withRoute();
    const { code, io } = await cli(fake, ['replay', 'ShopShippingArchive', '--from', '2026-12-01T00:00:00Z', '--no-wait']);
    expect(code).toBe(0);
    expect([...fake.replays.values()][0].input.Destination.FilterArns).toBeUndefined();
    expect(io.output).toEqual([expect.stringMatching(/to every rule of the bus; starting$/)]);
    expect(fake.operations('events')).not.toContain('DescribeReplay');
  });

  test('times that cannot be replayed are refused', async () => {
    const fake = withRoute();
    const cases: Array<[string[], RegExp]> = [
      [['--from', '1h', '--to', '2h'], /--from .* must be before --to/],
      [['--from', 'yesterday'], /--from yesterday is not a time/],
      [['--from', '1h', '--to', '2027-01-01T00:00:00Z'], /is in the future/],
    ];
    for (const [times, message] of cases) {
      const { code, io } = await cli(fake, ['replay', 'ShopShippingArchive', ...times]);
      expect(code).toBe(1);
      expect(io.notes[0]).toMatch(message);
    }
    expect(fake.replays.size).toBe(0);
  });

  test('an unknown archive or route is a one-line error; a route whose rule is not in the stack is not widened to the bus', async () => {
    const byName = await cli(withRoute(), ['replay', 'Nope', '--from', '1h']);
    expect(byName.io.notes).toEqual(['error: no archive named Nope: give the archive\'s name, or the route\'s construct id with --stack']);
    const inStack = await cli(withRoute(), ['replay', 'Billing', '--stack', 'Shop', '--from', '1h']);
    expect(inStack.io.notes[0]).toMatch(/^error: no archive under Billing in stack Shop \(archives: Shipping\/Archive\/Archive\)/);
    const noRule = withRoute();
    const stack = noRule.stacks.get('Shop')!;
    stack.resources = stack.resources.filter((r) => !(r.ResourceType === 'AWS::Events::Rule' && r.LogicalResourceId.startsWith('Shipping')));
    const widened = await cli(noRule, ['replay', 'Shipping', '--stack', 'Shop', '--from', '1h']);
    expect(widened.code).toBe(1);
    expect(widened.io.notes[0]).toMatch(/^error: no rule of the route Shipping in stack Shop/);
    expect(noRule.replays.size).toBe(0);
  });

  test('rule ARNs of the default bus and of a custom bus', () => {
    expect(ruleArn('arn:aws:events:eu-west-1:1:event-bus/default', 'nightly')).toBe('arn:aws:events:eu-west-1:1:rule/nightly');
    expect(ruleArn('arn:aws:events:eu-west-1:1:event-bus/shop', 'shop|r1')).toBe('arn:aws:events:eu-west-1:1:rule/shop/r1');
  });

  test('times: ISO 8601, now, or a duration ago', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect(parseTime('--from', '30m', now).toISOString()).toBe('2026-12-01T11:30:00.000Z');
    expect(parseTime('--from', '7d', now).toISOString()).toBe('2026-11-24T12:00:00.000Z');
    expect(parseTime('--to', 'now', now)).toBe(now);
    expect(parseTime('--from', '2026-11-30T08:00:00+01:00', now).toISOString()).toBe('2026-11-30T07:00:00.000Z');
  });
});

describe('errors become one line', () => {
  test('credentials, region, endpoint, access and anything else', () => {
    const err = (name: string, message: string, extra: object = {}) => Object.assign(new Error(message), { name }, extra);
    expect(describeError(err('CredentialsProviderError', 'Could not load credentials from any providers')))
      .toBe('no AWS credentials found: pass --profile, or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    expect(describeError(err('Error', 'Region is missing'))).toBe('no AWS region: pass --region, or set AWS_REGION');
    expect(describeError(err('Error', 'connect ECONNREFUSED 127.0.0.1:4566', { code: 'ECONNREFUSED' }), { endpoint: 'http://127.0.0.1:4566' }))
      .toBe('cannot reach http://127.0.0.1:4566: ECONNREFUSED');
    expect(describeError(err('AccessDenied', 'User: arn:aws:iam::1:user/x is not authorized to perform: sqs:ReceiveMessage')))
      .toMatch(/^access denied: /);
    expect(describeError(err('ThrottlingException', 'Rate exceeded\n    at somewhere (file.js:1:1)'))).toBe('ThrottlingException: Rate exceeded');
  });

  test('a failure inside a command prints no stack trace', async () => {
    const io = new RecordingIo();
    const code = await run({
      clients: () => {
        throw Object.assign(new Error('Could not load credentials from any providers\n    at x (y.js:1:1)'), { name: 'CredentialsProviderError' });
      },
      io,
      version: '0',
    }, ['status']);
    expect(code).toBe(1);
    expect(io.notes).toEqual(['error: no AWS credentials found: pass --profile, or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY']);
  });
});
