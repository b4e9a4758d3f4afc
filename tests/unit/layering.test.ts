import fs from 'node:fs';
import path from 'node:path';

// DESIGN.md: domain/ (and calendar/) are pure. ESLint enforces this too; this
// test keeps it true even when someone runs the tests without the linter.
function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('layers', () => {
  it.each(['src/domain', 'src/calendar'])('%s imports nothing from adapters, the register, Prisma or Node I/O', (dir) => {
    const bad: string[] = [];
    for (const f of files(dir)) {
      const src = fs.readFileSync(f, 'utf8');
      for (const m of src.matchAll(/from '([^']+)'/g)) {
        const spec = m[1]!;
        if (/^node:|^(fs|path|http|net|child_process|pg)$|^@prisma|^@slack|^botbuilder|^@electric-sql|\/(adapters|register|app|generated)\//.test(spec)) bad.push(`${f}: ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('keeps botbuilder inside src/adapters/teams (the SDK is archived upstream; a move must stay local)', () => {
    const outside = files('src').filter((f) => !f.startsWith(`src${path.sep}adapters${path.sep}teams`) && !f.includes(`${path.sep}generated${path.sep}`))
      .filter((f) => /from 'botbuilder|from 'botframework/.test(fs.readFileSync(f, 'utf8')));
    expect(outside).toEqual([]);
  });
});
