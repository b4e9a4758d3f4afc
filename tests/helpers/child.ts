import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { until } from './wait.ts';

const KEY_FILE = 'dist/.build-key';
const LOCK = 'dist.build-lock';

/** What the compiled bot depends on: every file under src/ and the compiler's settings. */
function sourceKey(): string {
  const hash = crypto.createHash('sha256');
  const files = ['package.json', 'tsconfig.json', 'tsconfig.build.json',
    ...fs.readdirSync('src', { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name))];
  for (const f of files.sort()) hash.update(f).update('\0').update(fs.readFileSync(f)).update('\0');
  return hash.digest('hex');
}

const built = (key: string) => fs.existsSync(KEY_FILE) && fs.readFileSync(KEY_FILE, 'utf8') === key;

/**
 * Compiles the bot as `npm start` does, so end-to-end suites run the shipped
 * JavaScript. Several suites need it, often at once in parallel workers: one
 * compiles (14 s of two cores) while the others wait, and nobody compiles
 * again until a source file changes.
 */
export async function buildDist(): Promise<void> {
  const key = sourceKey();
  for (;;) {
    if (built(key)) return;
    try {
      fs.mkdirSync(LOCK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A worker that died mid-build leaves its lock; a build takes well under two minutes.
      const age = Date.now() - (fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) fs.rmSync(LOCK, { recursive: true, force: true });
      else await until(() => !fs.existsSync(LOCK), 'the other build to finish', 150_000);
      continue;
    }
    try {
      if (built(key)) return;
      fs.rmSync(KEY_FILE, { force: true });
      execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
      fs.writeFileSync(KEY_FILE, key);
      return;
    } finally {
      fs.rmSync(LOCK, { recursive: true, force: true });
    }
  }
}

/**
 * Runs `node <args>` with only PATH and `env` set, so nothing from the test's own environment (a developer's Slack
 * token, DATABASE_URL) leaks into the child, and collects what it prints.
 */
export function runNode(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b) => { out += String(b); });
  child.stderr.on('data', (b) => { err += String(b); });
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => { code = c; resolve(c); }));
  return { child, exited, out: () => out, err: () => err, exitCode: () => code };
}
