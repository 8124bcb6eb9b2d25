/**
 * `cdk-message-patterns replay` (the bundled executable, run as a process)
 * against order-events deployed with `cdk deploy` to the emulator: events put
 * on the route's bus are archived and delivered once; a replay of the archive
 * delivers the archived events once more, marked with `replay-name`, and the
 * command follows it to `completed`. Every event is accounted for: the large
 * order reaches the route's queue exactly twice (live + replay), the small one
 * never, and nothing is left.
 *
 * AWS behaviour relied on:
 * - an archive keeps the events of its bus that match its pattern (every
 *   event without one); StartReplay sends the events archived between
 *   EventStartTime and EventEndTime back to the bus, to the rules of
 *   Destination.FilterArns or, without them, to every rule of the bus; each
 *   replayed event carries `replay-name` (Amazon EventBridge User Guide,
 *   "Archiving and replaying events",
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-archive.html and
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-replay-archived-event.html;
 *   https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html,
 *   https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ReplayDestination.html);
 * - DescribeReplay reports STARTING, RUNNING, then COMPLETED
 *   (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeReplay.html);
 * - an SQS target receives the whole event as the message body
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html).
 *
 * Where the emulator (MiniStack 1.5.33) differs, read from its source
 * (.venv/lib/python3.11/site-packages/ministack/services/eventbridge.py):
 * - its CloudFormation cannot create AWS::Events::Archive (gap
 *   cfn-events-archive, whose shim removes the archive from the template):
 *   the suite creates the same archive through the API (CreateArchive, line 2998);
 * - `_start_replay` (line 3103) replays in a thread that sets `ReplayName` on
 *   each event (line 3178) and re-dispatches it to every matching rule of the
 *   bus (`_dispatch_event`, line 1055): Destination.FilterArns is ignored
 *   (the command sends none without --stack); the event is delivered with
 *   `replay-name` (`_pattern_event_view`, line 1246) and its original `id`.
 */
import { DescribeArchiveCommandOutput, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { Message } from '@aws-sdk/client-sqs';
import { GapId } from './gaps/runner';
import { countTags, functionObserver, Observer } from './harness/observe';
import { matchesPattern } from './harness/patterns';
import { pollUntil, sleep } from './harness/poll';
import { queueDepth, total } from './harness/queues';
import { DeployedExample, synthesized } from './harness/session';
import { DeployedResource, DeployedStack } from './harness/stack';
import { describeExample, destroyAfterAll, resetAndDeploy, suiteSession, testUnlessGap } from './harness/suite';
import { scaled } from './harness/target';
import { assertFreshBundle, drain, pauseConsumer, routeArchive, runCommand } from './scenarios/operations';
import { onlyStack, referencedLogicalId } from './scenarios/scenario';

const ARCHIVE_GAP: GapId = 'cfn-events-archive';

interface TaggedEvent {
  readonly tag: string;
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

function eventDocument(e: TaggedEvent): Record<string, unknown> {
  return {
    'source': 'shop.orders',
    'detail-type': e.detailType,
    'detail': e.detail,
    'account': suiteSession().clients.target.account,
    'region': suiteSession().clients.target.region,
    'resources': [],
  };
}

function parsed(messages: Message[]): any[] {
  return messages.map((m) => JSON.parse(m.Body ?? '{}'));
}

describeExample('order-events', () => {
  describe('the operator command cdk-message-patterns: replay', () => {
    beforeAll(assertFreshBundle);
    const target = () => suiteSession().clients.target;

    let stack: DeployedStack;
    let queue: DeployedResource;
    let routeDeadLetterQueues: DeployedResource[];
    let releaseStock: Observer;
    let archive: { archive: DescribeArchiveCommandOutput; created: boolean; busName: string };
    let events: { large: TaggedEvent; small: TaggedEvent; cancelled: TaggedEvent };
    let live: any[];
    let tags: string[];
    let deployedExample: DeployedExample | undefined;

    /** Messages in the route's queue, and deliveries of the cancellation to ReleaseStock. */
    const deliveredSoFar = async () => ({
      queue: total(await queueDepth(suiteSession().clients, queue.physicalId)),
      cancelled: (await releaseStock.count(tags)).get(events.cancelled.tag),
    });

    destroyAfterAll(() => deployedExample);

    beforeAll(async () => {
      const session = suiteSession();
      const { deployed, context } = await resetAndDeploy('order-events');
      deployedExample = deployed;
      stack = onlyStack(deployed.stacks);
      const { clients } = context;
      // The route with a queue target (LargeOrders) and the route with a function target (CancelledOrders).
      const rules = stack.ofType('AWS::Events::Rule').filter((r) => r.properties.EventPattern);
      const targetOf = (rule: DeployedResource) => stack.byLogicalId(referencedLogicalId(rule.properties.Targets[0].Arn)!);
      const queueRule = rules.find((r) => targetOf(r).type === 'AWS::SQS::Queue')!;
      const functionRule = rules.find((r) => targetOf(r).type === 'AWS::Lambda::Function')!;
      queue = targetOf(queueRule);
      routeDeadLetterQueues = rules.flatMap((r) => (r.properties.Targets as any[]).map((t) => referencedLogicalId(t.DeadLetterConfig?.Arn)))
        .filter((id): id is string => id !== undefined)
        .map((id) => stack.byLogicalId(id));
      releaseStock = functionObserver(stack, targetOf(functionRule), 'ReleaseStock');

      const run = `${Date.now().toString(36)}`;
      events = {
        large: { tag: `large-${run}`, detailType: 'OrderPlaced', detail: { orderId: `large-${run}`, amount: 150 } },
        small: { tag: `small-${run}`, detailType: 'OrderPlaced', detail: { orderId: `small-${run}`, amount: 50 } },
        cancelled: { tag: `cancelled-${run}`, detailType: 'OrderCancelled', detail: { orderId: `cancelled-${run}`, reason: 'customer' } },
      };
      tags = Object.values(events).map((e) => e.tag);
      // The fixtures sit where they should against the synthesized patterns.
      expect(Object.values(events).map((e) => [e.tag, matchesPattern(queueRule.properties.EventPattern, eventDocument(e))]))
        .toEqual([[events.large.tag, true], [events.small.tag, false], [events.cancelled.tag, false]]);
      expect(matchesPattern(functionRule.properties.EventPattern, eventDocument(events.cancelled))).toBe(true);

      const { stacks: synth } = await synthesized(session.runDir, 'order-events');
      archive = await routeArchive(clients, synth[0].templateFile, session.gaps[ARCHIVE_GAP].present);
      process.stderr.write(`[operations] archive ${archive.archive.ArchiveName} of bus ${archive.busName}`
        + `${archive.created ? ' created through the EventBridge API (gap cfn-events-archive)' : ' created by CloudFormation'}\n`);

      // Pause the queue's consumer, so that the deliveries stay in the queue to be read whole.
      await pauseConsumer(stack, queue);

      const { FailedEntryCount, Entries } = await clients.eventbridge.send(new PutEventsCommand({
        Entries: Object.values(events).map((e) => ({
          EventBusName: archive.busName, Source: 'shop.orders', DetailType: e.detailType, Detail: JSON.stringify(e.detail),
        })),
      }));
      expect({ FailedEntryCount, Entries })
        .toEqual({ FailedEntryCount: 0, Entries: Object.values(events).map(() => ({ EventId: expect.any(String) })) });
      await pollUntil(
        deliveredSoFar,
        (d) => d.queue >= 1 && d.cancelled === 1,
        { description: 'the live deliveries: the large order in the queue, the cancellation at ReleaseStock', timeoutMs: 120_000, intervalMs: 1_000 },
      );
      live = parsed(await drain(clients, queue.physicalId));
    }, scaled(10 * 60_000));

    test('the route\'s archive exists on the route\'s bus; the live events reached their targets once', async () => {
      const { archive: a } = archive;
      expect(a.State).toBe('ENABLED');
      expect(a.EventSourceArn).toMatch(new RegExp(`:event-bus/${archive.busName}$`));
      expect(a.RetentionDays).toBe(7);
      expect(live.map((e) => ({ orderId: e.detail?.orderId, replay: 'replay-name' in e }))).toEqual([{ orderId: events.large.tag, replay: false }]);
      expect(live[0]).toMatchObject({ 'source': 'shop.orders', 'detail-type': 'OrderPlaced', 'detail': events.large.detail });
      expect(Object.fromEntries(await releaseStock.count(tags))).toEqual({ [events.large.tag]: 0, [events.small.tag]: 0, [events.cancelled.tag]: 1 });
    });

    test('replay <archive> --from 10m: followed to completed; the archived events reach their targets once more, with replay-name', async () => {
      const { clients } = suiteSession();
      const result = await runCommand(target(), ['replay', archive.archive.ArchiveName!, '--from', '10m']);
      expect(result.code).toBe(0);
      const first = /^replay (\S+): events of (\S+) from (\S+) to (\S+), to every rule of the bus; starting$/.exec(result.out[0]);
      expect(first).not.toBeNull();
      const [, replayName, archiveName, from, to] = first!;
      expect(archiveName).toBe(archive.archive.ArchiveName);
      // A name of its own for each run: the archive, the time, a random suffix (StartReplay refuses a name already used).
      expect(replayName).toMatch(new RegExp(`^${archiveName}-\\d{14}-[a-z0-9]+$`));
      expect(Date.parse(to) - Date.parse(from)).toBe(10 * 60_000);
      expect(result.out[result.out.length - 1]).toBe(`replay ${replayName} completed`);
      expect(result.err.join('\n')).not.toMatch(/^error:/m);

      // The replay is over: its deliveries are due at once; wait for them, then make sure nothing else comes.
      await pollUntil(
        deliveredSoFar,
        (d) => d.queue >= 1 && d.cancelled === 2,
        { description: 'the replayed deliveries', timeoutMs: 60_000, intervalMs: 1_000 },
      );
      const replayed = parsed(await drain(clients, queue.physicalId));
      await sleep(5_000);
      replayed.push(...parsed(await drain(clients, queue.physicalId)));

      expect(replayed.map((e) => ({ orderId: e.detail?.orderId, replayName: e['replay-name'] })))
        .toEqual([{ orderId: events.large.tag, replayName }]);
      expect(replayed[0]).toMatchObject({ 'source': live[0].source, 'detail-type': live[0]['detail-type'], 'detail': live[0].detail });
      // Conservation: the large order reached the queue twice (live, replay), the small one never, the cancellation twice; nothing left.
      const deliveries = countTags([...live, ...replayed].map((e) => JSON.stringify(e.detail)), tags);
      expect(Object.fromEntries(deliveries)).toEqual({ [events.large.tag]: 2, [events.small.tag]: 0, [events.cancelled.tag]: 0 });
      expect(Object.fromEntries(await releaseStock.count(tags))).toEqual({ [events.large.tag]: 0, [events.small.tag]: 0, [events.cancelled.tag]: 2 });
      expect(total(await queueDepth(clients, queue.physicalId))).toBe(0);
      for (const dlq of routeDeadLetterQueues) {
        expect({ dlq: dlq.path, messages: total(await queueDepth(clients, dlq.physicalId)) }).toEqual({ dlq: dlq.path, messages: 0 });
      }
    }, scaled(4 * 60_000));

    test('an unknown archive is a one-line error, exit code 1', async () => {
      const result = await runCommand(target(), ['replay', 'no-such-archive', '--from', '10m']);
      expect({ code: result.code, out: result.out, err: result.err }).toEqual({
        code: 1, out: [], err: ['error: no archive named no-such-archive: give the archive\'s name, or the route\'s construct id with --stack'],
      });
    });

    // Needs the archive among the stack's resources, which the shim of the gap removes.
    testUnlessGap(ARCHIVE_GAP, 'replay <route> --stack: finds the route\'s archive and rule, and replays to that rule only', async () => {
      const archives = stack.ofType('AWS::Events::Archive');
      expect(archives).toHaveLength(1);
      const route = archives[0].path.split('/')[1];
      const result = await runCommand(target(), ['replay', route, '--stack', stack.stackName, '--from', '10m']);
      expect(result.code).toBe(0);
      expect(result.out[0]).toMatch(new RegExp(`, to the rule of ${route}; `));
      expect(result.out[result.out.length - 1]).toMatch(/ completed$/);
    }, scaled(4 * 60_000));
  });
});
