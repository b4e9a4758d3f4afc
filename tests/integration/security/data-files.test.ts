import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createLogger } from '../../../src/app/logger.ts';
import { startBot } from '../../../src/bot.ts';
import { runCli } from '../../../src/cli/s117.ts';
import { loadEnv } from '../../../src/platforms.ts';
import { LOCK_FILE, readLock } from '../../../src/register/data-dir-lock.ts';
import { openDatabase } from '../../../src/register/db.ts';
import { DataDirExposed } from '../../../src/register/owner-only.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { DIRECTORY } from '../../helpers/app.ts';

// Files holding case data are readable by the bot's own account only. PGlite
// chmods what it writes to 0666 whatever the umask, so these tests run with
// this process's ordinary umask and look at every file and folder.

/** Every path under `dir` (and `dir` itself) whose mode lets the group or others in. */
function exposed(dir: string): string[] {
  const bad: string[] = [];
  const check = (p: string) => {
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (st && !st.isSymbolicLink() && (st.mode & 0o077) !== 0) bad.push(`${path.relative(dir, p) || '.'} ${(st.mode & 0o777).toString(8)}`);
  };
  check(dir);
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) check(path.join(e.parentPath, e.name));
  return bad;
}

const walSegments = (dataDir: string) => fs.readdirSync(path.join(dataDir, 'pg_wal')).filter((f) => /^[0-9A-F]{24}$/.test(f));
const mode = (file: string) => fs.statSync(file).mode & 0o777;

function cli(env: Record<string, string>, clock?: FakeClock) {
  return async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(argv, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env, ...(clock ? { clock } : {}) });
    return { code, out, err };
  };
}

describe('owner-only data files', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-files-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('creates DATA_DIR, every database file and folder (pg_wal too) and the lock owner-only, and keeps WAL segments written later owner-only', async () => {
    expect(process.umask() & 0o077).not.toBe(0o077); // the test proves nothing under an already strict umask
    const dataDir = path.join(dir, 'data');
    const db = await openDatabase({ dataDir, purpose: 'bot' });
    try {
      expect(fs.readdirSync(dataDir)).toEqual(expect.arrayContaining(['PG_VERSION', 'pg_wal', 'base', LOCK_FILE]));
      expect(exposed(dataDir)).toEqual([]);
      const before = walSegments(dataDir);
      // Enough writing for PostgreSQL to open new WAL segments long after start (16 MB each).
      await db.sql.exec(`CREATE TABLE filler (t text);
        INSERT INTO filler SELECT repeat(md5(g::text), 32) FROM generate_series(1, 40000) g;
        CHECKPOINT;`);
      const after = walSegments(dataDir);
      expect(after.filter((f) => !before.includes(f)).length).toBeGreaterThan(0);
      expect(exposed(dataDir)).toEqual([]);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('tightens a folder left readable inside by an older version when it opens it', async () => {
    const dataDir = path.join(dir, 'data');
    await (await openDatabase({ dataDir })).close();
    fs.chmodSync(path.join(dataDir, 'PG_VERSION'), 0o666);
    fs.chmodSync(path.join(dataDir, 'base'), 0o755);
    const db = await openDatabase({ dataDir });
    try {
      expect(exposed(dataDir)).toEqual([]);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('refuses a DATA_DIR that other accounts can read, in one line naming the chmod to run (exit 78 from the CLI)', async () => {
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    await expect(openDatabase({ dataDir })).rejects.toThrow(DataDirExposed);
    const r = await cli({ DATA_DIR: dataDir, DIRECTORY_FILE: DIRECTORY, LOG_LEVEL: 'silent' })('dispute', 'list');
    expect(r.code).toBe(78);
    expect(r.err).toBe(`DATA_DIR: ${dataDir} can be read or changed by other accounts on this computer (permissions 0755), `
      + `and it holds personal data. Run: chmod -R go-rwx ${dataDir}   then start again.\n`);
    // Nothing was opened or created in it.
    expect(fs.readdirSync(dataDir)).toEqual([]);
    fs.chmodSync(dataDir, 0o770);
    expect((await cli({ DATA_DIR: dataDir, DIRECTORY_FILE: DIRECTORY, LOG_LEVEL: 'silent' })('dispute', 'list')).code).toBe(78);
  });

  it('writes exports and reports owner-only, even over a file that was readable by others', async () => {
    const s117 = cli({ DATA_DIR: path.join(dir, 'data'), DIRECTORY_FILE: DIRECTORY, LOG_LEVEL: 'silent' }, new FakeClock('2026-12-07T10:00:00Z'));
    expect((await s117('dispute', 'raise', '--as', 'ali-khan', '--file', 'tests/fixtures/raise-funding.yaml')).code).toBe(0);
    const csv = path.join(dir, 'register.csv');
    fs.writeFileSync(csv, 'old');
    fs.chmodSync(csv, 0o644);
    expect(await s117('register', 'export', '--out', csv)).toMatchObject({ code: 0 });
    expect(fs.readFileSync(csv, 'utf8')).toMatch(/S117-2026-0001/);
    const json = path.join(dir, 'register.json');
    expect((await s117('register', 'export', '--format', 'json', '--out', json)).code).toBe(0);
    const html = path.join(dir, 'board.html');
    expect((await s117('report', '--from', '2026-10-01', '--to', '2026-12-31', '--out', html)).code).toBe(0);
    expect([mode(csv), mode(json), mode(html)]).toEqual([0o600, 0o600, 0o600]);
  }, 120_000);
});

describe('backups', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-files-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('made while the bot runs, never carry the admin endpoint\'s token (nor the lock), and say how to restore them', async () => {
    const dataDir = path.join(dir, 'data');
    const env = { DATA_DIR: dataDir, DIRECTORY_FILE: DIRECTORY, LOG_LEVEL: 'silent' };
    const clock = new FakeClock('2026-12-07T10:00:00Z');
    const bot = await startBot({ env: loadEnv({ ...env, PORT: '0', HOST: '127.0.0.1' }), logger: createLogger('silent'), clock, scheduler: false });
    const file = path.join(dir, 'backups', 's117.tar.gz');
    let token: string;
    try {
      token = readLock(dataDir)?.admin?.token ?? '';
      expect(token).toMatch(/^[0-9a-f]{64}$/);
      const r = await cli(env, clock)('db', 'backup', file);
      expect(r).toMatchObject({ code: 0, err: expect.stringMatching(/runs through it/) });
      expect(r.out).toContain(`To restore it: stop the bot, then run: s117 db restore ${file}\n`);
      expect(r.out).toMatch(/It is not encrypted\. To encrypt backups, make a key with "s117 db new-key FILE"/);
      expect(exposed(dataDir)).toEqual([]);
    } finally {
      await bot.stop();
    }
    expect([mode(file), mode(path.dirname(file))]).toEqual([0o600, 0o700]);
    const tar = zlib.gunzipSync(fs.readFileSync(file));
    expect(tar.includes(Buffer.from('PG_VERSION'))).toBe(true); // it is the database
    expect(tar.includes(Buffer.from(token))).toBe(false);
    expect(tar.includes(Buffer.from(LOCK_FILE))).toBe(false);
    fs.rmSync(dataDir, { recursive: true });
    expect(await cli(env, clock)('db', 'restore', file)).toMatchObject({ code: 0, out: expect.stringMatching(/^Restored 0 dispute\(s\)/) });
    expect(exposed(dataDir)).toEqual([]);
  }, 300_000);

  it('encrypts with the operator\'s key, restores only with that key, and says which key is missing or wrong', async () => {
    const dataDir = path.join(dir, 'data');
    const key = path.join(dir, 'backup.key');
    const other = path.join(dir, 'other.key');
    const env = { DATA_DIR: dataDir, DIRECTORY_FILE: DIRECTORY, LOG_LEVEL: 'silent' };
    const s117 = cli(env, new FakeClock('2026-12-07T10:00:00Z'));
    expect(await s117('db', 'new-key', key)).toMatchObject({ code: 0, out: expect.stringContaining(`Set BACKUP_KEY_FILE=${key}`) });
    expect(mode(key)).toBe(0o600);
    expect(await s117('db', 'new-key', key)).toMatchObject({ code: 1, err: expect.stringMatching(/already exists\. A key file is never overwritten/) });
    expect((await s117('db', 'new-key', other)).code).toBe(0);
    expect((await s117('dispute', 'raise', '--as', 'ali-khan', '--file', 'tests/fixtures/raise-funding.yaml')).code).toBe(0);

    const file = path.join(dir, 's117.enc');
    // The key comes from BACKUP_KEY_FILE as well as --key-file.
    const made = await cli({ ...env, BACKUP_KEY_FILE: key })('db', 'backup', file);
    expect(made).toMatchObject({ code: 0 });
    expect(made.out).toContain(`, encrypted with the key in ${key}.`);
    expect(made.out).toContain(`To restore it: stop the bot, then run: s117 db restore ${file} --key-file ${key}\n`);
    const bytes = fs.readFileSync(file);
    expect(bytes.subarray(0, 8).toString()).toBe('S117BK01');
    expect(() => zlib.gunzipSync(bytes)).toThrow();
    expect(bytes.includes(Buffer.from('PG_VERSION'))).toBe(false);

    fs.rmSync(dataDir, { recursive: true });
    expect(await s117('db', 'restore', file)).toEqual({
      code: 1, out: '', err: `${file} is encrypted. Give the key it was made with: s117 db restore ${file} --key-file KEY_FILE (or set BACKUP_KEY_FILE).\n`,
    });
    expect(await s117('db', 'restore', file, '--key-file', other)).toMatchObject({
      code: 1, err: `The key in ${other} does not open ${file}: the backup was made with a different key. Use the key file that was set when it was made.\n`,
    });
    const damaged = path.join(dir, 'damaged.enc');
    fs.writeFileSync(damaged, Buffer.concat([bytes.subarray(0, bytes.length - 1), Buffer.from([bytes[bytes.length - 1]! ^ 1])]));
    expect((await s117('db', 'restore', damaged, '--key-file', key)).err).toMatch(/is damaged or was changed after it was made/);
    fs.chmodSync(other, 0o644);
    expect((await s117('db', 'restore', file, '--key-file', other)).err).toMatch(new RegExp(`can be read by other accounts on this computer\\. Run: chmod 600 ${other}`));
    // None of the refusals created or changed the register.
    expect(fs.existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(false);

    expect(await s117('db', 'restore', file, '--key-file', key)).toMatchObject({ code: 0, out: expect.stringMatching(/^Restored 1 dispute\(s\)/) });
    expect(JSON.parse((await s117('register', 'export', '--format', 'json')).out)).toHaveLength(1);
    expect(exposed(dataDir)).toEqual([]);
  }, 300_000);
});
