import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { FanoutTopic, FanoutTopicProps, TopicEncryption } from '../../src';
import { testStack } from '../helpers/nag';

function synth(props: FanoutTopicProps = {}, setup?: (stack: Stack) => FanoutTopicProps) {
  const { stack } = testStack();
  const construct = new FanoutTopic(stack, 'Orders', { ...props, ...setup?.(stack) });
  return { stack, construct, template: Template.fromStack(stack) };
}

/** The properties of the topic's AWS::SNS::Topic. */
function topicProperties(template: Template): Record<string, any> {
  return Object.values(template.findResources('AWS::SNS::Topic'))[0].Properties;
}

/** The statements of the only customer-managed key of the template. */
function keyStatements(template: Template): Record<string, any>[] {
  return Object.values(template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement;
}

const feedbackRole = (stack: Stack, id: string) => new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('sns.amazonaws.com') });

describe('FanoutTopic FIFO defaults', () => {
  test('a FIFO topic archives nothing and keeps SNS\'s topic-wide throughput scope', () => {
    // Without ArchivePolicy, SNS archives nothing; FifoThroughputScope left out is `Topic`
    // (CloudFormation reference, AWS::SNS::Topic, ArchivePolicy and FifoThroughputScope;
    // aws-cdk-lib aws-sns/lib/topic.ts: "@default undefined - SNS default setting is FifoThroughputScope.TOPIC").
    const properties = topicProperties(synth({ fifo: true }).template);
    expect(properties.ArchivePolicy).toBeUndefined();
    expect(properties.FifoThroughputScope).toBeUndefined();
    expect(properties.DeliveryStatusLogging).toBeUndefined();
  });

  test('no delivery status logging and no role by default', () => {
    const { template, construct } = synth();
    template.resourceCountIs('AWS::IAM::Role', 0);
    expect(construct.deliveryStatusLoggingRole).toBeUndefined();
  });
});

describe('FanoutTopic messageRetentionPeriodInDays', () => {
  test('sets the topic\'s archive policy', () => {
    // aws-cdk-lib renders messageRetentionPeriodInDays as ArchivePolicy.MessageRetentionPeriod
    // (aws-sns/lib/topic.ts); "Messages can be archived for a minimum of one day to a maximum of 365 days"
    // (https://docs.aws.amazon.com/sns/latest/dg/message-archiving-and-replay-topic-owner.html).
    const properties = topicProperties(synth({ fifo: true, messageRetentionPeriodInDays: 30 }).template);
    expect(properties.ArchivePolicy).toEqual({ MessageRetentionPeriod: 30 });
  });

  test('switches the default encryption to a customer-managed key that lets SNS decrypt archived messages, for replays', () => {
    // "Because past messages are replayed, Amazon SNS needs to be provisioned Decrypt access to the KMS
    // key that was used to encrypt the messages in the archive"; AWS's statement names kms:Decrypt and
    // kms:GenerateDataKey for sns.amazonaws.com
    // (https://docs.aws.amazon.com/sns/latest/dg/message-archiving-and-replay-topic-owner.html, Grant access to an encrypted archive).
    const { template, construct } = synth({ fifo: true, messageRetentionPeriodInDays: 7 });
    expect(construct.encryptionKey).toBeDefined();
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersKey'), 'Arn'] } });
    expect(keyStatements(template).filter((s) => s.Principal?.Service === 'sns.amazonaws.com')).toEqual([
      {
        Sid: 'AllowSnsToReplayArchivedMessages',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  test('a key of this app that you bring gets the same statement', () => {
    const { template } = synth({ fifo: true, messageRetentionPeriodInDays: 7 }, (s) => ({ encryptionKey: new kms.Key(s, 'Mine', { enableKeyRotation: true }) }));
    expect(keyStatements(template).map((s) => s.Sid)).toContain('AllowSnsToReplayArchivedMessages');
  });

  test('a key from elsewhere cannot take it: a warning says what its owner must add', () => {
    const { stack } = synth({ fifo: true, messageRetentionPeriodInDays: 7 }, (s) => ({
      encryptionKey: kms.Key.fromKeyArn(s, 'Imported', 'arn:aws:kms:us-east-1:111111111111:key/abc'),
    }));
    Annotations.fromStack(stack).hasWarning('/Test/Orders', Match.stringLikeRegexp('its owner must let sns.amazonaws.com use it \\(kms:Decrypt and kms:GenerateDataKey\\)'));
  });

  test('with encryption AWS_MANAGED chosen explicitly, the topic keeps alias/aws/sns and a warning says replays need a customer-managed key', () => {
    // The AWS-managed key's policy cannot be changed, and SNS documents that replaying from an encrypted
    // archive needs the key policy to let it decrypt (same page).
    const { stack, template } = synth({ fifo: true, messageRetentionPeriodInDays: 7, encryption: TopicEncryption.AWS_MANAGED });
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: 'alias/aws/sns', ArchivePolicy: { MessageRetentionPeriod: 7 } });
    Annotations.fromStack(stack).hasWarning('/Test/Orders', Match.stringLikeRegexp('encrypted with the AWS-managed key alias/aws/sns'));
  });
});

describe('FanoutTopic fifoThroughputScope', () => {
  test.each([
    [sns.FifoThroughputScope.MESSAGE_GROUP, 'MessageGroup'],
    [sns.FifoThroughputScope.TOPIC, 'Topic'],
  ])('%s is set on the FIFO topic', (scope, rendered) => {
    // CloudFormation reference, AWS::SNS::Topic FifoThroughputScope: Topic or MessageGroup
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-topic.html).
    synth({ fifo: true, fifoThroughputScope: scope }).template.hasResourceProperties('AWS::SNS::Topic', { FifoTopic: true, FifoThroughputScope: rendered });
  });
});

describe('FanoutTopic loggingConfigs', () => {
  test('an entry without roles gets a role the construct creates, assumed by SNS', () => {
    // The role needs logs:CreateLogGroup, logs:CreateLogStream and logs:PutLogEvents, and SNS writes to
    // log groups named sns/<region>/<account-id>/<topic-name>
    // (https://docs.aws.amazon.com/sns/latest/dg/topics-attrib-prereq.html).
    const { template, construct } = synth({ loggingConfigs: [{ protocol: sns.LoggingProtocol.SQS, successFeedbackSampleRate: 50 }] });
    expect(construct.deliveryStatusLoggingRole).toBeDefined();
    const roleId = Stack.of(construct).getLogicalId(construct.deliveryStatusLoggingRole!.node.defaultChild as iam.CfnRole);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' } }] },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [
          {
            Sid: 'WriteSnsDeliveryStatusLogs',
            Effect: 'Allow',
            Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: {
              'Fn::Join': [
                '',
                [
                  'arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
                  ':log-group:sns/', { Ref: 'AWS::Region' }, '/', { Ref: 'AWS::AccountId' }, '/*',
                ],
              ],
            },
          },
        ],
      },
    });
    // aws-cdk-lib renders the sample rate as a string (aws-sns/lib/topic.ts, renderLoggingConfigs).
    expect(topicProperties(template).DeliveryStatusLogging).toEqual([
      {
        Protocol: 'sqs',
        SuccessFeedbackRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
        FailureFeedbackRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
        SuccessFeedbackSampleRate: '50',
      },
    ]);
  });

  test('its permissions are in a customer-managed policy, and the topic waits for it', () => {
    const { template } = synth({ loggingConfigs: [{ protocol: sns.LoggingProtocol.SQS }] });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    const policyId = Object.keys(template.findResources('AWS::IAM::ManagedPolicy'))[0];
    const topic = Object.values(template.findResources('AWS::SNS::Topic'))[0];
    expect(topic.DependsOn).toContain(policyId);
  });

  test('one role serves every entry without roles; entries with roles are used as given', () => {
    let mine: iam.Role | undefined;
    const { template, construct } = synth({}, (s) => {
      mine = feedbackRole(s, 'Mine');
      return {
        loggingConfigs: [
          { protocol: sns.LoggingProtocol.SQS },
          { protocol: sns.LoggingProtocol.HTTP },
          { protocol: sns.LoggingProtocol.LAMBDA, failureFeedbackRole: mine },
        ],
      };
    });
    const arnOf = (role: iam.IRole) => ({ 'Fn::GetAtt': [Stack.of(construct).getLogicalId(role.node.defaultChild as iam.CfnRole), 'Arn'] });
    const created = arnOf(construct.deliveryStatusLoggingRole!);
    template.resourceCountIs('AWS::IAM::Role', 2);
    expect(topicProperties(template).DeliveryStatusLogging).toEqual([
      { Protocol: 'sqs', SuccessFeedbackRoleArn: created, FailureFeedbackRoleArn: created },
      { Protocol: 'http/s', SuccessFeedbackRoleArn: created, FailureFeedbackRoleArn: created },
      { Protocol: 'lambda', FailureFeedbackRoleArn: arnOf(mine!) },
    ]);
  });

  test('with roles given for every entry, no role is created', () => {
    const { template, construct } = synth({}, (s) => ({
      loggingConfigs: [{ protocol: sns.LoggingProtocol.FIREHOSE, successFeedbackRole: feedbackRole(s, 'Ok'), failureFeedbackRole: feedbackRole(s, 'Ko') }],
    }));
    expect(construct.deliveryStatusLoggingRole).toBeUndefined();
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    template.hasResourceProperties('AWS::SNS::Topic', {
      DeliveryStatusLogging: [
        {
          Protocol: 'firehose',
          SuccessFeedbackRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Ok'), 'Arn'] },
          FailureFeedbackRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Ko'), 'Arn'] },
        },
      ],
    });
  });

  test('works on a FIFO topic with archiving and high throughput', () => {
    const { template } = synth({
      fifo: true,
      messageRetentionPeriodInDays: 14,
      fifoThroughputScope: sns.FifoThroughputScope.MESSAGE_GROUP,
      loggingConfigs: [{ protocol: sns.LoggingProtocol.SQS, successFeedbackSampleRate: 0 }],
    });
    template.hasResourceProperties('AWS::SNS::Topic', {
      FifoTopic: true,
      ArchivePolicy: { MessageRetentionPeriod: 14 },
      FifoThroughputScope: 'MessageGroup',
      DeliveryStatusLogging: [Match.objectLike({ Protocol: 'sqs', SuccessFeedbackSampleRate: '0' })],
    });
  });
});
