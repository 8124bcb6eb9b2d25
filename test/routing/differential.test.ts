/**
 * Differential test against aws/event-ruler, the matching engine of Amazon
 * EventBridge: at least 100,000 seeded random pattern/event pairs, our verdict
 * against event-ruler's, failing on any disagreement with the smallest
 * counterexample. event-ruler is built from Maven Central at test time (see
 * test/differential/event-ruler). Set ROUTING_DIFFERENTIAL=skip to skip on a
 * machine without Java and Maven; ROUTING_DIFFERENTIAL_RUNS and
 * ROUTING_DIFFERENTIAL_SEED change the size and seed.
 */
import { EventPatternMatcher } from '../../src/routing';
import { PatternError } from '../../src/routing/model';
import { EVENT_RULER_DEVIATIONS } from '../differential/deviations';
import { eventBridgeAnyFieldPairArb, eventBridgePairArb, Pair } from '../differential/generators';
import { OurVerdict, runDifferential } from '../differential/harness';
import { buildOracle, differentialSkipped } from '../differential/oracle';

/** Pairs compared (pairs a documented deviation applies to, or our parser rejects, come on top). */
const RUNS = Number(process.env.ROUTING_DIFFERENTIAL_RUNS ?? 100_000);
const GENERATED = Math.ceil(RUNS * 1.25);
const SEED = Number(process.env.ROUTING_DIFFERENTIAL_SEED ?? 20261121);
/** Pairs generated for the patterns beyond the envelope (a fifth of the main run). */
const ANY_FIELD_GENERATED = Math.ceil(RUNS / 5);

function ours(pair: Pair): OurVerdict {
  try {
    return EventPatternMatcher.matchesJson(pair.pattern, pair.event);
  } catch (e) {
    if (e instanceof PatternError) {
      return 'invalid';
    }
    throw e;
  }
}

(differentialSkipped() ? describe.skip : describe)('EventBridge event patterns: our evaluator against event-ruler', () => {
  test(`at least ${RUNS} random pattern/event pairs give the same verdicts`, async () => {
    // GIVEN event-ruler, built with Maven
    const classPath = buildOracle();

    // WHEN both engines judge the same seeded pairs
    const report = await runDifferential({
      arbitrary: eventBridgePairArb, seed: SEED, numRuns: GENERATED, ours, deviations: EVENT_RULER_DEVIATIONS, classPath,
    });
    process.stdout.write(`event-ruler differential (EventBridge): ${JSON.stringify({ ...report, counterexample: undefined })}\n`);

    // THEN they agree on every pair, about half of which match, and every pattern our parser rejects, event-ruler rejects too
    if (report.disagreements > 0) {
      throw new Error(`${report.disagreements} of ${report.compared} pairs disagree. Smallest counterexample:\n${report.counterexample}`);
    }
    expect(report.rejectedByOurParser).toBe(report.rejectedByBoth);
    expect(report.compared).toBeGreaterThanOrEqual(RUNS);
    expect(report.matched / report.compared).toBeGreaterThan(0.35);
    expect(report.matched / report.compared).toBeLessThan(0.65);
  }, 15 * 60_000);

  // EventBridge evaluates any top-level field name and reads "$or" as event-ruler does (GenericMachine.addRule: the OR
  // keyword when JsonRuleCompiler accepts the pattern, else a field name through RuleCompiler); see event-pattern.test.ts.
  test(`${ANY_FIELD_GENERATED} pairs with fields outside the envelope and "$or" as a field name: same verdicts, and we reject only what event-ruler rejects`, async () => {
    // GIVEN event-ruler, built with Maven
    const classPath = buildOracle();

    // WHEN both engines judge the same seeded pairs
    const report = await runDifferential({
      arbitrary: eventBridgeAnyFieldPairArb, seed: SEED, numRuns: ANY_FIELD_GENERATED, ours, deviations: EVENT_RULER_DEVIATIONS, classPath,
    });
    process.stdout.write(`event-ruler differential (EventBridge, any field): ${JSON.stringify({ ...report, counterexample: undefined })}\n`);

    // THEN they agree on every pair, and every pattern our parser rejects, event-ruler rejects too
    if (report.disagreements > 0) {
      throw new Error(`${report.disagreements} of ${report.compared} pairs disagree. Smallest counterexample:\n${report.counterexample}`);
    }
    expect(report.rejectedByOurParser).toBe(report.rejectedByBoth);
    expect(report.compared).toBeGreaterThanOrEqual(ANY_FIELD_GENERATED * 0.6);
    expect(report.matched / report.compared).toBeGreaterThan(0.2);
  }, 15 * 60_000);
});
