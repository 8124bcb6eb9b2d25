import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EventBusRoute, FilteredSubscription, RouteTarget } from '../../src';
import { testStack, userFunction } from '../helpers/nag';

/**
 * EventBridge and SNS invoke Lambda functions asynchronously. Lambda retries a
 * failed asynchronous invocation twice by default, then discards the event
 * unless the function has an on-failure destination or a dead-letter queue
 * (AWS Lambda Developer Guide, "Error handling and automatic retries in
 * Lambda" / "Capturing records of Lambda asynchronous invocations",
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 * The destination is written to by the function's execution role (sqs:SendMessage),
 * not through a queue policy.
 */

function route(stack: any, fn: lambda.IFunction, id = 'Route', options = {}): EventBusRoute {
  return new EventBusRoute(stack, id, { eventPattern: { source: ['shop'] }, targets: [RouteTarget.lambdaFunction(fn, options)] });
}

describe('asynchronous Lambda endpoints get an on-failure destination', () => {
  test('a route to a function: an EventInvokeConfig with an SQS on-failure destination, 2 retries, 6 hours', () => {
    const { stack } = testStack();
    const fn = userFunction(stack, 'Handler');
    const r = route(stack, fn);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction) },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: stack.resolve(r.asyncFailureQueues[0].queueArn) } },
    });
    expect(r.asyncFailureQueues).toHaveLength(1);
    // The execution role may send to it: Lambda writes to destinations with the function's permissions.
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['sqs:SendMessage']), Resource: stack.resolve(r.asyncFailureQueues[0].queueArn) }),
        ]),
      },
    });
  });

  test('the on-failure queue keeps events 14 days, is encrypted and TLS-only, and is alarmed in the route\'s alarms', () => {
    const { stack } = testStack();
    const r = route(stack, userFunction(stack, 'Handler'));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
    const queueId = stack.resolve(r.asyncFailureQueues[0].queueArn)['Fn::GetAtt'][0];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
    });
    expect(r.alarms.some((a) => a.node.path.endsWith('Handler/AsyncFailureQueueAlarm'))).toBe(true);
  });

  test('a subscription to a function gets one too, exposed as asyncFailureQueue', () => {
    const { stack } = testStack();
    const sub = new FilteredSubscription(stack, 'Sub', { topic: new sns.Topic(stack, 'Topic'), lambdaFunction: userFunction(stack, 'Handler') });
    expect(sub.asyncFailureQueue).toBeDefined();
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    // The subscription dead-letter queue alarm, the on-failure queue alarm, and the function's errors and throttles alarms.
    expect(sub.alarms).toHaveLength(4);
  });

  test('one function invoked by two routes and a subscription has one configuration and one queue', () => {
    const { stack } = testStack();
    const fn = userFunction(stack, 'Handler');
    const a = route(stack, fn, 'A');
    const b = route(stack, fn, 'B');
    const sub = new FilteredSubscription(stack, 'Sub', { topic: new sns.Topic(stack, 'Topic'), lambdaFunction: fn });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    expect(a.asyncFailureQueues[0]).toBe(b.asyncFailureQueues[0]);
    expect(sub.asyncFailureQueue).toBe(a.asyncFailureQueues[0]);
  });

  test('retryAttempts and maxEventAge are passed on', () => {
    const { stack } = testStack();
    route(stack, userFunction(stack, 'Handler'), 'Route', { asyncInvoke: { retryAttempts: 0, maxEventAge: Duration.minutes(5) } });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 300 });
  });

  test('failureDestination: false switches it off', () => {
    const { stack } = testStack();
    const r = route(stack, userFunction(stack, 'Handler'), 'Route', { asyncInvoke: { failureDestination: false } });
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
    expect(r.asyncFailureQueues).toEqual([]);
  });

  test('a function with a failure path of its own is left as it is', () => {
    const { stack } = testStack();
    const own = userFunction(stack, 'Own');
    own.configureAsyncInvoke({ retryAttempts: 1 });
    const withDlq = new lambda.Function(stack, 'WithDlq', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
      deadLetterQueue: new sqs.Queue(stack, 'FunctionDlq'),
    });
    const a = route(stack, own, 'A');
    const b = route(stack, withDlq, 'B');
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    expect([...a.asyncFailureQueues, ...b.asyncFailureQueues]).toEqual([]);
  });

  test('an imported function gets a warning that says what to add', () => {
    const { stack } = testStack();
    const fn = lambda.Function.fromFunctionArn(stack, 'Imported', 'arn:aws:lambda:us-east-1:111111111111:function:orders');
    route(stack, fn);
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
    Annotations.fromStack(stack).hasWarning('/Test/Imported', Match.stringLikeRegexp('give it an on-failure destination \\(AWS::Lambda::EventInvokeConfig'));
  });
});

describe('asyncInvoke options are checked at synth against Lambda\'s limits', () => {
  // PutFunctionEventInvokeConfig: MaximumRetryAttempts 0 to 2, MaximumEventAgeInSeconds 60 to 21600
  // (https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html).
  test('targets[i].asyncInvoke.retryAttempts above 2 is refused', () => {
    const { stack } = testStack();
    expect(() => route(stack, userFunction(stack, 'Handler'), 'Route', { asyncInvoke: { retryAttempts: 3 } })).toThrow(
      /targets\[0\]\.asyncInvoke\.retryAttempts must be an integer between 0 and 2, got 3/,
    );
  });

  test('targets[i].asyncInvoke.maxEventAge above 6 hours is refused', () => {
    const { stack } = testStack();
    expect(() => route(stack, userFunction(stack, 'Handler'), 'Route', { asyncInvoke: { maxEventAge: Duration.hours(7) } })).toThrow(
      /targets\[0\]\.asyncInvoke\.maxEventAge must be between 1 minute and 6 hours, got 7 hours/,
    );
  });

  test('lambdaAsyncInvoke.maxEventAge below 60 seconds is refused', () => {
    const { stack } = testStack();
    expect(() => new FilteredSubscription(stack, 'Sub', {
      topic: new sns.Topic(stack, 'Topic'),
      lambdaFunction: userFunction(stack, 'Handler'),
      lambdaAsyncInvoke: { maxEventAge: Duration.seconds(59) },
    })).toThrow(/lambdaAsyncInvoke\.maxEventAge must be between 1 minute and 6 hours, got 59 seconds/);
  });

  test('lambdaAsyncInvoke without a lambdaFunction endpoint is refused', () => {
    const { stack } = testStack();
    expect(() => new FilteredSubscription(stack, 'Sub', { topic: new sns.Topic(stack, 'Topic'), lambdaAsyncInvoke: { retryAttempts: 1 } })).toThrow(
      /lambdaAsyncInvoke applies to a lambdaFunction endpoint only/,
    );
  });
});
