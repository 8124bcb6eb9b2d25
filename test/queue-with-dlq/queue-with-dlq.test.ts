import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { QueueWithDlq, QueueWithDlqProps } from '../../src';
import { testStack, userFunction } from '../helpers/nag';

function synth(
  props: QueueWithDlqProps = {},
  setup?: (stack: Stack) => QueueWithDlqProps,
  after?: (construct: QueueWithDlq) => void,
): { stack: Stack; construct: QueueWithDlq; template: Template } {
  const { stack } = testStack();
  const construct = new QueueWithDlq(stack, 'Orders', { ...props, ...setup?.(stack) });
  after?.(construct);
  return { stack, construct, template: Template.fromStack(stack) };
}

const SOURCE = 'Orders2A43276C';
const DLQ_PREFIX = 'OrdersDeadLetterQueue';

function sourceQueue(template: Template): Record<string, any> {
  const queues = template.findResources('AWS::SQS::Queue', { Properties: { RedrivePolicy: Match.anyValue() } });
  return Object.values(queues)[0].Properties;
}

function deadLetterQueue(template: Template): Record<string, any> {
  const queues = template.findResources('AWS::SQS::Queue', { Properties: { RedriveAllowPolicy: Match.anyValue() } });
  return Object.values(queues)[0].Properties;
}

describe('QueueWithDlq defaults', () => {
  test('creates a queue and a dead-letter queue, both encrypted with SSE-SQS', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(sourceQueue(template).SqsManagedSseEnabled).toBe(true);
    expect(deadLetterQueue(template).SqsManagedSseEnabled).toBe(true);
  });

  test('redrives to the dead-letter queue after 5 receives', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${DLQ_PREFIX}`), 'Arn'] }, maxReceiveCount: 5 },
    });
  });

  test('keeps messages 4 days in the queue and 14 days in the dead-letter queue', () => {
    const { template } = synth();
    expect(sourceQueue(template).MessageRetentionPeriod).toBe(4 * 24 * 3600);
    expect(deadLetterQueue(template).MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  test('long-polls for 20 seconds and uses a 30-second visibility timeout without a consumer', () => {
    const { template } = synth();
    expect(sourceQueue(template).ReceiveMessageWaitTimeSeconds).toBe(20);
    expect(sourceQueue(template).VisibilityTimeout).toBe(30);
  });

  test('names the queue from the construct path and lets only it redrive into the dead-letter queue', () => {
    const { template } = synth();
    const name = sourceQueue(template).QueueName;
    expect(name).toMatch(/^Test-Orders-[0-9A-F]{8}$/);
    expect(deadLetterQueue(template).RedriveAllowPolicy).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sqs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${name}`]] },
      ],
    });
  });

  test('the dead-letter queue does not reference the queue, so there is no circular dependency', () => {
    const { template } = synth();
    expect(JSON.stringify(deadLetterQueue(template))).not.toContain(SOURCE);
  });

  test('denies requests without TLS on both queues', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::SQS::QueuePolicy', 2);
    for (const policy of Object.values(template.findResources('AWS::SQS::QueuePolicy'))) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  test('alarms when the dead-letter queue holds a message', () => {
    const { template, construct } = synth();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${DLQ_PREFIX}`), 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(construct.deadLetterQueueAlarm).toBeDefined();
  });

  test('alarms when the oldest message is older than 5 minutes', () => {
    const { template, construct } = synth();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [SOURCE, 'QueueName'] } }],
      Threshold: 300,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: Match.absent(),
    });
    expect(construct.alarms).toHaveLength(2);
  });

  test('queues are deleted with the stack', () => {
    const { template } = synth();
    template.allResources('AWS::SQS::Queue', { DeletionPolicy: 'Delete' });
  });

  test('exposes the resources it creates', () => {
    const { construct } = synth();
    expect(construct.queue.fifo).toBe(false);
    expect(construct.deadLetterQueue.fifo).toBe(false);
    expect(construct.maxReceiveCount).toBe(5);
    expect(construct.encryptionKey).toBeUndefined();
    expect(construct.consumer).toBeUndefined();
    expect(construct.eventSource).toBeUndefined();
    expect(construct.eventSourceMapping).toBeUndefined();
  });

  test('default template', () => {
    expect(synth().template.toJSON()).toMatchSnapshot();
  });
});

describe('QueueWithDlq options', () => {
  test('a queueName names the dead-letter queue after it', () => {
    const { template } = synth({ queueName: 'orders' });
    expect(sourceQueue(template).QueueName).toBe('orders');
    expect(deadLetterQueue(template).QueueName).toBe('orders-dlq');
  });

  test('a queueName ending in .fifo makes both queues FIFO', () => {
    const { template, construct } = synth({ queueName: 'orders.fifo' });
    expect(sourceQueue(template)).toMatchObject({ QueueName: 'orders.fifo', FifoQueue: true });
    expect(deadLetterQueue(template)).toMatchObject({ QueueName: 'orders-dlq.fifo', FifoQueue: true });
    expect(construct.queue.fifo).toBe(true);
  });

  test('fifo: true generates FIFO names and sets content-based deduplication', () => {
    const { template } = synth({ fifo: true, contentBasedDeduplication: true });
    expect(sourceQueue(template)).toMatchObject({ FifoQueue: true, ContentBasedDeduplication: true });
    expect(sourceQueue(template).QueueName).toMatch(/^Test-Orders-[0-9A-F]{8}\.fifo$/);
    expect(deadLetterQueue(template).FifoQueue).toBe(true);
  });

  test('deadLetterQueueName names the dead-letter queue', () => {
    const { template } = synth({ deadLetterQueueName: 'order-processing-dlq' });
    expect(deadLetterQueue(template).QueueName).toBe('order-processing-dlq');
  });

  test('a dead-letter queue you bring is used instead of a new one', () => {
    const { template, construct } = synth({}, (stack) => ({ deadLetterQueue: new sqs.Queue(stack, 'Mine') }));
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Mine'), 'Arn'] } },
    });
    expect(construct.deadLetterQueue.node.id).toBe('Mine');
  });

  test('maxReceiveCount, retention periods, wait time and visibility timeout are set as given', () => {
    const { template, construct } = synth({
      maxReceiveCount: 3,
      retentionPeriod: Duration.days(2),
      deadLetterRetentionPeriod: Duration.days(7),
      receiveMessageWaitTime: Duration.seconds(5),
      visibilityTimeout: Duration.minutes(2),
    });
    expect(sourceQueue(template)).toMatchObject({
      RedrivePolicy: { maxReceiveCount: 3 },
      MessageRetentionPeriod: 2 * 86400,
      ReceiveMessageWaitTimeSeconds: 5,
      VisibilityTimeout: 120,
    });
    expect(deadLetterQueue(template).MessageRetentionPeriod).toBe(7 * 86400);
    expect(construct.maxReceiveCount).toBe(3);
  });

  test('encryption KMS creates one rotated key for both queues', () => {
    const { template, construct } = synth({ encryption: sqs.QueueEncryption.KMS });
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const keyRef = { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersKey'), 'Arn'] };
    expect(sourceQueue(template)).toMatchObject({ KmsDataKeyReusePeriodSeconds: 300 });
    expect(deadLetterQueue(template)).toMatchObject({ KmsDataKeyReusePeriodSeconds: 300 });
    template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: Match.anyValue(), KmsMasterKeyId: keyRef });
    template.hasResourceProperties('AWS::SQS::Queue', { RedriveAllowPolicy: Match.anyValue(), KmsMasterKeyId: keyRef });
    expect(construct.encryptionKey).toBeDefined();
  });

  test('an encryptionMasterKey is used for both queues and no key is created', () => {
    const { template, construct } = synth({ dataKeyReuse: Duration.hours(1) }, (stack) => ({ encryptionMasterKey: new kms.Key(stack, 'MyKey') }));
    template.resourceCountIs('AWS::KMS::Key', 1);
    const keyRef = { 'Fn::GetAtt': [expect.stringMatching(/^MyKey/), 'Arn'] };
    expect(sourceQueue(template)).toMatchObject({ KmsMasterKeyId: keyRef, KmsDataKeyReusePeriodSeconds: 3600 });
    expect(deadLetterQueue(template)).toMatchObject({ KmsMasterKeyId: keyRef });
    expect(construct.encryptionKey?.node.id).toBe('MyKey');
  });

  test('encryption KMS_MANAGED uses the AWS-managed key when no service delivers to the queue', () => {
    const { template } = synth({ encryption: sqs.QueueEncryption.KMS_MANAGED });
    expect(sourceQueue(template).KmsMasterKeyId).toBe('alias/aws/sqs');
    expect(deadLetterQueue(template).KmsMasterKeyId).toBe('alias/aws/sqs');
  });

  test('removalPolicy applies to both queues', () => {
    const { template } = synth({ removalPolicy: RemovalPolicy.RETAIN });
    template.allResources('AWS::SQS::Queue', { DeletionPolicy: 'Retain' });
  });

  test('alarms can be switched off one by one', () => {
    const { template, construct } = synth({ deadLetterQueueAlarm: false });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    expect(construct.deadLetterQueueAlarm).toBeUndefined();
    const second = synth({ oldestMessageAlarm: false });
    second.template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    expect(second.construct.oldestMessageAlarm).toBeUndefined();
    expect(second.construct.alarms).toEqual([second.construct.deadLetterQueueAlarm]);
  });

  test('alarmAction is set on every alarm', () => {
    const { template } = synth({}, (stack) => ({ alarmAction: new cloudwatchActions.SnsAction(new sns.Topic(stack, 'Oncall')) }));
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(2);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Oncall/) }]);
    }
  });

  test('oldestMessageAgeThreshold sets the alarm threshold', () => {
    const { template } = synth({ oldestMessageAgeThreshold: Duration.hours(2) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 7200 });
  });

  test('the default age threshold covers every retry of a message: maxReceiveCount x visibility timeout', () => {
    const { template } = synth({ maxReceiveCount: 10, visibilityTimeout: Duration.minutes(5) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 3000 });
  });

  test('the default age threshold is at most half the retention period', () => {
    const { template } = synth({ maxReceiveCount: 100, visibilityTimeout: Duration.hours(1), retentionPeriod: Duration.days(1) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 43200 });
  });
});

describe('QueueWithDlq consumer', () => {
  test('a consumer gets an event source mapping with partial batch responses', () => {
    const { template, construct } = synth({}, (stack) => ({ consumer: userFunction(stack, 'Fn', Duration.seconds(10)) }));
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [SOURCE, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(construct.eventSource).toBeDefined();
    expect(construct.eventSourceMapping).toBeDefined();
    expect(construct.consumer).toBeDefined();
  });

  test('the consumer may receive and delete messages of the queue', () => {
    const { template } = synth({}, (stack) => ({ consumer: userFunction(stack, 'Fn') }));
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['sqs:ReceiveMessage', 'sqs:DeleteMessage']), Resource: { 'Fn::GetAtt': [SOURCE, 'Arn'] } }),
        ]),
      },
    });
  });

  test('the visibility timeout defaults to 6 x the function timeout', () => {
    const { template } = synth({}, (stack) => ({ consumer: userFunction(stack, 'Fn', Duration.seconds(10)) }));
    expect(sourceQueue(template).VisibilityTimeout).toBe(60);
  });

  test("a function without a timeout counts with Lambda's 3 seconds", () => {
    const { template } = synth({}, (stack) => ({ consumer: userFunction(stack, 'Fn') }));
    expect(sourceQueue(template).VisibilityTimeout).toBe(18);
  });

  test('the batching window is added to the visibility timeout', () => {
    const { template } = synth({ consumerOptions: { maxBatchingWindow: Duration.seconds(15) } }, (stack) => ({
      consumer: userFunction(stack, 'Fn', Duration.seconds(10)),
    }));
    expect(sourceQueue(template).VisibilityTimeout).toBe(75);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MaximumBatchingWindowInSeconds: 15 });
  });

  test('an imported function uses consumerOptions.functionTimeout', () => {
    const { template } = synth({ consumerOptions: { functionTimeout: Duration.seconds(20) } }, (stack) => ({
      consumer: lambda.Function.fromFunctionArn(stack, 'Imported', 'arn:aws:lambda:us-east-1:111122223333:function:orders'),
    }));
    expect(sourceQueue(template).VisibilityTimeout).toBe(120);
  });

  test('batch size, max concurrency, enabled and partial batch responses are configurable', () => {
    const { template } = synth(
      {
        consumerOptions: {
          batchSize: 100, maxBatchingWindow: Duration.seconds(1), maxConcurrency: 5, enabled: false, reportBatchItemFailures: false,
        },
      },
      (stack) => ({ consumer: userFunction(stack, 'Fn') }),
    );
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      ScalingConfig: { MaximumConcurrency: 5 },
      Enabled: false,
      FunctionResponseTypes: Match.absent(),
    });
  });

  test('a visibility timeout below 6 x the function timeout is a warning', () => {
    const { stack } = synth({ visibilityTimeout: Duration.seconds(20) }, (s) => ({ consumer: userFunction(s, 'Fn', Duration.seconds(10)) }));
    Annotations.fromStack(stack).hasWarning('/Test/Orders', Match.stringLikeRegexp('visibilityTimeout \\(20 seconds\\) is less than 6 times'));
  });

  test('a visibility timeout of 6 x the function timeout or more is no warning', () => {
    const { stack } = synth({ visibilityTimeout: Duration.seconds(60) }, (s) => ({ consumer: userFunction(s, 'Fn', Duration.seconds(10)) }));
    Annotations.fromStack(stack).hasNoWarning('/Test/Orders', Match.anyValue());
  });

  // "set the maxReceiveCount on the source queue's redrive policy to at least 5" (Lambda Developer Guide,
  // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).
  test('a maxReceiveCount below 5 with a consumer is a warning', () => {
    const { stack } = synth({ maxReceiveCount: 3 }, (s) => ({ consumer: userFunction(s, 'Fn', Duration.seconds(10)) }));
    Annotations.fromStack(stack).hasWarning('/Test/Orders', Match.stringLikeRegexp('maxReceiveCount \\(3\\) is below 5 with a Lambda consumer'));
  });

  // Without ReportBatchItemFailures "all items in the batch return to the queue" when the function fails
  // (Lambda Developer Guide, https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html).
  test('partial batch responses turned off is a warning', () => {
    const { stack } = synth({ consumerOptions: { reportBatchItemFailures: false } }, (s) => ({ consumer: userFunction(s, 'Fn', Duration.seconds(10)) }));
    Annotations.fromStack(stack).hasWarning('/Test/Orders', Match.stringLikeRegexp('reportBatchItemFailures is false'));
  });

  test('a maxReceiveCount below 5 without a consumer is no warning (no Lambda throttles spend receives)', () => {
    const { stack } = synth({ maxReceiveCount: 3 });
    Annotations.fromStack(stack).hasNoWarning('/Test/Orders', Match.anyValue());
  });
});

describe('QueueWithDlq grants', () => {
  test('grantRedrive allows moving messages back from the dead-letter queue', () => {
    const { template } = synth({ encryption: sqs.QueueEncryption.KMS }, undefined, (construct) => {
      construct.grantRedrive(new iam.Role(construct, 'Operator', { assumedBy: new iam.AccountRootPrincipal() }));
    });
    const statements = template.findResources('AWS::IAM::Policy');
    const document = JSON.stringify(Object.values(statements)[0].Properties.PolicyDocument);
    const actions = ['sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:CancelMessageMoveTask', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'];
    for (const action of [...actions, 'sqs:SendMessage', 'kms:Decrypt', 'kms:GenerateDataKey*']) {
      expect(document).toContain(action);
    }
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:CancelMessageMoveTask'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${DLQ_PREFIX}`), 'Arn'] },
          }),
        ]),
      },
    });
  });
});
