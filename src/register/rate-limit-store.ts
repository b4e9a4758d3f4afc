import type { RateLimitStore } from '../app/outbox.ts';
import type { Database } from './db.ts';

/**
 * Rate-limit buckets in the database, so every replica shares one budget per
 * platform method and one Retry-After. Each take is a single locked row
 * update (the generic cell rate algorithm: a theoretical arrival time that
 * moves on by one interval per call, with `burst` calls of slack).
 */
export class DbRateLimitStore implements RateLimitStore {
  private readonly known = new Set<string>();
  constructor(private readonly db: Database) {}

  private async ensure(key: string): Promise<void> {
    if (this.known.has(key)) return;
    await this.db.prisma.$executeRaw`INSERT INTO "RateLimit" ("key", "tat") VALUES (${key}, ${new Date(0)}) ON CONFLICT DO NOTHING`;
    this.known.add(key);
  }

  async take(key: string, now: Date, intervalMs: number, burst: number): Promise<number> {
    await this.ensure(key);
    const tolerance = Math.max(0, burst) * intervalMs;
    const rows = await this.db.prisma.$queryRaw<{ tat: Date; blockedUntil: Date | null; took: bigint }[]>`
      WITH cur AS (SELECT "tat", "blockedUntil" FROM "RateLimit" WHERE "key" = ${key} FOR UPDATE),
      upd AS (
        UPDATE "RateLimit" r SET "tat" = GREATEST(cur."tat", ${now}::timestamp) + make_interval(secs => ${intervalMs / 1000}::float8)
        FROM cur WHERE r."key" = ${key}
          AND (cur."blockedUntil" IS NULL OR cur."blockedUntil" <= ${now}::timestamp)
          AND GREATEST(cur."tat", ${now}::timestamp) <= ${new Date(now.getTime() + tolerance)}::timestamp
        RETURNING 1)
      SELECT cur."tat", cur."blockedUntil", (SELECT count(*) FROM upd) AS "took" FROM cur`;
    const r = rows[0];
    if (!r) { this.known.delete(key); return intervalMs; }
    if (Number(r.took) > 0) return 0;
    const blocked = r.blockedUntil ? r.blockedUntil.getTime() - now.getTime() : 0;
    const paced = r.tat.getTime() - tolerance - now.getTime();
    return Math.max(1, blocked, paced);
  }

  async hold(key: string, until: Date, paceFrom: Date = until): Promise<void> {
    await this.ensure(key);
    await this.db.prisma.$executeRaw`
      UPDATE "RateLimit" SET "blockedUntil" = GREATEST(COALESCE("blockedUntil", ${until}::timestamp), ${until}::timestamp),
        "tat" = GREATEST("tat", ${paceFrom}::timestamp) WHERE "key" = ${key}`;
  }

  async held(now: Date): Promise<{ key: string; until: Date }[]> {
    const rows = await this.db.prisma.rateLimit.findMany({ where: { blockedUntil: { gt: now } }, orderBy: { key: 'asc' } });
    return rows.map((r) => ({ key: r.key, until: r.blockedUntil! }));
  }
}
