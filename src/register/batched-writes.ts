import type { Tx } from './dispute-repo.ts';
import { VersionConflict } from './dispute-repo.ts';

type Rows = Record<string, unknown>[];
interface Pending {
  creates: Map<string, { model: string; skipDuplicates: boolean; rows: Rows }>;
  disputes: { id: string; prev: number; data: Record<string, unknown> }[];
  stages: Record<string, unknown>[];
}

/**
 * A transaction that holds back the writes a sweep repeats for every dispute
 * — inserts, the guarded dispute update, the stage update — and sends each
 * kind once for the whole batch when flushed. Everything else (reads,
 * upserts, other updates) goes straight through, so the ordinary write code
 * (saveDispute, appendHistory, enqueueEffects) runs unchanged on top and a
 * batch of 20 escalations costs about as many round trips as one.
 *
 * `last` answers the history appender's "newest entry of this dispute" (its
 * seq and seal) for disputes whose history was read in bulk beforehand, and
 * moves on as entries are held back, so the chain comes out exactly as if
 * each entry had been written one at a time.
 */
export function batchingTx(tx: Tx, last: Map<string, LastEntry>): { tx: Tx; flush(): Promise<void> } {
  const pending: Pending = { creates: new Map(), disputes: [], stages: [] };
  const wrap = (name: string, delegate: Record<string, unknown>) => new Proxy(delegate, {
    get(target, op, receiver) {
      if (op === 'createMany') {
        return async (args: { data: Rows; skipDuplicates?: boolean }) => {
          const key = `${name}:${Boolean(args.skipDuplicates)}`;
          const entry = pending.creates.get(key) ?? { model: name, skipDuplicates: Boolean(args.skipDuplicates), rows: [] };
          entry.rows.push(...args.data);
          pending.creates.set(key, entry);
          if (name === 'historyEvent') {
            for (const r of args.data as { disputeId: string; seq: number; hash?: string | null; facts?: unknown }[]) {
              if (last.has(r.disputeId)) last.set(r.disputeId, { seq: r.seq, hash: r.hash ?? null, factsSealed: r.facts != null });
            }
          }
          return { count: args.data.length };
        };
      }
      if (name === 'dispute' && op === 'updateMany') {
        return async (args: { where: { id: string; version: number }; data: Record<string, unknown> }) => {
          pending.disputes.push({ id: args.where.id, prev: args.where.version, data: args.data });
          // The real count is checked at flush: a version that moved on fails the whole batch.
          return { count: 1 };
        };
      }
      if (name === 'stageInstance' && op === 'update') {
        return async (args: { where: { disputeId_stage: { disputeId: string; stage: number } }; data: Record<string, unknown> }) => {
          pending.stages.push({ ...args.where.disputeId_stage, ...args.data });
          return null;
        };
      }
      if (name === 'historyEvent' && op === 'aggregate') {
        return async (args: { where?: { disputeId?: string } }) => {
          const id = args.where?.disputeId;
          if (id !== undefined && last.has(id)) return { _max: { seq: last.get(id)!.seq || null } };
          return (target as { aggregate: (a: unknown) => Promise<unknown> }).aggregate(args);
        };
      }
      if (name === 'historyEvent' && op === 'findFirst') {
        return async (args: { where?: { disputeId?: string } }) => {
          const id = args.where?.disputeId;
          if (id !== undefined && last.has(id)) {
            const l = last.get(id)!;
            return l.seq === 0 ? null : { seq: l.seq, hash: l.hash, facts: l.factsSealed ? {} : null };
          }
          return (target as { findFirst: (a: unknown) => Promise<unknown> }).findFirst(args);
        };
      }
      const v = Reflect.get(target, op, receiver) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const batched = new Proxy(tx, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop === 'string' && !prop.startsWith('$') && v && typeof v === 'object') return wrap(prop, v as Record<string, unknown>);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });

  async function flush(): Promise<void> {
    const now = new Date();
    if (pending.disputes.length) {
      // The table's own row type gives every column its type (enums, arrays, timestamps) from JSON.
      const cols = Object.keys(pending.disputes[0]!.data).concat('updatedAt');
      const rows = pending.disputes.map((d) => ({ id: d.id, ...d.data, updatedAt: now }));
      const guards = pending.disputes.map((d) => ({ id: d.id, prev: d.prev }));
      const set = cols.map((c) => `"${c}" = v."${c}"`).join(', ');
      const updated = await tx.$queryRawUnsafe<{ id: string }[]>(
        `UPDATE "Dispute" AS d SET ${set}
         FROM jsonb_populate_recordset(NULL::"Dispute", $1::jsonb) AS v
         JOIN jsonb_to_recordset($2::jsonb) AS g(id text, prev int) ON g.id = v.id
         WHERE d.id = v.id AND d.version = g.prev
         RETURNING d.id`, JSON.stringify(rows), JSON.stringify(guards));
      if (updated.length !== pending.disputes.length) {
        const done = new Set(updated.map((u) => u.id));
        const lost = pending.disputes.find((d) => !done.has(d.id))!;
        throw new VersionConflict(String(lost.data.reference ?? lost.id));
      }
    }
    if (pending.stages.length) {
      const cols = Object.keys(pending.stages[0]!).filter((c) => c !== 'disputeId' && c !== 'stage');
      await tx.$executeRawUnsafe(
        `UPDATE "StageInstance" AS s SET ${cols.map((c) => `"${c}" = v."${c}"`).join(', ')}
         FROM jsonb_populate_recordset(NULL::"StageInstance", $1::jsonb) AS v
         WHERE s."disputeId" = v."disputeId" AND s.stage = v.stage`, JSON.stringify(pending.stages));
    }
    for (const { model, skipDuplicates, rows } of pending.creates.values()) await insertRows(tx, model, rows, skipDuplicates);
  }
  return { tx: batched, flush };
}

/**
 * One INSERT for many rows of a table, as the JSON of the rows. Prisma's
 * createMany compiles a query plan as large as its data and maps every value
 * in JavaScript, which made up most of a sweep's CPU; the table's own row
 * type gives each column its type here instead. A column a row leaves out
 * takes its default, as with createMany: rows are grouped by the columns
 * they set.
 */
async function insertRows(tx: Tx, model: string, rows: Rows, skipDuplicates: boolean): Promise<void> {
  const table = model.charAt(0).toUpperCase() + model.slice(1);
  const groups = new Map<string, Rows>();
  for (const r of rows) {
    const cols = Object.keys(r).filter((k) => r[k] !== undefined).join(',');
    groups.set(cols, [...(groups.get(cols) ?? []), r]);
  }
  for (const [key, group] of groups) {
    const cols = key.split(',').map((c) => `"${c}"`).join(', ');
    await tx.$executeRawUnsafe(
      `INSERT INTO "${table}" (${cols}) SELECT ${cols} FROM jsonb_populate_recordset(NULL::"${table}", $1::jsonb)
       ${skipDuplicates ? 'ON CONFLICT DO NOTHING' : ''}`, JSON.stringify(group));
  }
}

/** Seq 0 (and no hash) when the dispute has no history yet; factsSealed when that entry seals facts. */
export interface LastEntry { seq: number; hash: string | null; factsSealed: boolean }

/** The newest history entry of each dispute (seq and seal), in one query. */
export async function lastHistoryEntries(tx: Tx, ids: readonly string[]): Promise<Map<string, LastEntry>> {
  const rows = await tx.$queryRaw<{ disputeId: string; seq: number; hash: string | null; factsSealed: boolean }[]>`
    SELECT DISTINCT ON ("disputeId") "disputeId", "seq", "hash", ("facts" IS NOT NULL) AS "factsSealed" FROM "HistoryEvent"
    WHERE "disputeId" = ANY(${[...ids]}::text[])
    ORDER BY "disputeId", "seq" DESC`;
  const out = new Map<string, LastEntry>(ids.map((id) => [id, { seq: 0, hash: null, factsSealed: false }]));
  for (const r of rows) out.set(r.disputeId, { seq: Number(r.seq), hash: r.hash, factsSealed: r.factsSealed });
  return out;
}
