/**
 * EventBridge sends an event a target cannot take to the target's dead-letter
 * queue; the emulator drops it. The checks that need it are skipped.
 */
import { CreateEventBusCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { defineGap } from './gap';
import { createQueue, messageArrives } from './probes';

export const EVENTBRIDGE_TARGET_DLQ = defineGap({
  id: 'eventbridge-target-dlq',
  summary: 'EventBridge sends an event that a target cannot take to the target\'s dead-letter queue; MiniStack logs the failure and drops the event.',
  source: 'Amazon EventBridge User Guide, Using dead-letter queues to process undelivered events '
    + '(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-event-delivery.html#eb-rule-dlq)',
  probe: 'A rule whose SQS target does not exist, with a DeadLetterConfig queue; PutEvents; waits up to 5 s for the DLQ.',
  handling: 'skip',
  whenPresent: 'order-events: the "undeliverable target → route DLQ" check is skipped with this reason.',
  async detect(clients) {
    const suffix = Date.now().toString(36);
    const dlq = await createQueue(clients, `integ-probe-events-dlq-${suffix}`);
    const busName = `integ-probe-${suffix}`;
    await clients.eventbridge.send(new CreateEventBusCommand({ Name: busName }));
    await clients.eventbridge.send(new PutRuleCommand({
      Name: `integ-probe-${suffix}`, EventBusName: busName, EventPattern: JSON.stringify({ source: ['integ.probe'] }),
    }));
    await clients.eventbridge.send(new PutTargetsCommand({
      Rule: `integ-probe-${suffix}`,
      EventBusName: busName,
      Targets: [{
        Id: 'missing',
        Arn: `arn:aws:sqs:us-east-1:000000000000:integ-probe-missing-${suffix}`,
        DeadLetterConfig: { Arn: dlq.arn },
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
      }],
    }));
    await clients.eventbridge.send(new PutEventsCommand({
      Entries: [{ EventBusName: busName, Source: 'integ.probe', DetailType: 'Probe', Detail: '{}' }],
    }));
    const arrived = await messageArrives(clients, dlq.url, 5_000);
    return { present: !arrived, detail: arrived ? 'the event reached the target DLQ' : 'no message in the target DLQ after 5 s' };
  },
});
