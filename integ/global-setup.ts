/**
 * Jest global setup of the integration suite. On the emulator (`npm run
 * integ`): installs it if needed, starts it on a free loopback port, probes its
 * gaps (restarting it with the environment shims they need). On an AWS account
 * (`npm run integ:aws`, INTEG_TARGET=aws): asks STS whose credentials the
 * caller's environment holds, and probes nothing. Either way it hands the run
 * to the suites through environment variables; global-teardown.ts always ends
 * it (stops the emulator).
 */
import { formatGapReport, saveGapReport } from './gaps/runner';
import { startAwsSession, startSession } from './harness/session';
import { SESSION_ENV } from './harness/suite';
import { describeTarget, targetKind, timeScale } from './harness/target';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const session = targetKind() === 'aws' ? await startAwsSession() : await startSession();
  (globalThis as any).__INTEG_SESSION__ = session;
  const gapsFile = `${session.runDir}/gaps.json`;
  saveGapReport(gapsFile, session.gaps);
  process.env[SESSION_ENV.target] = JSON.stringify(session.clients.target);
  process.env[SESSION_ENV.runDir] = session.runDir;
  process.env[SESSION_ENV.gapsFile] = gapsFile;
  if (session.emulator) {
    process.stderr.write(`\n[integ] emulator gaps (integ/gaps/):\n${formatGapReport(session.gaps).join('\n')}\n`);
  }
  process.stderr.write(`[integ] target: ${describeTarget(session.clients.target)}; waits scaled by ${timeScale()}\n`);
  process.stderr.write(`[integ] setup in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
