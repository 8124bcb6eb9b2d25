/**
 * The Python, Java and Go packages work: the app of each language
 * (examples/python-app, examples/java-app, examples/go-app) installs the
 * package built in dist/ by `npx projen package-all`, uses every construct of
 * the library with the options of the TypeScript twin (examples/ts-twin), and
 * synthesizes the same templates, asset hashes and paths aside.
 *
 * Run with `npx projen test:languages`. LANGUAGES=python,java limits the
 * languages compared.
 */
import { execFileSync, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeAnalytics, jsonDifferences, normalizeTemplate, readTemplates } from './cloud-assembly';

const ROOT = path.join(__dirname, '..');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');
const ALL_LANGUAGES = ['python', 'java', 'go'] as const;
type Language = (typeof ALL_LANGUAGES)[number];
const LANGUAGES = (process.env.LANGUAGES?.split(',').map((l) => l.trim()) ?? [...ALL_LANGUAGES]) as Language[];
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

/** Synthesizes an app with its cdk.json `app` command through the CDK CLI; returns its templates. */
function synth(language: Language | 'typescript'): Record<string, unknown> {
  const cwd = path.join(ROOT, APP_DIRS[language]);
  fs.rmSync(path.join(cwd, 'cdk.out'), { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = {
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1',
  };
  if (language === 'go' && fs.existsSync(path.join(cwd, 'local.go.mod'))) {
    // Written by `scripts/language-apps.sh setup go` when the module proxy refuses a module.
    env.GOFLAGS = `${process.env.GOFLAGS ?? ''} -modfile=local.go.mod`.trim();
  }
  run(`synth ${language}`, CDK, ['synth', '--quiet', '--no-notices', '--output', 'cdk.out'], { cwd, env });
  return readTemplates(path.join(cwd, 'cdk.out'));
}

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

describe.each(LANGUAGES)('%s', (language) => {
  test('the app installs the package built in dist/ and synthesizes the templates of the TypeScript twin', () => {
    // GIVEN the package of the language, installed for its app
    run(`setup ${language}`, 'bash', ['scripts/language-apps.sh', 'setup', language]);

    // WHEN the app is synthesized
    const actual = synth(language);

    // THEN its templates equal the TypeScript ones, asset hashes aside
    const differences = jsonDifferences(
      Object.fromEntries(Object.entries(expected).map(([id, t]) => [id, normalizeTemplate(t)])),
      Object.fromEntries(Object.entries(actual).map(([id, t]) => [id, normalizeTemplate(t)])),
    );
    if (differences.length > 0) {
      const shown = differences.slice(0, 60);
      throw new Error(
        `${APP_DIRS[language]} (${describeAnalytics(actual.MessagePatterns)}) differs from ${APP_DIRS.typescript} ` +
          `(${describeAnalytics(expected.MessagePatterns)}) in ${differences.length} place(s):\n  ${shown.join('\n  ')}` +
          (differences.length > shown.length ? `\n  ... and ${differences.length - shown.length} more` : ''),
      );
    }
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
