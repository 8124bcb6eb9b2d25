/**
 * Node.js Lambda runtimes on AWS include the AWS SDK for JavaScript v3; the
 * emulator's functions only get reduced stubs of some of its packages.
 * Shimmed by restarting the emulator with NODE_PATH naming a staging folder of
 * the project's own SDK packages, and nothing else.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defineGap, ProbeResult } from './gap';
import { LAMBDA_SDK_PACKAGES, PACKAGES_OUTSIDE_THE_RUNTIME, probeNodeRuntime } from './probes';
import { AwsClients } from '../harness/aws';
import { REPO_ROOT } from '../harness/emulator';

/**
 * The folder the shim names in NODE_PATH, as /var/runtime/node_modules on AWS: links to the
 * project's `@aws-sdk/*` packages and to the packages they depend on, and nothing else. One per
 * emulator start (a new temporary folder), so that two runs at once never share one.
 */
let runtimeModules: string | undefined;

/** The folder of package `name` as `node` resolves it from `fromDir` (walking up the node_modules folders). */
function packageDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) {
      return candidate;
    }
    if (path.dirname(dir) === dir) {
      return undefined;
    }
  }
}

/**
 * Creates a `node_modules` folder in a new temporary folder, with one link per package of the
 * closure of the project's `@aws-sdk/*` packages over their dependencies. Returns the folder, the
 * staged package names and the packages of LAMBDA_SDK_PACKAGES the project does not have.
 */
export function stageLambdaRuntimeModules(root: string = REPO_ROOT): { folder: string; staged: string[]; unresolved: string[] } {
  const scope = path.join(root, 'node_modules', '@aws-sdk');
  const sdk = fs.existsSync(scope) ? fs.readdirSync(scope).map((n) => `@aws-sdk/${n}`) : [];
  const dirs = new Map<string, string>();
  const queue: [string, string][] = sdk.map((name) => [name, root]);
  while (queue.length > 0) {
    const [name, from] = queue.shift()!;
    if (dirs.has(name)) {
      continue;
    }
    const dir = packageDir(name, root) ?? packageDir(name, from);
    if (!dir) {
      continue; // an optional dependency not installed on this platform
    }
    dirs.set(name, dir);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      queue.push([dep, dir]);
    }
  }
  const folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-message-patterns-lambda-runtime-')), 'node_modules');
  for (const [name, dir] of dirs) {
    const link = path.join(folder, name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(fs.realpathSync(dir), link, 'dir');
  }
  return { folder, staged: [...dirs.keys()].sort(), unresolved: LAMBDA_SDK_PACKAGES.filter((p) => !dirs.has(p)) };
}

/** The probe: which SDK packages a nodejs22.x function cannot resolve, and which packages outside the runtime it can. */
async function detect(clients: AwsClients): Promise<ProbeResult & { outside: string[] }> {
  const { packages, outside } = await probeNodeRuntime(clients);
  const missing = Object.entries(packages).filter(([, found]) => !found).map(([id]) => id);
  const leaked = Object.entries(outside).filter(([, found]) => found).map(([id]) => id);
  return {
    present: missing.length > 0,
    outside: leaked,
    detail: `${missing.length ? `not resolvable: ${missing.join(', ')}` : 'every SDK package resolvable'}; `
      + `outside the runtime: ${leaked.length ? `resolvable: ${leaked.join(', ')}` : `${PACKAGES_OUTSIDE_THE_RUNTIME.join(', ')} not resolvable`}`,
  };
}

export const LAMBDA_NODEJS_SDK = defineGap({
  id: 'lambda-nodejs-sdk',
  summary: 'Node.js Lambda runtimes on AWS include the AWS SDK for JavaScript v3; MiniStack\'s local executor only answers `require` of some '
    + '`@aws-sdk/client-*` packages with reduced stubs (other error shapes, no `@aws-sdk/util-*`), so the library\'s projector '
    + '(bundled with the SDK external, as for AWS) and inline functions would not run as on AWS.',
  source: 'AWS Lambda Developer Guide, Building Lambda functions with Node.js (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html)',
  probe: `Deploys a nodejs22.x function that calls require.resolve on ${LAMBDA_SDK_PACKAGES.join(', ')}, and on `
    + `${PACKAGES_OUTSIDE_THE_RUNTIME.join(', ')} (packages of the project that the runtime does not provide).`,
  handling: 'shim',
  whenPresent: 'Restarts the emulator with NODE_PATH naming one staging folder (a new temporary node_modules folder) of links to the '
    + 'project\'s own AWS SDK v3 packages (devDependencies) and the packages they depend on, and nothing else, so that functions '
    + `load the real SDK as on AWS; the probe runs again to verify, and the shim counts as verified only if ${PACKAGES_OUTSIDE_THE_RUNTIME.join(', ')} `
    + 'still do not resolve (a function that forgot to bundle a package fails here as on AWS).',
  detect,
  shim: {
    emulator() {
      runtimeModules = stageLambdaRuntimeModules().folder;
      return { env: { NODE_PATH: runtimeModules } };
    },
    async verify(clients) {
      try {
        const again = await detect(clients);
        const unresolved = LAMBDA_SDK_PACKAGES.filter((p) => !runtimeModules || !fs.existsSync(path.join(runtimeModules, p)));
        return {
          verified: !again.present && again.outside.length === 0,
          detail: `with the shim: ${again.detail}${unresolved.length ? ` (not installed in the project: ${unresolved.join(', ')})` : ''}`,
        };
      } catch (error) {
        return { verified: false, detail: `with the shim the probe failed: ${(error as Error).message}` };
      }
    },
  },
});
