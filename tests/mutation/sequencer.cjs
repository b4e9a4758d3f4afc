// Jest's own order, narrowed in a mutant's run to the files holding the tests
// Stryker asked for (its --testNamePattern is the covering tests' names). Jest
// would load every other file only to skip all of its tests, which under
// --experimental-vm-modules costs about half a second a file, per mutant.
// A file the dry run did not see is kept; without a pattern, every file runs.
// MUTATION_FIRST (space-separated parts of test file paths, e.g. the mutated
// file's own unit test) puts those files first. It matters for static mutants:
// they get no pattern, every file runs, and Jest's own order puts the slowest
// files first; with the runner's bail (runner.cjs) a mutant its own test kills
// then costs that one file instead of the whole unit tier. Order only: every
// file still runs for a mutant that survives, so no verdict changes.
const Sequencer = require('@jest/test-sequencer').default;
const testFiles = require('./test-files.cjs');

function first(tests) {
  const wanted = (process.env.MUTATION_FIRST ?? '').split(/\s+/).filter(Boolean);
  const rank = (t) => {
    const i = wanted.findIndex((w) => t.path.includes(w));
    return i < 0 ? wanted.length : i;
  };
  return tests.map((t, i) => [rank(t), i, t]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, , t]) => t);
}

class MutationSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.pattern = options.globalConfig.testNamePattern;
  }

  async sort(tests) {
    const all = first(await super.sort(tests));
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
