/**
 * What each integration suite (one per example) shares: the run started by
 * global-setup.ts, the deploy of its example and its destroy, the skips.
 */
import { awsClients } from './aws';
import {
  DeployedExample, deployExample, destroyExample, exampleExists, resetBetweenSuites, scenarioContext, stderrLog,
} from './session';
import { scaled, Target, targetKind } from './target';
import { GapId, GapReport, loadGapReport, skipReason } from '../gaps/runner';
import { formatReport, PatternReport, ScenarioContext } from '../scenarios/scenario';

/** Environment variables through which global-setup.ts hands the run to the suites. */
export const SESSION_ENV = {
  /** The target (integ/harness/target.ts), as JSON. */
  target: 'INTEG_TARGET_JSON',
  runDir: 'INTEG_RUN_DIR',
  gapsFile: 'INTEG_GAPS_FILE',
} as const;

export interface SuiteSession {
  readonly clients: ReturnType<typeof awsClients>;
  readonly gaps: GapReport;
  readonly runDir: string;
}

/** The run started by global-setup.ts. */
export function suiteSession(): SuiteSession {
  const target = process.env[SESSION_ENV.target];
  const runDir = process.env[SESSION_ENV.runDir];
  const gapsFile = process.env[SESSION_ENV.gapsFile];
  if (!target || !runDir || !gapsFile) {
    throw new Error('no target: run the integration suite with `npm run integ` or `npm run integ:aws` (their global setup names one)');
  }
  return { clients: awsClients(JSON.parse(target) as Target), gaps: loadGapReport(gapsFile), runDir };
}

/** `describe`, or `describe.skip` with the printed reason when the run's target is an AWS account (INTEG_TARGET=aws). */
export function describeOnEmulator(name: string, reasonOnAws: string, body: () => void): void {
  if (targetKind() === 'aws') {
    process.stderr.write(`[integ] SKIPPED "${name}" on AWS: ${reasonOnAws}\n`);
    describe.skip(`${name} — skipped on AWS: ${reasonOnAws}`, body);
  } else {
    describe(name, body);
  }
}

/**
 * `describe` for an example's suite, or `describe.skip` with a printed reason
 * while the example app is not in this checkout yet.
 */
export function describeExample(name: string, body: () => void): void {
  if (exampleExists(name)) {
    describe(name, body);
    return;
  }
  const reason = `SKIPPED (temporary): examples/${name}/ does not exist in this checkout yet; `
    + 'its checks run as soon as the example app lands.';
  process.stderr.write(`[integ] ${reason}\n`);
  describe.skip(`${name} — ${reason}`, body);
}

/** `test`, or `test.skip` with the printed reason while the emulator has gap `id`. */
export function testUnlessGap(id: GapId, name: string, fn: jest.ProvidesCallback, timeout?: number): void {
  const reason = skipReason(suiteSession().gaps, id);
  if (reason) {
    process.stderr.write(`[integ] SKIPPED "${name}": ${reason}\n`);
    test.skip(`${name} — skipped: ${reason}`, fn, timeout);
  } else {
    test(name, fn, timeout);
  }
}

/** An example deployed and its scenario run, shared by the tests of its suite. */
export interface ExampleRun<R> {
  readonly deployed: DeployedExample;
  readonly context: ScenarioContext;
  readonly result: R;
}

/**
 * Before the tests of the suite (beforeAll): deploys the example and runs its
 * scenario, printing the report; after them (afterAll), destroys it. The tests
 * read the returned object's fields, set once that is done.
 */
export function deployAndRun<R extends { report: PatternReport }>(name: string, scenario: (context: ScenarioContext) => Promise<R>): ExampleRun<R> {
  const run = {} as { deployed: DeployedExample; context: ScenarioContext; result: R };
  beforeAll(async () => {
    Object.assign(run, await resetAndDeploy(name));
    run.result = await scenario(run.context);
    process.stderr.write(`${formatReport(run.result.report)}\n`);
  }, scaled(10 * 60_000));
  destroyAfterAll(() => run.deployed);
  return run;
}

/**
 * After the tests of the suite (afterAll): `cdk destroy` of what `deployed()` names (if the
 * deploy got that far) and the deletion of what the stacks leave. INTEG_KEEP_STACKS=1 keeps them.
 */
export function destroyAfterAll(deployed: () => DeployedExample | undefined): void {
  afterAll(async () => {
    const example = deployed();
    if (!example) {
      return;
    }
    if (process.env.INTEG_KEEP_STACKS) {
      process.stderr.write(`[integ] ${example.name}: stacks kept (INTEG_KEEP_STACKS): ${example.stacks.map((s) => s.stackName).join(', ')}\n`);
      return;
    }
    await destroyExample(suiteSession(), example);
  }, scaled(10 * 60_000));
}

/**
 * Deploys the example with the CDK CLI (bootstrap when the account has none), on the emulator
 * after a reset.
 */
export async function resetAndDeploy(name: string): Promise<{ deployed: DeployedExample; context: ScenarioContext }> {
  const session = suiteSession();
  await resetBetweenSuites(session);
  const deployed = await deployExample(session, name);
  return { deployed, context: scenarioContext(session, deployed, stderrLog, `${name}-${Date.now().toString(36)}`) };
}
