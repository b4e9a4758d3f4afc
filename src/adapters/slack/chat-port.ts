import type { WebClient } from '@slack/web-api';
import { ChatDeliveryError, type ChatPort, type ConversationRef, type Delivery, type Logger, ShareRefused } from '../../app/ports.ts';
import type { Message } from '../../domain/effects.ts';
import type { Directory, Person } from '../../domain/types.ts';
import type { DisputeView } from '../../domain/view.ts';
import { messageBlocks } from './blocks/message.ts';
import { stageCard } from './blocks/stage-card.ts';
import { caseSpaceName } from '../../domain/naming.ts';
import { slackBuckets } from './rate-tiers.ts';

// The only place that knows what a Slack conversation ref holds.
interface SlackSpace { id: string; name: string }
interface SlackCard { id: string; channel: string; ts: string }
const asSpace = (r: ConversationRef): SlackSpace => ({ id: String(r.id), name: String(r.name ?? '') });
const asCard = (r: ConversationRef): SlackCard => ({ id: String(r.id), channel: String(r.channel), ts: String(r.ts) });

// Answers that mean "not now", not "never". Auth failures are in this list
// because fixing the token brings every waiting notification through.
const RETRYABLE = new Set([
  'ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org',
  'invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive',
]);
// Slack failed on its side after accepting the call: it may have been applied.
const MAY_HAVE_APPLIED = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);
const METADATA_TYPE = 's117_notification';
// A look-up for what an interrupted try posted reads at most this many pages
// of history since the row was first tried (busier DMs are not plausible).
const LOOKUP_PAGES = 20;

/** Web API failures in the outbox's terms: retry (with Slack's Retry-After) or give up. */
export function deliveryError(e: unknown): ChatDeliveryError {
  if (e instanceof ChatDeliveryError) return e;
  const err = e as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  if (err.code === 'slack_webapi_rate_limited_error') return new ChatDeliveryError('Slack rate limit (429)', true, (err.retryAfter ?? 1) * 1000, { rateLimited: true });
  if (err.code === 'slack_webapi_platform_error') {
    const code = err.data?.error ?? 'unknown_error';
    if (code === 'ratelimited') return new ChatDeliveryError('Slack said ratelimited', true, 1000, { rateLimited: true });
    return new ChatDeliveryError(`Slack said ${code}`, RETRYABLE.has(code), null, { mayHaveApplied: MAY_HAVE_APPLIED.has(code) });
  }
  // HTTP 5xx, timeouts and network errors: Slack may have done it before the answer was lost.
  return new ChatDeliveryError(`Slack could not be reached: ${err.message ?? String(e)}`, true, null, { mayHaveApplied: true });
}

// conversations.inviteShared's answers that mean "this channel will not be shared with them": the workspace's plan
// or an administrator's policy, a token that may not, an address or user Slack cannot invite, a channel that cannot
// be shared. Their people get a channel of their own instead (retrying would not change the answer).
const SHARE_REFUSED: Record<string, string> = {
  not_paid: 'the workspace is not on a paid plan, which Slack Connect needs',
  restricted_action: 'an administrator\'s setting does not allow it',
  access_denied: 'an administrator\'s setting does not allow it',
  not_allowed_token_type: 'the bot token may not send Slack Connect invitations',
  missing_scope: 'the app lacks the conversations.connect:write scope (reinstall it in the host workspace)',
  team_not_found: 'Slack cannot find the other workspace',
  invalid_email: 'Slack will not invite that e-mail address',
  user_not_found: 'Slack cannot find that person',
  cannot_share_cross_workspace_channel: 'the channel cannot be shared',
  cannot_share_mandatory_channel: 'the channel cannot be shared',
  channel_archived: 'the channel is archived',
  channel_not_found: 'the host workspace cannot find the channel',
  connection_limit_exceeded: 'the channel has as many external connections as Slack allows',
  connection_limit_exceeded_pending: 'the channel has as many pending external connections as Slack allows',
};

function platformError(e: unknown): string | null {
  const err = e as { code?: string; data?: { error?: string } };
  return err.code === 'slack_webapi_platform_error' ? err.data?.error ?? null : null;
}

export class SlackChatPort implements ChatPort {
  /** `slack`, or with several workspaces `slack:T…`: the home it delivers to, and the key of its case spaces. */
  readonly platform: string;
  private readonly team: string | null;

  constructor(
    private readonly client: WebClient, private readonly directory: () => Directory, private readonly logger: Logger,
    /** PUBLIC_URL: cards link to the dispute's page in the register. */
    private readonly publicUrl: string | null = null,
    /** The workspace this port delivers to, when the deployment serves several (its rate limits are its own). */
    workspace: { team: string } | null = null,
    /**
     * Whether a guest workspace's people may be invited into this workspace's channels (Slack Connect): only when
     * one app serves both, so their presses in the shared channel are signed by the app that serves their workspace.
     */
    private readonly sharesWith: (guestTeam: string) => boolean = () => false,
  ) {
    this.team = workspace?.team ?? null;
    this.platform = this.team ? `slack:${this.team}` : 'slack';
  }

  /**
   * Every Web API call of a delivery: waits for its rate-limit buckets
   * (shared by all replicas), and on a 429 holds them back for everyone.
   * Platform errors are rethrown raw for callers that expect some of them.
   */
  private async raw<T>(d: Delivery, method: string, channel: string | undefined, fn: () => Promise<T>): Promise<T> {
    const buckets = slackBuckets(method, channel, this.team);
    await d.limit?.(buckets);
    try {
      return await fn();
    } catch (e) {
      const err = deliveryError(e);
      if (err.rateLimited) await d.rateLimited?.(buckets, err.retryAfterMs ?? 1000);
      if (platformError(e) && !err.rateLimited) throw e;
      throw err;
    }
  }

  private async call<T>(d: Delivery, method: string, channel: string | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.raw(d, method, channel, fn);
    } catch (e) {
      throw deliveryError(e);
    }
  }

  /** A private channel named from the reference only; a taken name gets a suffix, never a failure. */
  async openCaseSpace(view: DisputeView, d: Delivery): Promise<ConversationRef> {
    const purpose = `Section 117 dispute ${view.reference}. Care continues while it is resolved.`;
    const setUp = async (ref: { id: string; name: string }) => {
      await this.call(d, 'conversations.setPurpose', undefined, () => this.client.conversations.setPurpose({ channel: ref.id, purpose }));
      return ref;
    };
    // Made by an earlier try that stopped before setting it up.
    if (d.known) return setUp(asSpace(d.known));
    for (let n = 0; n < 10; n++) {
      const name = caseSpaceName(view.reference, n);
      try {
        const r = await this.raw(d, 'conversations.create', undefined, () => this.client.conversations.create({ name, is_private: true }));
        const ref = { id: r.channel!.id!, name };
        await d.sent?.(ref);
        return await setUp(ref);
      } catch (e) {
        if (platformError(e) !== 'name_taken') throw deliveryError(e);
        // Ours from a try that died before it was recorded? Reuse it.
        if (d.uncertain || d.attempt > 1) {
          const mine = await this.findPrivateChannel(d, name, purpose);
          if (mine) return setUp(mine);
        }
      }
    }
    throw new ChatDeliveryError(`every channel name for ${view.reference} is taken`, false);
  }

  private async findPrivateChannel(d: Delivery, name: string, purpose: string): Promise<{ id: string; name: string } | null> {
    let cursor: string | undefined;
    do {
      const r = await this.call(d, 'conversations.list', undefined, () => this.client.conversations.list({ types: 'private_channel', limit: 200, exclude_archived: true, ...(cursor ? { cursor } : {}) }));
      // An empty purpose: created, then cut off before it was set up.
      const hit = r.channels?.find((c) => c.name === name && [purpose, '', undefined].includes(c.purpose?.value));
      if (hit?.id) return { id: hit.id, name };
      cursor = r.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return null;
  }

  async invite(space: ConversationRef, people: Person[], d: Delivery): Promise<void> {
    const { id } = asSpace(space);
    const users = people.map((p) => p.handles.slack).filter((u): u is string => Boolean(u));
    const unreachable = people.filter((p) => !p.handles.slack);
    if (unreachable.length) {
      this.logger.warn({ people: unreachable.map((p) => p.id), channel: id }, 'these participants have no Slack id in the directory and could not be invited');
      await this.governance({
        title: 'Participants the bot cannot reach in Slack',
        lines: [`${unreachable.map((p) => p.name).join(', ')} have no Slack id in the directory, so they were not invited, mentioned or messaged.`, 'Add their ids to the directory file.'],
        mentions: [],
      }, { ...d, key: `${d.key}:unreachable`, known: null, sent: async () => undefined });
    }
    if (!users.length) return;
    try {
      await this.raw(d, 'conversations.invite', id, () => this.client.conversations.invite({ channel: id, users: users.join(','), force: true }));
    } catch (e) {
      // Already there is what we wanted.
      if (platformError(e) !== 'already_in_channel') throw deliveryError(e);
    }
  }

  canShareWith(guest: string): boolean {
    const team = /^slack:([TE][A-Z0-9]+)$/.exec(guest)?.[1];
    return Boolean(this.team && team && team !== this.team && this.sharesWith(team));
  }

  /**
   * Slack Connect: one invitation per person (Slack takes one address or one user id a call), by their e-mail
   * address where the directory has one (Slack matches it in their own workspace) and else their user id. Someone
   * already in the channel is what we wanted; a refusal of the share itself is ShareRefused.
   */
  async inviteShared(space: ConversationRef, people: Person[], _guest: string, d: Delivery): Promise<string[]> {
    const { id } = asSpace(space);
    const ids: string[] = [];
    for (const p of people) {
      const who = p.email ? { emails: [p.email] } : p.handles.slack ? { user_ids: [p.handles.slack] } : null;
      if (!who) {
        this.logger.warn({ person: p.id, channel: id }, 'this participant has neither an e-mail address nor a Slack id in the directory and could not be invited');
        continue;
      }
      try {
        // external_limited: they may post, not invite others from their side (Slack's default, said aloud).
        const r = await this.raw(d, 'conversations.inviteShared', id, () => this.client.conversations.inviteShared({ channel: id, ...who, external_limited: true } as never));
        if (r.invite_id) ids.push(String(r.invite_id));
      } catch (e) {
        const code = platformError(e);
        if (code === 'already_in_channel') continue;
        if (code && SHARE_REFUSED[code]) throw new ShareRefused(code, `Slack said ${code}: ${SHARE_REFUSED[code]}`);
        throw deliveryError(e);
      }
    }
    return ids;
  }

  /** One kick per person (the API takes one user); someone already out is what we wanted. */
  async uninvite(space: ConversationRef, people: Person[], d: Delivery): Promise<void> {
    const { id } = asSpace(space);
    for (const user of people.map((p) => p.handles.slack).filter((u): u is string => Boolean(u))) {
      try {
        await this.raw(d, 'conversations.kick', id, () => this.client.conversations.kick({ channel: id, user }));
      } catch (e) {
        if (!['not_in_channel', 'user_not_found'].includes(platformError(e) ?? '')) throw deliveryError(e);
      }
    }
  }

  /** The message this key already posted in `channel` since the row was first tried, if any. */
  private async lookUp(channel: string, d: Delivery): Promise<{ ts: string } | null> {
    const oldest = d.since ? String(Math.floor(d.since.getTime() / 1000) - 300) : undefined;
    let cursor: string | undefined;
    for (let page = 0; page < LOOKUP_PAGES; page++) {
      const h = await this.raw(d, 'conversations.history', channel, () => this.client.conversations.history({
        channel, limit: 200, include_all_metadata: true, ...(oldest ? { oldest } : {}), ...(cursor ? { cursor } : {}),
      }));
      const prior = h.messages?.find((m) => (m as { metadata?: { event_payload?: { key?: string } } }).metadata?.event_payload?.key === d.key);
      if (prior?.ts) return { ts: prior.ts };
      cursor = h.response_metadata?.next_cursor || undefined;
      if (!cursor) return null;
    }
    this.logger.warn({ channel, key: d.key }, `searched ${LOOKUP_PAGES} pages of history without finding an earlier copy; posting`);
    return null;
  }

  /** Posts once per key: what an earlier try posted is reused, looked up when a try was cut off mid-call. */
  private async postOnce(channel: string, body: { text: string; blocks: unknown[] }, d: Delivery): Promise<{ ts: string }> {
    if (d.known?.ts && String(d.known.channel) === channel) return { ts: String(d.known.ts) };
    if (d.uncertain) {
      try {
        const prior = await this.lookUp(channel, d);
        if (prior) {
          await d.sent?.({ id: `${channel}/${prior.ts}`, channel, ts: prior.ts });
          return prior;
        }
      } catch (e) {
        // Unable to look (a public governance channel the bot may not read): posting is better than staying silent.
        if (!platformError(e)) throw deliveryError(e);
      }
    }
    const post = () => this.raw(d, 'chat.postMessage', channel, () => this.client.chat.postMessage({
      channel, text: body.text, blocks: body.blocks as never, unfurl_links: false, unfurl_media: false,
      metadata: { event_type: METADATA_TYPE, event_payload: { key: d.key } },
    }));
    let r;
    try {
      r = await post();
    } catch (e) {
      // Removed from a public channel: rejoin once, then it is a refusal.
      if (platformError(e) !== 'not_in_channel') throw deliveryError(e);
      await this.call(d, 'conversations.join', channel, () => this.client.conversations.join({ channel }));
      r = await post().catch((e2: unknown) => { throw deliveryError(e2); });
    }
    await d.sent?.({ id: `${channel}/${r.ts!}`, channel, ts: r.ts! });
    return { ts: r.ts! };
  }

  async post(space: ConversationRef, message: Message, mentions: Person[], d: Delivery): Promise<void> {
    await this.postOnce(asSpace(space).id, messageBlocks(message, mentions), d);
  }

  async upsertCard(space: ConversationRef, view: DisputeView, card: ConversationRef | null, d: Delivery): Promise<ConversationRef> {
    const body = stageCard(view, this.publicUrl);
    if (card) {
      const c = asCard(card);
      await this.call(d, 'chat.update', c.channel, () => this.client.chat.update({ channel: c.channel, ts: c.ts, text: body.text, blocks: body.blocks }));
      return card;
    }
    const channel = asSpace(space).id;
    const { ts } = await this.postOnce(channel, body, d);
    try {
      await this.raw(d, 'pins.add', channel, () => this.client.pins.add({ channel, timestamp: ts }));
    } catch (e) {
      if (platformError(e) !== 'already_pinned') throw deliveryError(e);
    }
    return { id: `${channel}/${ts}`, channel, ts };
  }

  async dm(person: Person, message: Message, d: Delivery, space: ConversationRef | null): Promise<void> {
    if (!person.handles.slack) throw new ChatDeliveryError(`${person.id} has no Slack id in the directory`, false);
    const im = await this.call(d, 'conversations.open', undefined, () => this.client.conversations.open({ users: person.handles.slack! }));
    const link = space ? `Case channel: <#${asSpace(space).id}>` : null;
    await this.postOnce(im.channel!.id!, messageBlocks(message, [], link), d);
  }

  async governance(message: Message, d: Delivery): Promise<void> {
    const channel = this.directory().governance.slack;
    if (!channel) {
      this.logger.warn({ title: message.title }, 'no governance Slack channel in the directory; this notice went to the log only');
      return;
    }
    await this.postOnce(channel, messageBlocks(message, []), d);
  }
}
