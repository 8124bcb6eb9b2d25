/**
 * Runs a differential test: many generated pairs, our verdicts against
 * event-ruler's, and for the first disagreement the smallest counterexample
 * fast-check can shrink it to (re-asking event-ruler for each candidate).
 */
import * as fc from 'fast-check';
import { Pair } from './generators';
import { OracleSession, oracleVerdicts } from './oracle';

/**
 * A known, documented difference between event-ruler and the behaviour we
 * follow (the service's documented behaviour). Pairs it applies to are left
 * out of the comparison and counted.
 */
export interface Deviation {
  readonly id: string;
  readonly reason: string;
  readonly applies: (pair: Pair) => boolean;
}

/** Our verdict, or `invalid` when our parser rejects the pattern (such pairs are not compared). */
export type OurVerdict = boolean | 'invalid';

export interface DifferentialOptions {
  readonly arbitrary: fc.Arbitrary<Pair>;
  readonly seed: number;
  readonly numRuns: number;
  readonly ours: (pair: Pair) => OurVerdict;
  readonly deviations: readonly Deviation[];
  readonly classPath: string;
}

export interface DifferentialReport {
  readonly generated: number;
  readonly compared: number;
  readonly matched: number;
  readonly rejectedByOurParser: number;
  readonly rejectedByBoth: number;
  readonly excluded: Record<string, number>;
  readonly disagreements: number;
  /** The smallest counterexample of the first disagreement, described for a test failure message. */
  readonly counterexample?: string;
  readonly millis: { generate: number; ours: number; eventRuler: number; compare: number };
}

/**
 * event-ruler 2.1.0 answers some pairs differently from call to call in one JVM (its verdict then depends on hash
 * ordering, see docs/routing.md). Such pairs are told apart by asking again; they are counted under this id.
 */
export const UNSTABLE = {
  id: 'event-ruler-verdict-unstable',
  reason: 'event-ruler answers the same pair both true and false when asked repeatedly in one JVM',
};

const ASK_AGAIN = 16;

/** Whether event-ruler gives both verdicts for the pair when asked repeatedly (counting the answer it already gave). */
async function unstable(session: OracleSession, pair: Pair, firstAnswer: string): Promise<boolean> {
  const answers = new Set<string>([firstAnswer]);
  for (let k = 0; k < ASK_AGAIN && answers.size < 2; k++) {
    answers.add(await session.ask(pair));
  }
  return answers.has('true') && answers.has('false');
}

function agreeOn(ours: OurVerdict, theirs: string): boolean {
  return ours === 'invalid' || String(ours) === theirs;
}

function deviationOf(pair: Pair, deviations: readonly Deviation[]): Deviation | undefined {
  return deviations.find((d) => d.applies(pair));
}

export async function runDifferential(options: DifferentialOptions): Promise<DifferentialReport> {
  const t0 = Date.now();
  const pairs = fc.sample(options.arbitrary, { seed: options.seed, numRuns: options.numRuns });
  const t1 = Date.now();
  // event-ruler runs in two JVMs while this process computes our verdicts, yielding now and then so the pipes keep flowing.
  const half = Math.ceil(pairs.length / 2);
  const theirsPromise = Promise.all([pairs.slice(0, half), pairs.slice(half)].map((chunk) => oracleVerdicts(options.classPath, chunk)))
    .then(([a, b]) => [...a, ...b]);
  const ours: OurVerdict[] = [];
  for (let i = 0; i < pairs.length; i++) {
    try {
      ours.push(options.ours(pairs[i]));
    } catch (e) {
      ours.push(`crash: ${(e as Error).message}` as unknown as OurVerdict);
    }
    if (i % 500 === 499) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const t2 = Date.now();
  const theirs = await theirsPromise;
  const t3 = Date.now();

  let compared = 0;
  let matched = 0;
  let rejectedByOurParser = 0;
  let rejectedByBoth = 0;
  const failures: number[] = [];
  const excluded: Record<string, number> = {};
  pairs.forEach((pair, i) => {
    if (ours[i] === 'invalid') {
      rejectedByOurParser++;
      rejectedByBoth += theirs[i].startsWith('error:') ? 1 : 0;
      return;
    }
    const deviation = deviationOf(pair, options.deviations);
    if (deviation !== undefined) {
      excluded[deviation.id] = (excluded[deviation.id] ?? 0) + 1;
      return;
    }
    compared++;
    matched += ours[i] === true ? 1 : 0;
    if (!agreeOn(ours[i], theirs[i])) {
      failures.push(i);
    }
  });

  // A disagreement on which event-ruler itself answers both ways when asked again is no verdict: count it apart.
  const session = new OracleSession(options.classPath);
  const disagreeing: number[] = [];
  try {
    for (const i of failures) {
      if (await unstable(session, pairs[i], theirs[i])) {
        excluded[UNSTABLE.id] = (excluded[UNSTABLE.id] ?? 0) + 1;
        compared--;
        matched -= ours[i] === true ? 1 : 0;
      } else {
        disagreeing.push(i);
      }
    }
  } finally {
    session.close();
  }

  let counterexample: string | undefined;
  if (disagreeing.length > 0) {
    const first = disagreeing[0];
    counterexample = await shrink(options, first, pairs[first], ours[first], theirs[first]);
    counterexample += '\nOther disagreeing runs: ' + disagreeing.slice(1, 6).map((i) => `${i}: ${JSON.stringify(pairs[i])}`).join('\n');
  }
  const disagreements = disagreeing.length;
  const t4 = Date.now();
  return {
    generated: pairs.length,
    compared,
    matched,
    rejectedByOurParser,
    rejectedByBoth,
    excluded,
    disagreements,
    counterexample,
    millis: { generate: t1 - t0, ours: t2 - t1, eventRuler: t3 - t2, compare: t4 - t3 },
  };
}

/** Replays run `index` of the seeded sample with fast-check and shrinks it against a live oracle. */
async function shrink(options: DifferentialOptions, index: number, original: Pair, ours: OurVerdict, theirs: string): Promise<string> {
  const session = new OracleSession(options.classPath);
  try {
    const result = await fc.check(fc.asyncProperty(options.arbitrary, async (pair) => {
      let verdict: OurVerdict;
      try {
        verdict = options.ours(pair);
      } catch (e) {
        return false;
      }
      if (verdict === 'invalid' || deviationOf(pair, options.deviations) !== undefined) {
        return true;
      }
      const answer = await session.ask(pair);
      return agreeOn(verdict, answer) || unstable(session, pair, answer);
    }), { seed: options.seed, path: String(index), endOnFailure: false, numRuns: 1 });
    const smallest = (result.counterexample?.[0] as Pair | undefined) ?? original;
    const ourVerdict = (() => {
      try {
        return String(options.ours(smallest));
      } catch (e) {
        return `crash: ${(e as Error).message}`;
      }
    })();
    const theirVerdict = await session.ask(smallest);
    return [
      `pattern: ${JSON.stringify(smallest.pattern)}`,
      `event:   ${JSON.stringify(smallest.event)}`,
      `ours: ${ourVerdict}, event-ruler: ${theirVerdict}`,
      `(shrunk from run ${index} of seed ${options.seed}, where ours was ${String(ours)} and event-ruler ${theirs};`,
      ` original pattern ${JSON.stringify(original.pattern)}, event ${JSON.stringify(original.event)})`,
    ].join('\n');
  } finally {
    session.close();
  }
}
