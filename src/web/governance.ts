import type { IncomingMessage, ServerResponse } from 'node:http';
import { accessCsv, actorLabel, type AccessInput, detailText } from '../app/access-log.ts';
import type { DisputeService } from '../app/dispute-service.ts';
import { findSubject, parseSubjectQuery, searchDetail, subjectRecord } from '../app/subject-access.ts';
import { seesEveryDispute } from '../domain/participants.ts';
import { subjectHtml, subjectJson } from '../reports/subject-export.ts';
import type { Viewer } from './auth.ts';
import { html } from './html.ts';
import { layout } from './pages.ts';

type Send = (res: ServerResponse, status: number, body: string, type?: string, extra?: Record<string, string>) => void;

/** Governance's own pages: subject access (search by NHS or case number, export) and the access log. */
export class GovernancePages {
  constructor(
    private readonly service: DisputeService, private readonly send: Send,
    private readonly where: (req: IncomingMessage) => Pick<AccessInput, 'surface' | 'ip' | 'detail'>,
    private readonly checkCsrf: (token: string | undefined) => boolean,
  ) {}

  static handles(path: string): boolean {
    return ['/register/access', '/register/access.csv', '/register/subject', '/register/subject/export'].includes(path);
  }

  async handle(
    req: IncomingMessage, res: ServerResponse, url: URL, path: string, viewer: Viewer, form: () => Promise<URLSearchParams>,
  ): Promise<void> {
    // Only a signed-in governance lead: the register without sign-in cannot say who searched, so it offers neither.
    if (!viewer.person || !seesEveryDispute(viewer.person)) {
      const why = viewer.local
        ? 'Subject access and the access log need sign-in, so that the access log can say who used them. '
          + 'On this computer, use "s117 subject search --as ID" and "s117 access log".'
        : 'Only governance leads can search for a person or read the access log.';
      return this.send(res, 403, layout('Not available', viewer, html`<p class="error">${why}</p>`));
    }
    const me = viewer.person.id;
    if (path === '/register/access' || path === '/register/access.csv') return this.accessLog(req, res, url, path, viewer, me);
    if (req.method !== 'POST') return this.send(res, 200, layout('Subject access', viewer, this.searchForm(viewer, '')));
    const f = await form();
    if (!this.checkCsrf(f.get('csrf') ?? undefined)) {
      const expired = html`<p class="error">This form had expired, so nothing was searched. Reload the page and try again.</p>`;
      return this.send(res, 403, layout('Subject access', viewer, expired));
    }
    const raw = f.get('q') ?? '';
    const q = parseSubjectQuery(raw);
    if ('error' in q) {
      const bad = html`<p class="error" role="alert">q: ${q.error}</p>${this.searchForm(viewer, raw)}`;
      return this.send(res, 400, layout('Subject access', viewer, bad));
    }
    const finder = this.service.subjects!;
    const found = await findSubject(finder, q);
    const refs = found.map((m) => m.reference);
    const at = this.where(req);
    if (path === '/register/subject') {
      const detail = { ...at.detail, page: 'subject', ...searchDetail(q, found.length) };
      await this.service.recordAccess({ ...at, actorId: me, action: 'SEARCH', refs, detail });
      const by = q.kind === 'nhs-number' ? 'NHS number' : 'local case number';
      const exportForm = html`<form method="post" action="/register/subject/export">
<input type="hidden" name="csrf" value="${viewer.csrf ?? ''}"><input type="hidden" name="q" value="${raw}">
<button type="submit" name="format" value="html">Export everything as a document (HTML)</button>
<button type="submit" name="format" value="json" class="secondary">Export as JSON</button></form>`;
      const links = html`<ul>${found.map((m) => html`<li><a href="/register/dispute/${m.reference}">${m.reference}</a></li>`)}</ul>`;
      return this.send(res, 200, layout('Subject access', viewer, html`${this.searchForm(viewer, raw)}
<h2>${found.length} dispute(s) found</h2>
${found.length ? html`${links}${exportForm}` : html`<p>The register holds nothing found by this ${by}.</p>`}`));
    }
    const format = f.get('format') === 'json' ? 'json' : 'html';
    const record = await subjectRecord(this.service, q, found, this.service.now());
    const date = (iso: string) => this.service.calendar.describe(new Date(iso), { year: true });
    const detail = { ...at.detail, export: 'subject-access', format, ...searchDetail(q, found.length) };
    await this.service.recordAccess({ ...at, actorId: me, action: 'EXPORT', refs, detail });
    const stamp = this.service.calendar.localDate(this.service.now());
    const dir = this.service.directory();
    const body = format === 'json' ? subjectJson(record, dir, date) : subjectHtml(record, dir, date);
    return this.send(res, 200, body, format === 'json' ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
      { 'content-disposition': `attachment; filename="subject-access-${stamp}.${format}"` });
  }

  private searchForm(viewer: Viewer, value: string) {
    return html`<form method="post" action="/register/subject" class="filters">
<input type="hidden" name="csrf" value="${viewer.csrf ?? ''}">
<label for="q">NHS number or local case number</label>
<p class="hint" id="q-hint">Spaces in an NHS number do not matter.
The search, and what it found, is written to the access log; the number itself is not.</p>
<input id="q" name="q" aria-describedby="q-hint" autocomplete="off" value="${value}">
<button type="submit">Search</button></form>`;
  }

  private async accessLog(
    req: IncomingMessage, res: ServerResponse, url: URL, path: string, viewer: Viewer, me: string,
  ): Promise<void> {
    const sinceText = url.searchParams.get('since') ?? '';
    if (sinceText && !/^\d{4}-\d{2}-\d{2}$/.test(sinceText)) {
      return this.send(res, 400, layout('Access log', viewer, html`<p class="error">since: use a date like 2026-12-01.</p>`));
    }
    const log = this.service.accessLog!;
    const entries = await log.since(sinceText ? this.service.calendar.startOfDay(sinceText) : undefined);
    const at = this.where(req);
    const csv = path.endsWith('.csv');
    // Reading the log is itself a look at who saw which dispute.
    const detail = { ...at.detail, page: 'access-log', since: sinceText || null, entries: entries.length };
    await this.service.recordAccess({ ...at, actorId: me, action: csv ? 'EXPORT' : 'VIEW', refs: [], detail });
    const people = this.service.directory().people;
    if (csv) {
      return this.send(res, 200, accessCsv(entries, (id) => actorLabel(id, people)), 'text/csv; charset=utf-8',
        { 'content-disposition': `attachment; filename="s117-access-log${sinceText ? `-since-${sinceText}` : ''}.csv"` });
    }
    const shown = entries.slice(-500).reverse();
    const count = `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`
      + `${entries.length > shown.length ? `; the newest ${shown.length} are shown, newest first` : ', newest first'}`;
    const refs = (r: string[]) => (r.length > 8 ? `${r.slice(0, 8).join(' ')} and ${r.length - 8} more` : r.join(' '));
    const rows = shown.map((e) => html`<tr><td>${e.seq}</td><td>${this.service.calendar.describe(e.at, { year: true })}</td>
<td>${actorLabel(e.actorId, people)}</td><td>${e.surface}${e.ip ? ` (${e.ip})` : ''}</td>
<td>${e.action.toLowerCase()} ${detailText(e.detail)}</td><td>${refs(e.refs)}</td></tr>`);
    return this.send(res, 200, layout('Access log', viewer, html`
<form method="get" action="/register/access" class="filters"><label for="since">Since (YYYY-MM-DD)</label>
<input id="since" name="since" value="${sinceText}"><button type="submit">Show</button></form>
<p>${count}. <a href="/register/access.csv${sinceText ? `?since=${sinceText}` : ''}">Download them all as CSV</a>.</p>
<table><thead><tr><th scope="col">#</th><th scope="col">When</th><th scope="col">Who</th><th scope="col">Where</th><th scope="col">What</th>
<th scope="col">Disputes</th></tr></thead><tbody>${rows}</tbody></table>`));
  }
}
