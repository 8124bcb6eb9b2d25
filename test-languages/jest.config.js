// Every package of dist/, installed from its file into an app of its language:
// the Python, Java and Go apps (examples/python-app, examples/java-app,
// examples/go-app), a new TypeScript app with the npm tarball and a new Python
// environment with the sdist must synthesize the same templates as the
// TypeScript twin (examples/ts-twin); release.test.ts checks dist/ and runs
// the publishers' dry runs. Run with `npx projen test:languages` after
// `npx projen release` (or `build` and `package:languages`).
// LANGUAGES=python,java,go,npm limits the apps.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/test-languages'],
  testMatch: ['<rootDir>/test-languages/**/*.test.ts'],
  transform: {
    '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }],
  },
  // One app at a time: each synth starts a JVM, a Python or a Go build and Node.js.
  maxWorkers: 1,
  testTimeout: 20 * 60_000,
  collectCoverage: false,
  verbose: true,
  reporters: [
    'default',
    ['jest-junit', { outputDirectory: 'test-reports', outputName: 'languages-junit.xml' }],
  ],
};
