// Stryker runs the fast, pure suites only: the domain and calendar are covered
// by unit tests, and the database suites would make every mutant take minutes.
// tests/mutation/ makes each mutant's run cheap without changing its verdict:
// only the files holding the covering tests are loaded, and a mutant's run stops
// at its first failing test, loading no further file (docs/mutation.md).
import { fileURLToPath } from 'node:url';
import { common } from './jest.config.js';

// Absolute paths: Stryker wraps the environment and resolves it without <rootDir>.
const here = (file) => fileURLToPath(new URL(file, import.meta.url));

export default {
  ...common,
  testMatch: ['<rootDir>/tests/unit/**/*.test.ts'],
  testEnvironment: here('./tests/mutation/environment.cjs'),
  testSequencer: here('./tests/mutation/sequencer.cjs'),
  runner: here('./tests/mutation/runner.cjs'),
  maxWorkers: 1,
};
