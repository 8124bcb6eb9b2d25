import { App, Duration, Stack } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { Body, dashboardBody } from './dashboard-body';
import {
  EventBusRoute, EventPipe, FanoutTopic, FilteredSubscription, KinesisCqrsPipeline, PipeSource, PipeTarget, Projection, QueueWithDlq, RouteTarget,
} from '../../src';
import { MessagingDashboard } from '../../src/messaging-dashboard';
import { userFunction } from '../helpers/nag';

/**
 * Every kind of pattern, in every shape that changes its section: a queue with
 * a consumer, a topic with subscribers, a subscription with a Lambda endpoint,
 * a route with queue and Lambda targets, a pipe from a Kinesis stream to a
 * function, a pipeline with two projections and a
 * projection of its own with a failure bucket and a brought projector.
 */
export function everyKindOfPattern(scope: Construct): Construct[] {
  const topic = new sns.Topic(scope, 'PlainTopic');
  const pipeline = new KinesisCqrsPipeline(scope, 'Ledger');
  pipeline.addProjection('V2');
  return [
    new QueueWithDlq(scope, 'Orders', { consumer: userFunction(scope, 'OrdersFn', Duration.seconds(10)) }),
    new FanoutTopic(scope, 'OrderPlaced', { subscribers: { billing: { consumer: userFunction(scope, 'BillingFn', Duration.seconds(10)) }, shipping: {} } }),
    new FilteredSubscription(scope, 'Audit', { topic, lambdaFunction: userFunction(scope, 'AuditFn', Duration.seconds(10)) }),
    new FilteredSubscription(scope, 'Archive', { topic }),
    new EventBusRoute(scope, 'Route', {
      eventPattern: { source: ['orders'] },
      targets: [RouteTarget.newQueue(), RouteTarget.lambdaFunction(userFunction(scope, 'RouteFn', Duration.seconds(10)))],
    }),
    pipeline,
    new EventPipe(scope, 'Pipe', {
      source: PipeSource.kinesisStream(new kinesis.Stream(scope, 'PipeStream')),
      target: PipeTarget.lambdaFunction(userFunction(scope, 'PipeFn', Duration.seconds(10))),
    }),
    new Projection(scope, 'Reporting', {
      stream: pipeline.stream,
      projector: userFunction(scope, 'ReportingFn', Duration.seconds(30)),
      failureBucket: new s3.Bucket(scope, 'Failures'),
    }),
  ];
}

/** A stack holding every kind of pattern on one MessagingDashboard. */
export function everyKind(): Stack {
  const stack = new Stack(new App(), 'Test');
  new MessagingDashboard(stack, 'Dashboard', { patterns: everyKindOfPattern(stack) });
  return stack;
}

/** The rendered body of the stack's dashboard, built once per stack. */
const bodies = new WeakMap<Stack, Body>();
export function body(stack: Stack): Body {
  if (!bodies.has(stack)) {
    bodies.set(stack, dashboardBody(stack));
  }
  return bodies.get(stack)!;
}
