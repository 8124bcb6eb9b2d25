import { Duration } from 'aws-cdk-lib';
import { EventBusRoute, FanoutTopic, FilteredSubscription, KinesisCqrsPipeline, QueueWithDlq, RouteTarget } from '../../src';
import { MessagingDashboard } from '../../src/messaging-dashboard';
import { nagFindings, testStack, userFunction } from '../helpers/nag';

// cdk-nag 3 runs as a CDK validation plugin; findings fail the synth and are written to
// validation-report.json (see test/helpers/nag.ts). A dashboard is a CloudWatch resource with no
// rule of its own in the packs; the check is that adding one to an app of patterns adds no finding.

describe('MessagingDashboard passes AwsSolutions, Serverless, HIPAA Security, NIST 800-53 rev 5, PCI DSS 3.2.1 and MessagingChecks', () => {
  test('a dashboard of every kind of pattern: no error and no warning', () => {
    const { app, stack } = testStack(true);
    const pipeline = new KinesisCqrsPipeline(stack, 'Ledger');
    new MessagingDashboard(stack, 'Dashboard', {
      dashboardName: 'orders-ops',
      patterns: [
        new QueueWithDlq(stack, 'Orders', { consumer: userFunction(stack, 'OrdersFn', Duration.seconds(10)) }),
        new FanoutTopic(stack, 'OrderPlaced', { subscribers: { billing: {} } }),
        new FilteredSubscription(stack, 'Audit', { topic: new FanoutTopic(stack, 'AuditTopic').topic }),
        new EventBusRoute(stack, 'Route', { eventPattern: { source: ['orders'] }, targets: [RouteTarget.newQueue()] }),
        pipeline,
      ],
    });
    expect(nagFindings(app)).toEqual([]);
  });
});
