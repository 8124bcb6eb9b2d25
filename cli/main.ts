/**
 * The `cdk-message-patterns` executable.
 */
import { existsSync, readFileSync } from 'fs';
import { dirname, join } from 'path';
import { awsClients } from './aws';
import { terminalIo } from './io';
import { run } from './program';

/** The version of the package this file is in (bundled under assets/, or run from cli/). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cdk-message-patterns') {
        return pkg.version ?? '0.0.0';
      }
    }
  }
  return '0.0.0';
}

void run({ clients: awsClients, io: terminalIo(), version: packageVersion() }, process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
