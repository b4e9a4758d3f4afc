import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getIronSession, type IronSession } from 'iron-session';
import * as oidc from 'openid-client';
import type { Logger } from '../app/ports.ts';
import type { Env } from '../config/env.ts';
import { seesEveryDispute } from '../domain/participants.ts';
import type { Directory, Person } from '../domain/types.ts';
import type { SessionStore } from '../app/session-store.ts';
import type { LocalAccess } from '../http/local-access.ts';
import type { IdentityStore } from '../app/identity-store.ts';
import { matchPerson } from './identity.ts';

export interface SessionData {
  personId?: string;
  name?: string;
  /** The server-side session (session-store.ts); without a live one the cookie counts for nothing. */
  sid?: string;
  csrf?: string;
  pending?: { state: string; nonce: string; verifier: string; returnTo: string };
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
  private config: Promise<oidc.Configuration> | null = null;

  constructor(
    private readonly env: Env, private readonly directory: () => Directory, private readonly logger: Logger,
    private readonly sessions: SessionStore, private readonly now: () => Date,
    private readonly local: LocalAccess, private readonly identities: IdentityStore,
  ) {
    this.mode = env.OIDC_ISSUER ? 'oidc' : 'local';
  }

  private oidcConfig(): Promise<oidc.Configuration> {
    this.config ??= (async () => {
      const issuer = new URL(this.env.OIDC_ISSUER!);
      // Plain http is only for a provider on this machine (tests, trials).
      const local = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
      return oidc.discovery(issuer, this.env.OIDC_CLIENT_ID!, this.env.OIDC_CLIENT_SECRET!, undefined, local ? { execute: [oidc.allowInsecureRequests] } : undefined);
    })();
    this.config.catch(() => { this.config = null; });
    return this.config;
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

  /** Sends the browser to the provider, remembering where to come back to. */
  async login(req: IncomingMessage, res: ServerResponse, returnTo: string): Promise<void> {
    const config = await this.oidcConfig();
    const session = await this.session(req, res);
    const verifier = oidc.randomPKCECodeVerifier();
    const pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier, returnTo: returnTo.startsWith('/register') ? returnTo : '/register' };
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
    const config = await this.oidcConfig();
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
    session.personId = match.kind === 'person' ? match.person.id : `unknown:${String(claims?.sub ?? '')}`;
    session.name = match.kind === 'person' ? match.person.name : match.label;
    session.csrf = crypto.randomBytes(24).toString('base64url');
    if (session.sid) await this.sessions.end(session.sid, this.now());
    session.sid = await this.sessions.start(session.personId, this.now());
    await session.save();
    return { ok: true, returnTo: pending.returnTo };
  }

  async logout(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const session = await this.session(req, res);
    if (session.sid) await this.sessions.end(session.sid, this.now());
    session.destroy();
  }
}
