import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DisputeList, LIST_SORTS, type ListFilter, type ListRow } from '../app/dispute-list.ts';
import { listCsv } from './register-list.ts';
import type { DisputeService } from '../app/dispute-service.ts';
import { errorInfo } from '../app/dispute-service.ts';
import { checkHistory } from '../app/history-chain.ts';
import { factsOf, legacyFactsOf } from '../app/fact-seals.ts';
import type { Clock, Logger } from '../app/ports.ts';
import type { Env } from '../config/env.ts';
import { DomainError } from '../domain/errors.ts';
import type { Dispute, LearningArea } from '../domain/types.ts';
import { FLAG_CODES, SUBJECTS } from '../domain/types.ts';
import { boardReport, lastQuarter, type Period, reportCsv } from '../reports/board-report.ts';
import { reportCharts } from '../reports/charts.ts';
import { CSS } from './assets.ts';
import { Auth, type Viewer } from './auth.ts';
import type { SessionStore } from '../app/session-store.ts';
import type { IdentityStore } from '../app/identity-store.ts';
import { hostRefusal, localOnlyRefusal } from '../http/exposure.ts';
import { LocalAccess, WHERE_THE_LINK_IS } from '../http/local-access.ts';
import { parseListQuery, parseReportQuery } from './query.ts';
import { html } from './html.ts';
import { disputePage, type Filters, layout, registerPage, reportPage } from './pages.ts';
import { formBody, send } from './respond.ts';
import { actionsPanel } from './action-forms.ts';
import { WebActions } from './web-actions.ts';
import { RAISE_PATH, WebRaise } from './web-raise.ts';
import { SignInPages } from './sign-in.ts';
import type { SignInLinkStore } from '../app/sign-in-links.ts';
import { referralPackOf } from '../app/referral-pack.ts';
import { referralPackOffered } from '../domain/allowed-actions.ts';
import { letterFileName, packFileName } from '../reports/referral-pack.ts';
import { letterPdf } from '../reports/pdf/letter-pdf.ts';
import { referralPackZip } from '../reports/pdf/pack-zip.ts';
import { referralPackPdf } from '../reports/pdf/referral-pack-pdf.ts';
import { GovernancePages } from './governance.ts';
import type { AccessInput } from '../app/access-log.ts';
import { maySeeDispute, seesOrganisationDisputes } from '../domain/participants.ts';

export interface RegisterOptions {
  /** Called after an action is recorded, so the outbox delivers now rather than at its next poll. */
  onChange?: () => void;
  /** Where e-mailed sign-in links are kept (none: no links, whatever SIGN_IN_LINKS says). */
  signInLinks?: SignInLinkStore;
}

/**
 * The Section 117 register in the browser: every dispute with
 * filters, each dispute's timeline, and the Partnership Board report. Plain
 * server-rendered HTML: no scripts, a strict Content-Security-Policy.
 */
export class RegisterApp {
  readonly auth: Auth;
  private readonly actions: WebActions;
  private readonly signIn: SignInPages;
  constructor(
    private readonly env: Env, private readonly disputes: DisputeList, private readonly service: DisputeService,
    private readonly clock: Clock, private readonly logger: Logger, sessions: SessionStore,
    private readonly local: LocalAccess, identities: IdentityStore,
    opts: RegisterOptions = {},
  ) {
    this.auth = new Auth(env, () => service.directory(), logger, sessions, () => clock.now(), local, identities);
    this.actions = new WebActions(service, logger, opts.onChange ?? (() => undefined));
    this.signIn = new SignInPages(env, this.auth, () => service.directory(), opts.signInLinks ?? null, () => clock.now(), logger, opts.onChange ?? (() => undefined));
  }

  /**
   * Local mode: the start-up link's token, once, becomes a cookie and the browser goes on to the same page without
   * it (so it stays out of history and Referer); after that the cookie is the key. Null when the request may go on.
   */
  private localKey(req: IncomingMessage, res: ServerResponse, url: URL): 'answered' | null {
    const given = url.searchParams.get('token');
    if (given !== null && this.local.matches(given)) {
      url.searchParams.delete('token');
      const clean = `${url.pathname}${url.search}`;
      res.writeHead(303, { location: clean, 'set-cookie': this.local.cookie((this.env.PUBLIC_URL ?? '').startsWith('https:')), 'cache-control': 'no-store' }).end();
      return 'answered';
    }
    if (given === null && this.local.matches(this.local.fromCookie(req))) return null;
    const why = given === null ? '' : 'That link is from an earlier start of the bot, or mistyped. ';
    send(res, 401, layout('Open the register with its link', null, html`<p class="error">${why}${WHERE_THE_LINK_IS}</p>`));
    return 'answered';
  }

  private themes(): string[] {
    return this.env.REGISTER_THEMES.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/$/, '') || '/register';
    try {
      const refused = this.auth.mode === 'local'
        ? localOnlyRefusal(req, this.env, 'The register without sign-in', 'Set up sign-in (OIDC_ISSUER) to use it from elsewhere.')
        : hostRefusal(req, this.env);
      if (refused) return send(res, refused.status, layout('Not available', null, html`<p class="error">${refused.message}</p>`));
      if (path === '/register/assets/app.css') return send(res, 200, CSS, 'text/css; charset=utf-8', { 'cache-control': 'public, max-age=3600' });
      if (this.auth.mode === 'local' && this.localKey(req, res, url) === 'answered') return;
      if (path === '/register/login' || path.startsWith('/register/login/') || path === '/register/callback') {
        // Local mode has nobody to sign in with: the register is already open on this computer.
        if (this.auth.mode === 'local') return void res.writeHead(302, { location: '/register' }).end();
      }
      if (path === '/register/login' || path.startsWith('/register/login/')) return this.signIn.handle(req, res, path, url);
      if (path === '/register/callback') {
        const r = await this.auth.callback(req, res);
        if (!r.ok) return send(res, r.status ?? 400, layout('Sign-in failed', null, html`<p class="error">${r.reason}</p><p><a href="/register/login">Sign in again</a></p>`));
        res.writeHead(302, { location: r.returnTo }).end();
        return;
      }
      const { viewer, session } = await this.auth.viewer(req, res);
      if (path === '/register/logout' && req.method === 'POST') {
        // A page elsewhere must not be able to sign people out (and so, say, into its own account next).
        // With no live session there is nothing to end.
        if (viewer && !this.auth.checkCsrf(session, (await formBody(req)).get('csrf') ?? undefined)) {
          return send(res, 403, layout('Not signed out', viewer, html`<p class="error">This sign-out form had expired, so you are still signed in. Reload the page and press Sign out again.</p>`));
        }
        await this.auth.logout(req, res);
        return send(res, 200, layout('Signed out', null, html`<p>You have signed out.</p><p><a href="/register/login">Sign in again</a></p>`));
      }
      if (!viewer) {
        res.writeHead(302, { location: `/register/login?returnTo=${encodeURIComponent(url.pathname + url.search)}` }).end();
        return;
      }
      if (!viewer.local && !viewer.person) {
        return send(res, 403, layout('No access', viewer, html`<p class="error">You are signed in as ${viewer.name}, but you are not in the Section 117 directory, so you cannot see the register. Ask your administrator to add you.</p>`));
      }
      if (path === '/register') {
        const bad = parseListQuery(url.searchParams, this.service.directory()).errors.length > 0;
        return send(res, bad ? 400 : 200, await this.list(req, viewer, url));
      }
      if (path === '/register/disputes.csv') return this.listAsCsv(req, viewer, url, res);
      if (path === RAISE_PATH) return this.raising(req, res, viewer, session);
      if (GovernancePages.handles(path)) {
        const pages = new GovernancePages(this.service, send, (r) => this.where(r), (t) => this.auth.checkCsrf(session, t));
        return pages.handle(req, res, url, path, viewer, () => formBody(req));
      }
      const m = /^\/register\/dispute\/(S117-\d{4}-\d{4,})(\/themes|\/act|\/form\/([a-z0-9-]+)|\/pack\.pdf|\/pack\.zip|\/letter\/(\d{1,6})\.pdf)?$/i.exec(path);
      if (m) {
        const d = await this.service.get({ reference: m[1]!.toUpperCase() });
        if (!d || !this.maySee(viewer, d)) {
          return send(res, 404, layout('Not found', viewer, html`<p>There is no dispute ${m[1]} that you can see. <a href="/register">Back to the register</a></p>`));
        }
        if (m[2] === '/themes' && req.method === 'POST') return this.addTheme(req, res, viewer, session, d);
        if (m[2] && /^\/(pack|letter)/i.test(m[2]) && req.method === 'GET') return this.document(req, res, viewer, d, m[2], m[4]);
        if (m[2] && m[2] !== '/themes') return this.acting(req, res, viewer, session, d, m[3]?.toLowerCase() ?? null, url);
        const history = await this.service.history(d.id);
        await this.seen(req, viewer, 'VIEW', [d.reference], { page: 'dispute' });
        const notice = url.searchParams.get('notice');
        const csrf = await this.auth.csrf(session);
        // A signed-in participant sees the live card with the buttons they may press; a reader (and local mode) does not.
        const panel = viewer.person ? actionsPanel(this.actions.ix.view(d, viewer.person), { csrf, key: WebActions.nonce() }) : null;
        const page = disputePage(this.service.calendar, this.service.directory(), d, history, this.themes(),
          csrf, Boolean(viewer.person), checkHistory(d.id, history, factsOf(d), legacyFactsOf(d)), panel);
        return send(res, 200, layout(d.reference, viewer, page, { notice }));
      }
      if (path === '/register/report' || path === '/register/report.csv') {
        const period = this.period(url);
        if ('error' in period) return send(res, 400, layout('Partnership Board report', viewer, html`<p class="error">${period.error}</p>`));
        const visible = (await this.service.all()).filter((d) => this.maySee(viewer, d));
        const report = boardReport(visible, period, this.service.calendar, this.service.directory(), this.clock.now());
        await this.seen(req, viewer, path.endsWith('.csv') ? 'EXPORT' : 'VIEW', report.overdue.map((o) => o.reference),
          { page: path.endsWith('.csv') ? 'report.csv' : 'report', from: period.from, to: period.to });
        if (path.endsWith('.csv')) {
          return send(res, 200, reportCsv(report), 'text/csv; charset=utf-8', { 'content-disposition': `attachment; filename="s117-report-${period.from}-${period.to}.csv"` });
        }
        return send(res, 200, layout('Partnership Board report', viewer, reportPage(report, await reportCharts(report))));
      }
      return send(res, 404, layout('Not found', viewer, html`<p>There is no such page. <a href="/register">Back to the register</a></p>`));
    } catch (e) {
      // A browser that went away mid-form is not a fault of ours.
      if (req.destroyed) return this.logger.debug({ path }, 'the client went away before its request was read');
      this.logger.error({ err: errorInfo(e), path }, 'register page failed');
      if (!res.headersSent) send(res, 500, layout('Something went wrong', null, html`<p class="error">Something went wrong. It has been logged; please try again in a minute.</p>`));
    }
  }

  /** A dispute's action or form (web-actions.ts), for a signed-in person, behind the session's CSRF token. */
  private async acting(req: IncomingMessage, res: ServerResponse, viewer: Viewer, session: Awaited<ReturnType<Auth['viewer']>>['session'], d: Dispute, verb: string | null, url: URL): Promise<void> {
    if (!viewer.person) {
      return send(res, 403, layout('Not recorded', viewer, html`<p class="error">Sign-in is not configured, so the register cannot tell who you are. Act from chat or with "s117 dispute act".</p>`));
    }
    const csrf = await this.auth.csrf(session);
    if (req.method !== 'POST') {
      if (verb) {
        // A form shows case data (a letter's text, a decision's wording): a view like the page itself.
        await this.seen(req, viewer, 'VIEW', [d.reference], { form: verb });
        return this.actions.showForm(res, viewer, viewer.person, d, verb, url.searchParams, csrf);
      }
      return void res.writeHead(303, { location: `/register/dispute/${d.reference}` }).end();
    }
    const body = await formBody(req);
    if (!this.auth.checkCsrf(session, body.get('csrf') ?? undefined)) {
      return send(res, 403, layout('Not recorded', viewer, html`<div class="error-summary" role="alert"><h2>There is a problem</h2><p>This form had expired, so nothing was recorded. Go back, reload the page and try again.</p></div><p><a href="/register/dispute/${d.reference}">Back to ${d.reference}</a></p>`));
    }
    if (verb) return this.actions.submitForm(res, viewer, viewer.person, d, verb, url.searchParams, csrf, body);
    return this.actions.act(res, viewer, viewer.person, d, csrf, body);
  }

  /** Raising a dispute from the register (web-raise.ts), for a signed-in person, behind the session's CSRF token. */
  private async raising(req: IncomingMessage, res: ServerResponse, viewer: Viewer, session: Awaited<ReturnType<Auth['viewer']>>['session']): Promise<void> {
    if (!viewer.person) {
      return send(res, 403, layout('Not recorded', viewer, html`<p class="error">Sign-in is not configured, so the register cannot tell who you are. Raise the dispute from chat or with "s117 dispute raise".</p>`));
    }
    const csrf = await this.auth.csrf(session);
    const raise = new WebRaise(this.actions.ix, WebActions.nonce);
    if (req.method !== 'POST') return raise.show(res, viewer, viewer.person, csrf);
    const body = await formBody(req);
    if (!this.auth.checkCsrf(session, body.get('csrf') ?? undefined)) {
      return send(res, 403, layout('Not recorded', viewer, html`<div class="error-summary" role="alert"><h2>There is a problem</h2><p>This form had expired, so nothing was recorded. Go back, reload the page and try again.</p></div><p><a href="${RAISE_PATH}">Raise a dispute</a></p>`));
    }
    return raise.submit(res, viewer, viewer.person, csrf, body);
  }

  /** R5.7, R8.2: the referral pack (PDF or zip) and the person's letters, for those who may see the dispute. */
  private async document(req: IncomingMessage, res: ServerResponse, viewer: Viewer, d: Dispute, what: string, letterSeq: string | undefined): Promise<void> {
    const notHere = (msg: string) => send(res, 404, layout('Not found', viewer, html`<p>${msg} <a href="/register/dispute/${d.reference}">Back to ${d.reference}</a></p>`));
    const now = this.clock.now();
    const pack = await referralPackOf(this.service, d);
    // Logged once the file is known to exist, so a request for a missing one leaves no export in the access log.
    const file = async (make: () => Promise<Buffer>, type: string, name: string) => {
      await this.seen(req, viewer, 'EXPORT', [d.reference], { document: name });
      send(res, 200, await make(), type, { 'content-disposition': `attachment; filename="${name}"` });
    };
    if (letterSeq !== undefined) {
      const l = pack.letters.find((x) => String(x.seq) === String(Number(letterSeq)));
      if (!l) return notHere(`${d.reference} has no letter ${letterSeq}.`);
      return file(() => letterPdf(d.reference, pack.partnership, l, now), 'application/pdf', letterFileName(d.reference, l.seq));
    }
    if (!referralPackOffered(d)) return notHere(`${d.reference} has not reached Stage 4, so it has no referral pack.`);
    if (what.toLowerCase().endsWith('.zip')) return file(() => referralPackZip(pack, now), 'application/zip', packFileName(d.reference, 'zip'));
    return file(() => referralPackPdf(pack, now), 'application/pdf', packFileName(d.reference, 'pdf'));
  }

  /** Governance (and this computer, without sign-in) see every dispute; everyone else what domain/participants.ts allows. */
  private maySee(v: Viewer, d: Dispute): boolean {
    return v.seesAll || maySeeDispute(v.person, d);
  }

  /** Where a request came from, for the access log: the socket's address, and what a proxy says it forwarded (unverified). */
  private where(req: IncomingMessage): Pick<AccessInput, 'surface' | 'ip' | 'detail'> {
    const fwd = req.headers['x-forwarded-for'];
    const forwardedFor = (Array.isArray(fwd) ? fwd.join(', ') : fwd ?? '').slice(0, 200);
    return { surface: 'web', ip: req.socket.remoteAddress ?? null, detail: forwardedFor ? { forwardedFor } : {} };
  }

  /** Records a look at case data before the page is sent: nothing is shown that the access log does not hold. */
  private seen(req: IncomingMessage, viewer: Viewer, action: AccessInput['action'], refs: string[], detail: Record<string, unknown>): Promise<void> {
    const at = this.where(req);
    const actorId = viewer.person?.id ?? (viewer.local ? 'local' : 'unknown');
    return this.service.recordAccess({ ...at, actorId, action, refs, detail: { ...at.detail, ...detail } });
  }

  private period(url: URL): Period | { error: string } {
    const r = parseReportQuery(url.searchParams);
    if (!r.ok) return { error: r.error };
    return r.value ?? lastQuarter(this.service.calendar.localDate(this.clock.now()));
  }

  private async addTheme(req: IncomingMessage, res: ServerResponse, viewer: Viewer, session: Awaited<ReturnType<Auth['viewer']>>['session'], d: Dispute): Promise<void> {
    const form = await formBody(req);
    if (!this.auth.checkCsrf(session, form.get('csrf') ?? undefined)) {
      return send(res, 403, layout('Not saved', viewer, html`<p class="error">This form had expired, so nothing was saved. Go back, reload the page and try again.</p>`));
    }
    if (!viewer.person) {
      return send(res, 403, layout('Not saved', viewer, html`<p class="error">Sign-in is not configured, so the register cannot tell who you are. Tag themes from chat or with "s117 dispute act".</p>`));
    }
    try {
      const r = await this.service.act({ personId: viewer.person.id, platform: 'web' }, { id: d.id }, {
        type: 'ADD_THEME', theme: form.get('theme') ?? '', areas: form.getAll('area') as LearningArea[], // R9.3: the domain checks each against the list
      });
      res.writeHead(303, { location: `/register/dispute/${d.reference}?notice=${encodeURIComponent(r.notice ?? 'Theme added.')}` }).end();
    } catch (e) {
      const msg = e instanceof DomainError ? e.message : 'Something went wrong; it has been logged.';
      if (!(e instanceof DomainError)) this.logger.error({ err: errorInfo(e) }, 'theme not saved');
      send(res, 400, layout('Not saved', viewer, html`<p class="error">${msg}</p><p><a href="/register/dispute/${d.reference}">Back to ${d.reference}</a></p>`));
    }
  }

  /** The list is one query with the filters in it, so it stays fast on a large register. */
  private async list(req: IncomingMessage, viewer: Viewer, url: URL): Promise<string> {
    const { f, filter, errors, now } = this.listFilter(viewer, url);
    const { total: n, rows } = await this.disputes.list(filter);
    await this.seen(req, viewer, 'LIST', rows.map((r) => r.reference), { page: 'register', query: url.search.slice(0, 500) || null });
    // A signed-in person in the directory may raise a dispute here (an e-mail-only person has no chat to raise it in).
    const raise = viewer.person ? html`<p><a class="button" href="${RAISE_PATH}">Raise a dispute</a></p>` : '';
    const body = html`${raise}${errors.length ? html`<div class="error" role="alert">${errors.map((e) => html`<p>${e}</p>`)}</div>` : ''}${registerPage(this.service.calendar, this.service.directory(), rows, n, f, now)}`;
    return layout('Section 117 disputes', viewer, body);
  }

  /** Every dispute the list's filters select (all pages), as CSV. */
  private async listAsCsv(req: IncomingMessage, viewer: Viewer, url: URL, res: ServerResponse): Promise<void> {
    const { filter, errors, now } = this.listFilter(viewer, url);
    if (errors.length) return send(res, 400, layout('Section 117 disputes', viewer, html`<div class="error" role="alert">${errors.map((e) => html`<p>${e}</p>`)}</div>`));
    const rows: ListRow[] = [];
    for (let page = 1; ; page++) {
      const r = await this.disputes.list({ ...filter, page });
      rows.push(...r.rows);
      if (rows.length >= r.total || !r.rows.length) break;
    }
    await this.seen(req, viewer, 'EXPORT', rows.map((r) => r.reference), { page: 'disputes.csv', query: url.search.slice(0, 500) || null });
    const name = `s117-disputes-${this.service.calendar.localDate(now)}.csv`;
    send(res, 200, listCsv(this.service.calendar, this.service.directory(), rows, now), 'text/csv; charset=utf-8', { 'content-disposition': `attachment; filename="${name}"` });
  }

  private listFilter(viewer: Viewer, url: URL): { f: Filters; filter: ListFilter; errors: string[]; now: Date } {
    // Checked field by field (query.ts): only valid values reach the filter.
    const { filters: f, errors } = parseListQuery(url.searchParams, this.service.directory());
    const now = this.clock.now();
    const filter: ListFilter = { page: Math.max(1, Number(f.page ?? 1) || 1), now, desc: f.dir === 'desc' };
    const cal = this.service.calendar;
    if (f.from) filter.raisedFrom = cal.startOfDay(f.from);
    if (f.to) filter.raisedBefore = cal.startOfDay(new Date(Date.parse(`${f.to}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10));
    if (f.org) filter.organisationId = f.org;
    if (f.subject && (SUBJECTS as readonly string[]).includes(f.subject)) filter.subject = f.subject;
    if (f.stage && /^[1-4]$/.test(f.stage)) filter.stage = Number(f.stage);
    if (f.status === 'OPEN' || f.status === 'RESOLVED' || f.status === 'OVERDUE') filter.status = f.status;
    if (f.flag && (FLAG_CODES as readonly string[]).includes(f.flag)) filter.flag = f.flag;
    if (!viewer.seesAll) {
      filter.participantId = viewer.person?.id ?? '';
      filter.participantOrganisationId = viewer.person?.organisationId ?? '';
      if (viewer.person && seesOrganisationDisputes(viewer.person)) filter.orPartyOrganisationId = viewer.person.organisationId;
    }
    const sort = LIST_SORTS.find((s) => s === f.sort);
    if (sort) filter.sort = sort;
    return { f, filter, errors, now };
  }
}
