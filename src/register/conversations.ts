import type { Conversations } from '../app/conversations.ts';
import type { Database } from './db.ts';

/** Case spaces in the register's Conversation table. */
export class RegisterConversations implements Conversations {
  constructor(private readonly db: Database) {}

  async disputeIdFor(platform: string, externalId: string): Promise<string | null> {
    // A platform served as several workspaces keeps each one's spaces under `platform:<workspace>`; ids are unique across them.
    const conv = await this.db.prisma.conversation.findFirst({
      where: { externalId, OR: [{ platform }, { platform: { startsWith: `${platform}:` } }] }, select: { disputeId: true },
    });
    return conv?.disputeId ?? null;
  }
}
