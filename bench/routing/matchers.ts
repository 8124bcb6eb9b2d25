/**
 * Benchmark of the EventBridge pattern evaluator against aws/event-ruler (not a
 * test): both engines evaluate the same fixed corpus of pattern/event pairs on
 * the same machine, each with its patterns compiled once and its events parsed
 * once, for the same time after a warm-up; the result is printed as
 * evaluations per second and their ratio.
 *
 *   npx ts-node -P tsconfig.dev.json bench/routing/matchers.ts [seconds] [pairs]
 *
 * Needs Java and Maven (event-ruler is built from Maven Central, see
 * test/differential/event-ruler).
 */
// The benchmark is a development tool, like the tests: it uses their dev dependencies.
/* eslint-disable import/no-extraneous-dependencies */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { EventPatternMatcher } from '../../src/routing';
import { EVENT_RULER_DEVIATIONS } from '../../test/differential/deviations';
import { eventBridgePairArb, Pair } from '../../test/differential/generators';
import { buildOracle, oracleBenchmark } from '../../test/differential/oracle';

const SECONDS = Number(process.argv[2] ?? 10);
const PAIRS = Number(process.argv[3] ?? 2000);
const SEED = 1;

/** The fixed corpus: seeded random pairs that both engines judge alike (valid, no documented deviation). */
function corpus(): Pair[] {
  return fc.sample(eventBridgePairArb, { seed: SEED, numRuns: PAIRS * 2 })
    .filter((pair) => {
      try {
        EventPatternMatcher.fromJson(pair.pattern);
      } catch {
        return false;
      }
      return !EVENT_RULER_DEVIATIONS.some((d) => d.applies(pair));
    })
    .slice(0, PAIRS);
}

function benchOurs(pairs: readonly Pair[], seconds: number): { perSecond: number; evaluations: number; checksum: number } {
  const matchers = pairs.map((p) => EventPatternMatcher.fromJson(p.pattern));
  const events = pairs.map((p) => p.event);
  const pass = () => {
    let matched = 0;
    for (let i = 0; i < matchers.length; i++) {
      matched += matchers[i].matchesEvent(events[i]) ? 1 : 0;
    }
    return matched;
  };
  const checksum = pass();
  const warmupEnd = Date.now() + seconds * 500;
  while (Date.now() < warmupEnd) {
    pass();
  }
  let evaluations = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < end) {
    pass();
    evaluations += matchers.length;
    now = process.hrtime.bigint();
  }
  const elapsed = Number(now - start) / 1e9;
  return { perSecond: evaluations / elapsed, evaluations, checksum };
}

function main(): void {
  const pairs = corpus();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'routing-bench-')), 'corpus.jsonl');
  fs.writeFileSync(file, pairs.map((p) => JSON.stringify(p)).join('\n') + '\n');
  const classPath = buildOracle();

  const ours = benchOurs(pairs, SECONDS);
  const theirs = oracleBenchmark(classPath, file, SECONDS);
  if (theirs.matchedPerPass !== ours.checksum) {
    throw new Error(`the engines disagree on the corpus: ${ours.checksum} matches for us, ${theirs.matchedPerPass} for event-ruler`);
  }
  console.log(`corpus: ${pairs.length} pattern/event pairs (seed ${SEED}), ${ours.checksum} of them matching for both engines`);
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node.js ${process.version}`);
  console.log(`cdk-message-patterns: ${Math.round(ours.perSecond).toLocaleString('en-US')} evaluations/s`);
  console.log(`event-ruler:          ${Math.round(theirs.perSecond).toLocaleString('en-US')} evaluations/s`);
  console.log(`ratio (ours / event-ruler): ${(ours.perSecond / theirs.perSecond).toFixed(2)}`);
}

main();
