import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { FLAG_TEXT, LEARNING_AREA_TEXT, OUTCOME_TEXT, PERSON_STEP_TEXT, SUBJECT_TEXT } from '../domain/texts.ts';
import { type Directory, type Dispute, type FlagCode, LEARNING_AREAS, type LearningArea, type PersonStepKey, type Subject, type UnlawfulGround } from '../domain/types.ts';
import { GROUND_TEXT } from '../domain/unlawful-grounds.ts';
import { overdueStage } from '../domain/overdue.ts';
import { csvCell } from './register-export.ts';
import { assertRange, MAX_YEAR, MIN_YEAR, parseFullRange } from '../domain/date-input.ts';

/** A period of local dates, inclusive. */
export interface Period { from: string; to: string }

export interface BoardReport {
  period: Period;
  partnership: string;
  opened: number;
  closed: number;
  openAtEnd: number;
  bySubject: { subject: string; label: string; count: number }[];
  byOrganisation: { organisation: string; count: number }[];
  byStageReached: { stage: number; count: number }[];
  byOutcome: { outcome: string; count: number }[];
  /** Stages that ended or timed out in the period. */
  timescales: { stage: number; decided: number; met: number; percent: number | null; medianWorkingDays: number | null }[];
  overdue: { reference: string; stage: number; dueAt: string }[];
  unlawfulGrounds: { ground: string; label: string; count: number }[];
  legalRisk: { code: FlagCode; label: string; count: number }[];
  personInvolvement: { step: PersonStepKey; label: string; done: number; of: number }[];
  themes: { theme: string; count: number }[];
  themesByArea: { area: LearningArea | null; label: string; themes: { theme: string; count: number }[] }[];
  monthly: { month: string; opened: number; closed: number }[];
  changes: string[];
}

const inPeriod = (day: string, p: Period) => day >= p.from && day <= p.to;
const tally = <K extends string>(items: K[]) => {
  const m = new Map<K, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
};
function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The last full quarter before `today` (Jan–Mar, Apr–Jun, Jul–Sep, Oct–Dec). */
export function lastQuarter(today: string): Period {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const q = Math.floor((m - 1) / 3);
  const year = q === 0 ? y - 1 : y;
  const startMonth = q === 0 ? 10 : (q - 1) * 3 + 1;
  const endMonth = startMonth + 2;
  const last = new Date(Date.UTC(year, endMonth, 0)).getUTCDate();
  return { from: `${year}-${String(startMonth).padStart(2, '0')}-01`, to: `${year}-${String(endMonth).padStart(2, '0')}-${String(last).padStart(2, '0')}` };
}

/** The period of the same length just before `p`. */
export function previousPeriod(p: Period): Period {
  const from = new Date(`${p.from}T00:00:00Z`);
  const to = new Date(`${p.to}T00:00:00Z`);
  const days = Math.round((to.getTime() - from.getTime()) / 86_400_000) + 1;
  const prevTo = new Date(from.getTime() - 86_400_000);
  const prevFrom = new Date(prevTo.getTime() - (days - 1) * 86_400_000);
  return { from: prevFrom.toISOString().slice(0, 10), to: prevTo.toISOString().slice(0, 10) };
}

function figures(all: Dispute[], p: Period, cal: WorkingCalendar, dir: Directory, now: Date): Omit<BoardReport, 'changes' | 'partnership'> {
  const day = (iso: string) => cal.localDate(new Date(iso));
  const endInstant = now.getTime();
  const opened = all.filter((d) => inPeriod(day(d.raisedAt), p));
  const closed = all.filter((d) => d.resolvedAt && inPeriod(day(d.resolvedAt), p));
  const raisedByEnd = all.filter((d) => day(d.raisedAt) <= p.to);
  const openAtEnd = raisedByEnd.filter((d) => !d.resolvedAt || day(d.resolvedAt) > p.to);
  // Stages decided in the period: ended, or timed out, on a day inside it.
  const stageRows = all.flatMap((d) => d.stages.map((s) => ({ d, s }))).filter(({ s }) => {
    // A Stage 3 that timed out is decided then, not when it is later left: the period it missed in keeps it.
    const at = s.timedOutAt ?? s.endedAt;
    return at && s.met !== null && inPeriod(day(at), p);
  });
  const timescales = [1, 2, 3].map((stage) => {
    const rows = stageRows.filter((r) => r.s.stage === stage);
    const met = rows.filter((r) => r.s.met).length;
    const ended = all.flatMap((d) => d.stages).filter((s) => s.stage === stage && s.endedAt && inPeriod(day(s.endedAt), p));
    return {
      stage, decided: rows.length, met, percent: rows.length ? Math.round((met / rows.length) * 100) : null,
      medianWorkingDays: median(ended.map((s) => cal.workingDaysBetween(new Date(s.startedAt), new Date(s.endedAt!)))),
    };
  });
  // R9.2: the one test of "overdue" (domain/overdue.ts), taken at the end of the period or now, whichever is first.
  // The period ends at local midnight after its last day (Europe/London, as every day in the report is read).
  const periodEnd = cal.startOfDay(new Date(Date.parse(`${p.to}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10)).getTime() - 1;
  const at = new Date(Math.min(endInstant, periodEnd));
  const overdue = openAtEnd.flatMap((d) => {
    const o = overdueStage(d, at);
    return o ? [{ reference: d.reference, ...o }] : [];
  });
  // R9.2: figures count disputes, not flags: a dispute flagged twice for the same thing counts once.
  const disputesWith = (test: (f: Dispute['flags'][number]) => boolean) => all.filter((d) => d.flags.some((f) => inPeriod(day(f.at), p) && test(f))).length;
  const orgName = (id: string) => dir.organisations.find((o) => o.id === id)?.name ?? id;
  const months = new Map<string, { opened: number; closed: number }>();
  for (let m = p.from.slice(0, 7); m <= p.to.slice(0, 7);) {
    months.set(m, { opened: 0, closed: 0 });
    const [y, mo] = m.split('-').map(Number) as [number, number];
    m = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  }
  for (const d of opened) months.get(day(d.raisedAt).slice(0, 7))!.opened++;
  for (const d of closed) months.get(day(d.resolvedAt!).slice(0, 7))!.closed++;
  const stepsOf = opened.flatMap((d) => d.personSteps);
  return {
    period: p,
    opened: opened.length,
    closed: closed.length,
    openAtEnd: openAtEnd.length,
    bySubject: tally(opened.flatMap((d) => d.subjects)).map(([subject, count]) => ({ subject, label: SUBJECT_TEXT[subject as Subject], count })),
    byOrganisation: tally(opened.flatMap((d) => d.parties.map((x) => orgName(x.organisationId)))).map(([organisation, count]) => ({ organisation, count })),
    byStageReached: [1, 2, 3, 4].map((stage) => ({ stage, count: opened.filter((d) => Math.max(...d.stages.map((s) => s.stage)) === stage).length })),
    byOutcome: tally(closed.map((d) => {
      const dec = [...d.decisions].reverse().find((x) => x.status === 'CONFIRMED');
      return dec ? OUTCOME_TEXT[dec.outcome] : 'Resolved';
    })).map(([outcome, count]) => ({ outcome, count })),
    timescales,
    overdue,
    unlawfulGrounds: (Object.keys(GROUND_TEXT) as UnlawfulGround[])
      .map((ground) => ({ ground, label: GROUND_TEXT[ground], count: disputesWith((f) => f.code === 'UNLAWFUL_GROUND' && f.ground === ground) }))
      .filter((g) => g.count > 0).sort((a, b) => b.count - a.count),
    legalRisk: (['STAGE_OVERDUE', 'CONTINUITY_ALERT', 'ENDING_WITHOUT_JOINT_ASSESSMENT', 'PERSON_NOT_INFORMED'] as FlagCode[])
      .map((code) => ({ code, label: FLAG_TEXT[code], count: disputesWith((f) => f.code === code) })),
    personInvolvement: (['INFORMED', 'REASSURED', 'EXPLAINED', 'ADVOCACY_OFFERED'] as PersonStepKey[]).map((step) => {
      const relevant = stepsOf.filter((s) => s.step === step && (step !== 'EXPLAINED' || s.dueAt));
      return { step, label: PERSON_STEP_TEXT[step], done: relevant.filter((s) => s.doneAt).length, of: relevant.length };
    }),
    themes: tally(opened.flatMap((d) => d.themes.map((t) => t.theme))).map(([theme, count]) => ({ theme, count })),
    // R9.3: themes grouped under the learning areas they are filed in (a theme may sit in several).
    themesByArea: [...LEARNING_AREAS, null].map((area) => ({
      area, label: area ? LEARNING_AREA_TEXT[area] : 'Not yet filed under a learning area',
      themes: tally(opened.flatMap((d) => d.themes.filter((t) => (area ? t.areas.includes(area) : !t.areas.length)).map((t) => t.theme)))
        .map(([theme, count]) => ({ theme, count })),
    })).filter((g) => g.themes.length),
    monthly: [...months].map(([month, v]) => ({ month, ...v })),
  };
}

/** R9.2: the Partnership Board report for a period, with what changed since the period before. */
export function boardReport(all: Dispute[], p: Period, cal: WorkingCalendar, dir: Directory, now: Date): BoardReport {
  // Bounded work whatever the caller passes: a real, short period or nothing.
  assertRange(p);
  const cur = figures(all, p, cal, dir, now);
  const prev = figures(all, previousPeriod(p), cal, dir, now);
  const changes: string[] = [];
  const diff = (label: string, a: number, b: number) => {
    if (a !== b) changes.push(`${label}: ${a} (${a > b ? 'up' : 'down'} from ${b} in the previous period)`);
  };
  diff('Disputes opened', cur.opened, prev.opened);
  diff('Disputes closed', cur.closed, prev.closed);
  diff('Open at the end of the period', cur.openAtEnd, prev.openAtEnd);
  for (const t of cur.timescales) {
    const before = prev.timescales.find((x) => x.stage === t.stage)!;
    if (t.percent !== null && before.percent !== null && t.percent !== before.percent) {
      changes.push(`Stage ${t.stage} within timescale: ${t.percent}% (${t.percent > before.percent ? 'up' : 'down'} from ${before.percent}%)`);
    }
  }
  const grounds = (r: typeof cur) => r.unlawfulGrounds.reduce((n, g) => n + g.count, 0);
  diff('Unlawful-ground flags', grounds(cur), grounds(prev));
  for (const t of cur.themes) if (!prev.themes.some((x) => x.theme === t.theme)) changes.push(`New theme: ${t.theme} (${t.count})`);
  if (!changes.length) changes.push('No change in the headline figures since the previous period.');
  return { ...cur, partnership: dir.partnership, changes };
}

/** The report's figures as CSV rows: section, item, value. */
export function reportCsv(r: BoardReport): string {
  const rows: (string | number)[][] = [['section', 'item', 'value']];
  rows.push(['period', 'from', r.period.from], ['period', 'to', r.period.to], ['disputes', 'opened', r.opened], ['disputes', 'closed', r.closed], ['disputes', 'open at end', r.openAtEnd]);
  for (const s of r.bySubject) rows.push(['by subject', s.label, s.count]);
  for (const o of r.byOrganisation) rows.push(['by organisation', o.organisation, o.count]);
  for (const s of r.byStageReached) rows.push(['by stage reached', `Stage ${s.stage}`, s.count]);
  for (const o of r.byOutcome) rows.push(['by outcome', o.outcome, o.count]);
  for (const t of r.timescales) {
    rows.push(['within timescale', `Stage ${t.stage} met`, t.met], ['within timescale', `Stage ${t.stage} decided`, t.decided]);
    rows.push(['within timescale', `Stage ${t.stage} percent`, t.percent ?? ''], ['median working days', `Stage ${t.stage}`, t.medianWorkingDays ?? '']);
  }
  for (const o of r.overdue) rows.push(['overdue', o.reference, `Stage ${o.stage}, due ${o.dueAt}`]);
  for (const g of r.unlawfulGrounds) rows.push(['unlawful grounds (R4.1)', g.label, g.count]);
  for (const l of r.legalRisk) rows.push(['legal-risk signals (R10.1)', l.label, l.count]);
  for (const p of r.personInvolvement) rows.push(['person involvement', p.label, `${p.done} of ${p.of}`]);
  for (const t of r.themes) rows.push(['themes', t.theme, t.count]);
  for (const m of r.monthly) rows.push(['monthly', `${m.month} opened`, m.opened], ['monthly', `${m.month} closed`, m.closed]);
  for (const c of r.changes) rows.push(['changes', '', c]);
  return `${rows.map((r2) => r2.map(csvCell).join(',')).join('\n')}\n`;
}

/**
 * A period typed in chat: nothing (the last full quarter), `2026-Q3`,
 * `2026-09`, or two dates (`2026-07-01 2026-09-30`, "to" optional).
 */
export function parsePeriod(text: string, today: string): Period | { error: string } {
  const t = text.trim();
  if (!t) return lastQuarter(today);
  const yearOk = (y: number) => y >= MIN_YEAR && y <= MAX_YEAR;
  const q = /^(\d{4})-?Q([1-4])$/i.exec(t);
  if (q && yearOk(Number(q[1]))) {
    const start = (Number(q[2]) - 1) * 3 + 1;
    const last = new Date(Date.UTC(Number(q[1]), start + 2, 0)).getUTCDate();
    return { from: `${q[1]}-${String(start).padStart(2, '0')}-01`, to: `${q[1]}-${String(start + 2).padStart(2, '0')}-${last}` };
  }
  const m = /^(\d{4})-(\d{2})$/.exec(t);
  if (m && yearOk(Number(m[1])) && Number(m[2]) >= 1 && Number(m[2]) <= 12) {
    const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate();
    return { from: `${t}-01`, to: `${t}-${last}` };
  }
  const d = /^(\d\S*)\s+(?:to\s+)?(\d\S*)$/i.exec(t);
  if (d) {
    const r = parseFullRange(d[1], d[2]);
    return r.ok ? r.value : { error: r.error };
  }
  if (q || m) return { error: `"${t}" is out of range. Use a year from ${MIN_YEAR} to ${MAX_YEAR}, like 2026-Q3 or 2026-09.` };
  return { error: `"${t}" is not a period. Use 2026-Q3, 2026-09, or two dates like 2026-07-01 2026-09-30 (nothing means the last full quarter).` };
}
