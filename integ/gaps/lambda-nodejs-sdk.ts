/**
 * Node.js Lambda runtimes on AWS include the AWS SDK for JavaScript v3; the
 * emulator's functions only get reduced stubs of some of its packages.
 * Shimmed by restarting the emulator with NODE_PATH naming the project's own
 * SDK packages.
 */
import * as path from 'path';
import { defineGap, ProbeResult } from './gap';
import { LAMBDA_SDK_PACKAGES, probeNodeRuntime } from './probes';
import { AwsClients } from '../harness/aws';

/** Folders of node_modules trees holding the SDK packages of LAMBDA_SDK_PACKAGES (for NODE_PATH). */
export function sdkNodePath(): { nodePath: string; unresolved: string[] } {
  const folders = new Set<string>();
  const unresolved: string[] = [];
  for (const pkg of LAMBDA_SDK_PACKAGES) {
    try {
      const entry = require.resolve(pkg);
      const marker = `${path.sep}node_modules${path.sep}`;
      folders.add(entry.slice(0, entry.lastIndexOf(marker) + marker.length - 1));
    } catch {
      unresolved.push(pkg);
    }
  }
  return { nodePath: [...folders].join(path.delimiter), unresolved };
}

/** The probe: which SDK packages a nodejs22.x function cannot resolve. */
async function detect(clients: AwsClients): Promise<ProbeResult> {
  const { packages } = await probeNodeRuntime(clients);
  const missing = Object.entries(packages).filter(([, found]) => !found).map(([id]) => id);
  return { present: missing.length > 0, detail: missing.length ? `not resolvable: ${missing.join(', ')}` : 'every package resolvable' };
}

export const LAMBDA_NODEJS_SDK = defineGap({
  id: 'lambda-nodejs-sdk',
  summary: 'Node.js Lambda runtimes on AWS include the AWS SDK for JavaScript v3; MiniStack\'s local executor only answers `require` of some '
    + '`@aws-sdk/client-*` packages with reduced stubs (other error shapes, no `@aws-sdk/util-*`), so the library\'s projector '
    + '(bundled with the SDK external, as for AWS) and inline functions would not run as on AWS.',
  source: 'AWS Lambda Developer Guide, Building Lambda functions with Node.js (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html)',
  probe: `Deploys a nodejs22.x function that calls require.resolve on ${LAMBDA_SDK_PACKAGES.join(', ')}.`,
  handling: 'shim',
  whenPresent: 'Restarts the emulator with NODE_PATH naming the folders of the project\'s own AWS SDK v3 packages (devDependencies), '
    + 'so that functions load the real SDK as on AWS; the probe runs again to verify.',
  detect,
  shim: {
    emulator() {
      const { nodePath } = sdkNodePath();
      const env: Record<string, string> = {};
      if (nodePath) {
        env.NODE_PATH = nodePath;
      }
      return { env };
    },
    async verify(clients) {
      try {
        const again = await detect(clients);
        const { unresolved } = sdkNodePath();
        return {
          verified: !again.present,
          detail: `with the shim: ${again.detail}${unresolved.length ? ` (not installed in the project: ${unresolved.join(', ')})` : ''}`,
        };
      } catch (error) {
        return { verified: false, detail: `with the shim the probe failed: ${(error as Error).message}` };
      }
    },
  },
});
