import type { Conversations } from '../app/conversations.ts';
import type { Database } from './db.ts';

/** Case spaces in the register's Conversation table. */
export class RegisterConversations implements Conversations {
  constructor(private readonly db: Database) {}

  async disputeIdFor(platform: string, externalId: string): Promise<string | null> {
    const conv = await this.db.prisma.conversation.findFirst({ where: { platform, externalId }, select: { disputeId: true } });
    return conv?.disputeId ?? null;
  }
}
