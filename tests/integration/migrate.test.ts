import crypto from 'node:crypto';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/register/db.ts';
import { migrate, MigrationError, readMigrations } from '../../src/register/migrate.ts';
// @ts-expect-error: a plain .mjs script without types (it drives Prisma's wasm schema engine)
import { diffMigrationsToSchema } from '../../scripts/schema-engine.mjs';
import { DATABASES } from '../helpers/app.ts';

const tables = async (db: Database) =>
  (await db.sql.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)).map((r) => r.t);

describe('the migrations folder', () => {
  it('matches prisma/schema.prisma exactly (Prisma\'s own schema engine finds nothing to add)', async () => {
    const sql: string = await diffMigrationsToSchema(path.resolve('prisma/schema.prisma'), path.resolve('prisma/migrations'));
    expect(sql).toBe('');
  });
});

describe.each(DATABASES)('migrations on %s', (_name, setup) => {
  let db: Database;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    const s = await setup({ empty: true });
    cleanup = s.cleanup;
    db = await openDatabase({ databaseUrl: s.databaseUrl, dataDir: 'memory://' });
  });
  afterEach(async () => {
    await db.close();
    await cleanup();
  });

  it('applies every migration once, in Prisma\'s own bookkeeping format', async () => {
    const all = readMigrations();
    expect(await migrate(db.sql)).toEqual(all.map((m) => m.name));
    expect(await migrate(db.sql)).toEqual([]);
    const rows = await db.sql.query<{ migration_name: string; checksum: string; finished_at: Date | null }>('SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"');
    expect(rows).toEqual(all.map((m) => ({ migration_name: m.name, checksum: crypto.createHash('sha256').update(m.sql).digest('hex'), finished_at: expect.any(Date) })));
    expect(await tables(db)).toEqual(expect.arrayContaining(['Dispute', 'HistoryEvent', 'Outbox', 'StageInstance', '_prisma_migrations']));
  });

  it('leaves the database as it was when a migration fails, and says which and why', async () => {
    await migrate(db.sql);
    const before = await tables(db);
    const bad = { name: '29990101000000_broken', sql: 'CREATE TABLE "Half" (id int);\nALTER TABLE "Nope" ADD COLUMN x int;', checksum: 'x' };
    const err = await migrate(db.sql, [...readMigrations(), bad]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toMatch(/29990101000000_broken failed and was rolled back, so the database is unchanged: .*Nope/);
    expect(await tables(db)).toEqual(before);
    expect(await db.sql.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1`, [bad.name])).toEqual([]);
  });

  it('refuses to run when an applied migration was edited afterwards', async () => {
    await migrate(db.sql);
    const [first, ...rest] = readMigrations();
    const edited = { ...first!, checksum: 'edited' };
    await expect(migrate(db.sql, [edited, ...rest])).rejects.toThrow(/was changed after it was applied/);
  });
});
