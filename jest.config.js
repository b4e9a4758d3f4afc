// ES modules all the way down: the generated Prisma client relies on
// import.meta.url, so swc keeps `import` and Jest runs with vm modules.
export const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
    }],
  },
  setupFiles: ['<rootDir>/tests/setup-env.ts'],
  // Suites that start bots and databases share two cores with whatever else runs: room to spare, never a measure of speed.
  testTimeout: 180000,
};

// Three tiers, picked with --selectProjects (package.json: test:unit, test:fast, test):
//   unit        pure code (domain, calendar, wording, files in the repository): no database, no child process
//   integration the bot in this process against PGlite (and PostgreSQL when TEST_DATABASE_URL is set) and the fakes
//   e2e         the compiled bot and CLI as child processes, and the register in a real browser
export default {
  // Once per run, before any worker: the initdb seed every embedded database in the suites loads.
  globalSetup: '<rootDir>/tests/global-setup.mjs',
  // Longest suites first, from tests/suite-times.json where Jest has no cache of its own (a CI clone).
  testSequencer: '<rootDir>/tests/sequencer.mjs',
  testTimeout: common.testTimeout,
  // Three on two cores: many suites wait on child processes, PostgreSQL and timers (a two-worker run kept the cores
  // 90 % busy). Measured on one machine: 606-629 s with two workers, 532 s with three.
  maxWorkers: 3,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/tests/unit/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/tests/contract/**/*.test.ts', '<rootDir>/tests/integration/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'] },
  ],
};
