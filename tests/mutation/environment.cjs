// The Node test environment, plus two things for Stryker's runs only:
// - the "bail" Stryker asks for and Jest cannot be told programmatically: once
//   a test fails with a mutant active the mutant is killed, so the rest of
//   that mutant's tests are skipped rather than run for nothing. Jest
//   dispatches test_start before it decides whether to skip a test, so
//   marking the test skipped there is honoured; runner.cjs then loads no
//   further test file for that mutant.
// - in the dry run (every test, no mutant active), noting which file holds
//   each test, for sequencer.cjs.
const { TestEnvironment } = require('jest-environment-node');
const killed = require('./killed.cjs');
const testFiles = require('./test-files.cjs');

class MutationEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.testPath = context.testPath;
    this.rootDir = config.projectConfig.rootDir;
  }

  async handleTestEvent(event) {
    const underStryker = Boolean(this.global.__stryker__);
    const mutant = killed.active();
    if (underStryker && !mutant && event.name === 'test_start') testFiles.known(this.rootDir).set(testFiles.fullName(event.test), this.testPath);
    if (underStryker && !mutant && event.name === 'run_finish') testFiles.save(this.rootDir);
    if (!mutant) return;
    if (event.name === 'test_start' && killed.already()) event.test.mode = 'skip';
    if (event.name === 'test_done' && event.test.errors.length > 0) killed.record(mutant);
  }
}

module.exports = MutationEnvironment;
