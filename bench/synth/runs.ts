/**
 * The synth runs of the benchmark: each synth in a fresh process (./worker.ts),
 * what its template holds (resources, bytes, fixed monthly cost), the timed
 * runs of every version of a pattern, and the largest number of instances
 * that fits in one CloudFormation stack.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PackName } from './packs';
import { PatternBench, Variant, VARIANTS } from './patterns';
import { fixedMonthlyCost, FixedCost } from './prices';
import type { WorkerResult } from './worker';

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const WORKER = path.join(__dirname, 'worker.ts');
/** CloudFormation's limits for one stack: resources, and template size (S3 upload). */
export const MAX_RESOURCES = 500;
export const MAX_TEMPLATE_BYTES = 1024 * 1024;

/** The median of `values`. */
export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-message-patterns-bench-'));
let runSequence = 0;

/**
 * Runs one synth in a fresh process; `unlimited` turns aws-cdk-lib's 500-resource check off; `packs` are the
 * validation packs registered on the app.
 */
export function synthOnce(pattern: string, variant: Variant, count: number, unlimited = false, packs: readonly PackName[] = []): WorkerResult {
  const id = `${pattern}-${variant}-${count}-${packs.join('+') || 'nopack'}-${runSequence++}`;
  const outdir = path.join(scratch, id);
  const resultFile = path.join(scratch, `${id}.json`);
  const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', WORKER, pattern, variant, String(count), outdir, resultFile,
    ...(unlimited ? ['unlimited'] : []), ...(packs.length ? [`packs=${packs.join(',')}`] : [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, TS_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.dev.json') },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0 || !fs.existsSync(resultFile)) {
    throw new Error(`synth of ${id} failed (exit ${child.status}):\n${child.stderr}`);
  }
  return JSON.parse(fs.readFileSync(resultFile, 'utf8'));
}

export interface TemplateFigures {
  readonly resources: number;
  readonly templateBytes: number;
  readonly monthlyCost: FixedCost;
  readonly resourceTypes: Record<string, number>;
}

export function templateFigures(templateFile: string): TemplateFigures {
  const text = fs.readFileSync(templateFile, 'utf8');
  const template = JSON.parse(text);
  const resourceTypes: Record<string, number> = {};
  for (const resource of Object.values<any>(template.Resources ?? {})) {
    resourceTypes[resource.Type] = (resourceTypes[resource.Type] ?? 0) + 1;
  }
  return {
    resources: Object.keys(template.Resources ?? {}).length,
    templateBytes: Buffer.byteLength(text),
    monthlyCost: fixedMonthlyCost(template),
    resourceTypes,
  };
}

export interface Measurement extends TemplateFigures {
  readonly pattern: string;
  readonly variant: Variant;
  readonly count: number;
  /** Median of the measured runs. */
  readonly synthMs: number;
  readonly appSynthMs: number;
  readonly peakMemoryMb: number;
  readonly synthMsRuns: number[];
  readonly peakMemoryMbRuns: number[];
}

/** Warm-up, then `runs` measured synths of every version, interleaved so that drift hits all alike. */
export function measure(pattern: PatternBench, count: number, runs: number): Measurement[] {
  const results = new Map<Variant, WorkerResult[]>(VARIANTS.map((v) => [v, []]));
  for (let run = -1; run < runs; run++) {
    for (const variant of VARIANTS) {
      const result = synthOnce(pattern.name, variant, count, true);
      if (result.error) {
        throw new Error(`${pattern.name} ${variant} ×${count}: ${result.error}`);
      }
      if (run >= 0) {
        results.get(variant)!.push(result);
      }
    }
  }
  return VARIANTS.map((variant) => {
    const measured = results.get(variant)!;
    return {
      pattern: pattern.name,
      variant,
      count,
      synthMs: median(measured.map((r) => r.synthMs)),
      appSynthMs: median(measured.map((r) => r.appSynthMs)),
      peakMemoryMb: median(measured.map((r) => r.peakMemoryMb)),
      synthMsRuns: measured.map((r) => Math.round(r.synthMs)),
      peakMemoryMbRuns: measured.map((r) => Math.round(r.peakMemoryMb)),
      ...templateFigures(measured[measured.length - 1].templateFile!),
    };
  });
}

// ---------------------------------------------------------------------------
// Largest N in one stack

export interface StackLimit {
  readonly pattern: string;
  readonly variant: Variant;
  readonly maxInstances: number;
  /** The limit met by one more instance. */
  readonly boundBy: string;
  readonly resourcesAtMax: number;
  readonly templateBytesAtMax: number;
}

function fits(pattern: string, variant: Variant, count: number): { fits: boolean; reason: string; figures?: TemplateFigures } {
  const result = synthOnce(pattern, variant, count);
  if (result.error) {
    // aws-cdk-lib refuses to synthesize a stack over the resource limit.
    if (/resources/i.test(result.error) && /500/.test(result.error)) {
      return { fits: false, reason: `${MAX_RESOURCES} resources` };
    }
    throw new Error(`${pattern} ${variant} ×${count}: ${result.error}`);
  }
  const figures = templateFigures(result.templateFile!);
  if (figures.resources > MAX_RESOURCES) {
    return { fits: false, reason: `${MAX_RESOURCES} resources`, figures };
  }
  if (figures.templateBytes > MAX_TEMPLATE_BYTES) {
    return { fits: false, reason: '1 MiB template', figures };
  }
  return { fits: true, reason: '', figures };
}

/** The largest N that fits, predicted from the linear growth seen at N = 1 and 10, then confirmed by synthesizing N and N + 1. */
export function stackLimit(pattern: string, variant: Variant, one: TemplateFigures, ten: TemplateFigures): StackLimit {
  const perResources = (ten.resources - one.resources) / 9;
  const perBytes = (ten.templateBytes - one.templateBytes) / 9;
  let guess = Math.max(1, Math.min(
    Math.floor((MAX_RESOURCES - (one.resources - perResources)) / perResources),
    Math.floor((MAX_TEMPLATE_BYTES - (one.templateBytes - perBytes)) / perBytes),
  ));
  for (let attempt = 0; attempt < 20; attempt++) {
    const atGuess = fits(pattern, variant, guess);
    if (!atGuess.fits) {
      guess--;
      continue;
    }
    const beyond = fits(pattern, variant, guess + 1);
    if (beyond.fits) {
      guess++;
      continue;
    }
    return {
      pattern,
      variant,
      maxInstances: guess,
      boundBy: beyond.reason,
      resourcesAtMax: atGuess.figures!.resources,
      templateBytesAtMax: atGuess.figures!.templateBytes,
    };
  }
  throw new Error(`no stable stack limit found for ${pattern} ${variant} near ${guess}`);
}

/** The template of one synth (not timed). */
export function synthOnceTemplate(pattern: string, variant: Variant, count: number): string {
  const result = synthOnce(pattern, variant, count);
  if (result.error) {
    throw new Error(`${pattern} ${variant} ×${count}: ${result.error}`);
  }
  return result.templateFile!;
}

/** Removes the synthesized apps of this run. */
export function removeScratch(): void {
  fs.rmSync(scratch, { recursive: true, force: true });
}
