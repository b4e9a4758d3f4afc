import { execFileSync, spawn } from 'node:child_process';

/** Compiles the bot as `npm start` does, so end-to-end suites run the shipped JavaScript. */
export function buildDist(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
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
