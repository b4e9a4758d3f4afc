// Jest's own order, narrowed in a mutant's run to the files holding the tests
// Stryker asked for (its --testNamePattern is the covering tests' names). Jest
// would load every other file only to skip all of its tests, which under
// --experimental-vm-modules costs about half a second a file, per mutant.
// A file the dry run did not see is kept; without a pattern, every file runs.
const Sequencer = require('@jest/test-sequencer').default;
const testFiles = require('./test-files.cjs');

class MutationSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.pattern = options.globalConfig.testNamePattern;
  }

  async sort(tests) {
    const all = await super.sort(tests);
    if (!this.pattern || all.length === 0) return all;
    const known = testFiles.known(all[0].context.config.rootDir);
    const re = new RegExp(this.pattern, 'i');
    const wanted = new Set();
    const seen = new Set(known.values());
    for (const [name, file] of known) if (re.test(name)) wanted.add(file);
    const kept = all.filter((t) => wanted.has(t.path) || !seen.has(t.path));
    return kept.length ? kept : all;
  }
}

module.exports = MutationSequencer;
