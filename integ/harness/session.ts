/**
 * One run against the emulator, shared by the integration suite (jest global
 * setup + one suite per example) and the demo: start the emulator, probe its
 * gaps (restarting it with the environment shims they need), then per example
 * synth → lint → bootstrap → template shims → `cdk deploy` → deployed shims.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { awsClients, AwsClients } from './aws';
import {
  AssemblyStack, assemblyStacks, bootstrap, deployAssembly, destroyAssembly, ProgressLog, SUITE_STACK_TAG, synthExample,
} from './cdk';
import { deleteLeftovers, leftoversOf } from './cleanup';
import {
  awsEnv, Emulator, REPO_ROOT, ensureInstalled, resetEmulator, startEmulator, stopEmulator,
} from './emulator';
import { DeployedStack } from './stack';
import { resolveTarget } from './target';
import {
  applyDeployedShims, applyTemplateShims, emulatorShims, GapReport, noGaps, probeGaps, verifyEmulatorShims,
} from '../gaps/runner';
import { ScenarioContext } from '../scenarios/scenario';

/** Every example app the suite and the demo deploy, in the order they run. */
export const EXAMPLES = ['order-processing', 'order-fanout', 'order-events', 'order-ledger', 'order-enrichment'] as const;
export type ExampleName = typeof EXAMPLES[number];

export function exampleDir(name: string): string {
  return path.join(REPO_ROOT, 'examples', name);
}

/** Every example app folder of this checkout (one with a cdk.json), with or without a scenario. */
export function discoverExamples(): string[] {
  const root = path.join(REPO_ROOT, 'examples');
  return fs.readdirSync(root).filter((name) => fs.existsSync(path.join(root, name, 'cdk.json'))).sort();
}

/** True when the example app exists in this checkout (its cdk.json). */
export function exampleExists(name: string): boolean {
  return fs.existsSync(path.join(exampleDir(name), 'cdk.json'));
}

export const stderrLog: ProgressLog = (line) => process.stderr.write(`${line}\n`);

export interface Session {
  /** The emulator the session started; none when it runs against an AWS account. */
  readonly emulator?: Emulator;
  readonly clients: AwsClients;
  readonly gaps: GapReport;
  /** Scratch folder of the run: synthesized assemblies, CLI logs. */
  readonly runDir: string;
}

/**
 * Installs (if needed) and starts the emulator, probes its gaps, restarts it
 * with the environment shims the probes call for, and resets it.
 */
export async function startSession(log: ProgressLog = stderrLog, runDir?: string): Promise<Session> {
  const dir = runDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-message-patterns-run-'));
  ensureInstalled();
  let emulator = await startEmulator();
  try {
    const started = Date.now();
    log('[gaps] probing the emulator …');
    let gaps = await probeGaps(awsClients(emulator.endpoint));
    const shims = emulatorShims(gaps);
    if (Object.keys(shims.env).length > 0 || shims.preamble.length > 0) {
      const what = [...Object.keys(shims.env), ...(shims.preamble.length ? [`${shims.preamble.length} Python patch(es)`] : [])];
      log(`[gaps] restarting the emulator with ${what.join(', ')} (shims)`);
      await stopEmulator(emulator);
      emulator = await startEmulator({ extraEnv: shims.env, preamble: shims.preamble });
      gaps = await verifyEmulatorShims(awsClients(emulator.endpoint), gaps);
    }
    await resetEmulator(emulator.endpoint);
    log(`[gaps] probed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // The target is resolved as integ:aws resolves an account's (STS GetCallerIdentity), from the emulator's settings.
    const target = await resolveTarget('emulator', awsEnv(emulator.endpoint));
    return { emulator, clients: awsClients(target), gaps, runDir: dir };
  } catch (error) {
    await stopEmulator(emulator);
    throw error;
  }
}

/**
 * A second emulator that evaluates IAM and resource policies (MiniStack's AUTH=true), over TLS
 * (USE_SSL=1: the library's queues and topics deny requests without aws:SecureTransport, and so
 * does the bootstrap bucket), with the environment shims of `gaps`. It deploys from the main run's
 * folder (its synthesized assemblies); stop it with stopEmulator.
 */
export async function startPermissionsSession(gaps: GapReport, runDir: string, log: ProgressLog = stderrLog): Promise<Session> {
  const shims = emulatorShims(gaps);
  const emulator = await startEmulator({ extraEnv: { ...shims.env, AUTH: 'true', USE_SSL: '1' }, preamble: shims.preamble });
  log(`[permissions] emulator evaluating policies (AUTH=true) over TLS on ${emulator.endpoint}`);
  return { emulator, clients: awsClients(emulator.endpoint), gaps, runDir };
}

/**
 * A run against the AWS account and region of the caller's credentials (AWS_PROFILE or
 * AWS_ACCESS_KEY_ID..., AWS_REGION; AWS_ENDPOINT_URL for another AWS-compatible endpoint): no
 * emulator, no probe, no shim, every check run.
 */
export async function startAwsSession(): Promise<Session> {
  ensureInstalled(); // cfn-lint, for the lint suite
  const target = await resolveTarget('aws', process.env);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-message-patterns-aws-'));
  return { clients: awsClients(target), gaps: noGaps('not probed: the target is an AWS account'), runDir: dir };
}

export async function endSession(session: Session): Promise<void> {
  if (session.emulator) {
    await stopEmulator(session.emulator);
  }
  if (!process.env.KEEP_EMULATOR_LOGS) {
    fs.rmSync(session.runDir, { recursive: true, force: true });
  }
}

/** The example's synthesized assembly, synthesized once per run (later calls reuse it). */
export async function synthesized(runDir: string, name: string, log: ProgressLog = stderrLog): Promise<{ dir: string; stacks: AssemblyStack[] }> {
  const dir = path.join(runDir, name, 'synth');
  if (fs.existsSync(path.join(dir, 'manifest.json'))) {
    return { dir, stacks: assemblyStacks(dir) };
  }
  const stacks = await synthExample(exampleDir(name), dir, log);
  return { dir, stacks };
}

export interface DeployedExample {
  readonly name: string;
  readonly stacks: DeployedStack[];
  /** Shims applied to this example (one line each). */
  readonly shims: string[];
  /** The assembly deployed (after the template shims), which `cdk destroy` reads. */
  readonly assemblyDir: string;
}

/** The stack's status and the value of its SUITE_STACK_TAG, or undefined when there is no such stack. */
async function existingStack(clients: AwsClients, stackName: string): Promise<{ status: string; suiteTag?: string } | undefined> {
  try {
    const { Stacks = [] } = await clients.cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks.find((s) => s.StackStatus !== 'DELETE_COMPLETE');
    return stack ? { status: stack.StackStatus!, suiteTag: stack.Tags?.find((t) => t.Key === SUITE_STACK_TAG)?.Value } : undefined;
  } catch (error) {
    if (/does not exist/.test((error as Error).message)) {
      return undefined;
    }
    throw error;
  }
}

/** True when the target's account and region have the CDK's bootstrap stack (CDKToolkit). */
export async function isBootstrapped(clients: AwsClients): Promise<boolean> {
  const stack = await existingStack(clients, 'CDKToolkit');
  return stack !== undefined && ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE'].includes(stack.status);
}

/**
 * Refuses to deploy over a stack this suite did not deploy: on a real account a stack named
 * like an example's (OrderProcessing, ...) may be someone's, and the suite destroys what it
 * deploys. A stack tagged SUITE_STACK_TAG is one a previous run left: deployed over.
 */
async function assertStacksOurs(clients: AwsClients, stacks: readonly AssemblyStack[]): Promise<void> {
  for (const stack of stacks) {
    const existing = await existingStack(clients, stack.stackName);
    if (existing && existing.suiteTag === undefined) {
      throw new Error(`a stack named ${stack.stackName} exists in account ${clients.target.account}, region ${clients.target.region} `
        + `(${existing.status}) without the tag ${SUITE_STACK_TAG}: the suite did not deploy it and will not replace or delete it; `
        + 'remove it, or run the suite in another region');
    }
  }
}

/**
 * Deploys an example with the CDK CLI: bootstrap (when the account has no
 * CDKToolkit stack), template shims on a copy of the synthesized assembly,
 * `cdk deploy` with the suite's stack tag, then the shims on the deployed
 * stacks. Refuses a stack of the same name that the suite did not deploy.
 */
export async function deployExample(
  session: Pick<Session, 'clients' | 'gaps' | 'runDir'>, name: string, options: { log?: ProgressLog } = {},
): Promise<DeployedExample> {
  const log = options.log ?? stderrLog;
  const { dir: synthDir, stacks: synthStacks } = await synthesized(session.runDir, name, log);
  await assertStacksOurs(session.clients, synthStacks);
  if (!await isBootstrapped(session.clients)) {
    await bootstrap(session.clients.target, path.join(session.runDir, 'bootstrap'), log);
  }
  const deployDir = path.join(session.runDir, name, 'deploy');
  fs.rmSync(deployDir, { recursive: true, force: true });
  fs.cpSync(synthDir, deployDir, { recursive: true });
  const shims = applyTemplateShims(deployDir, session.gaps);
  shims.forEach((line) => log(`[${name}] ${line}`));
  // The tag's value names the run (its scratch folder), for whoever finds a stack a failed run left.
  await deployAssembly(session.clients.target, exampleDir(name), deployDir, path.basename(session.runDir), log);
  const stacks: DeployedStack[] = [];
  for (const stack of assemblyStacks(deployDir)) {
    const deployed = await DeployedStack.load(session.clients, stack);
    const applied = await applyDeployedShims(deployed, session.gaps);
    applied.forEach((line) => log(`[${name}] ${line}`));
    shims.push(...applied);
    stacks.push(deployed);
  }
  return { name, stacks, shims, assemblyDir: deployDir };
}

/**
 * `cdk destroy` of a deployed example, then the deletion of what its stacks
 * leave behind (integ/harness/cleanup.ts), one line each.
 */
export async function destroyExample(
  session: Pick<Session, 'clients'>, deployed: DeployedExample, log: ProgressLog = stderrLog,
): Promise<void> {
  const leftovers = deployed.stacks.flatMap(leftoversOf);
  await destroyAssembly(session.clients.target, exampleDir(deployed.name), deployed.assemblyDir, log);
  for (const stack of deployed.stacks) {
    if (await existingStack(session.clients, stack.stackName)) {
      throw new Error(`${stack.stackName} still exists after cdk destroy`);
    }
  }
  for (const line of await deleteLeftovers(session.clients, leftovers)) {
    log(`[${deployed.name}] after the destroy: ${line}`);
  }
}

/** The context a scenario runs in on a deployed example; `runTag` distinguishes this run's messages. */
export function scenarioContext(
  session: Pick<Session, 'clients' | 'gaps'>, deployed: DeployedExample, log: ProgressLog, runTag: string,
): ScenarioContext {
  return { clients: session.clients, gaps: session.gaps, stacks: deployed.stacks, log, runTag };
}

/**
 * Wipes the emulator between suites (the bootstrap stack included), so that each suite starts
 * from an empty account whatever the last one left; on AWS nothing is wiped (each suite destroys
 * what it deployed).
 */
export async function resetBetweenSuites(session: Pick<Session, 'clients'>): Promise<void> {
  if (session.clients.target.kind === 'emulator') {
    await resetEmulator(session.clients.endpoint);
  }
}
