/**
 * Every package of dist/ works, installed from its file as a user installs
 * it from its registry: the app of each language (examples/python-app,
 * examples/java-app, examples/go-app) installs the package built in dist/
 * (the Python wheel, the Maven bundle, the Go module), uses every construct
 * of the library with the options of the TypeScript twin (examples/ts-twin),
 * and synthesizes the same templates, asset hashes and paths aside. So do the
 * twin itself in a new app that installs the npm tarball, and the Python app
 * with the Python source distribution installed instead of the wheel.
 *
 * Run with `npx projen test:languages` after `npx projen release` (or after
 * `npx projen build` and `npx projen package:languages`). LANGUAGES=python,java
 * limits the languages compared (npm, the TypeScript tarball, is one of them).
 */
import { execFileSync, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeAnalytics, jsonDifferences, normalizeTemplate, readTemplates } from './cloud-assembly';

const ROOT = path.join(__dirname, '..');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');
const ALL_LANGUAGES = ['python', 'java', 'go', 'npm'] as const;
type Language = Exclude<(typeof ALL_LANGUAGES)[number], 'npm'>;
const SELECTED = process.env.LANGUAGES?.split(',').map((l) => l.trim()) ?? [...ALL_LANGUAGES];
const LANGUAGES = (['python', 'java', 'go'] as const).filter((l) => SELECTED.includes(l));
/** The version of the packages in dist/: that of the assembly they are generated from (a release's after `npx projen release`). */
const VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8')).version;
const CONSTRUCTS_VERSION = fs.readFileSync(path.join(ROOT, 'examples/python-app/requirements.txt'), 'utf8').match(/^constructs==(\S+)$/m)![1];
const APP_DIRS: Record<Language | 'typescript', string> = {
  typescript: 'examples/ts-twin',
  python: 'examples/python-app',
  java: 'examples/java-app',
  go: 'examples/go-app',
};
/** The aws-cdk-lib the language apps pin: the library's peer minimum. */
const PEER_CDK: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).peerDependencies['aws-cdk-lib'].replace(/^[^0-9]*/, '');

const timings: Record<string, number> = {};

/** Runs a command and records how long it took; its output is shown only when it fails. */
function run(step: string, command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): void {
  const start = Date.now();
  try {
    execFileSync(command, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: 'pipe',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e: any) {
    throw new Error(`${step} failed (${command} ${args.join(' ')}):\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  } finally {
    timings[step] = (Date.now() - start) / 1000;
  }
}

/**
 * Synthesizes an app through the CDK CLI, with its cdk.json `app` command or `app`; returns its templates.
 * `dir` is the app's folder (that of `language` by default).
 */
function synth(language: Language | 'typescript', options: { dir?: string; app?: string; step?: string } = {}): Record<string, unknown> {
  const cwd = options.dir ?? path.join(ROOT, APP_DIRS[language]);
  fs.rmSync(path.join(cwd, 'cdk.out'), { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = {
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1',
  };
  if (language === 'go' && fs.existsSync(path.join(cwd, 'local.go.mod'))) {
    // Written by `scripts/language-apps.sh setup go` when the module proxy refuses a module.
    env.GOFLAGS = `${process.env.GOFLAGS ?? ''} -modfile=local.go.mod`.trim();
  }
  const app = options.app ? ['--app', options.app] : [];
  run(options.step ?? `synth ${language}`, CDK, ['synth', '--quiet', '--no-notices', ...app, '--output', 'cdk.out'], { cwd, env });
  return readTemplates(path.join(cwd, 'cdk.out'));
}

/** Fails, listing the differences, unless `actual` holds the templates of the TypeScript twin (asset hashes aside). */
function expectTwinTemplates(label: string, actual: Record<string, unknown>): void {
  const differences = jsonDifferences(
    Object.fromEntries(Object.entries(expected).map(([id, t]) => [id, normalizeTemplate(t)])),
    Object.fromEntries(Object.entries(actual).map(([id, t]) => [id, normalizeTemplate(t)])),
  );
  if (differences.length > 0) {
    const shown = differences.slice(0, 60);
    throw new Error(
      `${label} (${describeAnalytics(actual.MessagePatterns)}) differs from ${APP_DIRS.typescript} ` +
        `(${describeAnalytics(expected.MessagePatterns)}) in ${differences.length} place(s):\n  ${shown.join('\n  ')}` +
        (differences.length > shown.length ? `\n  ... and ${differences.length - shown.length} more` : ''),
    );
  }
}

/** A new, empty folder for an app, removed after the tests. */
const tempDirs: string[] = [];
function newAppDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `release-app-${name}-`));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

let expected: Record<string, unknown>;

beforeAll(() => {
  expected = synth('typescript');
});

afterAll(() => {
  // Written by `scripts/language-apps.sh package` when it built the packages of this run.
  const packagingReport = path.join(ROOT, 'test-reports', 'languages-packaging.json');
  const packaging: Record<string, number> = fs.existsSync(packagingReport) ? JSON.parse(fs.readFileSync(packagingReport, 'utf8')) : {};
  const lines = Object.entries({ ...packaging, ...timings }).map(([step, seconds]) => `  ${step.padEnd(18)} ${seconds.toFixed(1).padStart(7)} s`);
  process.stdout.write(`\nLanguage packages and apps, time per step:\n${lines.join('\n')}\n`);
  fs.mkdirSync(path.join(ROOT, 'test-reports'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'test-reports', 'languages-timings.json'), JSON.stringify(timings, null, 2) + '\n');
});

test('the TypeScript twin synthesizes the stack the language apps are compared with', () => {
  expect(Object.keys(expected)).toEqual(['MessagePatterns']);
});

test('every language app pins the peer-minimum aws-cdk-lib', () => {
  const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
  expect(read('examples/python-app/requirements.txt')).toContain(`aws-cdk-lib==${PEER_CDK}\n`);
  expect(read('examples/java-app/pom.xml')).toContain(`<aws-cdk-lib.version>${PEER_CDK}</aws-cdk-lib.version>`);
  expect(read('examples/go-app/go.mod')).toContain(`github.com/aws/aws-cdk-go/awscdk/v2 v${PEER_CDK}\n`);
});

// (`describe.each` refuses an empty table: LANGUAGES=npm selects none of these.)
describe.each(LANGUAGES.length > 0 ? LANGUAGES : (['python'] as Language[]))('%s', (language) => {
  if (!LANGUAGES.includes(language)) {
    return;
  }
  test('the app installs the package built in dist/ and synthesizes the templates of the TypeScript twin', () => {
    // GIVEN the package of the language, installed for its app
    run(`setup ${language}`, 'bash', ['scripts/language-apps.sh', 'setup', language]);

    // WHEN the app is synthesized
    const actual = synth(language);

    // THEN its templates equal the TypeScript ones, asset hashes aside
    expectTwinTemplates(APP_DIRS[language], actual);
  });

  // MessagingChecks runs from Python (as it does in examples/python-app, where it finds nothing): on an app with a
  // queue consumed without a dead-letter queue it reports the rule, in the printed report and in the assembly's report file.
  // (aws-cdk-lib 2.257, the peer minimum the apps pin, prints the report and sets the exit code of its own Node.js
  // process only, so the Python process does not fail; aws-cdk-lib 2.276 throws from app.synth(), measured in TypeScript.)
  if (language === 'python') {
    test('MessagingChecks reports the error of an app that loses messages (after the setup above)', () => {
      withPythonApp('broken_app.py', (outdir, result) => {
        const output = `${result.stdout}${result.stderr}`;
        const reportFile = ['validation-report.json', 'policy-validation-report.json'].map((f) => path.join(outdir, f)).find((f) => fs.existsSync(f));
        expect(reportFile).toBeDefined();
        const report = JSON.parse(fs.readFileSync(reportFile!, 'utf8'));
        const violations = report.pluginReports.flatMap((r: any) => r.violations.map((v: any) => ({ rule: v.ruleName, severity: v.severity })));
        expect(violations).toEqual([{ rule: 'MessagingChecks-QueueConsumedWithoutDlq', severity: 'error' }]);
        expect(output).toContain('MessagingChecks-QueueConsumedWithoutDlq');
      });
    });

    // RouteTarget is an abstract class with `bind`: a Python subclass is called back by the route (jsii overrides),
    // and the rule target it returns gets the route's retry policy and dead-letter queue.
    test('a RouteTarget subclass written in Python binds to a route (after the setup above)', () => {
      withPythonApp('custom_target_app.py', (outdir, result) => {
        expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
        const template = JSON.parse(fs.readFileSync(path.join(outdir, 'CustomTarget.template.json'), 'utf8'));
        const resources: Record<string, any> = template.Resources;
        const [rule] = Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule');
        const [logGroupId] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Logs::LogGroup')!;
        const [dlqId] = Object.entries(resources).find(([id, r]) => r.Type === 'AWS::SQS::Queue' && id.startsWith('OrdersDeadLetterQueue'))!;
        const logTarget = rule.Properties.Targets.find((t: any) => JSON.stringify(t.Arn).includes(logGroupId));
        expect(logTarget.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 3600 });
        expect(logTarget.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } });
      });
    });
  }
});

// The Python source distribution, which pip builds (with the build backend it names) before installing it, as it does
// where no wheel fits: installed alone in a new virtual environment, it runs the Python app.
if (LANGUAGES.includes('python')) {
  test('python: the source distribution builds and installs into a new virtual environment, and the app synthesizes the templates of the TypeScript twin', () => {
    // GIVEN a new virtual environment with the app's requirements and the sdist of dist/python
    const sdist = path.join(ROOT, 'dist', 'python', `cdk_message_patterns-${VERSION}.tar.gz`);
    expect(fs.existsSync(sdist)).toBe(true);
    const venv = newAppDir('python-sdist');
    run('sdist venv', 'python3', ['-m', 'venv', venv]);
    const pip = path.join(venv, 'bin', 'pip');
    run('sdist install', pip, ['install', '--quiet', '--disable-pip-version-check', '-r', path.join(ROOT, APP_DIRS.python, 'requirements.txt'), sdist]);

    // WHEN the Python app runs with it
    const actual = synth('python', { app: `${path.join(venv, 'bin', 'python')} app.py`, step: 'synth python (sdist)' });

    // THEN the package is the sdist's version, and the templates are the TypeScript ones
    const show = execFileSync(pip, ['show', 'cdk-message-patterns'], { encoding: 'utf8' });
    expect(show).toContain(`Version: ${VERSION}\n`);
    expectTwinTemplates(`${APP_DIRS.python} with the sdist`, actual);
  });
}

// The npm tarball, in a new TypeScript app as a user's: installed from the file with the peer-minimum aws-cdk-lib,
// the twin's code compiled by tsc against the package's declarations and synthesized.
if (SELECTED.includes('npm')) {
  describe('npm', () => {
    let dir: string;

    beforeAll(() => {
      const tarball = path.join(ROOT, 'dist', 'js', `cdk-message-patterns@${VERSION}.jsii.tgz`);
      if (!fs.existsSync(tarball)) {
        throw new Error(`${tarball} is missing: run npx projen release (or npx projen build) first`);
      }
      dir = newAppDir('npm');
      const manifest = {
        name: 'twin-app',
        private: true,
        dependencies: { 'aws-cdk-lib': PEER_CDK, 'constructs': CONSTRUCTS_VERSION, 'cdk-message-patterns': `file:${tarball}` },
      };
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
      run('npm install', 'npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir });
    });

    test('the tarball installs into a new TypeScript app, which compiles against its declarations and synthesizes the templates of the TypeScript twin', () => {
      // GIVEN the twin's code in the new app
      fs.copyFileSync(path.join(ROOT, APP_DIRS.typescript, 'main.ts'), path.join(dir, 'main.ts'));

      // WHEN it is compiled, type-checked against the installed package, and synthesized
      const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
      run('tsc npm', tsc, ['--strict', '--module', 'nodenext', '--target', 'es2022', '--skipLibCheck', 'main.ts'], { cwd: dir });
      const actual = synth('typescript', { dir, app: 'node main.js', step: 'synth npm' });

      // THEN the templates are those of the twin synthesized from the sources
      expectTwinTemplates('a new app with the npm tarball', actual);
    });

    test('the operator command of the installed package runs and reports the version of the package', () => {
      const out = execFileSync(path.join(dir, 'node_modules', '.bin', 'cdk-message-patterns'), ['--version'], { encoding: 'utf8' });
      expect(out.trim()).toBe(VERSION);
    });
  });
}

/**
 * Runs a Python app of this folder with the interpreter of the Python example
 * (set up by the test above it), giving it a fresh output folder, removed after `check`.
 */
function withPythonApp(script: string, check: (outdir: string, result: SpawnSyncReturns<string>) => void): void {
  const python = path.join(ROOT, APP_DIRS.python, '.venv', 'bin', 'python');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'language-app-python-'));
  try {
    const result = spawnSync(python, [path.join(__dirname, script), outdir], {
      env: { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    check(outdir, result);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
