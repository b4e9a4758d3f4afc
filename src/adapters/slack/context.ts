import type { WebClient } from '@slack/web-api';
import type { Interactions } from '../../app/interactions/interactions.ts';
import type { Person } from '../../domain/types.ts';
import { esc } from './escape.ts';

/** What every Slack listener needs: the inbound layer, and who a Slack user is. */
export class SlackContext {
  constructor(
    readonly interactions: Interactions,
    /** PUBLIC_URL, for links to the register. */
    readonly publicUrl: string | null = null,
  ) {}

  person(slackUserId: string): Person | null {
    return this.interactions.person('slack', slackUserId);
  }
}

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
