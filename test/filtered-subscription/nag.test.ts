import { Duration, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { FilteredSubscription, FilteredSubscriptionProps } from '../../src';
import { ACKNOWLEDGEMENTS } from '../../src/core/nag';
import { nagFindings, testStack, userFunction } from '../helpers/nag';

type Endpoint = 'queue' | 'lambda';

function findings(endpoint: Endpoint, props: Partial<FilteredSubscriptionProps> = {}) {
  const { app, stack } = testStack(true);
  const topic = new sns.Topic(stack, 'Topic', { enforceSSL: true, masterKey: new kms.Key(stack, 'TopicKey', { enableKeyRotation: true }) });
  const lambdaFunction = endpoint === 'lambda' ? userFunction(stack, 'Fn', Duration.seconds(10)) : undefined;
  const construct = new FilteredSubscription(stack, 'Sub', {
    topic,
    lambdaFunction,
    filterPolicy: { country: sns.SubscriptionFilter.stringFilter({ allowlist: ['FR'] }) },
    ...props,
  });
  return { findings: nagFindings(app), construct };
}

describe('FilteredSubscription passes AwsSolutions, Serverless, HIPAA Security, NIST 800-53 rev 5 and PCI DSS 3.2.1', () => {
  test('to a queue it creates: no error and no warning', () => {
    expect(findings('queue').findings).toEqual([]);
  });

  test('to a queue with a customer-managed key: no error and no warning', () => {
    expect(findings('queue', { queueOptions: { encryption: sqs.QueueEncryption.KMS } }).findings).toEqual([]);
  });

  test('to a Lambda function: no error and no warning', () => {
    expect(findings('lambda').findings).toEqual([]);
  });
});

describe('FilteredSubscription acknowledgements', () => {
  test('the subscription dead-letter queue acknowledges that it has no dead-letter queue and is not seen as one, with the reasons', () => {
    const { construct } = findings('queue');
    expect(acknowledgedRules(construct.subscriptionDeadLetterQueue)).toEqual([
      ...ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq.ids.map((id) => [id, ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq.reason]),
      ...ACKNOWLEDGEMENTS.snsSubscriptionDeadLetterQueue.ids.map((id) => [id, ACKNOWLEDGEMENTS.snsSubscriptionDeadLetterQueue.reason]),
    ]);
  });

  test('each acknowledged rule is one the packs really report on a bare SNS subscription dead-letter queue', () => {
    // GIVEN an SNS subscription with a dead-letter queue, built with aws-cdk-lib alone
    const { app, stack } = testStack(true);
    const topic = new sns.Topic(stack, 'Topic', { enforceSSL: true, masterKey: new kms.Key(stack, 'K', { enableKeyRotation: true }) });
    const dlq = new sqs.Queue(stack, 'Dlq', { enforceSSL: true });
    new sns.Subscription(stack, 'Sub', { topic, protocol: sns.SubscriptionProtocol.EMAIL, endpoint: 'ops@example.com', deadLetterQueue: dlq });
    // WHEN the packs run
    const reported = nagFindings(app).filter((f) => f.paths.some((p) => p.startsWith('Test/Dlq')));
    // THEN both rules acknowledged on the library's subscription dead-letter queue are reported on it
    const acknowledged = [...ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq.ids, ...ACKNOWLEDGEMENTS.snsSubscriptionDeadLetterQueue.ids];
    expect(acknowledged.filter((id) => !reported.some((f) => f.rule === id))).toEqual([]);
  });
});

/** The rules acknowledged on a construct, as [id, reason] pairs. */
function acknowledgedRules(construct: { node: { metadata: { type: string; data: unknown }[] } }): [string, string][] {
  return construct.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.entries(m.data as Record<string, string>))
    .map(([id, reason]) => [id.replace(/^annotation::/i, ''), reason] as [string, string]);
}
