// Once per `jest` run, before any worker starts: tarballs of a database as
// PGlite's initdb leaves it and as every migration leaves it, so each fresh
// embedded database in the suites loads one instead of running initdb (see
// initdbSeed in src/register/db.ts), and, with TEST_DATABASE_URL, a migrated
// PostgreSQL template database the suites copy (freshPostgres in
// tests/helpers/app.ts). Workers inherit the environment of this process.
// Child processes that the end-to-end suites start get only the environment
// they are given, so they still run initdb and every migration, as a new
// installation does.
import { Blob } from 'node:buffer';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { tsImport } from 'tsx/esm/api';

/** Written beside and renamed, so a run started at the same moment never reads half a file. */
function writeOnce(file, bytes) {
  const tmp = `${file}.${process.pid}`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}

/** What a migrated database depends on: the migrations and the code that applies them. */
function migrationsKey() {
  const hash = crypto.createHash('sha256').update(fs.readFileSync('src/register/migrate.ts'));
  const dir = path.resolve('prisma/migrations');
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name, 'migration.sql');
    if (fs.existsSync(file)) hash.update(name).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** The SqlRunner migrate() needs, on a bare PGlite (the app's own wraps a Prisma lane this does not need). */
function pgliteSql(db) {
  const runner = (q) => ({
    async exec(sql) { await q.exec(sql); },
    async query(sql, params = []) { return (await q.query(sql, params)).rows; },
  });
  return { ...runner(db), transaction: (fn) => db.transaction((tx) => fn(runner(tx))) };
}

function pgSql(client) {
  const runner = {
    async exec(sql) { await client.query(sql); },
    async query(sql, params = []) { return (await client.query(sql, params)).rows; },
  };
  return {
    ...runner,
    async transaction(fn) {
      await client.query('BEGIN');
      try {
        const r = await fn(runner);
        await client.query('COMMIT');
        return r;
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      }
    },
  };
}

async function pgliteSeeds(migrate) {
  const dist = path.resolve('node_modules/@electric-sql/pglite');
  // Named by the PGlite build it came from: another version gets its own seed.
  const key = crypto.createHash('sha256')
    .update(fs.readFileSync(path.join(dist, 'package.json')))
    .update(String(fs.statSync(path.join(dist, 'dist/pglite.wasm')).size))
    .digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `s117-pglite-initdb-${key}.tar`);
  if (!fs.existsSync(file)) {
    const db = new PGlite();
    await db.waitReady;
    const tar = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
    await db.close();
    writeOnce(file, tar);
  }
  const migrated = path.join(os.tmpdir(), `s117-pglite-migrated-${key}-${migrationsKey()}.tar`);
  if (!fs.existsSync(migrated)) {
    const db = new PGlite({ loadDataDir: new Blob([fs.readFileSync(file)]) });
    await db.waitReady;
    await migrate(pgliteSql(db));
    const tar = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
    await db.close();
    writeOnce(migrated, tar);
  }
  return { file, migrated };
}

/**
 * A PostgreSQL database with every migration applied, named by the migrations, which CREATE DATABASE … TEMPLATE
 * copies in a fraction of the time migrating takes. Other runs on the same server (another checkout) may make the
 * same one at the same moment: each migrates a database of its own and renames it; the loser drops its copy.
 */
async function postgresTemplate(url, migrate) {
  const name = `s117_template_${migrationsKey()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const has = async () => (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount > 0;
    if (await has()) return name;
    const scratch = `${name}_${crypto.randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${scratch}`);
    try {
      const u = new URL(url);
      u.pathname = `/${scratch}`;
      const client = new pg.Client({ connectionString: u.toString() });
      await client.connect();
      try {
        await migrate(pgSql(client));
      } finally {
        await client.end();
      }
      if (!(await has())) await admin.query(`ALTER DATABASE ${scratch} RENAME TO ${name}`);
    } catch (e) {
      if (!(await has())) throw e;
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    }
    return name;
  } finally {
    await admin.end();
  }
}

export default async function globalSetup() {
  const { migrate } = await tsImport('../src/register/migrate.ts', import.meta.url);
  if (!process.env.PGLITE_INITDB_SEED || !process.env.PGLITE_MIGRATED_SEED) {
    const { file, migrated } = await pgliteSeeds(migrate);
    process.env.PGLITE_INITDB_SEED ??= file;
    process.env.PGLITE_MIGRATED_SEED ??= migrated;
  }
  if (process.env.TEST_DATABASE_URL && !process.env.TEST_DATABASE_TEMPLATE) {
    try {
      process.env.TEST_DATABASE_TEMPLATE = await postgresTemplate(process.env.TEST_DATABASE_URL, migrate);
    } catch (e) {
      // Without it the PostgreSQL suites start from empty databases, which boot migrates; if the server cannot be
      // reached at all, those suites say so themselves, and the rest run.
      process.stderr.write(`No migrated PostgreSQL template (${e.message}); the PostgreSQL suites will migrate each database.\n`);
    }
  }
}
