import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MessagingChecks } from '../../src';

/** One finding of MessagingChecks: the rule (without the pack's prefix), its severity and the construct path. */
export interface Finding {
  readonly rule: string;
  readonly severity: string;
  readonly path: string;
  readonly description: string;
}

/** A fresh app checked by MessagingChecks only, writing to its own folder. */
export function checkedApp(): App {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'messaging-checks-')) });
  Validations.of(app).addPlugins(new MessagingChecks(app));
  return app;
}

interface Violation {
  ruleName: string;
  severity: string;
  description: string;
  violatingConstructs: { constructPath: string }[];
}

interface Report {
  pluginReports: { pluginName: string; violations: Violation[] }[];
}

/** Synthesizes the app and returns what MessagingChecks reported (errors fail the synth; warnings and notes do not). */
export function findingsOf(app: App): Finding[] {
  try {
    try {
      app.synth();
    } catch (e) {
      if (!fs.existsSync(path.join(app.outdir, 'validation-report.json'))) {
        throw e;
      }
    }
    const reportFile = path.join(app.outdir, 'validation-report.json');
    if (!fs.existsSync(reportFile)) {
      return [];
    }
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as Report;
    return report.pluginReports
      .filter((r) => r.pluginName === 'MessagingChecks')
      .flatMap((r) =>
        r.violations.flatMap((v) =>
          v.violatingConstructs.map((c) => ({ rule: v.ruleName.replace(/^MessagingChecks-/, ''), severity: v.severity, path: c.constructPath, description: v.description })),
        ),
      );
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
}

/** The findings of MessagingChecks on one stack built by `build`. */
export function check(build: (stack: Stack) => void): Finding[] {
  const app = checkedApp();
  build(new Stack(app, 'Test'));
  return findingsOf(app);
}

/** The findings of one rule only. */
export function findingsOfRule(rule: string, build: (stack: Stack) => void): Finding[] {
  return check(build).filter((f) => f.rule === rule);
}

/** A function `id` (Node.js 22, inline code answering no batch item failures, timeout 10 s); props override these defaults. */
export function testFunction(scope: Construct, props: Partial<lambda.FunctionProps> = {}, id = 'Fn'): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
    timeout: Duration.seconds(10),
    ...props,
  });
}

/** The props of queueWithDlq: the queue's own, its redrive policy's maxReceiveCount, and the dead-letter queue's. */
export interface QueueWithDlqProps extends sqs.QueueProps {
  readonly maxReceiveCount?: number;
  readonly deadLetterQueueProps?: sqs.QueueProps;
}

/** A queue `id` redriving after maxReceiveCount receives (default 5) to a dead-letter queue `${id}Dlq` kept 14 days; props override. */
export function queueWithDlq(scope: Construct, id: string, props: QueueWithDlqProps = {}): sqs.Queue {
  const { maxReceiveCount = 5, deadLetterQueueProps = {}, ...queueProps } = props;
  const dlq = new sqs.Queue(scope, `${id}Dlq`, { retentionPeriod: Duration.days(14), ...deadLetterQueueProps });
  return new sqs.Queue(scope, id, { ...queueProps, deadLetterQueue: { queue: dlq, maxReceiveCount } });
}

/**
 * A queue `Orders` with a dead-letter queue (see queueWithDlq), consumed by a function `Fn` with a 60 s timeout through an
 * SqsEventSource reporting batch item failures; `eventSource` is added to the event source's props.
 */
export function consumedQueue(scope: Construct, props: QueueWithDlqProps = {}, eventSource: Partial<sources.SqsEventSourceProps> = {}): sqs.Queue {
  const queue = queueWithDlq(scope, 'Orders', props);
  const fn = testFunction(scope, { timeout: Duration.seconds(60) });
  fn.addEventSource(new sources.SqsEventSource(queue, { reportBatchItemFailures: true, ...eventSource }));
  return queue;
}

/** The function `Fn` that reads streams in the stream event source tests (timeout 30 s). */
export function streamProjector(scope: Construct): lambda.Function {
  return testFunction(scope, { timeout: Duration.seconds(30) });
}

/** A DynamoDB table `Orders` with a stream of new images. */
export function tableWithStream(scope: Construct): dynamodb.Table {
  return new dynamodb.Table(scope, 'Orders', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, stream: dynamodb.StreamViewType.NEW_IMAGE });
}
