// Whether the mutant now active has already failed a test in this run: shared by
// environment.cjs (which records it) and runner.cjs (which stops loading files).
// Jest loads both in the runner's own process, outside the tests' module registry.
const ACTIVE = '__STRYKER_ACTIVE_MUTANT__';
const KEY = Symbol.for('s117.mutation.killed');

module.exports = {
  active: () => process.env[ACTIVE],
  record(mutant) { globalThis[KEY] = mutant; },
  /** True once a test has failed with the active mutant. */
  already() { const m = process.env[ACTIVE]; return Boolean(m) && globalThis[KEY] === m; },
};
