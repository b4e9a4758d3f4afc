// Jest's own in-band runner, one test file at a time, which reports a file
// as skipped without loading it once the active mutant has failed a test:
// the mutant is killed, and its verdict cannot change. A static mutant (one
// in code that runs when a module loads) gets no test-name filter, so
// without this every mutant of a module-level table loaded every unit test
// file, about half a second each under --experimental-vm-modules, even after
// the first failure. Runs with no mutant active (the dry run) load every file.
const DefaultRunner = require('jest-runner').default;
const { createEmptyTestResult } = require('@jest/test-result');
const killed = require('./killed.cjs');

// Jest counts a file that reports no test at all as a suite that failed to run, which Stryker would take for a
// runtime error rather than a kill: the file reports one skipped entry instead.
const notLoaded = (testFilePath) => ({
  ...createEmptyTestResult(),
  testFilePath,
  skipped: true,
  numPendingTests: 1,
  testResults: [{
    ancestorTitles: [], title: 'not loaded: the mutant was already killed', fullName: 'not loaded: the mutant was already killed',
    status: 'pending', duration: 0, failureMessages: [], failureDetails: [], numPassingAsserts: 0, location: null,
  }],
});

class MutationRunner {
  constructor(globalConfig, context) {
    this.inner = new DefaultRunner(globalConfig, context);
    this.listeners = new Map();
    this.isSerial = true;
    this.supportsEventEmitters = true;
  }

  on(event, listener) {
    if (!this.listeners.has(event)) this.listeners.set(event, []);
    this.listeners.get(event).push(listener);
    return this.inner.on(event, listener);
  }

  async emit(event, args) {
    for (const listener of this.listeners.get(event) ?? []) await listener(args);
  }

  async runTests(tests, watcher, options) {
    for (const test of tests) {
      if (killed.already()) {
        await this.emit('test-file-start', [test]);
        await this.emit('test-file-success', [test, notLoaded(test.path)]);
        continue;
      }
      await this.inner.runTests([test], watcher, { ...options, serial: true });
    }
  }
}

module.exports = MutationRunner;
