import { type CloudAdapter, type ConversationParameters, type ConversationReference, type TurnContext } from 'botbuilder';
import { ChatDeliveryError, type ChatPort, type ConversationRef, type Delivery, type Logger, type RateBucket } from '../../app/ports.ts';
import type { Message } from '../../domain/effects.ts';
import type { Directory, Person } from '../../domain/types.ts';
import type { DisputeView } from '../../domain/view.ts';
import { type Card, messageCard, stageCard } from './cards.ts';
import { cardActivity } from './activity-size.ts';
import { retryAfterSeconds } from './connector-http.ts';
import { GraphConsentError, type GraphClient } from './graph.ts';
import type { GroupChats } from './group-chat.ts';
import { caseSpaceName } from '../../domain/naming.ts';
import { type TeamsMethod, teamsBucket, WHOLE_PLATFORM } from './rate-limits.ts';

export interface TeamsSettings {
  appId: string;
  tenantId: string;
  /**
   * The outbox's platform key for this connection's spaces (see
   * connections.ts): `teams`, or `teams:<tenant>` for a further connection.
   */
  key?: string;
  /** The connection's name, for the messages governance reads. */
  connection?: string;
  /**
   * A further connection's notices to governance go through the connection
   * whose tenant holds the governance channel (a bot posts only where it is).
   */
  governanceVia?: ChatPort | null;
  serviceUrl: string;
  /** Thread mode: the channel whose threads are the case spaces (each dispute one thread, its root the stage card). */
  caseChannelId: string | null;
  /** Channel mode: a channel per dispute in this team, created through Microsoft Graph. */
  channelMode: { teamId: string; graph: GraphClient } | null;
  /** Chat mode: a private group chat per dispute, its members the dispute's participants. */
  groupChats?: GroupChats | null;
  /** Chat mode without the Graph consent it needs: use a thread in `caseChannelId` instead (only when the partnership chose to). */
  privateFallback?: 'thread' | null;
  /** PUBLIC_URL: cards link to the dispute's page in the register. */
  publicUrl?: string | null;
}

/** Who a dispute's chat starts with, and who takes part now (directory person ids). */
export type DisputeMembers = (disputeId: string) => Promise<{ raisedById: string; participants: string[] } | null>;
/**
 * Queues a notice to governance once per key, kept in the database (so a
 * restart or another replica does not tell governance again); false when the
 * key was already there.
 */
export type TellGovernanceOnce = (key: string, message: Message) => Promise<boolean>;

// The only place that knows what a Teams conversation ref holds: a thread's
// conversation id (`19:…@thread.tacv2;messageid=ROOT`) and its root activity
// (the stage card), or a group chat's id (`19:…@thread.v2`, also its
// conversation id for proactive sends) and its link; and the service URL.
interface TeamsSpace { id: string; serviceUrl: string; tenantId: string; rootId: string | null; kind: 'thread' | 'chat'; webUrl: string | null }
const asSpace = (r: ConversationRef): TeamsSpace => ({
  id: String(r.id), serviceUrl: String(r.serviceUrl), tenantId: String(r.tenantId ?? ''), rootId: r.rootId ? String(r.rootId) : null,
  kind: r.kind === 'chat' ? 'chat' : 'thread', webUrl: typeof r.webUrl === 'string' ? r.webUrl : null,
});

/** Where a 1:1 message sends people: the chat, or the thread's root message in its channel. */
function spaceLink(s: TeamsSpace): string | null {
  if (s.kind === 'chat') return s.webUrl ?? `https://teams.microsoft.com/l/chat/${encodeURIComponent(s.id)}/0?tenantId=${encodeURIComponent(s.tenantId)}`;
  const channel = s.id.split(';')[0]!;
  return s.rootId ? `https://teams.microsoft.com/l/message/${encodeURIComponent(channel)}/${s.rootId}?tenantId=${encodeURIComponent(s.tenantId)}&parentMessageId=${s.rootId}` : null;
}

export function rootActivityId(conversationId: string): string | null {
  return /;messageid=(\d+)/.exec(conversationId)?.[1] ?? null;
}

/** Bot Connector failures in the outbox's terms. */
export function deliveryError(e: unknown): ChatDeliveryError {
  const err = e as {
    statusCode?: number; retryAfter?: number | string; message?: string;
    response?: { headers?: { get?: (h: string) => string | undefined } };
  };
  const status = err.statusCode ?? 0;
  if (status === 429) {
    const headers = err.response?.headers;
    const after = typeof err.retryAfter === 'number' ? err.retryAfter
      : retryAfterSeconds(err.retryAfter ?? headers?.get?.('retry-after'), headers?.get?.('date'));
    // At least a second, whatever the connector says.
    return new ChatDeliveryError('Teams rate limit (429)', true, Math.max(1, after ?? 1) * 1000, { rateLimited: true });
  }
  // A 408 is the connector giving up on the call, not refusing it: like a 5xx, it may have been applied.
  if (status >= 400 && status < 500 && status !== 408) return new ChatDeliveryError(`Teams refused the call (${status}): ${err.message ?? ''}`, false);
  // 408, 5xx, timeouts, network: the connector may have applied the call before the answer was lost.
  return new ChatDeliveryError(`Teams could not be reached: ${err.message ?? String(e)}`, true, null, { mayHaveApplied: true });
}

export class TeamsChatPort implements ChatPort {
  readonly platform: string;
  private disputeMembers: DisputeMembers | null = null;
  private tellOnce: TellGovernanceOnce | null = null;
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly settings: TeamsSettings,
    private readonly directory: () => Directory,
    private readonly logger: Logger,
  ) {
    this.platform = settings.key ?? 'teams';
  }

  /** Chat mode starts each chat with the dispute's members, which the views do not carry. */
  useDisputes(lookup: DisputeMembers, tellOnce?: TellGovernanceOnce): void {
    this.disputeMembers = lookup;
    if (tellOnce) this.tellOnce = tellOnce;
  }

  /**
   * Every Bot Connector call of a delivery: waits for its rate-limit bucket
   * (shared by all replicas) and on a 429 holds it, and the whole platform,
   * back for everyone for the connector's Retry-After.
   */
  private async limited<T>(d: Delivery | undefined, method: TeamsMethod, conversation: string, fn: () => Promise<T>): Promise<T> {
    const bucket: RateBucket = teamsBucket(method, conversation);
    await d?.limit?.([bucket]);
    try {
      return await fn();
    } catch (e) {
      const err = e instanceof ChatDeliveryError ? e : deliveryError(e);
      // Each connection is its own bot to Teams, with its own limits: a 429 holds back that connection only.
      const whole = this.platform === WHOLE_PLATFORM.key.slice(0, -2) ? WHOLE_PLATFORM : { ...WHOLE_PLATFORM, key: `${this.platform}:*` };
      if (err.rateLimited) await d?.rateLimited?.([whole, bucket], err.retryAfterMs ?? 1000);
      throw err;
    }
  }

  private ref(space: TeamsSpace): Partial<ConversationReference> {
    return {
      channelId: 'msteams', serviceUrl: space.serviceUrl,
      conversation: { id: space.id, isGroup: true, conversationType: space.kind === 'chat' ? 'groupChat' : 'channel', tenantId: space.tenantId, name: '' },
      bot: { id: this.settings.appId, name: 'S117' },
    };
  }

  private async inConversation(space: TeamsSpace, d: Delivery | undefined, method: TeamsMethod, logic: (ctx: TurnContext) => Promise<void>): Promise<void> {
    return this.limited(d, method, space.id, () => this.turn(space, logic));
  }

  private async turn(space: TeamsSpace, logic: (ctx: TurnContext) => Promise<void>): Promise<void> {
    try {
      // The adapter hands an error inside the turn to its onTurnError and returns as if all went well:
      // keep it, so a post that failed is retried rather than taken as delivered.
      let failed: { error: unknown } | null = null;
      await this.adapter.continueConversationAsync(this.settings.appId, this.ref(space), async (ctx) => {
        try {
          await logic(ctx);
        } catch (error) {
          failed = { error };
        }
      });
      if (failed) throw (failed as { error: unknown }).error;
    } catch (e) {
      const err = deliveryError(e);
      // The app installed in a new chat takes a moment to reach the bot's roster: try again shortly.
      const status = (e as { statusCode?: number }).statusCode;
      if (space.kind === 'chat' && (status === 403 || status === 404)) throw new ChatDeliveryError(`${err.message} (the bot may not be in the chat yet)`, true, 30_000);
      throw err;
    }
  }

  /** A new thread in a channel, started by `activity`; returns the thread's conversation id. */
  private async newThread(channelId: string, activity: Partial<import('botbuilder').Activity>, d: Delivery | undefined): Promise<string> {
    const params: ConversationParameters = {
      isGroup: true, bot: { id: this.settings.appId, name: 'S117' }, members: [], topicName: '',
      channelData: { channel: { id: channelId }, tenant: { id: this.settings.tenantId } }, activity: activity as never, tenantId: this.settings.tenantId,
    };
    let id = '';
    await this.limited(d, 'create', channelId, async () => {
      try {
        await this.adapter.createConversationAsync(this.settings.appId, 'msteams', this.settings.serviceUrl, '', params, async (ctx) => {
          id = ctx.activity.conversation.id;
        });
      } catch (e) {
        throw deliveryError(e);
      }
    });
    return id;
  }

  /**
   * The case space is a thread whose root is the stage card (Teams bots
   * cannot pin): in the dispute's own channel, named from the reference
   * (channel mode), or in the shared case channel (thread mode). What an
   * earlier try made is kept (`d.sent`) and reused, never made again.
   */
  async openCaseSpace(view: DisputeView, d: Delivery): Promise<ConversationRef> {
    if (d.known?.id) return d.known;
    if (this.settings.groupChats) {
      try {
        return await this.openChat(view, this.settings.groupChats, d);
      } catch (e) {
        if (!(e instanceof GraphConsentError)) throw e;
        const fallback = this.settings.privateFallback === 'thread' && this.settings.caseChannelId;
        await this.tellConsentMissing(view.reference, e, Boolean(fallback), d);
        if (!fallback) throw e;
        return this.openThread(view, this.settings.caseChannelId, d);
      }
    }
    return this.openThread(view, this.settings.caseChannelId, d);
  }

  /**
   * The chat starts with the person who raised the dispute (they are acting
   * now); everyone else joins through the stage's invitation, which waits
   * for working hours as every other ping does.
   */
  private async openChat(view: DisputeView, chats: GroupChats, d: Delivery): Promise<ConversationRef> {
    const dispute = this.disputeMembers ? await this.disputeMembers(view.id) : null;
    if (!dispute) throw new ChatDeliveryError(`dispute ${view.reference} could not be loaded to start its chat`, true);
    // With a connection per tenant, this chat holds only this tenant's people (the others have a chat in theirs).
    const teamsId = (id: string) => {
      const person = this.directory().people.find((p) => p.id === id);
      return person && this.inTenant(person) ? person.handles.teams ?? null : null;
    };
    const raiser = teamsId(dispute.raisedById);
    const everyone = [...new Set(dispute.participants.map(teamsId).filter((t): t is string => Boolean(t)))];
    const chat = await chats.open(view.reference, raiser ? [raiser] : everyone, everyone);
    const ref = { id: chat.id, serviceUrl: this.settings.serviceUrl, tenantId: this.settings.tenantId, rootId: null, kind: 'chat', webUrl: chat.webUrl };
    await d.sent?.(ref);
    return ref;
  }

  /**
   * Whether a person works in this connection's tenant: their organisation
   * names it as a home; or, for the first connection, names Teams without a
   * tenant, or no home at all (as routing reaches them: see domain/homes.ts).
   * Someone whose organisation works elsewhere (Slack, e-mail) is not brought
   * into a Teams chat because they happen to have a Teams id.
   */
  private inTenant(person: Person): boolean {
    const org = this.directory().organisations.find((o) => o.id === person.organisationId);
    const homes = org?.homes ?? [];
    if (homes.some((h) => h.platform === 'teams' && h.space?.toLowerCase() === this.settings.tenantId.toLowerCase())) return true;
    if (this.platform !== 'teams') return false;
    // Their own home says Teams: the first connection's, unless their organisation names a tenant of its own.
    if (person.home === 'teams') return !homes.some((h) => h.platform === 'teams' && h.space);
    return homes.length === 0 || homes.some((h) => h.platform === 'teams' && !h.space);
  }

  /**
   * Governance hears once per dispute, however many replicas, restarts and
   * retries meet the missing consent: the notice is queued in the outbox
   * under a key of its own, which the database keeps once.
   */
  private async tellConsentMissing(reference: string, e: GraphConsentError, fellBack: boolean, d: Delivery): Promise<void> {
    this.logger.error({ reference, permission: e.permission, connection: this.settings.connection }, 'Microsoft Graph consent is missing for private case chats');
    const where = this.settings.connection && this.platform !== 'teams' ? ` in tenant ${this.settings.tenantId} (Teams connection ${this.settings.connection})` : '';
    const message: Message = {
      title: `${reference}: Teams could not open a private case chat${where}`,
      lines: [
        `The bot lacks the Microsoft Graph permission ${e.permission}${where}. A Microsoft Entra administrator${where ? ' of that tenant' : ''} must grant admin consent to it (Entra admin centre → App registrations → the bot → API permissions).`,
        fellBack
          ? 'So this dispute runs in a thread of the shared case channel instead, which every member of that team can see. Disputes raised after consent is granted get private chats.'
          : 'Until then this dispute\'s notifications wait, and are tried again every 15 minutes.',
      ],
      mentions: [],
    };
    if (this.tellOnce) {
      await this.tellOnce(`${this.platform}:consent-missing:${reference}`, message);
      return;
    }
    // Without the register (a bare port in a script): at least once per delivery key.
    await this.governance(message, { ...d, key: `${d.key}:consent`, known: null, sent: async () => undefined });
  }

  private async openThread(view: DisputeView, caseChannel: string | null, d: Delivery): Promise<ConversationRef> {
    let channel = caseChannel;
    if (this.settings.channelMode) {
      const { teamId, graph } = this.settings.channelMode;
      // A channel an earlier try made, cut off before its thread was started.
      channel = typeof d.known?.channel === 'string' ? d.known.channel : null;
      for (let n = 0; n < 10 && !channel; n++) {
        channel = (await graph.createChannel(teamId, caseSpaceName(view.reference, n), `Section 117 dispute ${view.reference}. Care continues while it is resolved.`))?.id ?? null;
      }
      if (!channel) throw new ChatDeliveryError(`every channel name for ${view.reference} is taken`, false);
      if (!d.known?.channel) await d.sent?.({ id: '', channel });
    }
    if (!channel) throw new ChatDeliveryError('TEAMS_CASE_CHANNEL_ID is not set, so there is nowhere to open case threads', false);
    const id = await this.newThread(channel, cardActivity(stageCard(view, this.settings.publicUrl ?? null)), d);
    const ref = { id, serviceUrl: this.settings.serviceUrl, tenantId: this.settings.tenantId, rootId: rootActivityId(id), kind: 'thread' };
    await d.sent?.(ref);
    return ref;
  }

  async invite(space: ConversationRef, people: Person[], d: Delivery): Promise<void> {
    // Channel threads need no invitation; members of the team see them. A
    // chat gets its new members. People the bot cannot reach get no
    // mention or 1:1 message: tell governance.
    const s = asSpace(space);
    const unreachable = people.filter((p) => !p.handles.teams);
    if (s.kind === 'chat' && this.settings.groupChats) {
      const unknown = new Set(await this.settings.groupChats.add(s.id, people.map((p) => p.handles.teams).filter((t): t is string => Boolean(t))));
      unreachable.push(...people.filter((p) => p.handles.teams && unknown.has(p.handles.teams)));
    }
    if (unreachable.length) {
      this.logger.warn({ people: unreachable.map((p) => p.id), space: asSpace(space).id }, 'participants without a Teams id in the directory');
      await this.governance({
        title: 'Participants the bot cannot reach in Teams',
        lines: [`${unreachable.map((p) => p.name).join(', ')} have no Teams (Entra object) id in the directory that Teams knows, so they were not added, mentioned or messaged.`, 'Add or correct their ids in the directory file.'],
        mentions: [],
      }, { ...d, key: `${d.key}:unreachable`, known: null, sent: async () => undefined });
    }
  }

  /** Only a chat has members to take out; a thread is seen by the whole team. */
  async uninvite(space: ConversationRef, people: Person[]): Promise<void> {
    const s = asSpace(space);
    if (s.kind !== 'chat' || !this.settings.groupChats) return;
    await this.settings.groupChats.remove(s.id, people.map((p) => p.handles.teams).filter((t): t is string => Boolean(t)));
  }

  /**
   * Sends once per key. The Bot Connector takes no idempotency key and gives
   * every activity an id of its own, and a bot cannot read a conversation
   * back without Graph permissions this app does not ask for; so the id is
   * kept (`d.sent`) the moment the connector answers, and a retry that finds
   * it sends nothing. Only an answer lost in transit (a timeout, a 5xx after
   * the connector acted) can still mean a second copy: a duplicate is
   * preferred to a notification that never arrives.
   */
  private async sendOnce(s: TeamsSpace, card: Card, d: Delivery | undefined): Promise<string | null> {
    if (d?.known?.id) return String(d.known.id);
    let id: string | null = null;
    await this.inConversation(s, d, 'send', async (ctx) => {
      id = (await ctx.sendActivity(cardActivity(card)))?.id ?? null;
    });
    if (id) await d?.sent?.({ id, conversation: s.id });
    return id;
  }

  async post(space: ConversationRef, message: Message, mentions: Person[], d: Delivery): Promise<void> {
    await this.sendOnce(asSpace(space), messageCard(message, mentions).card, d);
  }

  async upsertCard(space: ConversationRef, view: DisputeView, card: ConversationRef | null, d: Delivery): Promise<ConversationRef> {
    const s = asSpace(space);
    const target = card ? String(card.id) : s.rootId;
    const body = stageCard(view, this.settings.publicUrl ?? null);
    if (target) {
      await this.inConversation(s, d, 'update', async (ctx) => {
        await ctx.updateActivity({ id: target, type: 'message', attachments: cardActivity(body).attachments, conversation: { id: s.id } as never });
      });
      return { id: target };
    }
    return { id: (await this.sendOnce(s, body, d)) ?? '' };
  }

  async dm(person: Person, message: Message, d: Delivery, space: ConversationRef | null): Promise<void> {
    if (!person.handles.teams) throw new ChatDeliveryError(`${person.id} has no Teams id in the directory`, false);
    if (d.known?.id) return;
    const s = space ? asSpace(space) : null;
    const lines = s ? [...message.lines, s.kind === 'chat' ? 'Open the case chat to see the stage card.' : 'Open the case thread in the partnership team to see the stage card.'] : message.lines;
    const { card } = messageCard({ ...message, lines }, []);
    const link = s ? spaceLink(s) : null;
    const body = link ? { ...card, actions: [...((card as { actions?: unknown[] }).actions ?? []), { type: 'Action.OpenUrl', title: s!.kind === 'chat' ? 'Open the case chat' : 'Open the case thread', url: link }] } : card;
    const params: ConversationParameters = {
      isGroup: false, bot: { id: this.settings.appId, name: 'S117' }, members: [{ id: person.handles.teams, name: person.name }], topicName: '',
      tenantId: this.settings.tenantId, channelData: { tenant: { id: this.settings.tenantId } },
      activity: cardActivity(body) as never,
    };
    let id = '';
    await this.limited(d, 'create', person.handles.teams, async () => {
      try {
        await this.adapter.createConversationAsync(this.settings.appId, 'msteams', this.settings.serviceUrl, '', params, async (ctx) => {
          id = ctx.activity.conversation.id;
        });
      } catch (e) {
        throw deliveryError(e);
      }
    });
    if (id) await d.sent?.({ id, conversation: id });
  }

  async governance(message: Message, d: Delivery): Promise<void> {
    if (this.settings.governanceVia) return this.settings.governanceVia.governance(message, d);
    const channel = this.directory().governance.teams;
    if (!channel) {
      this.logger.warn({ title: message.title }, 'no governance Teams channel in the directory; this notice went to the log only');
      return;
    }
    if (d.known?.id) return;
    const id = await this.newThread(channel, cardActivity(messageCard(message, []).card), d);
    if (id) await d.sent?.({ id, channel });
  }
}
