/**
 * AWS evaluates IAM and resource policies; the emulator allows every call.
 * Noted only: the suite proves message flows, not permissions.
 */
import { SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { defineGap } from './gap';
import { createQueue } from './probes';

export const RESOURCE_POLICIES = defineGap({
  id: 'resource-policies',
  summary: 'AWS evaluates IAM and resource policies (queue policies, key policies, aws:SecureTransport); MiniStack allows every call by default.',
  source: 'AWS Identity and Access Management User Guide, Policy evaluation logic '
    + '(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)',
  probe: 'Sends a message over plain HTTP to a queue whose policy denies sqs:SendMessage to everyone.',
  handling: 'note',
  whenPresent: 'The suite proves message flows, not permissions: those are covered by the template assertions and cdk-nag in the unit tests.',
  async detect(clients) {
    const suffix = Date.now().toString(36);
    const queue = await createQueue(clients, `integ-probe-policy-${suffix}`);
    await clients.sqs.send(new SetQueueAttributesCommand({
      QueueUrl: queue.url,
      Attributes: {
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sqs:SendMessage', Resource: queue.arn }],
        }),
      },
    }));
    try {
      await clients.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'probe' }));
      return { present: true, detail: 'SendMessage denied by the queue policy succeeded' };
    } catch (error) {
      return { present: false, detail: `SendMessage was refused: ${(error as Error).name}` };
    }
  },
});
