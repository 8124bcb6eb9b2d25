/**
 * Log lines of a function can miss its invocation: the emulator waits at most
 * 50 ms for the first one after the invocation returns. Shimmed by starting
 * the emulator with that wait raised to 1 s.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { defineGap } from './gap';
import { emulatorSource, probeNodeRuntime } from './probes';

export const LAMBDA_LOG_CAPTURE = defineGap({
  id: 'lambda-log-capture',
  summary: 'Log lines of a function can miss its invocation: after an invocation returns, the emulator waits at most 50 ms '
    + '(250 ms in all) for the lines the function wrote; on a loaded machine later lines go to the worker\'s next invocation, '
    + 'or are lost when it has none (seen once in about fifteen order-fanout runs). The suite counts deliveries in consumers\' logs.',
  source: 'The installed emulator\'s source: `Worker._drain_stderr_bounded` in ministack/core/lambda_runtime.py (.venv/)',
  probe: 'Reads the installed emulator\'s `Worker._drain_stderr_bounded` (ministack/core/lambda_runtime.py) for the 50 ms first-line wait.',
  handling: 'shim',
  whenPresent: 'Starts the emulator with `Worker._drain_stderr_bounded` waiting up to 1 s for the first line (3 s in all, '
    + '20 ms of quiet after the last line): one function default changed in the emulator process, nothing else. '
    + 'Verified by timing a warm invocation of a function that logs nothing (about 1 s with the shim).',
  async detect() {
    const source = emulatorSource('core', 'lambda_runtime.py');
    const start = source?.indexOf('def _drain_stderr_bounded(') ?? -1;
    if (!source || start < 0) {
      return { present: true, detail: 'Worker._drain_stderr_bounded not found in the emulator; handled as present' };
    }
    const signature = source.slice(start, source.indexOf(')', start));
    const short = /first_line_wait:\s*float\s*=\s*0\.0\d+/.test(signature);
    return { present: short, detail: `signature: ${signature.replace(/\s+/g, ' ')})` };
  },
  shim: {
    emulator() {
      return {
        preamble: [[
          'import ministack.core.lambda_runtime as _lr',
          '_drain = _lr.Worker._drain_stderr_bounded',
          '_lr.Worker._drain_stderr_bounded = lambda self, first_line_wait=1.0, idle_confirm=0.02, hard_cap=3.0: '
            + '_drain(self, first_line_wait, idle_confirm, hard_cap)',
        ].join('\n')],
      };
    },
    async verify(clients) {
      try {
        const { functionName } = await probeNodeRuntime(clients); // deployed and invoked once: warm
        const started = Date.now();
        await clients.lambda.send(new InvokeCommand({ FunctionName: functionName }));
        const ms = Date.now() - started;
        return { verified: ms >= 900, detail: `with the shim a warm invocation that logs nothing took ${ms} ms` };
      } catch (error) {
        return { verified: false, detail: `with the shim the check failed: ${(error as Error).message}` };
      }
    },
  },
});
