/**
 * SNS numeric filter conditions match numbers only; the emulator also
 * matches strings that hold a number. The samples that would tell the two
 * apart are not sent.
 */
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { defineGap } from './gap';
import { createQueue } from './probes';
import { pollUntil } from '../harness/poll';
import { receiveAll } from '../harness/queues';

export const SNS_NUMERIC_FILTER_ON_STRINGS = defineGap({
  id: 'sns-numeric-filter-on-strings',
  summary: 'SNS numeric filter conditions match numbers (Number attributes, JSON numbers in the body); MiniStack also matches '
    + 'strings that hold a number, so {"amount": "5000"} passes {"amount": [{"numeric": [">", 1000]}]}.',
  source: 'Amazon SNS Developer Guide, Numeric value matching (https://docs.aws.amazon.com/sns/latest/dg/numeric-value-matching.html)',
  probe: 'A body-scope subscription with a numeric filter; Publish {"amount": 5000} (must arrive) and {"amount": "5000"}; '
    + 'checks whether the string one arrived too.',
  handling: 'skip',
  whenPresent: 'order-fanout: the sample orders whose amount is a numeric string are not sent (printed); every other sample still is.',
  async detect(clients) {
    const suffix = Date.now().toString(36);
    const queue = await createQueue(clients, `integ-probe-numeric-${suffix}`);
    const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: `integ-probe-numeric-${suffix}` }));
    await clients.sns.send(new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: queue.arn,
      Attributes: {
        RawMessageDelivery: 'true',
        FilterPolicyScope: 'MessageBody',
        FilterPolicy: JSON.stringify({ amount: [{ numeric: ['>', 1000] }] }),
      },
    }));
    await clients.sns.send(new PublishCommand({ TopicArn, Message: JSON.stringify({ amount: '5000', kind: 'string' }) }));
    await clients.sns.send(new PublishCommand({ TopicArn, Message: JSON.stringify({ amount: 5000, kind: 'number' }) }));
    const bodies: string[] = [];
    await pollUntil(async () => {
      bodies.push(...(await receiveAll(clients, queue.url)).map((m) => m.Body ?? ''));
      return bodies;
    }, (b) => b.some((x) => x.includes('"number"')), { description: 'the control message', timeoutMs: 10_000, intervalMs: 250, progressEveryMs: 0 });
    const stringMatched = bodies.some((x) => x.includes('"string"'));
    return { present: stringMatched, detail: stringMatched ? '{"amount": "5000"} was delivered' : 'only {"amount": 5000} was delivered' };
  },
});
