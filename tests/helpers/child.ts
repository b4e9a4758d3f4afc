import { spawn } from 'node:child_process';

/**
 * Compiles the bot as `npm start` does (scripts/build-if-changed.mjs), so end-to-end suites run the shipped
 * JavaScript. Several suites need it, often at once in parallel workers: one compiles while the others wait, and
 * nobody compiles again until a source file changes.
 */
export async function buildDist(): Promise<void> {
  const child = spawn(process.execPath, ['scripts/build-if-changed.mjs'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`scripts/build-if-changed.mjs exited ${code}`);
}

/**
 * Runs `node <args>` with only PATH and `env` set, so nothing from the test's own environment (a developer's Slack
 * token, DATABASE_URL) leaks into the child, and collects what it prints.
 */
export function runNode(args: string[], env: Record<string, string>, cwd?: string) {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
  let out = '';
  let err = '';
  child.stdout.on('data', (b) => { out += String(b); });
  child.stderr.on('data', (b) => { err += String(b); });
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => { code = c; resolve(c); }));
  return { child, exited, out: () => out, err: () => err, exitCode: () => code };
}
