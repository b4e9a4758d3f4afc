import type { BoardReport } from './board-report.ts';
import type { RegisterRow } from './register-export.ts';

/** R9.2: the figures the Partnership Board asks for, from register rows. */
export interface RegisterSummary {
  disputes: number;
  open: number;
  resolved: number;
  bySubject: Record<string, number>;
  byStageReached: Record<string, number>;
  byOutcome: Record<string, number>;
  /** Per stage: how many ended or timed out, and how many of those within the timescale. */
  timescales: Record<string, { decided: number; met: number }>;
  overdue: number;
  unlawfulGrounds: Record<string, number>;
  legalRiskSignals: Record<string, number>;
  themes: Record<string, number>;
}

const bump = (m: Record<string, number>, k: string, n = 1) => { m[k] = (m[k] ?? 0) + n; };

export function summarise(rows: RegisterRow[]): RegisterSummary {
  const s: RegisterSummary = {
    disputes: rows.length, open: 0, resolved: 0, bySubject: {}, byStageReached: {}, byOutcome: {}, timescales: {}, overdue: 0,
    unlawfulGrounds: {}, legalRiskSignals: {}, themes: {},
  };
  for (const r of rows) {
    if (r.status === 'OPEN') s.open++; else s.resolved++;
    for (const sub of r.subjects) bump(s.bySubject, sub);
    bump(s.byStageReached, `Stage ${r.stageReached}`);
    bump(s.byOutcome, r.status === 'OPEN' ? 'open' : (r.outcome?.split(':')[0] ?? 'resolved'));
    for (const st of r.stages) {
      if (st.met === null) continue;
      const t = (s.timescales[`Stage ${st.stage}`] ??= { decided: 0, met: 0 });
      t.decided++;
      if (st.met) t.met++;
    }
    if (r.overdue) s.overdue++;
    for (const g of r.unlawfulGrounds) bump(s.unlawfulGrounds, g);
    for (const code of ['STAGE_OVERDUE', 'CONTINUITY_ALERT', 'ENDING_WITHOUT_JOINT_ASSESSMENT', 'PERSON_NOT_INFORMED']) {
      if (r.flags[code]) bump(s.legalRiskSignals, code);
    }
    for (const t of r.themes) bump(s.themes, t);
  }
  return s;
}

/**
 * R9.2: the summary the CLI prints, taken from the Board report's figures for
 * the same period, so `s117 register summary` and `s117 report` always agree.
 */
export function summaryOfReport(r: BoardReport): RegisterSummary & { period: BoardReport['period'] } {
  const rec = <T>(items: T[], key: (t: T) => string, n: (t: T) => number) => Object.fromEntries(items.map((i) => [key(i), n(i)]));
  return {
    period: r.period,
    disputes: r.opened,
    open: r.openAtEnd,
    resolved: r.closed,
    bySubject: rec(r.bySubject, (s) => s.subject, (s) => s.count),
    byStageReached: rec(r.byStageReached.filter((s) => s.count), (s) => `Stage ${s.stage}`, (s) => s.count),
    byOutcome: rec(r.byOutcome, (o) => o.outcome, (o) => o.count),
    timescales: Object.fromEntries(
      r.timescales.filter((t) => t.decided).map((t) => [`Stage ${t.stage}`, { decided: t.decided, met: t.met }]),
    ),
    overdue: r.overdue.length,
    unlawfulGrounds: rec(r.unlawfulGrounds, (g) => g.ground, (g) => g.count),
    legalRiskSignals: rec(r.legalRisk.filter((l) => l.count), (l) => l.code, (l) => l.count),
    themes: rec(r.themes, (t) => t.theme, (t) => t.count),
  };
}
