/**
 * SQS moves the messages of a dead-letter queue back to their source queue
 * with a message move task; the emulator does not implement the action. The
 * operator command then moves them client-side, as it does for any endpoint
 * without the action, and says so.
 */
import { SetQueueAttributesCommand, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { defineGap } from './gap';
import { createQueue } from './probes';

export const SQS_MESSAGE_MOVE_TASK = defineGap({
  id: 'sqs-message-move-task',
  summary: 'SQS moves messages from a dead-letter queue back to their source with StartMessageMoveTask; MiniStack answers the action with InvalidAction.',
  source: 'Amazon SQS API Reference, StartMessageMoveTask '
    + '(https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html)',
  probe: 'A queue whose RedrivePolicy names a dead-letter queue; StartMessageMoveTask from that dead-letter queue.',
  handling: 'note',
  whenPresent: 'The operations suite expects the command\'s fallback (it says the endpoint offers no message move task and moves the '
    + 'message client-side); without the gap it expects the task\'s own report (started, then completed with the count moved).',
  async detect(clients) {
    const suffix = Date.now().toString(36);
    const dlq = await createQueue(clients, `integ-probe-move-dlq-${suffix}`);
    const source = await createQueue(clients, `integ-probe-move-${suffix}`);
    await clients.sqs.send(new SetQueueAttributesCommand({
      QueueUrl: source.url, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }) },
    }));
    try {
      const { TaskHandle } = await clients.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
      return { present: false, detail: `StartMessageMoveTask answered with task handle ${TaskHandle}` };
    } catch (error) {
      return { present: true, detail: `StartMessageMoveTask answered ${(error as Error).name}: ${(error as Error).message}` };
    }
  },
});
