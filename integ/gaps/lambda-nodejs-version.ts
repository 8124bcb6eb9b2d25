/**
 * A Node.js function runs on the host's `node` binary, not on the Node.js of
 * its runtime. Noted only.
 */
import { defineGap } from './gap';
import { probeNodeRuntime } from './probes';

export const LAMBDA_NODEJS_VERSION = defineGap({
  id: 'lambda-nodejs-version',
  summary: 'A Node.js function (nodejs22.x, nodejs24.x) runs on the host\'s `node` binary, whatever its version, not on the Node.js of its runtime.',
  source: 'AWS Lambda Developer Guide, Lambda runtimes (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html)',
  probe: 'The same probe function reports process.version.',
  handling: 'note',
  whenPresent: 'Nothing to shim: the functions run on the host\'s Node.js (the report prints its version); the tests still run.',
  async detect(clients) {
    const { node } = await probeNodeRuntime(clients);
    return { present: !node.startsWith('v22.'), detail: `nodejs22.x ran on Node.js ${node}` };
  },
});
