import type { CaseSpace, Conversations } from '../app/conversations.ts';
import type { ConversationRef } from '../app/ports.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Database } from './db.ts';

/** Case spaces in the register's Conversation table. */
export class RegisterConversations implements Conversations {
  constructor(private readonly db: Database) {}

  async disputeIdFor(platform: string, externalId: string): Promise<string | null> {
    const conv = await this.db.prisma.conversation.findFirst({ where: { platform, externalId }, select: { disputeId: true } });
    return conv?.disputeId ?? null;
  }

  async find(disputeId: string, platform: string): Promise<CaseSpace | null> {
    const c = await this.db.prisma.conversation.findUnique({ where: { disputeId_platform: { disputeId, platform } } });
    if (!c) return null;
    const pending = Boolean((c.ref as { pending?: boolean } | null)?.pending);
    const cardRef = (c.cardRef as ConversationRef | null) ?? null;
    return { ref: pending ? null : (c.ref as ConversationRef), cardRef, createdAt: c.createdAt };
  }

  async claim(disputeId: string, platform: string, at: Date): Promise<boolean> {
    const inserted = await this.db.prisma.$executeRaw`
      INSERT INTO "Conversation" ("disputeId", "platform", "ref", "createdAt")
      VALUES (${disputeId}, ${platform}, '{"pending":true}'::jsonb, ${at})
      ON CONFLICT DO NOTHING`;
    return inserted === 1;
  }

  async opened(disputeId: string, platform: string, ref: ConversationRef): Promise<void> {
    await this.db.prisma.conversation.update({
      where: { disputeId_platform: { disputeId, platform } }, data: { ref: ref as Prisma.InputJsonValue, externalId: ref.id },
    });
  }

  async release(disputeId: string, platform: string, createdAt?: Date): Promise<void> {
    await this.db.prisma.conversation.deleteMany({ where: { disputeId, platform, ...(createdAt ? { createdAt } : {}) } });
  }

  async saveCard(disputeId: string, platform: string, cardRef: ConversationRef): Promise<void> {
    await this.db.prisma.conversation.update({
      where: { disputeId_platform: { disputeId, platform } }, data: { cardRef: cardRef as Prisma.InputJsonValue },
    });
  }
}
