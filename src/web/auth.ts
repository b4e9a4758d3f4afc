import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getIronSession, type IronSession } from 'iron-session';
import * as oidc from 'openid-client';
import type { Logger } from '../app/ports.ts';
import type { Env } from '../config/env.ts';
import { seesEveryDispute } from '../domain/participants.ts';
import type { Directory, Organisation, Person } from '../domain/types.ts';
import { loadOidcProviders, type OidcProvider } from '../config/oidc-providers.ts';
import type { SessionStore } from '../app/session-store.ts';
import type { LocalAccess } from '../http/local-access.ts';
import type { IdentityStore } from '../app/identity-store.ts';
import { issuersOf, matchPerson } from './identity.ts';

export interface SessionData {
  personId?: string;
  name?: string;
  /** The server-side session (session-store.ts); without a live one the cookie counts for nothing. */
  sid?: string;
  csrf?: string;
  pending?: { state: string; nonce: string; verifier: string; returnTo: string; issuer?: string };
}

/** Who is looking at the register, and how much they may see. */
export interface Viewer {
  person: Person | null;
  name: string;
  /** Governance leads (and this computer, in local mode) see every dispute; others what domain/participants.ts allows. */
  seesAll: boolean;
  /** Local mode: no sign-in configured, answering this computer only. */
  local: boolean;
  /** The token this viewer's forms carry (sign-out included), checked with checkCsrf. */
  csrf?: string;
}

/**
 * Sign-in with OpenID Connect (Microsoft Entra ID or any standard provider)
 * and signed, encrypted session cookies. People are matched to the directory
 * by e-mail or Entra object id; nobody else sees anything.
 */
export class Auth {
  readonly mode: 'oidc' | 'local';
  /** Every OpenID Connect provider configured (OIDC_PROVIDERS_FILE and OIDC_ISSUER). */
  readonly providers: OidcProvider[];
  /** E-mailed single-use links for organisations no provider here speaks for. */
  readonly links: boolean;
  private readonly configs = new Map<string, Promise<oidc.Configuration>>();

  constructor(
    private readonly env: Env, private readonly directory: () => Directory, private readonly logger: Logger,
    private readonly sessions: SessionStore, private readonly now: () => Date,
    private readonly local: LocalAccess, private readonly identities: IdentityStore,
  ) {
    this.providers = loadOidcProviders(env);
    this.mode = this.providers.length || env.SIGN_IN_LINKS === 'on' ? 'oidc' : 'local';
    // Whether a platform here can e-mail the links is the caller's to say (it gives the register a link store only then).
    this.links = this.mode === 'oidc' && Boolean(env.SESSION_SECRET && env.PUBLIC_URL) && env.SIGN_IN_LINKS !== 'off';
  }

  /** The provider an organisation's people sign in with here: the first of its issuers that is configured. */
  providerFor(org: Organisation | undefined): OidcProvider | null {
    for (const iss of issuersOf(org, this.env.OIDC_ISSUER)) {
      const p = this.providers.find((x) => x.issuer === iss);
      if (p) return p;
    }
    return null;
  }

  private oidcConfig(issuer: string): Promise<oidc.Configuration> {
    const p = this.providers.find((x) => x.issuer === issuer);
    if (!p) return Promise.reject(new Error(`no sign-in provider ${issuer} is configured`));
    let config = this.configs.get(issuer);
    if (!config) {
      config = (async () => {
        const url = new URL(p.issuer);
        // Plain http is only for a provider on this machine (tests, trials).
        const local = url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
        return oidc.discovery(url, p.clientId, p.clientSecret, undefined, local ? { execute: [oidc.allowInsecureRequests] } : undefined);
      })();
      config.catch(() => { this.configs.delete(issuer); });
      this.configs.set(issuer, config);
    }
    return config;
  }

  session(req: IncomingMessage, res: ServerResponse): Promise<IronSession<SessionData>> {
    const secure = (this.env.PUBLIC_URL ?? '').startsWith('https:');
    return getIronSession<SessionData>(req, res, {
      password: this.env.SESSION_SECRET ?? crypto.randomBytes(32).toString('hex'),
      cookieName: 's117_register',
      ttl: 8 * 3600,
      cookieOptions: { httpOnly: true, sameSite: 'lax', secure, path: '/register' },
    });
  }

  async viewer(req: IncomingMessage, res: ServerResponse): Promise<{ viewer: Viewer | null; session: IronSession<SessionData> | null }> {
    if (this.mode === 'local') return { viewer: { person: null, name: 'this computer', seesAll: true, local: true, csrf: this.local.csrf() }, session: null };
    const session = await this.session(req, res);
    if (!session.personId) return { viewer: null, session };
    if (!session.sid || !(await this.sessions.touch(session.sid, this.now(), this.env.SESSION_IDLE_MINUTES * 60_000))) {
      // Signed out elsewhere, idle too long, or a copied cookie: start again from sign-in.
      session.destroy();
      return { viewer: null, session };
    }
    const person = this.directory().people.find((p) => p.id === session.personId) ?? null;
    const csrf = await this.csrf(session);
    return { viewer: { person, name: session.name ?? 'unknown', seesAll: person ? seesEveryDispute(person) : false, local: false, csrf }, session };
  }

  async csrf(session: IronSession<SessionData> | null): Promise<string> {
    // Local mode has no session: the forms carry a secret derived from this start's token.
    if (!session) return this.local.csrf();
    if (!session.csrf) {
      session.csrf = crypto.randomBytes(24).toString('base64url');
      await session.save();
    }
    return session.csrf;
  }

  checkCsrf(session: IronSession<SessionData> | null, token: string | undefined): boolean {
    const a = Buffer.from(session ? session.csrf ?? '' : this.local.csrf());
    const b = Buffer.from(token ?? '');
    return a.length > 0 && a.length === b.length && crypto.timingSafeEqual(a, b);
  }

  private redirectUri(): string {
    return `${this.env.PUBLIC_URL!.replace(/\/$/, '')}/register/callback`;
  }

  /** Sends the browser to the provider, remembering where to come back to and which provider it went to. */
  async login(req: IncomingMessage, res: ServerResponse, returnTo: string, issuer: string): Promise<void> {
    const config = await this.oidcConfig(issuer);
    const session = await this.session(req, res);
    const verifier = oidc.randomPKCECodeVerifier();
    const pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier, returnTo: returnTo.startsWith('/register') ? returnTo : '/register', issuer };
    session.pending = pending;
    await session.save();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(), scope: 'openid email profile', state: pending.state, nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    res.writeHead(302, { location: url.href }).end();
  }

  /** The provider's answer: match the person to the directory and start the session. */
  async callback(req: IncomingMessage, res: ServerResponse): Promise<{ ok: true; returnTo: string } | { ok: false; reason: string; status?: number }> {
    const session = await this.session(req, res);
    const pending = session.pending;
    if (!pending) return { ok: false, reason: 'This sign-in link has expired. Start again from the register.' };
    // A sign-in begun before several providers were configured went to the one there was.
    const issuer = pending.issuer ?? this.providers[0]?.issuer ?? '';
    const config = await this.oidcConfig(issuer);
    const current = new URL(req.url ?? '/', this.env.PUBLIC_URL);
    let claims: Record<string, unknown> | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce });
      claims = tokens.claims();
      // Some providers put e-mail only in UserInfo (Entra puts it in the ID token).
      // The ID token's own claims (issuer, subject) win over anything UserInfo says.
      if (claims && !claims.email && !claims.oid) claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, String(claims.sub))), ...claims };
    } catch (e) {
      this.logger.warn({ err: { message: (e as Error).message } }, 'sign-in failed');
      return { ok: false, reason: 'Sign-in did not complete. Try again; if it keeps failing, tell your administrator.' };
    }
    delete session.pending;
    const match = await matchPerson(claims ?? {}, this.directory(), this.env.OIDC_ISSUER, this.identities, this.now());
    if (match.kind === 'refused') {
      await session.save();
      this.logger.warn({ issuer: typeof claims?.iss === 'string' ? claims.iss : null }, match.log);
      return { ok: false, reason: match.reason, status: 403 };
    }
    if (match.kind === 'person' && match.firstTime) this.logger.info({ personId: match.person.id }, 'first sign-in: identity recorded for this person');
    await this.begin(session, match.kind === 'person' ? match.person.id : `unknown:${String(claims?.sub ?? '')}`, match.kind === 'person' ? match.person.name : match.label);
    return { ok: true, returnTo: pending.returnTo };
  }

  /** A new server-side session and a new CSRF token for whoever just proved who they are (no fixation of an old one). */
  async begin(session: IronSession<SessionData>, personId: string, name: string): Promise<void> {
    session.personId = personId;
    session.name = name;
    session.csrf = crypto.randomBytes(24).toString('base64url');
    if (session.sid) await this.sessions.end(session.sid, this.now());
    session.sid = await this.sessions.start(session.personId, this.now());
    await session.save();
  }

  async logout(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const session = await this.session(req, res);
    if (session.sid) await this.sessions.end(session.sid, this.now());
    session.destroy();
  }
}
