import crypto from 'node:crypto';
import http from 'node:http';
import { LoopbackServer } from './loopback.ts';

export interface IssuedToken { appId: string; tenantId: string; audience: string }
interface App { tenantId: string; secret: string }

/** Bot Framework's issuer for the tokens the Bot Connector sends bots. */
export const CHANNEL_ISSUER = 'https://api.botframework.com';

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/**
 * Microsoft sign-in as both directions of a Teams bot see it, on loopback:
 * - the tenant's token endpoint (client credentials), strict per app
 *   registration: an app signs in only in its own tenant and only with its
 *   secret, and gets an opaque token recorded with its audience;
 * - the Bot Framework's OpenID metadata and signing keys (endorsed for
 *   msteams), and `channelToken()`, which signs a token the way the Bot
 *   Connector does for the bot whose app id is its audience.
 */
export class FakeMicrosoftLogin extends LoopbackServer {
  readonly apps = new Map<string, App>();
  readonly issued = new Map<string, IssuedToken>();
  readonly logins: { tenant: string; appId: string; ok: boolean }[] = [];
  private readonly keys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly kid = `kid-${crypto.randomUUID()}`;
  private seq = 0;

  /** Where the bot reads the Bot Framework's OpenID metadata (TEAMS_OPENID_METADATA_URL). */
  get openIdUrl(): string { return `${this.url}/botframework/.well-known/openidconfiguration`; }

  register(appId: string, tenantId: string, secret: string): void { this.apps.set(appId.toLowerCase(), { tenantId, secret }); }

  /** Who a bearer token was issued to, if this sign-in issued it. */
  whoseToken(authorization: string | undefined): IssuedToken | null {
    const t = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    return t ? this.issued.get(t) ?? null : null;
  }

  /** A token as the Bot Connector signs it for an activity sent to the bot `appId`. */
  channelToken(appId: string, serviceUrl: string, opts: { expired?: boolean; issuer?: string } = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid: this.kid };
    const payload = {
      iss: opts.issuer ?? CHANNEL_ISSUER, aud: appId, serviceurl: serviceUrl,
      nbf: now - 60, iat: now - 60, exp: opts.expired ? now - 600 : now + 3600,
    };
    const data = `${b64url(header)}.${b64url(payload)}`;
    return `${data}.${crypto.sign('sha256', Buffer.from(data), this.keys.privateKey).toString('base64url')}`;
  }

  protected handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const path = (req.url ?? '').split('?')[0]!;
    const json = (status: number, body: unknown): void => { res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)); };
    if (path === '/botframework/.well-known/openidconfiguration') {
      return json(200, { issuer: CHANNEL_ISSUER, jwks_uri: `${this.url}/botframework/keys`, id_token_signing_alg_values_supported: ['RS256'] });
    }
    if (path === '/botframework/keys') {
      const jwk = this.keys.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
      return json(200, { keys: [{ kty: 'RSA', use: 'sig', kid: this.kid, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] });
    }
    const m = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (m && req.method === 'POST') {
      const tenant = decodeURIComponent(m[1]!);
      const form = new URLSearchParams(raw);
      const appId = (form.get('client_id') ?? '').toLowerCase();
      const app = this.apps.get(appId);
      const ok = (app && app.tenantId.toLowerCase() === tenant.toLowerCase() && app.secret === form.get('client_secret')) ?? false;
      this.logins.push({ tenant, appId, ok });
      // As Entra answers: an app its tenant does not know, then a wrong secret.
      if (!app || app.tenantId.toLowerCase() !== tenant.toLowerCase()) {
        return json(400, { error: 'unauthorized_client', error_description: `AADSTS700016: Application with identifier '${appId}' was not found in the directory '${tenant}'.` });
      }
      if (!ok) return json(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.' });
      const audience = (form.get('scope') ?? '').replace(/\/\.default$/, '');
      const token = `token-${++this.seq}-${crypto.randomUUID()}`;
      this.issued.set(token, { appId, tenantId: app.tenantId, audience });
      return json(200, { token_type: 'Bearer', expires_in: 3599, access_token: token });
    }
    json(404, { error: 'not_found' });
  }
}
