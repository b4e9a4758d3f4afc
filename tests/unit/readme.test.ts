import fs from 'node:fs';
import path from 'node:path';
import { envSchema } from '../../src/platforms.ts';

// The README is the user's document: short, true about every setting, and whole in a fresh clone.
const readme = fs.readFileSync('README.md', 'utf8');

/** The configuration table's rows: variable → default as written (backticks removed). */
function configTable(): Map<string, string> {
  const section = readme.split(/^## Configuration$/m)[1]!.split(/^## /m)[0]!;
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const m = /^\| `([A-Z_]+)` \| (.*?) \|/.exec(line);
    if (m) rows.set(m[1]!, m[2]!.replace(/`/g, ''));
  }
  return rows;
}

/** The default the schema really gives a variable that is not set, written as the table writes it. */
function trueDefault(name: string): string {
  const value: unknown = (envSchema.shape as unknown as Record<string, { parse(v: unknown): unknown }>)[name]!.parse(undefined);
  if (value === undefined) return '*(unset)*';
  if (Array.isArray(value)) return value.length ? value.join(',') : '*(none)*';
  return String(value);
}

/** Every relative link target in a markdown file, without its #anchor. */
function relativeLinks(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!)
    .filter((l) => !/^(https?:|mailto:|#)/.test(l)).map((l) => l.split('#')[0]!);
}

describe('README', () => {
  it('is short enough to read: at most 300 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
  });

  it('opens with the two commands: start on the embedded database, and test', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(readme.indexOf('```sh')).toBeLessThan(100);
    expect(firstBlock).toMatch(/^npm ci && npm start\b/m);
    expect(firstBlock).toMatch(/^npm test\b/m);
  });

  it('lists every setting the bot reads, each with its true default', () => {
    const rows = configTable();
    const names = Object.keys(envSchema.shape);
    expect(names.filter((n) => !rows.has(n))).toEqual([]);
    expect(names.map((n) => [n, rows.get(n)])).toEqual(names.map((n) => [n, trueDefault(n)]));
    expect([...rows.keys()].filter((n) => !names.includes(n))).toEqual([]);
  });

  it('names the test tiers that package.json has, and says which to run when', () => {
    const scripts = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const tier of ['test:unit', 'test:fast']) {
      expect(scripts[tier]).toBeDefined();
      expect(readme).toContain(`npm run ${tier}`);
    }
    expect(scripts.test).toBe('npm run typecheck && npm run lint && npm run test:jest');
  });

  it('links into docs/ for deployment, architecture, benchmarks, security and governance', () => {
    const links = relativeLinks(readme);
    expect(links).toEqual(expect.arrayContaining(['docs/deploy.md', 'ARCHITECTURE.md', 'docs/benchmarks.md', 'SECURITY.md', 'docs/governance.md']));
  });
});

describe('links in the documentation', () => {
  const pages = ['README.md', 'ARCHITECTURE.md', 'SECURITY.md',
    ...fs.readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))];
  it.each(pages)('%s links only to files a clone has', (page) => {
    const text = fs.readFileSync(page, 'utf8');
    // Paths to sibling checkouts (../shared/…) exist on the authors' machines only.
    expect(text).not.toMatch(/\.\.\/shared\b/);
    const missing = relativeLinks(text).filter((l) => {
      const target = path.resolve(path.dirname(page), l);
      return !target.startsWith(process.cwd()) || !fs.existsSync(target);
    });
    expect(missing).toEqual([]);
  });
});
