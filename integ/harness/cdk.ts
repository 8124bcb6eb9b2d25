/**
 * The real CDK CLI (the project's `aws-cdk` devDependency) against the
 * suite's target (the emulator or an AWS account): synth of an example app,
 * bootstrap, deploy, destroy.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from './emulator';
import { Target, targetProcessEnv } from './target';

const CDK = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdk');

/** One stack of a synthesized cloud assembly. */
export interface AssemblyStack {
  /** Artifact id (the construct id of the stack). */
  readonly artifactId: string;
  readonly stackName: string;
  /** Absolute path of the template in the assembly. */
  readonly templateFile: string;
}

export interface ProgressLog {
  (line: string): void;
}

const stderrLog: ProgressLog = (line) => process.stderr.write(`${line}\n`);

/** The environment of a CDK CLI run against the target (none: a synth), without prompts or telemetry (targetProcessEnv). */
function cliEnv(target: Target | undefined): NodeJS.ProcessEnv {
  return targetProcessEnv(target, { extra: { CI: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' } });
}

/** Runs the CDK CLI; its output goes to `logFile`, and its tail into the error when it fails. */
async function runCdk(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string }): Promise<void> {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.openSync(options.logFile, 'a');
  fs.writeSync(log, `\n$ cdk ${args.join(' ')}   (cwd ${options.cwd})\n`);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(CDK, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', log, log] });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    if (code !== 0) {
      const tail = fs.readFileSync(options.logFile, 'utf8').split('\n').slice(-40).join('\n');
      throw new Error(`cdk ${args[0]} failed (exit ${code}); log ${options.logFile}:\n${tail}`);
    }
  } finally {
    fs.closeSync(log);
  }
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/** Reads the stacks of a cloud assembly folder. */
export function assemblyStacks(assemblyDir: string): AssemblyStack[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf8'));
  return Object.entries<any>(manifest.artifacts ?? {})
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([artifactId, artifact]) => ({
      artifactId,
      stackName: artifact.properties?.stackName ?? artifact.displayName ?? artifactId,
      templateFile: path.join(assemblyDir, artifact.properties.templateFile),
    }));
}

/**
 * `cdk synth` of the example app in `exampleDir` (its app command is in its
 * cdk.json) into `outDir`.
 */
export async function synthExample(exampleDir: string, outDir: string, log: ProgressLog = stderrLog): Promise<AssemblyStack[]> {
  const started = Date.now();
  const name = path.basename(exampleDir);
  log(`[cdk] synth ${name} …`);
  fs.rmSync(outDir, { recursive: true, force: true });
  await runCdk(['synth', '--quiet', '--no-notices', '--output', outDir], {
    cwd: exampleDir,
    env: cliEnv(undefined),
    logFile: `${outDir}.synth.log`,
  });
  const stacks = assemblyStacks(outDir);
  log(`[cdk] synth ${name}: ${stacks.map((s) => s.stackName).join(', ')} in ${seconds(started)}`);
  return stacks;
}

/**
 * `cdk bootstrap aws://ACCOUNT/REGION` of the target. It runs in `workDir`,
 * which has no cdk.json, so that no app is synthesized.
 */
export async function bootstrap(target: Target, workDir: string, log: ProgressLog = stderrLog): Promise<void> {
  const started = Date.now();
  fs.mkdirSync(workDir, { recursive: true });
  log(`[cdk] bootstrap aws://${target.account}/${target.region} …`);
  await runCdk(['bootstrap', `aws://${target.account}/${target.region}`, '--no-notices'], {
    cwd: workDir,
    env: cliEnv(target),
    logFile: path.join(workDir, 'bootstrap.log'),
  });
  log(`[cdk] bootstrap in ${seconds(started)}`);
}

/** The stack tag by which the suite knows the stacks it deployed (and destroys only those). */
export const SUITE_STACK_TAG = 'cdk-message-patterns:integ';

/**
 * `cdk deploy --require-approval never` of every stack of a synthesized
 * assembly (the example's own, after the template shims of integ/gaps/),
 * run from the example's folder, each stack tagged SUITE_STACK_TAG=`runTag`.
 */
export async function deployAssembly(
  target: Target, exampleDir: string, assemblyDir: string, runTag: string, log: ProgressLog = stderrLog,
): Promise<void> {
  const started = Date.now();
  const name = path.basename(exampleDir);
  log(`[cdk] deploy ${name} …`);
  await runCdk([
    'deploy', '--app', assemblyDir, '--all', '--require-approval', 'never', '--no-notices', '--progress', 'events',
    '--tags', `${SUITE_STACK_TAG}=${runTag}`,
  ], {
    cwd: exampleDir,
    env: cliEnv(target),
    logFile: `${assemblyDir}.deploy.log`,
  });
  log(`[cdk] deploy ${name} in ${seconds(started)}`);
}

/** `cdk destroy --force` of every stack of a deployed assembly, run from the example's folder. */
export async function destroyAssembly(target: Target, exampleDir: string, assemblyDir: string, log: ProgressLog = stderrLog): Promise<void> {
  const started = Date.now();
  const name = path.basename(exampleDir);
  log(`[cdk] destroy ${name} …`);
  await runCdk(['destroy', '--app', assemblyDir, '--all', '--force', '--no-notices'], {
    cwd: exampleDir,
    env: cliEnv(target),
    logFile: `${assemblyDir}.destroy.log`,
  });
  log(`[cdk] destroy ${name} in ${seconds(started)}`);
}
