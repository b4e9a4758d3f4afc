// ES modules all the way down: the generated Prisma client relies on
// import.meta.url, so swc keeps `import` and Jest runs with vm modules.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
    }],
  },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  setupFiles: ['<rootDir>/tests/setup-env.ts'],
  globalSetup: '<rootDir>/tests/global-setup.mjs',
  // Suites that start bots and databases share two cores with whatever else runs: room to spare, never a measure of speed.
  testTimeout: 180000,
  // Three on two cores: many suites wait on child processes, PostgreSQL and timers (a two-worker run kept the cores
  // 90 % busy). Measured on one machine: 606-629 s with two workers, 532 s with three.
  maxWorkers: 3,
};
