import type { ListRow } from '../app/dispute-list.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { COHORT_TEXT, FLAG_TEXT, SETTING_TEXT, SUBJECT_TEXT } from '../domain/texts.ts';
import type { Directory, FlagCode, Subject } from '../domain/types.ts';
import { csvCell } from '../reports/register-export.ts';

// What the register's list says about each dispute beyond the stored
// columns: how late it is, in working days, and what has to happen next.

/** Working days past the current stage's deadline; null when open and not late, or resolved. */
export function overdueBy(cal: WorkingCalendar, r: ListRow, now: Date): number | null {
  if (r.status !== 'OPEN' || !r.dueAt || r.dueAt.getTime() >= now.getTime()) return null;
  return cal.workingDaysBetween(r.dueAt, now);
}

/** The next step, in a few words, for the people on the dispute. */
export function nextAction(r: ListRow, late: boolean): string {
  if (r.status !== 'OPEN') return 'None: resolved';
  if (r.pendingDecision) return `Every party confirms decision ${r.pendingDecision}`;
  if (r.stage === 4) return 'Follow up the external escalation; care continues meanwhile';
  if (r.stage === 3) {
    return late
      ? 'Senior officers: a written decision now, or escalate externally'
      : 'Senior officers: agree a written decision with funding and commissioning';
  }
  return late
    ? `Stage ${r.stage} deadline passed: it escalates at the next sweep`
    : `Agree at Stage ${r.stage} and propose the decision for confirmation`;
}

const HEADER = [
  'reference', 'status', 'stage', 'subjects', 'parties', 'cohort', 'setting', 'raised', 'deadline', 'overdue_working_days', 'next_action',
  'outcome', 'flags', 'themes',
];

/** The filtered list as CSV (dates in the partnership's time zone). */
export function listCsv(cal: WorkingCalendar, dir: Directory, rows: ListRow[], now: Date): string {
  const org = (id: string) => dir.organisations.find((o) => o.id === id)?.name ?? id;
  const lines = [HEADER.join(',')];
  for (const r of rows) {
    const late = overdueBy(cal, r, now);
    lines.push([
      r.reference, r.status, r.stage,
      r.subjects.map((s) => SUBJECT_TEXT[s as Subject] ?? s).join('; '), (r.parties ?? []).map(org).join('; '),
      COHORT_TEXT[r.cohort as keyof typeof COHORT_TEXT] ?? r.cohort, SETTING_TEXT[r.setting as keyof typeof SETTING_TEXT] ?? r.setting,
      cal.localDate(new Date(r.raisedAt)), r.status === 'OPEN' && r.dueAt ? cal.localDate(new Date(r.dueAt)) : '',
      late ?? '', nextAction(r, late !== null),
      r.outcome ?? '', (r.flags ?? []).map((c) => FLAG_TEXT[c as FlagCode] ?? c).join('; '), (r.themes ?? []).join('; '),
    ].map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}
