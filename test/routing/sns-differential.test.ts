/**
 * Differential test of the SNS filter policy evaluator against aws/event-ruler
 * on the semantics SNS shares with it: message-body scope (nested keys, arrays),
 * exact values, prefix, suffix, equals-ignore-case, anything-but (values,
 * prefix), numeric, exists, cidr and $or. AWS publishes no SNS engine;
 * the SNS documentation examples are checked in sns-doc-examples.test.ts.
 * Set ROUTING_DIFFERENTIAL=skip to skip on a machine without Java and Maven.
 */
import { SnsFilterPolicyMatcher, SnsFilterPolicyScope } from '../../src/routing';
import { PatternError } from '../../src/routing/model';
import { SNS_DEVIATIONS } from '../differential/deviations';
import { Json, Pair, snsBodyPairArb } from '../differential/generators';
import { OurVerdict, runDifferential } from '../differential/harness';
import { buildOracle, differentialSkipped } from '../differential/oracle';

const RUNS = Number(process.env.ROUTING_DIFFERENTIAL_SNS_RUNS ?? 20_000);
const SEED = Number(process.env.ROUTING_DIFFERENTIAL_SEED ?? 20261121);

/**
 * Whether the policy uses anything-but with a suffix, which SNS refuses ("Unsupported anything-but pattern: suffix",
 * recorded against AWS in localstack/localstack tests/aws/services/sns/test_sns_filter_policy.snapshot.json).
 * The shared generator produces it (event-ruler and EventBridge support it); such pairs would only be rejected.
 */
function usesAnythingButSuffix(value: Json): boolean {
  if (value === null || typeof value !== 'object') {
    return false;
  }
  if (Array.isArray(value)) {
    return value.some(usesAnythingButSuffix);
  }
  const operand = value['anything-but'];
  if (operand !== null && typeof operand === 'object' && !Array.isArray(operand) && 'suffix' in operand) {
    return true;
  }
  return Object.values(value).some(usesAnythingButSuffix);
}

/** SNS body-scope pairs without anything-but suffix. */
const snsPairArb = snsBodyPairArb.filter((pair) => !usesAnythingButSuffix(pair.pattern));

function ours(pair: Pair): OurVerdict {
  try {
    return SnsFilterPolicyMatcher.matchesJson(pair.pattern, SnsFilterPolicyScope.MESSAGE_BODY, { body: pair.event });
  } catch (e) {
    if (e instanceof PatternError) {
      return 'invalid';
    }
    throw e;
  }
}

(differentialSkipped() ? describe.skip : describe)('SNS body-scope filter policies: our evaluator against event-ruler', () => {
  test(`at least ${RUNS} random policy/body pairs give the same verdicts`, async () => {
    // GIVEN event-ruler, built with Maven
    const classPath = buildOracle();

    // WHEN both engines judge the same seeded pairs
    const report = await runDifferential({
      arbitrary: snsPairArb, seed: SEED, numRuns: Math.ceil(RUNS * 1.6), ours, deviations: SNS_DEVIATIONS, classPath,
    });
    process.stdout.write(`event-ruler differential (SNS body scope): ${JSON.stringify({ ...report, counterexample: undefined })}\n`);

    // THEN they agree on every pair, about half of which match
    if (report.disagreements > 0) {
      throw new Error(`${report.disagreements} of ${report.compared} pairs disagree. Smallest counterexample:\n${report.counterexample}`);
    }
    expect(report.compared).toBeGreaterThanOrEqual(RUNS);
    expect(report.matched / report.compared).toBeGreaterThan(0.3);
    expect(report.matched / report.compared).toBeLessThan(0.7);
  }, 10 * 60_000);
});
