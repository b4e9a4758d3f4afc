import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDist } from '../helpers/child.ts';

// What the Dockerfile does, without Docker: compile in a full install, then
// in a clean copy install production dependencies only, add dist/, and start
// the bot. Nothing from devDependencies may be needed at run time.

const copy = fs.mkdtempSync(path.join(os.tmpdir(), 's117-prod-'));
afterAll(() => { fs.rmSync(copy, { recursive: true, force: true }); });

function npmCi(): { ok: true } | { ok: false; offline: boolean; output: string } {
  const r = spawnSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: copy, encoding: 'utf8', timeout: 900_000 });
  if (r.status === 0) return { ok: true };
  const output = `${r.stdout}\n${r.stderr}\n${r.error?.message ?? ''}`;
  return { ok: false, offline: /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|ENOENT.*npm/.test(output), output };
}

describe('a production install', () => {
  it('starts the bot and answers /readyz with production dependencies only', async () => {
    await buildDist();
    const files = execFileSync('git', ['ls-files'], { encoding: 'utf8' }).split('\n').filter((f) => f && !f.startsWith('tests/') && fs.existsSync(f));
    for (const f of files) {
      fs.mkdirSync(path.join(copy, path.dirname(f)), { recursive: true });
      fs.copyFileSync(f, path.join(copy, f));
    }
    fs.cpSync('dist', path.join(copy, 'dist'), { recursive: true });
    const install = npmCi();
    if (!install.ok && install.offline) {
      process.stdout.write(`SKIPPED the production install test: npm could not reach the registry.\n${install.output.slice(-2000)}\n`);
      return;
    }
    expect(install).toEqual({ ok: true });
    expect(fs.existsSync(path.join(copy, 'src', 'generated'))).toBe(false); // the postinstall did not build
    // (TypeScript itself may be there: it is an optional peer of prisma. Nothing runs it.)
    for (const dev of ['jest', 'tsx', 'eslint', '@swc/core', '@types/luxon']) expect({ dev, present: fs.existsSync(path.join(copy, 'node_modules', dev)) }).toEqual({ dev, present: false });

    const child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: copy, stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(copy, 'data'), LOG_LEVEL: 'warn' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => { out += String(b); });
    child.stderr.on('data', (b) => { err += String(b); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const end = Date.now() + 180_000;
      let port: string | undefined;
      while (!(port = /http:\/\/localhost:(\d+)/.exec(out)?.[1])) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`the bot did not start:\n${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect({ status: ready.status, body: await ready.json() }).toMatchObject({ status: 200, body: { status: 'ready' } });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 1_200_000);
});
