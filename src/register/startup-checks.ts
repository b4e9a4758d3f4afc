import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { StartupError } from '../config/startup-error.ts';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'the file system is read-only',
  ENOENT: 'it cannot be made there', ENOTDIR: 'a file is in the way, not a folder', EEXIST: 'a file is in the way, not a folder',
  ENOSPC: 'the disk is full', EDQUOT: 'the disk quota is used up',
};

function whoAmI(): string {
  try {
    return os.userInfo().username;
  } catch {
    return `user ${process.getuid?.() ?? 'running the bot'}`;
  }
}

/**
 * Makes the embedded database's folder and proves it writable before PGlite opens it, so a bad DATA_DIR stops the
 * start with one line instead of a stack trace from inside PGlite. Folders are made one level at a time: Node's
 * recursive mkdir never returns for a path under /proc. New folders are owner-only (they will hold case data).
 */
export function makeDataDir(dataDir: string): void {
  makeFolder(dataDir, 'DATA_DIR', 'like ./data or /var/lib/s117, or set DATABASE_URL to use PostgreSQL');
}

/**
 * The same for any folder a setting names (AUDIT_DIR, IDENTIFIER_KEY_FILE's folder): made owner-only one level at a
 * time and proved writable at start-up, or one line naming `setting`. Left to the first write, a recursive mkdir
 * under /proc would freeze the running bot, and any other fault would surface long after the start, in a log.
 */
export function makeFolder(folder: string, setting: string, alternative: string, kind = 'a folder'): void {
  const dir = path.resolve(folder);
  const missing: string[] = [];
  for (let at = dir; !fs.existsSync(at); at = path.dirname(at)) {
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  try {
    for (const d of missing) fs.mkdirSync(d, { mode: 0o700 });
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    const probe = path.join(dir, `.write-check-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const reason = REASONS[code] ?? (code || (e as Error).message);
    // The account is named in brackets: "a folder that nobody may write" read as the opposite of what it meant.
    throw new StartupError(`${setting}: the bot cannot write to ${dir} (${reason}): set ${setting} to ${kind} that the bot's account `
      + `(${whoAmI()}) may write, ${alternative}`);
  }
}

const PROBE_TIMEOUT_MS = 10_000;

/**
 * Connects once with a time limit before the pool is made: an address that drops packets would otherwise keep the
 * start waiting for ever (the pool has no connect timeout, so that a busy minute never fails a request), and the
 * driver's own errors say nothing about which setting to change. The message never holds the password.
 */
export async function reachDatabase(databaseUrl: string): Promise<void> {
  const u = new URL(databaseUrl);
  const where = `${u.hostname || 'localhost'}:${u.port || 5432}`;
  const name = decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username) || 'postgres';
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
  } catch (e) {
    const err = e as Error & { code?: string };
    const user = decodeURIComponent(u.username);
    const unreachable = `${where} cannot be reached from here: check the network and firewall, or correct DATABASE_URL`;
    const why: Record<string, string> = {
      ECONNREFUSED: `nothing answers at ${where} (connection refused): start PostgreSQL, or correct the host and port in DATABASE_URL`,
      ENOTFOUND: `the host ${u.hostname} is not known: correct the host in DATABASE_URL`,
      EAI_AGAIN: `the host ${u.hostname} could not be looked up: check the network's DNS, or correct the host in DATABASE_URL`,
      EHOSTUNREACH: unreachable,
      ENETUNREACH: unreachable,
      '28P01': `PostgreSQL at ${where} refused the user "${user}" (wrong password): correct the user and password in DATABASE_URL`,
      '28000': `PostgreSQL at ${where} does not let the user "${user}" in (pg_hba.conf): allow it there, or correct DATABASE_URL`,
      '3D000': `the database "${name}" does not exist at ${where}: create it (createdb ${name}) or correct its name in DATABASE_URL`,
    };
    const timedOut = /timeout/i.test(err.message);
    const text = (err.code && why[err.code])
      ?? (timedOut ? `${where} did not answer within ${PROBE_TIMEOUT_MS / 1000} s: check the host, port and firewall` : null)
      ?? `cannot connect to PostgreSQL at ${where} (${err.message.replaceAll(databaseUrl, '…').split('\n')[0]}): check DATABASE_URL`;
    throw new StartupError(`DATABASE_URL: ${text}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
