import { Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { FanoutTopicProps } from './fanout-topic';
import { TopicEncryption } from './topic-encryption';
import { AWS_MANAGED_SNS_KEY, keyPolicyAllows } from '../core/alarm-topic';
import { fifoFromName, withoutFifoSuffix } from '../core/queue-facts';
import { PropsValidator } from '../core/validation';
import { validateSubscriptionDeadLetterQueue } from '../filtered-subscription/validate-filtered-subscription-props';


/** Construct ids of a FanoutTopic's own children, which a subscriber id cannot take. */
const RESERVED_IDS = [
  'Resource',
  'Key',
  'SubscriptionDeadLetterQueue',
  'SubscriptionDeadLetterQueueAlarm',
  'DeliveryStatusLoggingRole',
  'DeliveryStatusLoggingPolicy',
];

/**
 * The `MaximumMessageSize` topic attribute: 1,024 to 1,048,576 bytes, 262,144
 * by default; above the default, only SQS, Lambda and Firehose endpoints and
 * at most 100 subscriptions (Amazon SNS Developer Guide, "Publishing large
 * messages with Amazon SNS").
 */
export const TOPIC_MESSAGE_SIZE = {
  min: 1_024,
  max: 1_048_576,
  default: 262_144,
  largeMessageProtocols: ['sqs', 'lambda', 'firehose'],
  largeMessageSubscriptions: 100,
} as const;

/** The props of a FanoutTopic with every default applied. */
export interface FanoutTopicSettings {
  readonly fifo: boolean;
  readonly encryption: TopicEncryption;
}

/**
 * Applies the defaults of FanoutTopic and checks every rule on its props
 * (subscribers are checked by the FilteredSubscription each one becomes),
 * throwing one error that lists every violation.
 */
export function resolveFanoutTopicSettings(scope: Construct, props: FanoutTopicProps): FanoutTopicSettings {
  const v = new PropsValidator(scope);
  const named = props.topicName !== undefined && !Token.isUnresolved(props.topicName) ? props.topicName : undefined;
  const fifo = fifoFromName(props.fifo, props.topicName);
  // Replaying archived messages needs a key policy that lets SNS decrypt them: the AWS-managed key's cannot.
  const usesCustomerKey =
    props.encryptionKey !== undefined || (props.servicePublishers ?? []).length > 0 || props.messageRetentionPeriodInDays !== undefined;
  const encryption = props.encryption ?? (usesCustomerKey ? TopicEncryption.KMS : TopicEncryption.AWS_MANAGED);

  validateName(v, named, fifo);
  v.fail(
    !fifo && props.contentBasedDeduplication === true,
    'contentBasedDeduplication applies to FIFO topics only: set fifo: true or leave contentBasedDeduplication unset',
  );
  validateFifoOptions(v, props, fifo);
  v.integerInRange('maxMessageSizeBytes', props.maxMessageSizeBytes, TOPIC_MESSAGE_SIZE.min, TOPIC_MESSAGE_SIZE.max);
  validateLoggingConfigs(v, props.loggingConfigs);
  validateEncryption(v, props, encryption);
  validateSubscriptionDeadLetterQueue(v, props, fifo);
  validateSubscriberIds(v, props);
  v.throwIfInvalid();
  return { fifo, encryption };
}

function validateName(v: PropsValidator, name: string | undefined, fifo: boolean): void {
  if (name === undefined) {
    return;
  }
  const base = withoutFifoSuffix(name);
  v.fail(
    !/^[A-Za-z0-9_-]+$/.test(base) || name.length > 256,
    `topicName must be 1 to 256 characters of letters, digits, '-' and '_' (with '.fifo' at the end for FIFO topics), got '${name}'`,
  );
  v.fail(fifo && !name.endsWith('.fifo'), `topicName of a FIFO topic must end in '.fifo', got '${name}'`);
  v.fail(!fifo && name.endsWith('.fifo'), `topicName '${name}' ends in '.fifo' but fifo is false: only FIFO topic names end in '.fifo'`);
}

/** A value for a message: tokens are shown as such, not as their placeholder number or string. */
function shown(value: unknown): string {
  return Token.isUnresolved(value) ? '<token>' : String(value);
}

/**
 * Message archiving (1 to 365 days) and the throughput scope exist for FIFO
 * topics only (CloudFormation reference, AWS::SNS::Topic, ArchivePolicy and
 * FifoThroughputScope; Amazon SNS Developer Guide, "Message archiving for
 * FIFO topic owners").
 */
function validateFifoOptions(v: PropsValidator, props: FanoutTopicProps, fifo: boolean): void {
  v.integerInRange('messageRetentionPeriodInDays', props.messageRetentionPeriodInDays, 1, 365);
  if (fifo) {
    return;
  }
  v.fail(
    props.messageRetentionPeriodInDays !== undefined,
    `messageRetentionPeriodInDays applies to FIFO topics only (SNS archives the messages of FIFO topics only), got ${shown(props.messageRetentionPeriodInDays)} ` +
      'on a standard topic: set fifo: true or leave messageRetentionPeriodInDays unset',
  );
  v.fail(
    props.fifoThroughputScope !== undefined,
    `fifoThroughputScope applies to FIFO topics only, got ${shown(props.fifoThroughputScope)} on a standard topic: set fifo: true or leave fifoThroughputScope unset`,
  );
}

/**
 * The sample rate is a percentage (0 to 100), and each protocol has one
 * configuration: SNS keeps it as topic attributes named after the protocol
 * (`SQSSuccessFeedbackRoleArn`, `SQSSuccessFeedbackSampleRate`...,
 * https://docs.aws.amazon.com/sns/latest/dg/msg-status-sdk.html), so a second
 * entry for a protocol sets the same attributes again and one of the two is
 * lost. aws-cdk-lib 2.276's template validation reports two identical entries
 * ("DeliveryStatusLogging: Array items are not unique", F3037) but not two
 * different ones for the same protocol.
 */
function validateLoggingConfigs(v: PropsValidator, configs: sns.LoggingConfig[] | undefined): void {
  const first = new Map<string, number>();
  (configs ?? []).forEach((config, i) => {
    v.integerInRange(`loggingConfigs[${i}].successFeedbackSampleRate`, config.successFeedbackSampleRate, 0, 100);
    if (Token.isUnresolved(config.protocol)) {
      return;
    }
    const earlier = first.get(config.protocol);
    v.fail(
      earlier !== undefined,
      `loggingConfigs[${i}] logs protocol '${config.protocol}' again (loggingConfigs[${earlier}] already does): ` +
        'SNS keeps one delivery status configuration per protocol, so one entry would replace the other',
    );
    if (earlier === undefined) {
      first.set(config.protocol, i);
    }
  });
}

function validateEncryption(v: PropsValidator, props: FanoutTopicProps, encryption: TopicEncryption): void {
  if (encryption === TopicEncryption.AWS_MANAGED) {
    v.fail(props.encryptionKey !== undefined, 'encryptionKey requires encryption KMS, got encryption AWS_MANAGED');
    v.fail(
      (props.servicePublishers ?? []).length > 0,
      `servicePublishers (${(props.servicePublishers ?? []).join(', ')}) need a customer-managed key: AWS services cannot use the AWS-managed key ${AWS_MANAGED_SNS_KEY}. Use encryption KMS (the default with servicePublishers)`,
    );
  }
  for (const service of props.servicePublishers ?? []) {
    if (Token.isUnresolved(service)) {
      continue;
    }
    v.fail(
      !/^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/.test(service),
      `servicePublishers must hold service principals such as 'events.amazonaws.com', got '${service}'`,
    );
  }
}

function validateSubscriberIds(v: PropsValidator, props: FanoutTopicProps): void {
  const created = Object.keys(props.subscribers ?? {});
  for (const id of [...created, ...Object.keys(props.existingQueueSubscribers ?? {})]) {
    validateSubscriberId(v, id, false);
  }
  for (const id of Object.keys(props.existingQueueSubscribers ?? {})) {
    v.fail(created.includes(id), `subscriber id '${id}' is used in both subscribers and existingQueueSubscribers: each subscriber needs its own id`);
  }
}

/** A subscriber id becomes a construct id: it must be free and not one of the construct's own. */
export function validateSubscriberId(v: PropsValidator, id: string, taken: boolean): void {
  v.fail(id.length === 0 || id.includes('/'), `subscriber id must be non-empty and without '/', got '${id}'`);
  v.fail(RESERVED_IDS.includes(id), `subscriber id '${id}' is reserved for the construct's own resources (${RESERVED_IDS.join(', ')})`);
  v.fail(taken && !RESERVED_IDS.includes(id), `subscriber id '${id}' is already used by another subscriber of this topic`);
}

/**
 * The AWS services allowed to publish by the topic policy that cannot use the
 * topic's key, judged on the policies the app synthesizes (whoever wrote the
 * statements: `servicePublishers`, `grantPublish`, an aws-cdk-lib
 * integration): with the AWS-managed key, every such service; with a key of
 * this app, those its key policy does not let use it (kms:Decrypt and
 * kms:GenerateDataKey). Their messages would be refused at run time, so synth
 * fails instead. A key imported from elsewhere cannot be judged here.
 */
export function servicesUnableToUseTopicKey(topic: sns.Topic, encryption: TopicEncryption, servicePublishers: readonly string[]): string[] {
  const policy = topic.node.tryFindChild('Policy');
  if (!(policy instanceof sns.TopicPolicy)) {
    return [];
  }
  const document = Stack.of(topic).resolve(policy.document.toJSON()) as {
    Statement?: { Effect?: string; Principal?: { Service?: string | string[] } }[];
  };
  const services = [...new Set((document.Statement ?? [])
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => ([] as string[]).concat(s.Principal?.Service ?? [])))];
  let blocked: string[];
  if (encryption === TopicEncryption.AWS_MANAGED) {
    blocked = services;
  } else {
    const cfnKey = topic.masterKey?.node.defaultChild;
    if (!(cfnKey instanceof kms.CfnKey)) {
      return [];
    }
    const keyPolicy = Stack.of(cfnKey).resolve(cfnKey.keyPolicy);
    blocked = services.filter((service) => !keyPolicyAllows(keyPolicy, service, ['kms:Decrypt', 'kms:GenerateDataKey']));
  }
  if (blocked.length === 0) {
    return [];
  }
  const all = [...new Set([...servicePublishers, ...blocked])].map((s) => `'${s}'`).join(', ');
  return [
    encryption === TopicEncryption.AWS_MANAGED
      ? `${blocked.join(', ')} may publish to the topic, but AWS services cannot use the AWS-managed key ${AWS_MANAGED_SNS_KEY} that encrypts it: their messages would be refused. Set servicePublishers: [${all}] to encrypt the topic with a customer-managed key whose policy lets them use it`
      : `${blocked.join(', ')} may publish to the topic, but the topic's key does not let ${blocked.length > 1 ? 'them' : 'it'} use it: their messages would be refused. Set servicePublishers: [${all}]`,
  ];
}

/**
 * With `maxMessageSizeBytes` above 256 KiB, SNS refuses subscriptions other
 * than SQS, Lambda and Firehose, and more than 100 of them ("InvalidParameter").
 * The subscriptions of the app whose topic is this one, read at synth.
 */
export function subscriptionsRefusedAboveDefaultSize(topic: sns.ITopic, maxMessageSizeBytes: number): string[] {
  if (Token.isUnresolved(maxMessageSizeBytes) || maxMessageSizeBytes <= TOPIC_MESSAGE_SIZE.default) {
    return [];
  }
  const stack = Stack.of(topic);
  const topicArn = JSON.stringify(stack.resolve(topic.topicArn));
  const subscriptions = topic.node.root.node
    .findAll()
    .filter((c): c is sns.CfnSubscription => c instanceof sns.CfnSubscription)
    .filter((s) => Stack.of(s) === stack && JSON.stringify(stack.resolve(s.topicArn)) === topicArn);
  const allowed: readonly string[] = TOPIC_MESSAGE_SIZE.largeMessageProtocols;
  const refused = subscriptions.filter((s) => !Token.isUnresolved(s.protocol) && !allowed.includes(s.protocol));
  const errors = refused.map(
    (s) =>
      `maxMessageSizeBytes is ${maxMessageSizeBytes}, above 262,144: SNS then accepts only ${TOPIC_MESSAGE_SIZE.largeMessageProtocols.join(', ')} ` +
      `subscriptions, got protocol ${s.protocol} at ${s.node.path}`,
  );
  if (subscriptions.length > TOPIC_MESSAGE_SIZE.largeMessageSubscriptions) {
    errors.push(
      `maxMessageSizeBytes is ${maxMessageSizeBytes}, above 262,144: SNS then allows at most ${TOPIC_MESSAGE_SIZE.largeMessageSubscriptions} ` +
        `subscriptions per topic, got ${subscriptions.length}`,
    );
  }
  return errors;
}
