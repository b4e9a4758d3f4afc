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
    /** The home key of a workspace (`slack:T0ABC` when several are served, else `slack`). */
    private readonly homeOf: (teamId: string | null) => string = () => 'slack',
  ) {}

  /**
   * Where a request came from, as the history records it: the workspace's home key when the bot serves several
   * (Bolt's context names the request's workspace), so an action in the ICB's workspace is not told from the
   * council's only by who made it.
   */
  where(context: { teamId?: string | undefined; enterpriseId?: string | undefined }): string {
    return this.homeOf(context.teamId ?? context.enterpriseId ?? null);
  }

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
