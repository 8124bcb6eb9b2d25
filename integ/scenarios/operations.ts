/**
 * The operator command `cdk-message-patterns` (bin/cdk-message-patterns, the
 * bundle of cli/) run as a separate process against the emulator, and what
 * its checks read on the side: the messages of a queue without consuming them,
 * the receives a consumer logged, the archive of a route.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateArchiveCommand, DescribeArchiveCommand, DescribeArchiveCommandOutput, DescribeEventBusCommand,
} from '@aws-sdk/client-eventbridge';
import { GetEventSourceMappingCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, Message, ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { referencedLogicalId } from './scenario';
import { AwsClients } from '../harness/aws';
import { REPO_ROOT } from '../harness/emulator';
import { pollUntil } from '../harness/poll';
import { lambdaLogLines, loggedObjects } from '../harness/queues';
import { DeployedResource, DeployedStack } from '../harness/stack';
import { Target, targetProcessEnv } from '../harness/target';

/** The executable the package ships (package.json `bin`). */
export const COMMAND = path.join(REPO_ROOT, 'bin', 'cdk-message-patterns');
const BUNDLE = path.join(REPO_ROOT, 'assets', 'cli', 'main', 'cdk-message-patterns.js');

/** What one run of the command left. */
export interface CommandRun {
  readonly args: string[];
  readonly code: number | null;
  /** stdout, one entry per line (results). */
  readonly out: string[];
  /** stderr, one entry per line (notes and errors), without Node.js's own runtime warnings. */
  readonly err: string[];
  readonly seconds: number;
}

/**
 * Fails unless the bundle exists and is newer than every source file of the
 * command: the checks must run the code of this checkout (`npx projen bundle`).
 */
export function assertFreshBundle(): void {
  if (!fs.existsSync(BUNDLE)) {
    throw new Error(`${path.relative(REPO_ROOT, BUNDLE)} does not exist: run \`npx projen bundle\` first`);
  }
  const built = fs.statSync(BUNDLE).mtimeMs;
  const sources = fs.readdirSync(path.join(REPO_ROOT, 'cli'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(REPO_ROOT, 'cli', f));
  const newer = sources.filter((f) => fs.statSync(f).mtimeMs > built);
  if (newer.length > 0) {
    throw new Error(`the bundle is older than ${newer.map((f) => path.relative(REPO_ROOT, f)).join(', ')}: run \`npx projen bundle\` first`);
  }
}

/**
 * Node.js 20 prints the AWS SDK's NodeVersionSupportWarning (a process
 * warning of the runtime, several lines from `(node:PID) Warning:` to the
 * `--trace-warnings` hint) on stderr; it is not output of the command.
 */
function withoutRuntimeWarnings(all: string[]): string[] {
  const kept: string[] = [];
  let inWarning = false;
  for (const line of all) {
    if (/^\(node:\d+\) Warning: NodeVersionSupportWarning/.test(line)) {
      inWarning = true;
    }
    if (!inWarning) {
      kept.push(line);
    }
    if (inWarning && /^\(Use `node --trace-warnings/.test(line)) {
      inWarning = false;
    }
  }
  return kept;
}

function splitLines(text: string): string[] {
  return text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
}

/**
 * Runs `node bin/cdk-message-patterns <args>` with the environment an
 * operator of the target would have (its AWS_* settings: the emulator's
 * endpoint, region and credentials, or the caller's for an AWS account; no
 * other AWS_ setting of the caller), stdin closed (no terminal), and waits for
 * it to exit.
 */
export async function runCommand(target: Target, args: string[], timeoutMs = 120_000): Promise<CommandRun> {
  const env = targetProcessEnv(target);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [COMMAND, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cdk-message-patterns ${args.join(' ')} did not exit within ${timeoutMs / 1000} s; stderr so far:\n${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const run = { args, code, out: splitLines(stdout), err: withoutRuntimeWarnings(splitLines(stderr)), seconds: (Date.now() - started) / 1000 };
      process.stderr.write(`[operations] $ cdk-message-patterns ${args.join(' ')} → exit ${code} in ${run.seconds.toFixed(1)} s\n`
        + [...run.out, ...run.err.map((l) => `(stderr) ${l}`)].map((l) => `    ${l}`).join('\n') + '\n');
      resolve(run);
    });
  });
}

/** The lines of a table cli-table3 drew (`│ a │ b │`), as cells. */
export function tableRows(text: string): string[][] {
  return text.split('\n').filter((l) => l.startsWith('│')).map((l) => l.split('│').slice(1, -1).map((c) => c.trim()));
}

/**
 * The messages of a queue without consuming them: received with a short
 * visibility timeout, then made visible again at once (ChangeMessageVisibility
 * to 0). Use it on a queue that has no consumer.
 */
export async function messagesIn(clients: AwsClients, queueUrl: string): Promise<Message[]> {
  const seen = new Map<string, Message>();
  for (let round = 0; round < 20; round++) {
    const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 20, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'],
    }));
    const fresh = Messages.filter((m) => !seen.has(m.MessageId!));
    fresh.forEach((m) => seen.set(m.MessageId!, m));
    if (fresh.length === 0) {
      break;
    }
  }
  const all = [...seen.values()];
  for (let i = 0; i < all.length; i += 10) {
    await clients.sqs.send(new ChangeMessageVisibilityBatchCommand({
      QueueUrl: queueUrl,
      Entries: all.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
    }));
  }
  return all;
}

/** Receives and deletes every message of a queue without a consumer; returns them. */
export async function drain(clients: AwsClients, queueUrl: string): Promise<Message[]> {
  const drained: Message[] = [];
  for (let round = 0; round < 100; round++) {
    const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'],
    }));
    if (Messages.length === 0) {
      break;
    }
    await clients.sqs.send(new DeleteMessageBatchCommand({
      QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
    }));
    drained.push(...Messages);
  }
  return drained;
}

/** One record a consumer logged (the example consumers log `{messageId, body}` per record). */
export interface LoggedReceive {
  readonly messageId: string;
  readonly body: string;
}

/** Every record the function consuming `queue` logged, in log order. */
export async function consumerReceives(stack: DeployedStack, queue: DeployedResource): Promise<LoggedReceive[]> {
  const consumer = consumerOf(stack, queue);
  const objects = loggedObjects(await lambdaLogLines(stack.clients, consumer.physicalId, stack.functionLogGroup(consumer)));
  return objects.filter((o) => typeof o?.messageId === 'string' && typeof o?.body === 'string');
}

/** The event source mapping that reads `queue` (an SQS event source in the stack). */
export function eventSourceMappingOf(stack: DeployedStack, queue: DeployedResource): DeployedResource {
  const mapping = stack.ofType('AWS::Lambda::EventSourceMapping').find((m) => referencedLogicalId(m.properties.EventSourceArn) === queue.logicalId);
  if (!mapping) {
    throw new Error(`no event source mapping reads ${queue.path}`);
  }
  return mapping;
}

/** The function that consumes `queue`. */
export function consumerOf(stack: DeployedStack, queue: DeployedResource): DeployedResource {
  return stack.byLogicalId(referencedLogicalId(eventSourceMappingOf(stack, queue).properties.FunctionName)!);
}

/**
 * Pauses a queue's consumer (UpdateEventSourceMapping Enabled=false, as an
 * operator does) and waits until the mapping reports Disabled, so that what
 * reaches the queue stays there to be read.
 * https://docs.aws.amazon.com/lambda/latest/api/API_UpdateEventSourceMapping.html
 */
export async function pauseConsumer(stack: DeployedStack, queue: DeployedResource): Promise<string> {
  const uuid = eventSourceMappingOf(stack, queue).physicalId;
  await stack.clients.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
  const { State } = await pollUntil(
    () => stack.clients.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid })),
    (m) => m.State === 'Disabled',
    { description: `event source mapping ${uuid} disabled`, timeoutMs: 60_000, intervalMs: 1_000 },
  );
  return State!;
}

/**
 * The archive of a route: the one CloudFormation created, or, while the
 * emulator's CloudFormation cannot create AWS::Events::Archive (gap
 * cfn-events-archive, whose shim removes it from the template), the same
 * archive created through the EventBridge API from the synthesized
 * template's properties (name, source bus, pattern, retention, key).
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html
 */
export async function routeArchive(
  clients: AwsClients, synthesizedTemplateFile: string, createThroughApi: boolean,
): Promise<{ archive: DescribeArchiveCommandOutput; created: boolean; busName: string }> {
  const template = JSON.parse(fs.readFileSync(synthesizedTemplateFile, 'utf8'));
  const archives = Object.values<any>(template.Resources ?? {}).filter((r) => r.Type === 'AWS::Events::Archive');
  if (archives.length !== 1) {
    throw new Error(`expected one AWS::Events::Archive in ${synthesizedTemplateFile}, found ${archives.length}`);
  }
  const props = archives[0].Properties;
  const busId = referencedLogicalId(props.SourceArn);
  const busName: string | undefined = busId ? template.Resources[busId]?.Properties?.Name : undefined;
  if (!busName || typeof props.ArchiveName !== 'string') {
    throw new Error(`the archive of ${synthesizedTemplateFile} names no bus or has no ArchiveName: ${JSON.stringify(props)}`);
  }
  if (createThroughApi) {
    const { Arn } = await clients.eventbridge.send(new DescribeEventBusCommand({ Name: busName }));
    await clients.eventbridge.send(new CreateArchiveCommand({
      ArchiveName: props.ArchiveName,
      EventSourceArn: Arn,
      EventPattern: props.EventPattern === undefined ? undefined : JSON.stringify(props.EventPattern),
      RetentionDays: props.RetentionDays,
      Description: props.Description,
      KmsKeyIdentifier: props.KmsKeyIdentifier ? props.KmsKeyIdentifier : undefined,
    }));
  }
  const archive = await clients.eventbridge.send(new DescribeArchiveCommand({ ArchiveName: props.ArchiveName }));
  return { archive, created: createThroughApi, busName };
}

/** The state of each alarm, as CloudWatch describes it. */
export async function alarmStates(clients: AwsClients, names: string[]): Promise<Map<string, string>> {
  const { MetricAlarms = [] } = await clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names, MaxRecords: 100 }));
  return new Map(MetricAlarms.map((a) => [a.AlarmName!, a.StateValue!]));
}
