import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/app/logger.ts';
import { startBot } from '../../src/bot.ts';
import { runCli } from '../../src/cli/s117.ts';
import { loadEnv } from '../../src/platforms.ts';
import { FakeClock } from '../fakes/clock.ts';
import { buildRegister } from '../fixtures/register.ts';
import { DIRECTORY } from '../helpers/app.ts';

// `s117 db backup` and `s117 db restore` on the embedded database, through
// the real CLI: backed up while the bot runs (through the bot, which owns
// the folder), wiped, restored, and the register reads back identical.

describe('backup and restore of the embedded database', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-backup-'));
  const dataDir = path.join(dir, 'data');
  const clock = new FakeClock('2026-10-05T10:00:00Z');
  const env = { DATA_DIR: dataDir, DIRECTORY_FILE: DIRECTORY, LOG_LEVEL: 'silent' };
  const s117 = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(argv, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env, clock });
    return { code, out, err };
  };
  /** The whole register as the CLI exports it, and one dispute's full history. */
  const snapshot = async () => {
    const rows = await s117('register', 'export', '--format', 'json');
    const one = await s117('dispute', 'show', 'S117-2026-0002', '--json');
    expect([rows.code, one.code]).toEqual([0, 0]);
    return { rows: rows.out, one: one.out };
  };
  afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('backs up while the bot runs, refuses to restore under it, and after a wipe restores the register identical', async () => {
    const bot = await startBot({ env: loadEnv({ ...env, PORT: '0', HOST: '127.0.0.1' }), logger: createLogger('silent'), clock, scheduler: false });
    let before: Awaited<ReturnType<typeof snapshot>>;
    const file = path.join(dir, 'backups', 's117.tar.gz');
    try {
      await buildRegister(bot, clock);
      before = await snapshot();
      expect(JSON.parse(before.rows)).toHaveLength(3);
      const backup = await s117('db', 'backup', file);
      expect(backup).toMatchObject({ code: 0, err: expect.stringMatching(/runs through it/) });
      expect(backup.out).toMatch(/Backed up 3 dispute\(s\) from embedded PGlite in .* to .*s117\.tar\.gz/);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const refused = await s117('db', 'restore', file);
      expect(refused).toMatchObject({ code: 75, err: expect.stringMatching(/Stop the bot first/) });
    } finally {
      await bot.stop();
    }

    fs.rmSync(dataDir, { recursive: true, force: true });
    const restored = await s117('db', 'restore', file);
    expect(restored).toMatchObject({ code: 0, out: `Restored 3 dispute(s) from ${file} into ${dataDir}.\n` });
    expect(await snapshot()).toEqual(before);
    expect(fs.existsSync(path.join(dataDir, 's117-owner.lock'))).toBe(false);
  }, 400_000);

  it('refuses to restore over a register with disputes unless --force, and keeps what it replaced', async () => {
    const file = path.join(dir, 'backups', 's117.tar.gz');
    const refused = await s117('db', 'restore', file);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/already holds 3 dispute\(s\).*--force/);
    const forced = await s117('db', 'restore', file, '--force');
    expect(forced.code).toBe(0);
    const kept = /is kept in (\S+);/.exec(forced.out)?.[1];
    expect(kept && fs.existsSync(path.join(kept, 'PG_VERSION'))).toBe(true);
    expect(JSON.parse((await s117('register', 'export', '--format', 'json')).out)).toHaveLength(3);
  }, 300_000);

  it('says clearly when the file is not a backup, and changes nothing', async () => {
    const junk = path.join(dir, 'junk.tar.gz');
    fs.writeFileSync(junk, 'not a backup');
    const r = await s117('db', 'restore', junk, '--force');
    expect(r).toMatchObject({ code: 1, err: expect.stringMatching(/is not a backup of the register.*s117 db backup FILE/) });
    expect((await s117('db', 'restore', path.join(dir, 'missing.tar.gz'))).err).toMatch(/does not exist/);
    expect(JSON.parse((await s117('register', 'export', '--format', 'json')).out)).toHaveLength(3);
  }, 300_000);

  it('on a folder the bot has never started on, says there is no register yet instead of a database error', async () => {
    const never = path.join(dir, 'never-started');
    let err = '';
    const r = await runCli(['db', 'backup', path.join(dir, 'none.tar.gz')], {
      stdout: () => {}, stderr: (s) => { err += s; }, env: { ...env, DATA_DIR: never }, clock,
    });
    expect({ code: r, err }).toEqual({ code: 78, err: `DATA_DIR: there is no register in ${never} yet, so there is nothing to back up. `
      + 'Set DATA_DIR to the folder the bot uses, or start the bot once (npm start) to make the register.\n' });
    expect(fs.existsSync(path.join(dir, 'none.tar.gz'))).toBe(false);
  }, 120_000);

  it('points PostgreSQL users at pg_dump and pg_restore', async () => {
    const pgEnv = { ...env, DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' };
    for (const [cmd, tool] of [['backup', 'pg_dump'], ['restore', 'pg_restore']] as const) {
      let err = '';
      const code = await runCli(['db', cmd, 'x.dump'], { stdout: () => {}, stderr: (s) => { err += s; }, env: pgEnv });
      expect({ code, err }).toEqual({ code: 2, err: expect.stringContaining(tool) });
    }
  });
});
