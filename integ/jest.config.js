// Integration suite: deploys every example app to a local AWS emulator
// (MiniStack; `npm run integ`) or to an AWS account (`npm run integ:aws`) with
// the CDK CLI, checks its message flows end to end and destroys it. Run with
// `jest -c integ/jest.config.js --runInBand` (one target, one suite at a
// time). See docs/emulator.md.
// On an AWS account (`npm run integ:aws`) every wait is longer: see timeScale in integ/harness/target.ts.
const timeScale = Number(process.env.INTEG_TIME_SCALE) || (process.env.INTEG_TARGET === 'aws' ? 3 : 1);

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
  testTimeout: timeScale * 10 * 60_000,
  collectCoverage: false,
  verbose: true,
  reporters: [
    'default',
    ['jest-junit', { outputDirectory: 'test-reports', outputName: 'integ-junit.xml' }],
  ],
};
