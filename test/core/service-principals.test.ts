import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import {
  EventBusRoute,
  FanoutTopic,
  FilteredSubscription,
  KinesisCqrsPipeline,
  QueueWithDlq,
  RouteTarget,
  TopicEncryption,
} from '../../src';
import { userFunction } from '../helpers/nag';

/**
 * Every statement the library writes for an AWS service principal is scoped
 * to the resource or account that may use it (aws:SourceArn, or
 * aws:SourceAccount), whatever the app's feature flags: the confused-deputy
 * guidance of each service (EventBridge User Guide, "Cross-service confused
 * deputy prevention"; Amazon SNS Developer Guide, "Key management" step 3;
 * IAM User Guide, "The confused deputy problem",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
 *
 * A KMS encryption-context condition that names the resource (the event
 * bus, `kms:EncryptionContext:aws:events:event-bus:arn`) or the account's log
 * deliveries (`kms:EncryptionContext:SourceArn`) scopes a key statement too:
 * the key then serves only what that context names ("Encrypting EventBridge
 * archives with AWS KMS keys" and "Encrypting event bus logs with AWS KMS in
 * EventBridge", whose key policies are conditioned so).
 *
 * Four exceptions, each documented by AWS:
 * - events.amazonaws.com in the key policy of an encrypted SNS topic: "Adding
 *   the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS
 *   policy is not supported for EventBridge-to-encrypted topics"
 *   (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services);
 * - lambda.amazonaws.com in the trust policy of a function's execution role,
 *   which Lambda assumes only for the functions that name the role (AWS
 *   Lambda Developer Guide, "Defining Lambda function permissions with an
 *   execution role", https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html);
 * - sns.amazonaws.com in the trust policy of a topic's delivery status logging
 *   role, which SNS assumes only for the topics whose attributes name it; the
 *   trust policy AWS gives has no condition (Amazon SNS Developer Guide,
 *   "Prerequisites for delivery status logging",
 *   https://docs.aws.amazon.com/sns/latest/dg/topics-attrib-prereq.html);
 * - kms:DescribeKey for events.amazonaws.com in the key policy of an
 *   encrypted archive, written by aws-cdk-lib's `Archive` without a condition,
 *   as the guide's example has it (https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-archives.html):
 *   DescribeKey takes no encryption context, and reveals the key's metadata only.
 */

const FLAGS = {
  '@aws-cdk/aws-events:eventsTargetQueueSameAccount': true,
  '@aws-cdk/aws-sns-subscriptions:restrictSqsDescryption': true,
};

interface Finding {
  readonly resource: string;
  readonly problem: string;
}

const SCOPING_KEYS = ['aws:sourcearn', 'aws:sourceaccount', 'kms:encryptioncontext:aws:events:event-bus:arn', 'kms:encryptioncontext:sourcearn'];

function scoped(condition: Record<string, Record<string, unknown>> | undefined): boolean {
  return Object.values(condition ?? {}).some((byKey) => Object.keys(byKey).some((key) => SCOPING_KEYS.includes(key.toLowerCase())));
}

function services(statement: any): string[] {
  return typeof statement.Principal === 'object' ? ([] as string[]).concat(statement.Principal.Service ?? []) : [];
}

/** Every service principal allowed anywhere in the template, with the resource type that allows it. */
function servicePrincipalUses(stack: Stack): string[] {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
  return Object.values(resources).flatMap((r) => {
    const document = r.Properties?.PolicyDocument ?? r.Properties?.KeyPolicy ?? r.Properties?.AssumeRolePolicyDocument;
    const fromDocuments = ((document?.Statement ?? []) as any[]).filter((s) => s.Effect === 'Allow').flatMap((s) => services(s).map((p) => `${r.Type} ${p}`));
    return r.Type === 'AWS::Lambda::Permission' ? [...fromDocuments, `${r.Type} ${r.Properties.Principal}`] : fromDocuments;
  });
}

/** Unscoped service-principal statements, and statements written twice in one document. */
function findings(stack: Stack): Finding[] {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
  const topicKeys = new Set(
    Object.values(resources)
      .filter((r) => r.Type === 'AWS::SNS::Topic' && r.Properties?.KmsMasterKeyId?.['Fn::GetAtt'])
      .map((r) => r.Properties.KmsMasterKeyId['Fn::GetAtt'][0]),
  );
  const archiveKeys = new Set(
    Object.values(resources)
      .filter((r) => r.Type === 'AWS::Events::Archive' && r.Properties?.KmsKeyIdentifier?.['Fn::GetAtt'])
      .map((r) => r.Properties.KmsKeyIdentifier['Fn::GetAtt'][0]),
  );
  const out: Finding[] = [];
  for (const [id, r] of Object.entries(resources)) {
    const document =
      r.Type === 'AWS::SQS::QueuePolicy' || r.Type === 'AWS::SNS::TopicPolicy' ? r.Properties.PolicyDocument
        : r.Type === 'AWS::KMS::Key' ? r.Properties.KeyPolicy
          : r.Type === 'AWS::IAM::Role' ? r.Properties.AssumeRolePolicyDocument
            : undefined;
    if (r.Type === 'AWS::Lambda::Permission' && typeof r.Properties.Principal === 'string' && r.Properties.Principal.endsWith('.amazonaws.com')) {
      if (r.Properties.SourceArn === undefined && r.Properties.SourceAccount === undefined) {
        out.push({ resource: id, problem: `permission for ${r.Properties.Principal} without SourceArn or SourceAccount` });
      }
    }
    if (!document) {
      continue;
    }
    const statements: any[] = document.Statement ?? [];
    const seen = statements.map((s) => JSON.stringify({ ...s, Sid: undefined }));
    seen.forEach((s, i) => {
      if (seen.indexOf(s) !== i) {
        out.push({ resource: id, problem: `statement ${i} repeats statement ${seen.indexOf(s)}` });
      }
    });
    for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
      for (const service of services(statement)) {
        const exception =
          (service === 'events.amazonaws.com' && r.Type === 'AWS::KMS::Key' && topicKeys.has(id)) ||
          (service === 'lambda.amazonaws.com' && r.Type === 'AWS::IAM::Role') ||
          (service === 'sns.amazonaws.com' && r.Type === 'AWS::IAM::Role') ||
          (service === 'events.amazonaws.com' && r.Type === 'AWS::KMS::Key' && statement.Action === 'kms:DescribeKey' && archiveKeys.has(id));
        if (!exception && !scoped(statement.Condition)) {
          out.push({ resource: id, problem: `${service} allowed ${JSON.stringify(statement.Action)} without aws:SourceArn or aws:SourceAccount` });
        }
      }
    }
  }
  return out;
}

/** Every construct, with customer-managed keys wherever a service principal needs one. */
function everything(context: Record<string, unknown>): Stack {
  const stack = new Stack(new App({ context }), 'Test');
  const key = new kms.Key(stack, 'QueueKey');
  const userQueue = new sqs.Queue(stack, 'UserQueue', { encryptionMasterKey: key });
  new QueueWithDlq(stack, 'Orders', { encryption: sqs.QueueEncryption.KMS, consumer: userFunction(stack, 'Consumer') });
  const fanout = new FanoutTopic(stack, 'Fanout', {
    encryption: TopicEncryption.KMS,
    servicePublishers: ['cloudwatch.amazonaws.com', 'events.amazonaws.com', 's3.amazonaws.com'],
    subscribers: { Billing: { encryption: sqs.QueueEncryption.KMS } },
  });
  fanout.addExistingQueueSubscriber('User', userQueue);
  new FilteredSubscription(stack, 'Sub', { topic: new sns.Topic(stack, 'Plain'), lambdaFunction: userFunction(stack, 'Handler') });
  new EventBusRoute(stack, 'Route', {
    eventPattern: { source: ['shop'] },
    deadLetterQueueKey: new kms.Key(stack, 'DlqKey'),
    targets: [
      RouteTarget.newQueue({ queueProps: { encryption: sqs.QueueEncryption.KMS } }),
      RouteTarget.queue(new sqs.Queue(stack, 'Target', { encryptionMasterKey: new kms.Key(stack, 'TargetKey') })),
      RouteTarget.lambdaFunction(userFunction(stack, 'RouteHandler')),
      RouteTarget.topic(fanout.topic),
      RouteTarget.stateMachine(new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass')) })),
    ],
  });
  new EventBusRoute(stack, 'Forward', {
    eventPattern: { source: ['shop'] },
    targets: [RouteTarget.eventBus(events.EventBus.fromEventBusArn(stack, 'Other', 'arn:aws:events:us-east-1:222222222222:event-bus/other'))],
  });
  new KinesisCqrsPipeline(stack, 'Ledger');
  // The options added for the current AWS features: an archived FIFO topic with delivery status logging, a bus with
  // a customer-managed key, logging and an archive, and an encrypted Kinesis stream as a target.
  new FanoutTopic(stack, 'Archived', {
    fifo: true,
    messageRetentionPeriodInDays: 7,
    loggingConfigs: [{ protocol: sns.LoggingProtocol.SQS, successFeedbackSampleRate: 10 }],
  });
  new EventBusRoute(stack, 'Encrypted', {
    eventPattern: { source: ['shop'] },
    eventBusProps: { kmsKey: new kms.Key(stack, 'BusKey'), logConfig: { level: events.Level.ERROR } },
    archive: {},
    targets: [RouteTarget.kinesisStream(new kinesis.Stream(stack, 'Stream', { encryption: kinesis.StreamEncryption.KMS }))],
  });
  return stack;
}

describe('service principals are scoped in every policy the library writes', () => {
  test('in an app without feature flags', () => {
    const stack = everything({});
    // The app exercises every kind of statement the library writes for a service.
    expect(new Set(servicePrincipalUses(stack))).toEqual(new Set([
      'AWS::SQS::QueuePolicy events.amazonaws.com',
      'AWS::SQS::QueuePolicy sns.amazonaws.com',
      'AWS::SNS::TopicPolicy cloudwatch.amazonaws.com',
      'AWS::SNS::TopicPolicy events.amazonaws.com',
      'AWS::KMS::Key events.amazonaws.com',
      'AWS::KMS::Key sns.amazonaws.com',
      'AWS::KMS::Key cloudwatch.amazonaws.com',
      'AWS::KMS::Key s3.amazonaws.com',
      'AWS::KMS::Key delivery.logs.amazonaws.com',
      'AWS::IAM::Role sns.amazonaws.com',
      'AWS::IAM::Role events.amazonaws.com',
      'AWS::IAM::Role lambda.amazonaws.com',
      'AWS::IAM::Role states.amazonaws.com', // the test's state machine
      'AWS::Lambda::Permission events.amazonaws.com',
      'AWS::Lambda::Permission sns.amazonaws.com',
    ]));
    expect(findings(stack)).toEqual([]);
  });

  test('in an app with the aws-events and aws-sns-subscriptions flags on', () => {
    expect(findings(everything(FLAGS))).toEqual([]);
  });

  test('the check itself reports an unscoped statement', () => {
    const stack = new Stack(new App(), 'Test');
    const queue = new sqs.Queue(stack, 'Queue', { encryptionMasterKey: new kms.Key(stack, 'Key') });
    new events.Rule(stack, 'Rule', { eventPattern: { source: ['x'] }, targets: [new targets.SqsQueue(queue)] });
    // aws-events-targets' SqsQueue, without the flag, allows EventBridge on an encrypted queue with no condition.
    expect(findings(stack).map((f) => f.problem)).toEqual(expect.arrayContaining([expect.stringMatching(/events.amazonaws.com allowed .* without/)]));
  });
});
