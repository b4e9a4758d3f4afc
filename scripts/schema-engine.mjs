// Prisma's own schema engine, as WebAssembly, driven through a PGlite driver
// adapter: it diffs migrations against the schema offline (DESIGN.md). The
// package is built for bundlers, so the wasm is instantiated by hand.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';

const require = createRequire(import.meta.url);
let ready;
async function load() {
  ready ??= (async () => {
    const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
    const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmPath), { './schema_engine_bg.js': bg });
    bg.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
  })();
  return ready;
}

export function readMigrations(dir) {
  const entries = fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort() : [];
  const lockPath = path.join(dir, 'migration_lock.toml');
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: entries.map((name) => ({
      path: name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8') } },
    })),
  };
}

/** SQL that takes the database from the migrations folder to the schema ('' when they agree). */
export async function diffMigrationsToSchema(schemaPath, migrationsDir) {
  await load();
  const schema = fs.readFileSync(schemaPath, 'utf8');
  const pg = new PGlite('memory://');
  const engine = await bg.SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, () => {}, bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(pg)));
  try {
    const migrations = readMigrations(migrationsDir);
    const from = migrations.migrationDirectories.length ? { tag: 'migrations', ...migrations } : { tag: 'empty' };
    const r = await engine.diff({
      from, to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] }, script: true, exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    const sql = (r.stdout ?? '').trim();
    return /^-- This is an empty migration\.?$/.test(sql) ? '' : sql;
  } finally {
    engine.free();
    await pg.close();
  }
}
