// Stryker runs the fast, pure suites only: the domain and calendar are covered
// by unit tests, and the database suites would make every mutant take minutes.
import base from './jest.config.js';

export default { ...base, testMatch: ['<rootDir>/tests/unit/**/*.test.ts'], maxWorkers: 1 };
