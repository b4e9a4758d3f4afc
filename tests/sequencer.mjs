// Longest suites first, so no worker is left running a two-minute suite alone at the end of the run.
// Jest does that by itself only from its cache of the last run's times; CI starts from a clean clone with no
// cache and Jest falls back to file size, which puts the short files that start child processes (tests/e2e)
// last. tests/suite-times.json holds each suite's measured time (seconds, see docs/testing.md for how to
// refresh it); Jest's cached time wins where there is one. A suite in neither (one added since the file was
// written) goes first, by size, as Jest itself runs a suite it has no time for first: it may be a long one.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import TestSequencer from '@jest/test-sequencer';

const Sequencer = TestSequencer.default ?? TestSequencer;
const TIMES_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'suite-times.json');

function knownTimes() {
  try {
    return JSON.parse(fs.readFileSync(TIMES_FILE, 'utf8'));
  } catch {
    return {};
  }
}

class LongestFirst extends Sequencer {
  sort(tests) {
    const known = knownTimes();
    const size = new Map();
    const sizeOf = (t) => {
      if (!size.has(t.path)) size.set(t.path, t.context.hasteFS.getSize(t.path) ?? 0);
      return size.get(t.path);
    };
    const estimate = (t) => {
      const cached = this.time(t);
      if (cached != null) return cached;
      const rel = path.relative(t.context.config.rootDir, t.path).split(path.sep).join('/');
      return typeof known[rel] === 'number' ? known[rel] * 1000 : null;
    };
    const keyed = tests.map((t) => ({ t, failed: this.hasFailed(t), ms: estimate(t) }));
    keyed.sort((a, b) => {
      if (a.failed !== b.failed) return a.failed ? -1 : 1;
      if ((a.ms == null) !== (b.ms == null)) return a.ms == null ? -1 : 1;
      if (a.ms != null && b.ms != null && a.ms !== b.ms) return b.ms - a.ms;
      return sizeOf(b.t) - sizeOf(a.t);
    });
    for (const k of keyed) k.t.duration = k.ms ?? undefined;
    return keyed.map((k) => k.t);
  }
}

export default LongestFirst;
