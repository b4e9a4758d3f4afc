import type { Conversations } from '../app/conversations.ts';
import type { Database } from './db.ts';

/** Case spaces in the register's Conversation table. */
export class RegisterConversations implements Conversations {
  constructor(private readonly db: Database) {}

  /**
   * A platform with several connections keeps each one's spaces under
   * `platform:<workspace or tenant>` (a Teams tenant's chats); the platform's
   * ids are unique across them, so a space is found whichever holds it.
   */
  async disputeIdFor(platform: string, externalId: string): Promise<string | null> {
    const conv = await this.db.prisma.conversation.findFirst({
      where: { externalId, OR: [{ platform }, { platform: { startsWith: `${platform}:` } }] }, select: { disputeId: true },
    });
    return conv?.disputeId ?? null;
  }
}
