import { ChatDeliveryError } from '../../app/ports.ts';

export interface GraphSettings { apiUrl: string; loginUrl: string; tenantId: string; appId: string; appPassword: string; timeoutMs?: number }

/**
 * The little of Microsoft Graph the bot uses: creating a channel per dispute
 * in the partnership's team. App-only token (client credentials), cached
 * until a minute before it expires.
 */
export class GraphClient {
  private token: { value: string; until: number } | null = null;
  constructor(private readonly s: GraphSettings, private readonly now: () => number = Date.now) {}

  private async accessToken(): Promise<string> {
    if (this.token && this.token.until > this.now()) return this.token.value;
    const r = await fetch(`${this.s.loginUrl.replace(/\/$/, '')}/${encodeURIComponent(this.s.tenantId)}/oauth2/v2.0/token`, {
      method: 'POST', signal: AbortSignal.timeout(this.s.timeoutMs ?? 10_000),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: this.s.appId, client_secret: this.s.appPassword, scope: 'https://graph.microsoft.com/.default' }),
    }).catch((e: Error) => { throw new ChatDeliveryError(`Microsoft sign-in could not be reached: ${e.message}`, true); });
    const body = await r.json().catch(() => ({})) as { access_token?: string; expires_in?: number; error_description?: string };
    if (!r.ok || !body.access_token) throw new ChatDeliveryError(`Microsoft sign-in refused the bot's app credentials: ${body.error_description ?? r.status}`, r.status >= 500);
    this.token = { value: body.access_token, until: this.now() + ((body.expires_in ?? 3600) - 60) * 1000 };
    return body.access_token;
  }

  /** Creates a standard channel; null when the name is taken (the caller tries another). */
  async createChannel(teamId: string, displayName: string, description: string): Promise<{ id: string } | null> {
    const r = await fetch(`${this.s.apiUrl.replace(/\/$/, '')}/teams/${encodeURIComponent(teamId)}/channels`, {
      method: 'POST', signal: AbortSignal.timeout(this.s.timeoutMs ?? 10_000),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await this.accessToken()}` },
      body: JSON.stringify({ displayName, description, membershipType: 'standard' }),
    }).catch((e: Error) => { throw new ChatDeliveryError(`Microsoft Graph could not be reached: ${e.message}`, true); });
    const body = await r.json().catch(() => ({})) as { id?: string; error?: { code?: string; message?: string } };
    if (r.ok && body.id) return { id: body.id };
    if (r.status === 400 && /NameAlreadyExists|already exists/i.test(`${body.error?.code} ${body.error?.message}`)) return null;
    if (r.status === 429) throw new ChatDeliveryError('Microsoft Graph rate limit (429)', true, Math.max(1, Number(r.headers.get('retry-after') ?? 1)) * 1000, { rateLimited: true });
    throw new ChatDeliveryError(`Microsoft Graph refused to create the channel (${r.status}): ${body.error?.message ?? ''}`, r.status >= 500);
  }
}
