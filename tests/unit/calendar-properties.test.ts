import fc from 'fast-check';
import { WorkingCalendar } from '../../src/calendar/working-calendar.ts';

// Properties of the working calendar over random starts (2026–2030, any minute)
// and random partnership closure days.
const cal = new WorkingCalendar({ extraClosures: ['2027-02-15', '2028-08-01'] });
const FROM = Date.parse('2026-01-01T00:00:00Z');
const TO = Date.parse('2030-12-31T00:00:00Z');
const instant = fc.integer({ min: FROM / 60_000, max: TO / 60_000 }).map((m) => new Date(m * 60_000));
const days = fc.integer({ min: 0, max: 40 });
const RUNS = { numRuns: 100 };

describe('working calendar properties', () => {
  it('[R0.2] deadlines are monotonic in N: more working days is never earlier, and one more is always later', () => {
    fc.assert(fc.property(instant, days, (start, n) => {
      expect(cal.deadline(start, n + 1).getTime()).toBeGreaterThan(cal.deadline(start, n).getTime());
    }), RUNS);
  });

  it('[R0.1] a deadline never falls on a weekend, bank holiday or partnership closure day (N ≥ 1)', () => {
    fc.assert(fc.property(instant, fc.integer({ min: 1, max: 40 }), (start, n) => {
      const date = cal.localDate(cal.deadline(start, n));
      expect(cal.closureReason(date)).toBeNull();
      expect(cal.isWorkingDay(date)).toBe(true);
    }), RUNS);
  });

  it('[R0.2] adding working days one at a time equals adding them at once', () => {
    fc.assert(fc.property(instant, days, (start, n) => {
      let d = cal.localDate(start);
      for (let i = 0; i < n; i++) d = cal.addWorkingDaysToDate(d, 1);
      expect(d).toBe(cal.addWorkingDaysToDate(cal.localDate(start), n));
    }), RUNS);
  });

  it('[R0.2] counting back agrees: there are exactly N working days after the start up to the deadline', () => {
    fc.assert(fc.property(instant, fc.integer({ min: 1, max: 40 }), (start, n) => {
      expect(cal.workingDaysBetween(start, cal.deadline(start, n))).toBe(n);
    }), RUNS);
  });

  it('[R0.2] in clock-change weeks the deadline is still 17:00 London time (16:00 UTC in summer, 17:00 in winter)', () => {
    // Starts in the weeks around the last Sundays of March and October, 2026–2030.
    const changeWeeks = ['2026-03-23', '2026-10-19', '2027-03-22', '2027-10-25', '2028-03-20', '2028-10-23', '2029-03-19', '2029-10-22', '2030-03-25', '2030-10-21'];
    fc.assert(fc.property(fc.constantFrom(...changeWeeks), fc.integer({ min: 0, max: 7 * 24 * 60 - 1 }), fc.integer({ min: 1, max: 10 }), (week, minutes, n) => {
      const start = new Date(Date.parse(`${week}T00:00:00Z`) + minutes * 60_000);
      const due = cal.deadline(start, n);
      const london = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(due);
      expect(london).toBe('17:00');
      expect([16, 17]).toContain(due.getUTCHours());
    }), RUNS);
  });

  it('[R0.4] the next working moment is never earlier than now and always inside working hours', () => {
    fc.assert(fc.property(instant, (at) => {
      const next = cal.nextWorkingMoment(at);
      expect(next.getTime()).toBeGreaterThanOrEqual(at.getTime());
      expect(cal.isWorkingHours(next)).toBe(true);
    }), RUNS);
  });
});
