/** Jest global teardown of the integration suite: stops the emulator, whatever the outcome of the suites. */
import { endSession, Session } from './harness/session';

export default async function globalTeardown(): Promise<void> {
  const session: Session | undefined = (globalThis as any).__INTEG_SESSION__;
  if (session) {
    await endSession(session);
  }
}
