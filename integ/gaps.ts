/**
 * Every known difference between the local emulator (MiniStack) and AWS that
 * the integration suite or the demo meets, in one place.
 *
 * Each gap has a probe that detects it against the running emulator, at the
 * start of every run, and one handling:
 * - `shim`: a minimal, documented change that gives the example what AWS
 *   would (applied only while the probe finds the gap; when the emulator
 *   fixes it, the probe notices and the shim stops applying);
 * - `skip`: the checks that depend on the missing behaviour are skipped with
 *   the printed reason (never passed silently);
 * - `note`: nothing to change or skip; the difference is printed in the run's
 *   gap report because it limits what the suite proves.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  CreateStackCommand, DescribeStackEventsCommand, DescribeStacksCommand, StackStatus,
} from '@aws-sdk/client-cloudformation';
import { CreateEventBusCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { VENV_DIR } from '../scripts/emulator';
import { AwsClients } from './harness/aws';
import { assemblyStacks } from './harness/cdk';
import { pollUntil, PollTimeoutError } from './harness/poll';
import { queueDepth, receiveAll, total } from './harness/queues';
import { DeployedStack } from './harness/stack';

export type GapHandling = 'shim' | 'skip' | 'note';

export type GapId =
  | 'cfn-sqs-redrive-policy'
  | 'cfn-events-archive'
  | 'lambda-nodejs-sdk'
  | 'lambda-nodejs-version'
  | 'eventbridge-target-dlq'
  | 'sns-subscription-dlq'
  | 'sns-numeric-filter-on-strings'
  | 'lambda-log-capture'
  | 'resource-policies';

export interface GapDefinition {
  readonly id: GapId;
  /** What AWS does that the emulator does not. */
  readonly summary: string;
  /** How the probe detects it. */
  readonly probe: string;
  readonly handling: GapHandling;
  /** What the suite and the demo do while the gap is present. */
  readonly whenPresent: string;
  /** Runs the probe: `present` is true when the emulator still has the gap. */
  detect(clients: AwsClients): Promise<{ present: boolean; detail: string }>;
}

export interface GapStatus {
  readonly id: GapId;
  readonly summary: string;
  readonly probe: string;
  readonly handling: GapHandling;
  readonly whenPresent: string;
  readonly present: boolean;
  /** What the probe saw. */
  readonly detail: string;
  /** For an environment shim: whether the re-run probe saw the shim work. */
  readonly shimVerified?: boolean;
}

export type GapReport = Record<GapId, GapStatus>;

// ---------------------------------------------------------------------------
// Probe helpers

const PROBE_PREFIX = 'IntegProbe';

async function deployProbeStack(clients: AwsClients, name: string, template: object): Promise<{ status: string; reasons: string[] }> {
  const stackName = `${PROBE_PREFIX}${name}`;
  try {
    await clients.cloudformation.send(new CreateStackCommand({
      StackName: stackName,
      TemplateBody: JSON.stringify(template),
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
    }));
  } catch (error) {
    // Rejected before creation, e.g. "Template format error: Unrecognized resource types".
    return { status: 'REJECTED', reasons: [`${(error as Error).name}: ${(error as Error).message}`] };
  }
  const stack = await pollUntil(
    async () => (await clients.cloudformation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks![0],
    (s) => !s.StackStatus!.endsWith('_IN_PROGRESS'),
    { description: `probe stack ${stackName}`, timeoutMs: 60_000, intervalMs: 250, progressEveryMs: 0 },
  );
  const reasons: string[] = [];
  if (stack.StackStatus !== StackStatus.CREATE_COMPLETE) {
    const { StackEvents = [] } = await clients.cloudformation.send(new DescribeStackEventsCommand({ StackName: stackName }));
    reasons.push(...StackEvents.filter((e) => e.ResourceStatusReason).map((e) => `${e.LogicalResourceId}: ${e.ResourceStatusReason}`));
  }
  return { status: stack.StackStatus!, reasons };
}

async function createQueue(clients: AwsClients, name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

/** Waits up to `timeoutMs` for a message in `queueUrl`; true when one arrived. */
async function messageArrives(clients: AwsClients, queueUrl: string, timeoutMs: number): Promise<boolean> {
  try {
    await pollUntil(() => queueDepth(clients, queueUrl), (d) => total(d) > 0, {
      description: 'a message', timeoutMs, intervalMs: 250, progressEveryMs: 0,
    });
    return true;
  } catch (error) {
    if (error instanceof PollTimeoutError) {
      return false;
    }
    throw error;
  }
}

/** The AWS SDK v3 packages the examples' and the library's Node.js functions load at run time. */
export const LAMBDA_SDK_PACKAGES = [
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/client-kinesis',
  '@aws-sdk/client-sqs',
  '@aws-sdk/util-dynamodb',
];

const RUNTIME_PROBE_CODE = `
exports.handler = async () => {
  const packages = {};
  for (const id of ${JSON.stringify(LAMBDA_SDK_PACKAGES)}) {
    try { require.resolve(id); packages[id] = true; } catch { packages[id] = false; }
  }
  return { node: process.version, packages };
};`;

interface RuntimeProbe {
  readonly functionName: string;
  readonly node: string;
  readonly packages: Record<string, boolean>;
}

let runtimeProbe: Promise<RuntimeProbe> | undefined;
let runtimeProbeEndpoint: string | undefined;

/** Deploys (once per emulator) a nodejs22.x function that reports its Node.js version and resolvable SDK packages. */
async function probeNodeRuntime(clients: AwsClients): Promise<RuntimeProbe> {
  if (!runtimeProbe || runtimeProbeEndpoint !== clients.endpoint) {
    runtimeProbeEndpoint = clients.endpoint;
    runtimeProbe = (async () => {
      const suffix = Date.now().toString(36);
      const functionName = `integ-probe-runtime-${suffix}`;
      const result = await deployProbeStack(clients, `Runtime${suffix}`, {
        Resources: {
          Role: {
            Type: 'AWS::IAM::Role',
            Properties: {
              AssumeRolePolicyDocument: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
              },
            },
          },
          Fn: {
            Type: 'AWS::Lambda::Function',
            Properties: {
              FunctionName: functionName,
              Runtime: 'nodejs22.x',
              Handler: 'index.handler',
              Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
              Code: { ZipFile: RUNTIME_PROBE_CODE },
            },
          },
        },
      });
      if (result.status !== StackStatus.CREATE_COMPLETE) {
        throw new Error(`probe function not deployed (${result.status}): ${result.reasons.join('; ')}`);
      }
      const response = await clients.lambda.send(new InvokeCommand({ FunctionName: functionName }));
      const payload = Buffer.from(response.Payload ?? []).toString('utf8');
      if (response.FunctionError) {
        throw new Error(`probe function failed: ${payload}`);
      }
      return { functionName, ...JSON.parse(payload) };
    })();
  }
  return runtimeProbe;
}

/** Text of a module of the installed emulator (`.venv/lib/python3.x/site-packages/ministack/...`), if found. */
function emulatorSource(...parts: string[]): string | undefined {
  const lib = path.join(VENV_DIR, 'lib');
  const python = fs.existsSync(lib) ? fs.readdirSync(lib).find((d) => d.startsWith('python')) : undefined;
  const file = python && path.join(lib, python, 'site-packages', 'ministack', ...parts);
  return file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

// ---------------------------------------------------------------------------
// The gaps

export const GAPS: readonly GapDefinition[] = [
  {
    id: 'cfn-sqs-redrive-policy',
    summary: 'CloudFormation creates an AWS::SQS::Queue without the RedrivePolicy of its template (no DLQ redrive for queues made by a stack).',
    probe: 'Creates a stack with a queue whose RedrivePolicy names a DLQ of the same stack, then reads the queue\'s RedrivePolicy attribute.',
    handling: 'shim',
    whenPresent: 'After each deploy, sets every queue\'s RedrivePolicy from the synthesized template with SetQueueAttributes (deadLetterTargetArn resolved to the deployed DLQ).',
    async detect(clients) {
      const suffix = Date.now().toString(36);
      const result = await deployProbeStack(clients, `Redrive${suffix}`, {
        Resources: {
          Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `integ-probe-redrive-dlq-${suffix}` } },
          Source: {
            Type: 'AWS::SQS::Queue',
            Properties: {
              QueueName: `integ-probe-redrive-${suffix}`,
              RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 2 },
            },
          },
        },
      });
      if (result.status !== StackStatus.CREATE_COMPLETE) {
        return { present: true, detail: `probe stack ${result.status}: ${result.reasons.join('; ')}` };
      }
      const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: `integ-probe-redrive-${suffix}` }));
      const { Attributes = {} } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['RedrivePolicy'] }));
      const policy = Attributes.RedrivePolicy ? JSON.parse(Attributes.RedrivePolicy) : undefined;
      const ok = policy && String(policy.deadLetterTargetArn).endsWith(`:integ-probe-redrive-dlq-${suffix}`) && Number(policy.maxReceiveCount) === 2;
      return { present: !ok, detail: `RedrivePolicy of the created queue: ${Attributes.RedrivePolicy ?? '(none)'}` };
    },
  },
  {
    id: 'cfn-events-archive',
    summary: 'CloudFormation does not support AWS::Events::Archive: a stack with an archive fails and rolls back.',
    probe: 'Creates a stack with an event bus and an archive of it.',
    handling: 'shim',
    whenPresent: 'Removes the AWS::Events::Archive resources from the synthesized templates before `cdk deploy` (printed per stack); checks of the archive are skipped with this reason.',
    async detect(clients) {
      const suffix = Date.now().toString(36);
      const result = await deployProbeStack(clients, `Archive${suffix}`, {
        Resources: {
          Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: `integ-probe-archive-${suffix}` } },
          Archive: { Type: 'AWS::Events::Archive', Properties: { SourceArn: { 'Fn::GetAtt': ['Bus', 'Arn'] }, RetentionDays: 1 } },
        },
      });
      return {
        present: result.status !== StackStatus.CREATE_COMPLETE,
        detail: `probe stack ${result.status}${result.reasons.length ? `: ${result.reasons.join('; ')}` : ''}`,
      };
    },
  },
  {
    id: 'lambda-nodejs-sdk',
    summary: 'Node.js Lambda runtimes on AWS include the AWS SDK for JavaScript v3; MiniStack\'s local executor only answers `require` of some '
      + '`@aws-sdk/client-*` packages with reduced stubs (other error shapes, no `@aws-sdk/util-*`), so the library\'s projector '
      + '(bundled with the SDK external, as for AWS) and inline functions would not run as on AWS.',
    probe: `Deploys a nodejs22.x function that calls require.resolve on ${LAMBDA_SDK_PACKAGES.join(', ')}.`,
    handling: 'shim',
    whenPresent: 'Restarts the emulator with NODE_PATH naming the folders of the project\'s own AWS SDK v3 packages (devDependencies), '
      + 'so that functions load the real SDK as on AWS; the probe runs again to verify.',
    async detect(clients) {
      const { packages } = await probeNodeRuntime(clients);
      const missing = Object.entries(packages).filter(([, found]) => !found).map(([id]) => id);
      return { present: missing.length > 0, detail: missing.length ? `not resolvable: ${missing.join(', ')}` : 'every package resolvable' };
    },
  },
  {
    id: 'lambda-nodejs-version',
    summary: 'A Node.js function (nodejs22.x, nodejs24.x) runs on the host\'s `node` binary, whatever its version, not on the Node.js of its runtime.',
    probe: 'The same probe function reports process.version.',
    handling: 'note',
    whenPresent: 'Nothing to shim: the functions run on the host\'s Node.js (the report prints its version); the tests still run.',
    async detect(clients) {
      const { node } = await probeNodeRuntime(clients);
      return { present: !node.startsWith('v22.'), detail: `nodejs22.x ran on Node.js ${node}` };
    },
  },
  {
    id: 'eventbridge-target-dlq',
    summary: 'EventBridge sends an event that a target cannot take to the target\'s dead-letter queue; MiniStack logs the failure and drops the event.',
    probe: 'A rule whose SQS target does not exist, with a DeadLetterConfig queue; PutEvents; waits up to 5 s for the DLQ.',
    handling: 'skip',
    whenPresent: 'order-events: the "undeliverable target → route DLQ" check is skipped with this reason.',
    async detect(clients) {
      const suffix = Date.now().toString(36);
      const dlq = await createQueue(clients, `integ-probe-events-dlq-${suffix}`);
      const busName = `integ-probe-${suffix}`;
      await clients.eventbridge.send(new CreateEventBusCommand({ Name: busName }));
      await clients.eventbridge.send(new PutRuleCommand({
        Name: `integ-probe-${suffix}`, EventBusName: busName, EventPattern: JSON.stringify({ source: ['integ.probe'] }),
      }));
      await clients.eventbridge.send(new PutTargetsCommand({
        Rule: `integ-probe-${suffix}`,
        EventBusName: busName,
        Targets: [{
          Id: 'missing',
          Arn: `arn:aws:sqs:us-east-1:000000000000:integ-probe-missing-${suffix}`,
          DeadLetterConfig: { Arn: dlq.arn },
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
        }],
      }));
      await clients.eventbridge.send(new PutEventsCommand({
        Entries: [{ EventBusName: busName, Source: 'integ.probe', DetailType: 'Probe', Detail: '{}' }],
      }));
      const arrived = await messageArrives(clients, dlq.url, 5_000);
      return { present: !arrived, detail: arrived ? 'the event reached the target DLQ' : 'no message in the target DLQ after 5 s' };
    },
  },
  {
    id: 'sns-subscription-dlq',
    summary: 'SNS sends a message it cannot deliver to a subscription\'s redrive-policy DLQ; MiniStack does not.',
    probe: 'A topic with an SQS subscription to a queue that does not exist and a RedrivePolicy DLQ; Publish; waits up to 5 s for the DLQ.',
    handling: 'skip',
    whenPresent: 'order-fanout: "the subscription DLQ stays empty" could not fail, so it is skipped with this reason.',
    async detect(clients) {
      const suffix = Date.now().toString(36);
      const dlq = await createQueue(clients, `integ-probe-sns-dlq-${suffix}`);
      const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: `integ-probe-${suffix}` }));
      await clients.sns.send(new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: `arn:aws:sqs:us-east-1:000000000000:integ-probe-missing-${suffix}`,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) },
      }));
      await clients.sns.send(new PublishCommand({ TopicArn, Message: 'probe' }));
      const arrived = await messageArrives(clients, dlq.url, 5_000);
      return { present: !arrived, detail: arrived ? 'the message reached the subscription DLQ' : 'no message in the subscription DLQ after 5 s' };
    },
  },
  {
    id: 'sns-numeric-filter-on-strings',
    summary: 'SNS numeric filter conditions match numbers (Number attributes, JSON numbers in the body); MiniStack also matches '
      + 'strings that hold a number, so {"amount": "5000"} passes {"amount": [{"numeric": [">", 1000]}]}.',
    probe: 'A body-scope subscription with a numeric filter; Publish {"amount": 5000} (must arrive) and {"amount": "5000"}; '
      + 'checks whether the string one arrived too.',
    handling: 'skip',
    whenPresent: 'order-fanout: the sample orders whose amount is a numeric string are not sent (printed); every other sample still is.',
    async detect(clients) {
      const suffix = Date.now().toString(36);
      const queue = await createQueue(clients, `integ-probe-numeric-${suffix}`);
      const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: `integ-probe-numeric-${suffix}` }));
      await clients.sns.send(new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: queue.arn,
        Attributes: {
          RawMessageDelivery: 'true',
          FilterPolicyScope: 'MessageBody',
          FilterPolicy: JSON.stringify({ amount: [{ numeric: ['>', 1000] }] }),
        },
      }));
      await clients.sns.send(new PublishCommand({ TopicArn, Message: JSON.stringify({ amount: '5000', kind: 'string' }) }));
      await clients.sns.send(new PublishCommand({ TopicArn, Message: JSON.stringify({ amount: 5000, kind: 'number' }) }));
      const bodies: string[] = [];
      await pollUntil(async () => {
        bodies.push(...(await receiveAll(clients, queue.url)).map((m) => m.Body ?? ''));
        return bodies;
      }, (b) => b.some((x) => x.includes('"number"')), { description: 'the control message', timeoutMs: 10_000, intervalMs: 250, progressEveryMs: 0 });
      const stringMatched = bodies.some((x) => x.includes('"string"'));
      return { present: stringMatched, detail: stringMatched ? '{"amount": "5000"} was delivered' : 'only {"amount": 5000} was delivered' };
    },
  },
  {
    id: 'lambda-log-capture',
    summary: 'Log lines of a function can miss its invocation: after an invocation returns, the emulator waits at most 50 ms '
      + '(250 ms in all) for the lines the function wrote; on a loaded machine later lines go to the worker\'s next invocation, '
      + 'or are lost when it has none (seen once in about fifteen order-fanout runs). The suite counts deliveries in consumers\' logs.',
    probe: 'Reads the installed emulator\'s `Worker._drain_stderr_bounded` (ministack/core/lambda_runtime.py) for the 50 ms first-line wait.',
    handling: 'shim',
    whenPresent: 'Starts the emulator with `Worker._drain_stderr_bounded` waiting up to 1 s for the first line (3 s in all, '
      + '20 ms of quiet after the last line): one function default changed in the emulator process, nothing else. '
      + 'Verified by timing a warm invocation of a function that logs nothing (about 1 s with the shim).',
    async detect() {
      const source = emulatorSource('core', 'lambda_runtime.py');
      const start = source?.indexOf('def _drain_stderr_bounded(') ?? -1;
      if (!source || start < 0) {
        return { present: true, detail: 'Worker._drain_stderr_bounded not found in the emulator; handled as present' };
      }
      const signature = source.slice(start, source.indexOf(')', start));
      const short = /first_line_wait:\s*float\s*=\s*0\.0\d+/.test(signature);
      return { present: short, detail: `signature: ${signature.replace(/\s+/g, ' ')})` };
    },
  },
  {
    id: 'resource-policies',
    summary: 'AWS evaluates IAM and resource policies (queue policies, key policies, aws:SecureTransport); MiniStack allows every call by default.',
    probe: 'Sends a message over plain HTTP to a queue whose policy denies sqs:SendMessage to everyone.',
    handling: 'note',
    whenPresent: 'The suite proves message flows, not permissions: those are covered by the template assertions and cdk-nag in the unit tests.',
    async detect(clients) {
      const suffix = Date.now().toString(36);
      const queue = await createQueue(clients, `integ-probe-policy-${suffix}`);
      await clients.sqs.send(new SetQueueAttributesCommand({
        QueueUrl: queue.url,
        Attributes: {
          Policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sqs:SendMessage', Resource: queue.arn }],
          }),
        },
      }));
      try {
        await clients.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'probe' }));
        return { present: true, detail: 'SendMessage denied by the queue policy succeeded' };
      } catch (error) {
        return { present: false, detail: `SendMessage was refused: ${(error as Error).name}` };
      }
    },
  },
];

// ---------------------------------------------------------------------------
// Running the probes

function toStatus(gap: GapDefinition, present: boolean, detail: string, shimVerified?: boolean): GapStatus {
  return {
    id: gap.id, summary: gap.summary, probe: gap.probe, handling: gap.handling, whenPresent: gap.whenPresent, present, detail, shimVerified,
  };
}

/**
 * Runs every probe against the emulator. A probe that fails counts as
 * finding its gap (its handling then applies, and the failure is printed).
 * The probes leave resources behind: reset the emulator afterwards.
 */
export async function probeGaps(clients: AwsClients, ids: readonly GapId[] = GAPS.map((g) => g.id)): Promise<GapReport> {
  const report = {} as GapReport;
  for (const gap of GAPS.filter((g) => ids.includes(g.id))) {
    try {
      const { present, detail } = await gap.detect(clients);
      report[gap.id] = toStatus(gap, present, detail);
    } catch (error) {
      report[gap.id] = toStatus(gap, true, `probe failed, handled as present: ${(error as Error).message}`);
    }
  }
  return report;
}

/** Folders of node_modules trees holding the SDK packages of LAMBDA_SDK_PACKAGES (for NODE_PATH). */
export function sdkNodePath(): { nodePath: string; unresolved: string[] } {
  const folders = new Set<string>();
  const unresolved: string[] = [];
  for (const pkg of LAMBDA_SDK_PACKAGES) {
    try {
      const entry = require.resolve(pkg);
      const marker = `${path.sep}node_modules${path.sep}`;
      folders.add(entry.slice(0, entry.lastIndexOf(marker) + marker.length - 1));
    } catch {
      unresolved.push(pkg);
    }
  }
  return { nodePath: [...folders].join(path.delimiter), unresolved };
}

/** How to start the emulator for the gaps the probes found (shims of lambda-nodejs-sdk and lambda-log-capture). */
export interface EmulatorShims {
  /** Environment added to the emulator's. */
  readonly env: Record<string, string>;
  /** Python run in the emulator process before it starts. */
  readonly preamble: string[];
}

export function emulatorShims(report: Partial<GapReport>): EmulatorShims {
  const env: Record<string, string> = {};
  const preamble: string[] = [];
  if (report['lambda-nodejs-sdk']?.present) {
    const { nodePath } = sdkNodePath();
    if (nodePath) {
      env.NODE_PATH = nodePath;
    }
  }
  if (report['lambda-log-capture']?.present) {
    preamble.push([
      'import ministack.core.lambda_runtime as _lr',
      '_drain = _lr.Worker._drain_stderr_bounded',
      '_lr.Worker._drain_stderr_bounded = lambda self, first_line_wait=1.0, idle_confirm=0.02, hard_cap=3.0: '
        + '_drain(self, first_line_wait, idle_confirm, hard_cap)',
    ].join('\n'));
  }
  return { env, preamble };
}

/**
 * Records, after a restart with emulatorShims, whether each emulator shim
 * works: the NODE_PATH probe runs again; a warm invocation of a function
 * that logs nothing takes about the patched first-line wait.
 */
export async function verifyEmulatorShims(clients: AwsClients, report: GapReport): Promise<GapReport> {
  const out = { ...report };
  runtimeProbe = undefined;
  const sdk = GAPS.find((g) => g.id === 'lambda-nodejs-sdk')!;
  if (report[sdk.id].present) {
    let verified: boolean;
    let detail: string;
    try {
      const again = await sdk.detect(clients);
      verified = !again.present;
      const { unresolved } = sdkNodePath();
      detail = `${report[sdk.id].detail}; with the shim: ${again.detail}${unresolved.length ? ` (not installed in the project: ${unresolved.join(', ')})` : ''}`;
    } catch (error) {
      verified = false;
      detail = `${report[sdk.id].detail}; with the shim the probe failed: ${(error as Error).message}`;
    }
    out[sdk.id] = toStatus(sdk, true, detail, verified);
  }
  const logs = GAPS.find((g) => g.id === 'lambda-log-capture')!;
  if (report[logs.id].present) {
    let verified = false;
    let detail: string;
    try {
      const { functionName } = await probeNodeRuntime(clients); // deployed and invoked once: warm
      const started = Date.now();
      await clients.lambda.send(new InvokeCommand({ FunctionName: functionName }));
      const ms = Date.now() - started;
      verified = ms >= 900;
      detail = `${report[logs.id].detail}; with the shim a warm invocation that logs nothing took ${ms} ms`;
    } catch (error) {
      detail = `${report[logs.id].detail}; with the shim the check failed: ${(error as Error).message}`;
    }
    out[logs.id] = toStatus(logs, true, detail, verified);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Shims and skips

/**
 * Template shims, applied to a synthesized assembly before `cdk deploy`.
 * Returns one line per change.
 */
export function applyTemplateShims(assemblyDir: string, report: Partial<GapReport>): string[] {
  const applied: string[] = [];
  if (!report['cfn-events-archive']?.present) {
    return applied;
  }
  for (const stack of assemblyStacks(assemblyDir)) {
    const template = JSON.parse(fs.readFileSync(stack.templateFile, 'utf8'));
    const archives = Object.keys(template.Resources ?? {}).filter((id) => template.Resources[id].Type === 'AWS::Events::Archive');
    if (archives.length === 0) {
      continue;
    }
    for (const id of archives) {
      delete template.Resources[id];
      for (const resource of Object.values<any>(template.Resources)) {
        if (Array.isArray(resource.DependsOn)) {
          resource.DependsOn = resource.DependsOn.filter((d: string) => d !== id);
        } else if (resource.DependsOn === id) {
          delete resource.DependsOn;
        }
      }
      for (const [outputId, output] of Object.entries<any>(template.Outputs ?? {})) {
        if (JSON.stringify(output).includes(`"${id}"`)) {
          delete template.Outputs[outputId];
        }
      }
      applied.push(`shim cfn-events-archive: removed AWS::Events::Archive ${id} from ${stack.stackName} before deploy`);
    }
    fs.writeFileSync(stack.templateFile, JSON.stringify(template, undefined, 1));
  }
  return applied;
}

/** Resolves a template value that names a queue ARN (a literal or Fn::GetAtt [queue, Arn]) against the deployed stack. */
async function resolveQueueArn(stack: DeployedStack, value: any): Promise<string> {
  if (typeof value === 'string') {
    return value;
  }
  const getAtt = value?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[1] === 'Arn') {
    return stack.queueArn(stack.byLogicalId(getAtt[0]).physicalId);
  }
  throw new Error(`cannot resolve the dead-letter target ${JSON.stringify(value)} of ${stack.stackName}`);
}

/**
 * Shims applied to a deployed stack. Returns one line per change.
 */
export async function applyDeployedShims(stack: DeployedStack, report: Partial<GapReport>): Promise<string[]> {
  const applied: string[] = [];
  if (report['cfn-sqs-redrive-policy']?.present) {
    for (const queue of stack.ofType('AWS::SQS::Queue')) {
      const policy = queue.properties.RedrivePolicy;
      if (!policy) {
        continue;
      }
      const redrive = JSON.stringify({
        deadLetterTargetArn: await resolveQueueArn(stack, policy.deadLetterTargetArn),
        maxReceiveCount: Number(policy.maxReceiveCount),
      });
      await stack.clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: queue.physicalId, Attributes: { RedrivePolicy: redrive } }));
      applied.push(`shim cfn-sqs-redrive-policy: set RedrivePolicy ${redrive} on ${queue.path}`);
    }
  }
  return applied;
}

/** The reason to skip a check that depends on `id`, or undefined when the emulator has no such gap. */
export function skipReason(report: Partial<GapReport>, id: GapId): string | undefined {
  const status = report[id];
  if (!status) {
    return `emulator gap ${id} was not probed in this run`;
  }
  return status.present ? `emulator gap ${id}: ${status.summary} (probe: ${status.detail})` : undefined;
}

/** Printable gap report: one line per gap. */
export function formatGapReport(report: Partial<GapReport>): string[] {
  return Object.values(report).map((s) => {
    const state = s!.present
      ? `PRESENT → ${s!.handling}${s!.shimVerified === undefined ? '' : s!.shimVerified ? ' (verified)' : ' (NOT verified)'}`
      : 'absent (nothing applied)';
    return `  ${s!.id.padEnd(30)} ${state.padEnd(26)} ${s!.detail}`;
  });
}

export function saveGapReport(file: string, report: GapReport): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(report, undefined, 2));
}

export function loadGapReport(file: string): GapReport {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
