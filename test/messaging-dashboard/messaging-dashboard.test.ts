import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { bodyMetrics, dashboardBody, graphTitled, sectionWidgets } from './dashboard-body';
import { body, everyKind } from './fixtures';
import {
  EventBusRoute, EventPipe, FanoutTopic, FilteredSubscription, KinesisCqrsPipeline, PipeSource, PipeTarget, QueueWithDlq, RouteTarget,
} from '../../src';
import { unpublishedMetricReason } from '../../src/core/published-metrics';
import { MessagingDashboard } from '../../src/messaging-dashboard';
import { userFunction } from '../helpers/nag';
import { normalizedTemplate } from '../helpers/template';

// Metric names and dimensions below are those AWS publishes:
// SQS "The only dimension that Amazon SQS sends to CloudWatch is QueueName"
//   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html);
// SNS topic metrics by TopicName (https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html);
// Lambda function metrics by FunctionName (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html);
// EventBridge: "Metrics that specify both the EventBusName and RuleName dimensions refer to a custom event bus"
//   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html);
// Kinesis stream metrics by StreamName (https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html).
// The body's layout is CloudWatch's: a 24-column grid of widgets of type text, metric and alarm
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).

function stack(): Stack {
  return new Stack(new App(), 'Test');
}

describe('MessagingDashboard: the dashboard', () => {
  test('one AWS::CloudWatch::Dashboard, the construct\'s Resource, showing the last day by default', () => {
    const s = stack();
    const dashboard = new MessagingDashboard(s, 'Dashboard', { patterns: [new QueueWithDlq(s, 'Orders')] });
    Template.fromStack(s).resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(dashboard.node.findChild('Resource') === dashboard.dashboard).toBe(true);
    // "start ... -PT8H shows the last 8 hours" (Dashboard Body Structure, Overall Structure).
    expect(dashboardBody(s).start).toBe('-P1D');
  });

  test('defaultInterval sets the time range; dashboardName the name', () => {
    const s = stack();
    new MessagingDashboard(s, 'Dashboard', { dashboardName: 'orders-ops', defaultInterval: Duration.hours(6), patterns: [new QueueWithDlq(s, 'Orders')] });
    Template.fromStack(s).hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'orders-ops' });
    expect(dashboardBody(s).start).toBe('-PT6H');
  });

  test('a default dashboard of one QueueWithDlq (snapshot)', () => {
    const s = stack();
    new MessagingDashboard(s, 'Dashboard', { patterns: [new QueueWithDlq(s, 'Orders')] });
    expect({ body: dashboardBody(s), template: normalizedTemplate(s).Resources }).toMatchSnapshot();
  });
});

describe('MessagingDashboard: a QueueWithDlq', () => {
  test('a header, the queue\'s depth and age with the oldest-message threshold, its dead-letter queue, then its alarms', () => {
    const s = stack();
    const queue = new QueueWithDlq(s, 'Orders');
    new MessagingDashboard(s, 'Dashboard', { patterns: [queue] });
    const widgets = sectionWidgets(dashboardBody(s), 'Test/Orders');
    expect(widgets.map((w) => w.type)).toEqual(['text', 'metric', 'metric', 'alarm']);
    expect(widgets[0].properties.markdown).toBe('### QueueWithDlq `Test/Orders`');
    expect(widgets[0].width).toBe(24);

    const depth = graphTitled(widgets, 'Messages visible and oldest message age (s)');
    expect(depth.properties.metrics).toEqual([
      ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', '${Orders2A43276C.QueueName}', { label: 'Messages visible', period: 60, stat: 'Maximum' }],
      ['AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', '${Orders2A43276C.QueueName}',
        { label: 'Oldest message age (s)', period: 60, stat: 'Maximum', yAxis: 'right' }],
    ]);
    // The default oldest-message threshold: at least 5 minutes (docs/queue-with-dlq.md).
    expect(depth.properties.annotations?.horizontal).toEqual([expect.objectContaining({ value: 300, yAxis: 'right' })]);

    expect(graphTitled(widgets, 'Dead-letter queue messages').properties.metrics).toEqual([
      ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', '${OrdersDeadLetterQueueA73944CE.QueueName}',
        { label: 'Dead-letter queue messages', period: 60, stat: 'Maximum' }],
    ]);
    expect(widgets[3].properties.alarms).toEqual(['${OrdersDeadLetterQueueAlarm41900344.Arn}', '${OrdersOldestMessageAlarmFC69E0C0.Arn}']);
  });

  test('graphs show the very metrics the alarms watch', () => {
    const s = stack();
    const queue = new QueueWithDlq(s, 'Orders');
    new MessagingDashboard(s, 'Dashboard', { patterns: [queue] });
    const template = Template.fromStack(s);
    const metrics = bodyMetrics(dashboardBody(s));
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      const p = (alarm as { Properties: { MetricName: string; Namespace: string; Period: number; Statistic: string } }).Properties;
      expect(metrics).toContainEqual(expect.objectContaining({
        namespace: p.Namespace,
        metricName: p.MetricName,
        options: expect.objectContaining({ period: p.Period, stat: p.Statistic }),
      }));
    }
  });

  test('with a consumer: its errors and throttles (the alarms\' Sum over 5 minutes) and its duration', () => {
    const s = stack();
    new MessagingDashboard(s, 'Dashboard', { patterns: [new QueueWithDlq(s, 'Orders', { consumer: userFunction(s, 'Fn') })] });
    const widgets = sectionWidgets(dashboardBody(s), 'Test/Orders');
    expect(graphTitled(widgets, 'Consumer errors and throttles').properties.metrics).toEqual([
      ['AWS/Lambda', 'Errors', 'FunctionName', '${Ref:Fn9270CBC0}', { label: 'Errors', stat: 'Sum' }],
      ['AWS/Lambda', 'Throttles', 'FunctionName', '${Ref:Fn9270CBC0}', { label: 'Throttles', stat: 'Sum' }],
    ]);
    expect(graphTitled(widgets, 'Consumer duration (ms)').properties.metrics).toEqual([
      ['AWS/Lambda', 'Duration', 'FunctionName', '${Ref:Fn9270CBC0}', { label: 'Average' }],
      ['AWS/Lambda', 'Duration', 'FunctionName', '${Ref:Fn9270CBC0}', { label: 'Maximum', stat: 'Maximum' }],
    ]);
    expect(widgets.find((w) => w.type === 'alarm')?.properties.alarms).toHaveLength(4);
  });

  test('switched-off alarms leave no alarm widget (CloudWatch needs 1 to 100 alarms in one)', () => {
    const s = stack();
    new MessagingDashboard(s, 'Dashboard', {
      patterns: [new QueueWithDlq(s, 'Orders', { deadLetterQueueAlarm: false, oldestMessageAlarm: false })],
    });
    const widgets = sectionWidgets(dashboardBody(s), 'Test/Orders');
    expect(widgets.map((w) => w.type)).toEqual(['text', 'metric', 'metric']);
    expect(graphTitled(widgets, 'Messages visible and oldest message age (s)').properties.annotations).toBeUndefined();
  });
});

describe('MessagingDashboard: a FanoutTopic', () => {
  test('published, delivered and failed messages by TopicName, the subscription DLQ, each subscriber queue by its id', () => {
    const s = stack();
    const topic = new FanoutTopic(s, 'Topic', { subscribers: { billing: {}, shipping: {} } });
    topic.addExistingQueueSubscriber('audit', sqs.Queue.fromQueueArn(s, 'Audit', 'arn:aws:sqs:us-east-1:111111111111:audit'));
    new MessagingDashboard(s, 'Dashboard', { patterns: [topic] });
    const widgets = sectionWidgets(dashboardBody(s), 'Test/Topic');
    expect(widgets[0].properties.markdown).toBe('### FanoutTopic `Test/Topic`');
    const counts = graphTitled(widgets, 'Messages published, delivered and failed').properties.metrics!;
    expect(counts.map((m) => [m[0], m[1], m[2], m[3]])).toEqual([
      ['AWS/SNS', 'NumberOfMessagesPublished', 'TopicName', '${TopicB198EEC5.TopicName}'],
      ['AWS/SNS', 'NumberOfNotificationsDelivered', 'TopicName', '${TopicB198EEC5.TopicName}'],
      ['AWS/SNS', 'NumberOfNotificationsFailed', 'TopicName', '${TopicB198EEC5.TopicName}'],
    ]);
    const labels = (title: string) => graphTitled(widgets, title).properties.metrics!.map((m) => (m[4] as { label: string }).label);
    expect(labels('Subscriber queues: messages visible')).toEqual(['billing', 'shipping', 'audit']);
    expect(labels('Subscriber queues: dead-letter queue messages')).toEqual(['billing', 'shipping']);
    expect(graphTitled(widgets, 'Subscriber queues: messages visible').properties.metrics![2][3]).toBe('audit');
    // The topic's alarms include its subscriber queues'.
    expect(widgets.find((w) => w.type === 'alarm')?.properties.alarms).toHaveLength(topic.alarms.length);
    expect(topic.alarms.length).toBe(5);
  });

  test('more subscriber queues than fit one graph go to further graphs, numbered', () => {
    const s = stack();
    const subscribers = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`q${i}`, {}]));
    new MessagingDashboard(s, 'Dashboard', { patterns: [new FanoutTopic(s, 'Topic', { subscribers })] });
    const widgets = sectionWidgets(dashboardBody(s), 'Test/Topic');
    expect(graphTitled(widgets, 'Subscriber queues: messages visible (1/2)').properties.metrics).toHaveLength(10);
    expect(graphTitled(widgets, 'Subscriber queues: messages visible (2/2)').properties.metrics).toHaveLength(1);
  });
});

describe('MessagingDashboard: a FilteredSubscription', () => {
  test('a Lambda endpoint: subscription DLQ, endpoint errors, throttles and duration, its on-failure queue', () => {
    const s = stack();
    const topic = new sns.Topic(s, 'Topic');
    const subscription = new FilteredSubscription(s, 'Sub', { topic, lambdaFunction: userFunction(s, 'Fn', Duration.seconds(10)) });
    new MessagingDashboard(s, 'Dashboard', { patterns: [subscription] });
    const widgets = sectionWidgets(dashboardBody(s), 'Test/Sub');
    expect(widgets.filter((w) => w.type === 'metric').map((w) => w.properties.title)).toEqual([
      'Subscription dead-letter queue messages',
      'Endpoint errors and throttles',
      'Endpoint duration (ms)',
      'On-failure queue messages',
    ]);
    expect(widgets.find((w) => w.type === 'alarm')?.properties.alarms).toHaveLength(subscription.alarms.length);
  });

  test('a queue it creates: the queue\'s graphs follow the subscription\'s', () => {
    const s = stack();
    const subscription = new FilteredSubscription(s, 'Sub', { topic: new sns.Topic(s, 'Topic') });
    new MessagingDashboard(s, 'Dashboard', { patterns: [subscription] });
    expect(sectionWidgets(dashboardBody(s), 'Test/Sub').filter((w) => w.type === 'metric').map((w) => w.properties.title)).toEqual([
      'Subscription dead-letter queue messages',
      'Messages visible and oldest message age (s)',
      'Dead-letter queue messages',
    ]);
  });
});

describe('MessagingDashboard: an EventBusRoute', () => {
  test('rule metrics by EventBusName and the bare rule name (not CloudFormation\'s bus|rule Ref), its queues', () => {
    const s = stack();
    const route = new EventBusRoute(s, 'Route', { eventPattern: { source: ['orders'] }, targets: [RouteTarget.newQueue()] });
    new MessagingDashboard(s, 'Dashboard', { patterns: [route] });
    const widgets = sectionWidgets(dashboardBody(s), 'Test/Route');
    const metrics = bodyMetrics({ widgets }).filter((m) => m.namespace === 'AWS/Events');
    expect(metrics.map((m) => m.metricName)).toEqual([
      'MatchedEvents', 'Invocations', 'FailedInvocations', 'InvocationsSentToDlq', 'InvocationsFailedToBeSentToDlq',
    ]);
    for (const m of metrics) {
      expect(Object.keys(m.dimensions).sort()).toEqual(['EventBusName', 'RuleName']);
      expect(m.dimensions.RuleName).not.toBe('${Ref:RouteD9D3A7CB}');
      expect(m.dimensions.RuleName).toContain("'Fn::Select':[1,{'Fn::Split':['|'");
    }
    expect(widgets.filter((w) => w.type === 'metric').map((w) => w.properties.title)).toEqual([
      'Matched events and invocations',
      'Failed invocations',
      'Dead-letter and on-failure queue messages',
      'Target queues: messages visible',
      'Target queues: dead-letter queue messages',
    ]);
    const alarms = widgets.find((w) => w.type === 'alarm')!.properties.alarms!;
    expect(alarms).toHaveLength(route.alarms.length + route.queues[0].alarms.length);
  });

  test('a rule of the default bus: RuleName alone', () => {
    const s = stack();
    const route = new EventBusRoute(s, 'Route', {
      eventBus: events.EventBus.fromEventBusName(s, 'Default', 'default'),
      eventPattern: { source: ['orders'] },
      targets: [RouteTarget.newQueue()],
    });
    new MessagingDashboard(s, 'Dashboard', { patterns: [route] });
    const metrics = bodyMetrics(dashboardBody(s)).filter((m) => m.namespace === 'AWS/Events');
    expect(metrics.every((m) => Object.keys(m.dimensions).join() === 'RuleName')).toBe(true);
  });
});

describe('MessagingDashboard: an EventPipe', () => {
  // EventBridge User Guide, "Monitoring Amazon EventBridge Pipes": metrics in AWS/EventBridge/Pipes by PipeName, the pipe's name
  // (CloudFormation's Ref of AWS::Pipes::Pipe).
  test('events, failed executions and stages by PipeName, the dead-letter queue, and a Kinesis source\'s iterator age with its threshold', () => {
    const s = stack();
    const pipe = new EventPipe(s, 'Pipe', {
      source: PipeSource.kinesisStream(new kinesis.Stream(s, 'Stream')),
      target: PipeTarget.eventBus(new events.EventBus(s, 'Bus')),
    });
    new MessagingDashboard(s, 'Dashboard', { patterns: [pipe] });
    const widgets = sectionWidgets(dashboardBody(s), 'Test/Pipe');
    const pipeMetrics = bodyMetrics({ widgets }).filter((m) => m.namespace === 'AWS/EventBridge/Pipes');
    expect(pipeMetrics.map((m) => m.metricName)).toEqual([
      'EventCount', 'Invocations', 'TargetStageSkipped', 'ExecutionFailed', 'ExecutionTimeout', 'ExecutionPartiallyFailed', 'ExecutionThrottled',
      'EnrichmentStageFailed', 'TargetStageFailed',
    ]);
    expect(pipeMetrics.every((m) => Object.keys(m.dimensions).join() === 'PipeName' && m.dimensions.PipeName === '${Ref:Pipe7793F8A1}')).toBe(true);
    expect(widgets.filter((w) => w.type === 'metric').map((w) => w.properties.title)).toEqual([
      'Events and executions', 'Failed executions', 'Failed stages', 'Dead-letter queue messages', 'Source stream iterator age (ms)',
    ]);
    expect(widgets.find((w) => w.type === 'alarm')!.properties.alarms).toHaveLength(pipe.alarms.length);
  });

  test('an SQS source without a known dead-letter queue: no dead-letter or iterator-age graph', () => {
    const s = stack();
    const pipe = new EventPipe(s, 'Pipe', {
      source: PipeSource.queue(sqs.Queue.fromQueueArn(s, 'Imported', 'arn:aws:sqs:us-east-1:111111111111:orders')),
      target: PipeTarget.eventBus(new events.EventBus(s, 'Bus')),
    });
    new MessagingDashboard(s, 'Dashboard', { patterns: [pipe] });
    const titles = sectionWidgets(dashboardBody(s), 'Test/Pipe').filter((w) => w.type === 'metric').map((w) => w.properties.title);
    expect(titles).toEqual(['Events and executions', 'Failed executions', 'Failed stages']);
  });
});

describe('MessagingDashboard: a KinesisCqrsPipeline and its projections', () => {
  test('the stream\'s incoming records and iterator age, then a section per projection with its own alarms', () => {
    const s = stack();
    const pipeline = new KinesisCqrsPipeline(s, 'Ledger');
    const v2 = pipeline.addProjection('V2');
    new MessagingDashboard(s, 'Dashboard', { patterns: [pipeline] });
    const b = dashboardBody(s);
    const own = sectionWidgets(b, 'Test/Ledger');
    expect(bodyMetrics({ widgets: own }).map((m) => [m.namespace, m.metricName, Object.keys(m.dimensions).join()])).toEqual([
      ['AWS/Kinesis', 'IncomingRecords', 'StreamName'],
      ['AWS/Kinesis', 'GetRecords.IteratorAgeMilliseconds', 'StreamName'],
    ]);
    // The stream alarm only: the projections' alarms are in their sections.
    expect(own.find((w) => w.type === 'alarm')?.properties.alarms).toEqual(['${LedgerStreamIteratorAgeAlarm764FD2E1.Arn}']);
    for (const projection of [pipeline.projection, v2]) {
      const widgets = sectionWidgets(b, projection.node.path);
      expect(widgets[0].properties.markdown).toBe(`### Projection \`${projection.node.path}\``);
      expect(widgets.find((w) => w.type === 'alarm')?.properties.alarms).toHaveLength(projection.alarms.length);
    }
  });

  test('the library\'s projector: parked and conflicting records; a brought projector: neither', () => {
    const s = stack();
    const library = new KinesisCqrsPipeline(s, 'Library');
    const brought = new KinesisCqrsPipeline(s, 'Brought', { projector: userFunction(s, 'Custom', Duration.seconds(30)) });
    new MessagingDashboard(s, 'Dashboard', { patterns: [library.projection, brought.projection] });
    const b = dashboardBody(s);
    const titles = (path: string) => sectionWidgets(b, path).filter((w) => w.type === 'metric').map((w) => w.properties.title);
    expect(titles('Test/Library/Projection')).toEqual([
      'Projector iterator age (ms)', 'Projector errors and throttles', 'Projector duration (ms)', 'Failure queue messages', 'Parked and conflicting records',
    ]);
    expect(titles('Test/Brought/Projection')).toEqual([
      'Projector iterator age (ms)', 'Projector errors and throttles', 'Projector duration (ms)', 'Failure queue messages',
    ]);
  });
});

describe('MessagingDashboard: addPattern', () => {
  test('any other construct is refused, naming it and what is accepted', () => {
    const s = stack();
    const dashboard = new MessagingDashboard(s, 'Dashboard');
    expect(() => dashboard.addPattern(new sqs.Queue(s, 'Plain'))).toThrow(
      /^Test\/Dashboard: addPattern\(\) accepts a QueueWithDlq, FanoutTopic, FilteredSubscription, EventBusRoute, EventPipe, KinesisCqrsPipeline or Projection of this library, got Test\/Plain/,
    );
    expect(() => dashboard.addPattern(new Construct(s, 'Bare'))).toThrow(/got Test\/Bare/);
  });

  test('a pattern added twice is refused', () => {
    const s = stack();
    const queue = new QueueWithDlq(s, 'Orders');
    const dashboard = new MessagingDashboard(s, 'Dashboard', { patterns: [queue] });
    expect(() => dashboard.addPattern(queue)).toThrow(/Test\/Orders is already on the dashboard \(in the section of Test\/Orders\)/);
  });

  test('a pattern shown as part of another is refused, in either order', () => {
    const s = stack();
    const topic = new FanoutTopic(s, 'Topic', { subscribers: { billing: {} } });
    const first = new MessagingDashboard(s, 'First', { patterns: [topic] });
    expect(() => first.addPattern(topic.queueSubscribers.billing)).toThrow(/Test\/Topic\/billing\/Queue is already on the dashboard \(in the section of Test\/Topic\)/);
    const second = new MessagingDashboard(s, 'Second', { patterns: [topic.queueSubscribers.billing] });
    expect(() => second.addPattern(topic)).toThrow(/Test\/Topic\/billing\/Queue is already on the dashboard/);
    const pipeline = new KinesisCqrsPipeline(s, 'Ledger');
    const third = new MessagingDashboard(s, 'Third', { patterns: [pipeline] });
    expect(() => third.addPattern(pipeline.projection)).toThrow(/Test\/Ledger\/Projection is already on the dashboard \(in the section of Test\/Ledger\/Projection\)/);
  });

  test('a projection added to the pipeline later can be added on its own', () => {
    const s = stack();
    const pipeline = new KinesisCqrsPipeline(s, 'Ledger');
    const dashboard = new MessagingDashboard(s, 'Dashboard', { patterns: [pipeline] });
    const v2 = pipeline.addProjection('V2');
    dashboard.addPattern(v2);
    expect(sectionWidgets(dashboardBody(s), 'Test/Ledger/V2')[0].properties.markdown).toBe('### Projection `Test/Ledger/V2`');
  });
});

describe('MessagingDashboard: every metric is one AWS publishes', () => {
  test('all kinds of pattern: namespace, metric name and dimension set are in the published-metrics table', () => {
    const metrics = bodyMetrics(body(everyKind()));
    expect(new Set(metrics.map((m) => m.namespace))).toEqual(
      new Set(['AWS/SQS', 'AWS/SNS', 'AWS/Lambda', 'AWS/Events', 'AWS/EventBridge/Pipes', 'AWS/Kinesis', 'CdkMessagePatterns/Projector']),
    );
    const unpublished = metrics
      .map((m) => ({ m, reason: unpublishedMetricReason(m.namespace, m.metricName, Object.keys(m.dimensions)) }))
      .filter(({ reason }) => reason !== undefined)
      .map(({ m, reason }) => `${m.widget}: ${reason}`);
    expect(unpublished).toEqual([]);
  });

  test('a graph of each kind of pattern is present', () => {
    const titles = new Set(body(everyKind()).widgets.map((w) => w.properties.title));
    for (const title of ['Messages published, delivered and failed', 'Matched events and invocations', 'Failed executions', 'Stream iterator age (ms)', 'On-failure destination']) {
      expect(titles).toContain(title);
    }
  });
});
