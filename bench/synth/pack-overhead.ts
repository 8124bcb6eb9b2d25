/**
 * What each validation pack (./packs.ts) adds to the synth of a pattern: the
 * same app synthesized without a pack and with each pack alone, interleaved,
 * and what each pack reported.
 */
import { PackName, PackResult, PACKS } from './packs';
import { PatternBench, Variant } from './patterns';
import { median, synthOnce } from './runs';
import type { WorkerResult } from './worker';

/** What one pack adds to the synth of one app, and what it reports on it. */
export interface PackFigures {
  /** Median `app.synth()` time with the pack registered, and what it adds to the median without. */
  readonly appSynthMs: number;
  readonly addedMs: number;
  /** Median time in the pack's own `validate()`. */
  readonly validateMs: number;
  readonly appSynthMsRuns: number[];
  readonly validateMsRuns: number[];
  /** Findings (violating resources) of the last run: all, errors, warnings, by rule. */
  readonly findings: number;
  readonly errors: number;
  readonly warnings: number;
  readonly rules: Record<string, number>;
  /** The pack's errors made `app.synth()` throw (the time runs to the throw). */
  readonly validationFailed: boolean;
  readonly version?: string;
  readonly ruleCount?: number;
}

export interface PackOverhead {
  readonly pattern: string;
  readonly variant: Variant;
  readonly count: number;
  /** Median `app.synth()` time without any pack. */
  readonly appSynthMs: number;
  readonly appSynthMsRuns: number[];
  readonly packs: Record<PackName, PackFigures>;
  /** added(MessagingChecks) / added(AwsSolutions), from the synth times; undefined when either is not above zero. */
  readonly ratio?: number;
  /** The same ratio from the time in `validate()`. */
  readonly validateRatio?: number;
}

/** The configurations measured: no pack, then each pack alone. */
const PACK_SETS: ReadonlyArray<readonly PackName[]> = [[], ...PACKS.map((pack) => [pack])];

/** A synth with `packs`; a synth made to throw by the packs' errors is measured all the same. */
function synthWithPacks(pattern: string, variant: Variant, count: number, packs: readonly PackName[]): WorkerResult {
  const result = synthOnce(pattern, variant, count, true, packs);
  if (result.error) {
    throw new Error(`${pattern} ${variant} ×${count} with ${packs.join(', ') || 'no pack'}: ${result.error}`);
  }
  const crashed = result.packs?.find((p) => p.crashed);
  if (crashed) {
    throw new Error(`${pattern} ${variant} ×${count}: ${crashed.pack}'s validate() threw: ${crashed.crashed}`);
  }
  return result;
}

export const positiveRatio = (value: number, base: number): number | undefined => (value > 0 && base > 0 ? value / base : undefined);

/** Warm-up, then `runs` synths without a pack and with each pack, interleaved as in `measure`. */
export function measurePacks(pattern: PatternBench, variant: Variant, count: number, runs: number): PackOverhead {
  const results = PACK_SETS.map(() => [] as WorkerResult[]);
  for (let run = -1; run < runs; run++) {
    PACK_SETS.forEach((packs, i) => {
      const result = synthWithPacks(pattern.name, variant, count, packs);
      if (run >= 0) {
        results[i].push(result);
      }
    });
  }
  const [base, ...withPack] = results;
  const baseMs = median(base.map((r) => r.appSynthMs));
  const packs = Object.fromEntries(PACKS.map((pack, i) => [pack, packFigures(pack, withPack[i], baseMs)])) as Record<PackName, PackFigures>;
  return {
    pattern: pattern.name,
    variant,
    count,
    appSynthMs: baseMs,
    appSynthMsRuns: base.map((r) => Math.round(r.appSynthMs)),
    packs,
    ratio: positiveRatio(packs.MessagingChecks.addedMs, packs.AwsSolutions.addedMs),
    validateRatio: positiveRatio(packs.MessagingChecks.validateMs, packs.AwsSolutions.validateMs),
  };
}

function packFigures(pack: PackName, measured: WorkerResult[], baseMs: number): PackFigures {
  const own = (r: WorkerResult): PackResult => r.packs!.find((p) => p.pack === pack)!;
  const last = own(measured[measured.length - 1]);
  const appSynthMs = median(measured.map((r) => r.appSynthMs));
  return {
    appSynthMs,
    addedMs: appSynthMs - baseMs,
    validateMs: median(measured.map((r) => own(r).validateMs)),
    appSynthMsRuns: measured.map((r) => Math.round(r.appSynthMs)),
    validateMsRuns: measured.map((r) => Math.round(own(r).validateMs)),
    findings: last.findings,
    errors: last.errors,
    warnings: last.warnings,
    rules: last.rules,
    validationFailed: measured.some((r) => r.validationFailed === true),
    version: last.version,
    ruleCount: last.ruleCount,
  };
}
