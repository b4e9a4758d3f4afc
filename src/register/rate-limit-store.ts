import type { RateLimitStore } from '../app/outbox.ts';
import type { Database } from './db.ts';
import { at, date, ms } from './outbox-store.ts';

interface Raw { tat: number; blockedUntil: number | null; took: number }

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
    // On the driver's prepared path (two of these per card refresh): timestamps as milliseconds, as in outbox-store.ts.
    const text = `
      WITH cur AS (SELECT "tat", "blockedUntil" FROM "RateLimit" WHERE "key" = $1::text FOR UPDATE),
      upd AS (
        UPDATE "RateLimit" r SET "tat" = GREATEST(cur."tat", $2::timestamp(3)) + make_interval(secs => $3::float8)
        FROM cur WHERE r."key" = $1::text
          AND (cur."blockedUntil" IS NULL OR cur."blockedUntil" <= $2::timestamp(3))
          AND GREATEST(cur."tat", $2::timestamp(3)) <= $4::timestamp(3)
        RETURNING 1)
      SELECT ${ms('cur."tat"')} AS "tat", ${ms('cur."blockedUntil"')} AS "blockedUntil", (SELECT count(*) FROM upd)::int AS "took"
      FROM cur`;
    const values = [key, at(now), intervalMs / 1000, at(new Date(now.getTime() + tolerance))];
    const sql = this.db.sql;
    const rows = (await (sql.prepared ? sql.prepared<Raw>(text, values) : sql.query<Raw>(text, values)))
      .map((r) => ({ tat: date(r.tat), blockedUntil: r.blockedUntil === null ? null : date(r.blockedUntil), took: r.took }));
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
