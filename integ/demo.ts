/**
 * The demo: deploys every example app to a local AWS emulator and shows its
 * messages flowing, without an AWS account.
 *
 *   npm run demo                      # every example
 *   npm run demo -- order-fanout      # some examples only
 *
 * It installs the emulator into .venv/ if needed, starts it on a free
 * loopback port, deploys the example apps with the CDK CLI, sends sample
 * traffic, prints a short report per pattern, and stops the emulator (also on
 * failure or Ctrl-C). It is an entry point of the integration harness, as
 * the suites are: the same session (./harness/session.ts), deploys and
 * scenarios (./scenarios/), printed instead of asserted.
 */
import { formatGapReport } from './gaps/runner';
import { bootstrap } from './harness/cdk';
import {
  DeployedExample, deployExample, endSession, EXAMPLES, exampleExists, scenarioContext, Session, startSession, synthesized,
} from './harness/session';
import { runOrderEnrichment } from './scenarios/order-enrichment';
import { runOrderEvents } from './scenarios/order-events';
import { runOrderFanout } from './scenarios/order-fanout';
import { runOrderLedger } from './scenarios/order-ledger';
import { runOrderProcessing } from './scenarios/order-processing';
import { formatReport, PatternReport, ScenarioContext } from './scenarios/scenario';

const SCENARIOS: Record<string, (ctx: ScenarioContext) => Promise<{ report: PatternReport }>> = {
  'order-processing': runOrderProcessing,
  'order-fanout': runOrderFanout,
  'order-events': runOrderEvents,
  'order-ledger': runOrderLedger,
  'order-enrichment': runOrderEnrichment,
};

const startedAt = Date.now();
let step = 0;

function elapsed(): string {
  const s = Math.round((Date.now() - startedAt) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function progress(line: string): void {
  process.stdout.write(`[demo ${elapsed()}] ${line}\n`);
}

function heading(line: string): void {
  step++;
  progress(`── step ${step}: ${line}`);
}

async function main(): Promise<number> {
  const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = requested.filter((name) => !(EXAMPLES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown example(s) ${unknown.join(', ')}; known: ${EXAMPLES.join(', ')}`);
  }
  const names = (requested.length > 0 ? requested : [...EXAMPLES]).filter((name) => {
    if (!exampleExists(name)) {
      progress(`examples/${name}/ is not in this checkout: skipped`);
      return false;
    }
    return true;
  });

  heading('local AWS emulator (MiniStack, installed into .venv/ on first use)');
  const session: Session = await startSession(progress);
  try {
    progress('emulator gaps found by the probes (see integ/gaps/ and docs/emulator.md):');
    formatGapReport(session.gaps).forEach((line) => progress(line));

    heading('bootstrap the emulator\'s account (cdk bootstrap aws://000000000000/us-east-1)');
    await bootstrap(session.clients.target, `${session.runDir}/bootstrap`, progress);

    // Each example's traffic starts as soon as it is deployed, so that the
    // waits (a poison message needs maxReceiveCount visibility timeouts)
    // overlap with the synth and deploy of the next examples.
    heading(`synthesize and deploy ${names.length} example app(s) with the CDK CLI (cdk synth, cdk deploy), then send sample traffic`);
    const runTag = `demo-${Date.now().toString(36)}`;
    const deployed: DeployedExample[] = [];
    const running: Promise<{ report: PatternReport }>[] = [];
    for (const name of names) {
      await synthesized(session.runDir, name, progress);
      const example = await deployExample(session, name, { log: progress });
      deployed.push(example);
      progress(`[${name}] sending sample traffic`);
      const scenario = SCENARIOS[name](scenarioContext(session, example, progress, `${name.replace('order-', '')}-${runTag}`));
      scenario.catch(() => undefined); // reported below
      running.push(scenario);
    }
    progress('waiting for the traffic to settle (a poison message waits for its visibility timeout, up to a few minutes)');
    const outcomes = await Promise.allSettled(running);

    heading('report');
    let failed = 0;
    outcomes.forEach((outcome, i) => {
      const example = deployed[i];
      if (outcome.status === 'fulfilled') {
        process.stdout.write(`\n${formatReport(outcome.value.report)}\n`);
      } else {
        failed++;
        process.stdout.write(`\n── ${example.name}: FAILED: ${outcome.reason instanceof Error ? outcome.reason.message : outcome.reason}\n`);
      }
      if (example.shims.length > 0) {
        process.stdout.write(`   emulator shims applied: ${example.shims.map((s) => s.replace(/^shim /, '')).join('; ')}\n`);
      }
    });
    process.stdout.write('\n');
    return failed === 0 ? 0 : 1;
  } finally {
    heading('stop the emulator');
    await endSession(session);
    progress(`done in ${elapsed()}`);
  }
}

main().then((code) => process.exit(code), (error) => {
  console.error(`[demo] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
