import { Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { IConstruct } from 'constructs';
import { QueueWithDlq } from '../../src';
import { AlarmTopic, AlarmTopicProps } from '../../src/alarm-topic';
import { ACKNOWLEDGEMENTS } from '../../src/core/nag';
import { nagFindings, testStack } from '../helpers/nag';

/** The rules acknowledged on one construct, with their reasons. */
function acknowledged(construct: IConstruct): [string, string][] {
  return construct.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.entries(m.data as Record<string, string>))
    .map(([id, reason]) => [id.replace(/^annotation::/i, ''), reason]);
}

function build(props: AlarmTopicProps, setup?: (construct: AlarmTopic) => void) {
  const { app, stack } = testStack(true);
  const construct = new AlarmTopic(stack, 'Alarms', props);
  setup?.(construct);
  return { construct, findings: nagFindings(app) };
}

describe('AlarmTopic passes AwsSolutions, Serverless, HIPAA Security, NIST 800-53 rev 5, PCI DSS 3.2.1 and MessagingChecks', () => {
  test.each<[string, AlarmTopicProps]>([
    ['default (no subscription)', {}],
    ['with e-mail subscriptions', { emailAddresses: ['oncall@example.com', 'team@example.org'] }],
    ['named, with a display name', { topicName: 'shop-alarms', displayName: 'Shop alarms', emailAddresses: ['oncall@example.com'] }],
  ])('%s: no error and no warning', (_name, props) => {
    expect(build(props).findings).toEqual([]);
  });

  test('with a key of this app: no error and no warning', () => {
    const { app, stack } = testStack(true);
    new AlarmTopic(stack, 'Alarms', { encryptionKey: new kms.Key(stack, 'Own', { enableKeyRotation: true }), emailAddresses: ['oncall@example.com'] });
    expect(nagFindings(app)).toEqual([]);
  });

  test('as the alarm action of a QueueWithDlq: no error and no warning', () => {
    const { app, stack } = testStack(true);
    new QueueWithDlq(stack, 'Orders', { alarmAction: new AlarmTopic(stack, 'Alarms', { emailAddresses: ['oncall@example.com'] }) });
    expect(nagFindings(app)).toEqual([]);
  });
});

describe('AlarmTopic acknowledgements', () => {
  test('the topic, its key, its policy and its subscriptions acknowledge nothing', () => {
    const { construct } = build({ emailAddresses: ['oncall@example.com'] });
    const own = [construct.topic, construct.encryptionKey, ...construct.emailSubscriptions, construct.subscriptionDeadLetterQueueAlarm!];
    for (const c of [construct, ...own.flatMap((x) => x.node.findAll())]) {
      expect([c.node.path, acknowledged(c)]).toEqual([c.node.path, []]);
    }
  });

  test('the subscription dead-letter queue acknowledges only what every subscription dead-letter queue of the library does', () => {
    const { construct } = build({ emailAddresses: ['oncall@example.com'] });
    const entries = [ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq, ACKNOWLEDGEMENTS.snsSubscriptionDeadLetterQueue];
    expect(acknowledged(construct.subscriptionDeadLetterQueue!)).toEqual(entries.flatMap((e) => e.ids.map((id) => [id, e.reason])));
  });

  test('the redrive policy is what keeps the e-mail subscriptions clean: without one, Serverless-SNSRedrivePolicy fires', () => {
    // GIVEN an e-mail subscription without a dead-letter queue, built with aws-cdk-lib alone
    const { app, stack } = testStack(true);
    const topic = new sns.Topic(stack, 'Plain', { masterKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }), enforceSSL: true });
    topic.addSubscription(new subscriptions.EmailSubscription('oncall@example.com'));
    // WHEN the packs run
    const reported = nagFindings(app).filter((f) => f.paths.some((p) => p.startsWith('Test/Plain/oncall@example.com'))).map((f) => f.rule);
    // THEN the rule the AlarmTopic satisfies with its dead-letter queue is reported
    expect(reported).toContain('Serverless-SNSRedrivePolicy');
  });

  test('the dead-letter queue alarm has an action (this topic), so the CloudWatchAlarmAction rules need no acknowledgement', () => {
    const { construct, findings } = build({ emailAddresses: ['oncall@example.com'] });
    expect(construct.subscriptionDeadLetterQueueAlarm!.node.findAll().flatMap((c) => acknowledged(c))).toEqual([]);
    expect(findings.filter((f) => f.rule.endsWith('CloudWatchAlarmAction'))).toEqual([]);
  });
});
