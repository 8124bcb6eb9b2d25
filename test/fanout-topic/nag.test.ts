import { Duration } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { FanoutTopic, FanoutTopicProps, TopicEncryption } from '../../src';
import { nagFindings, testStack, userFunction } from '../helpers/nag';

function findings(props: FanoutTopicProps) {
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
  return nagFindings(app);
}

describe('FanoutTopic passes AwsSolutions, Serverless, HIPAA Security, NIST 800-53 rev 5 and PCI DSS 3.2.1', () => {
  test.each<[string, FanoutTopicProps]>([
    ['standard (AWS-managed key)', {}],
    ['FIFO', { fifo: true, contentBasedDeduplication: true }],
    ['with a customer-managed key', { encryption: TopicEncryption.KMS }],
    ['with service publishers', { servicePublishers: ['events.amazonaws.com'] }],
  ])('%s: no error and no warning', (_name, props) => {
    expect(findings(props)).toEqual([]);
  });
});
