/**
 * What the run does with the gaps of ./index.ts: runs their probes, applies
 * the shims of the gaps found at the four hook points (the emulator's start,
 * the check after that restart, the templates before `cdk deploy`, the
 * deployed stacks), answers whether a check must be skipped, and prints and
 * stores the report.
 */
import * as fs from 'fs';
import * as path from 'path';
import { GapDefinition, GapHandling } from './gap';
import { GapId, GAPS } from './index';
import { forgetRuntimeProbe } from './probes';
import { AwsClients } from '../harness/aws';
import { DeployedStack } from '../harness/stack';

export type { GapId } from './index';

export interface GapStatus {
  readonly id: GapId;
  readonly summary: string;
  readonly probe: string;
  readonly handling: GapHandling;
  readonly whenPresent: string;
  readonly present: boolean;
  /** What the probe saw. */
  readonly detail: string;
  /** For an environment shim: whether the re-run probe saw the shim work. */
  readonly shimVerified?: boolean;
}

export type GapReport = Record<GapId, GapStatus>;

function toStatus(gap: GapDefinition<GapId>, present: boolean, detail: string, shimVerified?: boolean): GapStatus {
  return {
    id: gap.id, summary: gap.summary, probe: gap.probe, handling: gap.handling, whenPresent: gap.whenPresent, present, detail, shimVerified,
  };
}

/** The gaps of the registry that `report` found present, in registry order. */
function presentGaps(report: Partial<GapReport>): readonly GapDefinition<GapId>[] {
  return GAPS.filter((gap) => report[gap.id]?.present);
}

// ---------------------------------------------------------------------------
// Probes

/**
 * Runs every probe against the emulator. A probe that fails counts as
 * finding its gap (its handling then applies, and the failure is printed).
 * The probes leave resources behind: reset the emulator afterwards.
 */
export async function probeGaps(clients: AwsClients, ids: readonly GapId[] = GAPS.map((g) => g.id)): Promise<GapReport> {
  const report = {} as GapReport;
  for (const gap of GAPS.filter((g) => ids.includes(g.id))) {
    try {
      const { present, detail } = await gap.detect(clients);
      report[gap.id] = toStatus(gap, present, detail);
    } catch (error) {
      report[gap.id] = toStatus(gap, true, `probe failed, handled as present: ${(error as Error).message}`);
    }
  }
  return report;
}

// ---------------------------------------------------------------------------
// Shims, at their four hook points

/** How to start the emulator for the gaps the probes found. */
export interface EmulatorShims {
  /** Environment added to the emulator's. */
  readonly env: Record<string, string>;
  /** Python run in the emulator process before it starts. */
  readonly preamble: string[];
}

/** 1. The environment and Python the emulator restarts with. */
export function emulatorShims(report: Partial<GapReport>): EmulatorShims {
  const env: Record<string, string> = {};
  const preamble: string[] = [];
  for (const gap of presentGaps(report)) {
    const start = gap.shim?.emulator?.();
    Object.assign(env, start?.env);
    preamble.push(...start?.preamble ?? []);
  }
  return { env, preamble };
}

/** 2. Records, after a restart with emulatorShims, whether each emulator shim works. */
export async function verifyEmulatorShims(clients: AwsClients, report: GapReport): Promise<GapReport> {
  const out = { ...report };
  forgetRuntimeProbe();
  for (const gap of presentGaps(report)) {
    if (gap.shim?.verify) {
      const check = await gap.shim.verify(clients);
      out[gap.id] = toStatus(gap, true, `${report[gap.id].detail}; ${check.detail}`, check.verified);
    }
  }
  return out;
}

/** 3. Template shims, applied to a synthesized assembly before `cdk deploy`. Returns one line per change. */
export function applyTemplateShims(assemblyDir: string, report: Partial<GapReport>): string[] {
  return presentGaps(report).flatMap((gap) => gap.shim?.template?.(assemblyDir) ?? []);
}

/** 4. Shims applied to a deployed stack. Returns one line per change. */
export async function applyDeployedShims(stack: DeployedStack, report: Partial<GapReport>): Promise<string[]> {
  const applied: string[] = [];
  for (const gap of presentGaps(report)) {
    applied.push(...await gap.shim?.deployed?.(stack) ?? []);
  }
  return applied;
}

// ---------------------------------------------------------------------------
// Skips and the report

/** The reason to skip a check that depends on `id`, or undefined when the emulator has no such gap. */
export function skipReason(report: Partial<GapReport>, id: GapId): string | undefined {
  const status = report[id];
  if (!status) {
    return `emulator gap ${id} was not probed in this run`;
  }
  return status.present ? `emulator gap ${id}: ${status.summary} (probe: ${status.detail})` : undefined;
}

/**
 * The report of a target that is not an emulator (an AWS account): every gap
 * absent, unprobed, so that every check runs.
 */
export function noGaps(detail: string): GapReport {
  const report = {} as GapReport;
  for (const gap of GAPS) {
    report[gap.id] = toStatus(gap, false, detail);
  }
  return report;
}

/** Printable gap report: one line per gap. */
export function formatGapReport(report: Partial<GapReport>): string[] {
  return Object.values(report).map((s) => {
    const state = s!.present
      ? `PRESENT → ${s!.handling}${s!.shimVerified === undefined ? '' : s!.shimVerified ? ' (verified)' : ' (NOT verified)'}`
      : 'absent (nothing applied)';
    return `  ${s!.id.padEnd(30)} ${state.padEnd(26)} ${s!.detail}`;
  });
}

export function saveGapReport(file: string, report: GapReport): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(report, undefined, 2));
}

export function loadGapReport(file: string): GapReport {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
