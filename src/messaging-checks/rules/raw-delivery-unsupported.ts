import { defineRule, eachResource, RuleFinding, RuleLevel } from '../rule';

/** The protocols SNS delivers raw messages to (Amazon SNS Developer Guide, "Amazon SNS raw message delivery"). */
const RAW_PROTOCOLS = ['sqs', 'http', 'https', 'firehose'];

/**
 * An SNS subscription with RawMessageDelivery set, even to false, on a
 * protocol that has no raw delivery: SNS refuses the attribute and the
 * deployment fails.
 */
export const rawDeliveryUnsupported = defineRule('RawDeliveryUnsupported', RuleLevel.ERROR, eachResource('AWS::SNS::Subscription'), {
  info: 'The subscription sets RawMessageDelivery on a protocol that has no raw delivery: SNS refuses it and the deployment fails.',
  explanation:
    'Raw message delivery exists for Amazon SQS, HTTP/S and Firehose endpoints only. For any other protocol (lambda, email, sms, application) SNS ' +
    'refuses the attribute ("Invalid parameter: Delivery protocol [lambda] does not support raw message delivery"), and CloudFormation sets it ' +
    'whenever the property is present, even when it is false: the subscription fails to create.',
  fix: 'Remove RawMessageDelivery from the subscription (aws-cdk-lib: leave rawMessageDelivery unset on sns.Subscription; LambdaSubscription never sets it).',
  sources: [
    'https://docs.aws.amazon.com/sns/latest/dg/sns-large-payload-raw-message-delivery.html',
    'https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/399',
    'https://github.com/aws-controllers-k8s/community/issues/2192',
  ],
  check(subscription): RuleFinding[] {
    const p = subscription.properties;
    if (p.RawMessageDelivery === undefined || typeof p.Protocol !== 'string') {
      return [];
    }
    const protocol = p.Protocol.toLowerCase();
    if (RAW_PROTOCOLS.includes(protocol)) {
      return [];
    }
    return [{ message: `RawMessageDelivery is ${JSON.stringify(p.RawMessageDelivery)} on a subscription with the protocol ${protocol}.`, location: 'Properties.RawMessageDelivery' }];
  },
});
