// `npm start` and the end-to-end suites compile through here: tsc runs only when
// a file under src/ or the compiler's settings changed since the last build
// (a full compile takes ~30 s of two cores; checking the key takes well under one).
// Several processes may ask at once (parallel test workers): one compiles while
// the others wait on its lock, and nobody compiles the same sources twice.
// A production install has no TypeScript: it runs the dist/ it was given.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (...p) => path.join(root, ...p);
const KEY_FILE = at('dist', '.build-key');
const LOCK = at('dist.build-lock');
const tsc = at('node_modules', 'typescript', 'bin', 'tsc');

/** What the compiled bot depends on: every file under src/ and the compiler's settings. */
export function sourceKey() {
  const hash = crypto.createHash('sha256');
  const files = ['package.json', 'tsconfig.json', 'tsconfig.build.json',
    ...fs.readdirSync(at('src'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)))];
  for (const f of files.sort()) hash.update(f).update('\0').update(fs.readFileSync(at(f))).update('\0');
  return hash.digest('hex');
}

const built = (key) => fs.existsSync(KEY_FILE) && fs.readFileSync(KEY_FILE, 'utf8') === key;
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** Compiles unless dist/ already holds these sources; returns whether it compiled. */
export async function buildIfChanged() {
  if (!fs.existsSync(tsc) || !fs.existsSync(at('src'))) return false;
  const key = sourceKey();
  for (;;) {
    if (built(key)) return false;
    try {
      fs.mkdirSync(LOCK);
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      // A process that died mid-build leaves its lock; a build takes well under two minutes.
      const age = Date.now() - (fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) fs.rmSync(LOCK, { recursive: true, force: true });
      else await pause(200);
      continue;
    }
    try {
      if (built(key)) return false;
      fs.rmSync(KEY_FILE, { force: true });
      const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
      if (r.status !== 0) {
        process.stderr.write('The bot did not compile: fix the TypeScript errors above, then run npm start again.\n');
        // process.exit skips the finally below: the next start would wait two minutes for this lock.
        fs.rmSync(LOCK, { recursive: true, force: true });
        process.exit(r.status ?? 1);
      }
      fs.writeFileSync(KEY_FILE, key);
      return true;
    } finally {
      fs.rmSync(LOCK, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildIfChanged();
