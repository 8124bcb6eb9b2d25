/**
 * The local AWS emulator (MiniStack) used by the integration suite and the
 * demo: installed into the repository's Python virtual environment (`.venv/`,
 * git-ignored) with pinned versions, started on a free loopback port, reset
 * between suites and stopped at the end.
 *
 * Command line (`npx ts-node integ/harness/emulator.ts <command>`):
 * - `install`: create or update `.venv/` (fast when already up to date);
 * - `start`: start an emulator in the background and print its endpoint;
 * - `stop`: stop the emulator started by `start`;
 * - `reset`: wipe the state of the running emulator;
 * - `status`: print the endpoint and health of the running emulator.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** The Python virtual environment holding ministack and cfn-lint. */
export const VENV_DIR = path.join(REPO_ROOT, '.venv');
/** The pinned Python requirements of the emulator and cfn-lint. */
const REQUIREMENTS = path.join(REPO_ROOT, 'scripts', 'emulator-requirements.txt');
const INSTALLED_MARKER = path.join(VENV_DIR, '.emulator-requirements.sha256');
const STATE_FILE = path.join(VENV_DIR, 'emulator-state.json');

/** The account, region and credentials the emulator accepts. */
export const EMULATOR_ACCOUNT = '000000000000';
export const EMULATOR_REGION = 'us-east-1';
export const EMULATOR_SECRET = 'test';

/** A running emulator. */
export interface Emulator {
  /** The gateway URL, for example http://127.0.0.1:45123. */
  readonly endpoint: string;
  readonly port: number;
  /** Process id of the emulator; it leads its own process group (its Lambda workers included). */
  readonly pid: number;
  /** Emulator output (and that of the Lambda functions it runs). */
  readonly logFile: string;
  /** Scratch folder of this emulator (Lambda code, S3 data); removed at stop. */
  readonly workDir: string;
  /** Extra environment the emulator was started with (shims), for the report. */
  readonly extraEnv: Record<string, string>;
  /** Python run before the emulator started (shims), for the report. */
  readonly preamble: string[];
  /** With TLS (USE_SSL=1 in extraEnv): the emulator's self-signed certificate, which its clients must trust. */
  readonly caBundle?: string;
}

export interface StartOptions {
  /** Environment added to the emulator's (see integ/gaps/ for the shims that use it). */
  readonly extraEnv?: Record<string, string>;
  /** Python run in the emulator process before the emulator starts (see integ/gaps/). */
  readonly preamble?: string[];
  /** Keep the emulator running when this process exits (the `start` command). */
  readonly detached?: boolean;
  /** Health wait, in milliseconds. */
  readonly healthTimeoutMs?: number;
}

/** One progress line on stderr, so that it interleaves with jest's output. */
export function progress(message: string): void {
  process.stderr.write(`[emulator] ${message}\n`);
}

function venvBin(name: string): string {
  return path.join(VENV_DIR, 'bin', name);
}

/** Path of an executable installed in the virtual environment (ministack, cfn-lint). */
export function venvExecutable(name: string): string {
  return venvBin(name);
}

function findPython(): string {
  const candidates = [process.env.PYTHON, 'python3', 'python'].filter((c): c is string => !!c);
  for (const candidate of candidates) {
    try {
      const version = execFileSync(candidate, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      const [major, minor] = version.split('.').map(Number);
      if (major === 3 && minor >= 10) {
        return candidate;
      }
    } catch {
      // try the next candidate
    }
  }
  throw new Error('Python 3.10 or newer is needed for the local AWS emulator (set PYTHON to its path).');
}

/**
 * Creates `.venv/` and installs the pinned emulator requirements into it.
 * Idempotent: when the requirements file has not changed since the last
 * install, it only reads one marker file.
 */
export function ensureInstalled(): void {
  const requirements = fs.readFileSync(REQUIREMENTS, 'utf8');
  const digest = createHash('sha256').update(requirements).digest('hex');
  if (fs.existsSync(INSTALLED_MARKER) && fs.readFileSync(INSTALLED_MARKER, 'utf8').trim() === digest
    && fs.existsSync(venvBin('python'))) {
    return;
  }
  const started = Date.now();
  if (!fs.existsSync(venvBin('python'))) {
    const python = findPython();
    progress(`creating the Python virtual environment ${path.relative(REPO_ROOT, VENV_DIR)}/ with ${python}`);
    execFileSync(python, ['-m', 'venv', VENV_DIR], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  progress('installing the pinned emulator requirements (ministack, cfn-lint) from PyPI');
  execFileSync(venvBin('python'), [
    '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', '-r', REQUIREMENTS,
  ], { stdio: ['ignore', 'inherit', 'inherit'] });
  fs.writeFileSync(INSTALLED_MARKER, `${digest}\n`);
  progress(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The installed ministack version. */
export function emulatorVersion(): string {
  return execFileSync(venvBin('python'), ['-c', 'import importlib.metadata as m; print(m.version("ministack"))'], {
    encoding: 'utf8',
  }).trim();
}

/** A TCP port free on 127.0.0.1 at the time of the call. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The self-signed certificates of the emulators that serve TLS (USE_SSL=1), by endpoint. */
const CA_BUNDLES = new Map<string, string>();

/** The certificate a client of the emulator at `endpoint` must trust, when it serves TLS. */
export function caBundle(endpoint: string): string | undefined {
  return CA_BUNDLES.get(endpoint);
}

/** One request to the emulator's own API (`/_ministack/...`); resolves with the HTTP status. */
function emulatorRequest(endpoint: string, route: string, options: { method?: string; timeoutMs: number; ca?: string }): Promise<number> {
  const url = new URL(route, endpoint);
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: options.method ?? 'GET',
      timeout: options.timeoutMs,
      ...(options.ca ? { ca: fs.readFileSync(options.ca) } : {}),
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} in ${options.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** True when the emulator answers its health check (`ca`: the certificate to trust, for TLS). */
export async function isHealthy(endpoint: string, ca: string | undefined = caBundle(endpoint)): Promise<boolean> {
  try {
    if (endpoint.startsWith('https:') && (!ca || !fs.existsSync(ca))) {
      return false; // the emulator writes its certificate as it starts
    }
    const status = await emulatorRequest(endpoint, '/_ministack/health', { timeoutMs: 2_000, ca });
    return status >= 200 && status < 300;
  } catch {
    return false;
  }
}

/**
 * The environment of the emulator process. It is built from scratch rather
 * than inherited: the emulator passes its environment on to the Lambda
 * functions it runs, which must not see the caller's credentials or tooling.
 */
function emulatorEnv(port: number, workDir: string, extraEnv: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH, // `node` runs the Node.js Lambda functions
    HOME: process.env.HOME,
    LANG: process.env.LANG ?? 'C.UTF-8',
    TMPDIR: workDir, // Lambda code, pid file
    GATEWAY_PORT: String(port),
    BIND_HOST: '127.0.0.1', // loopback only (the default is every interface)
    MINISTACK_REGION: EMULATOR_REGION,
    PERSIST_STATE: '0',
    S3_PERSIST: '0',
    S3_DATA_DIR: path.join(workDir, 's3'),
    STATE_DIR: path.join(workDir, 'state'),
    LAMBDA_EXECUTOR: 'local', // Node.js processes, no Docker
    LOG_LEVEL: process.env.MINISTACK_LOG_LEVEL ?? 'INFO',
    AWS_ACCESS_KEY_ID: EMULATOR_ACCOUNT,
    AWS_SECRET_ACCESS_KEY: EMULATOR_SECRET,
    ...extraEnv,
  };
}

/** Starts the emulator on a free loopback port and waits for its health check. */
export async function startEmulator(options: StartOptions = {}): Promise<Emulator> {
  ensureInstalled();
  const extraEnv = options.extraEnv ?? {};
  const preamble = options.preamble ?? [];
  // `python -m ministack`, or the same after the preamble when there is one.
  const args = preamble.length === 0 ? ['-m', 'ministack']
    : ['-c', [...preamble, 'import runpy', "runpy.run_module('ministack', run_name='__main__', alter_sys=True)"].join('\n')];
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    const port = await freeLoopbackPort();
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-message-patterns-emulator-'));
    const logFile = path.join(workDir, 'ministack.log');
    const log = fs.openSync(logFile, 'a');
    const child: ChildProcess = spawn(venvBin('python'), args, {
      cwd: workDir,
      env: emulatorEnv(port, workDir, extraEnv),
      detached: true, // own process group: stopping it stops its Lambda workers too
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    // With USE_SSL=1 the emulator serves HTTPS only, with a self-signed certificate it writes into its TMPDIR.
    const tls = extraEnv.USE_SSL === '1';
    const emulator: Emulator = {
      endpoint: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
      port,
      pid: child.pid!,
      logFile,
      workDir,
      extraEnv,
      preamble,
      ...(tls ? { caBundle: path.join(workDir, 'ministack-tls', 'server.crt') } : {}),
    };
    let exited = false;
    child.on('exit', () => { exited = true; });
    if (options.detached) {
      child.unref();
    } else {
      trackForExit(emulator);
    }
    const deadline = Date.now() + (options.healthTimeoutMs ?? 60_000);
    while (!exited && Date.now() < deadline) {
      if (await isHealthy(emulator.endpoint, emulator.caBundle)) {
        if (emulator.caBundle) {
          CA_BUNDLES.set(emulator.endpoint, emulator.caBundle);
        }
        progress(`ministack ${emulatorVersion()} listening on ${emulator.endpoint} (pid ${emulator.pid}, `
          + `started in ${((Date.now() - started) / 1000).toFixed(1)} s, log ${logFile})`);
        if (options.detached) {
          fs.writeFileSync(STATE_FILE, JSON.stringify(emulator, undefined, 2));
        }
        return emulator;
      }
      await sleep(250);
    }
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
    await stopEmulator(emulator);
    if (exited && attempt < 3 && /already in use/.test(tail)) {
      continue; // lost the port to another process between the probe and the bind
    }
    throw new Error(`the emulator did not become healthy on ${emulator.endpoint}; its last output:\n${tail}`);
  }
}

const tracked = new Map<number, Emulator>();
let exitHookInstalled = false;

/** Stops a tracked emulator if this process exits without stopping it (crash, Ctrl-C). */
function trackForExit(emulator: Emulator): void {
  tracked.set(emulator.pid, emulator);
  if (exitHookInstalled) {
    return;
  }
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const e of tracked.values()) {
      killGroup(e.pid, 'SIGKILL');
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const e of tracked.values()) {
        killGroup(e.pid, 'SIGKILL');
      }
      process.exit(130);
    });
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the emulator and its Lambda workers (its process group), then removes its scratch folder. */
export async function stopEmulator(emulator: Emulator): Promise<void> {
  tracked.delete(emulator.pid);
  CA_BUNDLES.delete(emulator.endpoint);
  if (killGroup(emulator.pid, 'SIGTERM')) {
    const deadline = Date.now() + 10_000;
    while (isAlive(emulator.pid) && Date.now() < deadline) {
      await sleep(100);
    }
    killGroup(emulator.pid, 'SIGKILL');
  }
  if (process.env.KEEP_EMULATOR_LOGS) {
    progress(`stopped ${emulator.endpoint}; log kept at ${emulator.logFile}`);
  } else {
    fs.rmSync(emulator.workDir, { recursive: true, force: true });
    progress(`stopped ${emulator.endpoint}`);
  }
}

/** Wipes every resource of the emulator (`POST /_ministack/reset`). */
export async function resetEmulator(endpoint: string): Promise<void> {
  const status = await emulatorRequest(endpoint, '/_ministack/reset', { method: 'POST', timeoutMs: 30_000, ca: caBundle(endpoint) });
  if (status < 200 || status >= 300) {
    throw new Error(`reset of ${endpoint} failed: HTTP ${status}`);
  }
}

/** The environment for AWS tools (CDK CLI, AWS SDK) talking to the emulator. */
export function awsEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: EMULATOR_ACCOUNT,
    AWS_SECRET_ACCESS_KEY: EMULATOR_SECRET,
    AWS_REGION: EMULATOR_REGION,
    AWS_DEFAULT_REGION: EMULATOR_REGION,
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    // The CDK CLI and the SDK trust the certificate of an emulator that serves TLS through AWS_CA_BUNDLE.
    ...(caBundle(endpoint) ? { AWS_CA_BUNDLE: caBundle(endpoint)! } : {}),
  };
}

function readState(): Emulator | undefined {
  return fs.existsSync(STATE_FILE) ? JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) : undefined;
}

async function main(command: string | undefined): Promise<void> {
  switch (command) {
    case 'install':
      ensureInstalled();
      progress(`ministack ${emulatorVersion()} and cfn-lint ready in ${path.relative(REPO_ROOT, VENV_DIR)}/`);
      return;
    case 'start': {
      const running = readState();
      if (running && await isHealthy(running.endpoint)) {
        progress(`already running on ${running.endpoint} (pid ${running.pid})`);
      } else {
        await startEmulator({ detached: true });
      }
      console.log(readState()!.endpoint);
      return;
    }
    case 'stop': {
      const running = readState();
      if (running) {
        await stopEmulator(running);
        fs.rmSync(STATE_FILE, { force: true });
      } else {
        progress('no emulator started by this script is running');
      }
      return;
    }
    case 'reset': {
      const running = readState();
      if (!running) {
        throw new Error('no emulator started by this script is running');
      }
      await resetEmulator(running.endpoint);
      progress(`reset ${running.endpoint}`);
      return;
    }
    case 'status': {
      const running = readState();
      const healthy = running ? await isHealthy(running.endpoint) : false;
      console.log(running ? `${running.endpoint} (pid ${running.pid}): ${healthy ? 'healthy' : 'not answering'}` : 'not running');
      return;
    }
    default:
      throw new Error('usage: ts-node integ/harness/emulator.ts install|start|stop|reset|status');
  }
}

if (require.main === module) {
  main(process.argv[2]).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
