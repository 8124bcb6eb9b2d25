/**
 * The emulator gaps of this run (integ/gaps/), one line each in the test
 * report: whether the probe found the gap, and what the suite does about it.
 * An environment shim the probe could not verify fails here.
 */
import { GAPS } from './gaps';
import { describeOnEmulator, suiteSession } from './harness/suite';

describeOnEmulator('emulator gaps', 'an AWS account is what the gaps are measured against: nothing is probed', () => {
  const { gaps } = suiteSession();

  for (const gap of GAPS) {
    const status = gaps[gap.id];
    const state = status.present ? `present → ${status.handling}` : 'absent';
    test(`${gap.id}: ${state}`, () => {
      process.stderr.write(`[gaps] ${gap.id}: ${state}; probe: ${status.detail}${status.present ? `\n        handling: ${gap.whenPresent}` : ''}\n`);
      if (status.present && status.shimVerified !== undefined) {
        // The probe ran again on the shimmed emulator: the shim must have closed the gap.
        expect({ id: gap.id, shimVerified: status.shimVerified, detail: status.detail }).toEqual(expect.objectContaining({ shimVerified: true }));
      }
      expect(status.detail).not.toMatch(/^probe failed/);
    });
  }
});
