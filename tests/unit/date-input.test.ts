import { assertRange, checkRange, parseDate, parseFullRange, parseRange } from '../../src/domain/date-input.ts';
import { boardReport, parsePeriod } from '../../src/reports/board-report.ts';
import { WorkingCalendar } from '../../src/calendar/working-calendar.ts';
import { DomainError } from '../../src/domain/errors.ts';

describe('one parser for every date a person types', () => {
  it('accepts real calendar dates, including 29 February in a leap year', () => {
    expect(parseDate('from', '2026-04-01')).toEqual({ ok: true, value: '2026-04-01' });
    expect(parseDate('from', ' 2028-02-29 ')).toEqual({ ok: true, value: '2028-02-29' });
  });

  it.each([
    ['2026-13-01', /from: 2026-13-01 has no month 13/],
    ['2026-00-10', /has no month 0/],
    ['2026-02-30', /not a real date: February 2026 has 28 days/],
    ['2026-13-45', /no month 13/],
    ['2026-04-31', /April 2026 has 30 days/],
    ['1000-01-01', /out of range\. Use a year from 2000 to 2100/],
    ['9999-12-31', /out of range/],
    ['2026-4-1', /is not a date\. Write it like 2026-04-01/],
    ['\u0000', /is not a date/],
  ])('refuses %j, naming the field', (raw, message) => {
    const r = parseDate('from', raw);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(message);
    expect(!r.ok && r.error).toMatch(/^from: /);
  });

  it('bounds a range to five years and puts the earlier date first', () => {
    expect(checkRange({ from: '2021-01-01', to: '2025-12-31' })).toBeNull();
    expect(checkRange({ from: '2021-01-01', to: '2026-01-01' })).toMatch(/^to: the period 2021-01-01 to 2026-01-01 is longer than 5 years/);
    expect(checkRange({ from: '2026-05-01', to: '2026-04-01' })).toMatch(/^from: 2026-05-01 is after to 2026-04-01/);
    expect(parseRange('2026-01-01', undefined)).toEqual({ ok: true, value: { from: '2026-01-01' } });
    expect(parseFullRange('2026-01-01', null)).toEqual({ ok: false, error: expect.stringMatching(/^to: give both dates/) });
    expect(() => assertRange({ from: '1000-01-01', to: '9999-12-31' })).toThrow(DomainError);
  });

  it('chat periods go through the same checks', () => {
    expect(parsePeriod('2026-Q3', '2026-12-07')).toEqual({ from: '2026-07-01', to: '2026-09-30' });
    expect(parsePeriod('2026-02', '2026-12-07')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(parsePeriod('1000-01-01 9999-12-31', '2026-12-07')).toEqual({ error: expect.stringMatching(/from: 1000-01-01 is out of range/) });
    expect(parsePeriod('2026-13-01 2027-01-01', '2026-12-07')).toEqual({ error: expect.stringMatching(/no month 13/) });
    expect(parsePeriod('2020-01-01 to 2026-01-01', '2026-12-07')).toEqual({ error: expect.stringMatching(/longer than 5 years/) });
    expect(parsePeriod('9999-Q1', '2026-12-07')).toEqual({ error: expect.stringMatching(/out of range/) });
  });

  it('the report builder itself refuses an unchecked period at once instead of looping', () => {
    const cal = new WorkingCalendar();
    const dir = { partnership: 'x', organisations: [], people: [] } as never;
    expect(() => boardReport([], { from: '2026-13-01', to: '2027-01-01' }, cal, dir, new Date('2026-12-07T10:00:00Z'))).toThrow(/no month 13/);
    expect(() => boardReport([], { from: '1000-01-01', to: '9999-12-31' }, cal, dir, new Date('2026-12-07T10:00:00Z'))).toThrow(/out of range/);
  });

  it('refuses text around a date, echoing what was typed with control characters masked and long input cut at 40 characters', () => {
    const notADate = (shown: string) => ({ ok: false, error: `from: "${shown}" is not a date. Write it like 2026-04-01 (year-month-day).` });
    expect(parseDate('from', 'x2026-04-01')).toEqual(notADate('x2026-04-01'));
    expect(parseDate('from', '2026-04-01x')).toEqual(notADate('2026-04-01x'));
    expect(parseDate('from', '\u0000to\u202Eday\u0007')).toEqual(notADate('?to?day?'));
    expect(parseDate('from', 'a'.repeat(40))).toEqual(notADate('a'.repeat(40)));
    expect(parseDate('from', `${'b'.repeat(40)}c`)).toEqual(notADate(`${'b'.repeat(40)}…`));
  });

  it('names the month and its length when the day does not exist, and accepts every year from 2000 to 2100', () => {
    const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
    const days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    months.forEach((name, i) => {
      const iso = `2027-${String(i + 1).padStart(2, '0')}-32`;
      expect(parseDate('Raised from', iso)).toEqual({ ok: false, error: `Raised from: ${iso} is not a real date: ${name} 2027 has ${days[i]} days.` });
    });
    expect(parseDate('from', '2026-04-00')).toEqual({ ok: false, error: 'from: 2026-04-00 is not a real date: April 2026 has 30 days.' });
    expect(parseDate('from', '2000-01-01')).toEqual({ ok: true, value: '2000-01-01' });
    expect(parseDate('from', '2100-12-31')).toEqual({ ok: true, value: '2100-12-31' });
    expect(parseDate('--to', '1999-12-31')).toEqual({ ok: false, error: '--to: 1999-12-31 is out of range. Use a year from 2000 to 2100.' });
    expect(parseDate('--to', '2101-01-01')).toEqual({ ok: false, error: '--to: 2101-01-01 is out of range. Use a year from 2000 to 2100.' });
  });

  it('takes a one-day range, either end alone, and names the default fields in its refusals', () => {
    expect(checkRange({ from: '2026-04-01', to: '2026-04-01' })).toBeNull();
    expect(parseRange(undefined, '2026-01-01')).toEqual({ ok: true, value: { to: '2026-01-01' } });
    expect(parseRange('', null)).toEqual({ ok: true, value: {} });
    expect(parseRange('2026-13-01', undefined)).toEqual({ ok: false, error: 'from: 2026-13-01 has no month 13. Months run from 01 to 12.' });
    expect(parseRange('2026-01-01', '2026-02-30')).toEqual({ ok: false, error: 'to: 2026-02-30 is not a real date: February 2026 has 28 days.' });
    expect(parseRange('2026-05-01', '2026-04-01'))
      .toEqual({ ok: false, error: 'from: 2026-05-01 is after to 2026-04-01. Put the earlier date first.' });
  });

  it('throws a DateRangeError for the period, with the message of the check', () => {
    let err: unknown = null;
    try { assertRange({ from: '2026-05-01', to: '2026-04-01' }); } catch (e) { err = e; }
    expect(err).toMatchObject({
      name: 'DateRangeError', code: 'INVALID_DATE', field: 'period', message: 'from: 2026-05-01 is after to 2026-04-01. Put the earlier date first.',
    });
  });
});

