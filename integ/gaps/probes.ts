/**
 * What the probes of several gaps share: a throw-away CloudFormation stack, a
 * queue, a wait for a message, a Node.js function that reports its runtime,
 * and the source of the installed emulator.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  CreateStackCommand, DeleteStackCommand, DescribeStackEventsCommand, DescribeStacksCommand, StackStatus,
} from '@aws-sdk/client-cloudformation';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { AwsClients } from '../harness/aws';
import { VENV_DIR } from '../harness/emulator';
import { pollUntil, PollTimeoutError } from '../harness/poll';
import { queueDepth, total } from '../harness/queues';

const PROBE_PREFIX = 'IntegProbe';

/** Creates stack `IntegProbe<name>` and waits for it to settle; the stack events' reasons when it did not complete. */
export async function deployProbeStack(clients: AwsClients, name: string, template: object): Promise<{ status: string; reasons: string[] }> {
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

/**
 * Deletes stack `IntegProbe<name>` and waits (up to 60 s) until it is gone; a probe that must not
 * leave a running resource behind (an event source mapping) calls it. Never throws: the emulator
 * is reset after the probes anyway.
 */
export async function deleteProbeStack(clients: AwsClients, name: string): Promise<void> {
  const stackName = `${PROBE_PREFIX}${name}`;
  try {
    await clients.cloudformation.send(new DeleteStackCommand({ StackName: stackName }));
    await pollUntil(
      async () => {
        try {
          return (await clients.cloudformation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0]?.StackStatus;
        } catch {
          return StackStatus.DELETE_COMPLETE; // "does not exist"
        }
      },
      (status) => !status || status === StackStatus.DELETE_COMPLETE || status === StackStatus.DELETE_FAILED,
      { description: `deletion of probe stack ${stackName}`, timeoutMs: 60_000, intervalMs: 250, progressEveryMs: 0 },
    );
  } catch {
    // left to the reset that follows the probes
  }
}

/**
 * Deploys stack `IntegProbe<name>`, runs `probe` once it is complete, and deletes the stack
 * (waiting until it is gone), also when the probe fails. A stack that does not complete fails the
 * probe with the stack events' reasons.
 */
export async function withProbeStack<T>(clients: AwsClients, name: string, template: object, probe: () => Promise<T>): Promise<T> {
  try {
    const deployed = await deployProbeStack(clients, name, template);
    if (deployed.status !== StackStatus.CREATE_COMPLETE) {
      throw new Error(`probe stack not deployed (${deployed.status}): ${deployed.reasons.join('; ')}`);
    }
    return await probe();
  } finally {
    await deleteProbeStack(clients, name);
  }
}

/** Invokes a probe function synchronously and returns its parsed result; a function error fails the probe. */
export async function invokeProbeFunction(clients: AwsClients, functionName: string): Promise<any> {
  const response = await clients.lambda.send(new InvokeCommand({ FunctionName: functionName }));
  const payload = Buffer.from(response.Payload ?? []).toString('utf8');
  if (response.FunctionError) {
    throw new Error(`probe function failed: ${payload}`);
  }
  return JSON.parse(payload);
}

export async function createQueue(clients: AwsClients, name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

/** Waits up to `timeoutMs` for a message in `queueUrl`; true when one arrived. */
export async function messageArrives(clients: AwsClients, queueUrl: string, timeoutMs: number): Promise<boolean> {
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

/**
 * Packages of the project that Lambda's Node.js runtime does not provide: a function that needs
 * one must bundle it, so none may resolve in the emulator either (a bundling mistake would pass
 * here and fail on AWS).
 */
export const PACKAGES_OUTSIDE_THE_RUNTIME = ['aws-cdk-lib', 'constructs', 'jest', 'esbuild'];

const RUNTIME_PROBE_CODE = `
exports.handler = async () => {
  const resolvable = (ids) => Object.fromEntries(ids.map((id) => {
    try { require.resolve(id); return [id, true]; } catch { return [id, false]; }
  }));
  return {
    node: process.version,
    packages: resolvable(${JSON.stringify(LAMBDA_SDK_PACKAGES)}),
    outside: resolvable(${JSON.stringify(PACKAGES_OUTSIDE_THE_RUNTIME)}),
  };
};`;

export interface RuntimeProbe {
  readonly functionName: string;
  readonly node: string;
  /** Whether each package of LAMBDA_SDK_PACKAGES resolves in the function. */
  readonly packages: Record<string, boolean>;
  /** Whether each package of PACKAGES_OUTSIDE_THE_RUNTIME resolves in the function. */
  readonly outside: Record<string, boolean>;
}

/** The execution role of a probe's Lambda function, as a template resource. */
export const LAMBDA_PROBE_ROLE = {
  Type: 'AWS::IAM::Role',
  Properties: {
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
  },
};

/**
 * A probe's Lambda function, as a template resource: runs `code` (index.handler) on `runtime` with
 * the role of the template's `Role` resource (LAMBDA_PROBE_ROLE).
 */
export function probeFunction(functionName: string, runtime: string, code: string, environment?: Record<string, unknown>): object {
  return {
    Type: 'AWS::Lambda::Function',
    Properties: {
      FunctionName: functionName,
      Runtime: runtime,
      Handler: 'index.handler',
      Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
      ...(environment ? { Environment: { Variables: environment } } : {}),
      Code: { ZipFile: code },
    },
  };
}

let runtimeProbe: Promise<RuntimeProbe> | undefined;
let runtimeProbeEndpoint: string | undefined;

/** Deploys (once per emulator) a nodejs22.x function that reports its Node.js version and resolvable SDK packages. */
export async function probeNodeRuntime(clients: AwsClients): Promise<RuntimeProbe> {
  if (!runtimeProbe || runtimeProbeEndpoint !== clients.endpoint) {
    runtimeProbeEndpoint = clients.endpoint;
    runtimeProbe = (async () => {
      const suffix = Date.now().toString(36);
      const functionName = `integ-probe-runtime-${suffix}`;
      const template = {
        Resources: {
          Role: LAMBDA_PROBE_ROLE,
          Fn: probeFunction(functionName, 'nodejs22.x', RUNTIME_PROBE_CODE),
        },
      };
      // Kept deployed: the log-capture probe invokes it again.
      const result = await deployProbeStack(clients, `Runtime${suffix}`, template);
      if (result.status !== StackStatus.CREATE_COMPLETE) {
        throw new Error(`probe function not deployed (${result.status}): ${result.reasons.join('; ')}`);
      }
      return { functionName, ...await invokeProbeFunction(clients, functionName) };
    })();
  }
  return runtimeProbe;
}

/** Forgets the runtime probe, so that the next probeNodeRuntime deploys it again (after a restart with shims). */
export function forgetRuntimeProbe(): void {
  runtimeProbe = undefined;
}

/** Text of a module of the installed emulator (`.venv/lib/python3.x/site-packages/ministack/...`), if found. */
export function emulatorSource(...parts: string[]): string | undefined {
  const lib = path.join(VENV_DIR, 'lib');
  const python = fs.existsSync(lib) ? fs.readdirSync(lib).find((d) => d.startsWith('python')) : undefined;
  const file = python && path.join(lib, python, 'site-packages', 'ministack', ...parts);
  return file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}
