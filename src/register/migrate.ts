import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { projectFile } from '../config/paths.ts';
import type { SqlRunner } from './db.ts';

export interface Migration { name: string; sql: string; checksum: string }

export class MigrationError extends Error {
  constructor(message: string, readonly migration: string | null) {
    super(message);
    this.name = 'MigrationError';
  }
}

export function readMigrations(dir = projectFile(path.join('prisma', 'migrations'))): Migration[] {
  if (!fs.existsSync(dir)) throw new MigrationError(`The migrations folder ${dir} does not exist.`, null);
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      // Prisma's own checksum: SHA-256 hex of migration.sql.
      return { name, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
    });
}

// Prisma's bookkeeping table, exactly as `prisma migrate` creates it, so the
// Prisma CLI can take over a database this code migrated.
const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

// Any constant works; it only has to be the same for every replica.
const LOCK_KEY = 117_117_117;

/**
 * Applies pending migrations, each in its own transaction together with its
 * bookkeeping row: PostgreSQL DDL is transactional, so a migration that fails
 * leaves the database exactly as it was. An advisory lock keeps replicas that
 * start together from applying the same migration twice.
 */
export async function migrate(sql: SqlRunner, migrations: Migration[] = readMigrations()): Promise<string[]> {
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      await tx.exec(BOOKKEEPING);
      const rows = await tx.query<{ checksum: string; finished_at: Date | null }>(
        'SELECT checksum, finished_at FROM "_prisma_migrations" WHERE migration_name = $1 AND rolled_back_at IS NULL', [m.name]);
      const row = rows.find((r) => r.finished_at !== null);
      if (row) {
        if (row.checksum !== m.checksum) {
          throw new MigrationError(`Migration ${m.name} was changed after it was applied to this database. Restore the original file; make a new migration for new changes.`, m.name);
        }
        return false;
      }
      if (rows.length) {
        throw new MigrationError(`Migration ${m.name} is recorded as started but not finished. Inspect the database, then resolve it with "prisma migrate resolve".`, m.name);
      }
      try {
        await tx.exec(m.sql);
      } catch (e) {
        throw new MigrationError(`Migration ${m.name} failed and was rolled back, so the database is unchanged: ${(e as Error).message}`, m.name);
      }
      await tx.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, now(), 1)`,
        [crypto.randomUUID(), m.checksum, m.name]);
      return true;
    });
    if (done) applied.push(m.name);
  }
  return applied;
}
