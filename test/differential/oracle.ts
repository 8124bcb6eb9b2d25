/**
 * Client of the event-ruler oracle (test/differential/event-ruler): builds it
 * with Maven on first use (event-ruler is downloaded from Maven Central into
 * ~/.m2, nothing of it is committed) and asks it for verdicts.
 */
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const ORACLE_DIR = path.join(__dirname, 'event-ruler');
const JAR = path.join(ORACLE_DIR, 'target', 'event-ruler-oracle.jar');
const LIB = path.join(ORACLE_DIR, 'target', 'lib');
const LOCK = path.join(ORACLE_DIR, '.build-lock');

/** Set to `skip` to skip the differential tests on a machine without Java and Maven (CI always runs them). */
export const SKIP_VARIABLE = 'ROUTING_DIFFERENTIAL';

/** Whether the differential tests should be skipped on this machine. */
export function differentialSkipped(): boolean {
  return process.env[SKIP_VARIABLE] === 'skip';
}

function newestSource(): number {
  const files = [path.join(ORACLE_DIR, 'pom.xml')];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else {
        files.push(full);
      }
    }
  };
  walk(path.join(ORACLE_DIR, 'src'));
  return Math.max(...files.map((f) => fs.statSync(f).mtimeMs));
}

function upToDate(): boolean {
  return fs.existsSync(JAR) && fs.existsSync(LIB) && fs.statSync(JAR).mtimeMs >= newestSource();
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds the oracle with `mvn -q -B package` unless its jar is newer than its
 * sources; returns the Java class path. Test files running in parallel wait
 * for one another through a lock directory.
 */
export function buildOracle(): string {
  for (const tool of ['java', 'mvn']) {
    const probe = spawnSync(tool, ['-version'], { stdio: 'ignore' });
    if (probe.error !== undefined) {
      throw new Error(`the routing differential tests need ${tool} (Java 11+ and Maven) on the PATH to run event-ruler; `
        + `install them, or set ${SKIP_VARIABLE}=skip to skip these tests on this machine`);
    }
  }
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch {
      // A lock left by a build that was killed is stale after 15 minutes (a build takes about one).
      if (fs.existsSync(LOCK) && Date.now() - fs.statSync(LOCK).mtimeMs > 15 * 60_000) {
        fs.rmdirSync(LOCK);
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${LOCK}; remove it if no build is running`);
      }
      sleep(500);
    }
  }
  try {
    if (!upToDate()) {
      execFileSync('mvn', ['-q', '-B', 'package'], { cwd: ORACLE_DIR, stdio: ['ignore', 'ignore', 'pipe'], timeout: 10 * 60_000 });
    }
  } finally {
    fs.rmdirSync(LOCK);
  }
  return `${JAR}${path.delimiter}${path.join(LIB, '*')}`;
}

const MAIN = 'dev.cdkmessagepatterns.differential.Main';

/** event-ruler's verdicts ("true", "false" or "error:...") for many pairs, in one JVM. */
export function oracleVerdicts(classPath: string, pairs: readonly unknown[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', ['-Xss8m', '-cp', classPath, MAIN], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`event-ruler oracle exited with ${code}: ${Buffer.concat(err).toString()}`));
        return;
      }
      const lines = Buffer.concat(out).toString('utf8').split('\n').filter((l) => l !== '');
      if (lines.length !== pairs.length) {
        reject(new Error(`event-ruler oracle answered ${lines.length} of ${pairs.length} pairs`));
        return;
      }
      resolve(lines);
    });
    child.stdin.end(pairs.map((p) => JSON.stringify(p)).join('\n') + '\n');
  });
}

/** Runs the oracle's benchmark mode on a corpus file; returns its JSON report. */
export function oracleBenchmark(
  classPath: string, corpusFile: string, seconds: number,
): { perSecond: number; evaluations: number; matchedPerPass: number } {
  const output = execFileSync('java', ['-cp', classPath, MAIN, 'bench', corpusFile, String(seconds)], { encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').pop()!);
}

/** A long-running oracle answering one pair at a time (used while shrinking a counterexample). */
export class OracleSession {
  private readonly child;
  private buffer = '';
  private readonly waiting: ((line: string) => void)[] = [];

  constructor(classPath: string) {
    this.child = spawn('java', ['-Xss8m', '-cp', classPath, MAIN], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      let newline = this.buffer.indexOf('\n');
      while (newline >= 0) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        this.waiting.shift()?.(line);
        newline = this.buffer.indexOf('\n');
      }
    });
  }

  /** event-ruler's verdict for one pair. */
  public ask(pair: unknown): Promise<string> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(JSON.stringify(pair) + '\n');
    });
  }

  public close(): void {
    this.child.stdin.end();
  }
}
