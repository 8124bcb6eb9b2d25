/**
 * A Python function runs on the Python that runs the emulator (.venv/), not
 * on the Python of its runtime, and can import the emulator's own packages.
 * Noted only.
 */
import { defineGap } from './gap';
import { invokeProbeFunction, LAMBDA_PROBE_ROLE, probeFunction, withProbeStack } from './probes';

/** The runtime of the examples' Python functions. */
const RUNTIME = 'python3.13';

/** Packages of the emulator's virtual environment that Lambda's Python runtime does not provide. */
const OUTSIDE_THE_RUNTIME = ['ministack', 'cfnlint'];

const PROBE_CODE = `import importlib.util
import sys


def handler(event, context):
    return {
        "version": list(sys.version_info[:3]),
        "importable": [m for m in ${JSON.stringify(OUTSIDE_THE_RUNTIME)} if importlib.util.find_spec(m) is not None],
    }
`;

export const LAMBDA_PYTHON_VERSION = defineGap({
  id: 'lambda-python-version',
  summary: `A Python function (${RUNTIME}) runs on the Python interpreter that runs MiniStack (the virtual environment's), whatever its `
    + `version, not on the Python of its runtime, and can import that environment's packages (${OUTSIDE_THE_RUNTIME.join(', ')}), which `
    + 'Lambda\'s Python runtime does not provide.',
  source: 'AWS Lambda Developer Guide, Lambda runtimes (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html); '
    + 'the emulator: ministack/core/lambda_runtime.py _detect_runtime_binary starts Python workers with sys.executable',
  probe: `Deploys a ${RUNTIME} function that returns sys.version_info and which of ${OUTSIDE_THE_RUNTIME.join(', ')} it can import, and invokes it.`,
  handling: 'note',
  whenPresent: 'Nothing to shim: the Python consumer of order-processing runs on the emulator\'s Python 3 (the report prints its version); '
    + 'it uses nothing newer than Python 3.8 and imports only the standard library, so the tests still run; a Python function that '
    + 'forgot to package a dependency the emulator happens to have would pass here and fail on AWS.',
  async detect(clients) {
    const suffix = Date.now().toString(36);
    const functionName = `integ-probe-python-${suffix}`;
    const { version, importable } = await withProbeStack(clients, `PythonRuntime${suffix}`, {
      Resources: { Role: LAMBDA_PROBE_ROLE, Fn: probeFunction(functionName, RUNTIME, PROBE_CODE) },
    }, async () => invokeProbeFunction(clients, functionName)) as { version: number[]; importable: string[] };
    const ran = version.join('.');
    return {
      present: !ran.startsWith(`${RUNTIME.slice('python'.length)}.`) || importable.length > 0,
      detail: `${RUNTIME} ran on Python ${ran}; importable outside the runtime: ${importable.join(', ') || 'none'}`,
    };
  },
});
