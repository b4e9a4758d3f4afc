import type { Prisma } from '../generated/prisma/client.ts';
import type { Consumed, LinkRequest, SignInLinkStore } from '../app/sign-in-links.ts';
import type { Database } from './db.ts';

export class RegisterSignInLinks implements SignInLinkStore {
  constructor(private readonly db: Database) {}

  request(r: LinkRequest, limits: { perAddress: number; perIp: number; windowMs: number }): Promise<'queued' | 'limited' | 'counted'> {
    return this.db.prisma.$transaction(async (tx) => {
      const since = new Date(r.now.getTime() - limits.windowMs);
      await tx.signInLink.deleteMany({ where: { createdAt: { lt: new Date(r.now.getTime() - 86_400_000) } } });
      const [byAddress, byIp] = await Promise.all([
        // Per address from this client: someone else asking for a colleague's links cannot lock the colleague out.
        tx.signInLink.count({ where: { addressHash: r.addressHash, ipHash: r.ipHash, createdAt: { gte: since } } }),
        tx.signInLink.count({ where: { ipHash: r.ipHash, createdAt: { gte: since } } }),
      ]);
      // Over a limit, nothing more is recorded either: a flood cannot grow the table.
      if (byAddress >= limits.perAddress || byIp >= limits.perIp) return 'limited';
      const sending = r.personId !== null && r.effect !== null;
      await tx.signInLink.create({
        data: {
          id: r.id, tokenHash: sending ? r.tokenHash : null, personId: sending ? r.personId : null,
          addressHash: r.addressHash, ipHash: r.ipHash, createdAt: r.now, expiresAt: r.expiresAt,
        },
      });
      if (!sending) return 'counted';
      await tx.outbox.create({
        data: {
          idempotencyKey: `sign-in:${r.id}`, disputeId: null, kind: r.effect!.kind, platform: 'email',
          payload: r.effect as unknown as Prisma.InputJsonValue, notBefore: r.now, nextAttemptAt: r.now,
        },
      });
      return 'queued';
    });
  }

  async consume(tokenHash: string, now: Date): Promise<Consumed> {
    // One guarded update: of two presses at once, exactly one changes the row.
    const used = await this.db.prisma.signInLink.updateMany({
      where: { tokenHash, usedAt: null, expiresAt: { gt: now }, personId: { not: null } },
      data: { usedAt: now },
    });
    const row = await this.db.prisma.signInLink.findUnique({ where: { tokenHash } });
    if (!row || !row.personId) return { ok: false, why: 'unknown' };
    if (used.count === 1) return { ok: true, personId: row.personId };
    return { ok: false, why: row.usedAt ? 'used' : 'expired' };
  }
}
