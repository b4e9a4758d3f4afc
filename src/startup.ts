import os from 'node:os';
import { StartupError } from './config/startup-error.ts';
import { DirectoryError } from './config/directory.ts';
import { MigrationError } from './register/migrate.ts';
import { DataDirLocked } from './register/data-dir-lock.ts';
import { IdentifierKeyError } from './register/identifiers.ts';
import { BackupKeyError, readBackupKey } from './register/backup-key.ts';
import type { Env } from './config/env.ts';
import { loadOidcProviders } from './config/oidc-providers.ts';

/**
 * Reads the files settings name that would otherwise first be read after the database was opened and migrated (the
 * sign-in providers), or only at the first backup (the backup key, days later and in a log): a bad one stops the
 * start in one line naming the setting and the fix, and the register is left exactly as it was.
 */
export function checkSettingFiles(env: Env): void {
  if (env.BACKUP_KEY_FILE) {
    try {
      readBackupKey(env.BACKUP_KEY_FILE);
    } catch (e) {
      if (e instanceof BackupKeyError) throw new StartupError(`BACKUP_KEY_FILE: ${e.message}`);
      throw e;
    }
  }
  loadOidcProviders(env);
}

/**
 * What the entry point prints and exits with when the start fails, or null for a fault of ours (a bug keeps its
 * stack trace). Everything an administrator can fix becomes a StartupError here or where it is found.
 */
export function asStartupError(e: unknown, where: { PORT: number; HOST: string }): StartupError | null {
  // Its messages name the file; at start-up the line must also name the setting that points at it.
  if (e instanceof IdentifierKeyError && !e.message.startsWith('IDENTIFIER_KEY_FILE')) {
    return new StartupError(`IDENTIFIER_KEY_FILE: ${e.message}`, e.exitCode);
  }
  if (e instanceof StartupError) return e;
  // Another process has the folder now; a later start may succeed, so 75 (EX_TEMPFAIL) lets systemd try again.
  if (e instanceof DataDirLocked) {
    // The lock's own advice is for a command ("run this command on the machine where the bot runs"); a second bot
    // is told to stop the first or use a folder of its own, and the line names the setting like every other.
    const h = e.holder;
    if (h?.purpose !== 'bot') return new StartupError(`DATA_DIR: ${e.message}`, 75);
    const where = h.host === os.hostname() ? `process ${h.pid}` : `process ${h.pid} on ${h.host}`;
    const since = `${where}, since ${h.startedAt}`;
    return new StartupError(`DATA_DIR: the embedded database in ${e.dataDir} is in use by the running bot (${since}); `
      + 'two bots cannot share one folder. Stop that bot, or give this one a DATA_DIR (and PORT) of its own. '
      + `If you are sure no such process is running, delete ${e.lockFile}.`, 75);
  }
  if (e instanceof DirectoryError) return new StartupError(`DIRECTORY_FILE: ${e.message}`);
  if (e instanceof MigrationError) return new StartupError(e.message);
  const err = e as NodeJS.ErrnoException | null;
  // HOST is a name that could not be looked up: listen() fails in getaddrinfo before it ever tries the port.
  if (err?.syscall === 'getaddrinfo') {
    return new StartupError(`HOST: ${where.HOST} is not an address of this machine (${err.code ?? 'not found'}): `
      + 'use 127.0.0.1 (this computer only) or 0.0.0.0 (all networks)');
  }
  if (err?.syscall === 'listen') {
    const { PORT: port, HOST: host } = where;
    if (err.code === 'EADDRINUSE') {
      return new StartupError(`PORT: ${port} on ${host} is already in use (another program, or the bot already running): `
        + 'stop that program or set PORT to a free port');
    }
    if (err.code === 'EACCES') {
      return new StartupError(`PORT: ${port} needs administrator rights (ports below 1024): use a port like 3000 behind a reverse proxy`);
    }
    if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
      return new StartupError(`HOST: ${host} is not an address of this machine: `
        + 'use 127.0.0.1 (this computer only) or 0.0.0.0 (all networks)');
    }
  }
  return null;
}

/** One line per setting at fault, each saying it is why the bot did not start; details under a line stay indented. */
export function cannotStartText(e: StartupError): string {
  return e.message.split('\n').map((l) => (/^\s/.test(l) ? l : `The bot cannot start: ${l}`)).join('\n') + '\n';
}
