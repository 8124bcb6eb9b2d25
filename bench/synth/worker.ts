/**
 * One measured synth, in a process of its own: builds `count` instances of a
 * pattern in one version, synthesizes the app, and writes what it measured as
 * JSON to `resultFile`:
 *
 *   worker.ts <pattern> <variant> <count> <outdir> <resultFile> [unlimited] [packs=MessagingChecks,AwsSolutions]
 *
 * With `unlimited`, aws-cdk-lib's check of CloudFormation's 500-resource limit
 * is turned off, so that the synth cost of N instances can be measured where
 * they would need more than one stack.
 *
 * With `packs=`, those validation packs (./packs.ts) are registered on the app
 * before it synthesizes; their modules are loaded before the app is built.
 * A pack that reports errors makes `app.synth()` throw once the validation
 * report is out, at the end of the synth: the time at the throw is recorded,
 * with `validationFailed`, as the synth time.
 *
 * The time runs from before aws-cdk-lib (and the library, or Solutions
 * Constructs) is loaded to the end of `app.synth()`: what a `cdk synth` of
 * such an app spends on them, without Node.js's own start-up. Peak memory is
 * the process's maximum resident set size.
 */
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { addPacks, PackResult, parsePacks } from './packs';
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
  /** What each registered validation pack did. */
  readonly packs?: PackResult[];
  /** A pack reported errors, so `app.synth()` threw at its end (the times run to the throw). */
  readonly validationFailed?: boolean;
}

/** The optional arguments after the result file: `unlimited`, `packs=A,B`. */
function parseExtras(extras: string[]): { unlimited: boolean; packs: string } {
  const packs = extras.find((arg) => arg.startsWith('packs='));
  return { unlimited: extras.includes('unlimited'), packs: packs?.slice('packs='.length) ?? '' };
}

async function main(): Promise<void> {
  const [name, variant, count, outdir, resultFile, ...extras] = process.argv.slice(2);
  const { unlimited, packs: packList } = parseExtras(extras);
  const started = performance.now();
  let built: number | undefined;
  let packs: PackResult[] = [];
  let result: WorkerResult;
  try {
    const { App, Stack } = await import('aws-cdk-lib');
    const app = new App({ outdir, context: unlimited ? { '@aws-cdk/core:stackResourceLimit': 0 } : {} });
    packs = await addPacks(app, parsePacks(packList));
    const stack = new Stack(app, 'Bench');
    await pattern(name).builds[variant as Variant](stack, Number(count));
    built = performance.now();
    const assembly = app.synth();
    const done = performance.now();
    result = {
      synthMs: done - started,
      appSynthMs: done - built,
      peakMemoryMb: process.resourceUsage().maxRSS / 1024,
      templateFile: assembly.getStackByName(stack.stackName).templateFullPath,
      ...(packs.length ? { packs } : {}),
    };
  } catch (error) {
    const failed = performance.now();
    const peakMemoryMb = process.resourceUsage().maxRSS / 1024;
    if (built !== undefined && packs.some((p) => p.errors > 0)) {
      // The synth ran to its end; the packs' errors made it throw.
      result = { synthMs: failed - started, appSynthMs: failed - built, peakMemoryMb, packs, validationFailed: true };
    } else {
      result = { synthMs: failed - started, appSynthMs: 0, peakMemoryMb, error: String(error), ...(packs.length ? { packs } : {}) };
    }
  }
  fs.writeFileSync(resultFile, JSON.stringify(result));
}

void main();
