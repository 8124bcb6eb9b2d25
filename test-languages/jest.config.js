// Language packages: the app of each language (examples/python-app,
// examples/java-app, examples/go-app) installs the package built in dist/ and
// must synthesize the same templates as the TypeScript twin (examples/ts-twin).
// Run with `npx projen test:languages` (builds the packages first), or
// `jest -c test-languages/jest.config.js` when dist/ holds them.
// LANGUAGES=python,java limits the languages compared.
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
