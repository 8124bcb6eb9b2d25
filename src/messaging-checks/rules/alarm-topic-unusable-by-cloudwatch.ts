import { AWS_MANAGED_SNS_KEY, CLOUDWATCH_PRINCIPAL, keyPolicyAllows, topicPolicyAllowsPublish } from '../../core/alarm-topic';
import { SENDER_KEY_ACTIONS } from '../aws-facts';
import { encryptionKeyOf, isResource, policyDocument } from '../relations';
import { GraphResource, ResourceGraph } from '../resource-graph';
import { defineRule, eachResource, RuleFinding, RuleLevel } from '../rule';

const TOPIC = 'AWS::SNS::Topic';
const ACTION_PROPERTIES = ['AlarmActions', 'OKActions', 'InsufficientDataActions'];

/**
 * An alarm that notifies an SNS topic CloudWatch cannot publish to: the
 * topic is encrypted with the AWS-managed key, or with a customer-managed key
 * whose policy leaves CloudWatch out, or its topic policy replaces SNS's
 * default policy without letting CloudWatch publish. The alarm changes state
 * and nobody is told.
 */
export const alarmTopicUnusableByCloudWatch = defineRule('AlarmTopicUnusableByCloudWatch', RuleLevel.ERROR, eachResource('AWS::CloudWatch::Alarm'), {
  info: 'The alarm notifies an SNS topic that CloudWatch cannot publish to: its notifications are lost.',
  explanation:
    'CloudWatch publishes alarm notifications as the service principal cloudwatch.amazonaws.com. To publish to an encrypted topic it must be ' +
    'allowed kms:GenerateDataKey* and kms:Decrypt by the key policy: the AWS-managed key alias/aws/sns does not allow it and its policy cannot ' +
    'be changed, and a customer-managed key must say so. A topic policy (AWS::SNS::TopicPolicy) replaces SNS\'s default policy, so it must let ' +
    'cloudwatch.amazonaws.com publish (sns:Publish). Otherwise the alarm changes state and the notification is dropped.',
  fix:
    'Encrypt the topic with a customer-managed key whose policy lets cloudwatch.amazonaws.com use kms:Decrypt and kms:GenerateDataKey*, and let ' +
    'that principal publish in the topic policy (aws-cdk-lib: key.addToResourcePolicy, topic.addToResourcePolicy; this library: FanoutTopic ' +
    'with servicePublishers: [\'cloudwatch.amazonaws.com\']).',
  sources: [
    'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services',
    'https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger',
    'https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html',
  ],
  check(alarm, graph): RuleFinding[] {
    const findings: RuleFinding[] = [];
    const seen = new Set<string>();
    for (const property of ACTION_PROPERTIES) {
      const actions = alarm.properties[property];
      for (const action of Array.isArray(actions) ? actions : []) {
        const target = graph.follow(alarm, action, TOPIC);
        const key = target.resource ? target.resource.logicalId : target.external;
        if (seen.has(key)) {
          continue;
        }
        seen.add(key);
        const location = `Properties.${property}`;
        if (target.resource) {
          if (target.resource.type === TOPIC) {
            findings.push(...topicProblems(target.resource, graph).map((p) => ({ message: `It notifies the topic ${key}, ${p.problem}`, location, level: p.level })));
          }
        } else if (mayBeTopic(target.external)) {
          findings.push({
            message: `It notifies ${target.external}: could not check that CloudWatch may publish to it (its key and topic policy).`,
            location,
            level: RuleLevel.INFO,
          });
        }
      }
    }
    return findings;
  },
});

/** Why CloudWatch cannot publish to a topic of the app; `level` INFO when it could not be judged. */
function topicProblems(topic: GraphResource, graph: ResourceGraph): { problem: string; level?: RuleLevel }[] {
  const problems: { problem: string; level?: RuleLevel }[] = [];
  const key = encryptionKeyOf(graph, topic);
  if (key?.kind === 'aws-managed' && key.alias === AWS_MANAGED_SNS_KEY) {
    problems.push({ problem: `which is encrypted with the AWS-managed key ${AWS_MANAGED_SNS_KEY}: CloudWatch cannot use that key.` });
  } else if (key?.kind === 'key' && !keyPolicyAllows(policyDocument(graph, key.key, key.key.properties.KeyPolicy), CLOUDWATCH_PRINCIPAL, SENDER_KEY_ACTIONS)) {
    problems.push({ problem: `whose key ${key.key.logicalId} does not let ${CLOUDWATCH_PRINCIPAL} use it (kms:Decrypt and kms:GenerateDataKey*).` });
  } else if (key?.kind === 'external') {
    problems.push({
      problem: `encrypted with ${key.description}: could not check that its key policy lets ${CLOUDWATCH_PRINCIPAL} use it.`,
      level: RuleLevel.INFO,
    });
  }
  // No topic policy of the app: SNS's default policy applies, whose statement lets the owner account's services publish
  // (condition AWS:SourceOwner), CloudWatch included (Amazon SNS Developer Guide, "Example cases for Amazon SNS access control").
  const policies = topicPolicies(topic, graph);
  if (policies.length > 0 && !policies.some((p) => topicPolicyAllowsPublish(policyDocument(graph, p.resource, p.document), CLOUDWATCH_PRINCIPAL))) {
    problems.push({
      problem:
        `whose topic policy ${policies.map((p) => p.resource.logicalId).join(', ')} replaces SNS's default policy and does not let ` +
        `${CLOUDWATCH_PRINCIPAL} publish (sns:Publish).`,
    });
  }
  return problems;
}

/** The topic policies of the app that set the topic's policy. */
function topicPolicies(topic: GraphResource, graph: ResourceGraph): { resource: GraphResource; document: unknown }[] {
  const shared = graph
    .ofType('AWS::SNS::TopicPolicy')
    .filter((p) => (Array.isArray(p.properties.Topics) ? p.properties.Topics : []).some((t: unknown) => isResource(graph.follow(p, t, TOPIC), topic)))
    .map((p) => ({ resource: p, document: p.properties.PolicyDocument }));
  const inline = graph
    .ofType('AWS::SNS::TopicInlinePolicy')
    .filter((p) => isResource(graph.follow(p, p.properties.TopicArn, TOPIC), topic))
    .map((p) => ({ resource: p, document: p.properties.PolicyDocument }));
  return [...shared, ...inline];
}

/** Whether an action outside the app may be an SNS topic: an SNS ARN, or a value whose kind is unknown (a parameter, an export). */
function mayBeTopic(external: string): boolean {
  return external.startsWith('arn:') ? external.split(':')[2] === 'sns' : true;
}
