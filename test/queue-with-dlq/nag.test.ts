import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { QueueWithDlq, QueueWithDlqProps } from '../../src';
import { ACKNOWLEDGEMENTS } from '../../src/core/nag';
import { alarmTopic, nagFindings, testStack, userFunction } from '../helpers/nag';

function findings(props: QueueWithDlqProps, withConsumer = false) {
  const { app, stack } = testStack(true);
  const consumer = withConsumer ? userFunction(stack, 'Fn', Duration.seconds(30)) : undefined;
  const construct = new QueueWithDlq(stack, 'Orders', { ...props, consumer });
  return { findings: nagFindings(app), construct };
}

describe('QueueWithDlq passes AwsSolutions, Serverless, HIPAA Security, NIST 800-53 rev 5 and PCI DSS 3.2.1', () => {
  test.each<[string, QueueWithDlqProps, boolean]>([
    ['with defaults', {}, false],
    ['with a consumer', {}, true],
    ['FIFO', { fifo: true, contentBasedDeduplication: true }, false],
    ['FIFO with a consumer', { fifo: true }, true],
    ['with a customer-managed key', { encryption: sqs.QueueEncryption.KMS }, true],
    [
      'with the current AWS options (1 MiB messages, delivery delay, filters, metrics, provisioned pollers)',
      {
        maxMessageSizeBytes: 1_048_576,
        deliveryDelay: Duration.minutes(1),
        consumerOptions: {
          filters: [lambda.FilterCriteria.filter({ body: { type: lambda.FilterRule.isEqual('order') } })],
          metricsConfig: { metrics: [lambda.MetricType.EVENT_COUNT] },
          provisionedPollerConfig: { minimumPollers: 2, maximumPollers: 20 },
        },
      },
      true,
    ],
    [
      'FIFO with high throughput',
      { fifo: true, deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP, fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID },
      true,
    ],
  ])('%s: no error and no warning', (_name, props, withConsumer) => {
    expect(findings(props, withConsumer).findings).toEqual([]);
  });

  test('with an alarm action, the alarms need no acknowledgement', () => {
    const { app, stack } = testStack(true);
    const construct = new QueueWithDlq(stack, 'Orders', { alarmAction: new cloudwatchActions.SnsAction(alarmTopic(stack, 'Oncall')) });
    expect(nagFindings(app)).toEqual([]);
    for (const alarm of construct.alarms) {
      expect(acknowledgedRules(alarm)).toEqual([]);
    }
  });
});

describe('QueueWithDlq acknowledgements', () => {
  test('the dead-letter queue acknowledges that it has no dead-letter queue, with the reason', () => {
    const { construct } = findings({});
    expect(acknowledgedRules(construct.deadLetterQueue)).toEqual(
      ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq.ids.map((id) => [id, ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq.reason]),
    );
  });

  test('alarms without an action acknowledge it, with the reason', () => {
    const { construct } = findings({});
    for (const alarm of construct.alarms) {
      expect(acknowledgedRules(alarm)).toEqual(ACKNOWLEDGEMENTS.alarmWithoutAction.ids.map((id) => [id, ACKNOWLEDGEMENTS.alarmWithoutAction.reason]));
    }
  });

  test('the SQS event source mapping acknowledges that SQS sources take no on-failure destination', () => {
    const { construct } = findings({}, true);
    expect(acknowledgedRules(construct.eventSourceMapping!)).toEqual(
      ACKNOWLEDGEMENTS.sqsEventSourceMapping.ids.map((id) => [id, ACKNOWLEDGEMENTS.sqsEventSourceMapping.reason]),
    );
  });

  test('each acknowledged rule is one the packs really report on the same resources left bare', () => {
    // GIVEN the same resources built with aws-cdk-lib alone, without acknowledgements
    const { app, stack } = testStack(true);
    const dlq = new sqs.Queue(stack, 'Dlq', { enforceSSL: true });
    const queue = new sqs.Queue(stack, 'Queue', { enforceSSL: true, deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
    dlq.metricApproximateNumberOfMessagesVisible().createAlarm(stack, 'Alarm', { threshold: 0, evaluationPeriods: 1 });
    userFunction(stack, 'Fn').addEventSource(new sources.SqsEventSource(queue));
    // WHEN the packs run
    const reported = new Set(nagFindings(app).map((f) => f.rule));
    // THEN every rule QueueWithDlq acknowledges is among the findings
    const used = [ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq, ACKNOWLEDGEMENTS.alarmWithoutAction, ACKNOWLEDGEMENTS.sqsEventSourceMapping];
    const acknowledged = used.flatMap((a) => [...a.ids]);
    expect(acknowledged.filter((id) => !reported.has(id))).toEqual([]);
  });
});

/** The rules acknowledged on a construct, as [id, reason] pairs. */
function acknowledgedRules(construct: { node: { metadata: { type: string; data: unknown }[] } }): [string, string][] {
  return construct.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.entries(m.data as Record<string, string>))
    .map(([id, reason]) => [id.replace(/^annotation::/i, ''), reason] as [string, string]);
}
