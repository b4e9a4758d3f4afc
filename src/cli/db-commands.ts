import path from 'node:path';
import type { Command } from 'commander';
import type { Env } from '../config/env.ts';
import type { App } from '../boot.ts';
import { openDatabase } from '../register/db.ts';
import { backupEmbedded, restoreEmbedded } from '../register/backup.ts';
import { newBackupKey, readBackupKey } from '../register/backup-key.ts';
import { migrate } from '../register/migrate.ts';
import { CliFailure, EXIT } from './failure.ts';
import { RegisterAccessLog } from '../register/access-log.ts';
import { osActor } from '../app/access-log.ts';

interface DbIo {
  stdout: (s: string) => void;
  getEnv: () => Env;
  app: App | undefined;
  now: () => Date;
  /** The OS account that ran the command, for the access log. */
  account: () => string;
}

/** `s117 db …`: migrate, backup, restore, and the key that encrypts backups. */
export function registerDbCommands(program: Command, io: DbIo): void {
  const db = program.command('db').description('the register database');
  // An explicit --key-file wins; else BACKUP_KEY_FILE; else no encryption.
  const keyFor = (o: { keyFile?: string }) => {
    const file = o.keyFile ?? io.getEnv().BACKUP_KEY_FILE;
    return file ? readBackupKey(file) : null;
  };

  db.command('migrate').description('apply pending migrations (DATABASE_URL, or the embedded database in DATA_DIR)').action(async () => {
    const e = io.getEnv();
    const database = io.app?.db ?? await openDatabase({ databaseUrl: e.DATABASE_URL, dataDir: e.DATA_DIR, purpose: 'cli' });
    try {
      const applied = await migrate(database.sql);
      io.stdout(applied.length
        ? `Applied ${applied.length} migration(s) to ${database.description}:\n${applied.map((m) => `  ${m}`).join('\n')}\n`
        : `${database.description} is up to date.\n`);
    } finally {
      if (!io.app) await database.close();
    }
  });

  db.command('new-key')
    .argument('<file>', 'where to keep the key, e.g. /etc/s117/backup.key (never inside DATA_DIR or beside the backups)')
    .description('make a random key that encrypts backups; set BACKUP_KEY_FILE to it, and keep a copy apart from the backups')
    .action((file: string) => {
      newBackupKey(file);
      io.stdout(`Made a backup key in ${path.resolve(file)} (readable by you only).\n`
        + `Set BACKUP_KEY_FILE=${path.resolve(file)} for the bot and for s117, and keep a copy of this file somewhere safe, `
        + 'apart from the backups: without it no encrypted backup can be restored.\n');
    });

  db.command('backup').argument('<file>', 'where to write it, e.g. s117-2026-12-01.tar.gz')
    .option('--key-file <file>', 'encrypt with this key (default: BACKUP_KEY_FILE; make one with "s117 db new-key")')
    .description('copy the embedded database to a file; safe while the bot runs (PostgreSQL: pg_dump, see docs/deploy.md)')
    .action(async (file: string, o: { keyFile?: string }) => {
      const e = io.getEnv();
      if (e.DATABASE_URL) {
        throw new CliFailure('The register is on PostgreSQL: back it up with pg_dump --format=custom --file=FILE "$DATABASE_URL" '
          + '(docs/deploy.md, "Backups").', EXIT.USAGE);
      }
      const key = keyFor(o);
      const database = io.app?.db ?? await openDatabase({ dataDir: e.DATA_DIR, purpose: 'cli db backup' });
      try {
        // A folder the bot has never started on has no tables: say so, rather than "relation AccessLog does not exist".
        const [made] = await database.sql.query<{ t: string | null }>(`SELECT to_regclass('"Dispute"')::text AS t`);
        if (!made?.t) {
          throw new CliFailure(`DATA_DIR: there is no register in ${path.resolve(e.DATA_DIR)} yet, so there is nothing to back up. `
            + 'Set DATA_DIR to the folder the bot uses, or start the bot once (npm start) to make the register.', EXIT.CONFIG);
        }
        // A backup is the whole register leaving the database: logged first, so the backup holds its own entry.
        const detail = { command: 'db backup', disputes: 'all', encrypted: Boolean(key) };
        const actorId = osActor(io.account());
        await new RegisterAccessLog(database, { now: io.now }).record({ actorId, surface: 'cli', action: 'EXPORT', refs: [], detail });
        const r = await backupEmbedded(database, file, key);
        const target = path.resolve(file);
        io.stdout(`Backed up ${r.disputes} dispute(s) from ${database.description} to ${target} (${Math.ceil(r.bytes / 1024)} KB)`
          + `${key ? `, encrypted with the key in ${key.file}` : ''}.\nIt holds personal data: keep it as safe as the register itself.\n`
          + (key ? '' : 'It is not encrypted. To encrypt backups, make a key with "s117 db new-key FILE" and set BACKUP_KEY_FILE.\n')
          + `To restore it: stop the bot, then run: s117 db restore ${target}${key ? ` --key-file ${key.file}` : ''}\n`);
      } finally {
        if (!io.app) await database.close();
      }
    });

  db.command('restore').argument('<file>', 'a file made by "s117 db backup"')
    .option('--force', 'replace a register that already has disputes (the old folder is kept beside it)')
    .option('--key-file <file>', 'the key an encrypted backup was made with (default: BACKUP_KEY_FILE)')
    .description('replace the embedded database with a backup; stop the bot first (PostgreSQL: pg_restore, see docs/deploy.md)')
    .action(async (file: string, o: { force?: boolean; keyFile?: string }) => {
      const e = io.getEnv();
      if (e.DATABASE_URL) {
        throw new CliFailure('The register is on PostgreSQL: restore it with pg_restore --clean --if-exists --dbname="$DATABASE_URL" FILE '
          + '(docs/deploy.md, "Backups").', EXIT.USAGE);
      }
      if (io.app) {
        throw new CliFailure('Stop the bot first: a restore replaces the whole database, and the running bot has it open. '
          + 'Then run this command again.', EXIT.BUSY);
      }
      const r = await restoreEmbedded(e.DATA_DIR, file, { force: Boolean(o.force), now: io.now(), key: keyFor(o) });
      const kept = r.keptAt
        ? ` The register it replaced (${r.replaced} dispute(s)) is kept in ${r.keptAt}; delete it when you are sure.` : '';
      io.stdout(`Restored ${r.disputes} dispute(s) from ${file} into ${path.resolve(e.DATA_DIR)}.${kept}\n`);
    });
}
