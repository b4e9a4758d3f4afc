import type { WebClient } from '@slack/web-api';
import type { DisputeService, Outcome } from '../../app/dispute-service.ts';
import { errorInfo } from '../../app/dispute-service.ts';
import type { Logger } from '../../app/ports.ts';
import type { Actor, Command } from '../../domain/commands.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Dispute, Person } from '../../domain/types.ts';
import { esc } from './escape.ts';

/** What every Slack listener needs; listeners translate, the service decides. */
export class SlackContext {
  constructor(
    readonly service: DisputeService,
    readonly logger: Logger,
    /** Called after a change so the outbox delivers now rather than at the next poll. */
    readonly onChange: () => void,
    /** PUBLIC_URL, for links to the register. */
    readonly publicUrl: string | null = null,
  ) {}

  person(slackUserId: string): Person | null {
    return this.service.directory().people.find((p) => p.slack === slackUserId) ?? null;
  }

  actor(slackUserId: string): Actor | null {
    const p = this.person(slackUserId);
    return p ? { personId: p.id, platform: 'slack' } : null;
  }

  /** The dispute of a case channel, if this channel is one. */
  disputeIn(channelId: string | undefined): Promise<Dispute | null> {
    return channelId ? this.service.disputeForSpace('slack', channelId) : Promise.resolve(null);
  }

  /**
   * Runs a command for a Slack user and tells them how it went: a refusal
   * says why (ephemeral), an unexpected failure says what to do.
   */
  async act(
    slackUserId: string, target: { id: string } | { reference: string }, cmd: Exclude<Command, { type: 'RAISE' }>, key: string,
    tell: (text: string) => Promise<unknown>,
  ): Promise<Outcome | null> {
    const actor = this.actor(slackUserId);
    if (!actor) {
      await tell(NOT_IN_DIRECTORY);
      return null;
    }
    try {
      const r = await this.service.act(actor, target, cmd, { idempotencyKey: key });
      if (r.notice) await tell(r.notice);
      this.onChange();
      return r;
    } catch (e) {
      await tell(this.explain(e));
      return null;
    }
  }

  explain(e: unknown): string {
    if (e instanceof DomainError) return `Not recorded: ${e.message}`;
    this.logger.error({ err: errorInfo(e) }, 'a Slack request failed');
    return 'Something went wrong and nothing was recorded. It has been logged; please try again in a minute, and tell your administrator if it keeps happening.';
  }
}

export const NOT_IN_DIRECTORY = 'You are not in the Section 117 directory, so the bot cannot act for you. Ask your administrator to add your Slack id to the directory file.';

/** An ephemeral reply in a channel, or a direct message where there is no channel (App Home). */
export function ephemeral(client: WebClient, user: string, channel: string | undefined) {
  return async (text: string) => {
    try {
      if (channel) await client.chat.postEphemeral({ channel, user, text: esc(text) });
      else await client.chat.postMessage({ channel: user, text: esc(text) });
    } catch {
      // Telling the user is best effort; the record is what matters.
    }
  };
}
