import type { Database } from './db.ts';

/** One notification as `s117 tick` lists it. */
export interface OutboxLine {
  id: string; kind: string; reference: string | null; title: string | null; to: string | null;
  notBefore: Date; deliveredAt: Date | null; failedAt: Date | null; lastError: string | null;
}

/** Where the outbox stands before a tick: the newest row and the rows still waiting. */
export async function outboxMark(db: Database): Promise<{ maxId: string; waiting: string[] }> {
  const [m] = await db.sql.query<{ max: string | null }>('SELECT max(id)::text AS max FROM "Outbox"');
  const waiting = await db.sql.query<{ id: string }>(
    'SELECT id::text AS id FROM "Outbox" WHERE "deliveredAt" IS NULL AND "failedAt" IS NULL');
  return { maxId: m?.max ?? '0', waiting: waiting.map((w) => w.id) };
}

/** The rows a tick touched: the ones waiting before it, and the ones it queued. */
export async function outboxSince(db: Database, mark: { maxId: string; waiting: string[] }): Promise<OutboxLine[]> {
  return db.sql.query<OutboxLine>(`
    SELECT o.id::text AS id, o.kind, d."reference", o.payload->'message'->>'title' AS title, o.payload->>'personId' AS "to",
           o."notBefore", o."deliveredAt", o."failedAt", o."lastError"
    FROM "Outbox" o LEFT JOIN "Dispute" d ON d.id = o."disputeId"
    WHERE o.id > $1::bigint OR o.id::text = ANY($2::text[])
    ORDER BY o.id`, [mark.maxId, mark.waiting]);
}
