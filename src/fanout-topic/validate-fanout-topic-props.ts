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
const RESERVED_IDS = ['Resource', 'Key', 'SubscriptionDeadLetterQueue', 'SubscriptionDeadLetterQueueAlarm'];

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
  const usesCustomerKey = props.encryptionKey !== undefined || (props.servicePublishers ?? []).length > 0;
  const encryption = props.encryption ?? (usesCustomerKey ? TopicEncryption.KMS : TopicEncryption.AWS_MANAGED);

  validateName(v, named, fifo);
  v.fail(
    !fifo && props.contentBasedDeduplication === true,
    'contentBasedDeduplication applies to FIFO topics only: set fifo: true or leave contentBasedDeduplication unset',
  );
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
