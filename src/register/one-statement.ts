import { NeedsTransaction } from '../app/dispute-store.ts';
import type { Tx } from './dispute-repo.ts';
import { VersionConflict } from './dispute-repo.ts';
import type { LastEntry } from './dispute-read.ts';

type Row = Record<string, unknown>;

/** Reads the recording client lets through, unrecorded: they run at once, outside any transaction. */
const READS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'aggregate', 'count']);

interface Insert { table: string; cols: string[]; rows: Row[]; skipDuplicates: boolean }
interface Update { table: string; keys: string[]; cols: string[]; rows: Row[] }
interface Guard { id: string; prev: number; data: Row; reference: string }

const table = (model: string) => model.charAt(0).toUpperCase() + model.slice(1);
const q = (c: string) => `"${c.replace(/"/g, '""')}"`;

/**
 * A command's writes sent as ONE SQL statement, with no interactive
 * transaction around them (a card action's turn is spent mostly on round
 * trips: BEGIN, a statement per write, COMMIT). The ordinary write code
 * (saveDispute, appendHistory, enqueueEffects, recordProcessed) runs
 * unchanged on top of the client this returns: reads go straight to the
 * database, writes are recorded, and `commit()` sends them all as
 * data-modifying CTEs of one statement, which PostgreSQL applies atomically.
 *
 * Every write is conditional on the guarded dispute update: the version read
 * before (and, when the history was read, no entry after the one it chained
 * onto), so a change that landed meanwhile means nothing is written and
 * VersionConflict is thrown, as in a transaction. A repeated idempotency key
 * fails the statement on ProcessedCommand's key, also writing nothing.
 *
 * Only the writes an ordinary command makes are supported; any other (an
 * upsert, raw SQL, a new dispute's counter) throws NeedsTransaction before
 * anything is sent, and the caller runs the command in a transaction instead.
 */
export function oneStatementTx(
  read: Tx,
  /** Sends the statement (the driver's prepared statements, without Prisma); Prisma's raw query when not given. */
  send: (sql: string, params: string[]) => Promise<{ ok: boolean }[]> = (sql, params) => read.$queryRawUnsafe(sql, ...params),
): { tx: Tx; commit(): Promise<void>; knowLast(disputeId: string, entry: LastEntry | null): void } {
  const guards: Guard[] = [];
  // The newest history entry each dispute's new entries were chained onto (0: none).
  const lastSeq = new Map<string, number>();
  // The newest entry read with the copy the command starts from (same snapshot as its version): no need to ask again.
  const known = new Map<string, LastEntry | null>();
  const inserts = new Map<string, Insert>();
  const updates = new Map<string, Update>();

  const insert = (model: string, rows: Row[], skipDuplicates: boolean) => {
    for (const r of rows) {
      const cols = Object.keys(r).filter((k) => r[k] !== undefined);
      const key = `${model}|${skipDuplicates}|${cols.join(',')}`;
      const entry = inserts.get(key) ?? { table: table(model), cols, rows: [], skipDuplicates };
      entry.rows.push(r);
      inserts.set(key, entry);
    }
  };

  const wrap = (model: string, delegate: Record<string, unknown>) => new Proxy(delegate, {
    get(target, op) {
      if (typeof op === 'string' && READS.has(op)) {
        const fn = (Reflect.get(target, op) as (a: unknown) => Promise<unknown>).bind(target);
        if (model === 'historyEvent' && op === 'findFirst') {
          // appendHistory asking for the newest entry: remembered, so the write is refused if another was added since.
          return async (args: { where?: { disputeId?: unknown }; orderBy?: unknown; select?: Record<string, unknown> }) => {
            const id0 = args.where?.disputeId;
            const newest = typeof id0 === 'string' && known.has(id0) && Object.keys(args.where ?? {}).length === 1
              && JSON.stringify(args.orderBy) === '{"seq":"desc"}' && args.select
              && Object.keys(args.select).every((k) => k === 'seq' || k === 'hash' || k === 'facts');
            const r = (newest ? pick(known.get(id0)!, args.select!) : await fn(args)) as { seq?: number } | null;
            const id = args.where?.disputeId;
            if (typeof id === 'string' && !lastSeq.has(id)) lastSeq.set(id, r?.seq ?? 0);
            return r;
          };
        }
        return fn;
      }
      if (op === 'createMany') {
        return async (args: { data: Row | Row[]; skipDuplicates?: boolean }) => {
          const rows = Array.isArray(args.data) ? args.data : [args.data];
          insert(model, rows, Boolean(args.skipDuplicates));
          return { count: rows.length };
        };
      }
      // Only the command's own record: a new dispute takes a reference from a counter, in a transaction.
      if (op === 'create' && model === 'processedCommand') {
        return async (args: { data: Row }) => {
          insert(model, [args.data], false);
          return args.data;
        };
      }
      if (op === 'updateMany' && model === 'dispute') {
        return async (args: { where: { id?: unknown; version?: unknown }; data: Row }) => {
          const { id, version } = args.where;
          const guarded = typeof id === 'string' && typeof version === 'number' && Object.keys(args.where).length === 2;
          if (!guarded) throw new NeedsTransaction('dispute.updateMany');
          guards.push({ id: id as string, prev: version as number, data: args.data, reference: String(args.data.reference ?? id) });
          return { count: 1 };
        };
      }
      if (op === 'update') {
        return async (args: { where: Record<string, unknown>; data: Row }) => {
          // A row named by its compound primary key ({ disputeId_stage_key: { … } }), set to plain values.
          const names = Object.keys(args.where);
          const key = names.length === 1 ? args.where[names[0]!] : null;
          const data = args.data;
          const plain = (v: unknown) => v === null || typeof v !== 'object' || v instanceof Date || Array.isArray(v) || !isOperation(v);
          if (!key || typeof key !== 'object' || Array.isArray(key) || key instanceof Date || !Object.values(data).every(plain)) {
            throw new NeedsTransaction(`${model}.update`);
          }
          const keys = Object.keys(key as Row);
          const cols = Object.keys(data).filter((c) => data[c] !== undefined && !keys.includes(c));
          const k = `${model}|${keys.join(',')}|${cols.join(',')}`;
          const entry = updates.get(k) ?? { table: table(model), keys, cols, rows: [] };
          entry.rows.push({ ...(key as Row), ...data });
          updates.set(k, entry);
          return null;
        };
      }
      throw new NeedsTransaction(`${model}.${String(op)}`);
    },
  });

  const tx = new Proxy(read, {
    get(target, prop) {
      const v = Reflect.get(target, prop) as unknown;
      if (typeof prop === 'string' && !prop.startsWith('$') && v && typeof v === 'object') return wrap(prop, v as Record<string, unknown>);
      // Raw SQL, nested transactions and the like have no place in one statement.
      if (typeof prop === 'string' && prop.startsWith('$')) throw new NeedsTransaction(prop);
      return v;
    },
  }) as Tx;

  async function commit(): Promise<void> {
    if (!guards.length && !inserts.size && !updates.size) return;
    const params: string[] = [];
    const param = (v: unknown) => { params.push(JSON.stringify(v)); return `$${params.length}::jsonb`; };
    const parts: string[] = [];
    if (guards.length) {
      const now = new Date();
      const cols = [...new Set(guards.flatMap((g) => Object.keys(g.data).filter((c) => g.data[c] !== undefined))), 'updatedAt'];
      const rows = guards.map((g) => ({ ...g.data, id: g.id, updatedAt: now }));
      const checks = guards.map((g) => ({ id: g.id, prev: g.prev, last: lastSeq.get(g.id) ?? null }));
      // The table's own row type gives every column its type (enums, arrays, timestamps, JSON) from JSON.
      parts.push(`g AS (UPDATE "Dispute" AS d SET ${cols.map((c) => `${q(c)} = v.${q(c)}`).join(', ')}
        FROM jsonb_populate_recordset(NULL::"Dispute", ${param(rows)}) AS v
        JOIN jsonb_to_recordset(${param(checks)}) AS k(id text, prev int, last int) ON k.id = v.id
        WHERE d.id = v.id AND d.version = k.prev
          AND (k.last IS NULL OR NOT EXISTS (SELECT 1 FROM "HistoryEvent" h WHERE h."disputeId" = d.id AND h.seq > k.last))
        RETURNING d.id)`);
      parts.push(`ok AS (SELECT count(*) = ${guards.length} AS ok FROM g)`);
    } else {
      parts.push('ok AS (SELECT true AS ok)');
    }
    let n = 0;
    for (const u of updates.values()) {
      const set = u.cols.map((c) => `${q(c)} = v.${q(c)}`).join(', ');
      const match = u.keys.map((c) => `t.${q(c)} = v.${q(c)}`).join(' AND ');
      parts.push(`u${n++} AS (UPDATE ${q(u.table)} AS t SET ${set} FROM jsonb_populate_recordset(NULL::${q(u.table)}, ${param(u.rows)}) AS v
        WHERE ${match} AND (SELECT ok FROM ok))`);
    }
    for (const i of inserts.values()) {
      const cols = i.cols.map(q).join(', ');
      parts.push(`i${n++} AS (INSERT INTO ${q(i.table)} (${cols})
        SELECT ${cols} FROM jsonb_populate_recordset(NULL::${q(i.table)}, ${param(i.rows)})
        WHERE (SELECT ok FROM ok)${i.skipDuplicates ? ' ON CONFLICT DO NOTHING' : ''})`);
    }
    // Every part runs to completion whether or not this query reads it; they all see the register as it was before.
    const r = await send(`WITH ${parts.join(',\n')} SELECT (SELECT ok FROM ok) AS ok`, params);
    if (!r[0]?.ok) {
      const lost = guards[0]!;
      throw new VersionConflict(lost.reference);
    }
  }

  return { tx, commit, knowLast: (id, entry) => { if (!known.has(id)) known.set(id, entry); } };
}

const pick = (entry: LastEntry | null, select: Record<string, unknown>): Row | null => (entry
  ? Object.fromEntries(Object.keys(select).filter((k) => select[k]).map((k) => [k, entry[k as keyof LastEntry] ?? null]))
  : null);

/** Prisma's update operations ({ increment: 1 }, { set: … }, { push: … }): not plain values. */
function isOperation(v: object): boolean {
  const k = Object.keys(v);
  return k.length === 1 && ['set', 'increment', 'decrement', 'multiply', 'divide', 'push', 'unset'].includes(k[0]!);
}
