import type { DisputeStore, DisputeTx, HistoryEntry, ProcessedCommand, Target } from '../app/dispute-store.ts';
import { WriteConflict } from '../app/dispute-store.ts';
import type { Effect } from '../domain/effects.ts';
import type { Dispute } from '../domain/types.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Database } from './db.ts';
import type { IdentifierKeys } from './identifiers.ts';
import { ANONYMISED_TABLES, type AnonymiseMeta, anonymiseDispute, removeEntryTexts } from './record-removal.ts';
import { batchingTx, lastHistoryEntries } from './batched-writes.ts';
import { oneStatementTx } from './one-statement.ts';
import { lastEntryOf, readDispute } from './dispute-read.ts';
import {
  appendHistory, DISPUTE_INCLUDE, enqueueEffects, loadDispute, nextReference, type SavedChange, saveDispute, toDomain, type Tx,
  VersionConflict,
} from './dispute-repo.ts';

// Long enough for a sweep of a large register on a busy embedded database.
const TX_OPTIONS = { maxWait: 30_000, timeout: 60_000 } as const;

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'P2002' || /unique constraint/i.test(String((e as Error).message));
}

/** Due disputes, locked for this transaction; SKIP LOCKED lets any number of replicas share the sweep without waiting. */
async function claimDueIds(tx: Tx, now: Date, skip: readonly string[], limit: number): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT d."id" FROM "Dispute" d
    WHERE d."nextWakeAt" <= ${now} AND d."status" IN ('OPEN', 'RESOLVED') AND NOT (d."id" = ANY(${[...skip]}::text[]))
    -- A bot that was down catches up in the order the deadlines fell, whatever reminders each dispute had pending.
    ORDER BY (SELECT MIN(s."dueAt") FROM "StageInstance" s WHERE s."disputeId" = d."id" AND s."endedAt" IS NULL) NULLS LAST,
      d."nextWakeAt", d."id"
    LIMIT ${limit}
    FOR UPDATE OF d SKIP LOCKED`;
  return rows.map((r) => r.id);
}

function inTx(tx: Tx, keys: IdentifierKeys): DisputeTx {
  // What each save changed, so the history entries that follow it seal those facts.
  const saved = new Map<string, SavedChange>();
  return {
    load: (target) => loadDispute(tx, target, keys),
    async save(prev, next) {
      await saveDispute(tx, prev, next, keys);
      saved.set(next.id, { prev: saved.get(next.id)?.prev ?? prev, next });
    },
    async appendHistory(disputeId, events, meta) {
      const change = saved.get(disputeId);
      if (events.length) saved.delete(disputeId);
      await appendHistory(tx, disputeId, events, meta, keys, change);
    },
    removeTexts: (disputeId, entries, fields) => removeEntryTexts(tx, disputeId, entries, fields),
    async historyLength(disputeId) {
      return (await tx.historyEvent.aggregate({ where: { disputeId }, _max: { seq: true } }))._max.seq ?? 0;
    },
    enqueueEffects: (disputeId, version, effects) => enqueueEffects(tx, disputeId, version, effects),
    nextReference: (year) => nextReference(tx, year),
    async processed(key) {
      const seen = await tx.processedCommand.findUnique({ where: { key } });
      return seen ? { disputeId: seen.disputeId, notice: (seen.result as { notice?: string | null }).notice ?? null } : null;
    },
    async recordProcessed(key, result: ProcessedCommand, at) {
      const stored = { notice: result.notice } as Prisma.InputJsonValue;
      await tx.processedCommand.create({ data: { key, disputeId: result.disputeId, result: stored, at } });
    },
    async claimDue(now, skip) {
      return (await claimDueIds(tx, now, skip, 1))[0] ?? null;
    },
    async claimDueBatch(now, skip, limit) {
      return claimDueIds(tx, now, skip, limit);
    },
    async loadMany(ids) {
      const rows = await tx.dispute.findMany({ where: { id: { in: [...ids] } }, include: DISPUTE_INCLUDE, relationLoadStrategy: 'join' });
      // In the order asked for: the sweep claimed them in deadline order, and acts on them in that order.
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id)).filter((r): r is (typeof rows)[number] => Boolean(r)).map((r) => toDomain(r, keys));
    },
    async batch(ids) {
      const b = batchingTx(tx, await lastHistoryEntries(tx, ids));
      return { tx: inTx(b.tx, keys), flush: b.flush };
    },
    async setWake(id, version, wake) {
      await tx.dispute.updateMany({ where: { id, version }, data: { nextWakeAt: wake } });
    },
  };
}

/** The dispute register in PostgreSQL or PGlite, through Prisma. */
export class RegisterDisputeStore implements DisputeStore {
  private readonly keys: IdentifierKeys;

  constructor(private readonly db: Database) {
    if (!db.identifiers) throw new Error('The identifier keys must be loaded before the register is opened (see boot.ts).');
    this.keys = db.identifiers;
  }

  async transaction<T>(fn: (tx: DisputeTx) => Promise<T>): Promise<T> {
    try {
      return await this.db.prisma.$transaction((tx) => fn(inTx(tx, this.keys)), TX_OPTIONS);
    } catch (e) {
      if (e instanceof VersionConflict) throw new WriteConflict(e.message, 'version');
      if (isUniqueViolation(e)) throw new WriteConflict(String((e as Error).message), 'duplicate');
      throw e;
    }
  }

  async oneStatement<T>(fn: (tx: DisputeTx) => Promise<T>): Promise<T> {
    const sql = this.db.sql;
    const one = oneStatementTx(this.db.prisma as unknown as Tx, sql.prepared ? (text, params) => sql.prepared!(text, params) : undefined);
    const base = inTx(one.tx, this.keys);
    // The copy the command starts from was read with its newest history entry (readDispute): the entries chain onto it.
    const run = <T>(text: string, params: (string | number | null)[]) =>
      (sql.prepared ? sql.prepared<T>(text, params) : sql.query<T>(text, params));
    const tx: DisputeTx = {
      ...base,
      // The reads a command on a copy just read may still make (a press that changes nothing: was it answered before,
      // and has the dispute moved on?) go on the driver's prepared path too, not through Prisma's client.
      load: (target) => readDispute(sql, target, this.keys),
      async version(disputeId) {
        const [r] = await run<{ version: number }>('SELECT "version" FROM "Dispute" WHERE "id" = $1::text', [disputeId]);
        return r ? r.version : null;
      },
      async processed(key) {
        const [seen] = await run<{ disputeId: string; result: { notice?: string | null } }>(
          'SELECT "disputeId", "result" FROM "ProcessedCommand" WHERE "key" = $1::text', [key]);
        return seen ? { disputeId: seen.disputeId, notice: seen.result.notice ?? null } : null;
      },
      save(prev, next) {
        const last = prev ? lastEntryOf(prev) : undefined;
        if (prev && last !== undefined) one.knowLast(prev.id, last);
        return base.save(prev, next);
      },
    };
    try {
      const r = await fn(tx);
      await one.commit();
      return r;
    } catch (e) {
      if (e instanceof VersionConflict) throw new WriteConflict(e.message, 'version');
      if (isUniqueViolation(e)) throw new WriteConflict(String((e as Error).message), 'duplicate');
      throw e;
    }
  }

  /** Anonymises one dispute in a transaction of its own (record-removal.ts); done false when it was already. */
  async anonymise(disputeId: string, meta: AnonymiseMeta): Promise<{ done: boolean; texts: number } | null> {
    return this.db.prisma.$transaction((tx) => anonymiseDispute(tx, this.keys, disputeId, meta), TX_OPTIONS);
  }

  /**
   * After a batch of anonymisations: each table they rewrote is rewritten whole (VACUUM FULL, outside any transaction,
   * which it cannot run in), so the old row versions holding the removed texts leave the data files. Each table is
   * locked only while its own rewrite runs.
   */
  async compactRemoved(): Promise<void> {
    for (const t of ANONYMISED_TABLES) await this.db.sql.exec(`VACUUM (FULL) "${t}"`);
  }

  get(target: Target): Promise<Dispute | null> {
    return readDispute(this.db.sql, target, this.keys);
  }

  async history(disputeId: string): Promise<HistoryEntry[]> {
    // facts is JSON the register wrote itself in the shape fact-seals.ts gives it; verify compares it, never trusts it.
    return this.db.prisma.historyEvent.findMany({
      where: { disputeId }, orderBy: { seq: 'asc' },
      select: {
        seq: true, at: true, actorId: true, platform: true, type: true, data: true, correctsSeq: true, hash: true, prevHash: true,
        facts: true,
      },
    }) as Promise<HistoryEntry[]>;
  }

  async all(range: { from?: Date; to?: Date } = {}): Promise<Dispute[]> {
    const raisedAt = { ...(range.from ? { gte: range.from } : {}), ...(range.to ? { lt: range.to } : {}) };
    const rows = await this.db.prisma.dispute.findMany({ where: { raisedAt }, include: DISPUTE_INCLUDE, orderBy: { raisedAt: 'asc' } });
    return rows.map((r) => toDomain(r, this.keys));
  }

  async openFor(personId: string): Promise<Dispute[]> {
    const rows = await this.db.prisma.dispute.findMany({
      where: { status: 'OPEN', participants: { some: { personId, leftAt: null } } }, include: DISPUTE_INCLUDE,
    });
    return rows.map((r) => toDomain(r, this.keys));
  }

  async hasQueued(key: string): Promise<boolean> {
    return (await this.db.prisma.outbox.findUnique({ where: { idempotencyKey: key }, select: { id: true } })) !== null;
  }

  async enqueueOnce(key: string, effect: Effect, at: Date, platform?: string): Promise<boolean> {
    const r = await this.db.prisma.outbox.createMany({
      data: [{
        idempotencyKey: key, disputeId: null, kind: effect.kind, payload: effect as unknown as Prisma.InputJsonValue, notBefore: at,
        nextAttemptAt: at, platform: platform ?? null,
      }],
      skipDuplicates: true,
    });
    return r.count === 1;
  }
}
