/**
 * One measured synth, in a process of its own: builds `count` instances of a
 * pattern in one version, synthesizes the app, and writes what it measured as
 * JSON to `resultFile`:
 *
 *   worker.ts <pattern> <variant> <count> <outdir> <resultFile> [unlimited]
 *
 * With `unlimited`, aws-cdk-lib's check of CloudFormation's 500-resource limit
 * is turned off, so that the synth cost of N instances can be measured where
 * they would need more than one stack.
 *
 * The time runs from before aws-cdk-lib (and the library, or Solutions
 * Constructs) is loaded to the end of `app.synth()`: what a `cdk synth` of
 * such an app spends on them, without Node.js's own start-up. Peak memory is
 * the process's maximum resident set size.
 */
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { pattern, Variant } from './patterns';

export interface WorkerResult {
  /** Load, build and synth, in milliseconds. */
  readonly synthMs: number;
  /** Of which `app.synth()`, in milliseconds. */
  readonly appSynthMs: number;
  /** Maximum resident set size of the process, in MiB. */
  readonly peakMemoryMb: number;
  /** The synthesized template, or why there is none. */
  readonly templateFile?: string;
  readonly error?: string;
}

async function main(): Promise<void> {
  const [name, variant, count, outdir, resultFile, limit] = process.argv.slice(2);
  const started = performance.now();
  let result: WorkerResult;
  try {
    const { App, Stack } = await import('aws-cdk-lib');
    const app = new App({ outdir, context: limit === 'unlimited' ? { '@aws-cdk/core:stackResourceLimit': 0 } : {} });
    const stack = new Stack(app, 'Bench');
    await pattern(name).builds[variant as Variant](stack, Number(count));
    const built = performance.now();
    const assembly = app.synth();
    const done = performance.now();
    result = {
      synthMs: done - started,
      appSynthMs: done - built,
      peakMemoryMb: process.resourceUsage().maxRSS / 1024,
      templateFile: assembly.getStackByName(stack.stackName).templateFullPath,
    };
  } catch (error) {
    result = { synthMs: performance.now() - started, appSynthMs: 0, peakMemoryMb: process.resourceUsage().maxRSS / 1024, error: String(error) };
  }
  fs.writeFileSync(resultFile, JSON.stringify(result));
}

void main();
