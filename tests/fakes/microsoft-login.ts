import crypto from 'node:crypto';
import http from 'node:http';
import { LoopbackServer } from './loopback.ts';

export interface IssuedToken { appId: string; tenantId: string; audience: string }
/** An app registration: its tenant and its credentials (Entra keeps several of each, for rotation). */
interface App { tenantId: string; secrets: string[]; certificates: crypto.X509Certificate[] }

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Entra allows this much clock skew on an assertion's nbf. */
const SKEW_S = 300;

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
  readonly logins: { tenant: string; appId: string; ok: boolean; via: 'secret' | 'certificate' | 'none'; error?: string }[] = [];
  /** The jti of every assertion accepted, as Entra keeps them: one is never accepted twice. */
  private readonly jtis = new Set<string>();
  /** Every client assertion accepted, so a test can try one again. */
  readonly assertions: string[] = [];
  private readonly keys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly kid = `kid-${crypto.randomUUID()}`;
  private seq = 0;

  /** Where the bot reads the Bot Framework's OpenID metadata (TEAMS_OPENID_METADATA_URL). */
  get openIdUrl(): string { return `${this.url}/botframework/.well-known/openidconfiguration`; }

  register(appId: string, tenantId: string, secret: string | null): void {
    this.apps.set(appId.toLowerCase(), { tenantId, secrets: secret === null ? [] : [secret], certificates: [] });
  }

  /** Uploads a certificate's public part (PEM) to an app registration, as Certificates & secrets → Upload certificate does. */
  addCertificate(appId: string, tenantId: string, pem: string): void {
    let app = this.apps.get(appId.toLowerCase());
    if (!app) {
      app = { tenantId, secrets: [], certificates: [] };
      this.apps.set(appId.toLowerCase(), app);
    }
    const cert = new crypto.X509Certificate(pem);
    // Entra will not take a certificate's private key: the upload is the public part only.
    if (/PRIVATE KEY/.test(pem)) throw new Error('upload the certificate only, not its private key');
    app.certificates.push(cert);
  }

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
      const assertion = form.get('client_assertion');
      const via = assertion !== null ? 'certificate' : form.get('client_secret') !== null ? 'secret' : 'none';
      const refuse = (status: number, error: string, description: string): void => {
        this.logins.push({ tenant, appId, ok: false, via, error: description.split(':')[0]! });
        json(status, { error, error_description: description, error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)] });
      };
      // As Entra answers: an app its tenant does not know, then the credential.
      if (!app || app.tenantId.toLowerCase() !== tenant.toLowerCase()) {
        return refuse(400, 'unauthorized_client', `AADSTS700016: Application with identifier '${appId}' was not found in the directory '${tenant}'.`);
      }
      if (assertion !== null && form.get('client_secret') !== null) {
        return refuse(400, 'invalid_request', 'AADSTS90023: InvalidRequest - present either client_secret or client_assertion, not both.');
      }
      if (assertion !== null || form.get('client_assertion_type') !== null) {
        const why = this.checkAssertion(app, appId, form, `${this.url}${path}`);
        if (why) return refuse(why.status, why.status === 400 ? 'invalid_request' : 'invalid_client', why.description);
      } else if (form.get('client_secret') === null) {
        return refuse(401, 'invalid_client', 'AADSTS7000218: The request body must contain the following parameter: \'client_assertion\' or \'client_secret\'.');
      } else if (!app.secrets.includes(form.get('client_secret')!)) {
        return refuse(401, 'invalid_client', 'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
      }
      this.logins.push({ tenant, appId, ok: true, via });
      const audience = (form.get('scope') ?? '').replace(/\/\.default$/, '');
      const token = `token-${++this.seq}-${crypto.randomUUID()}`;
      this.issued.set(token, { appId, tenantId: app.tenantId, audience });
      return json(200, { token_type: 'Bearer', expires_in: 3599, access_token: token });
    }
    json(404, { error: 'not_found' });
  }

  /**
   * Checks a client assertion as Entra does for certificate credentials
   * (learn.microsoft.com/entra/identity-platform/certificate-credentials):
   * the documented header forms (PS256 with x5t#S256, or RS256 with the SHA-1
   * x5t), a certificate registered on this app and valid now, the signature,
   * iss = sub = client_id, aud = this token endpoint, nbf/exp around now, and
   * a jti never seen before. Null when it passes; else Entra's answer.
   */
  private checkAssertion(app: App, appId: string, form: URLSearchParams, endpoint: string): { status: number; description: string } | null {
    const fail = (description: string, status = 401) => ({ status, description });
    if (form.get('client_assertion_type') !== JWT_BEARER) {
      return fail(`AADSTS50027: JWT token is invalid or malformed: client_assertion_type must be '${JWT_BEARER}'.`, 400);
    }
    const assertion = form.get('client_assertion');
    if (!assertion) return fail('AADSTS900144: The request body must contain the following parameter: \'client_assertion\'.', 400);
    const parts = assertion.split('.');
    type Header = { alg?: unknown; typ?: unknown; x5t?: unknown; 'x5t#S256'?: unknown };
    type Claims = { aud?: unknown; iss?: unknown; sub?: unknown; jti?: unknown; nbf?: unknown; exp?: unknown };
    let header: Header;
    let claims: Claims;
    try {
      if (parts.length !== 3) throw new Error('not three parts');
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Header;
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Claims;
    } catch {
      return fail('AADSTS50027: JWT token is invalid or malformed.');
    }
    const sha256 = header.alg === 'PS256' && typeof header['x5t#S256'] === 'string';
    const sha1 = header.alg === 'RS256' && typeof header.x5t === 'string';
    if (!sha256 && !sha1) return fail('AADSTS50027: JWT token is invalid or malformed: the header must be PS256 with x5t#S256, or RS256 with x5t.');
    const given = String(sha256 ? header['x5t#S256'] : header.x5t);
    const cert = app.certificates.find((c) => crypto.createHash(sha256 ? 'sha256' : 'sha1').update(c.raw).digest('base64url') === given);
    if (!cert) {
      return fail(`AADSTS700027: Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${given}', `
        + `Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${appId}'.]`);
    }
    const nowMs = Date.now();
    if (new Date(cert.validTo).getTime() <= nowMs || new Date(cert.validFrom).getTime() > nowMs) {
      return fail(`AADSTS700027: Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '${given}']`);
    }
    const signature = Buffer.from(parts[2]!, 'base64url');
    const data = Buffer.from(`${parts[0]}.${parts[1]}`);
    const good = sha256
      ? crypto.verify('sha256', data, { key: cert.publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST }, signature)
      : crypto.verify('sha256', data, cert.publicKey, signature);
    if (!good) return fail('AADSTS700027: Client assertion failed signature validation.');
    if (typeof claims.iss !== 'string' || claims.iss.toLowerCase() !== appId) {
      return fail('AADSTS700021: Client assertion application identifier doesn\'t match \'client_id\' parameter.');
    }
    if (claims.sub !== claims.iss) return fail('AADSTS50048: Subject mismatches Issuer claim in the client assertion.');
    if (claims.aud !== endpoint) return fail('AADSTS700023: Client assertion audience claim does not match Realm issuer.');
    const now = Math.floor(nowMs / 1000);
    if (typeof claims.exp !== 'number' || typeof claims.nbf !== 'number' || claims.exp <= now || claims.nbf > now + SKEW_S) {
      return fail(`AADSTS700024: Client assertion is not within its valid time range. Current time: ${new Date(nowMs).toISOString()}, `
        + `assertion valid from ${typeof claims.nbf === 'number' ? new Date(claims.nbf * 1000).toISOString() : '(none)'}, `
        + `expiry time of assertion ${typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : '(none)'}.`);
    }
    // Entra's published codes name no separate one for a replayed assertion; it answers it as an invalid JWT.
    if (typeof claims.jti !== 'string' || !claims.jti) return fail('AADSTS50027: JWT token is invalid or malformed: the assertion has no jti.');
    if (this.jtis.has(claims.jti)) return fail('AADSTS50027: JWT token is invalid or malformed: the assertion\'s jti was already used.');
    this.jtis.add(claims.jti);
    this.assertions.push(assertion);
    return null;
  }
}
