import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { checkedApp, findingsOf, queueWithDlq, testFunction } from './helpers';
import { MessagingChecks } from '../../src';
import { MESSAGING_RULES } from '../../src/messaging-checks/rule-list';

/** A queue without a dead-letter queue, consumed by a function: an error of QueueConsumedWithoutDlq. */
function lossyQueue(scope: Construct, withoutPartialBatch = false): sqs.Queue {
  const queue = new sqs.Queue(scope, 'Orders', { visibilityTimeout: Duration.seconds(60) });
  testFunction(scope).addEventSource(new sources.SqsEventSource(queue, { reportBatchItemFailures: !withoutPartialBatch }));
  return queue;
}

describe('MessagingChecks', () => {
  test('an error fails the synth, with the rule id and the construct path in the message', () => {
    const app = new App();
    Validations.of(app).addPlugins(new MessagingChecks(app));
    lossyQueue(new Stack(app, 'Test'));
    expect(() => app.synth()).toThrow(/MessagingChecks-QueueConsumedWithoutDlq|Test\/Orders\/Resource/);
  });

  test('a warning is reported and the synth goes on', () => {
    const app = checkedApp();
    const stack = new Stack(app, 'Test');
    const queue = queueWithDlq(stack, 'Orders', { visibilityTimeout: Duration.seconds(60) });
    testFunction(stack).addEventSource(new sources.SqsEventSource(queue));
    const findings = findingsOf(app);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.severity === 'warning')).toBe(true);
  });

  test('an acknowledgement on the construct (or a scope above it) silences the finding there only', () => {
    const app = checkedApp();
    const stack = new Stack(app, 'Test');
    const acknowledgedScope = new Construct(stack, 'Accepted');
    lossyQueue(acknowledgedScope);
    lossyQueue(new Construct(stack, 'Other'));
    Validations.of(acknowledgedScope).acknowledge({ id: 'MessagingChecks-QueueConsumedWithoutDlq', reason: 'test' });
    expect(findingsOf(app).filter((f) => f.rule === 'QueueConsumedWithoutDlq').map((f) => f.path)).toEqual(['Test/Other/Orders/Resource']);
  });

  test('the id the report suggests (MessagingChecks::MessagingChecks-<Rule>) acknowledges too', () => {
    const app = checkedApp();
    const queue = lossyQueue(new Stack(app, 'Test'));
    Validations.of(queue).acknowledge({ id: 'MessagingChecks::MessagingChecks-QueueConsumedWithoutDlq', reason: 'test' });
    expect(findingsOf(app).filter((f) => f.rule === 'QueueConsumedWithoutDlq')).toEqual([]);
  });

  test('a queue consumed in another stack of the app is followed through the export', () => {
    const app = checkedApp();
    const queue = new sqs.Queue(new Stack(app, 'Queues'), 'Orders', { visibilityTimeout: Duration.seconds(60) });
    testFunction(new Stack(app, 'Consumers')).addEventSource(new sources.SqsEventSource(queue, { reportBatchItemFailures: true }));
    expect(findingsOf(app).filter((f) => f.rule === 'QueueConsumedWithoutDlq').map((f) => f.path)).toEqual(['Queues/Orders/Resource']);
  });

  test('a queue named by a literal ARN in another app stack is found by its name', () => {
    const app = checkedApp();
    new sqs.Queue(new Stack(app, 'Queues', { env: { account: '111111111111', region: 'eu-west-1' } }), 'Orders', {
      queueName: 'orders',
      visibilityTimeout: Duration.seconds(60),
    });
    const stack = new Stack(app, 'Consumers', { env: { account: '111111111111', region: 'eu-west-1' } });
    const imported = sqs.Queue.fromQueueArn(stack, 'Imported', 'arn:aws:sqs:eu-west-1:111111111111:orders');
    testFunction(stack).addEventSource(new sources.SqsEventSource(imported, { reportBatchItemFailures: true }));
    expect(findingsOf(app).filter((f) => f.rule === 'QueueConsumedWithoutDlq').map((f) => f.path)).toEqual(['Queues/Orders/Resource']);
  });

  test('verbose adds the explanation and the sources to the description', () => {
    const app = new App({ outdir: checkedApp().outdir });
    Validations.of(app).addPlugins(new MessagingChecks(app, { verbose: true }));
    lossyQueue(new Stack(app, 'Test'));
    const [finding] = findingsOf(app).filter((f) => f.rule === 'QueueConsumedWithoutDlq');
    expect(finding.description).toContain('Sources: https://docs.aws.amazon.com/');
  });

  test('rule ids are unique, and each rule states a fix and at least one source', () => {
    const ids = MESSAGING_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of MESSAGING_RULES) {
      expect(rule.fix.length).toBeGreaterThan(20);
      expect(rule.sources.length).toBeGreaterThan(0);
      expect(rule.sources.every((s) => /^https:\/\//.test(s))).toBe(true);
    }
    expect(new MessagingChecks().ruleIds).toEqual(ids.map((id) => `MessagingChecks-${id}`));
  });
});

describe('MessagingChecks called without the construct tree in the context (aws-cdk-lib versions before appConstruct)', () => {
  function synthesizedTemplate(): { app: App; templatePath: string } {
    const app = new App({ outdir: checkedApp().outdir });
    lossyQueue(new Stack(app, 'Test'));
    const assembly = app.synth();
    return { app, templatePath: assembly.getStackByName('Test').templateFullPath };
  }

  test('it reads the tree from the scope given to its constructor', () => {
    const { app, templatePath } = synthesizedTemplate();
    const report = new MessagingChecks(app).validate({ templatePaths: [templatePath], stackTemplates: [] } as any);
    expect(report.success).toBe(false);
    expect(report.violations.map((v) => v.ruleName)).toContain('MessagingChecks-QueueConsumedWithoutDlq');
  });

  test('without a scope either, it says what it needs', () => {
    const { templatePath } = synthesizedTemplate();
    expect(() => new MessagingChecks().validate({ templatePaths: [templatePath], stackTemplates: [] } as any)).toThrow(/pass the app to its constructor/);
  });
});
