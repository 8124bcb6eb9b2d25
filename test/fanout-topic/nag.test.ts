import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { FanoutTopic, FanoutTopicProps, TopicEncryption } from '../../src';
import { ACKNOWLEDGEMENTS } from '../../src/core/nag';
import { SNS_DELIVERY_LOG_GROUPS } from '../../src/fanout-topic/delivery-status-logging';
import { nagFindings, testStack, userFunction } from '../helpers/nag';

function findings(props: FanoutTopicProps) {
  return build(props).findings;
}

function build(props: FanoutTopicProps) {
  const { app, stack } = testStack(true);
  const construct = new FanoutTopic(stack, 'Orders', {
    ...props,
    subscribers: {
      billing: { consumer: userFunction(stack, 'Billing', Duration.seconds(10)) },
      shipping: { filterPolicy: { country: sns.SubscriptionFilter.stringFilter({ allowlist: ['FR', 'DE'] }) } },
    },
  });
  construct.addQueueSubscriber('fraud', {
    filterPolicyWithMessageBody: { amount: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.numericFilter({ greaterThan: 1000 })) },
    encryption: sqs.QueueEncryption.KMS,
  });
  return { construct, findings: nagFindings(app) };
}

describe('FanoutTopic passes AwsSolutions, Serverless, HIPAA Security, NIST 800-53 rev 5 and PCI DSS 3.2.1', () => {
  test.each<[string, FanoutTopicProps]>([
    ['standard (AWS-managed key)', {}],
    ['FIFO', { fifo: true, contentBasedDeduplication: true }],
    ['with a customer-managed key', { encryption: TopicEncryption.KMS }],
    ['with service publishers', { servicePublishers: ['events.amazonaws.com'] }],
    [
      'FIFO with archiving, high throughput and delivery status logging',
      {
        fifo: true,
        messageRetentionPeriodInDays: 30,
        fifoThroughputScope: sns.FifoThroughputScope.MESSAGE_GROUP,
        loggingConfigs: [{ protocol: sns.LoggingProtocol.SQS, successFeedbackSampleRate: 10 }],
      },
    ],
    ['standard with delivery status logging for every protocol', {
      loggingConfigs: Object.values(sns.LoggingProtocol).map((protocol) => ({ protocol })),
    }],
  ])('%s: no error and no warning', (_name, props) => {
    expect(findings(props)).toEqual([]);
  });
});

describe('FanoutTopic acknowledgements: delivery status logging', () => {
  test('the logging role\'s policy acknowledges the log-group wildcard, with the reason', () => {
    const { construct } = build({ loggingConfigs: [{ protocol: sns.LoggingProtocol.SQS }] });
    const policy = construct.node.findChild('DeliveryStatusLoggingPolicy');
    const acknowledged = policy.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .map(([id, reason]) => [id.replace(/^annotation::/i, ''), reason]);
    const entry = ACKNOWLEDGEMENTS.snsDeliveryStatusLogGroups;
    expect(acknowledged).toEqual(entry.ids.map((id) => [id, entry.reason]));
  });

  test('the acknowledged finding is one the packs really report on the same statement without it', () => {
    // GIVEN a managed policy with the logging role's statement, built with aws-cdk-lib alone
    const { app, stack } = testStack(true);
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sns.amazonaws.com') });
    new iam.ManagedPolicy(stack, 'Policy', {
      roles: [role],
      statements: [new iam.PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], resources: [SNS_DELIVERY_LOG_GROUPS] })],
    });
    // WHEN the packs run
    const reported = nagFindings(app).filter((f) => f.paths.some((p) => p.startsWith('Test/Policy'))).map((f) => f.rule);
    // THEN the acknowledged finding is among them
    expect(reported).toEqual(expect.arrayContaining([...ACKNOWLEDGEMENTS.snsDeliveryStatusLogGroups.ids]));
  });
});
