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
// MUTATION_ONLY (same form) keeps only those files, in the dry run too: a part
// of a run on a busy machine, where a static survivor would otherwise rerun the
// whole unit tier. That can turn a kill elsewhere into a survivor, never the
// other way, so such a part's score is a lower bound (docs/mutation.md).
const Sequencer = require('@jest/test-sequencer').default;
const testFiles = require('./test-files.cjs');

const paths = (name) => (process.env[name] ?? '').split(/\s+/).filter(Boolean);

function only(tests) {
  const wanted = paths('MUTATION_ONLY');
  const kept = tests.filter((t) => wanted.some((w) => t.path.includes(w)));
  return kept.length ? kept : tests;
}

function first(tests) {
  const wanted = paths('MUTATION_FIRST');
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
    const all = first(only(await super.sort(tests)));
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
