/**
 * EventBridge Pipes reads an SQS source queue (and runs the pipe's filter,
 * enrichment and target on its messages); the emulator's pipes read DynamoDB
 * streams only, so a pipe from a queue never takes a message.
 */
import { CreatePipeCommand, DeletePipeCommand } from '@aws-sdk/client-pipes';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { defineGap } from './gap';
import { createQueue } from './probes';
import { sleep } from '../harness/poll';
import { queueDepth, total } from '../harness/queues';

/** How long the probe gives the pipe to take the message (Pipes polls a queue continuously). */
const PROBE_WAIT_MS = 5_000;

export const PIPES_SQS_SOURCE = defineGap({
  id: 'pipes-sqs-source',
  summary: 'EventBridge Pipes polls an SQS source queue and delivers its messages through the pipe\'s filter, enrichment and target; '
    + 'MiniStack\'s pipes poll DynamoDB streams only, so the messages of a pipe\'s source queue stay in the queue.',
  source: 'Amazon EventBridge User Guide, Amazon SQS queue as a source in EventBridge Pipes '
    + '(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-sqs.html); '
    + 'MiniStack 1.5.33, ministack/services/pipes.py, whose docstring limits its runtime to "Source: DynamoDB Streams; Target: SNS, Step Functions state machine".',
  probe: `A pipe from a new queue to a new SNS topic (CreatePipe); one message sent to the queue; after ${PROBE_WAIT_MS / 1000} s, is it still there?`,
  handling: 'note',
  whenPresent: 'order-enrichment: the suite checks that the messages sent to the pipe\'s source queue are all still there (none lost, none '
    + 'delivered), and proves the pipe\'s stages one by one (its filter on the sample orders, its enrichment function on the batch Pipes '
    + 'would send, the event the pipe would put through the route); without the gap it expects the pipe itself to deliver the enriched orders.',
  async detect(clients) {
    const suffix = Date.now().toString(36);
    const queue = await createQueue(clients, `integ-probe-pipe-source-${suffix}`);
    const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: `integ-probe-pipe-target-${suffix}` }));
    const name = `integ-probe-sqs-${suffix}`;
    await clients.pipes.send(new CreatePipeCommand({
      Name: name, Source: queue.arn, Target: TopicArn!, RoleArn: `arn:aws:iam::${clients.target.account}:role/integ-probe-pipe`, DesiredState: 'RUNNING',
    }));
    try {
      await clients.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"probe":true}' }));
      await sleep(PROBE_WAIT_MS);
      const left = total(await queueDepth(clients, queue.url));
      return { present: left === 1, detail: left === 1 ? `the message is still in the source queue after ${PROBE_WAIT_MS / 1000} s` : `the pipe took the message (${left} left)` };
    } finally {
      await clients.pipes.send(new DeletePipeCommand({ Name: name }));
    }
  },
});
