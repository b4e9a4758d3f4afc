import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readLock } from '../../src/register/data-dir-lock.ts';
import { buildDist, runNode } from '../helpers/child.ts';
import { until } from '../helpers/wait.ts';

// The README invites running `s117` while `npm start` runs on the same
// DATA_DIR. The compiled bot and the compiled CLI run here as separate
// processes on one folder: the CLI goes through the bot, a second bot is
// refused, and after kill -9 the next process takes the folder over. No
// dispute is ever lost or hidden.

beforeAll(buildDist, 180_000);

const run = (file: string, args: string[], env: Record<string, string>) => runNode([file, ...args], env);

describe('the CLI and the bot on one DATA_DIR', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-owner-'));
    env = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(dir, 'data'), DIRECTORY_FILE: 'config/directory.example.yaml', LOG_LEVEL: 'warn', SCHEDULER: 'off' };
  });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  const s117 = async (...args: string[]) => {
    const p = run('bin/s117.js', args, env);
    const code = await p.exited;
    return { code, out: p.out(), err: p.err() };
  };
  const startBot = async () => {
    const bot = run('dist/src/main.js', [], env);
    await until(() => /http:\/\/localhost:\d+/.test(bot.out()) && readLock(env.DATA_DIR!)?.admin, 'the bot to start and serve the CLI', 60_000);
    return bot;
  };

  it('runs CLI commands through the running bot, refuses a second bot, and recovers after kill -9', async () => {
    const bot = await startBot();
    try {
      const first = await s117('dispute', 'raise', '--as', 'ali-khan', '--file', 'tests/fixtures/raise-funding.yaml');
      expect(first).toMatchObject({ code: 0, out: expect.stringMatching(/^S117-\d{4}-0001 — Stage 1/) });
      expect(first.err).toMatch(/The bot is running on .*data \(process \d+\); this command runs through it\./);
      const second = await s117('dispute', 'raise', '--as', 'ali-khan', '--file', 'tests/fixtures/raise-funding.yaml');
      expect(second.out).toMatch(/^S117-\d{4}-0002/);
      const ref2 = /^(S117-\d{4}-0002)/.exec(second.out)![1]!;
      expect(await s117('dispute', 'show', ref2)).toMatchObject({ code: 0, out: expect.stringMatching(/History:\n.*RAISED/s) });
      expect((await s117('dispute', 'list')).out.match(/^S117-/gm)).toHaveLength(2);
      // A command that needs no database does not bother the bot.
      expect(await s117('calendar', 'check', '2026-12-25')).toMatchObject({ code: 0, err: '' });

      const twin = run('dist/src/main.js', [], env);
      expect(await twin.exited).toBe(75);
      expect(twin.err()).toMatch(/^The bot cannot start: DATA_DIR: the embedded database in .*data is in use by the running bot \(process \d+, since .*\); two bots cannot share one folder\. Stop that bot, or give this one a DATA_DIR \(and PORT\) of its own\./);

      bot.child.kill('SIGKILL');
      await bot.exited;
      // The lock file is still there, naming a dead process: the CLI takes the folder over and sees everything.
      expect(readLock(env.DATA_DIR!)?.pid).toBe(bot.child.pid);
      const after = await s117('dispute', 'list');
      expect(after).toMatchObject({ code: 0, err: '' });
      expect(after.out.match(/^S117-/gm)).toHaveLength(2);

      const third = await s117('dispute', 'raise', '--as', 'ali-khan', '--file', 'tests/fixtures/raise-funding.yaml');
      expect(third.out).toMatch(/^S117-\d{4}-0003/);

      // A bot killed again leaves a stale lock that the next bot takes over, with all three disputes.
      const again = await startBot();
      try {
        again.child.kill('SIGKILL');
        await again.exited;
        const restarted = await startBot();
        try {
          expect((await s117('dispute', 'list')).out.match(/^S117-/gm)).toHaveLength(3);
        } finally {
          restarted.child.kill('SIGTERM');
          expect(await restarted.exited).toBe(0);
        }
      } finally {
        again.child.kill('SIGKILL');
      }
      expect(readLock(env.DATA_DIR!)).toBeNull();
    } finally {
      bot.child.kill('SIGKILL');
    }
  }, 300_000);
});
