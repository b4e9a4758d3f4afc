import type { RegisterGauges } from '../app/register-gauges.ts';
import type { Database } from './db.ts';

/**
 * The figures /metrics reports about the register, read at scrape time so
 * every replica reports the same truth from the shared database.
 */
export async function registerGauges(db: Database, now: Date): Promise<RegisterGauges> {
  // Rows waiting for a later time (a reminder at 09:00) are not late; only due ones count towards the age.
  const [outbox] = await db.sql.query<{ due: number; scheduled: number; failed: number; oldest: Date | null }>(`
    SELECT count(*) FILTER (WHERE "deliveredAt" IS NULL AND "failedAt" IS NULL AND "notBefore" <= $1)::int AS due,
           count(*) FILTER (WHERE "deliveredAt" IS NULL AND "failedAt" IS NULL AND "notBefore" > $1)::int AS scheduled,
           count(*) FILTER (WHERE "failedAt" IS NOT NULL)::int AS failed,
           min("notBefore") FILTER (WHERE "deliveredAt" IS NULL AND "failedAt" IS NULL AND "notBefore" <= $1) AS oldest
    FROM "Outbox" WHERE "deliveredAt" IS NULL`, [now]);
  const stages = await db.sql.query<{ stage: number; n: number }>(
    `SELECT "stage", count(*)::int AS n FROM "Dispute" WHERE "status" = 'OPEN' GROUP BY "stage"`);
  // Overdue as the register page counts it: flagged overdue, or past the current stage's deadline.
  const [overdue] = await db.sql.query<{ n: number }>(`
    SELECT count(*)::int AS n FROM "Dispute" d WHERE d."status" = 'OPEN' AND (d."overdue" OR EXISTS (
      SELECT 1 FROM "StageInstance" s WHERE s."disputeId" = d.id AND s.stage = d.stage AND s."dueAt" < $1))`, [now]);
  const oldest = outbox?.oldest ? new Date(outbox.oldest) : null;
  return {
    outboxDue: outbox?.due ?? 0,
    outboxScheduled: outbox?.scheduled ?? 0,
    outboxOldestPendingSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
    outboxFailed: outbox?.failed ?? 0,
    openByStage: [1, 2, 3, 4].map((stage) => ({ stage, n: stages.find((s) => Number(s.stage) === stage)?.n ?? 0 })),
    overdue: overdue?.n ?? 0,
  };
}
