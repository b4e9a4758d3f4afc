import fs from 'node:fs';
import path from 'node:path';

// Every numbered rule of the protocol needs a test whose name carries its id.
// docs/protocol/ is the repository's copy of the partnership's
// ../shared/protocol/ (checked equal below when that folder is beside the
// checkout), so a clean clone can run this test too.
const root = path.resolve(import.meta.dirname, '../..');
const FILES = ['RULES.md', 'section-117-escalation-protocol.txt'];
const copy = path.join(root, 'docs/protocol/RULES.md');
const shared = path.resolve(root, '../shared/protocol');

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : testFiles(p);
    return /\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

/** The rule ids named in test titles: the first argument of it(), test() or describe(), and it.each's. */
function taggedIds(): Set<string> {
  const ids = new Set<string>();
  const title = /\b(?:it|test|describe)(?:\.each\([^)]*\))?\(\s*(['"`])((?:(?!\1)[^\\]|\\.)*)\1/g;
  for (const f of testFiles(path.join(root, 'tests'))) {
    for (const m of fs.readFileSync(f, 'utf8').matchAll(title)) {
      for (const id of m[2]!.matchAll(/\[(R\d+\.\d+)\]/g)) ids.add(id[1]!);
    }
  }
  return ids;
}

const rules = [...new Set(fs.readFileSync(copy, 'utf8').match(/^#+\s*(R\d+\.\d+)\b|^\s*[-*]?\s*\**(R\d+\.\d+)\b/gm)?.map((l) => l.match(/R\d+\.\d+/)![0]) ?? [])];

describe('rule coverage', () => {
  it('reads the rule ids from RULES.md', () => {
    expect(rules.length).toBeGreaterThanOrEqual(40);
    expect(rules).toEqual(expect.arrayContaining(['R0.1', 'R0.5', 'R2.4', 'R2.5', 'R5.8', 'R5.9', 'R7.4', 'R11.2']));
  });

  it('has, for every rule, a test whose name carries its id', () => {
    const tagged = taggedIds();
    expect(rules.filter((r) => !tagged.has(r))).toEqual([]);
  });

  (fs.existsSync(shared) ? it.each(FILES) : it.skip.each(FILES))('keeps its copy of %s equal to the partnership\'s', (file) => {
    expect(fs.readFileSync(path.join(root, 'docs/protocol', file), 'utf8')).toBe(fs.readFileSync(path.join(shared, file), 'utf8'));
  });
});
