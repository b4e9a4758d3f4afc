import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDist, runNode } from '../helpers/child.ts';
import { until } from '../helpers/wait.ts';

// The compiled bot and CLI, as `npm start` and `npx s117` run them: a DATA_DIR
// that other accounts can read stops them with exit 78 and one line saying
// what to run; a fresh one is created owner-only whatever the caller's umask.

beforeAll(buildDist, 180_000);

describe('DATA_DIR permissions at start', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-mode-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('refuses a DATA_DIR others can read: exit 78, one line naming the chmod, no stack trace', async () => {
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir);
    fs.chmodSync(dataDir, 0o755);
    const env = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DIRECTORY_FILE: 'config/directory.example.yaml', SCHEDULER: 'off' };
    const bot = runNode(['dist/src/main.js'], env);
    expect(await bot.exited).toBe(78);
    const line = `DATA_DIR: ${dataDir} can be read or changed by other accounts on this computer (permissions 0755), `
      + `and it holds personal data. Run: chmod -R go-rwx ${dataDir}   then start again.`;
    expect(bot.err()).toBe(`The bot cannot start: ${line}\n`);
    const cli = runNode(['bin/s117.js', 'dispute', 'list'], env);
    expect(await cli.exited).toBe(78);
    expect(cli.err()).toBe(`${line}\n`);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('creates a new DATA_DIR and everything in it owner-only under a permissive umask', async () => {
    const dataDir = path.join(dir, 'data');
    // The child inherits this umask; the bot must not rely on it.
    const old = process.umask(0o000);
    let bot;
    try {
      bot = runNode(['dist/src/main.js'], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DIRECTORY_FILE: 'config/directory.example.yaml', SCHEDULER: 'off', LOG_LEVEL: 'warn' });
    } finally {
      process.umask(old);
    }
    try {
      // A fresh database runs initdb and every migration: on a busy shared machine that takes minutes.
      await until(() => /http:\/\/localhost:\d+/.test(bot.out()) || bot.exitCode() !== undefined, 'the banner', 280_000);
      expect(/http:\/\/localhost:\d+/.test(bot.out()) ? 'started' : bot.err()).toBe('started');
      const open: string[] = [];
      for (const e of [{ parentPath: dir, name: 'data' }, ...fs.readdirSync(dataDir, { recursive: true, withFileTypes: true })]) {
        const p = path.join(e.parentPath, e.name);
        const st = fs.lstatSync(p, { throwIfNoEntry: false });
        if (st && !st.isSymbolicLink() && (st.mode & 0o077) !== 0) open.push(`${p} ${(st.mode & 0o777).toString(8)}`);
      }
      expect(open).toEqual([]);
    } finally {
      bot.child.kill('SIGTERM');
      await bot.exited;
    }
  }, 320_000);
});
