/**
 * SQS publishes its queues' metrics to CloudWatch (AWS/SQS); the emulator
 * publishes none (it does publish AWS/Lambda's). The operator command's status
 * then has no age of the oldest message to show, and says `-`.
 */
import { ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { defineGap } from './gap';
import { createQueue } from './probes';
import { pollUntil, PollTimeoutError } from '../harness/poll';

export const SQS_CLOUDWATCH_METRICS = defineGap({
  id: 'sqs-cloudwatch-metrics',
  summary: 'SQS publishes queue metrics to CloudWatch (namespace AWS/SQS, dimension QueueName); MiniStack publishes none, so an alarm on '
    + 'them never leaves INSUFFICIENT_DATA and no age of the oldest message can be read.',
  source: 'Amazon SQS Developer Guide, Available CloudWatch metrics for Amazon SQS '
    + '(https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html)',
  probe: 'Sends a message to a new queue, then lists the AWS/SQS metrics with that queue\'s QueueName for up to 5 s.',
  handling: 'note',
  whenPresent: 'The operations suite expects `-` as the age of the oldest message in `status`; without the gap it expects an age or `-` '
    + '(SQS publishes each minute, so a queue can have no datapoint yet).',
  async detect(clients) {
    const name = `integ-probe-metrics-${Date.now().toString(36)}`;
    const queue = await createQueue(clients, name);
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'probe' }));
    const list = async () => (await clients.cloudwatch.send(new ListMetricsCommand({
      Namespace: 'AWS/SQS', Dimensions: [{ Name: 'QueueName', Value: name }],
    }))).Metrics ?? [];
    try {
      const metrics = await pollUntil(list, (found) => found.length > 0, {
        description: `AWS/SQS metrics of ${name}`, timeoutMs: 5_000, intervalMs: 1_000, progressEveryMs: 0,
      });
      return { present: false, detail: `CloudWatch lists ${metrics.map((m) => m.MetricName).join(', ')} for the queue` };
    } catch (error) {
      if (error instanceof PollTimeoutError) {
        return { present: true, detail: 'no AWS/SQS metric listed for the queue 5 s after a message was sent' };
      }
      throw error;
    }
  },
});
