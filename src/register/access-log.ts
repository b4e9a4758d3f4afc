import { type AccessEntry, type AccessInput, type AccessLog, accessHash } from '../app/access-log.ts';
import type { Clock } from '../app/ports.ts';
import { GENESIS } from '../app/history-chain.ts';
import type { Database } from './db.ts';

type Row = Omit<AccessEntry, 'detail'> & { detail: unknown };

/**
 * The access log in the register. One chain for the whole register: each writer locks the table (other writers
 * wait, readers do not), reads the last entry and appends after it, so any number of replicas extend the same
 * chain in order. A write is one short transaction of three statements.
 */
export class RegisterAccessLog implements AccessLog {
  constructor(private readonly db: Database, private readonly clock: Clock) {}

  async record(input: AccessInput): Promise<void> {
    const at = this.clock.now();
    await this.db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('LOCK TABLE "AccessLog" IN EXCLUSIVE MODE');
      const last = await tx.accessLog.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
      const entry = {
        seq: (last?.seq ?? 0) + 1, at, actorId: input.actorId, surface: input.surface, ip: input.ip ?? null,
        action: input.action, refs: [...new Set(input.refs)], detail: input.detail ?? {},
      };
      const prevHash = last?.hash ?? GENESIS;
      await tx.accessLog.create({ data: { ...entry, detail: entry.detail as object, prevHash, hash: accessHash(entry, prevHash) } });
    });
  }

  async since(since?: Date): Promise<AccessEntry[]> {
    const rows = await this.db.prisma.accessLog.findMany({ where: since ? { at: { gte: since } } : {}, orderBy: { seq: 'asc' } }) as Row[];
    return rows.map((r) => ({ ...r, detail: (r.detail ?? {}) as Record<string, unknown> }));
  }
}
