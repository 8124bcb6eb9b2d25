/**
 * SNS sends a message it cannot deliver to the subscription's dead-letter
 * queue; the emulator does not. The check that needs it is skipped.
 */
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { defineGap } from './gap';
import { createQueue, messageArrives } from './probes';

export const SNS_SUBSCRIPTION_DLQ = defineGap({
  id: 'sns-subscription-dlq',
  summary: 'SNS sends a message it cannot deliver to a subscription\'s redrive-policy DLQ; MiniStack does not.',
  source: 'Amazon SNS Developer Guide, Amazon SNS dead-letter queues (https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html)',
  probe: 'A topic with an SQS subscription to a queue that does not exist and a RedrivePolicy DLQ; Publish; waits up to 5 s for the DLQ.',
  handling: 'skip',
  whenPresent: 'order-fanout: "the subscription DLQ stays empty" could not fail, so it is skipped with this reason.',
  async detect(clients) {
    const suffix = Date.now().toString(36);
    const dlq = await createQueue(clients, `integ-probe-sns-dlq-${suffix}`);
    const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: `integ-probe-${suffix}` }));
    await clients.sns.send(new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: `arn:aws:sqs:us-east-1:000000000000:integ-probe-missing-${suffix}`,
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) },
    }));
    await clients.sns.send(new PublishCommand({ TopicArn, Message: 'probe' }));
    const arrived = await messageArrives(clients, dlq.url, 5_000);
    return { present: !arrived, detail: arrived ? 'the message reached the subscription DLQ' : 'no message in the subscription DLQ after 5 s' };
  },
});
