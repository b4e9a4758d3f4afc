import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { StartupError } from '../../config/startup-error.ts';
import { clientAuthentication } from './certificate.ts';
import type { TeamsConnection } from './connections.ts';

type CredentialsFactory = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]>;
type Credentials = Awaited<ReturnType<CredentialsFactory['createCredentials']>>;
type WebResource = Parameters<Credentials['signRequest']>[0];

/** The Bot Connector's audience: what a bot's token for talking to Teams is issued for. */
export const BOT_CONNECTOR_AUDIENCE = 'https://api.botframework.com';

/** Microsoft sign-in refused the connection's credentials (not an outage: retrying does not help). */
export class LoginRefused extends Error {
  constructor(readonly connection: string, readonly status: number, readonly code: string, readonly description: string) {
    super(`Microsoft sign-in refused the credentials of Teams connection ${connection} (${code || status}): ${description.split(/\r?\n/)[0]!.replace(/\.$/, '')}`);
    this.name = 'LoginRefused';
  }
}

interface Token { value: string; until: number }

/**
 * App-only tokens (OAuth client credentials) for one connection, from its
 * own tenant: a single-tenant app can only sign in there. Cached per
 * audience until a few minutes before they expire.
 */
export class ConnectionLogin {
  private readonly tokens = new Map<string, Token>();
  private readonly pending = new Map<string, Promise<string>>();
  constructor(
    readonly connection: TeamsConnection, private readonly loginUrl: string,
    private readonly timeoutMs = 10_000, private readonly now: () => number = Date.now,
  ) {}

  token(audience = BOT_CONNECTOR_AUDIENCE): Promise<string> {
    const cached = this.tokens.get(audience);
    if (cached && cached.until > this.now()) return Promise.resolve(cached.value);
    // Concurrent sends share one sign-in rather than each asking.
    let p = this.pending.get(audience);
    if (!p) {
      p = this.fetch(audience).finally(() => this.pending.delete(audience));
      this.pending.set(audience, p);
    }
    return p;
  }

  private async fetch(audience: string): Promise<string> {
    const c = this.connection;
    const url = `${this.loginUrl.replace(/\/$/, '')}/${encodeURIComponent(c.tenantId)}/oauth2/v2.0/token`;
    const r = await fetch(url, {
      method: 'POST', signal: AbortSignal.timeout(this.timeoutMs),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      // A certificate connection signs a fresh assertion for each request (its jti is single-use), for the URL it posts to.
      body: new URLSearchParams({
        grant_type: 'client_credentials', client_id: c.appId, ...clientAuthentication(c, url, this.now()), scope: `${audience.replace(/\/$/, '')}/.default`,
      }),
    });
    type Answer = { access_token?: string; expires_in?: number; error?: string; error_description?: string };
    const body = await r.json().catch(() => ({})) as Answer;
    if (r.ok && body.access_token) {
      this.tokens.set(audience, { value: body.access_token, until: this.now() + Math.max(60, (body.expires_in ?? 3600) - 300) * 1000 });
      return body.access_token;
    }
    // 400 and 401 are Entra refusing what we sent (a wrong secret, an app not in that tenant); a 5xx is an outage.
    if (r.status === 400 || r.status === 401) {
      throw new LoginRefused(c.name, r.status, body.error ?? '', body.error_description ?? `HTTP ${r.status}`);
    }
    throw new Error(`Microsoft sign-in answered ${r.status} for Teams connection ${c.name}`);
  }

  /** The Bot Connector's credentials for this connection. */
  credentials(audience: string | undefined): Credentials {
    return {
      signRequest: async (req: WebResource) => {
        req.headers.set('authorization', `Bearer ${await this.token(audience || BOT_CONNECTOR_AUDIENCE)}`);
        return req;
      },
    };
  }
}

/**
 * The SDK's credentials for every connection: an inbound token is valid for
 * any of our app ids (which one it is for says which connection answers),
 * and a reply or proactive message is signed as the app it is sent from.
 */
export function connectionsCredentials(logins: readonly ConnectionLogin[]): CredentialsFactory {
  const byApp = new Map(logins.map((l) => [l.connection.appId.toLowerCase(), l]));
  return {
    isValidAppId: async (appId: string) => byApp.has((appId ?? '').toLowerCase()),
    isAuthenticationDisabled: async () => logins.length === 0,
    createCredentials: async (appId: string, audience: string | undefined) => {
      const login = byApp.get((appId ?? '').toLowerCase());
      if (!login) throw new Error(`no Teams connection has the app id ${appId}`);
      return login.credentials(audience);
    },
  } as CredentialsFactory;
}

/**
 * Signs each connection in once before the bot starts: a wrong secret, or an
 * app id its tenant does not know, stops the start naming that connection
 * (nothing it sends would ever arrive). Sign-in being unreachable does not:
 * that is an outage the outbox rides out.
 */
const FIX = 'Put the connection\'s client secret right (Entra admin centre → App registrations → the bot → Certificates & secrets), '
  + 'or check its appId and tenantId';
const CERTIFICATE_FIX = 'Upload the public part of its certificate (its certificateFile, or MICROSOFT_APP_CERTIFICATE_FILE) '
  + 'to the app registration '
  + '(Entra admin centre → App registrations → the bot → Certificates & secrets → Certificates), or check its appId and tenantId';

export async function checkConnections(
  logins: readonly ConnectionLogin[], warn: (connection: string, message: string) => void,
): Promise<void> {
  const refused: string[] = [];
  await Promise.all(logins.map(async (l) => {
    try {
      await l.token();
    } catch (e) {
      if (e instanceof LoginRefused) refused.push(`${e.message}. ${l.connection.certificate ? CERTIFICATE_FIX : FIX}`);
      else warn(l.connection.name, (e as Error).message);
    }
  }));
  if (refused.length) throw new StartupError(refused.join('\n'));
}

/**
 * The `aud` claim of a bearer token, read without verifying it: only to say
 * which app id a refused token was for. Never trusted for anything else.
 */
export function claimedAudience(authorization: string | undefined): string | null {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const aud = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { aud?: unknown }).aud;
    return typeof aud === 'string' ? aud.slice(0, 100) : null;
  } catch {
    return null;
  }
}
