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
});
