import { CardFactory, type CloudAdapter, type ConversationParameters, type ConversationReference, MessageFactory, type TurnContext } from 'botbuilder';
import { ChatDeliveryError, type ChatPort, type ConversationRef, type Logger } from '../../app/ports.ts';
import type { Message } from '../../domain/effects.ts';
import type { Directory, Person } from '../../domain/types.ts';
import type { DisputeView } from '../../domain/view.ts';
import { messageCard, stageCard } from './cards.ts';
import type { GraphClient } from './graph.ts';
import { caseSpaceName } from '../../domain/naming.ts';

export interface TeamsSettings {
  appId: string;
  tenantId: string;
  serviceUrl: string;
  /** Thread mode: the channel whose threads are the case spaces (each dispute one thread, its root the stage card). */
  caseChannelId: string | null;
  /** Channel mode: a channel per dispute in this team, created through Microsoft Graph. */
  channelMode: { teamId: string; graph: GraphClient } | null;
  /** PUBLIC_URL: cards link to the dispute's page in the register. */
  publicUrl?: string | null;
}

// The only place that knows what a Teams conversation ref holds: the thread's
// conversation id (`19:…@thread.tacv2;messageid=ROOT`), the root activity
// (the stage card) and the service URL for proactive sends.
interface TeamsSpace { id: string; serviceUrl: string; tenantId: string; rootId: string | null }
const asSpace = (r: ConversationRef): TeamsSpace => ({
  id: String(r.id), serviceUrl: String(r.serviceUrl), tenantId: String(r.tenantId ?? ''), rootId: r.rootId ? String(r.rootId) : null,
});

export function rootActivityId(conversationId: string): string | null {
  return /;messageid=(\d+)/.exec(conversationId)?.[1] ?? null;
}

/** Bot Connector failures in the outbox's terms. */
export function deliveryError(e: unknown): ChatDeliveryError {
  const err = e as { statusCode?: number; response?: { headers?: { get?: (h: string) => string | undefined } }; message?: string };
  const status = err.statusCode ?? 0;
  if (status === 429) {
    // The connector client has already retried a few times by itself; the outbox waits at least a second more.
    const after = Number(err.response?.headers?.get?.('retry-after') ?? 1);
    return new ChatDeliveryError('Teams rate limit (429)', true, Math.max(1, Number.isFinite(after) ? after : 1) * 1000, { rateLimited: true });
  }
  if (status >= 400 && status < 500) return new ChatDeliveryError(`Teams refused the call (${status}): ${err.message ?? ''}`, false);
  // 5xx, timeouts, network: the connector may have applied the call before the answer was lost.
  return new ChatDeliveryError(`Teams could not be reached: ${err.message ?? String(e)}`, true, null, { mayHaveApplied: true });
}

export class TeamsChatPort implements ChatPort {
  readonly platform = 'teams';
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly settings: TeamsSettings,
    private readonly directory: () => Directory,
    private readonly logger: Logger,
  ) {}

  private ref(space: TeamsSpace): Partial<ConversationReference> {
    return {
      channelId: 'msteams', serviceUrl: space.serviceUrl,
      conversation: { id: space.id, isGroup: true, conversationType: 'channel', tenantId: space.tenantId, name: '' },
      bot: { id: this.settings.appId, name: 'S117' },
    };
  }

  private async inConversation(space: TeamsSpace, logic: (ctx: TurnContext) => Promise<void>): Promise<void> {
    try {
      await this.adapter.continueConversationAsync(this.settings.appId, this.ref(space), logic);
    } catch (e) {
      throw deliveryError(e);
    }
  }

  /** A new thread in a channel, started by `activity`; returns the thread's conversation id. */
  private async newThread(channelId: string, activity: Partial<import('botbuilder').Activity>): Promise<string> {
    const params: ConversationParameters = {
      isGroup: true, bot: { id: this.settings.appId, name: 'S117' }, members: [], topicName: '',
      channelData: { channel: { id: channelId }, tenant: { id: this.settings.tenantId } }, activity: activity as never, tenantId: this.settings.tenantId,
    };
    let id = '';
    try {
      await this.adapter.createConversationAsync(this.settings.appId, 'msteams', this.settings.serviceUrl, '', params, async (ctx) => {
        id = ctx.activity.conversation.id;
      });
    } catch (e) {
      throw deliveryError(e);
    }
    return id;
  }

  /**
   * The case space is a thread whose root is the stage card (Teams bots
   * cannot pin): in the dispute's own channel, named from the reference
   * (channel mode), or in the shared case channel (thread mode).
   */
  async openCaseSpace(view: DisputeView): Promise<ConversationRef> {
    let channel = this.settings.caseChannelId;
    if (this.settings.channelMode) {
      const { teamId, graph } = this.settings.channelMode;
      channel = null;
      for (let n = 0; n < 10 && !channel; n++) {
        channel = (await graph.createChannel(teamId, caseSpaceName(view.reference, n), `Section 117 dispute ${view.reference}. Care continues while it is resolved.`))?.id ?? null;
      }
      if (!channel) throw new ChatDeliveryError(`every channel name for ${view.reference} is taken`, false);
    }
    if (!channel) throw new ChatDeliveryError('TEAMS_CASE_CHANNEL_ID is not set, so there is nowhere to open case threads', false);
    const id = await this.newThread(channel, MessageFactory.attachment(CardFactory.adaptiveCard(stageCard(view, this.settings.publicUrl ?? null))));
    return { id, serviceUrl: this.settings.serviceUrl, tenantId: this.settings.tenantId, rootId: rootActivityId(id) };
  }

  async invite(space: ConversationRef, people: Person[]): Promise<void> {
    // Channel threads need no invitation; members of the team see them. People
    // the bot cannot reach get no mention or 1:1 message: tell governance.
    const unreachable = people.filter((p) => !p.teams);
    if (unreachable.length) {
      this.logger.warn({ people: unreachable.map((p) => p.id), space: asSpace(space).id }, 'participants without a Teams id in the directory');
      await this.governance({
        title: 'Participants the bot cannot reach in Teams',
        lines: [`${unreachable.map((p) => p.name).join(', ')} have no Teams (Entra object) id in the directory, so they were not mentioned or messaged.`, 'Add their ids to the directory file.'],
        mentions: [],
      });
    }
  }

  async post(space: ConversationRef, message: Message, mentions: Person[]): Promise<void> {
    const { card, entities } = messageCard(message, mentions);
    await this.inConversation(asSpace(space), async (ctx) => {
      await ctx.sendActivity({ ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), entities: entities as never });
    });
  }

  async upsertCard(space: ConversationRef, view: DisputeView, card: ConversationRef | null): Promise<ConversationRef> {
    const s = asSpace(space);
    const target = card ? String(card.id) : s.rootId;
    const attachment = CardFactory.adaptiveCard(stageCard(view, this.settings.publicUrl ?? null));
    if (target) {
      await this.inConversation(s, async (ctx) => {
        await ctx.updateActivity({ id: target, type: 'message', attachments: [attachment], conversation: { id: s.id } as never });
      });
      return { id: target };
    }
    let id = '';
    await this.inConversation(s, async (ctx) => {
      id = (await ctx.sendActivity(MessageFactory.attachment(attachment)))?.id ?? '';
    });
    return { id };
  }

  async dm(person: Person, message: Message, _d: unknown, space: ConversationRef | null): Promise<void> {
    if (!person.teams) throw new ChatDeliveryError(`${person.id} has no Teams id in the directory`, false);
    const lines = space ? [...message.lines, 'Open the case thread in the partnership team to see the stage card.'] : message.lines;
    const params: ConversationParameters = {
      isGroup: false, bot: { id: this.settings.appId, name: 'S117' }, members: [{ id: person.teams, name: person.name }], topicName: '',
      tenantId: this.settings.tenantId, channelData: { tenant: { id: this.settings.tenantId } },
      activity: MessageFactory.attachment(CardFactory.adaptiveCard(messageCard({ ...message, lines }, []).card)) as never,
    };
    try {
      await this.adapter.createConversationAsync(this.settings.appId, 'msteams', this.settings.serviceUrl, '', params, async () => undefined);
    } catch (e) {
      throw deliveryError(e);
    }
  }

  async governance(message: Message): Promise<void> {
    const channel = this.directory().governance.teams;
    if (!channel) {
      this.logger.warn({ title: message.title }, 'no governance Teams channel in the directory; this notice went to the log only');
      return;
    }
    await this.newThread(channel, MessageFactory.attachment(CardFactory.adaptiveCard(messageCard(message, []).card)));
  }
}
