import crypto from 'node:crypto';
import type { AlertRow, BadRow, CaseSpaceRecord, ClaimedRow, Outbox, OutboxHealth, RetryPlan, SharedSpaceRecord, ShareRefusal } from '../app/outbox.ts';
import type { ConversationRef } from '../app/ports.ts';
import type { Effect } from '../domain/effects.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { Database } from './db.ts';

/** A timestamp(3) column (written in UTC) as milliseconds since 1970: the same on both drivers (pg would read it in local time). */
export const ms = (col: string) => `(extract(epoch FROM ${col}) * 1000)::float8`;
export const date = (v: unknown): Date => new Date(v as number);
/** A Date as a parameter: timestamp(3) without time zone takes the UTC wall time and ignores the "Z". */
export const at = (d: Date) => d.toISOString();

/** A statement with positional parameters ($1…), as the driver takes it. */
export interface Statement { text: string; values: (string | number | null)[] }

/**
 * The claim of the next row, with its lease and token: the very statement
 * the store runs (tests EXPLAIN it, so a change that loses the pending-only
 * indexes fails them).
 */
export function claimStatement(now: Date, leaseMs: number, token: string): Statement {
  // One row at a time, and only the oldest pending row of each dispute, so
  // a dispute's notifications arrive in the order they were decided even
  // with several deliverers (a ping held for working hours holds back
  // nothing queued after it). The walk goes over due pending rows only, in
  // due order (a partial index): delivered rows and rows moved behind a
  // waiting row of their dispute are never visited, so a claim costs about
  // the same however many rows were delivered or are waiting. `was` tells
  // whether an earlier try was cut off mid-call (its marker is still set).
  //
  // `covers`: a card refresh shows the dispute as it is when delivered, read after this statement, so it also does
  // the work of the refreshes of the same dispute and platform queued behind it by now (each was committed with its
  // change, before this statement began). Only those not behind another kind of row: a post stays between the cards
  // it came between. delivered() marks them done with this one, in its one statement. Only on a clean first try: a
  // retry may find the card its earlier try already posted (platformRef, or an uncertain try) and send nothing new,
  // so the changes behind it would never reach the card; they then go as refreshes of their own.
  return {
    text: `
    WITH c AS (
      SELECT o."id", o."inFlightSince" AS "was" FROM "Outbox" o
      WHERE o."deliveredAt" IS NULL AND o."failedAt" IS NULL AND o."nextAttemptAt" <= $1::timestamp(3)
        AND (o."claimedUntil" IS NULL OR o."claimedUntil" < $1::timestamp(3))
        AND (o."disputeId" IS NULL OR NOT EXISTS (
          SELECT 1 FROM "Outbox" p WHERE p."disputeId" = o."disputeId" AND p."id" < o."id"
            AND p."deliveredAt" IS NULL AND p."failedAt" IS NULL
            AND p."notBefore" <= $1::timestamp(3)))
      ORDER BY o."nextAttemptAt", o."id" LIMIT 1
      FOR UPDATE OF o SKIP LOCKED)
    UPDATE "Outbox" u SET "claimedUntil" = $2::timestamp(3), "claimToken" = $3::text, "attempts" = u."attempts" + 1,
      "inFlightSince" = COALESCE(u."inFlightSince", $1::timestamp(3)), "firstTriedAt" = COALESCE(u."firstTriedAt", $1::timestamp(3))
    FROM c WHERE u."id" = c."id"
    RETURNING u."id"::text AS "id", u."idempotencyKey", u."disputeId", u."kind", u."payload", u."platform", u."attempts", u."failures",
      ${ms('u."notBefore"')} AS "notBefore", ${ms('u."firstTriedAt"')} AS "firstTriedAt", u."platformRef", u."claimToken",
      (c."was" IS NOT NULL) AS "uncertain",
      CASE WHEN u."kind" = 'REFRESH_CARD' AND u."disputeId" IS NOT NULL AND u."attempts" = 1 AND u."platformRef" IS NULL
        AND c."was" IS NULL THEN (
        SELECT max(k."id")::text FROM "Outbox" k
        WHERE k."disputeId" = u."disputeId" AND k."id" > u."id" AND k."deliveredAt" IS NULL AND k."failedAt" IS NULL
          AND k."kind" = 'REFRESH_CARD' AND k."platform" IS NOT DISTINCT FROM u."platform" AND k."notBefore" <= $1::timestamp(3)
          AND NOT EXISTS (
            SELECT 1 FROM "Outbox" b WHERE b."disputeId" = u."disputeId" AND b."id" > u."id" AND b."id" < k."id"
              AND b."deliveredAt" IS NULL AND b."failedAt" IS NULL AND b."kind" <> 'REFRESH_CARD')) END AS "covers"`,
    values: [at(now), at(new Date(now.getTime() + leaseMs)), token],
  };
}

/**
 * The rows queued behind one that is done (`r`), moved to its time while it
 * waited, are due again now (or at their own later time, a ping held for
 * working hours). A row with a backoff of its own loses it: the platform
 * just answered for this dispute, so it goes now, paced by the rate limits.
 */
const releaseQueuedBehind = (when: string, also: string) => `
      UPDATE "Outbox" s SET "nextAttemptAt" = GREATEST(s."notBefore", ${when}) FROM r
      WHERE s."disputeId" = r."disputeId" AND s."id" > r."id" AND s."deliveredAt" IS NULL AND s."failedAt" IS NULL
        AND s."claimToken" IS NULL AND s."nextAttemptAt" > GREATEST(s."notBefore", ${when}) ${also}`;

/**
 * Marks a row delivered, even if its lease ran out meanwhile. The card refreshes it covered (claimStatement) are done
 * with it, in the same statement: were the process to die first, the row comes back and covers them again.
 */
function deliveredStatement(row: ClaimedRow, when: Date): Statement {
  return {
    text: `
      WITH r AS (
        UPDATE "Outbox" SET "deliveredAt" = $2::timestamp(3), "claimedUntil" = NULL, "claimToken" = NULL, "inFlightSince" = NULL,
          "lastError" = NULL
        WHERE "id" = $1::bigint AND "deliveredAt" IS NULL
        RETURNING "id", "disputeId", "platform"),
      k AS (
        UPDATE "Outbox" k SET "deliveredAt" = $2::timestamp(3), "lastError" = NULL FROM r
        WHERE k."disputeId" = r."disputeId" AND k."id" > r."id" AND k."id" <= $3::bigint AND k."kind" = 'REFRESH_CARD'
          AND k."platform" IS NOT DISTINCT FROM r."platform" AND k."deliveredAt" IS NULL AND k."failedAt" IS NULL AND k."claimToken" IS NULL
        RETURNING k."id"),
      s AS (${releaseQueuedBehind('$2::timestamp(3)', 'AND s."id" NOT IN (SELECT "id" FROM k)')} RETURNING 1)
      SELECT (SELECT count(*) FROM k)::int AS "coalesced"`,
      values: [String(row.id), at(when), row.covers === null || row.covers === undefined ? null : String(row.covers)],
  };
}

/** The outbox tables in PostgreSQL or PGlite. */
export class OutboxStore implements Outbox {
  constructor(private readonly db: Database) {}

  private get prisma() { return this.db.prisma; }

  /**
   * The statements run for every notification (a claim, its outcome, the case space and its card) go on the
   * driver's prepared path, not through Prisma: after each card action the outbox refreshes the card, and through
   * Prisma those statements cost the bot as much CPU as the action itself (docs/benchmarks.md). Timestamps come back
   * as milliseconds and ids as text (the `pg` driver reads timestamp columns in local time and int8 as strings).
   */
  private run<T>(s: Statement): Promise<T[]> {
    const sql = this.db.sql;
    return sql.prepared ? sql.prepared<T>(s.text, s.values) : sql.query<T>(s.text, s.values);
  }

  async claim(now: Date, leaseMs: number): Promise<ClaimedRow | null> {
    const [r] = await this.run<Record<string, unknown>>(claimStatement(now, leaseMs, crypto.randomUUID()));
    if (!r) return null;
    return {
      id: BigInt(r.id as string), idempotencyKey: r.idempotencyKey as string, disputeId: r.disputeId as string | null,
      kind: r.kind as string,
      payload: r.payload as Effect, platform: r.platform as string | null, attempts: r.attempts as number, failures: r.failures as number,
      notBefore: date(r.notBefore), firstTriedAt: date(r.firstTriedAt), uncertain: r.uncertain as boolean,
      platformRef: (r.platformRef as ConversationRef | null) ?? null, claimToken: r.claimToken as string,
      covers: r.covers === null || r.covers === undefined ? null : BigInt(r.covers as string),
    };
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

  async delivered(row: ClaimedRow, when: Date): Promise<number> {
    const [r] = await this.run<{ coalesced: number }>(deliveredStatement(row, when));
    return r?.coalesced ?? 0;
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

  async fail(row: ClaimedRow, when: Date, error: string): Promise<void> {
    await this.run({
      text: `
      WITH r AS (
        UPDATE "Outbox" SET "failedAt" = $3::timestamp(3), "lastError" = $4::text, "claimedUntil" = NULL, "claimToken" = NULL
        WHERE "id" = $1::bigint AND "claimToken" = $2::text AND "deliveredAt" IS NULL
        RETURNING "id", "disputeId")
      ${releaseQueuedBehind('$3::timestamp(3)', '')}`,
      values: [String(row.id), row.claimToken, at(when), error.replace(/\0/g, '').slice(0, 1000)], // text holds no NUL
    });
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
    const [c] = await this.run<{ ref: CaseSpaceRecord['ref']; cardRef: ConversationRef | null; createdAt: number }>({
      text: `SELECT "ref", "cardRef", ${ms('"createdAt"')} AS "createdAt" FROM "Conversation" WHERE "disputeId" = $1::text AND "platform" = $2::text`,
      values: [disputeId, platform],
    });
    if (!c) return null;
    return { ref: c.ref, cardRef: c.cardRef ?? null, createdAt: date(c.createdAt) };
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
    const rows = await this.run({
      text: 'UPDATE "Conversation" SET "cardRef" = $3::jsonb WHERE "disputeId" = $1::text AND "platform" = $2::text RETURNING 1 AS "ok"',
      values: [disputeId, platform, JSON.stringify(card)],
    });
    // As Prisma's update did: a case space that is not there is a fault, not a card kept nowhere.
    if (!rows.length) throw new Error(`no ${platform} case space is recorded for dispute ${disputeId}`);
  }

  async sharedSpace(disputeId: string, home: string): Promise<SharedSpaceRecord | null> {
    const [r] = await this.run<Omit<Parameters<typeof shareRecord>[0], 'createdAt'> & { createdAt: number }>({
      text: `SELECT "disputeId", "home", "host", "state", "channel", "inviteIds", "people", "reason", ${ms('"createdAt"')} AS "createdAt"
        FROM "SharedSpace" WHERE "disputeId" = $1::text AND "home" = $2::text`,
      values: [disputeId, home],
    });
    return r ? shareRecord({ ...r, createdAt: date(r.createdAt) }) : null;
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
      const d = deliveredStatement(row, at);
      await tx.$queryRawUnsafe(d.text, ...d.values);
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
