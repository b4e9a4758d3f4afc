import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../app/ports.ts';
import { LINK_LIMITS, LINK_MINUTES, linkToken, sha256, type SignInLinkStore } from '../app/sign-in-links.ts';
import type { Env } from '../config/env.ts';
import type { Directory, Person } from '../domain/types.ts';
import { errorSummary, fieldId } from './action-forms.ts';
import type { Auth } from './auth.ts';
import { html, type Safe } from './html.ts';
import { layout } from './pages.ts';
import { safeReturnTo } from './query.ts';
import { clientIp, formBody, send } from './respond.ts';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const ADDRESS = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,255}$/;

/**
 * Signing in: choosing one's organisation, then its own OpenID Connect provider, or (for an organisation no provider
 * here speaks for) an e-mailed single-use link. A link goes only to the address the directory holds, through the
 * outbox like any other e-mail; asking for one answers alike for every address, known or not.
 */
export class SignInPages {
  constructor(
    private readonly env: Env, private readonly auth: Auth, private readonly directory: () => Directory,
    private readonly links: SignInLinkStore | null, private readonly now: () => Date, private readonly logger: Logger,
    private readonly onQueued: () => void,
  ) {}

  private get linksOn(): boolean {
    return this.auth.links && this.links !== null;
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> {
    if (path === '/register/login/email' && req.method === 'POST') return this.askForLink(req, res);
    if (path === '/register/login/link') return req.method === 'POST' ? this.useLink(req, res) : this.linkPage(req, res, url);
    if (path !== '/register/login') return send(res, 404, layout('Not found', null, html`<p>There is no such page. <a href="/register/login">Sign in</a></p>`));
    const returnTo = safeReturnTo(url.searchParams.get('returnTo'));
    if (!returnTo) return send(res, 400, layout('Sign in', null, html`<p class="error">returnTo: must be a page of the register, like /register. <a href="/register/login">Sign in</a></p>`));
    const orgId = url.searchParams.get('org');
    const dir = this.directory();
    if (orgId === null) {
      // One provider and no links: straight to it, as before several could be configured.
      if (this.auth.providers.length === 1 && !this.linksOn) return this.auth.login(req, res, returnTo, this.auth.providers[0]!.issuer);
      return send(res, 200, layout('Sign in', null, this.choosePage(dir, returnTo, null)));
    }
    const org = dir.organisations.find((o) => o.id === orgId);
    if (!org) return send(res, 400, layout('Sign in', null, this.choosePage(dir, returnTo, 'Choose the organisation you work for from the list.')));
    const provider = this.auth.providerFor(org);
    if (provider) return this.auth.login(req, res, returnTo, provider.issuer);
    if (!this.linksOn) {
      return send(res, 400, layout('Sign in', null, html`<p class="error">${org.name} has no way to sign in to this register yet. Ask your administrator to set up its sign-in provider (OIDC_PROVIDERS_FILE) or e-mailed sign-in links (SMTP_URL).</p><p><a href="/register/login">Choose another organisation</a></p>`));
    }
    const csrf = await this.auth.csrf(await this.auth.session(req, res));
    return send(res, 200, layout('Sign in with a link by e-mail', null, this.emailForm(csrf, '', null)));
  }

  private choosePage(dir: Directory, returnTo: string, error: string | null): Safe {
    const id = fieldId('org');
    return html`${errorSummary(error ? [{ field: 'org', message: error }] : [])}
<form method="get" action="/register/login" class="act" novalidate>
<input type="hidden" name="returnTo" value="${returnTo}">
<div class="form-group${error ? ' form-group-error' : ''}"><fieldset id="${id}"${error ? html` aria-describedby="${id}-error"` : ''}><legend>Which organisation do you work for?</legend>
<span class="hint muted">You sign in with your organisation's own account, or with a link sent to your work e-mail address.</span>
${error ? html`<span class="error-message" id="${id}-error"><span class="visually-hidden">Error:</span> ${error}</span>` : ''}
<div class="choices">${dir.organisations.map((o, i) => html`<div class="choice"><input type="radio" id="${i === 0 ? `${id}-first` : `${id}-${i}`}" name="org" value="${o.id}"><label for="${i === 0 ? `${id}-first` : `${id}-${i}`}">${o.name}</label></div>`)}</div>
</fieldset></div>
<button type="submit">Continue</button></form>`;
  }

  private emailForm(csrf: string, typed: string, error: string | null, intro: Safe = html``): Safe {
    const id = fieldId('email');
    return html`${errorSummary(error ? [{ field: 'email', message: error }] : [])}${intro}
<p>Your organisation signs in to this register with a link sent to your work e-mail address. The link works once, for ${LINK_MINUTES} minutes.</p>
<form method="post" action="/register/login/email" class="act" novalidate>
<input type="hidden" name="csrf" value="${csrf}">
<div class="form-group${error ? ' form-group-error' : ''}"><label for="${id}">Your work e-mail address</label>
<span class="hint muted" id="${id}-hint">The address your organisation gave the Section 117 directory.</span>
${error ? html`<span class="error-message" id="${id}-error"><span class="visually-hidden">Error:</span> ${error}</span>` : ''}
<input type="email" id="${id}" name="email" autocomplete="email" spellcheck="false" value="${typed}" aria-describedby="${id}-hint${error ? ` ${id}-error` : ''}"></div>
<button type="submit">Send me a sign-in link</button></form>`;
  }

  /** The person a link may be sent to: the address is theirs in the directory, and no provider here speaks for their organisation. */
  private personFor(address: string): Person | null {
    const dir = this.directory();
    const p = dir.people.find((x) => x.email?.toLowerCase() === address);
    if (!p) return null;
    return this.auth.providerFor(dir.organisations.find((o) => o.id === p.organisationId)) ? null : p;
  }

  private async askForLink(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const session = await this.auth.session(req, res);
    const body = await formBody(req);
    if (!this.linksOn) return send(res, 404, layout('Not found', null, html`<p>E-mailed sign-in links are not set up here. <a href="/register/login">Sign in</a></p>`));
    if (!this.auth.checkCsrf(session, body.get('csrf') ?? undefined)) {
      const csrf = await this.auth.csrf(session);
      return send(res, 403, layout('Sign in with a link by e-mail', null, this.emailForm(csrf, '', 'This form had expired, so no link was sent. Enter your address again.')));
    }
    const typed = (body.get('email') ?? '').trim().slice(0, 320);
    const address = typed.toLowerCase();
    if (!ADDRESS.test(address)) {
      return send(res, 400, layout('Sign in with a link by e-mail', null, this.emailForm(await this.auth.csrf(session), typed,
        typed ? 'Enter your e-mail address as name@example.nhs.uk' : 'Enter your work e-mail address')));
    }
    const person = this.personFor(address);
    const now = this.now();
    const id = crypto.randomUUID();
    const secret = this.env.SESSION_SECRET!;
    // Keyed hashes: the table's counters cannot be read back into the addresses and IPs that asked.
    const keyed = (s: string) => crypto.createHmac('sha256', secret).update(s).digest('hex');
    const expiresAt = new Date(now.getTime() + LINK_MINUTES * 60_000);
    const outcome = await this.links!.request({
      id, personId: person?.id ?? null, tokenHash: person ? sha256(linkToken(secret, id)) : null,
      addressHash: keyed(`address\0${address}`), ipHash: keyed(`ip\0${clientIp(req, this.env.TRUSTED_PROXY)}`), now, expiresAt,
      effect: person ? { kind: 'SIGN_IN_LINK', personId: person.id, linkId: id, notBefore: now.toISOString(), expiresAt: expiresAt.toISOString() } : null,
    }, { ...LINK_LIMITS, windowMs: LINK_MINUTES * 60_000 });
    if (outcome === 'limited') {
      this.logger.warn({}, 'sign-in link requests over the limit for an address or a client');
      return send(res, 429, layout('Too many requests', null, html`<p class="error">There have been too many requests for sign-in links. Wait ${LINK_MINUTES} minutes, then ask again.</p>`), undefined, { 'retry-after': String(LINK_MINUTES * 60) });
    }
    if (outcome === 'queued') {
      this.logger.info({ personId: person!.id }, 'a sign-in link was queued');
      this.onQueued();
    }
    // The same page whoever asked: it must not tell anyone which addresses are in the directory.
    return send(res, 200, layout('Check your e-mail', null, html`<p>If ${typed} is the address the Section 117 directory holds for someone whose organisation signs in by e-mail, a sign-in link is on its way to it.</p>
<p>The link works once, for ${LINK_MINUTES} minutes. If nothing arrives, check the address and <a href="/register/login">ask again</a>.</p>`));
  }

  /** The link itself only shows a button: mail scanners that open every link must not use it up. */
  private async linkPage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const t = url.searchParams.get('t') ?? '';
    if (!this.linksOn || !TOKEN.test(t)) return this.spent(req, res, 'unknown');
    const csrf = await this.auth.csrf(await this.auth.session(req, res));
    return send(res, 200, layout('Sign in', null, html`<p>Press the button to sign in to the Section 117 register.</p>
<form method="post" action="/register/login/link"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="t" value="${t}">
<button type="submit">Sign in</button></form>`));
  }

  private async useLink(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const session = await this.auth.session(req, res);
    const body = await formBody(req);
    const t = body.get('t') ?? '';
    if (!this.linksOn || !TOKEN.test(t)) return this.spent(req, res, 'unknown');
    if (!this.auth.checkCsrf(session, body.get('csrf') ?? undefined)) {
      // The link is still good: open it again in this browser.
      return send(res, 403, layout('Sign in', null, html`<p class="error">This page had expired, so you are not signed in yet. <a href="/register/login/link?t=${t}">Open the link again</a>.</p>`));
    }
    const r = await this.links!.consume(sha256(t), this.now());
    if (!r.ok) return this.spent(req, res, r.why);
    const person = this.directory().people.find((p) => p.id === r.personId);
    // Bound to the person it was sent to: gone from the directory, or their organisation now signs in elsewhere, and it is spent.
    if (!person || !person.email || this.auth.providerFor(this.directory().organisations.find((o) => o.id === person.organisationId))) {
      return this.spent(req, res, 'unknown');
    }
    await this.auth.begin(session, person.id, person.name);
    this.logger.info({ personId: person.id }, 'signed in with an e-mailed link');
    res.writeHead(303, { location: '/register', 'cache-control': 'no-store' }).end();
  }

  private async spent(req: IncomingMessage, res: ServerResponse, why: 'used' | 'expired' | 'unknown'): Promise<void> {
    const words = why === 'used' ? 'This sign-in link has already been used.' : why === 'expired'
      ? `This sign-in link has expired: links work for ${LINK_MINUTES} minutes.` : 'This sign-in link does not work.';
    if (!this.linksOn) return send(res, 410, layout('Sign-in link not valid', null, html`<p class="error">${words}</p><p><a href="/register/login">Sign in</a></p>`));
    const csrf = await this.auth.csrf(await this.auth.session(req, res));
    return send(res, 410, layout('Sign-in link not valid', null, this.emailForm(csrf, '', null,
      html`<p class="error">${words} Each link works once. Ask for a new one below.</p>`)));
  }
}
