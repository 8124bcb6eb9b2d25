import { App, Aws, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { dashboardBody } from './dashboard-body';
import { FanoutTopic, QueueWithDlq } from '../../src';
import { MessagingDashboard, MessagingDashboardProps } from '../../src/messaging-dashboard';

// DashboardName: "The maximum length is 255, and valid characters are A-Z, a-z, 0-9, "-", and "_""
// (PutDashboard, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html);
// "The name must be between 1 and 255 characters"
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-dashboard.html).
// Dashboards: "Up to 500 widgets per dashboard. Up to 500 metrics per dashboard widget. Up to 2500 metrics
// per dashboard, across all widgets" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html).

function create(props: MessagingDashboardProps) {
  const stack = new Stack(new App(), 'Test');
  return () => new MessagingDashboard(stack, 'Dashboard', props);
}

describe('MessagingDashboard validation: dashboardName', () => {
  test('letters, digits, - and _ only', () => {
    expect(create({ dashboardName: 'orders ops' })).toThrow(
      "Test/Dashboard: dashboardName may hold only the letters A-Z and a-z, the digits 0-9, '-' and '_', got 'orders ops'",
    );
    expect(create({ dashboardName: 'orders.ops' })).toThrow(/got 'orders\.ops'/);
  });

  test('at most 255 characters', () => {
    expect(create({ dashboardName: 'a'.repeat(255) })).not.toThrow();
    expect(create({ dashboardName: 'a'.repeat(256) })).toThrow(/^Test\/Dashboard: dashboardName must be 1 to 255 characters long, got 256 characters/);
  });

  test('at least 1 character', () => {
    expect(create({ dashboardName: '' })).toThrow("Test/Dashboard: dashboardName must be 1 to 255 characters long, got 0 characters ('')");
  });

  test('every violation is reported at once, by our error type', () => {
    let error: Error | undefined;
    try {
      create({ dashboardName: `${'a'.repeat(255)}!` })();
    } catch (e) {
      error = e as Error;
    }
    expect(error?.name).toBe('MessagePatternsError');
    expect(error?.message).toMatch(/2 invalid props/);
  });

  test('a token is not checked', () => {
    const stack = new Stack(new App(), 'Test');
    new MessagingDashboard(stack, 'Dashboard', { dashboardName: `${Aws.STACK_NAME}-ops`, patterns: [new QueueWithDlq(stack, 'Orders')] });
    expect(dashboardBody(stack).widgets.length).toBeGreaterThan(0);
  });
});

describe('MessagingDashboard validation at synth: CloudWatch\'s dashboard limits', () => {
  test('more than 500 widgets fails the synth, naming the count', () => {
    // GIVEN 126 queues: a header, two graphs and an alarm widget each, 504 widgets
    const app = new App();
    const stack = new Stack(app, 'Test');
    const queues = Array.from({ length: 126 }, (_, i) => new QueueWithDlq(stack, `Queue${i}`));
    new MessagingDashboard(stack, 'Dashboard', { patterns: queues });
    // THEN
    expect(() => app.synth()).toThrow(/the dashboard would hold 504 widgets; CloudWatch allows at most 500 per dashboard/);
  });

  test('500 widgets synthesize', () => {
    // 750 resources: above CloudFormation's 500 per stack, which aws-cdk-lib checks unless told otherwise.
    const app = new App({ context: { '@aws-cdk/core:stackResourceLimit': 0 } });
    const stack = new Stack(app, 'Test');
    new MessagingDashboard(stack, 'Dashboard', { patterns: Array.from({ length: 125 }, (_, i) => new QueueWithDlq(stack, `Queue${i}`)) });
    expect(dashboardBody(stack).widgets).toHaveLength(500);
  });

  test('more than 2,500 metrics fails the synth, naming the count', () => {
    // GIVEN a topic with 2,500 queues you bring: one line each, plus the topic's 4 metrics
    const app = new App();
    const stack = new Stack(app, 'Test');
    const topic = new FanoutTopic(stack, 'Topic');
    for (let i = 0; i < 2500; i++) {
      topic.addExistingQueueSubscriber(`s${i}`, sqs.Queue.fromQueueArn(stack, `Queue${i}`, `arn:aws:sqs:us-east-1:111111111111:queue-${i}`));
    }
    new MessagingDashboard(stack, 'Dashboard', { patterns: [topic] });
    // THEN the metrics are reported, the widgets (255) are not
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/the dashboard would hold 2504 metrics; CloudWatch allows at most 2500 per dashboard/);
    expect(message).not.toMatch(/widgets;/);
  });
});
