/**
 * One run against the emulator, shared by the integration suite (jest global
 * setup + one suite per example) and the demo: start the emulator, probe its
 * gaps (restarting it with the environment shims they need), then per example
 * synth → lint → bootstrap → template shims → `cdk deploy` → deployed shims.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { awsClients, AwsClients } from './aws';
import { AssemblyStack, assemblyStacks, bootstrap, deployAssembly, ProgressLog, synthExample } from './cdk';
import {
  Emulator, REPO_ROOT, ensureInstalled, resetEmulator, startEmulator, stopEmulator,
} from './emulator';
import { DeployedStack } from './stack';
import {
  applyDeployedShims, applyTemplateShims, emulatorShims, GapReport, probeGaps, verifyEmulatorShims,
} from '../gaps/runner';
import { ScenarioContext } from '../scenarios/scenario';

/** Every example app the suite and the demo deploy, in the order they run. */
export const EXAMPLES = ['order-processing', 'order-fanout', 'order-events', 'order-ledger'] as const;
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
  readonly emulator: Emulator;
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
    return { emulator, clients: awsClients(emulator.endpoint), gaps, runDir: dir };
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

export async function endSession(session: Session): Promise<void> {
  await stopEmulator(session.emulator);
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
}

/**
 * Deploys an example with the CDK CLI: bootstrap (unless done since the last
 * reset), template shims on a copy of the synthesized assembly, `cdk deploy`,
 * then the shims on the deployed stacks.
 */
export async function deployExample(
  session: Pick<Session, 'clients' | 'gaps' | 'runDir'>, name: string, options: { bootstrap: boolean; log?: ProgressLog },
): Promise<DeployedExample> {
  const log = options.log ?? stderrLog;
  const { dir: synthDir } = await synthesized(session.runDir, name, log);
  if (options.bootstrap) {
    await bootstrap(session.clients.endpoint, path.join(session.runDir, 'bootstrap'), log);
  }
  const deployDir = path.join(session.runDir, name, 'deploy');
  fs.rmSync(deployDir, { recursive: true, force: true });
  fs.cpSync(synthDir, deployDir, { recursive: true });
  const shims = applyTemplateShims(deployDir, session.gaps);
  shims.forEach((line) => log(`[${name}] ${line}`));
  await deployAssembly(session.clients.endpoint, exampleDir(name), deployDir, log);
  const stacks: DeployedStack[] = [];
  for (const stack of assemblyStacks(deployDir)) {
    const deployed = await DeployedStack.load(session.clients, stack);
    const applied = await applyDeployedShims(deployed, session.gaps);
    applied.forEach((line) => log(`[${name}] ${line}`));
    shims.push(...applied);
    stacks.push(deployed);
  }
  return { name, stacks, shims };
}

/** The context a scenario runs in on a deployed example; `runTag` distinguishes this run's messages. */
export function scenarioContext(
  session: Pick<Session, 'clients' | 'gaps'>, deployed: DeployedExample, log: ProgressLog, runTag: string,
): ScenarioContext {
  return { clients: session.clients, gaps: session.gaps, stacks: deployed.stacks, log, runTag };
}

/** Wipes the emulator between suites (the bootstrap stack included). */
export async function resetBetweenSuites(session: Pick<Session, 'clients'>): Promise<void> {
  await resetEmulator(session.clients.endpoint);
}
