import { ChatDeliveryError } from '../../app/ports.ts';
import { type GraphChat, type GraphClient, GraphError } from './graph.ts';

export interface GroupChatSettings {
  graph: GraphClient;
  /** The Teams app's manifest id (the bot's app id), to find it in the app catalogue. */
  appId: string;
  /** The catalogue's own id for the app, when the administrator gives it (saves the AppCatalog.Read.All look-up). */
  catalogAppId: string | null;
}

/**
 * Private case spaces as Teams group chats, through Microsoft Graph: only the
 * chat's members see it or the cards in it, and the bot keeps the members
 * equal to the dispute's participants.
 */
export class GroupChats {
  constructor(private readonly s: GroupChatSettings) {}

  private catalogId(): Promise<string> {
    return this.s.catalogAppId ? Promise.resolve(this.s.catalogAppId) : this.s.graph.catalogAppId(this.s.appId);
  }

  /**
   * The dispute's chat, titled with the reference only, with the app
   * installed so the bot can post. It first looks for the chat an
   * interrupted attempt made (any queued notification may be the one that
   * opens the space), so a dispute never gets two; a stranger's chat that
   * merely has the same title is never taken over. Should the tenant refuse
   * a chat of `founders` alone (too few members), it starts with `everyone`.
   */
  async open(reference: string, founders: string[], everyone: string[] = founders): Promise<GraphChat> {
    if (!founders.length) throw new ChatDeliveryError(`nobody in ${reference} has a Teams (Entra object) id in the directory, so there is no one to start its chat with`, false);
    const { graph } = this.s;
    const catalog = await this.catalogId();
    let chat: GraphChat | null = null;
    const more = [...new Set([...founders, ...everyone])];
    const asMade = [[...founders].sort().join(), [...more].sort().join()];
    for (const c of await graph.chatsOf(founders[0]!, reference)) {
      const members = (await graph.chatMembers(c.id)).map((m) => m.userId).sort().join();
      if (await graph.appInstalled(c.id, catalog) || asMade.includes(members)) {
        chat = c;
        break;
      }
    }
    if (!chat) {
      try {
        chat = await graph.createGroupChat(reference, founders);
      } catch (e) {
        if (!(e instanceof GraphError && e.status === 400 && more.length > founders.length)) throw e;
        chat = await graph.createGroupChat(reference, more);
      }
    }
    await graph.installApp(chat.id, catalog);
    return chat;
  }

  /** Adds whoever is not yet a member; returns the ids Entra does not know. */
  async add(chatId: string, userIds: string[]): Promise<string[]> {
    const present = new Set((await this.s.graph.chatMembers(chatId)).map((m) => m.userId));
    const unknown: string[] = [];
    for (const id of userIds) {
      if (present.has(id)) continue;
      if (!await this.s.graph.addChatMember(chatId, id)) unknown.push(id);
    }
    return unknown;
  }

  async remove(chatId: string, userIds: string[]): Promise<void> {
    const leaving = new Set(userIds);
    for (const m of await this.s.graph.chatMembers(chatId)) {
      if (leaving.has(m.userId)) await this.s.graph.removeChatMember(chatId, m.id);
    }
  }
}
