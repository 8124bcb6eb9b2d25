import { App, Duration, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { bodyMetrics, dashboardBody } from './dashboard-body';
import { EventBusRoute, FanoutTopic, FilteredSubscription, KinesisCqrsPipeline, QueueWithDlq, RouteTarget } from '../../src';
import { unpublishedMetricReason } from '../../src/core/published-metrics';
import { MessagingDashboard } from '../../src/messaging-dashboard';
import { userFunction } from '../helpers/nag';

// Limits: "Up to 500 widgets per dashboard. Up to 500 metrics per dashboard widget. Up to 2500 metrics per
// dashboard, across all widgets" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html);
// an alarm widget's `alarms` "can have 1-100 ARNs"; widgets sit on a grid 24 units wide
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).

type Kind = 'queue' | 'queueWithConsumer' | 'topic' | 'subscription' | 'lambdaSubscription' | 'route' | 'pipeline';

interface Sample {
  readonly patterns: { readonly kind: Kind; readonly size: number }[];
  readonly addLater: boolean;
}

const sample: fc.Arbitrary<Sample> = fc.record({
  patterns: fc.array(
    fc.record({
      kind: fc.constantFrom<Kind>('queue', 'queueWithConsumer', 'topic', 'subscription', 'lambdaSubscription', 'route', 'pipeline'),
      // Subscribers of a topic, targets of a route, added projections of a pipeline.
      size: fc.integer({ min: 0, max: 12 }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  addLater: fc.boolean(),
});

function create(scope: Construct, id: string, kind: Kind, size: number): Construct {
  switch (kind) {
    case 'queue':
      return new QueueWithDlq(scope, id);
    case 'queueWithConsumer':
      return new QueueWithDlq(scope, id, { consumer: userFunction(scope, `${id}Fn`, Duration.seconds(10)) });
    case 'topic':
      return new FanoutTopic(scope, id, { subscribers: Object.fromEntries(Array.from({ length: size }, (_, i) => [`s${i}`, {}])) });
    case 'subscription':
      return new FilteredSubscription(scope, id, { topic: new sns.Topic(scope, `${id}Topic`) });
    case 'lambdaSubscription':
      return new FilteredSubscription(scope, id, { topic: new sns.Topic(scope, `${id}Topic`), lambdaFunction: userFunction(scope, `${id}Fn`) });
    case 'route':
      return new EventBusRoute(scope, id, {
        eventPattern: { source: ['orders'] },
        targets: Array.from({ length: 1 + (size % 5) }, (_, i) => RouteTarget.newQueue({ queueId: `Target${i}` })),
      });
    case 'pipeline': {
      const pipeline = new KinesisCqrsPipeline(scope, id);
      for (let i = 0; i < size % 3; i++) {
        pipeline.addProjection(`V${i + 2}`);
      }
      return pipeline;
    }
  }
}

test('random sets of patterns synthesize a dashboard within CloudWatch\'s limits, every metric published', () => {
  fc.assert(
    fc.property(sample, (s) => {
      // GIVEN patterns of random kinds and sizes, given in props or added afterwards
      const stack = new Stack(new App(), 'Test');
      const patterns = s.patterns.map((p, i) => create(stack, `P${i}`, p.kind, p.size));
      if (s.addLater) {
        const dashboard = new MessagingDashboard(stack, 'Dashboard');
        patterns.forEach((p) => dashboard.addPattern(p));
      } else {
        new MessagingDashboard(stack, 'Dashboard', { patterns });
      }
      // WHEN synthesized
      const body = dashboardBody(stack);
      // THEN one header per pattern (plus one per projection of a pipeline), within the limits
      const headers = body.widgets.filter((w) => w.type === 'text');
      expect(headers.length).toBeGreaterThanOrEqual(patterns.length);
      expect(body.widgets.length).toBeLessThanOrEqual(500);
      const metrics = bodyMetrics(body);
      expect(metrics.length).toBeLessThanOrEqual(2500);
      for (const widget of body.widgets) {
        expect(widget.x + widget.width).toBeLessThanOrEqual(24);
        if (widget.type === 'metric') {
          expect(widget.properties.metrics!.length).toBeGreaterThanOrEqual(1);
          expect(widget.properties.metrics!.length).toBeLessThanOrEqual(500);
        }
        if (widget.type === 'alarm') {
          expect(widget.properties.alarms!.length).toBeGreaterThanOrEqual(1);
          expect(widget.properties.alarms!.length).toBeLessThanOrEqual(100);
        }
      }
      expect(metrics.filter((m) => unpublishedMetricReason(m.namespace, m.metricName, Object.keys(m.dimensions)) !== undefined)).toEqual([]);
    }),
    { numRuns: 15 },
  );
});
