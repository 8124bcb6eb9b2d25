/**
 * What each integration suite (one per example) shares: the run started by
 * global-setup.ts, the reset + deploy of its example, the skips.
 */
import { awsClients } from './aws';
import { DeployedExample, deployExample, exampleExists, resetBetweenSuites, scenarioContext, stderrLog } from './session';
import { GapId, GapReport, loadGapReport, skipReason } from '../gaps/runner';
import { formatReport, PatternReport, ScenarioContext } from '../scenarios/scenario';

/** Environment variables through which global-setup.ts hands the run to the suites. */
export const SESSION_ENV = {
  endpoint: 'INTEG_EMULATOR_ENDPOINT',
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
  const endpoint = process.env[SESSION_ENV.endpoint];
  const runDir = process.env[SESSION_ENV.runDir];
  const gapsFile = process.env[SESSION_ENV.gapsFile];
  if (!endpoint || !runDir || !gapsFile) {
    throw new Error('no emulator: run the integration suite with `jest -c integ/jest.config.js` (its global setup starts one)');
  }
  return { clients: awsClients(endpoint), gaps: loadGapReport(gapsFile), runDir };
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
 * Before the tests of the suite (beforeAll): resets the emulator, deploys the
 * example and runs its scenario, printing the report. The tests read the
 * returned object's fields, set once that is done.
 */
export function deployAndRun<R extends { report: PatternReport }>(name: string, scenario: (context: ScenarioContext) => Promise<R>): ExampleRun<R> {
  const run = {} as { deployed: DeployedExample; context: ScenarioContext; result: R };
  beforeAll(async () => {
    Object.assign(run, await resetAndDeploy(name));
    run.result = await scenario(run.context);
    process.stderr.write(`${formatReport(run.result.report)}\n`);
  }, 10 * 60_000);
  return run;
}

/** Resets the emulator and deploys the example with the CDK CLI (bootstrap included). */
export async function resetAndDeploy(name: string): Promise<{ deployed: DeployedExample; context: ScenarioContext }> {
  const session = suiteSession();
  await resetBetweenSuites(session);
  const deployed = await deployExample(session, name, { bootstrap: true });
  return { deployed, context: scenarioContext(session, deployed, stderrLog, `${name}-${Date.now().toString(36)}`) };
}
