import { awscdk, javascript, DependencyType, TaskShell } from 'projen';

/** Oldest aws-cdk-lib that cdk-nag 3 accepts: the peer-dependency floor. */
const CDK_PEER_MINIMUM = '2.257.0';
/** The aws-cdk-lib we develop and test against: the newest 2.x. */
const CDK_DEV_VERSION = '2.276.0';
const CONSTRUCTS_DEV_VERSION = '10.8.1';
/** AWS Solutions Constructs the benchmark compares with, and their versions. */
const SOLUTIONS_CONSTRUCTS: Array<[string, string]> = [
  ['aws-sqs-lambda', '2.74.0'],
  ['aws-sns-sqs', '2.56.0'],
  ['aws-eventbridge-sqs', '2.60.0'],
  ['aws-kinesisstreams-lambda', '2.76.0'],
];

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-message-patterns',
  description:
    'AWS CDK L3 constructs for message-driven architectures: SQS queues with dead-letter queues, SNS fan-out, EventBridge routes and Kinesis CQRS pipelines, secure and observable by default.',
  author: 'cdk-message-patterns contributors',
  authorAddress: 'maintainers@cdk-message-patterns.dev',
  repositoryUrl: 'https://github.com/cdk-message-patterns/cdk-message-patterns.git',
  homepage: 'https://github.com/cdk-message-patterns/cdk-message-patterns',
  keywords: ['aws-cdk', 'cdk', 'sqs', 'sns', 'eventbridge', 'kinesis', 'dead-letter-queue', 'messaging', 'cqrs'],
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  // Node.js 20 reached its end of life on 2026-04-30; the package declares the
  // versions it supports (npm warns, and does not refuse, on older ones).
  minNodeVersion: '22.0.0',
  // The hosted workflows run on the current Node.js LTS.
  workflowNodeVersion: '24.x',
  projenrcTs: true,
  jsiiVersion: '~6.0.0',
  cdkVersion: CDK_PEER_MINIMUM,
  constructsVersion: '10.5.1',
  // The dev versions below are added explicitly instead of pinning the peer minimum.
  peerDependencyOptions: { pinnedDevDependency: false },

  // The project is built and tested by .ci/run (`npm run check`). The hosted workflows projen
  // writes are kept so that a fork on GitHub can publish: `release` (on every push to main: the
  // release below, then publib to npm, PyPI, Maven Central, the Go module repository and GitHub
  // Releases), `upgrade-main` (a daily pull request upgrading the dependencies) and
  // `pull-request-lint` (a pull request's title must be a conventional commit, since it becomes
  // the squashed commit the changelog and the next version are read from).
  github: true,
  githubOptions: {
    pullRequestLintOptions: {
      semanticTitleOptions: { types: ['feat', 'fix', 'perf', 'revert', 'docs', 'test', 'refactor', 'build', 'ci', 'chore'] },
    },
  },
  buildWorkflow: false,
  pullRequestTemplate: false,
  release: true,
  // The release job builds every package and runs the unit tests, whose differential tests run event-ruler on Java:
  // the same tools as `npm run check` (Java with Maven, Python).
  releaseWorkflowSetupSteps: [
    { uses: 'actions/setup-java@v6.0.0', with: { 'distribution': 'corretto', 'java-version': '17' } },
    { uses: 'actions/setup-python@v7.0.0', with: { 'python-version': '3.x' } },
  ],
  depsUpgrade: true,
  // Versions come from the conventional commits since the latest tag vX.Y.Z (docs/releases.md).
  // There is no tag before the first release, which is 0.1.0; after it, the commits decide.
  nextVersionCommand: '[ -n "$LATEST_TAG" ] || echo 0.1.0',

  // Language packages (built by `npx projen package:languages`, which `npx projen release` runs).
  publishToPypi: {
    distName: 'cdk-message-patterns',
    module: 'cdk_message_patterns',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkmessagepatterns',
    mavenGroupId: 'io.github.cdk-message-patterns',
    mavenArtifactId: 'cdk-message-patterns',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-message-patterns/cdk-message-patterns-go',
    packageName: 'cdkmessagepatterns',
  },

  // Lambda handlers shipped with the library (`*.lambda.ts`) are bundled with
  // esbuild at build time, on a current Node.js runtime.
  lambdaAutoDiscover: true,
  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_24_X,
    // The AWS SDK v3 of the runtime reuses connections by default: no environment variable needed.
    awsSdkConnectionReuse: false,
    bundlingOptions: { sourcemap: false },
  },

  devDeps: [
    'cdk-nag@^3.0.2',
    'fast-check@^4.10.2',
    // The projector's exact JSON numbers: bundled into its Lambda asset at build time.
    'lossless-json@^4.3.3',
    'aws-cdk@2.1148.1',
    'tsconfig-paths@^4.2.0',
    '@types/aws-lambda@^8.10.164',
    '@aws-sdk/client-dynamodb@^3',
    '@aws-sdk/client-sqs@^3',
    '@aws-sdk/client-cloudformation@^3',
    '@aws-sdk/client-cloudwatch@^3',
    // The operator command (cli/): bundled with esbuild into one file at build time, so the
    // package gains no runtime dependency. commander parses arguments (no dependencies, typed);
    // cli-table3 prints tables and cli-progress the progress of moves, both widely used and small.
    'commander@^14.0.3',
    'cli-table3@^0.6.5',
    'cli-progress@^3.12.0',
    '@types/cli-progress@^3',
    '@aws-sdk/client-cloudwatch-logs@^3',
    // The integration suite on an AWS account: who the credentials are (STS), and the KMS keys its stacks retain.
    '@aws-sdk/client-kms@^3',
    '@aws-sdk/client-pipes@^3',
    '@aws-sdk/client-sts@^3',
    '@aws-sdk/client-eventbridge@^3',
    '@aws-sdk/client-kinesis@^3',
    '@aws-sdk/client-lambda@^3',
    '@aws-sdk/client-sns@^3',
    '@aws-sdk/util-dynamodb@^3',
    '@jest/test-sequencer@^30',
    // The release rehearsal (test-languages/release.test.ts): the publishers' dry runs.
    'publib@0.2.1061',
    'esbuild@^0.28.2',
    // Benchmark only (bench/): the closest AWS Solutions Constructs patterns. Each
    // pattern pins @aws-solutions-constructs/core to its own version, so each is
    // installed under an alias, its core nested. Cores from 2.83 on bundle npmlog
    // without its dependencies, which `npm ci` then reports missing from the lockfile:
    // the versions are the newest before that.
    ...SOLUTIONS_CONSTRUCTS.map(([pattern, version]) => `solutions-${pattern}@npm:@aws-solutions-constructs/${pattern}@${version}`),
  ],

  jestOptions: {
    // Snapshots are a tripwire: a changed template fails the build until `npx projen test:update` accepts it.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 120_000,
      // One worker per core, each restarted once it holds more than 2 GB: a single process running every suite grows
      // to ~10 GB and spends its time collecting garbage. Coverage is opt-in (`npx jest --coverage`): V8's collection
      // over aws-cdk-lib made the suite half again as slow, and no threshold reads it.
      maxWorkers: '100%',
      workerIdleMemoryLimit: '2GB',
      collectCoverage: false,
      // Property-based tests run from a fixed seed (FC_SEED to explore others), so that CI is reproducible.
      setupFiles: ['<rootDir>/test/helpers/fast-check-setup.ts'],
      // Every snapshot prints asset hashes as `<asset-hash>` (normalised in test/helpers/template.ts).
      snapshotSerializers: ['<rootDir>/test/helpers/snapshot-serializer.ts'],
      // Example apps are synthesized by their own task.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/examples/'],
      // Example apps import the package by name, as users do; tests that load them get the sources.
      moduleNameMapper: { '^cdk-message-patterns$': '<rootDir>/src/index.ts' },
    },
  },
  gitignore: [
    'cdk.out',
    '.cdk.staging',
    '/examples/**/cdk.out',
    '/.venv',
    '/examples/python-app/.venv/',
    '/examples/java-app/target/',
    '/examples/java-app/.mvn/',
    '/examples/go-app/local.go.mod',
    '/examples/go-app/local.go.sum',
  ],
  tsconfigDevFile: 'tsconfig.dev.json',
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'test-languages', 'integ', 'scripts', 'bench', 'projenrc', 'cli', '.projenrc.ts'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },
  // Example apps are type-checked with their own tsconfig when they synthesize.
  // Tests load the example apps, which import the package by name: the sources stand for it.
  tsconfigDev: { compilerOptions: { paths: { 'cdk-message-patterns': ['./src/index.ts'] } }, include: ['.projenrc.ts'], exclude: ['examples'] },
});

project.npmignore?.exclude('/examples', '/.ci', 'cdk.out', '/bench', '/integ', '/scripts', '/test-languages', '/.venv');

// Develop and test against the newest aws-cdk-lib; users only need the peer minimum.
project.deps.addDependency(`aws-cdk-lib@${CDK_DEV_VERSION}`, DependencyType.BUILD);
project.deps.addDependency(`constructs@${CONSTRUCTS_DEV_VERSION}`, DependencyType.BUILD);

// The operator command `cdk-message-patterns` (cli/), bundled with the AWS SDK and its libraries into
// one file of the package; bin/cdk-message-patterns, the executable that loads it, is found by projen.
project.bundler.addBundle('./cli/main.ts', {
  platform: 'node',
  target: 'node22',
  outfile: 'cdk-message-patterns.js',
  minify: true,
  sourcemap: false,
  watchTask: false,
});

// `build` packages the npm tarball only; `package-all` adds the Python, Java and Go packages.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

// Language packages: Java packaging reuses the machine's Maven repository; the
// Go module requires the peer-minimum aws-cdk-go (jsii-pacmak writes the dev version).
project.tasks.tryFind('package:java')!.reset('jsii-pacmak -v --target java --maven-local-repository=$HOME/.m2/repository');
project.tasks.tryFind('package:go')!.reset('bash scripts/language-apps.sh package-go');
// The Python, Java and Go packages, each timed (test-reports/languages-packaging.json).
const packageLanguages = project.addTask('package:languages', {
  description: 'Builds the Python wheel and sdist, the Maven bundle and the Go module into dist/ (needs `compile` first)',
  exec: 'bash scripts/language-apps.sh package',
});
const testLanguages = project.addTask('test:languages', {
  description:
    'Installs every package of dist/ into a new app of its language from the file, compares what each app synthesizes with the TypeScript twin and dry-runs the publishers (needs `release`, or `build` and `package:languages`, first)',
  env: { CDK_DISABLE_CLI_TELEMETRY: 'true' },
});
testLanguages.exec('jest -c test-languages/jest.config.js');

// The API-compatibility gate: the public API compared, with jsii-diff, with that of the latest
// release tag; a breaking change fails unless a commit since that release declares it.
const apiCompat = project.addTask('api:compat', {
  description: 'Compares the public API (.jsii) with that of the previous release (the latest vX.Y.Z tag); fails on a breaking change no commit declares',
  exec: 'ts-node --transpile-only -P tsconfig.dev.json scripts/api-compat.ts',
});

// `npx projen release`: the version from the conventional commits, the changelog, the build with every test, the four
// packages, the API gate, then the version reset to 0.0.0; and the build must not have changed a committed file.
const release = project.tasks.tryFind('release')!;
release.reset();
release.exec('rm -fr dist');
release.spawn(project.tasks.tryFind('bump')!);
release.spawn(project.buildTask);
release.spawn(packageLanguages);
release.spawn(apiCompat);
release.spawn(project.tasks.tryFind('unbump')!);
release.exec(
  'git diff --ignore-space-at-eol --exit-code || { echo "release: the files above differ from the commit; a release is built from a commit, and its build must not change it (commit the change, or fix what the build rewrote)" >&2; exit 1; }',
  // A brace group: the host's shell, not projen's built-in one.
  { shell: TaskShell.system() },
);

// Example apps: each folder under examples/ is a CDK app synthesized with the CDK CLI.
const EXAMPLES = ['order-processing', 'order-fanout', 'order-events', 'order-ledger', 'order-enrichment'];
const synthExamples = project.addTask('synth:examples', {
  description: 'Synthesize every example app with the CDK CLI',
  // The CLI needs no network for a synth: no telemetry, no notices.
  env: { CDK_DISABLE_CLI_TELEMETRY: 'true' },
});
const bundle = project.tasks.tryFind('bundle');
if (bundle) {
  synthExamples.spawn(bundle);
}
for (const example of EXAMPLES) {
  synthExamples.exec('cdk synth --quiet --no-notices --output cdk.out', { cwd: `examples/${example}`, name: example });
}

// Integration suite: every example deployed to a local AWS emulator (MiniStack)
// with the CDK CLI, its message flows checked with the AWS SDK.
const integ = project.addTask('integ', {
  description: 'Deploy every example app to a local AWS emulator (MiniStack) with the CDK CLI and check its message flows',
  env: { CDK_DISABLE_CLI_TELEMETRY: 'true' },
});
if (bundle) {
  integ.spawn(bundle);
}
integ.exec('jest -c integ/jest.config.js --runInBand', { receiveArgs: true });
// The same suites against an AWS account: credentials and region from the caller's environment, each example destroyed
// after its suite (docs/emulator.md, "On an AWS account").
const integAws = project.addTask('integ:aws', {
  description: 'Deploy every example app to the AWS account of your credentials (AWS_PROFILE or keys, AWS_REGION), check its message flows, including those the emulator cannot run, and destroy it',
  env: { CDK_DISABLE_CLI_TELEMETRY: 'true', INTEG_TARGET: 'aws' },
});
if (bundle) {
  integAws.spawn(bundle);
}
integAws.exec('jest -c integ/jest.config.js --runInBand', { receiveArgs: true });
project.package.setScript('integ:aws', 'npm ci && projen integ:aws');
project.package.setScript('demo', 'npm ci && projen bundle && ts-node --transpile-only -P tsconfig.dev.json integ/demo.ts');

// The README's two commands: each installs what it needs on a fresh clone.
project.package.setScript('examples', 'npm ci && projen synth:examples');
// The benchmark (bench/): not part of the tests; measures the compiled library as users load it.
const benchTask = project.addTask('bench', {
  description: 'Benchmark synth time, template size, fixed monthly cost and stack limits of every pattern against aws-cdk-lib L2 and AWS Solutions Constructs, and the projector throughput',
});
benchTask.spawn(project.compileTask);
if (bundle) {
  benchTask.spawn(bundle);
}
benchTask.exec('ts-node --transpile-only -P tsconfig.dev.json bench/run.ts', { receiveArgs: true });
project.package.setScript('bench', 'npm ci && projen bench');
project.addTask('docs:messaging-checks', {
  description: 'Write the rule reference of docs/messaging-checks.md from the rules of MessagingChecks',
  exec: 'ts-node --transpile-only -P tsconfig.dev.json scripts/messaging-checks-docs.ts',
});
project.package.setScript('check', 'npm ci && projen release && projen synth:examples && projen test:languages && projen integ');

project.synth();
