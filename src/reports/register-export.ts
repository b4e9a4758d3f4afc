import { cleanText } from '../domain/text-hygiene.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { overdueStage, stageMark } from '../domain/overdue.ts';
import type { Directory, Dispute, StageInstance } from '../domain/types.ts';
import { COHORT_TEXT, SETTING_TEXT, SUBJECT_TEXT } from '../domain/texts.ts';

/** R9.1: one row per dispute. The NHS number is never exported; the local case reference is. */
export interface RegisterRow {
  reference: string;
  status: string;
  raisedAt: string;
  raisedOn: string;
  subjects: string[];
  cohort: string;
  setting: string;
  parties: { organisation: string; kind: string; role: string }[];
  stageReached: number;
  overdue: boolean;
  stages: { stage: number; start: string; due: string | null; end: string | null; met: boolean | null; endReason: string | null }[];
  outcome: string | null;
  resolvedAt: string | null;
  flags: Record<string, number>;
  unlawfulGrounds: string[];
  themes: string[];
  personSteps: Record<string, boolean>;
}

/** `now`: when the figures are taken (R9.2: overdue is the same test everywhere); without it, as the last sweep left it. */
export function registerRow(d: Dispute, dir: Directory, now?: Date): RegisterRow {
  const org = (id: string) => dir.organisations.find((o) => o.id === id);
  const flags: Record<string, number> = {};
  for (const f of d.flags) flags[f.code] = (flags[f.code] ?? 0) + 1;
  return {
    reference: d.reference,
    status: d.status,
    raisedAt: d.raisedAt,
    raisedOn: d.raisedOn,
    subjects: d.subjects,
    cohort: d.cohort,
    setting: d.setting,
    parties: d.parties.map((p) => ({ organisation: org(p.organisationId)?.name ?? p.organisationId, kind: org(p.organisationId)?.kind ?? 'OTHER', role: p.role })),
    stageReached: Math.max(...d.stages.map((s) => s.stage), d.stage),
    overdue: now ? Boolean(overdueStage(d, now)) : d.status === 'OPEN' && d.overdue,
    stages: d.stages.map((s) => ({ stage: s.stage, start: s.startedAt, due: s.dueAt, end: s.endedAt, met: s.met, endReason: s.endReason })),
    outcome: d.outcome,
    resolvedAt: d.resolvedAt,
    flags,
    unlawfulGrounds: [...new Set(d.flags.filter((f) => f.ground).map((f) => f.ground!))],
    themes: d.themes.map((t) => t.theme),
    personSteps: Object.fromEntries(d.personSteps.map((p) => [p.step, Boolean(p.doneAt)])),
  };
}

/** Whether a dispute was raised within [from, to] (local dates, inclusive). */
export function raisedWithin(d: Dispute, cal: WorkingCalendar, from?: string, to?: string): boolean {
  const day = cal.localDate(new Date(d.raisedAt));
  return (!from || day >= from) && (!to || day <= to);
}

// Spreadsheets run cells that start with these as formulas: neutralise them.
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  // Full-width forms too: spreadsheets fold ＝＋－＠ to their ASCII twins.
  if (/^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(s)) s = `'${s}`;
  s = cleanText(s);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** R9.1: a stage left by escalation (early, joint or external) is "escalated", never "met"; an absent stage, blank. */
const met = (m: boolean | null | undefined, end?: string | null, reason?: string | null) =>
  (m === undefined ? '' : stageMark({ met: m, endedAt: end ?? null, endReason: (reason ?? null) as StageInstance['endReason'] }) ?? '');

/**
 * The register as CSV. `at` writes each instant; the CLI passes the
 * partnership's local time, which is what a spreadsheet reader expects.
 */
export function toCsv(rows: RegisterRow[], at: (iso: string) => string = (iso) => iso): string {
  const when = (iso: string | null | undefined) => (iso ? at(iso) : '');
  const header = [
    'reference', 'status', 'raised_at', 'raised_on', 'subjects', 'cohort', 'setting', 'parties', 'stage_reached', 'overdue',
    ...[1, 2, 3, 4].flatMap((n) => [`stage${n}_start`, `stage${n}_due`, `stage${n}_end`, `stage${n}_timescale`]),
    'outcome', 'resolved_at', 'flags', 'unlawful_grounds', 'themes', 'person_informed', 'person_reassured', 'outcome_explained', 'advocacy_offered',
  ];
  const lines = [header.join(',')];
  for (const r of rows) {
    const stage = (n: number) => r.stages.find((s) => s.stage === n);
    lines.push([
      r.reference, r.status, when(r.raisedAt), r.raisedOn, r.subjects.map((s) => SUBJECT_TEXT[s as keyof typeof SUBJECT_TEXT] ?? s).join('; '),
      COHORT_TEXT[r.cohort as keyof typeof COHORT_TEXT] ?? r.cohort, SETTING_TEXT[r.setting as keyof typeof SETTING_TEXT] ?? r.setting,
      r.parties.map((p) => `${p.organisation} (${p.role.toLowerCase()})`).join('; '), r.stageReached, r.overdue ? 'yes' : 'no',
      ...[1, 2, 3, 4].flatMap((n) => {
        const s = stage(n);
        return [when(s?.start), when(s?.due), when(s?.end), met(s?.met, s?.end, s?.endReason)];
      }),
      r.outcome ?? '', when(r.resolvedAt), Object.entries(r.flags).map(([k, v]) => `${k}:${v}`).join('; '), r.unlawfulGrounds.join('; '),
      r.themes.join('; '), ...['INFORMED', 'REASSURED', 'EXPLAINED', 'ADVOCACY_OFFERED'].map((k) => (r.personSteps[k] ? 'yes' : 'no')),
    ].map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}
