import { historyText, type HistoryNames } from '../domain/history-text.ts';
import { assessmentLines } from '../domain/handlers/joint-assessment.ts';
import type { Directory, Dispute } from '../domain/types.ts';

/** One history entry as the export needs it. */
export interface SubjectHistoryEntry {
  seq: number; at: Date; actorId: string; platform: string; type: string; data: unknown; correctsSeq: number | null;
}

/** Everything held about one person: each dispute a search found, whole, with its history. */
export interface SubjectRecord {
  query: { kind: 'nhs-number' | 'case-number'; value: string };
  generatedAt: string;
  disputes: { dispute: Dispute; history: SubjectHistoryEntry[] }[];
}

const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function names(dir: Directory, date: (iso: string) => string): HistoryNames {
  return {
    person: (id) => dir.people.find((p) => p.id === id)?.name ?? id,
    organisation: (id) => dir.organisations.find((o) => o.id === id)?.name ?? id,
    date,
  };
}

/**
 * The export as JSON: the record exactly as the register holds it (texts in full, the NHS number unmasked: it is
 * the person's own), with each history entry's plain-English line beside its data.
 */
export function subjectJson(r: SubjectRecord, dir: Directory, date: (iso: string) => string): string {
  const n = names(dir, date);
  return `${JSON.stringify({
    kind: 'Section 117 register: subject access export',
    generatedAt: r.generatedAt,
    searchedBy: r.query.kind,
    identifier: r.query.value,
    disputes: r.disputes.map(({ dispute, history }) => ({
      ...dispute,
      history: history.map((h) => ({
        seq: h.seq, at: h.at.toISOString(), by: n.person(h.actorId), byId: h.actorId, platform: h.platform, type: h.type,
        correctsSeq: h.correctsSeq, text: historyText(h.type, h.data, dispute, n), data: h.data,
      })),
    })),
  }, null, 2)}\n`;
}

const row = (k: string, v: unknown) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`;
const words = (s: string) => s.toLowerCase().replace(/_/g, ' ');
const list = (items: string[], none: string) => `<ul>${items.join('') || `<li>${none}</li>`}</ul>`;
const dd = (label: string, v: string | null) => (v ? `<dt>${esc(label)}</dt><dd>${esc(v)}</dd>` : '');

function stageItem(s: Dispute['stages'][number], date: (iso: string) => string): string {
  const due = s.dueAt ? `, due ${date(s.dueAt)}` : '';
  const met = s.met === true ? ' (met)' : s.met === false ? ' (missed)' : '';
  const ended = s.endedAt ? `, ended ${date(s.endedAt)}${met}` : '';
  const why = s.escalationReason ? `. Escalated because: ${s.escalationReason}` : '';
  return `<li>${esc(`Stage ${s.stage}: started ${date(s.startedAt)}${due}${ended}${why}`)}</li>`;
}

function decisionItem(x: Dispute['decisions'][number], n: HistoryNames, date: (iso: string) => string): string {
  const head = `Decision ${x.seq} (Stage ${x.stage}, ${words(x.outcome)}, ${words(x.status)}), `
    + `proposed by ${n.person(x.proposedBy)} on ${date(x.proposedAt)}`;
  return `<li><p><strong>${esc(head)}</strong></p><p>${esc(x.summary)}</p><dl>`
    + dd('Assessed need', x.basisNeed) + dd('Statutory tests', x.basisTests) + dd('Risk', x.basisRisk) + dd('Funding', x.funding)
    + dd('Commissioning', x.commissioning) + dd('Interim funding', x.interimFunding)
    + dd('Joint assessment', x.assessment ? assessmentLines(x, (o) => n.organisation(o)).join(' ') : x.jointAssessment)
    + '</dl></li>';
}

function disputeSection(d: Dispute, history: SubjectHistoryEntry[], n: HistoryNames, date: (iso: string) => string): string {
  const parties = d.parties.map((p) => {
    const withdrew = p.withdrawnAt ? `, withdrew ${date(p.withdrawnAt)}` : '';
    return `${n.organisation(p.organisationId)} (${words(p.role)}${withdrew})`;
  });
  const letters = d.letters.map((l) => {
    const head = `Letter ${l.seq}, drafted ${date(l.draftedAt)}${l.sentAt ? `, sent ${date(l.sentAt)}` : ', not sent'}`;
    return `<li><p><strong>${esc(head)}</strong></p><pre>${esc(l.text)}</pre></li>`;
  });
  const steps = d.personSteps.map((s) => {
    const done = s.doneAt ? `done ${date(s.doneAt)} by ${n.person(s.doneBy ?? '')}` : 'not yet done';
    return `<li>${esc(`${words(s.step)}: ${done}${s.note ? `. ${s.note}` : ''}`)}</li>`;
  });
  const flags = d.flags.map((f) => `<li>${esc(`${words(f.code)} (${date(f.at)}): ${f.detail}`
    + `${f.resolution ? `. Resolved: ${f.resolution}` : ''}`)}</li>`);
  const hist = history.map((h) => {
    const what = `${historyText(h.type, h.data, d, n)}${h.correctsSeq ? ` (corrects entry ${h.correctsSeq})` : ''}`;
    const who = `${n.person(h.actorId)} (${h.platform})`;
    return `<tr><td>${h.seq}</td><td>${esc(date(h.at.toISOString()))}</td><td>${esc(who)}</td><td>${esc(what)}</td></tr>`;
  });
  const id = `h-${esc(d.reference)}`;
  return `<section aria-labelledby="${id}"><h2 id="${id}">${esc(d.reference)}</h2>`
    + '<table><caption>The dispute as recorded</caption><tbody>'
    + row('Status', d.status === 'OPEN' ? `open, Stage ${d.stage}` : `resolved ${d.resolvedAt ? date(d.resolvedAt) : ''}`)
    + row('NHS number', d.nhsNumber ?? 'not recorded') + row('Local case number', d.localCaseRef)
    + row('Raised', `${date(d.raisedAt)} by ${n.person(d.raisedById)}`) + row('Subjects', d.subjects.map(words).join(', '))
    + row('Cohort and setting', `${words(d.cohort)}, ${words(d.setting)}`)
    + row('Organisations', parties.join('; ')) + row('What the dispute is about', d.description) + row('Current care', d.currentCare)
    + row('Care continues during the dispute', d.careContinues ? 'yes' : 'no') + row('Outcome', d.outcome ?? 'none yet')
    + '</tbody></table>'
    + `<h3>Stages</h3>${list(d.stages.map((s) => stageItem(s, date)), 'None')}`
    + `<h3>Decisions</h3>${list(d.decisions.map((x) => decisionItem(x, n, date)), 'None')}`
    + `<h3>Letters to the person</h3>${list(letters, 'None')}`
    + `<h3>Involving the person</h3>${list(steps, 'None recorded')}`
    + `<h3>Flags</h3>${list(flags, 'None')}`
    + '<h3>History</h3><table><caption>Every change recorded, oldest first</caption>'
    + '<thead><tr><th scope="col">#</th><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th></tr></thead>'
    + `<tbody>${hist.join('')}</tbody></table></section>`;
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;line-height:1.5}',
  'table{border-collapse:collapse;width:100%;margin:.5rem 0}',
  'th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top}',
  'caption{text-align:left;font-weight:bold}pre{white-space:pre-wrap;font-family:inherit}',
].join('');

/** The export as one self-contained, readable HTML document (no scripts, no external files). */
export function subjectHtml(r: SubjectRecord, dir: Directory, date: (iso: string) => string): string {
  const n = names(dir, date);
  const by = r.query.kind === 'nhs-number' ? 'NHS number' : 'local case number';
  const body = r.disputes.length
    ? r.disputes.map(({ dispute, history }) => disputeSection(dispute, history, n, date)).join('\n')
    : `<p>The register holds no dispute with this ${by}.</p>`;
  return `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Subject access export: Section 117 register</title>
<style>${STYLE}</style>
</head><body><main>
<h1>Everything the Section 117 register holds about one person</h1>
<p>Found by ${esc(by)} <strong>${esc(r.query.value)}</strong>, on ${esc(date(r.generatedAt))}: ${r.disputes.length} dispute(s).</p>
${body}
</main></body></html>
`;
}
