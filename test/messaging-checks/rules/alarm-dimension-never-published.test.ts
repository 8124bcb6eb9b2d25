import { Duration, Fn, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { checkedApp, findingsOf, findingsOfRule } from '../helpers';

const RULE = 'AlarmDimensionNeverPublished';

function alarmOn(metric: cloudwatch.IMetric, scope: import('constructs').Construct, id: string): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, { metric, threshold: 1, evaluationPeriods: 1 });
}

// "The only dimension that Amazon SQS sends to CloudWatch is QueueName" (SQS Developer Guide, "Available CloudWatch metrics
// for Amazon SQS"), and a queue name has only letters, digits, hyphens and underscores: a queue URL is never a QueueName.
test('QueueName given the queue URL is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const queue = new sqs.Queue(stack, 'Orders');
    const metric = new cloudwatch.Metric({ namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', dimensionsMap: { QueueName: queue.queueUrl } });
    alarmOn(metric, stack, 'OrdersAge');
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/OrdersAge/Resource' })]);
  expect(findings[0].description).toMatch(/dimension QueueName is a URL \(Ref Orders/);
});

test('the queue\'s own metric (QueueName = its name) is not flagged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    alarmOn(new sqs.Queue(stack, 'Orders').metricApproximateAgeOfOldestMessage(), stack, 'OrdersAge');
  });
  expect(findings).toEqual([]);
});

// SNS publishes topic metrics under TopicName, the topic's name; Ref of a topic is its ARN (CloudFormation return values).
test('TopicName given the topic ARN, inside a math expression, is an error', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const topic = new sns.Topic(stack, 'Orders');
    const failed = new cloudwatch.Metric({ namespace: 'AWS/SNS', metricName: 'NumberOfNotificationsFailed', dimensionsMap: { TopicName: topic.topicArn } });
    alarmOn(new cloudwatch.MathExpression({ expression: 'failed * 2', usingMetrics: { failed }, period: Duration.minutes(5) }), stack, 'Failed');
  });
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Failed/Resource' })]);
  expect(findings[0].description).toMatch(/TopicName is an ARN/);
});

// Ref of a rule on a custom bus returns "bus|rule" (aws-cloudformation/cloudformation-coverage-roadmap#1131), while
// EventBridge publishes RuleName as the rule's bare name (EventBridge User Guide, "Monitoring Amazon EventBridge").
test('RuleName given rule.ruleName of a rule on a custom bus is an error; the bare name is not', () => {
  // An alarm on FailedInvocations of the rule OrderPlaced of the bus Bus, with the bus's name and `ruleName(rule)` as dimensions.
  const withRuleName = (ruleName: (rule: events.Rule) => string) => findingsOfRule(RULE, (stack) => {
    const bus = new events.EventBus(stack, 'Bus');
    const rule = new events.Rule(stack, 'OrderPlaced', { eventBus: bus, eventPattern: { source: ['shop'] } });
    const metric = new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName: 'FailedInvocations',
      dimensionsMap: { EventBusName: bus.eventBusName, RuleName: ruleName(rule) },
    });
    alarmOn(metric, stack, 'FailedInvocations');
  });
  const broken = withRuleName((rule) => rule.ruleName);
  expect(broken).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/FailedInvocations/Resource' })]);
  expect(broken[0].description).toMatch(/RuleName is of the form bus\|rule/);
  expect(withRuleName((rule) => Fn.select(1, Fn.split('|', rule.ruleName)))).toEqual([]);
});

// A value the model cannot evaluate (an import from another app) cannot be judged: the rule stays silent.
test('a dimension value only known at deployment is not judged', () => {
  const findings = findingsOfRule(RULE, (stack) => {
    const metric = new cloudwatch.Metric({ namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', dimensionsMap: { QueueName: Fn.importValue('OrdersQueue') } });
    alarmOn(metric, stack, 'OrdersAge');
  });
  expect(findings).toEqual([]);
});

// "Metrics that specify only the RuleName dimension refer to the default event bus. Metrics that specify both the
// EventBusName and RuleName dimensions refer to a custom event bus" (EventBridge User Guide, "Monitoring Amazon EventBridge").
describe('alarms on the rules of a custom bus', () => {
  function ruleAlarm(dimensions: (bus: events.EventBus, rule: events.Rule) => Record<string, string>) {
    return findingsOfRule('AlarmDimensionNeverPublished', (stack) => {
      const bus = new events.EventBus(stack, 'Bus', { eventBusName: 'app-bus' });
      const rule = new events.Rule(stack, 'OrderPlaced', { eventBus: bus, ruleName: 'order-placed', eventPattern: { source: ['shop'] } });
      new cloudwatch.Metric({ namespace: 'AWS/Events', metricName: 'FailedInvocations', dimensionsMap: dimensions(bus, rule) })
        .createAlarm(stack, 'Failed', { threshold: 0, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD });
    });
  }

  test('RuleName alone, naming a rule of a custom bus, is an error', () => {
    const findings = ruleAlarm(() => ({ RuleName: 'order-placed' }));
    expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Test/Failed/Resource' })]);
    expect(findings[0].description).toContain('which is on the custom bus app-bus, and it has no EventBusName dimension');
  });

  test('RuleName with EventBusName is not flagged', () => {
    expect(ruleAlarm((bus) => ({ RuleName: 'order-placed', EventBusName: bus.eventBusName }))).toEqual([]);
  });
});

// A dimension written in another stack reaches the alarm as Fn::ImportValue: it is evaluated from the exporting stack.
test('a queue URL imported from another stack of the app is an error too', () => {
  const app = checkedApp();
  const queue = new sqs.Queue(new Stack(app, 'Queues'), 'Orders');
  const monitoring = new Stack(app, 'Monitoring');
  new cloudwatch.Metric({ namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensionsMap: { QueueName: queue.queueUrl } })
    .createAlarm(monitoring, 'Depth', { threshold: 100, evaluationPeriods: 1 });
  const findings = findingsOf(app).filter((f) => f.rule === 'AlarmDimensionNeverPublished');
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', path: 'Monitoring/Depth/Resource' })]);
  expect(findings[0].description).toContain('is a URL');
});
