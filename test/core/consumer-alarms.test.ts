import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmTopic, EventBusRoute, FilteredSubscription, QueueWithDlq, RouteTarget } from '../../src';
import { unpublishedMetricReason } from '../../src/core/published-metrics';
import { testStack, userFunction } from '../helpers/nag';

/**
 * Consumer-health alarms. Lambda publishes, per function, `Errors` ("the
 * number of invocations that result in a function error ... exceptions that
 * your code throws and exceptions that the Lambda runtime throws ... such as
 * timeouts") and `Throttles` ("the number of invocation requests that are
 * throttled"), both in `AWS/Lambda` by `FunctionName`, and by `FunctionName`
 * and `Resource` for a version or alias; invocation metrics are read with
 * the Sum statistic (AWS Lambda Developer Guide, "Types of metrics for Lambda
 * functions", https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
 * Lambda publishes them only when there is something to count, so a missing
 * data point is not a breach.
 */

function alarmsOn(template: Template, metricName: string): Array<{ [key: string]: any }> {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: metricName } }));
}

function route(stack: Stack, id: string, fn: lambda.IFunction, options = {}, alarmAction?: cloudwatch.IAlarmAction): EventBusRoute {
  return new EventBusRoute(stack, id, { eventPattern: { source: ['shop'] }, targets: [RouteTarget.lambdaFunction(fn, options)], alarmAction });
}

describe('a QueueWithDlq consumer', () => {
  test('gets an errors alarm: AWS/Lambda Errors by FunctionName, Sum over 5 minutes, above 0, missing data not breaching', () => {
    const { stack } = testStack();
    const fn = userFunction(stack, 'Consumer');
    const q = new QueueWithDlq(stack, 'Orders', { consumer: fn });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction) } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmDescription: Match.stringLikeRegexp('^The function Test/Consumer failed .* on messages of Test/Orders;'),
    });
    expect(q.consumerErrorsAlarm).toBeDefined();
    expect(q.alarms).toContain(q.consumerErrorsAlarm);
  });

  test('gets a throttles alarm: AWS/Lambda Throttles by FunctionName, Sum over 5 minutes, above 0', () => {
    const { stack } = testStack();
    const fn = userFunction(stack, 'Consumer');
    const q = new QueueWithDlq(stack, 'Orders', { consumer: fn });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction) } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(q.alarms).toContain(q.consumerThrottlesAlarm);
  });

  test('the alarms are built from the construct\'s metric methods', () => {
    const { stack } = testStack();
    const q = new QueueWithDlq(stack, 'Orders', { consumer: userFunction(stack, 'Consumer') });
    expect(stack.resolve(q.consumerErrorsAlarm!.metric)).toEqual(stack.resolve(q.metricConsumerErrors()));
    expect(stack.resolve(q.consumerThrottlesAlarm!.metric)).toEqual(stack.resolve(q.metricConsumerThrottles()));
    expect(stack.resolve(q.deadLetterQueueAlarm!.metric)).toEqual(stack.resolve(q.metricDeadLetterQueueMessages()));
    expect(stack.resolve(q.oldestMessageAlarm!.metric)).toEqual(stack.resolve(q.metricOldestMessageAge()));
  });

  test('each alarm can be switched off', () => {
    const { stack } = testStack();
    const a = new QueueWithDlq(stack, 'A', { consumer: userFunction(stack, 'FnA'), consumerAlarms: { errorsAlarm: false } });
    const b = new QueueWithDlq(stack, 'B', { consumer: userFunction(stack, 'FnB'), consumerAlarms: { throttlesAlarm: false } });
    const template = Template.fromStack(stack);
    expect(a.consumerErrorsAlarm).toBeUndefined();
    expect(b.consumerThrottlesAlarm).toBeUndefined();
    expect(alarmsOn(template, 'Errors')).toHaveLength(1);
    expect(alarmsOn(template, 'Throttles')).toHaveLength(1);
  });

  test('a queue without a consumer has none, and its consumer metrics say why they cannot exist', () => {
    const { stack } = testStack();
    const q = new QueueWithDlq(stack, 'Orders');
    expect(q.consumerErrorsAlarm).toBeUndefined();
    expect(alarmsOn(Template.fromStack(stack), 'Errors')).toHaveLength(0);
    expect(() => q.metricConsumerErrors()).toThrow(/Test\/Orders: metricConsumerErrors\(\) needs a consumer, and this queue has none/);
    expect(() => q.metricConsumerThrottles()).toThrow(/metricConsumerThrottles\(\) needs a consumer/);
  });
});

describe('a function wired to several sources', () => {
  test('gets each alarm once, listed by every construct, its description naming every source', () => {
    const { stack } = testStack();
    const fn = userFunction(stack, 'Handler');
    const a = new QueueWithDlq(stack, 'A', { consumer: fn });
    const b = new QueueWithDlq(stack, 'B', { consumer: fn });
    const r = route(stack, 'Route', fn);
    const template = Template.fromStack(stack);
    expect(alarmsOn(template, 'Errors')).toHaveLength(1);
    expect(alarmsOn(template, 'Throttles')).toHaveLength(1);
    expect(a.consumerErrorsAlarm).toBe(b.consumerErrorsAlarm);
    expect(r.alarms).toContain(a.consumerErrorsAlarm);
    expect(r.alarms).toContain(a.consumerThrottlesAlarm);
    expect(alarmsOn(template, 'Errors')[0].Properties.AlarmDescription).toMatch(/on messages of Test\/A, Test\/B, Test\/Route;/);
  });

  test('notifies the action of every construct that wired it, each once', () => {
    const { stack } = testStack();
    const fn = userFunction(stack, 'Handler');
    const first = new AlarmTopic(stack, 'First');
    const second = new AlarmTopic(stack, 'Second');
    new QueueWithDlq(stack, 'A', { consumer: fn, alarmAction: first });
    new QueueWithDlq(stack, 'B', { consumer: fn, alarmAction: first });
    new QueueWithDlq(stack, 'C', { consumer: fn, alarmAction: second });
    const actions = alarmsOn(Template.fromStack(stack), 'Errors')[0].Properties.AlarmActions;
    expect(actions).toEqual([stack.resolve(first.topic.topicArn), stack.resolve(second.topic.topicArn)]);
  });
});

describe('asynchronous Lambda endpoints', () => {
  test('a FilteredSubscription to a function: errors and throttles alarms, switchable with lambdaAlarms', () => {
    const { stack } = testStack();
    const topic = new sns.Topic(stack, 'Topic');
    const on = new FilteredSubscription(stack, 'On', { topic, lambdaFunction: userFunction(stack, 'FnOn') });
    const off = new FilteredSubscription(stack, 'Off', {
      topic,
      lambdaFunction: userFunction(stack, 'FnOff'),
      lambdaAlarms: { errorsAlarm: false, throttlesAlarm: false },
    });
    expect(on.lambdaErrorsAlarm).toBeDefined();
    expect(on.lambdaThrottlesAlarm).toBeDefined();
    expect(on.alarms).toEqual(expect.arrayContaining([on.lambdaErrorsAlarm, on.lambdaThrottlesAlarm]));
    expect(off.lambdaErrorsAlarm).toBeUndefined();
    expect(off.lambdaThrottlesAlarm).toBeUndefined();
    const template = Template.fromStack(stack);
    expect(alarmsOn(template, 'Errors')).toHaveLength(1);
    expect(alarmsOn(template, 'Throttles')).toHaveLength(1);
  });

  test('a route to a function: listed in the route\'s alarms with its action, switchable per target', () => {
    const { stack } = testStack();
    const action = new cloudwatchActions.SnsAction(new AlarmTopic(stack, 'Oncall').topic);
    const r = route(stack, 'Route', userFunction(stack, 'Fn'), {}, action);
    route(stack, 'Quiet', userFunction(stack, 'QuietFn'), { alarms: { errorsAlarm: false } });
    const template = Template.fromStack(stack);
    const errors = alarmsOn(template, 'Errors');
    expect(errors).toHaveLength(1);
    expect(errors[0].Properties.AlarmActions).toHaveLength(1);
    expect(alarmsOn(template, 'Throttles')).toHaveLength(2);
    expect(r.alarms.filter((a) => a.node.path.startsWith('Test/Fn/Consumer'))).toHaveLength(2);
  });
});

describe('functions the app does not define, and versions', () => {
  test('an imported function is alarmed by the name in its ARN', () => {
    const { stack } = testStack();
    const fn = lambda.Function.fromFunctionArn(stack, 'Imported', 'arn:aws:lambda:us-east-1:111111111111:function:orders-consumer');
    new QueueWithDlq(stack, 'Orders', { consumer: fn, visibilityTimeout: Duration.minutes(5) });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: 'orders-consumer' }],
    });
  });

  test('an alias is alarmed by FunctionName and Resource, a dimension set Lambda publishes', () => {
    const { stack } = testStack();
    const fn = userFunction(stack, 'Fn');
    const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion });
    new QueueWithDlq(stack, 'Orders', { consumer: alias, visibilityTimeout: Duration.minutes(5) });
    const alarms = [...alarmsOn(Template.fromStack(stack), 'Errors'), ...alarmsOn(Template.fromStack(stack), 'Throttles')];
    expect(alarms).toHaveLength(2);
    for (const alarm of alarms) {
      const names = alarm.Properties.Dimensions.map((d: { Name: string }) => d.Name);
      expect(names.sort()).toEqual(['FunctionName', 'Resource']);
      expect(unpublishedMetricReason('AWS/Lambda', alarm.Properties.MetricName, names)).toBeUndefined();
    }
  });
});

describe('the actions of a shared alarm', () => {
  test('two actions on one topic are written once', () => {
    const { stack } = testStack();
    const fn = userFunction(stack, 'Handler');
    const topic = new AlarmTopic(stack, 'Oncall');
    new QueueWithDlq(stack, 'A', { consumer: fn, alarmAction: new cloudwatchActions.SnsAction(topic.topic) });
    new QueueWithDlq(stack, 'B', { consumer: fn, alarmAction: new cloudwatchActions.SnsAction(topic.topic) });
    expect(alarmsOn(Template.fromStack(stack), 'Errors')[0].Properties.AlarmActions).toEqual([stack.resolve(topic.topic.topicArn)]);
  });

  test('more than CloudWatch\'s 5 actions fail the synth, naming the alarm', () => {
    // PutMetricAlarm, AlarmActions: "Array Members: Maximum number of 5 items"
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
    const { app, stack } = testStack();
    const fn = userFunction(stack, 'Handler');
    for (let i = 0; i < 6; i++) {
      new QueueWithDlq(stack, `Q${i}`, { consumer: fn, alarmAction: new AlarmTopic(stack, `Topic${i}`) });
    }
    expect(() => app.synth()).toThrow(/Handler\/ConsumerErrorsAlarm.*notifies 6 actions, and CloudWatch takes at most 5/s);
  });
});

describe('a function of another stack', () => {
  /**
   * A rule targeting a function of another stack makes the rule's stack depend
   * on the function's (it references the function's ARN); an alarm in the
   * function's stack notifying a topic of the rule's stack would make the
   * function's stack depend on the rule's, a cycle CDK refuses at synth.
   */
  test('a route to it: the function\'s alarms are made in the route\'s stack, and both stacks synthesize', () => {
    const app = new App();
    const functions = new Stack(app, 'Functions');
    const patterns = new Stack(app, 'Patterns');
    const fn = userFunction(functions, 'Handler');
    const alarms = new AlarmTopic(patterns, 'Alarms');
    const a = route(patterns, 'A', fn, {}, alarms);
    route(patterns, 'B', fn, {}, alarms);
    expect(() => app.synth()).not.toThrow();
    const inPatterns = Template.fromStack(patterns);
    expect(alarmsOn(inPatterns, 'Errors')).toHaveLength(1);
    expect(alarmsOn(inPatterns, 'Throttles')).toHaveLength(1);
    expect(alarmsOn(Template.fromStack(functions), 'Errors')).toHaveLength(0);
    // The on-failure queue stays with the function; its alarm is the route's too.
    Template.fromStack(functions).resourceCountIs('AWS::SQS::Queue', 1);
    expect(alarmsOn(inPatterns, 'ApproximateNumberOfMessagesVisible').some((alarm) =>
      JSON.stringify(alarm.Properties.Dimensions).includes('AsyncFailureQueue'))).toBe(true);
    expect(a.alarms.filter((alarm) => alarm.node.path.includes('ConsumerErrorsAlarm'))).toHaveLength(1);
  });

  test('a queue it consumes and a topic it subscribes to: the alarms stay with the function, and both stacks synthesize', () => {
    // The event source mapping and the subscription of a function of another stack are made in the function's stack.
    const app = new App();
    const functions = new Stack(app, 'Functions');
    const patterns = new Stack(app, 'Patterns');
    const fn = userFunction(functions, 'Handler');
    const alarms = new AlarmTopic(patterns, 'Alarms');
    new QueueWithDlq(patterns, 'Orders', { consumer: fn, alarmAction: alarms });
    new FilteredSubscription(patterns, 'Audit', { topic: new sns.Topic(patterns, 'Topic'), lambdaFunction: fn, alarmAction: alarms });
    expect(() => app.synth()).not.toThrow();
    expect(alarmsOn(Template.fromStack(functions), 'Errors')).toHaveLength(1);
  });
});

describe('the metrics behind the alarms of a Lambda endpoint', () => {
  test('a FilteredSubscription\'s alarms are built from its metric methods; a queue endpoint has none of them', () => {
    const { stack } = testStack();
    const topic = new sns.Topic(stack, 'Topic');
    const sub = new FilteredSubscription(stack, 'Sub', { topic, lambdaFunction: userFunction(stack, 'Fn') });
    expect(stack.resolve(sub.lambdaErrorsAlarm!.metric)).toEqual(stack.resolve(sub.metricLambdaErrors()));
    expect(stack.resolve(sub.lambdaThrottlesAlarm!.metric)).toEqual(stack.resolve(sub.metricLambdaThrottles()));
    const failureAlarm = sub.alarms.find((a) => a.node.path.endsWith('AsyncFailureQueueAlarm')) as cloudwatch.Alarm;
    expect(stack.resolve(failureAlarm.metric)).toEqual(stack.resolve(sub.metricAsyncFailureQueueMessages()));
    const queueEndpoint = new FilteredSubscription(stack, 'Queue', { topic });
    expect(() => queueEndpoint.metricLambdaErrors()).toThrow(/Test\/Queue: metricLambdaErrors\(\) needs a Lambda endpoint/);
    expect(() => queueEndpoint.metricAsyncFailureQueueMessages()).toThrow(/needs the on-failure queue of a Lambda endpoint/);
  });

  test('an AlarmTopic\'s dead-letter queue alarm is built from its metric method; without e-mail there is none', () => {
    const { stack } = testStack();
    const withEmail = new AlarmTopic(stack, 'A', { emailAddresses: ['oncall@example.com'] });
    const metric = withEmail.metricSubscriptionDeadLetterQueueMessages();
    expect(stack.resolve(withEmail.subscriptionDeadLetterQueueAlarm!.metric)).toEqual(stack.resolve(metric));
    expect(() => new AlarmTopic(stack, 'B').metricSubscriptionDeadLetterQueueMessages()).toThrow(/needs an e-mail subscription/);
  });
});
