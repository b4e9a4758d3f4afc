import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { EFFECT_TEXT } from '../domain/aftercare-effect.ts';
import { assessmentLines } from '../domain/handlers/joint-assessment.ts';
import {
  COHORT_TEXT, FLAG_TEXT, OUTCOME_TEXT, PARTY_ROLE_TEXT, ROUTE_TEXT, SETTING_TEXT, SUBJECT_TEXT, CHC_TEXT, PERSON_STEP_TEXT, LEARNING_AREA_TEXT,
} from '../domain/texts.ts';
import type { Directory, Dispute, FlagCode, Subject } from '../domain/types.ts';
import { FLAG_CODES, LEARNING_AREAS, SUBJECTS } from '../domain/types.ts';
import { maskNhsNumber } from '../domain/nhs-number.ts';
import { stageMark, type StageMark } from '../domain/overdue.ts';
import { referralPackOffered } from '../domain/allowed-actions.ts';
import type { BoardReport } from '../reports/board-report.ts';
import type { Chart } from '../reports/charts.ts';
import { html, type Safe, trusted } from './html.ts';
import { nextAction, overdueBy } from './register-list.ts';
import type { Viewer } from './auth.ts';
import type { ListRow } from '../app/dispute-list.ts';
import { type ChainReport, describeProblem } from '../app/history-chain.ts';
import { type HistoryNames, historyText } from '../domain/history-text.ts';
import { withdrawalsWaiting } from '../domain/view.ts';

export type { ListRow } from '../app/dispute-list.ts';

export interface Filters { from?: string; to?: string; org?: string; subject?: string; stage?: string; status?: string; flag?: string; sort?: string; dir?: string; page?: string }

/** `error`: the page answers a refused form, so its title starts "Error: " (the NHS error summary pattern). */
export function layout(title: string, viewer: Viewer | null, body: Safe, opts: { notice?: string | null; error?: boolean } = {}): string {
  return html`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.error ? 'Error: ' : ''}${title} — Section 117 register</title><link rel="stylesheet" href="/register/assets/app.css"></head>
<body><a class="skip" href="#main">Skip to main content</a>
<header><div><a href="/register"><strong>Section 117 register</strong></a></div>
<nav aria-label="Main"><a href="/register">Disputes</a><a href="/register/report">Partnership Board report</a>${viewer?.person && viewer.seesAll ? html`<a href="/register/subject">Subject access</a><a href="/register/access">Access log</a>` : ''}</nav>
<div>${viewer ? (viewer.local ? 'Local mode' : html`Signed in as ${viewer.name} <form method="post" action="/register/logout" class="inline"><input type="hidden" name="csrf" value="${viewer.csrf ?? ''}"><button class="secondary" type="submit">Sign out</button></form>`) : html`<a href="/register/login">Sign in</a>`}</div></header>
<main id="main">
${viewer?.local ? html`<p class="banner" role="note"><strong>Local mode:</strong> sign-in is not configured (OIDC_ISSUER), so this register answers only on this computer. Set up sign-in before sharing it.</p>` : ''}
${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ''}
<h1>${title}</h1>
${body}
</main>
<footer><a href="/privacy">Privacy notice</a> <a href="/terms">Terms of use</a></footer></body></html>`.value;
}

const date = (cal: WorkingCalendar, d: Date | string | null) => (d ? cal.describe(new Date(d), { year: true }) : '—');
const subjectLabel = (s: string) => SUBJECT_TEXT[s as Subject] ?? s;

/**
 * The NHS date-input pattern (service-manual.nhs.uk, "Date input"): day, month and year in three labelled number
 * fields in a fieldset, which every browser and screen reader handles alike, unlike a native date picker.
 * The fields are NAME-day, NAME-month and NAME-year; src/web/query.ts puts them back together.
 */
function dateInput(name: string, legend: string, iso: string | undefined): Safe {
  const [year, month, day] = /^\d{4}-\d{2}-\d{2}$/.test(iso ?? '') ? iso!.split('-') : ['', '', ''];
  const field = (part: string, label: string, value: string, size: string) => html`<div class="date-item">\
<label for="${name}-${part}">${label}</label><input class="${size}" id="${name}-${part}" name="${name}-${part}" inputmode="numeric" \
value="${value ? String(Number(value)) : ''}"></div>`;
  return html`<fieldset class="date-input" id="${name}" role="group" aria-describedby="${name}-hint"><legend>${legend}</legend>\
<span class="hint muted" id="${name}-hint">For example, 27 3 2026</span><div class="date-items">\
${field('day', 'Day', day!, 'w2')}${field('month', 'Month', month!, 'w2')}${field('year', 'Year', year!, 'w4')}</div></fieldset>`;
}

function sortLink(f: Filters, key: string, label: string): Safe {
  const dir = f.sort === key && f.dir !== 'desc' ? 'desc' : 'asc';
  const q = new URLSearchParams({ ...Object.fromEntries(Object.entries(f).filter(([, v]) => v)), sort: key, dir });
  q.delete('page');
  const current = f.sort === key ? (f.dir === 'desc' ? 'descending' : 'ascending') : 'none';
  return html`<th scope="col" aria-sort="${current}"><a href="/register?${q.toString()}">${label}</a></th>`;
}

/** The list's filters (not its sort or page) for the CSV link. */
function csvQuery(f: Filters): string {
  const q = new URLSearchParams(Object.entries(f).filter(([k, v]) => v && !['page'].includes(k)) as [string, string][]);
  return q.size ? `?${q.toString()}` : '';
}

export function registerPage(cal: WorkingCalendar, dir: Directory, rows: ListRow[], total: number, f: Filters, now: Date): Safe {
  const orgName = (id: string) => dir.organisations.find((o) => o.id === id)?.name ?? id;
  const opt = (value: string, label: string, selected: string | undefined) => html`<option value="${value}"${selected === value ? trusted(' selected') : ''}>${label}</option>`;
  const page = Math.max(1, Number(f.page ?? 1) || 1);
  const pages = Math.max(1, Math.ceil(total / 100));
  const pageLink = (n: number, label: string) => {
    const q = new URLSearchParams({ ...Object.fromEntries(Object.entries(f).filter(([, v]) => v)), page: String(n) });
    return html`<a href="/register?${q.toString()}">${label}</a>`;
  };
  return html`
<form class="filters" method="get" action="/register" aria-label="Filter disputes">
  ${dateInput('from', 'Raised from', f.from)}
  ${dateInput('to', 'Raised to', f.to)}
  <div><label for="org">Organisation</label><select id="org" name="org"><option value="">Any</option>${dir.organisations.map((o) => opt(o.id, o.name, f.org))}</select></div>
  <div><label for="subject">Subject</label><select id="subject" name="subject"><option value="">Any</option>${SUBJECTS.map((s) => opt(s, SUBJECT_TEXT[s], f.subject))}</select></div>
  <div><label for="stage">Stage</label><select id="stage" name="stage"><option value="">Any</option>${['1', '2', '3', '4'].map((s) => opt(s, `Stage ${s}`, f.stage))}</select></div>
  <div><label for="status">Status</label><select id="status" name="status"><option value="">Any</option>${opt('OPEN', 'Open', f.status)}${opt('OVERDUE', 'Overdue', f.status)}${opt('RESOLVED', 'Resolved', f.status)}</select></div>
  <div><label for="flag">Flag</label><select id="flag" name="flag"><option value="">Any</option>${FLAG_CODES.map((c) => opt(c, FLAG_TEXT[c], f.flag))}</select></div>
  <div><button type="submit">Apply filters</button> <a href="/register">Clear</a></div>
</form>
<p><strong>${total}</strong> dispute${total === 1 ? '' : 's'}${pages > 1 ? html`, page ${page} of ${pages}` : ''}.
<a href="/register/disputes.csv${csvQuery(f)}" download>Download these disputes as CSV</a></p>
<div class="table-scroll" role="region" aria-label="Disputes" tabindex="0">
<table><caption class="muted">Every dispute on the register. Select a column heading to sort.</caption>
<thead><tr>${sortLink(f, 'reference', 'Reference')}<th scope="col">Subjects</th><th scope="col">Parties</th><th scope="col">Cohort / setting</th>${sortLink(f, 'stage', 'Stage')}${sortLink(f, 'due', 'Deadline')}<th scope="col">Next action</th>${sortLink(f, 'status', 'Status / outcome')}<th scope="col">Flags and themes</th>${sortLink(f, 'raised', 'Raised')}</tr></thead>
<tbody>${rows.map((r) => {
  const days = r.dueAt && r.status === 'OPEN' ? cal.workingDaysBetween(now, r.dueAt) : null;
  const lateBy = overdueBy(cal, r, now);
  const late = lateBy !== null;
  const lateText = lateBy ? `Overdue by ${lateBy} working day${lateBy === 1 ? '' : 's'}` : 'Overdue since today';
  return html`<tr>
<td><a href="/register/dispute/${r.reference}">${r.reference}</a></td>
<td>${r.subjects.map(subjectLabel).join('; ')}</td>
<td>${(r.parties ?? []).map(orgName).join('; ')}</td>
<td>${COHORT_TEXT[r.cohort as keyof typeof COHORT_TEXT] ?? r.cohort} / ${SETTING_TEXT[r.setting as keyof typeof SETTING_TEXT] ?? r.setting}</td>
<td>Stage ${r.stage}</td>
<td>${r.status === 'OPEN' && r.dueAt ? html`${date(cal, r.dueAt)}<br>${late ? html`<span class="overdue">${lateText}</span>` : html`<span class="muted">${days} working day${days === 1 ? '' : 's'} left</span>`}` : '—'}</td>
<td>${nextAction(r, late)}</td>
<td>${r.status === 'RESOLVED' ? html`Resolved<br><span class="muted">${r.outcome ?? ''}</span>` : r.overdue ? html`<span class="overdue">Open, overdue</span>` : 'Open'}</td>
<td>${(r.flags ?? []).map((c) => html`<span class="tag flag">${FLAG_TEXT[c as FlagCode] ?? c}</span>`)}${(r.themes ?? []).map((t) => html`<span class="tag">${t}</span>`)}</td>
<td>${date(cal, r.raisedAt)}</td></tr>`;
})}</tbody></table></div>
${pages > 1 ? html`<p>${page > 1 ? pageLink(page - 1, 'Previous page') : ''} ${page < pages ? pageLink(page + 1, 'Next page') : ''}</p>` : ''}`;
}

export function disputePage(cal: WorkingCalendar, dir: Directory, d: Dispute, history: { seq: number; at: Date; actorId: string; platform: string; type: string; data: unknown; correctsSeq: number | null }[],
  themes: string[], csrf: string, canTag: boolean, chain: ChainReport, panel: Safe | null = null): Safe {
  const name = (id: string | null) => (id ? dir.people.find((p) => p.id === id)?.name ?? id : '');
  const org = (id: string) => dir.organisations.find((o) => o.id === id)?.name ?? id;
  const names: HistoryNames = { person: name, organisation: org, date: (iso) => date(cal, iso) };
  return html`
<p class="muted">Person: case ${d.localCaseRef}${d.nhsNumber ? html`, ${maskNhsNumber(d.nhsNumber)}` : ''}. ${COHORT_TEXT[d.cohort]}, ${SETTING_TEXT[d.setting]}.</p>
<div class="cards">
  <div class="card"><span class="muted">Status</span><strong>${d.status === 'OPEN' ? `Stage ${d.stage}` : 'Resolved'}</strong>${d.overdue ? html`<span class="overdue">Overdue</span>` : ''}</div>
  <div class="card"><span class="muted">Raised</span><strong>${cal.localDate(new Date(d.raisedAt))}</strong>by ${name(d.raisedById)} (${d.raisedOn})</div>
  <div class="card"><span class="muted">About</span><p>${d.subjects.map(subjectLabel).join('; ')}</p></div>
</div>
${panel ?? ''}
<h2>Parties</h2>
<ul>${d.parties.map((p) => html`<li>${org(p.organisationId)} — ${PARTY_ROLE_TEXT[p.role]}</li>`)}</ul>${d.status === 'OPEN' && withdrawalsWaiting(d, org).length ? html`<ul>${withdrawalsWaiting(d, org).map((w) => html`<li class="muted">${w}</li>`)}</ul>` : ''}
<h2>The disagreement and the care</h2>
<p>${d.description}</p><p><strong>Current care:</strong> ${d.currentCare} ${d.careContinues ? '(confirmed to continue)' : html`<span class="overdue">(reported not continuing)</span>`}</p>
<h2>Stages</h2>
<table class="reflow"><thead><tr><th scope="col">Stage</th><th scope="col">Started</th><th scope="col">Deadline</th><th scope="col">Ended</th><th scope="col">Timescale</th></tr></thead>
<tbody>${d.stages.map((s) => html`<tr><td data-label="Stage">Stage ${s.stage}</td><td data-label="Started">${date(cal, s.startedAt)}</td><td data-label="Deadline">${s.dueAt ? date(cal, s.dueAt) : 'none'}</td>
<td data-label="Ended">${s.endedAt ? html`${date(cal, s.endedAt)} (${(s.endReason ?? '').toLowerCase().replace('_', ' ')})` : s.timedOutAt ? html`<span class="overdue">overdue since ${date(cal, s.timedOutAt)}</span>` : 'open'}</td>
<td data-label="Timescale">${timescaleCell(stageMark(s))}</td></tr>`)}</tbody></table>
<h2>Decisions</h2>
${d.decisions.length ? html`<ol>${d.decisions.map((x) => html`<li><strong>${OUTCOME_TEXT[x.outcome]}</strong> (Stage ${x.stage}, ${x.status.toLowerCase()}): ${x.summary}
<br>${EFFECT_TEXT[x.effect]}${x.effectiveFrom ? html`, from ${x.effectiveFrom}` : ''}${x.payers.length ? html` · Who pays: ${x.payers.map((p) => `${org(p.organisationId)}: ${p.share}`).join('; ')}` : ''}${x.wordingQuery ? html` · <span class="overdue">The words read as ${x.wordingQuery === 'ENDS' ? 'ending' : 'reducing'} aftercare; the proposer kept the choice</span>` : ''}
${x.assessment ? html`<ul class="joint-assessment">${assessmentLines(x, org).map((l) => html`<li>${l}</li>`)}</ul>` : ''}
<br><span class="muted">Need: ${x.basisNeed} · Section 117 tests: ${x.basisTests} · Risk: ${x.basisRisk}${x.funding ? html` · Funding: ${x.funding}` : ''}${x.commissioning ? html` · Commissioning: ${x.commissioning}` : ''}</span>
<ul>${d.parties.map((p) => {
  const c = d.confirmations.find((k) => k.decisionSeq === x.seq && k.organisationId === p.organisationId);
  return html`<li>${org(p.organisationId)}: ${c ? html`confirmed by ${name(c.personId)}, ${date(cal, c.at)}` : 'not confirmed'}</li>`;
})}</ul></li>`)}</ol>` : html`<p>None yet.</p>`}
${d.externalRoutes.length ? html`<h2>External escalation</h2><ul>${d.externalRoutes.map((r) => html`<li>${ROUTE_TEXT[r.route]} — ${name(r.by)}, ${date(cal, r.at)}</li>`)}</ul>` : ''}
${d.chc ? html`<h2>NHS Continuing Healthcare (parallel track)</h2><p>${CHC_TEXT[d.chc.status]}${d.chc.referralDate ? html`; referred ${d.chc.referralDate}` : ''}${d.chc.decisionDate ? html`; decided ${d.chc.decisionDate}` : ''}.</p>
${d.chcAdjustments.length ? html`<ul>${d.chcAdjustments.map((a) => html`<li>Adjustment from ${a.effectiveDate}: ${a.amountOrShare} (person not penalised)</li>`)}</ul>` : ''}` : ''}
${referralPackOffered(d) ? html`<h2>Stage 4 referral pack</h2>
<p>Everything the register holds on this dispute for NHS England, DHSC or legal advisers: the chronology, each organisation's position,
decisions and their basis, every stage's deadline and whether it was met, continuity of care, flags and an index of evidence.</p>
<ul><li><a href="/register/dispute/${d.reference}/pack.pdf" download>Download the referral pack (PDF)</a></li>
<li><a href="/register/dispute/${d.reference}/pack.zip" download>Download the referral pack with its data (zip: PDF, JSON and the letters)</a></li></ul>` : ''}
${d.letters.length ? html`<h2>Letters to the person</h2><ul>${d.letters.map((l) => html`<li><a href="/register/dispute/${d.reference}/letter/${l.seq}.pdf" download>Letter ${l.seq} (PDF)</a>: \
${l.sentAt ? html`sent ${date(cal, l.sentAt)}` : 'draft, not yet sent'}, reading age ${l.readingAge}</li>`)}</ul>` : ''}
<h2>The person</h2>
<ul>${d.personSteps.map((p) => html`<li>${PERSON_STEP_TEXT[p.step]}: ${p.doneAt ? html`done by ${name(p.doneBy)}, ${date(cal, p.doneAt)}` : html`<span class="overdue">not yet</span>`}</li>`)}</ul>
<h2>Flags</h2>
${d.flags.length ? html`<ul>${d.flags.map((f) => html`<li><span class="tag flag">${FLAG_TEXT[f.code]}</span> ${f.detail.replace(/^\[[A-Z_]+\] /, '')} <span class="muted">(${date(cal, f.at)})</span></li>`)}</ul>` : html`<p>None.</p>`}
<h2>Themes</h2>
<p>${d.themes.length ? d.themes.map((t) => html`<span class="tag">${t.theme}</span>`) : 'None yet.'}</p>
${canTag ? html`<form method="post" action="/register/dispute/${d.reference}/themes">
<input type="hidden" name="csrf" value="${csrf}">
<label for="theme">Add a theme</label>
<input id="theme" name="theme" list="themes" maxlength="80" required>
<fieldset><legend>Learning areas (at least one)</legend>${LEARNING_AREAS.map((a) => html`<label><input type="checkbox" name="area" value="${a}"> ${LEARNING_AREA_TEXT[a]}</label> `)}</fieldset>
<button type="submit">Add theme</button>
<datalist id="themes">${themes.map((t) => html`<option value="${t}"></option>`)}</datalist></form>` : ''}
<h2>History</h2>
${chainNote(chain)}
<ol class="timeline">${history.map((h) => html`<li><strong>${h.type.toLowerCase().replace(/_/g, ' ')}</strong>: ${historyText(h.type, h.data, d, names)}
<br><span class="muted">${h.actorId === 'system' ? 'the bot' : name(h.actorId)} on ${h.platform}, ${date(cal, h.at)}${
  h.correctsSeq ? html` (corrects entry ${h.correctsSeq})` : ''}</span></li>`)}</ol>`;
}

/** Five lines a busy board member reads first; the detail follows. */
export function reportSummary(r: BoardReport): string[] {
  const top = [...r.bySubject].sort((a, b) => b.count - a.count)[0];
  const timed = r.timescales.filter((t) => t.decided > 0).map((t) => `Stage ${t.stage} ${t.percent ?? 0}%`);
  const grounds = r.unlawfulGrounds.reduce((n, g) => n + g.count, 0);
  return [
    `${r.opened} opened, ${r.closed} closed; ${r.openAtEnd} open at the end of the period.`,
    r.overdue.length ? `${r.overdue.length} overdue now: listed below.` : 'None overdue.',
    timed.length ? `Stages resolved within timescale: ${timed.join(', ')}.` : 'No stage was decided in the period.',
    ...(top ? [`Most common subject: ${top.label} (${top.count}).`] : []),
    grounds ? `${grounds} citation${grounds === 1 ? '' : 's'} of grounds that are not lawful reasons for delay.` : 'No unlawful grounds cited.',
  ];
}

export function reportPage(r: BoardReport, charts: Chart[]): Safe {
  const pct = (n: number | null) => (n === null ? '—' : `${n}%`);
  return html`
<form class="filters" method="get" action="/register/report" aria-label="Report period">
${dateInput('from', 'From', r.period.from)}
${dateInput('to', 'To', r.period.to)}
<div><button type="submit">Show report</button> <a href="/register/report.csv?from=${r.period.from}&amp;to=${r.period.to}">Download CSV</a></div></form>
<p>${r.partnership}: ${r.period.from} to ${r.period.to}.</p>
<div class="cards">
<div class="card"><span class="muted">Opened</span><strong>${r.opened}</strong></div>
<div class="card"><span class="muted">Closed</span><strong>${r.closed}</strong></div>
<div class="card"><span class="muted">Open at the end</span><strong>${r.openAtEnd}</strong></div>
<div class="card"><span class="muted">Overdue</span><strong>${r.overdue.length}</strong></div>
</div>
<h2>In short</h2><ul class="summary">${reportSummary(r).map((l) => html`<li>${l}</li>`)}</ul>
<h2>What changed since the last report</h2><ul>${r.changes.map((c) => html`<li>${c}</li>`)}</ul>
${charts.map((c) => html`<figure>${trusted(c.svg.replace('<svg ', `<svg role="img" aria-label="${c.title.replace(/"/g, '')}" `))}
<details><summary>${c.title}: the figures</summary><ul>${c.description.split('; ').map((x) => html`<li>${x}</li>`)}</ul></details></figure>`)}
<h2>Stages resolved within timescale</h2>
<table><thead><tr><th scope="col">Stage</th><th scope="col">Decided in period</th><th scope="col">Within timescale</th><th scope="col">Median working days</th></tr></thead>
<tbody>${r.timescales.map((t) => html`<tr><td>Stage ${t.stage}</td><td>${t.decided}</td><td>${t.met} (${pct(t.percent)})</td><td>${t.medianWorkingDays ?? '—'}</td></tr>`)}</tbody></table>
<h2>By party organisation</h2><table><tbody>${r.byOrganisation.map((o) => html`<tr><td>${o.organisation}</td><td>${o.count}</td></tr>`)}</tbody></table>
<h2>Outcomes</h2><table><tbody>${r.byOutcome.map((o) => html`<tr><td>${o.outcome}</td><td>${o.count}</td></tr>`)}</tbody></table>
<h2>Overdue disputes</h2>${r.overdue.length ? html`<ul>${r.overdue.map((o) => html`<li><a href="/register/dispute/${o.reference}">${o.reference}</a> — Stage ${o.stage}, was due ${o.dueAt.slice(0, 10)}</li>`)}</ul>` : html`<p>None.</p>`}
<h2>Grounds that are not lawful reasons for delay (R4.1)</h2>${r.unlawfulGrounds.length ? html`<ul>${r.unlawfulGrounds.map((g) => html`<li>${g.label}: ${g.count}</li>`)}</ul>` : html`<p>None flagged.</p>`}
<h2>Legal-risk signals (R10.1)</h2><ul>${r.legalRisk.map((l) => html`<li>${l.label}: ${l.count}</li>`)}</ul>
<h2>Involving the person</h2><ul>${r.personInvolvement.map((p) => html`<li>${p.label}: ${p.done} of ${p.of}</li>`)}</ul>
<h2>Themes</h2>${r.themes.length ? html`<ul>${r.themes.map((t) => html`<li>${t.theme}: ${t.count}</li>`)}</ul>` : html`<p>No themes tagged.</p>`}`;
}

function timescaleCell(m: StageMark): Safe | string {
  return m === 'met' ? 'Met' : m === 'missed' ? html`<span class="overdue">Missed</span>` : m === 'escalated' ? 'Escalated' : '—';
}

function chainNote(c: ChainReport): Safe {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const older = c.beforeChain
    ? html` ${plural(c.beforeChain, 'older entry was', 'older entries were')} written before the chain began.` : '';
  if (c.intact) return html`<p class="chain muted">History intact (${plural(c.chained, 'entry', 'entries')}, chained).${older}</p>`;
  return html`<div class="chain overdue" role="alert"><strong>History changed outside the bot:</strong>
<ul>${c.problems.map((p) => html`<li>${describeProblem(p)}</li>`)}</ul>Report this to your information governance lead.</div>`;
}
