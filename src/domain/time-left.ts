import type { WorkingCalendar } from '../calendar/working-calendar.ts';

/**
 * R0.5: a deadline as the time left in working days, never the stage's length:
 * "3 working days left (due Tuesday 9 December, 5pm)", "due today at 5pm",
 * "overdue by 2 working days (was due …)".
 */
export function timeLeftText(cal: WorkingCalendar, due: Date, now: Date): string {
  const when = cal.describe(due);
  if (now.getTime() > due.getTime()) {
    const n = cal.workingDaysBetween(due, now);
    return n === 0 ? `overdue since ${when}` : `overdue by ${n} working day${n === 1 ? '' : 's'} (was due ${when})`;
  }
  if (cal.localDate(now) === cal.localDate(due)) return `due today at ${when.split(', ').pop()}`;
  const n = cal.workingDaysBetween(now, due);
  return `${n} working day${n === 1 ? '' : 's'} left (due ${when})`;
}
