import { Annotations, Aws, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';

/** The AWS-managed SNS key: AWS services such as CloudWatch cannot use it. */
export const AWS_MANAGED_SNS_KEY = 'alias/aws/sns';

/** The service principal that publishes alarm notifications. */
export const CLOUDWATCH_PRINCIPAL = 'cloudwatch.amazonaws.com';

/**
 * Adds a check, run at synth, that every SNS topic the alarm notifies
 * (whether its action came from the library's `alarmAction` prop or was added
 * later with `addAlarmAction`) is one CloudWatch can publish to.
 *
 * CloudWatch cannot publish to a topic encrypted with the AWS-managed key
 * `alias/aws/sns`, nor with a customer-managed key whose policy does not let
 * `cloudwatch.amazonaws.com` use it: the alarm changes state, and the
 * notification is dropped (Amazon SNS Developer Guide, "Enable compatibility
 * between event sources from AWS services and encrypted topics";
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 */
export function checkAlarmTopics(alarm: cloudwatch.Alarm): void {
  alarm.node.addValidation({ validate: () => alarmTopicProblems(alarm) });
}

/** Why CloudWatch cannot notify each topic among the alarm's actions; empty when it can. */
export function alarmTopicProblems(alarm: cloudwatch.Alarm): string[] {
  const stack = Stack.of(alarm);
  const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
  const actions = [cfn.alarmActions, cfn.okActions, cfn.insufficientDataActions]
    .flatMap((list) => (list === undefined ? [] : (stack.resolve(list) as unknown[] | undefined) ?? []))
    .map((arn) => JSON.stringify(arn));
  if (actions.length === 0) {
    return [];
  }
  const problems: string[] = [];
  for (const topic of topicsOf(alarm)) {
    if (!actions.includes(JSON.stringify(stack.resolve(topic.topicArn)))) {
      continue;
    }
    for (const problem of [topicKeyProblem(topic), topicPolicyProblem(topic)]) {
      if (problem) {
        problems.push(`the alarm notifies the topic ${topic.node.path}, ${problem}`);
      }
    }
  }
  return problems;
}

/** Every SNS topic of the app, created or imported. */
function topicsOf(scope: IConstruct): sns.ITopic[] {
  return scope.node.root.node.findAll().filter((c): c is sns.TopicBase => c instanceof sns.TopicBase);
}

/**
 * Why CloudWatch cannot use the topic's key, or undefined when it can (or the
 * topic is not encrypted). An imported key whose policy this app cannot read
 * gets a warning instead: the owner of the key must allow CloudWatch.
 */
function topicKeyProblem(topic: sns.ITopic): string | undefined {
  const stack = Stack.of(topic);
  const cfnTopic = topic.node.defaultChild instanceof sns.CfnTopic ? topic.node.defaultChild : undefined;
  const keyId = cfnTopic ? stack.resolve(cfnTopic.kmsMasterKeyId) : undefined;
  const key: kms.IKey | undefined = topic.masterKey;
  const keyName = typeof keyId === 'string' ? keyId : key && !Token.isUnresolved(key.keyArn) ? key.keyArn : undefined;
  if ((keyName !== undefined && isAwsManagedSnsKey(keyName)) || (key !== undefined && isAwsManagedAlias(key))) {
    return `which is encrypted with the AWS-managed key ${AWS_MANAGED_SNS_KEY}: CloudWatch cannot use that key, so every notification would be dropped. ` +
      `Encrypt the topic with a customer-managed key whose policy lets ${CLOUDWATCH_PRINCIPAL} use it ` +
      `(for a FanoutTopic: servicePublishers: ['${CLOUDWATCH_PRINCIPAL}'])`;
  }
  if (!key) {
    return undefined;
  }
  const cfnKey = key.node.defaultChild instanceof kms.CfnKey ? key.node.defaultChild : undefined;
  if (!cfnKey) {
    Annotations.of(topic).addWarningV2(
      'cdk-message-patterns:alarmTopicImportedKey',
      `An alarm notifies this topic, whose key ${key.node.path} is not a key of this app: its policy must let ${CLOUDWATCH_PRINCIPAL} ` +
        'use it (kms:Decrypt and kms:GenerateDataKey*), or CloudWatch drops every notification.',
    );
    return undefined;
  }
  if (keyPolicyAllows(Stack.of(cfnKey).resolve(cfnKey.keyPolicy), CLOUDWATCH_PRINCIPAL, ['kms:Decrypt', 'kms:GenerateDataKey'])) {
    return undefined;
  }
  return `whose key ${key.node.path} does not let ${CLOUDWATCH_PRINCIPAL} use it (kms:Decrypt and kms:GenerateDataKey*): every notification would be dropped. ` +
    `Add that statement to the key policy (for a FanoutTopic: servicePublishers: ['${CLOUDWATCH_PRINCIPAL}'])`;
}

/**
 * Why the topic's policy refuses CloudWatch, or undefined. SNS's default topic
 * policy lets the owner account's services publish (its statement allows any
 * principal on the condition `AWS:SourceOwner` = the account); a topic policy
 * set by the app, such as the one aws-cdk-lib writes for `enforceSSL`,
 * replaces it, and CloudWatch is then refused unless a statement allows it
 * (Amazon SNS Developer Guide, "Example cases for Amazon SNS access control":
 * "Allow any CloudWatch alarm to publish to a topic",
 * https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html).
 */
function topicPolicyProblem(topic: sns.ITopic): string | undefined {
  const policy = topic.node.tryFindChild('Policy');
  if (!(policy instanceof sns.TopicPolicy)) {
    return undefined;
  }
  const document = Stack.of(policy).resolve(policy.document.toJSON()) as { Statement?: PolicyStatementJson[] } | undefined;
  if (topicPolicyAllowsPublish(document, CLOUDWATCH_PRINCIPAL)) {
    return undefined;
  }
  return `whose topic policy ${policy.node.path} replaces SNS's default policy and does not let ${CLOUDWATCH_PRINCIPAL} publish (sns:Publish): ` +
    'every notification would be refused. Add an Allow statement for that principal, scoped by aws:SourceArn to the account\'s alarms ' +
    `(for a FanoutTopic: servicePublishers: ['${CLOUDWATCH_PRINCIPAL}'] adds it)`;
}

/**
 * Whether an Allow statement of a topic policy lets `service` (or any
 * principal) publish to the topic (sns:Publish, or a wildcard action that
 * matches it). Conditions are not judged.
 */
export function topicPolicyAllowsPublish(document: { Statement?: PolicyStatementJson[] } | undefined, service: string): boolean {
  return resourcePolicyAllows(document, service, 'sns:Publish');
}

/**
 * Whether an Allow statement of a resource policy (a topic or queue policy)
 * lets `service`, or any principal, perform `action` (or a wildcard action
 * that matches it). Conditions are not judged.
 */
export function resourcePolicyAllows(document: { Statement?: PolicyStatementJson[] } | undefined, service: string, action: string): boolean {
  return ([] as PolicyStatementJson[]).concat(document?.Statement ?? []).some(
    (st) =>
      st.Effect === 'Allow' &&
      (principalServices(st).includes(service) || principalIsAnyone(st)) &&
      ([] as string[]).concat(st.Action ?? []).some((pattern) => actionMatches(pattern, action)),
  );
}

/** The statement that lets the account's CloudWatch alarms publish to `topic`. */
export function cloudWatchPublishStatement(topic: sns.ITopic): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToPublish',
    principals: [new iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: { ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` } },
  });
}

function principalIsAnyone(statement: PolicyStatementJson): boolean {
  const principal = statement.Principal;
  return principal === '*' || (typeof principal === 'object' && ([] as string[]).concat((principal as { AWS?: string | string[] }).AWS ?? []).includes('*'));
}

function isAwsManagedSnsKey(name: string): boolean {
  return name === AWS_MANAGED_SNS_KEY || name.endsWith(`:${AWS_MANAGED_SNS_KEY}`);
}

function isAwsManagedAlias(key: kms.IKey): boolean {
  const aliasName = (key as Partial<kms.IAlias>).aliasName;
  return typeof aliasName === 'string' && !Token.isUnresolved(aliasName) && aliasName === AWS_MANAGED_SNS_KEY;
}

interface PolicyStatementJson {
  readonly Effect?: string;
  readonly Principal?: { readonly Service?: string | string[] } | string;
  readonly Action?: string | string[];
}

/**
 * Whether an Allow statement of the policy lets `service` perform every one of
 * `actions` (an action matches `kms:*` and trailing-wildcard patterns such as
 * `kms:GenerateDataKey*`).
 */
export function keyPolicyAllows(policy: { Statement?: PolicyStatementJson[] } | undefined, service: string, actions: string[]): boolean {
  const statements = (policy?.Statement ?? []).filter((s) => s.Effect === 'Allow' && principalServices(s).includes(service));
  const allowed = statements.flatMap((s) => ([] as string[]).concat(s.Action ?? []));
  return actions.every((action) => allowed.some((pattern) => actionMatches(pattern, action)));
}

function principalServices(statement: PolicyStatementJson): string[] {
  const principal = statement.Principal;
  if (principal === undefined || typeof principal === 'string') {
    return [];
  }
  return ([] as string[]).concat(principal.Service ?? []);
}

function actionMatches(pattern: string, action: string): boolean {
  const p = pattern.toLowerCase();
  const a = action.toLowerCase();
  return p === a || p === '*' || (p.endsWith('*') && a.startsWith(p.slice(0, -1)));
}
