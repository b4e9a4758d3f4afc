import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { boardReport, type BoardReport, type Period } from '../reports/board-report.ts';
import type { DisputeService } from './dispute-service.ts';
import type { DisputeStore } from './dispute-store.ts';
import type { Effect, Message } from '../domain/effects.ts';

/** The calendar month before the one `today` is in. */
export function previousMonth(today: string): Period {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const year = m === 1 ? y - 1 : y;
  const month = m === 1 ? 12 : m - 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const mm = String(month).padStart(2, '0');
  return { from: `${year}-${mm}-01`, to: `${year}-${mm}-${String(last).padStart(2, '0')}` };
}

/** The headline of a Board report, for chat. */
export function reportMessage(r: BoardReport, link: string | null): Message {
  const pct = (n: number | null) => (n === null ? 'none decided' : `${n}%`);
  return {
    title: `Section 117 disputes: ${r.period.from} to ${r.period.to}`,
    lines: [
      `Opened ${r.opened}, closed ${r.closed}, open at the end ${r.openAtEnd}, overdue ${r.overdue.length}.`,
      `Within timescale: ${r.timescales.map((t) => `Stage ${t.stage} ${pct(t.percent)} (${t.met} of ${t.decided})`).join('; ')}.`,
      `Grounds that are not lawful reasons for delay flagged: ${r.unlawfulGrounds.reduce((n, g) => n + g.count, 0)}. `
        + `Legal-risk signals: ${r.legalRisk.map((l) => `${l.label.toLowerCase()} ${l.count}`).join('; ')}.`,
      ...(r.themes.length ? [`Themes: ${r.themes.slice(0, 6).map((t) => `${t.theme} (${t.count})`).join(', ')}.`] : []),
      ...r.changes.slice(0, 4),
      ...(link ? [`The full report, with charts: ${link}/register/report?from=${r.period.from}&to=${r.period.to}`] : []),
    ],
    mentions: [],
  };
}

/**
 * On the first working day of each month, in working hours, the previous
 * month's report goes to the governance contacts once (the outbox key is the
 * month, so several replicas or restarts send it once).
 */
export async function sendMonthlyReportIfDue(
  store: Pick<DisputeStore, 'hasQueued' | 'enqueueOnce'>, service: DisputeService, cal: WorkingCalendar, now: Date,
  publicUrl: string | null,
): Promise<boolean> {
  const today = cal.localDate(now);
  const first = `${today.slice(0, 8)}01`;
  const firstWorking = cal.isWorkingDay(first) ? first : cal.addWorkingDaysToDate(first, 1);
  if (today !== firstWorking || !cal.isWorkingHours(now)) return false;
  const key = `report:${today.slice(0, 7)}`;
  if (await store.hasQueued(key)) return false;
  const report = boardReport(await service.all(), previousMonth(today), cal, service.directory(), now);
  const effect: Effect = { kind: 'GOVERNANCE', message: reportMessage(report, publicUrl), notBefore: now.toISOString() };
  return store.enqueueOnce(key, effect, now);
}
