import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { acquireDataDirLock, isLockFile } from './data-dir-lock.ts';
import type { Database } from './db.ts';
import { type BackupKey, decryptBackup, encryptBackup, isEncryptedBackup } from './backup-key.ts';
import { checkDataDir, mkdirOwnerOnly, OwnerOnlyNodeFS } from './owner-only.ts';

// Backup and restore of the embedded database: a gzipped tarball of the
// PGlite data folder (PGlite's own dumpDataDir/loadDataDir). PostgreSQL is
// backed up with pg_dump (docs/deploy.md).

export class BackupError extends Error {}

/** Writes a consistent copy of the open embedded database to `file` (readable by its owner only), encrypted with `key` if given. */
export async function backupEmbedded(db: Database, file: string, key: BackupKey | null = null): Promise<{ bytes: number; disputes: number }> {
  if (!db.dumpDataDir) throw new BackupError('The register is on PostgreSQL: back it up with pg_dump (see docs/deploy.md, "Backups").');
  const [row] = await db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM "Dispute"');
  const blob = await db.dumpDataDir();
  const plain = Buffer.from(await blob.arrayBuffer());
  const bytes = key ? encryptBackup(plain, key) : plain;
  const target = path.resolve(file);
  // A folder we create is owner-only; an existing one (a shared backup area) is the operator's to set.
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  // Written aside and renamed in: an interrupted backup never leaves a truncated file under the real name.
  const tmp = `${target}.${process.pid}.partial`;
  fs.writeFileSync(tmp, bytes, { mode: 0o600 });
  fs.renameSync(tmp, target);
  return { bytes: bytes.length, disputes: row?.n ?? 0 };
}

const ownerOnly = (dir: string) => new OwnerOnlyNodeFS(dir, isLockFile);

async function disputesIn(dir: string): Promise<number> {
  const db = new PGlite(dir, { fs: ownerOnly(dir) });
  try {
    await db.waitReady;
    const exists = await db.query<{ t: string | null }>(`SELECT to_regclass('"Dispute"')::text AS t`);
    if (!exists.rows[0]?.t) return 0;
    return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM "Dispute"')).rows[0]?.n ?? 0;
  } finally {
    if (!db.closed) await db.close();
  }
}

/** The database's files in a folder: everything but the ownership lock and its helpers. */
const entries = (dir: string) => (fs.existsSync(dir)
  ? fs.readdirSync(dir).filter((f) => !isLockFile(f))
  : []);

export interface RestoreResult { disputes: number; replaced: number; keptAt: string | null }

/**
 * Replaces the embedded database in `dataDir` with a backup. Holds the
 * folder's ownership lock throughout (so it refuses while the bot runs),
 * unpacks and checks the backup in a staging folder first, refuses to
 * replace a register that has disputes unless `force`, and keeps what it
 * replaced beside the folder rather than deleting it.
 */
export async function restoreEmbedded(dataDir: string, file: string, opts: { force: boolean; now: Date; key?: BackupKey | null }): Promise<RestoreResult> {
  if (!fs.existsSync(file)) throw new BackupError(`The backup file ${file} does not exist.`);
  const dir = path.resolve(dataDir);
  checkDataDir(dir);
  // Decrypted before anything is touched: a missing or wrong key changes nothing.
  const raw = fs.readFileSync(file);
  const backup = isEncryptedBackup(raw) ? decryptBackup(raw, opts.key ?? null, file) : raw;
  const lock = acquireDataDirLock(dir, 'cli db restore');
  const staging = `${dir}.restoring-${process.pid}`;
  try {
    const replaced = fs.existsSync(path.join(dir, 'PG_VERSION')) ? await disputesIn(dir) : 0;
    if (replaced > 0 && !opts.force) {
      throw new BackupError(`The register in ${dir} already holds ${replaced} dispute(s). Restoring would replace them. `
        + 'Back it up first (s117 db backup FILE), then run the restore again with --force; the replaced folder is kept beside it.');
    }
    fs.rmSync(staging, { recursive: true, force: true });
    mkdirOwnerOnly(staging);
    const staged = new PGlite(staging, { fs: ownerOnly(staging), loadDataDir: new Blob([backup]) });
    let disputes: number;
    try {
      await staged.waitReady;
      disputes = (await staged.query<{ n: number }>('SELECT count(*)::int AS n FROM "Dispute"')).rows[0]?.n ?? 0;
    } catch (e) {
      throw new BackupError(`${file} is not a backup of the register (${(e as Error).message}). Make one with: s117 db backup FILE`);
    } finally {
      // A backup that never opened cannot close either; the staging folder goes anyway.
      if (!staged.closed) await staged.close().catch(() => undefined);
    }
    let keptAt: string | null = null;
    const old = entries(dir);
    if (old.length) {
      keptAt = `${dir}.before-restore-${opts.now.toISOString().replace(/[:.]/g, '-')}`;
      mkdirOwnerOnly(keptAt);
      for (const f of old) fs.renameSync(path.join(dir, f), path.join(keptAt, f));
    }
    // The backup carries the lock file of whoever made it; ours stays.
    for (const f of entries(staging)) fs.renameSync(path.join(staging, f), path.join(dir, f));
    return { disputes, replaced, keptAt };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    lock.release();
  }
}
