import { type AccessEntry, type AccessInput, type AccessLog, accessHash } from '../app/access-log.ts';
import type { Clock } from '../app/ports.ts';
import { GENESIS } from '../app/history-chain.ts';
import type { Database, SqlRunner } from './db.ts';

type Row = Omit<AccessEntry, 'detail'> & { detail: unknown };

/**
 * The access log in the register. One chain for the whole register: each writer locks the table (other writers
 * wait, readers do not), reads the last entry and appends after it, so any number of replicas extend the same
 * chain in order. A write is one short transaction of three statements.
 */
export class RegisterAccessLog implements AccessLog {
  constructor(private readonly db: Database, private readonly clock: Clock) {}

  async record(input: AccessInput): Promise<void> {
    // The raw driver, not an interactive Prisma transaction: a third of the time, on the path of every answer.
    await this.db.sql.transaction(async (q) => {
      await q.exec('LOCK TABLE "AccessLog" IN EXCLUSIVE MODE');
      await this.append(q, input);
    });
  }

  /** Appends after the last entry; the caller holds the table lock. */
  private async append(q: Pick<SqlRunner, 'query'>, input: AccessInput): Promise<void> {
    const at = this.clock.now();
    const [last] = await q.query<{ seq: number; hash: string }>('SELECT seq, hash FROM "AccessLog" ORDER BY seq DESC LIMIT 1');
    const entry = {
      seq: (last?.seq ?? 0) + 1, at, actorId: input.actorId, surface: input.surface, ip: input.ip ?? null,
      action: input.action, refs: [...new Set(input.refs)], detail: input.detail ?? {},
    };
    const prevHash = last?.hash ?? GENESIS;
    await q.query(
      `INSERT INTO "AccessLog" (seq, at, "actorId", surface, ip, action, refs, detail, hash, "prevHash")
        VALUES ($1, $2::timestamp(3), $3, $4, $5, $6, $7, $8::jsonb, $9, $10)`,
      // The instant as UTC text: the column has no time zone, and a Date would be sent in the host's.
      [entry.seq, at.toISOString(), entry.actorId, entry.surface, entry.ip, entry.action, entry.refs, JSON.stringify(entry.detail),
        accessHash(entry, prevHash), prevHash],
    );
  }

  async prune(before: Date, by: Omit<AccessInput, 'action' | 'refs'>): Promise<{ removed: number; throughSeq: number | null }> {
    return this.db.sql.transaction(async (q) => {
      await q.exec('LOCK TABLE "AccessLog" IN EXCLUSIVE MODE');
      // Entries are numbered in the order written, under this lock, so the old ones are a run from the start.
      const [last] = await q.query<{ seq: number; hash: string }>(
        'SELECT seq, hash FROM "AccessLog" WHERE at < $1::timestamp(3) ORDER BY seq DESC LIMIT 1', [before.toISOString()]);
      if (!last) return { removed: 0, throughSeq: null };
      const [{ n }] = await q.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM "AccessLog" WHERE seq <= $1', [last.seq]) as [{ n: number }];
      await q.query('DELETE FROM "AccessLog" WHERE seq <= $1', [last.seq]);
      // The anchor: "s117 access verify" checks the first kept entry against it, and the entry is sealed in the chain.
      await this.append(q, {
        ...by, action: 'PRUNE', refs: [],
        detail: { ...by.detail, throughSeq: last.seq, lastHash: last.hash, before: before.toISOString(), removed: n },
      });
      return { removed: n, throughSeq: last.seq };
    });
  }

  async since(since?: Date): Promise<AccessEntry[]> {
    const rows = await this.db.prisma.accessLog.findMany({ where: since ? { at: { gte: since } } : {}, orderBy: { seq: 'asc' } }) as Row[];
    return rows.map((r) => ({ ...r, detail: (r.detail ?? {}) as Record<string, unknown> }));
  }
}
