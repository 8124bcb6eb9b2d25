import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { QueueWithDlq, QueueWithDlqProps } from '../../src';
import { testStack, userFunction } from '../helpers/nag';

function synth(
  props: QueueWithDlqProps = {},
  setup?: (stack: Stack) => QueueWithDlqProps,
): { stack: Stack; construct: QueueWithDlq; template: Template } {
  const { stack } = testStack();
  const construct = new QueueWithDlq(stack, 'Orders', { ...props, ...setup?.(stack) });
  return { stack, construct, template: Template.fromStack(stack) };
}

const withConsumer = (stack: Stack) => ({ consumer: userFunction(stack, 'Fn', Duration.seconds(10)) });

function queues(template: Template): { source: Record<string, any>; dlq: Record<string, any> } {
  const source = Object.values(template.findResources('AWS::SQS::Queue', { Properties: { RedrivePolicy: Match.anyValue() } }))[0].Properties;
  const dlq = Object.values(template.findResources('AWS::SQS::Queue', { Properties: { RedriveAllowPolicy: Match.anyValue() } }))[0].Properties;
  return { source, dlq };
}

const orderFilter = lambda.FilterCriteria.filter({ body: { type: lambda.FilterRule.isEqual('order') } });

describe('QueueWithDlq message size and delivery delay', () => {
  // SQS accepts messages up to 1 MiB since August 2025: MaximumMessageSize 1,024 to 1,048,576 bytes
  // (https://aws.amazon.com/blogs/compute/more-room-to-build-serverless-services-now-support-payloads-up-to-1-mb;
  // AWS::SQS::Queue MaximumMessageSize, https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html).
  test('maxMessageSizeBytes is set on the queue and on the dead-letter queue it creates', () => {
    const { template } = synth({ maxMessageSizeBytes: 1_048_576 });
    const { source, dlq } = queues(template);
    expect(source.MaximumMessageSize).toBe(1_048_576);
    // A moved message must fit where it moves: the dead-letter queue accepts what the queue accepts.
    expect(dlq.MaximumMessageSize).toBe(1_048_576);
  });

  test('without maxMessageSizeBytes both queues keep the SQS default', () => {
    const { source, dlq } = queues(synth().template);
    expect(source.MaximumMessageSize).toBeUndefined();
    expect(dlq.MaximumMessageSize).toBeUndefined();
  });

  // DelaySeconds: 0 to 900 seconds (AWS::SQS::Queue DelaySeconds, same page).
  test('deliveryDelay is set on the queue only: moved messages are not delayed again', () => {
    const { source, dlq } = queues(synth({ deliveryDelay: Duration.minutes(2) }).template);
    expect(source.DelaySeconds).toBe(120);
    expect(dlq.DelaySeconds).toBeUndefined();
  });

  // A delayed message is already in the queue while it waits, so its age runs during the delay
  // (ApproximateAgeOfOldestMessage, https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html):
  // the default threshold adds the delay to the retries, else a delayed queue would alarm with nothing wrong.
  test('the default oldest-message threshold adds the delivery delay to maxReceiveCount x visibility timeout', () => {
    const { template } = synth({ deliveryDelay: Duration.minutes(15), visibilityTimeout: Duration.minutes(1) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 900 + 5 * 60 });
  });
});

describe('QueueWithDlq FIFO high throughput', () => {
  // "To enable high throughput ... set Deduplication scope to Message group and FIFO throughput limit to Per message
  // group ID. If you set these attributes to anything other than these values, normal throughput is in effect"
  // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/high-throughput-fifo.html).
  test('deduplicationScope and fifoThroughputLimit are set on the FIFO queue', () => {
    const { stack, template } = synth({
      fifo: true,
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
    });
    expect(queues(template).source).toMatchObject({ DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId', FifoQueue: true });
    Annotations.fromStack(stack).hasNoWarning('/Test/Orders', Match.anyValue());
  });

  test.each([
    [{ deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP }, 'deduplicationScope is messageGroup and fifoThroughputLimit is perQueue \\(the default\\)'],
    [{ fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID }, 'deduplicationScope is queue \\(the default\\) and fifoThroughputLimit is perMessageGroupId'],
  ])('half of high throughput is accepted, as SQS accepts it, with a warning that throughput stays normal (%o)', (props, message) => {
    const { stack } = synth({ fifo: true, ...props });
    Annotations.fromStack(stack).hasWarning('/Test/Orders', Match.stringLikeRegexp(`${message}: SQS applies high throughput only`));
  });
});

describe('QueueWithDlq consumer event source options', () => {
  // FilterCriteria of AWS::Lambda::EventSourceMapping: a list of { Pattern } in the EventBridge pattern syntax
  // (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html).
  test('filters are passed to the event source mapping', () => {
    const { template } = synth({ consumerOptions: { filters: [orderFilter] } }, withConsumer);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FilterCriteria: { Filters: [{ Pattern: '{"body":{"type":["order"]}}' }] },
    });
  });

  // "If an Amazon SQS message doesn't satisfy your filter criteria, Lambda automatically removes the message from the queue"
  // (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html).
  test('filters are a warning: messages that match none are deleted, not dead-lettered', () => {
    const { stack } = synth({ consumerOptions: { filters: [orderFilter] } }, withConsumer);
    Annotations.fromStack(stack).hasWarning('/Test/Orders', Match.stringLikeRegexp('Lambda deletes from the queue every message that matches no filter'));
  });

  // The Lambda API's FilterCriteria.KmsKeyArn; aws-cdk-lib lets lambda.amazonaws.com decrypt with the key
  // (aws-lambda/lib/event-source-mapping.ts, filterEncryption.grantDecrypt).
  test('filterEncryption encrypts the filter criteria with the key, which Lambda may use', () => {
    const { template } = synth({ consumerOptions: { filters: [orderFilter] } }, (stack) => ({
      ...withConsumer(stack),
      consumerOptions: { filters: [orderFilter], filterEncryption: new kms.Key(stack, 'FilterKey', { enableKeyRotation: true }) },
    }));
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FilterKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'kms:Decrypt', Principal: { Service: 'lambda.amazonaws.com' } }),
        ]),
      },
    });
  });

  // MetricsConfig of AWS::Lambda::EventSourceMapping: EventCount for SQS sources
  // (https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingMetricsConfig.html).
  test('metricsConfig is passed to the event source mapping', () => {
    const { stack, template } = synth({ consumerOptions: { metricsConfig: { metrics: [lambda.MetricType.EVENT_COUNT] } } }, withConsumer);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MetricsConfig: { Metrics: ['EventCount'] } });
    Annotations.fromStack(stack).hasNoWarning('/Test/Orders', Match.anyValue());
  });

  // ErrorCount and KafkaMetrics are "(Amazon MSK and self-managed Apache Kafka)" metrics (same API page).
  test('Kafka-only metrics on an SQS source are a warning', () => {
    const { stack } = synth({ consumerOptions: { metricsConfig: { metrics: [lambda.MetricType.ERROR_COUNT] } } }, withConsumer);
    Annotations.fromStack(stack).hasWarning('/Test/Orders', Match.stringLikeRegexp('asks for ErrorCount: Lambda publishes those for Kafka event sources only'));
  });

  // ProvisionedPollerConfig: for SQS, minimum 2 (default 2) and maximum up to 2,000 in CloudFormation
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-eventsourcemapping-provisionedpollerconfig.html).
  test('provisionedPollerConfig is passed to the event source mapping', () => {
    const { template } = synth({ consumerOptions: { provisionedPollerConfig: { minimumPollers: 2, maximumPollers: 50 } } }, withConsumer);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 50 },
      ScalingConfig: Match.absent(),
    });
  });

  // Quota "Filters per event source mapping": 5, raised on request up to 10
  // (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html).
  test('more than 5 filters are accepted with a warning about the quota', () => {
    const filters = [1, 2, 3, 4, 5, 6].map((n) => lambda.FilterCriteria.filter({ body: { n: lambda.FilterRule.isEqual(n) } }));
    const { stack } = synth({ consumerOptions: { filters } }, withConsumer);
    Annotations.fromStack(stack).hasWarning('/Test/Orders', Match.stringLikeRegexp('holds 6 filters: Lambda accepts more than 5 only once'));
  });

  // "Amazon SQS event source mappings only support filtering on the body key" (with-sqs-filtering.html).
  test('a filter on a field other than body is a warning', () => {
    const { stack } = synth(
      { consumerOptions: { filters: [lambda.FilterCriteria.filter({ messageAttributes: { kind: { stringValue: ['order'] } } })] } },
      withConsumer,
    );
    Annotations.fromStack(stack).hasWarning('/Test/Orders', Match.stringLikeRegexp('name "messageAttributes" outside "body"'));
  });
});

describe('QueueWithDlq offline filter evaluation', () => {
  test('without filters every message reaches the consumer', () => {
    const { construct } = synth({}, withConsumer);
    expect(construct.matchesConsumerFilters('anything')).toBe(true);
  });

  test('the construct evaluates its own filters', () => {
    const { construct } = synth({ consumerOptions: { filters: [orderFilter] } }, withConsumer);
    expect(construct.matchesConsumerFilters('{"type":"order"}')).toBe(true);
    expect(construct.matchesConsumerFilters('{"type":"refund"}')).toBe(false);
    expect(construct.explainConsumerFilters('{"type":"refund"}').reasons).toEqual([
      'body.type: "refund" is not "order" (filter 1)',
      'no filter matches: Lambda deletes the message from the queue without invoking the function',
    ]);
  });
});
