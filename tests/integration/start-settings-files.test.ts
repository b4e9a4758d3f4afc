import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startBot } from '../../src/bot.ts';
import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { asStartupError } from '../../src/startup.ts';
import { DIRECTORY, PG_URL, freshPostgres } from '../helpers/app.ts';

// Files that settings name are read when the bot starts, before it opens the database: a bad one stops the start in
// one line naming the setting and the fix (exit 78), and leaves the register exactly as it was. A backup key checked
// only at the first backup failed days later, in a log; a sign-in providers file checked after the migrations had
// already changed the database.

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-start-files-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string, mode = 0o600): string => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text, { mode });
  fs.chmodSync(f, mode);
  return f;
};
const KEY = () => `${crypto.randomBytes(32).toString('base64')}\n`;
const SIGN_IN = { SESSION_SECRET: 'x'.repeat(32), PUBLIC_URL: 'https://s117.example.nhs.uk' };

/** The start's one line (exit 78 asserted), or 'started'; the folder the register would have been made in. */
async function start(env: Record<string, string>, databaseUrl?: string): Promise<{ line: string; dataDir: string }> {
  const dataDir = path.join(dir, `data-${crypto.randomBytes(4).toString('hex')}`);
  const parsed = loadEnv({
    PORT: '0', HOST: '127.0.0.1', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off', DATA_DIR: dataDir,
    IDENTIFIER_KEY_FILE: path.join(dir, 'keys', 'identifiers.key'), ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...env,
  });
  try {
    const bot = await startBot({ env: parsed, logger: createLogger('silent'), scheduler: false });
    await bot.stop();
  } catch (e) {
    const failure = asStartupError(e, parsed);
    if (!failure) throw e;
    expect(failure.exitCode).toBe(78);
    return { line: failure.message, dataDir };
  }
  return { line: 'started', dataDir };
}

describe('BACKUP_KEY_FILE, checked at start', () => {
  it.each([
    ['missing', () => path.join(dir, 'no-such.key'), /^BACKUP_KEY_FILE: .*no-such\.key does not exist\. Make one with: s117 db new-key .*no-such\.key/],
    ['readable by the group', () => write('group.key', KEY(), 0o640), /^BACKUP_KEY_FILE: .*group\.key can be read by other accounts on this computer\. Run: chmod 600 /],
    ['readable by everyone', () => write('world.key', KEY(), 0o604), /^BACKUP_KEY_FILE: .*world\.key can be read by other accounts/],
    ['of the wrong length', () => write('short.key', `${crypto.randomBytes(16).toString('base64')}\n`), /^BACKUP_KEY_FILE: .*short\.key is not a backup key \(it must hold 32 random bytes in base64\)\. Make one with: s117 db new-key/],
    ['a folder', () => { fs.mkdirSync(path.join(dir, 'a-folder'), { recursive: true }); return path.join(dir, 'a-folder'); }, /^BACKUP_KEY_FILE: .*a-folder is a folder/],
  ])('%s: one line naming the setting and the fix, and no register made', async (_what, make, expected) => {
    const { line, dataDir } = await start({ BACKUP_KEY_FILE: make() });
    expect(line.split('\n')).toEqual([expect.stringMatching(expected)]);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('a good key file starts the bot', async () => {
    expect((await start({ BACKUP_KEY_FILE: write('good.key', KEY()) })).line).toBe('started');
  });
});

describe('OIDC_PROVIDERS_FILE, checked before the database is touched', () => {
  const badProviders = () => write('providers.yaml', 'providers:\n  - { issuer: "https://idp.example", clientId: a, clientSecretFile: /nowhere/secret }\n');

  it('on the embedded database: one line naming the setting, and no register folder made', async () => {
    const { line, dataDir } = await start({ ...SIGN_IN, OIDC_PROVIDERS_FILE: badProviders() });
    expect(line.split('\n')).toEqual([expect.stringMatching(/^OIDC_PROVIDERS_FILE \(.*providers\.yaml\): providers\[0\] \(https:\/\/idp\.example\)\.clientSecretFile: cannot read \/nowhere\/secret/)]);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  (PG_URL ? it : it.skip)('on PostgreSQL: the database is left with no table in it (no migration ran)', async () => {
    const db = await freshPostgres();
    try {
      const { line } = await start({ ...SIGN_IN, OIDC_PROVIDERS_FILE: badProviders() }, db.url);
      expect(line).toMatch(/^OIDC_PROVIDERS_FILE /);
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const { rows } = await c.query<{ n: string }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'");
      await c.end();
      expect(Number(rows[0]!.n)).toBe(0);
    } finally {
      await db.drop();
    }
  });
});
