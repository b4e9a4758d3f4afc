import type { WebClient } from '@slack/web-api';
import { ChatDeliveryError, type ChatPort, type ConversationRef, type Delivery, type Logger } from '../../app/ports.ts';
import type { Message } from '../../domain/effects.ts';
import type { Directory, Person } from '../../domain/types.ts';
import type { DisputeView } from '../../domain/view.ts';
import { messageBlocks } from './blocks/message.ts';
import { stageCard } from './blocks/stage-card.ts';
import { caseSpaceName } from '../../domain/naming.ts';

// The only place that knows what a Slack conversation ref holds.
interface SlackSpace { id: string; name: string }
interface SlackCard { id: string; channel: string; ts: string }
const asSpace = (r: ConversationRef): SlackSpace => ({ id: String(r.id), name: String(r.name ?? '') });
const asCard = (r: ConversationRef): SlackCard => ({ id: String(r.id), channel: String(r.channel), ts: String(r.ts) });

const RETRYABLE = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org']);
const METADATA_TYPE = 's117_notification';

/** Web API failures in the outbox's terms: retry (with Slack's Retry-After) or give up. */
export function deliveryError(e: unknown): ChatDeliveryError {
  const err = e as { code?: string; retryAfter?: number; data?: { error?: string }; message?: string };
  if (err.code === 'slack_webapi_rate_limited_error') return new ChatDeliveryError('Slack rate limit (429)', true, (err.retryAfter ?? 1) * 1000);
  if (err.code === 'slack_webapi_platform_error') {
    const code = err.data?.error ?? 'unknown_error';
    return new ChatDeliveryError(`Slack said ${code}`, RETRYABLE.has(code));
  }
  return new ChatDeliveryError(`Slack could not be reached: ${err.message ?? String(e)}`, true);
}

function platformError(e: unknown): string | null {
  const err = e as { code?: string; data?: { error?: string } };
  return err.code === 'slack_webapi_platform_error' ? err.data?.error ?? null : null;
}

export class SlackChatPort implements ChatPort {
  readonly platform = 'slack';
  constructor(
    private readonly client: WebClient, private readonly directory: () => Directory, private readonly logger: Logger,
    /** PUBLIC_URL: cards link to the dispute's page in the register. */
    private readonly publicUrl: string | null = null,
  ) {}

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw deliveryError(e);
    }
  }

  /** A private channel named from the reference only; a taken name gets a suffix, never a failure. */
  async openCaseSpace(view: DisputeView, d: Delivery): Promise<ConversationRef> {
    const purpose = `Section 117 dispute ${view.reference}. Care continues while it is resolved.`;
    for (let n = 0; n < 10; n++) {
      const name = caseSpaceName(view.reference, n);
      try {
        const r = await this.client.conversations.create({ name, is_private: true });
        const id = r.channel!.id!;
        await this.call(() => this.client.conversations.setPurpose({ channel: id, purpose }));
        return { id, name };
      } catch (e) {
        if (platformError(e) !== 'name_taken') throw deliveryError(e);
        // Ours from an attempt that died before it was recorded? Reuse it.
        if (d.attempt > 1) {
          const mine = await this.findPrivateChannel(name, purpose);
          if (mine) return mine;
        }
      }
    }
    throw new ChatDeliveryError(`every channel name for ${view.reference} is taken`, false);
  }

  private async findPrivateChannel(name: string, purpose: string): Promise<ConversationRef | null> {
    let cursor: string | undefined;
    do {
      const r = await this.call(() => this.client.conversations.list({ types: 'private_channel', limit: 200, exclude_archived: true, ...(cursor ? { cursor } : {}) }));
      const hit = r.channels?.find((c) => c.name === name && c.purpose?.value === purpose);
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
      }, { key: `${d.key}:unreachable`, attempt: d.attempt });
    }
    if (!users.length) return;
    try {
      await this.client.conversations.invite({ channel: id, users: users.join(','), force: true });
    } catch (e) {
      // Already there is what we wanted.
      if (platformError(e) !== 'already_in_channel') throw deliveryError(e);
    }
  }

  /** One kick per person (the API takes one user); someone already out is what we wanted. */
  async uninvite(space: ConversationRef, people: Person[]): Promise<void> {
    const { id } = asSpace(space);
    for (const user of people.map((p) => p.handles.slack).filter((u): u is string => Boolean(u))) {
      try {
        await this.client.conversations.kick({ channel: id, user });
      } catch (e) {
        if (!['not_in_channel', 'user_not_found'].includes(platformError(e) ?? '')) throw deliveryError(e);
      }
    }
  }

  /** On a retry, looks for the message this key already posted before posting again. */
  private async postOnce(channel: string, body: { text: string; blocks: unknown[] }, d: Delivery): Promise<{ ts: string }> {
    if (d.attempt > 1) {
      try {
        const h = await this.client.conversations.history({ channel, limit: 50, include_all_metadata: true });
        const prior = h.messages?.find((m) => (m as { metadata?: { event_payload?: { key?: string } } }).metadata?.event_payload?.key === d.key);
        if (prior?.ts) return { ts: prior.ts };
      } catch (e) {
        // Unable to look (a public governance channel the bot may not read): posting is better than staying silent.
        if (!platformError(e)) throw deliveryError(e);
      }
    }
    const r = await this.call(() => this.client.chat.postMessage({
      channel, text: body.text, blocks: body.blocks as never, unfurl_links: false, unfurl_media: false,
      metadata: { event_type: METADATA_TYPE, event_payload: { key: d.key } },
    }));
    return { ts: r.ts! };
  }

  async post(space: ConversationRef, message: Message, mentions: Person[], d: Delivery): Promise<void> {
    await this.postOnce(asSpace(space).id, messageBlocks(message, mentions), d);
  }

  async upsertCard(space: ConversationRef, view: DisputeView, card: ConversationRef | null, d: Delivery): Promise<ConversationRef> {
    const body = stageCard(view, this.publicUrl);
    if (card) {
      const c = asCard(card);
      await this.call(() => this.client.chat.update({ channel: c.channel, ts: c.ts, text: body.text, blocks: body.blocks }));
      return card;
    }
    const channel = asSpace(space).id;
    const { ts } = await this.postOnce(channel, body, d);
    try {
      await this.client.pins.add({ channel, timestamp: ts });
    } catch (e) {
      if (platformError(e) !== 'already_pinned') throw deliveryError(e);
    }
    return { id: `${channel}/${ts}`, channel, ts };
  }

  async dm(person: Person, message: Message, d: Delivery, space: ConversationRef | null): Promise<void> {
    if (!person.handles.slack) throw new ChatDeliveryError(`${person.id} has no Slack id in the directory`, false);
    const im = await this.call(() => this.client.conversations.open({ users: person.handles.slack! }));
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
