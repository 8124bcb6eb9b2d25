import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { Construct, IConstruct } from 'constructs';
import { FanoutTopic, MessagingChecks } from '../../src';

/** One rule reported by a compliance pack, with the constructs it names. */
export interface NagFinding {
  readonly rule: string;
  readonly severity: string;
  readonly paths: string[];
}

/** An app checked by the five cdk-nag packs the library promises to pass and by MessagingChecks, writing to its own folder. */
export function nagApp(): App {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-message-patterns-nag-')) });
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new ServerlessChecks(app),
    new HIPAASecurityChecks(app),
    new NIST80053R5Checks(app),
    new PCIDSS321Checks(app),
    new MessagingChecks(app),
  );
  return app;
}

interface ValidationReport {
  pluginReports: { violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[] }[];
}

/**
 * Synthesizes the app and returns every finding the packs report: errors
 * (which fail the synth), and the warnings and notes of MessagingChecks (which
 * do not, and are only in the report).
 */
export function nagFindings(app: App): NagFinding[] {
  const reportFile = path.join(app.outdir, 'validation-report.json');
  try {
    try {
      app.synth();
    } catch (e) {
      if (!fs.existsSync(reportFile)) {
        throw e;
      }
    }
    if (!fs.existsSync(reportFile)) {
      return [];
    }
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ValidationReport;
    return report.pluginReports.flatMap((r) =>
      r.violations.map((v) => ({ rule: v.ruleName, severity: v.severity, paths: v.violatingConstructs.map((c) => c.constructPath) })),
    );
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
}

/** Rules that concern a Lambda function's own configuration, which belongs to the user. */
const USER_FUNCTION_RULES = [
  'AwsSolutions-L1',
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  'Serverless-LambdaDefaultMemorySize',
  'Serverless-LambdaDLQ',
  'Serverless-LambdaLatestVersion',
  'Serverless-LambdaTracing',
  'HIPAA.Security-IAMNoInlinePolicy',
  'HIPAA.Security-LambdaConcurrency',
  'HIPAA.Security-LambdaDLQ',
  'HIPAA.Security-LambdaInsideVPC',
  'NIST.800.53.R5-IAMNoInlinePolicy',
  'NIST.800.53.R5-LambdaConcurrency',
  'NIST.800.53.R5-LambdaDLQ',
  'NIST.800.53.R5-LambdaInsideVPC',
  'PCI.DSS.321-IAMNoInlinePolicy',
  'PCI.DSS.321-LambdaInsideVPC',
];

/**
 * A Lambda function standing for the user's consumer. The packs' findings on
 * the function itself (its runtime, memory, tracing, VPC, concurrency and
 * role) are the user's to settle, so they are acknowledged on the function
 * only; anything the library creates is still checked.
 */
export function userFunction(scope: Construct, id: string, timeout?: Duration): lambda.Function {
  const fn = new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
    timeout,
  });
  Validations.of(fn).acknowledge(
    ...USER_FUNCTION_RULES.map((rule) => ({ id: rule, reason: "The test's stand-in for the user's function: its own settings are the user's choice." })),
  );
  return fn;
}

/** A fresh stack in a fresh app (with the packs when `nag` is set). */
export function testStack(nag = false): { app: App; stack: Stack } {
  const app = nag ? nagApp() : new App();
  return { app, stack: new Stack(app, 'Test') };
}

/**
 * An on-call topic that CloudWatch alarms can notify: a FanoutTopic with
 * `cloudwatch.amazonaws.com` as service publisher (a customer-managed key that
 * lets CloudWatch use it, and a topic-policy statement for the account's
 * alarms). A topic with the AWS-managed key, or a key or topic policy that
 * leaves CloudWatch out, drops every notification (and fails synth).
 */
export function alarmTopic(scope: Construct, id: string): sns.ITopic {
  return new FanoutTopic(scope, id, { servicePublishers: ['cloudwatch.amazonaws.com'] }).topic;
}

/**
 * An SNS topic standing for the user's: encrypted with a customer-managed
 * key and refusing publishes without TLS, as the packs ask.
 */
export function userTopic(scope: Construct, id: string): sns.Topic {
  return new sns.Topic(scope, id, { enforceSSL: true, masterKey: new kms.Key(scope, `${id}Key`, { enableKeyRotation: true }) });
}

/**
 * A Kinesis stream standing for the user's, encrypted with a customer-managed
 * key: AwsSolutions-KDS3 reports the choice of a customer-managed key over
 * alias/aws/kinesis, the user's to make, so it is acknowledged on the stream.
 */
export function userStream(scope: Construct, id: string): kinesis.Stream {
  const stream = new kinesis.Stream(scope, id, {
    encryption: kinesis.StreamEncryption.KMS,
    encryptionKey: new kms.Key(scope, `${id}Key`, { enableKeyRotation: true }),
  });
  Validations.of(stream).acknowledge({ id: 'AwsSolutions-KDS3', reason: "The test's stand-in for the user's stream: its key is the user's choice." });
  return stream;
}

/**
 * A state machine standing for the user's. Its logging and tracing settings
 * are the user's to choose, so the packs' findings on them are acknowledged
 * on the state machine and its log group only (like userFunction).
 */
export function userStateMachine(scope: Construct, id: string, type: sfn.StateMachineType = sfn.StateMachineType.STANDARD): sfn.StateMachine {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`);
  const machine = new sfn.StateMachine(scope, id, {
    stateMachineType: type,
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(scope, `${id}Pass`)),
    tracingEnabled: true,
    logs: { destination: logGroup, level: sfn.LogLevel.ALL },
  });
  Validations.of(machine).acknowledge(
    ...['AwsSolutions-IAM5[Resource::*]', 'HIPAA.Security-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy'].map((rule) => ({
      id: rule,
      reason: "The test's stand-in for the user's state machine: its role is the user's choice.",
    })),
  );
  Validations.of(logGroup).acknowledge(
    ...['HIPAA.Security-CloudWatchLogGroupEncrypted', 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', 'PCI.DSS.321-CloudWatchLogGroupEncrypted',
      'HIPAA.Security-CloudWatchLogGroupRetentionPeriod', 'NIST.800.53.R5-CloudWatchLogGroupRetentionPeriod'].map((rule) => ({
      id: rule,
      reason: "The test's stand-in for the user's log group: its encryption and retention are the user's choice.",
    })),
  );
  return machine;
}

/** The rules acknowledged on a construct, as [id, reason] pairs. */
export function acknowledgedRules(construct: IConstruct): [string, string][] {
  return construct.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.entries(m.data as Record<string, string>))
    .map(([id, reason]) => [id.replace(/^annotation::/i, ''), reason] as [string, string]);
}
