/**
 * What a known difference between the local emulator (MiniStack) and AWS is
 * made of. Each gap lives in a file of its own in this folder (its id, what AWS
 * does and where that is documented, its probe, its handling and its shim),
 * and is listed in ./index.ts; ./runner.ts runs the probes and applies the
 * shims.
 *
 * Each gap has a probe that detects it against the running emulator, at the
 * start of every run, and one handling:
 * - `shim`: a minimal, documented change that gives the example what AWS
 *   would (applied only while the probe finds the gap; when the emulator
 *   fixes it, the probe notices and the shim stops applying);
 * - `skip`: the checks that depend on the missing behaviour are skipped with
 *   the printed reason (never passed silently);
 * - `note`: nothing to change or skip; the difference is printed in the run's
 *   gap report because it limits what the suite proves.
 */
import { AwsClients } from '../harness/aws';
import { DeployedStack } from '../harness/stack';

export type GapHandling = 'shim' | 'skip' | 'note';

/** What a probe saw: `present` is true when the emulator still has the gap. */
export interface ProbeResult {
  readonly present: boolean;
  readonly detail: string;
}

/** What the emulator process starts with while a gap is present. */
export interface EmulatorStart {
  /** Environment added to the emulator's. */
  readonly env?: Record<string, string>;
  /** Python run in the emulator process before it starts. */
  readonly preamble?: string[];
}

/** What a re-run check saw once the emulator restarted with a shim. */
export interface ShimCheck {
  readonly verified: boolean;
  /** Appended to the probe's detail. */
  readonly detail: string;
}

/**
 * A shim, at one or more of the four points where the run can change what the
 * emulator sees; each applies only while the gap's probe finds the gap.
 */
export interface GapShim {
  /** 1. How the emulator (re)starts after the probes. */
  readonly emulator?: () => EmulatorStart;
  /** 2. After that restart: whether the shim closed the gap. */
  readonly verify?: (clients: AwsClients) => Promise<ShimCheck>;
  /** 3. On a copy of a synthesized cloud assembly, before `cdk deploy`. Returns one line per change. */
  readonly template?: (assemblyDir: string) => string[];
  /** 4. On each deployed stack. Returns one line per change. */
  readonly deployed?: (stack: DeployedStack) => Promise<string[]>;
}

export interface GapDefinition<Id extends string = string> {
  readonly id: Id;
  /** What AWS does that the emulator does not. */
  readonly summary: string;
  /** Where the behaviour of AWS (or of the emulator) is documented. */
  readonly source: string;
  /** How the probe detects it. */
  readonly probe: string;
  readonly handling: GapHandling;
  /** What the suite and the demo do while the gap is present. */
  readonly whenPresent: string;
  /** With the `shim` handling: what the shim changes. */
  readonly shim?: GapShim;
  /** Runs the probe. */
  detect(clients: AwsClients): Promise<ProbeResult>;
}

/** Declares a gap, keeping its id as a literal type (the registry's ids are a union of them). */
export function defineGap<Id extends string>(gap: GapDefinition<Id>): GapDefinition<Id> {
  return gap;
}
