import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../app/ports.ts';

export interface PlatformStatus { ready: boolean; reason: string | null }

/**
 * The bot token's identity (auth.test), learned in the background: a bot
 * started while Slack is down or refusing the token still starts, says why
 * it is not ready, and keeps asking with a growing wait (at most a minute).
 */
export class SlackAuth {
  private result: { botUserId: string; botId: string; teamId: string | null } | null = null;
  private reason: string | null = 'checking the bot token with Slack';
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private failures = 0;
  private pending: Promise<void> | null = null;

  constructor(private readonly client: WebClient, private readonly token: string, private readonly logger: Logger) {}

  status(): PlatformStatus { return { ready: Boolean(this.result), reason: this.result ? null : this.reason }; }

  /** First check now; on failure, retries in the background. Never rejects. */
  start(): Promise<void> {
    this.pending ??= this.check();
    return this.pending;
  }

  private async check(): Promise<void> {
    try {
      const r = await this.client.auth.test({ token: this.token });
      this.result = { botUserId: String(r.user_id ?? ''), botId: String(r.bot_id ?? ''), teamId: r.team_id ? String(r.team_id) : null };
      if (this.failures) this.logger.info({}, 'Slack accepted the bot token; Slack is ready');
      this.reason = null;
      this.failures = 0;
    } catch (e) {
      this.failures++;
      const err = e as { code?: string; data?: { error?: string }; message?: string };
      this.reason = `Slack did not accept the bot token yet (${err.data?.error ?? err.message ?? String(e)}); retrying`;
      this.logger.warn({ err: { code: err.code, message: err.message }, failures: this.failures }, this.reason);
      if (!this.stopped) {
        const wait = Math.min(60_000, 1000 * 2 ** Math.min(this.failures - 1, 6));
        this.timer = setTimeout(() => { this.pending = this.check(); }, wait);
        this.timer.unref();
      }
    }
  }

  /** The workspace Slack says the token belongs to, once it has said. */
  teamId(): string | null { return this.result?.teamId ?? null; }

  /** Bolt's authorize hook: the token plus who the bot is, once Slack has said. */
  async authorize(): Promise<{ botToken: string; botUserId: string; botId: string }> {
    if (!this.result) {
      if (this.timer) clearTimeout(this.timer);
      this.pending = this.check();
      await this.pending;
    }
    if (!this.result) throw new Error(this.reason ?? 'Slack has not accepted the bot token');
    return { botToken: this.token, botUserId: this.result.botUserId, botId: this.result.botId };
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
