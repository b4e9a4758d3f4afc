import type { Effect } from '../domain/effects.ts';
import type { Person } from '../domain/types.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Database } from '../register/db.ts';
import { registeredPeople } from '../register/people.ts';
import { ChatDeliveryError, type ChatPort, type Clock, type ConversationRef, type Logger } from './ports.ts';
import type { DisputeService } from './dispute-service.ts';
import { errorInfo } from './dispute-service.ts';

export interface DispatcherDeps {
  db: Database;
  clock: Clock;
  service: DisputeService;
  /** The platform each dispute lives on; a dispute raised on the CLI uses the default. */
  ports: Record<string, ChatPort>;
  defaultPlatform: string;
  logger: Logger;
  maxAttempts: number;
}

interface OutboxRow { id: bigint; idempotencyKey: string; disputeId: string | null; kind: string; payload: Effect; attempts: number }

const CLAIM_MS = 60_000;

/** A case space being created by another replica: try again shortly. */
class CaseSpacePending extends Error {}

/**
 * Delivers outbox rows to the chat platforms. A row is claimed for a minute
 * (so a crashed deliverer's rows come back), delivered with its idempotency
 * key, then marked delivered; failures back off and retry, and give up after
 * `maxAttempts` with the reason kept on the row.
 */
export class OutboxDispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  async deliverDue(limit = 100): Promise<{ delivered: number; retried: number; failed: number }> {
    const now = this.deps.clock.now();
    const rows = await this.deps.db.prisma.$queryRaw<OutboxRow[]>`
      UPDATE "Outbox" SET "claimedUntil" = ${new Date(now.getTime() + CLAIM_MS)}, "attempts" = "attempts" + 1
      WHERE "id" IN (
        SELECT "id" FROM "Outbox"
        WHERE "deliveredAt" IS NULL AND "failedAt" IS NULL AND "nextAttemptAt" <= ${now}
          AND ("claimedUntil" IS NULL OR "claimedUntil" < ${now})
        ORDER BY "id" LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      RETURNING "id", "idempotencyKey", "disputeId", "kind", "payload", "attempts"`;
    rows.sort((a, b) => (a.id < b.id ? -1 : 1));
    const tally = { delivered: 0, retried: 0, failed: 0 };
    for (const row of rows) {
      try {
        await this.deliver(row);
        await this.deps.db.prisma.outbox.update({ where: { id: row.id }, data: { deliveredAt: this.deps.clock.now(), claimedUntil: null, lastError: null } });
        tally.delivered++;
      } catch (e) {
        const retryable = e instanceof CaseSpacePending || !(e instanceof ChatDeliveryError) || e.retryable;
        const giveUp = !retryable || row.attempts >= this.deps.maxAttempts;
        const backoff = e instanceof ChatDeliveryError && e.retryAfterMs !== null ? e.retryAfterMs : Math.min(2 ** row.attempts * 1000, 15 * 60_000);
        const at = this.deps.clock.now();
        await this.deps.db.prisma.outbox.update({
          where: { id: row.id },
          data: { lastError: String((e as Error).message).slice(0, 1000), claimedUntil: null, ...(giveUp ? { failedAt: at } : { nextAttemptAt: new Date(at.getTime() + backoff) }) },
        });
        const log = { err: errorInfo(e), outboxId: String(row.id), kind: row.kind, attempts: row.attempts, disputeId: row.disputeId };
        if (giveUp) {
          tally.failed++;
          this.deps.logger.error(log, 'a notification could not be delivered and will not be retried');
        } else {
          tally.retried++;
          this.deps.logger.warn(log, 'a notification failed and will be retried');
        }
      }
    }
    return tally;
  }

  private people(ids: string[]): Person[] {
    const dir = this.deps.service.directory();
    return ids.map((id) => dir.people.find((p) => p.id === id)).filter((p): p is Person => Boolean(p));
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const e = row.payload;
    const key = { key: row.idempotencyKey, attempt: row.attempts };
    if (e.kind === 'GOVERNANCE') return this.port(null).governance(e.message, key);
    if (!row.disputeId) throw new ChatDeliveryError(`outbox row ${row.id} has no dispute`, false);
    const dispute = await this.deps.service.get({ id: row.disputeId });
    if (!dispute) throw new ChatDeliveryError(`dispute ${row.disputeId} not found`, false);
    const port = this.port(dispute.raisedOn);
    if (e.kind === 'DM') {
      const [person] = this.people([e.personId]);
      if (!person) throw new ChatDeliveryError(`${e.personId} is no longer in the directory`, false);
      const conv = await this.deps.db.prisma.conversation.findUnique({ where: { disputeId_platform: { disputeId: dispute.id, platform: port.platform } } });
      const space = conv && !(conv.ref as { pending?: boolean }).pending ? (conv.ref as ConversationRef) : null;
      return port.dm(person, e.message, key, space);
    }
    const space = await this.caseSpace(port, row.disputeId, row.attempts);
    switch (e.kind) {
      case 'OPEN_CASE_SPACE':
        return;
      case 'INVITE':
        return port.invite(space, this.people(e.personIds), key);
      case 'UNINVITE': {
        // Someone who left the directory is still in the register, with the ids needed to remove them.
        const known = this.people(e.personIds);
        const gone = await registeredPeople(this.deps.db, e.personIds.filter((id) => !known.some((p) => p.id === id)));
        return port.uninvite(space, [...known, ...gone], key);
      }
      case 'POST':
        return port.post(space, e.message, this.people(e.message.mentions), key);
      case 'REFRESH_CARD': {
        // The card always shows the dispute as it is now, not as it was when queued.
        const conv = await this.deps.db.prisma.conversation.findUnique({ where: { disputeId_platform: { disputeId: dispute.id, platform: port.platform } } });
        const card = await port.upsertCard(space, this.deps.service.view(dispute), (conv?.cardRef as ConversationRef | null) ?? null, key);
        await this.deps.db.prisma.conversation.update({
          where: { disputeId_platform: { disputeId: dispute.id, platform: port.platform } }, data: { cardRef: card as Prisma.InputJsonValue },
        });
        return;
      }
    }
  }

  private port(platform: string | null): ChatPort {
    return (platform && this.deps.ports[platform]) || this.deps.ports[this.deps.defaultPlatform]!;
  }

  /** The dispute's case space on a platform, created once even with several replicas. */
  private async caseSpace(port: ChatPort, disputeId: string, attempt: number): Promise<ConversationRef> {
    const prisma = this.deps.db.prisma;
    const where = { disputeId_platform: { disputeId, platform: port.platform } };
    const existing = await prisma.conversation.findUnique({ where });
    if (existing && !(existing.ref as { pending?: boolean }).pending) return existing.ref as ConversationRef;
    if (existing) {
      const stale = this.deps.clock.now().getTime() - existing.createdAt.getTime() > CLAIM_MS;
      if (!stale) throw new CaseSpacePending('the case space is being created');
    } else {
      const inserted = await prisma.$executeRaw`
        INSERT INTO "Conversation" ("disputeId", "platform", "ref", "createdAt") VALUES (${disputeId}, ${port.platform}, '{"pending":true}'::jsonb, ${this.deps.clock.now()})
        ON CONFLICT DO NOTHING`;
      if (inserted !== 1) throw new CaseSpacePending('the case space is being created');
    }
    const dispute = await this.deps.service.get({ id: disputeId });
    let ref: ConversationRef;
    try {
      ref = await port.openCaseSpace(this.deps.service.view(dispute!), { key: `${disputeId}:space`, attempt });
    } catch (e) {
      // Let the next attempt (this replica's or another's) try again at once.
      await prisma.conversation.deleteMany({ where: { disputeId, platform: port.platform, createdAt: existing?.createdAt ?? undefined } });
      throw e;
    }
    await prisma.conversation.update({ where, data: { ref: ref as Prisma.InputJsonValue, externalId: ref.id } });
    return ref;
  }
}
