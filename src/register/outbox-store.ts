import crypto from 'node:crypto';
import type { AlertRow, BadRow, CaseSpaceRecord, ClaimedRow, Outbox, OutboxHealth, RetryPlan, SharedSpaceRecord, ShareRefusal } from '../app/outbox.ts';
import type { ConversationRef } from '../app/ports.ts';
import type { Effect } from '../domain/effects.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { Database } from './db.ts';

interface RawClaim {
  id: bigint; idempotencyKey: string; disputeId: string | null; kind: string; payload: Effect; platform: string | null; attempts: number;
  failures: number; notBefore: Date; firstTriedAt: Date; uncertain: boolean; platformRef: ConversationRef | null; claimToken: string;
}

/**
 * The claim of the next row, with its lease and token: the very statement
 * the store runs (tests EXPLAIN it, so a change that loses the pending-only
 * indexes fails them).
 */
export function claimStatement(now: Date, leaseMs: number, token: string): Prisma.Sql {
  // One row at a time, and only the oldest pending row of each dispute, so
  // a dispute's notifications arrive in the order they were decided even
  // with several deliverers (a ping held for working hours holds back
  // nothing queued after it). The walk goes over due pending rows only, in
  // due order (a partial index): delivered rows and rows moved behind a
  // waiting row of their dispute are never visited, so a claim costs about
  // the same however many rows were delivered or are waiting. `was` tells
  // whether an earlier try was cut off mid-call (its marker is still set).
  return Prisma.sql`
    WITH c AS (
      SELECT o."id", o."inFlightSince" AS "was" FROM "Outbox" o
      WHERE o."deliveredAt" IS NULL AND o."failedAt" IS NULL AND o."nextAttemptAt" <= ${now}
        AND (o."claimedUntil" IS NULL OR o."claimedUntil" < ${now})
        AND (o."disputeId" IS NULL OR NOT EXISTS (
          SELECT 1 FROM "Outbox" p WHERE p."disputeId" = o."disputeId" AND p."id" < o."id"
            AND p."deliveredAt" IS NULL AND p."failedAt" IS NULL
            AND p."notBefore" <= ${now}))
      ORDER BY o."nextAttemptAt", o."id" LIMIT 1
      FOR UPDATE OF o SKIP LOCKED)
    UPDATE "Outbox" u SET "claimedUntil" = ${new Date(now.getTime() + leaseMs)}, "claimToken" = ${token}, "attempts" = u."attempts" + 1,
      "inFlightSince" = COALESCE(u."inFlightSince", ${now}), "firstTriedAt" = COALESCE(u."firstTriedAt", ${now})
    FROM c WHERE u."id" = c."id"
    RETURNING u."id", u."idempotencyKey", u."disputeId", u."kind", u."payload", u."platform", u."attempts", u."failures", u."notBefore",
      u."firstTriedAt", u."platformRef", u."claimToken", (c."was" IS NOT NULL) AS "uncertain"`;
}

/** The outbox tables in PostgreSQL or PGlite. */
export class OutboxStore implements Outbox {
  constructor(private readonly db: Database) {}

  private get prisma() { return this.db.prisma; }

  async claim(now: Date, leaseMs: number): Promise<ClaimedRow | null> {
    const rows = await this.prisma.$queryRaw<RawClaim[]>(claimStatement(now, leaseMs, crypto.randomUUID()));
    return rows[0] ?? null;
  }

  async renew(row: ClaimedRow, until: Date): Promise<boolean> {
    const n = await this.prisma.outbox.updateMany({
      where: { id: row.id, claimToken: row.claimToken, deliveredAt: null }, data: { claimedUntil: until },
    });
    return n.count === 1;
  }

  async keepRef(row: ClaimedRow, ref: ConversationRef): Promise<void> {
    // Not guarded by the claim: the platform's id is true whoever asks.
    await this.prisma.outbox.update({ where: { id: row.id }, data: { platformRef: ref as Prisma.InputJsonValue } });
  }

  async delivered(row: ClaimedRow, at: Date): Promise<void> {
    await this.prisma.$executeRaw(this.deliveredStatement(row, at));
  }

  private deliveredStatement(row: ClaimedRow, at: Date): Prisma.Sql {
    // Delivered is delivered, even if the lease ran out meanwhile.
    return Prisma.sql`
      WITH r AS (
        UPDATE "Outbox" SET "deliveredAt" = ${at}, "claimedUntil" = NULL, "claimToken" = NULL, "inFlightSince" = NULL, "lastError" = NULL
        WHERE "id" = ${row.id} AND "deliveredAt" IS NULL
        RETURNING "id", "disputeId")
      ${this.releaseQueuedBehind(at)}`;
  }

  async retry(row: ClaimedRow, plan: RetryPlan): Promise<void> {
    // The rows queued behind this one in its dispute cannot go before it, so
    // they wait to its time too: a claim's walk over due rows then never
    // visits them while this one waits out an outage or a rate limit.
    await this.prisma.$executeRaw`
      WITH r AS (
        UPDATE "Outbox" SET "nextAttemptAt" = ${plan.at}, "lastError" = ${plan.error.slice(0, 1000)},
          "claimedUntil" = NULL, "claimToken" = NULL, "inFlightSince" = CASE WHEN ${plan.uncertain} THEN "inFlightSince" END,
          "failures" = "failures" + ${plan.countsAsFailure ? 1 : 0}
        WHERE "id" = ${row.id} AND "claimToken" = ${row.claimToken} AND "deliveredAt" IS NULL
        RETURNING "id", "disputeId", "nextAttemptAt")
      UPDATE "Outbox" s SET "nextAttemptAt" = r."nextAttemptAt" FROM r
      WHERE s."disputeId" = r."disputeId" AND s."id" > r."id" AND s."deliveredAt" IS NULL AND s."failedAt" IS NULL
        AND s."claimToken" IS NULL AND s."nextAttemptAt" < r."nextAttemptAt"`;
  }

  async fail(row: ClaimedRow, at: Date, error: string): Promise<void> {
    await this.prisma.$executeRaw`
      WITH r AS (
        UPDATE "Outbox" SET "failedAt" = ${at}, "lastError" = ${error.slice(0, 1000)}, "claimedUntil" = NULL, "claimToken" = NULL
        WHERE "id" = ${row.id} AND "claimToken" = ${row.claimToken} AND "deliveredAt" IS NULL
        RETURNING "id", "disputeId")
      ${this.releaseQueuedBehind(at)}`;
  }

  /**
   * The rows queued behind one that is done (`r`), moved to its time while it
   * waited, are due again now (or at their own later time, a ping held for
   * working hours). A row with a backoff of its own loses it: the platform
   * just answered for this dispute, so it goes now, paced by the rate limits.
   */
  private releaseQueuedBehind(at: Date): Prisma.Sql {
    return Prisma.sql`
      UPDATE "Outbox" s SET "nextAttemptAt" = GREATEST(s."notBefore", ${at}) FROM r
      WHERE s."disputeId" = r."disputeId" AND s."id" > r."id" AND s."deliveredAt" IS NULL AND s."failedAt" IS NULL
        AND s."claimToken" IS NULL AND s."nextAttemptAt" > GREATEST(s."notBefore", ${at})`;
  }

  async wake(now: Date): Promise<number> {
    const r = await this.prisma.outbox.updateMany({
      where: { deliveredAt: null, failedAt: null, failures: { gt: 0 }, nextAttemptAt: { gt: now }, claimedUntil: null },
      data: { nextAttemptAt: now, failures: 0 },
    });
    return r.count;
  }

  async nextDue(): Promise<Date | null> {
    const r = await this.prisma.outbox.aggregate({ where: { deliveredAt: null, failedAt: null }, _min: { nextAttemptAt: true } });
    return r._min.nextAttemptAt ?? null;
  }

  async health(now: Date, lateAfterMs: number): Promise<OutboxHealth> {
    const late = new Date(now.getTime() - lateAfterMs);
    type Counts = { pending: bigint; due: bigint; retrying: bigint; late: bigint; failed: bigint; oldest: Date | null };
    const [r] = await this.prisma.$queryRaw<Counts[]>`
      SELECT count(*) FILTER (WHERE "deliveredAt" IS NULL AND "failedAt" IS NULL) AS "pending",
        count(*) FILTER (WHERE "deliveredAt" IS NULL AND "failedAt" IS NULL AND "nextAttemptAt" <= ${now}) AS "due",
        count(*) FILTER (WHERE "deliveredAt" IS NULL AND "failedAt" IS NULL AND "lastError" IS NOT NULL) AS "retrying",
        count(*) FILTER (WHERE "deliveredAt" IS NULL AND "failedAt" IS NULL AND "notBefore" < ${late}) AS "late",
        count(*) FILTER (WHERE "failedAt" IS NOT NULL) AS "failed",
        min("notBefore") FILTER (WHERE "deliveredAt" IS NULL AND "failedAt" IS NULL AND "notBefore" <= ${now}) AS "oldest"
      FROM "Outbox" WHERE "deliveredAt" IS NULL`;
    const held = await this.prisma.rateLimit.findMany({ where: { blockedUntil: { gt: now } }, orderBy: { key: 'asc' } });
    return {
      pending: Number(r!.pending), due: Number(r!.due), retrying: Number(r!.retrying), late: Number(r!.late), failed: Number(r!.failed),
      oldestDueSeconds: r!.oldest ? Math.max(0, Math.round((now.getTime() - r!.oldest.getTime()) / 1000)) : 0,
      heldBack: held.map((h) => ({ key: h.key, until: h.blockedUntil!.toISOString() })),
    };
  }

  async raiseAlerts(now: Date, lateAfterMs: number, build: (rows: BadRow[]) => AlertRow[]): Promise<BadRow[]> {
    const late = new Date(now.getTime() - lateAfterMs);
    return this.prisma.$transaction(async (tx) => {
      // SKIP LOCKED: two replicas checking at once alert about each row once.
      const rows = await tx.$queryRaw<BadRow[]>`
        SELECT o."id", o."disputeId", d."reference", o."kind", (o."failedAt" IS NOT NULL) AS "failed", o."lastError", o."notBefore"
        FROM "Outbox" o LEFT JOIN "Dispute" d ON d."id" = o."disputeId"
        WHERE o."alertedAt" IS NULL AND o."deliveredAt" IS NULL AND o."idempotencyKey" NOT LIKE 'alert:%'
          AND (o."failedAt" IS NOT NULL OR o."notBefore" < ${late})
        ORDER BY o."id" LIMIT 500
        FOR UPDATE OF o SKIP LOCKED`;
      if (!rows.length) return [];
      await tx.outbox.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { alertedAt: now } });
      const alerts = build(rows);
      if (alerts.length) {
        await tx.outbox.createMany({
          data: alerts.map((a) => ({
            idempotencyKey: a.idempotencyKey, disputeId: null, kind: 'GOVERNANCE', platform: a.platform, notBefore: now, nextAttemptAt: now,
            payload: { kind: 'GOVERNANCE', message: a.message, notBefore: now.toISOString() } as unknown as Prisma.InputJsonValue,
          })),
          skipDuplicates: true,
        });
      }
      return rows;
    });
  }

  async caseSpace(disputeId: string, platform: string): Promise<CaseSpaceRecord | null> {
    const c = await this.prisma.conversation.findUnique({ where: { disputeId_platform: { disputeId, platform } } });
    if (!c) return null;
    return { ref: c.ref as CaseSpaceRecord['ref'], cardRef: (c.cardRef as ConversationRef | null) ?? null, createdAt: c.createdAt };
  }

  async reserveCaseSpace(disputeId: string, platform: string, now: Date): Promise<boolean> {
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO "Conversation" ("disputeId", "platform", "ref", "createdAt")
      VALUES (${disputeId}, ${platform}, '{"pending":true}'::jsonb, ${now})
      ON CONFLICT DO NOTHING`;
    return inserted === 1;
  }

  async noteCaseSpaceCreated(disputeId: string, platform: string, ref: ConversationRef): Promise<void> {
    await this.prisma.conversation.update({
      where: { disputeId_platform: { disputeId, platform } },
      data: { ref: { pending: true, created: ref } as unknown as Prisma.InputJsonValue },
    });
  }

  async retakeCaseSpace(disputeId: string, platform: string, was: Date, now: Date): Promise<boolean> {
    const n = await this.prisma.$executeRaw`
      UPDATE "Conversation" SET "createdAt" = ${now}
      WHERE "disputeId" = ${disputeId} AND "platform" = ${platform} AND "createdAt" = ${was} AND ("ref"->>'pending')::boolean IS TRUE`;
    return n === 1;
  }

  async releaseCaseSpace(disputeId: string, platform: string, createdAt: Date): Promise<void> {
    // Only a bare reservation: once the platform made the space, its id is kept whoever failed afterwards.
    await this.prisma.$executeRaw`
      DELETE FROM "Conversation"
      WHERE "disputeId" = ${disputeId} AND "platform" = ${platform} AND "createdAt" = ${createdAt} AND "ref" = '{"pending":true}'::jsonb`;
  }

  async setCaseSpace(disputeId: string, platform: string, ref: ConversationRef): Promise<void> {
    await this.prisma.conversation.update({
      where: { disputeId_platform: { disputeId, platform } }, data: { ref: ref as Prisma.InputJsonValue, externalId: ref.id },
    });
  }

  async setCard(disputeId: string, platform: string, card: ConversationRef): Promise<void> {
    await this.prisma.conversation.update({
      where: { disputeId_platform: { disputeId, platform } }, data: { cardRef: card as Prisma.InputJsonValue },
    });
  }

  async sharedSpace(disputeId: string, home: string): Promise<SharedSpaceRecord | null> {
    const r = await this.prisma.sharedSpace.findUnique({ where: { disputeId_home: { disputeId, home } } });
    return r ? shareRecord(r) : null;
  }

  async startShare(disputeId: string, home: string, host: string, channel: string, now: Date): Promise<SharedSpaceRecord> {
    // Whoever is first records it; a share already recorded (refused, say) is never reopened.
    await this.prisma.$executeRaw`
      INSERT INTO "SharedSpace" ("disputeId", "home", "host", "state", "channel", "createdAt")
      VALUES (${disputeId}, ${home}, ${host}, 'pending', ${channel}, ${now})
      ON CONFLICT DO NOTHING`;
    return (await this.sharedSpace(disputeId, home))!;
  }

  async noteShareInvites(disputeId: string, home: string, inviteIds: string[], people: string[]): Promise<void> {
    // One statement, so two deliverers noting at once lose neither's ids.
    await this.prisma.$executeRaw`
      UPDATE "SharedSpace" SET
        "inviteIds" = (SELECT COALESCE(jsonb_agg(DISTINCT v), '[]'::jsonb) FROM jsonb_array_elements("inviteIds" || ${JSON.stringify(inviteIds)}::jsonb) v),
        "people" = (SELECT COALESCE(jsonb_agg(DISTINCT v), '[]'::jsonb) FROM jsonb_array_elements("people" || ${JSON.stringify(people)}::jsonb) v)
      WHERE "disputeId" = ${disputeId} AND "home" = ${home}`;
  }

  async acceptShare(disputeId: string, home: string, at: Date): Promise<boolean> {
    const n = await this.prisma.sharedSpace.updateMany({ where: { disputeId, home, state: 'pending' }, data: { state: 'accepted', decidedAt: at } });
    return n.count === 1;
  }

  async refuseShare(disputeId: string, home: string, r: ShareRefusal): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      // The guard makes one caller (of every replica and retry) the one that queues the fallback.
      const n = await tx.sharedSpace.updateMany({
        where: { disputeId, home, state: r.onlyPending ? 'pending' : { not: 'refused' } }, data: { state: 'refused', reason: r.reason.slice(0, 500), decidedAt: r.at },
      });
      if (n.count !== 1) return false;
      const at = r.at;
      const row = (key: string, kind: string, payload: Record<string, unknown>, platform: string) => ({
        idempotencyKey: key, disputeId, kind, platform, notBefore: at, nextAttemptAt: at,
        payload: { kind, ...payload, notBefore: at.toISOString() } as unknown as Prisma.InputJsonValue,
      });
      // What the home's rows left to the shared channel, posted again in its own channel so nothing is lost.
      const posts = await tx.outbox.findMany({
        where: { disputeId, platform: home, kind: 'POST', deliveredAt: { not: null } }, orderBy: { id: 'asc' }, select: { idempotencyKey: true, payload: true },
      });
      await tx.outbox.createMany({
        data: [
          row(`share-refused:${disputeId}:${home}:governance`, 'GOVERNANCE', { message: r.governance.message }, r.governance.platform),
          ...(r.people.length ? [row(`share-refused:${disputeId}:${home}:invite`, 'INVITE', { personIds: r.people }, home)] : []),
          ...posts.map((p) => ({
            ...row(`${p.idempotencyKey}:own`, 'POST', {}, home), payload: { ...(p.payload as Record<string, unknown>), notBefore: at.toISOString() } as Prisma.InputJsonValue,
          })),
          row(`share-refused:${disputeId}:${home}:card`, 'REFRESH_CARD', {}, home),
        ],
        skipDuplicates: true,
      });
      return true;
    });
  }

  async sharesOfChannel(channel: string): Promise<SharedSpaceRecord[]> {
    return (await this.prisma.sharedSpace.findMany({ where: { channel } })).map(shareRecord);
  }

  async pendingShares(): Promise<SharedSpaceRecord[]> {
    // Open disputes only: a resolved dispute's unanswered invitation needs no channel now, and is not read every tick.
    const rows = await this.prisma.$queryRaw<Parameters<typeof shareRecord>[0][]>`
      SELECT s.* FROM "SharedSpace" s JOIN "Dispute" d ON d."id" = s."disputeId"
      WHERE s."state" = 'pending' AND d."status" = 'OPEN' ORDER BY s."createdAt"`;
    return rows.map(shareRecord);
  }

  async leaveToShare(row: ClaimedRow, home: string, at: Date): Promise<boolean> {
    if (!row.disputeId) return false;
    const disputeId = row.disputeId;
    return this.prisma.$transaction(async (tx) => {
      // FOR SHARE conflicts with refuseShare's UPDATE of the same row: whichever comes second waits for the first to
      // commit and then reads what it wrote (the refusal, or this row delivered), so no post falls between the two.
      const [share] = await tx.$queryRaw<{ state: string }[]>`
        SELECT "state" FROM "SharedSpace" WHERE "disputeId" = ${disputeId} AND "home" = ${home} FOR SHARE`;
      if (!share || share.state === 'refused') return false;
      await tx.$executeRaw(this.deliveredStatement(row, at));
      return true;
    });
  }
}

function shareRecord(r: {
  disputeId: string; home: string; host: string; state: string; channel: string; inviteIds: unknown; people: unknown; reason: string | null;
  createdAt: Date;
}): SharedSpaceRecord {
  return {
    disputeId: r.disputeId, home: r.home, host: r.host, state: r.state as SharedSpaceRecord['state'], channel: r.channel,
    inviteIds: (r.inviteIds as string[] | null) ?? [], people: (r.people as string[] | null) ?? [], reason: r.reason,
    createdAt: r.createdAt,
  };
}
