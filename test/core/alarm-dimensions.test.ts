import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  EventBusRoute, EventPipe, FanoutTopic, FilteredSubscription, KinesisCqrsPipeline, PipeSource, PipeTarget, QueueWithDlq, RouteTarget,
} from '../../src';
import { CloudFormationModel } from '../../src/core/cloudformation-values';
import { PUBLISHED_METRICS, unpublishedMetricReason } from '../../src/core/published-metrics';
import { testStack, userFunction } from '../helpers/nag';

/**
 * Every alarm the library creates must watch a metric that a service
 * publishes: a namespace, metric name and dimension set from the services'
 * documentation (src/core/published-metrics.ts), with dimension values that,
 * evaluated as CloudFormation returns them (src/core/cloudformation-values.ts),
 * are the name of a resource of the kind the dimension names. An alarm on
 * anything else has no data and never fires.
 */

/** The resource type whose name each dimension holds. */
const DIMENSION_RESOURCE: Record<string, string> = {
  QueueName: 'AWS::SQS::Queue',
  TopicName: 'AWS::SNS::Topic',
  FunctionName: 'AWS::Lambda::Function',
  StreamName: 'AWS::Kinesis::Stream',
  TableName: 'AWS::DynamoDB::Table',
  RuleName: 'AWS::Events::Rule',
  EventBusName: 'AWS::Events::EventBus',
  EventSourceMappingUUID: 'AWS::Lambda::EventSourceMapping',
  PipeName: 'AWS::Pipes::Pipe',
};

interface AlarmFinding {
  readonly alarm: string;
  readonly problem: string;
}

/** What is wrong with each alarm of the template; empty when every alarm watches a published metric. */
function alarmsWithoutData(stack: Stack): AlarmFinding[] {
  const template = Template.fromStack(stack).toJSON() as any;
  const model = new CloudFormationModel(template);
  const findings: AlarmFinding[] = [];
  for (const [id, resource] of Object.entries<any>(template.Resources)) {
    if (resource.Type !== 'AWS::CloudWatch::Alarm') {
      continue;
    }
    const p = resource.Properties;
    const stats = p.Metrics
      ? (p.Metrics as any[]).filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric)
      : [{ Namespace: p.Namespace, MetricName: p.MetricName, Dimensions: p.Dimensions }];
    for (const metric of stats) {
      const dimensions: { Name: string; Value: unknown }[] = metric.Dimensions ?? [];
      const reason = unpublishedMetricReason(metric.Namespace, metric.MetricName, dimensions.map((d) => d.Name));
      if (reason) {
        findings.push({ alarm: id, problem: reason });
        continue;
      }
      for (const dimension of dimensions) {
        const type = DIMENSION_RESOURCE[dimension.Name];
        const value = model.evaluate(dimension.Value);
        // The default bus is not a resource of the template; a literal name is an imported resource's.
        const known = type === undefined || typeof dimension.Value === 'string' || model.namesOf(type).includes(value);
        if (!known) {
          findings.push({ alarm: id, problem: `${dimension.Name} evaluates to '${value}', not the name of any ${type} (${model.namesOf(type).join(', ')})` });
        }
      }
    }
  }
  return findings;
}

function alarmCount(stack: Stack): number {
  return Object.keys(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).length;
}

describe('every alarm watches a metric that AWS publishes', () => {
  test('the model evaluates a rule on a custom bus to bus|rule, so a Ref as RuleName is caught', () => {
    // Guards the check itself: an alarm dimensioned by the raw Ref of a rule on a custom bus is
    // reported (cloudformation-coverage-roadmap issue 1131: Ref returns 'busName|ruleName').
    const { stack } = testStack();
    const bus = new events.EventBus(stack, 'Bus');
    const rule = new events.Rule(stack, 'Rule', { eventBus: bus, eventPattern: { source: ['shop'] } });
    const metric = new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName: 'FailedInvocations',
      dimensionsMap: { EventBusName: bus.eventBusName, RuleName: rule.ruleName },
    });
    metric.createAlarm(stack, 'Alarm', { threshold: 0, evaluationPeriods: 1 });
    const findings = alarmsWithoutData(stack);
    expect(findings).toHaveLength(1);
    expect(findings[0].problem).toMatch(/RuleName evaluates to 'TestBus\w+\|Rule\w+-generated'/);
  });

  test('EventBusRoute on its own custom bus: RuleName is the bare rule name', () => {
    const { stack } = testStack();
    new EventBusRoute(stack, 'Route', { eventPattern: { source: ['shop'] }, targets: [RouteTarget.newQueue()] });
    expect(alarmCount(stack)).toBeGreaterThanOrEqual(5);
    expect(alarmsWithoutData(stack)).toEqual([]);
  });

  test('EventBusRoute with a named rule on a named bus', () => {
    const { stack } = testStack();
    new EventBusRoute(stack, 'Route', {
      eventPattern: { source: ['shop'] },
      targets: [RouteTarget.newQueue()],
      ruleName: 'orders',
      eventBusName: 'shop',
    });
    expect(alarmsWithoutData(stack)).toEqual([]);
  });

  test('EventBusRoute on the default bus and on the bus of another route', () => {
    const { stack } = testStack();
    const first = new EventBusRoute(stack, 'First', {
      eventPattern: { source: ['shop'] },
      targets: [RouteTarget.newQueue()],
      eventBus: events.EventBus.fromEventBusName(stack, 'Default', 'default'),
    });
    const other = new EventBusRoute(stack, 'Other', { eventPattern: { source: ['shop'] }, targets: [RouteTarget.newQueue()] });
    new EventBusRoute(stack, 'Second', { eventPattern: { source: ['billing'] }, targets: [RouteTarget.newQueue()], eventBus: other.eventBus });
    expect(first.ruleName).toBe(first.rule.ruleName);
    expect(alarmsWithoutData(stack)).toEqual([]);
  });

  test('the route exposes the bare rule name', () => {
    const { stack } = testStack();
    const route = new EventBusRoute(stack, 'Route', { eventPattern: { source: ['shop'] }, targets: [RouteTarget.newQueue()] });
    const model = new CloudFormationModel(Template.fromStack(stack).toJSON() as any);
    const ruleId = stack.getLogicalId(route.rule.node.defaultChild as events.CfnRule);
    expect(model.evaluate(stack.resolve(route.ruleName))).toBe(model.physicalName(ruleId));
  });

  test('QueueWithDlq with a consumer, FanoutTopic and FilteredSubscription', () => {
    const { stack } = testStack();
    new QueueWithDlq(stack, 'Orders', { consumer: userFunction(stack, 'Consumer') });
    const fanout = new FanoutTopic(stack, 'Fanout', { subscribers: { Billing: {}, Shipping: {} } });
    new FilteredSubscription(stack, 'Sub', { topic: new sns.Topic(stack, 'Topic'), lambdaFunction: userFunction(stack, 'Handler') });
    expect(fanout.alarms.length).toBeGreaterThan(0);
    expect(alarmsWithoutData(stack)).toEqual([]);
  });

  test('KinesisCqrsPipeline', () => {
    const { stack } = testStack();
    new KinesisCqrsPipeline(stack, 'Ledger');
    expect(alarmCount(stack)).toBeGreaterThan(0);
    expect(alarmsWithoutData(stack)).toEqual([]);
  });

  test('KinesisCqrsPipeline with a failure bucket (event source mapping metrics by EventSourceMappingUUID)', () => {
    const { stack } = testStack();
    new KinesisCqrsPipeline(stack, 'Ledger', { failureBucket: new s3.Bucket(stack, 'Failures', { enforceSSL: true }) });
    expect(alarmCount(stack)).toBeGreaterThan(5);
    expect(alarmsWithoutData(stack)).toEqual([]);
  });

  // PipeName is the pipe's name, CloudFormation's Ref of AWS::Pipes::Pipe (aws-cdk-lib's CfnPipe reads pipeName from it).
  test('EventPipe: from a queue to a bus, and from a stream to a Lambda function (PipeName, FunctionName, QueueName)', () => {
    const { stack } = testStack();
    new EventPipe(stack, 'FromQueue', { source: PipeSource.queueWithDlq(new QueueWithDlq(stack, 'Orders')), target: PipeTarget.eventBus(new events.EventBus(stack, 'Bus')) });
    new EventPipe(stack, 'FromStream', {
      pipeName: 'orders.from-stream',
      source: PipeSource.kinesisStream(new kinesis.Stream(stack, 'Stream')),
      target: PipeTarget.lambdaFunction(userFunction(stack, 'Fn')),
    });
    expect(alarmCount(stack)).toBeGreaterThanOrEqual(7);
    expect(alarmsWithoutData(stack)).toEqual([]);
  });

  test('the table names its source for every namespace', () => {
    for (const [namespace, published] of Object.entries(PUBLISHED_METRICS)) {
      expect([namespace, published.source]).toEqual([namespace, expect.stringMatching(/^https:\/\/docs\.aws\.amazon\.com\//)]);
      for (const set of [...published.dimensionSets, ...Object.values(published.metricDimensionSets ?? {}).flat()]) {
        expect([...set].sort()).toEqual(set);
      }
      for (const metric of Object.keys(published.metricDimensionSets ?? {})) {
        expect(published.metrics).toContain(metric);
      }
    }
  });
});
