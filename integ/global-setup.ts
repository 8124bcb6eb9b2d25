/**
 * Jest global setup of the integration suite: installs the emulator if
 * needed, starts it on a free loopback port, probes its gaps (restarting it
 * with the environment shims they need) and hands the run to the suites
 * through environment variables. global-teardown.ts always stops it.
 */
import { formatGapReport, saveGapReport } from './gaps/runner';
import { startSession } from './harness/session';
import { SESSION_ENV } from './harness/suite';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const session = await startSession();
  (globalThis as any).__INTEG_SESSION__ = session;
  const gapsFile = `${session.runDir}/gaps.json`;
  saveGapReport(gapsFile, session.gaps);
  process.env[SESSION_ENV.endpoint] = session.emulator.endpoint;
  process.env[SESSION_ENV.runDir] = session.runDir;
  process.env[SESSION_ENV.gapsFile] = gapsFile;
  process.stderr.write(`\n[integ] emulator gaps (integ/gaps/):\n${formatGapReport(session.gaps).join('\n')}\n`);
  process.stderr.write(`[integ] setup in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
