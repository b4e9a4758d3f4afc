import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { pgliteLane } from './pglite-lane.ts';
import { acquireDataDirLock, isLockFile, type DataDirLock } from './data-dir-lock.ts';
import { checkDataDir, OwnerOnlyNodeFS, tightenTree } from './owner-only.ts';
import { makeDataDir, reachDatabase } from './startup-checks.ts';
import type { IdentifierKeys } from './identifiers.ts';

/** Multi-statement SQL and parameterised queries on the raw driver (migrations, sweeps). */
export interface SqlRunner {
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs fn on one connection inside BEGIN/COMMIT; ROLLBACK on throw. */
  transaction<T>(fn: (q: SqlRunner) => Promise<T>): Promise<T>;
  /**
   * Like query, for the statements of the hot path (a card action's read and write): prepared once per connection
   * and planned once, not parsed and planned on every call. Parameters are strings, finite numbers or null.
   */
  prepared?<T = Record<string, unknown>>(sql: string, params: (string | number | null)[]): Promise<T[]>;
}

/** A prepared statement's name: the same text is the same statement on every connection. */
const statementName = (sql: string) => `s117_${crypto.createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;

/**
 * A parameter as an SQL literal, for EXECUTE (which takes no bind parameters). Standard-conforming strings (on by
 * default since PostgreSQL 9.1, and in PGlite) make a doubled quote the only escape; a NUL cannot be in text at all.
 */
export function sqlLiteral(v: string | number | null): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`a prepared statement's parameter must be a finite number, not ${v}`);
    return String(v);
  }
  if (v.includes('\0')) throw new Error('a prepared statement\'s parameter cannot contain a NUL character');
  return `'${v.replace(/'/g, "''")}'`;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  prisma: PrismaClient;
  sql: SqlRunner;
  /** Where it is, without credentials (for banners and logs). */
  description: string;
  /** The ownership lock on the embedded database's folder (null for PostgreSQL and memory://). */
  lock: DataDirLock | null;
  /** A gzipped tarball of the embedded database's folder, consistent while the bot runs (absent on PostgreSQL). */
  dumpDataDir?: () => Promise<Blob>;
  /** The keys NHS numbers are encrypted and found with (set by boot; see identifiers.ts). */
  identifiers?: IdentifierKeys;
  close(): Promise<void>;
}

function pgliteRunner(db: PGlite): SqlRunner {
  // PGlite has one session: a statement PREPAREd in it stays until it closes. Its extended protocol plans an unnamed
  // statement on every call, on the bot's own thread; EXECUTE reuses the plan (a dispute read: 8 ms → 3 ms of CPU).
  const ready = new Map<string, Promise<void>>();
  const prepare = (name: string, sql: string) => {
    const had = ready.get(name);
    if (had) return had;
    const p = db.exec(`PREPARE ${name} AS ${sql}`).then(() => undefined);
    ready.set(name, p);
    p.catch(() => ready.delete(name));
    return p;
  };
  const runner: SqlRunner = {
    async prepared<T>(sql: string, params: (string | number | null)[]) {
      const name = statementName(sql);
      const execute = `EXECUTE ${name}${params.length ? `(${params.map(sqlLiteral).join(', ')})` : ''}`;
      await prepare(name, sql);
      try {
        return (await db.query<T>(execute)).rows;
      } catch (e) {
        // Gone from the session (a DEALLOCATE somewhere): prepared again, once.
        if ((e as { code?: string }).code !== '26000') throw e;
        ready.delete(name);
        await prepare(name, sql);
        return (await db.query<T>(execute)).rows;
      }
    },
    async exec(sql) { await db.exec(sql); },
    async query<T>(sql: string, params: unknown[] = []) { return (await db.query<T>(sql, params)).rows; },
    async transaction(fn) {
      return db.transaction(async (tx) => fn({
        async exec(sql) { await tx.exec(sql); },
        async query<T>(sql: string, params: unknown[] = []) { return (await tx.query<T>(sql, params)).rows; },
        transaction: () => { throw new Error('nested transactions are not supported'); },
      }));
    },
  };
  return runner;
}

function pgRunner(pool: pg.Pool): SqlRunner {
  const on = (c: pg.Pool | pg.PoolClient): Omit<SqlRunner, 'transaction'> => ({
    async exec(sql) { await c.query(sql); },
    async query<T>(sql: string, params: unknown[] = []) { return (await c.query(sql, params)).rows as T[]; },
  });
  return {
    ...on(pool),
    // node-postgres prepares a named statement on each connection the first time it runs there, and reuses it.
    async prepared<T>(sql: string, params: (string | number | null)[]) {
      return (await pool.query({ name: statementName(sql), text: sql, values: params })).rows as T[];
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const r = await fn({ ...on(client), transaction: () => { throw new Error('nested transactions are not supported'); } });
        await client.query('COMMIT');
        return r;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
  };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgresql://(unparseable URL)';
  }
}

/**
 * PGLITE_INITDB_SEED: a tarball of a database exactly as PGlite's initdb
 * leaves it (no tables of ours), from which a new embedded database starts
 * instead of running initdb again. initdb costs 2–4 s of CPU; loading the
 * tarball a fifth of that. The test suites create hundreds of databases and
 * set it (tests/global-setup.mjs); the bot creates its folder once and never
 * needs it. A path that cannot be read is ignored: initdb runs as usual.
 *
 * PGLITE_MIGRATED_SEED: the same database with every migration in
 * prisma/migrations applied (tests/global-setup.mjs), for the in-memory
 * databases the suites boot hundreds of times (`migratedSeed` below). boot
 * still runs migrate(), which finds each migration recorded with its checksum.
 */
const seeds = new Map<string, ArrayBuffer | null>();
export function initdbSeed(file = process.env.PGLITE_INITDB_SEED): Blob | undefined {
  if (!file) return undefined;
  if (!seeds.has(file)) {
    try {
      const bytes = fs.readFileSync(file);
      seeds.set(file, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    } catch {
      seeds.set(file, null);
    }
  }
  const bytes = seeds.get(file);
  if (!bytes) return undefined;
  // PGlite reads the tarball only through arrayBuffer(), and copies each file out of it. A real Blob hands it over
  // in chunks joined one by one, which cost each new database a fifth of a second of CPU; this hands over the
  // bytes read once (nothing writes to them).
  return { type: '', size: bytes.byteLength, arrayBuffer: async () => bytes } as unknown as Blob;
}

/** PostgreSQL when a URL is given, else embedded PGlite in `dataDir` ('memory://' for tests). */
export async function openDatabase(opts: {
  databaseUrl?: string | undefined; dataDir: string; onIdleError?: (e: Error) => void;
  /** Who opens the embedded folder ('bot', 'cli', …): named to anyone refused while this process owns it. */
  purpose?: string;
  /** Whether the caller is background work (a sweep), which waits behind requests on the embedded database. */
  isBackground?: () => boolean;
  /** An in-memory database may start from PGLITE_MIGRATED_SEED (boot, which migrates next, says so; see initdbSeed). */
  migratedSeed?: boolean;
}): Promise<Database> {
  if (opts.databaseUrl) {
    await reachDatabase(opts.databaseUrl);
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    // An idle connection dropped by the server (restart, failover) must not crash the bot; the pool reconnects.
    pool.on('error', (e) => opts.onIdleError?.(e));
    // Fail at start-up with the driver's reason, not at the first request.
    await pool.query('select 1');
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    return {
      kind: 'postgres', prisma, sql: pgRunner(pool), description: `PostgreSQL at ${redactUrl(opts.databaseUrl)}`, lock: null,
      async close() { await prisma.$disconnect(); await pool.end().catch(() => undefined); },
    };
  }
  const memory = opts.dataDir.startsWith('memory://');
  if (!memory) {
    // A folder others can already read may have leaked: the operator must know and fix it, not find it silently fixed.
    checkDataDir(opts.dataDir);
    // Created owner-only one level at a time, and proven writable, so a bad DATA_DIR is one line, not a hang.
    makeDataDir(opts.dataDir);
  }
  // Taken before PGlite reads a byte: a second process must never load its own copy of the folder.
  const lock = memory ? null : acquireDataDirLock(opts.dataDir, opts.purpose ?? 'bot');
  let db: PGlite;
  try {
    const dir = memory ? opts.dataDir : path.resolve(opts.dataDir);
    const migrated = memory && opts.migratedSeed ? initdbSeed(process.env.PGLITE_MIGRATED_SEED) : undefined;
    const seed = migrated ?? (memory || !fs.existsSync(path.join(dir, 'PG_VERSION')) ? initdbSeed() : undefined);
    const options = seed ? { loadDataDir: seed } : {};
    db = memory ? new PGlite(dir, options) : new PGlite(dir, { ...options, fs: new OwnerOnlyNodeFS(dir, isLockFile) });
    await db.waitReady;
    // Files written by an older version, or copied in by hand, may still be open to others.
    if (!memory) tightenTree(dir);
  } catch (e) {
    lock?.release();
    throw e;
  }
  // Prisma and our raw SQL share one lane, as they share PGlite's one connection.
  const lane = pgliteLane(db, opts.isBackground);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(lane) });
  return {
    kind: 'pglite', prisma, sql: pgliteRunner(lane), description: memory ? 'embedded PGlite (in memory)' : `embedded PGlite in ${path.resolve(opts.dataDir)}`, lock,
    dumpDataDir: () => db.dumpDataDir('gzip'),
    async close() {
      try {
        await prisma.$disconnect();
        if (!db.closed) await db.close();
      } finally {
        lock?.release();
      }
    },
  };
}
