import { awscdk, javascript, DependencyType } from 'projen';

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
  projenrcTs: true,
  jsiiVersion: '~6.0.0',
  cdkVersion: CDK_PEER_MINIMUM,
  constructsVersion: '10.5.1',
  // The dev versions below are added explicitly instead of pinning the peer minimum.
  peerDependencyOptions: { pinnedDevDependency: false },

  // The project is built and tested by .ci/run; no hosted workflows.
  github: false,
  release: false,
  depsUpgrade: false,
  buildWorkflow: false,
  pullRequestTemplate: false,

  // Language packages (built by `npx projen package-all`).
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
const testLanguages = project.addTask('test:languages', {
  description:
    'Builds the Python, Java and Go packages, synthesizes the app of each language and compares its templates with the TypeScript twin (needs `build` first)',
  env: { CDK_DISABLE_CLI_TELEMETRY: 'true' },
});
testLanguages.exec('bash scripts/language-apps.sh package');
testLanguages.exec('jest -c test-languages/jest.config.js');

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
project.package.setScript('check', 'npm ci && projen build && projen synth:examples && projen test:languages && projen integ');

project.synth();
