// Integration suite: deploys every example app to a local AWS emulator
// (MiniStack) with the CDK CLI and checks its message flows end to end.
// Run with `jest -c integ/jest.config.js --runInBand` (one emulator, one suite
// at a time, reset between suites). See docs/emulator.md.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/integ'],
  testMatch: ['<rootDir>/integ/**/*.integ.ts'],
  transform: {
    '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }],
  },
  globalSetup: '<rootDir>/integ/global-setup.ts',
  globalTeardown: '<rootDir>/integ/global-teardown.ts',
  // Lint first (no emulator needed), then the gap report, then the examples.
  testSequencer: '<rootDir>/integ/sequencer.js',
  maxWorkers: 1,
  testTimeout: 10 * 60_000,
  collectCoverage: false,
  verbose: true,
  reporters: [
    'default',
    ['jest-junit', { outputDirectory: 'test-reports', outputName: 'integ-junit.xml' }],
  ],
};
