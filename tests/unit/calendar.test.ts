import { WorkingCalendar } from '../../src/calendar/working-calendar.ts';

const cal = new WorkingCalendar();
const due = (start: string, n: number, c = cal) => c.deadline(new Date(start), n).toISOString();

describe('working days (England and Wales)', () => {
  it('[R0.1] counts Monday to Friday and not weekends', () => {
    expect(cal.isWorkingDay('2026-12-07')).toBe(true); // Monday
    expect(cal.isWorkingDay('2026-12-11')).toBe(true); // Friday
    expect(cal.closureReason('2026-12-12')).toBe('Saturday');
    expect(cal.closureReason('2026-12-13')).toBe('Sunday');
  });

  it('[R0.1] closes Christmas and New Year, with substitute days when they fall at a weekend', () => {
    expect(cal.closureReason('2026-12-25')).toMatch(/bank holiday: Christmas Day/);
    expect(cal.closureReason('2026-12-28')).toMatch(/Boxing Day \(substitute day\)/);
    expect(cal.closureReason('2027-01-01')).toMatch(/New Year/);
    expect(cal.closureReason('2027-12-27')).toMatch(/substitute/);
    expect(cal.closureReason('2027-12-28')).toMatch(/substitute/);
    expect(cal.isWorkingDay('2026-12-24')).toBe(true);
    expect(cal.isWorkingDay('2026-12-29')).toBe(true);
  });

  it('[R0.1] closes Good Friday and Easter Monday; Easter Sunday is only a Sunday', () => {
    expect(cal.closureReason('2027-03-26')).toMatch(/Good Friday/);
    expect(cal.closureReason('2027-03-29')).toMatch(/Easter Monday/);
    expect(cal.closureReason('2027-03-28')).toBe('Sunday');
  });

  it('[R0.1] closes the early May and spring bank holidays and the summer one', () => {
    expect(cal.closureReason('2027-05-03')).toMatch(/Early May/);
    expect(cal.closureReason('2027-05-31')).toMatch(/Spring/);
    expect(cal.closureReason('2027-08-30')).toMatch(/Summer/);
  });

  it('[R0.1] knows eight weekday bank holidays in each of the next five years and more', () => {
    for (let year = 2026; year <= 2032; year++) {
      const weekday = [...cal.bankHolidays(year).keys()].filter((d) => cal.closureReason(d)?.startsWith('bank holiday'));
      expect({ year, n: weekday.length }).toEqual({ year, n: 8 });
    }
  });

  it('[R0.1] takes local closure days from configuration', () => {
    const local = new WorkingCalendar({ extraClosures: ['2026-12-24'] });
    expect(local.closureReason('2026-12-24')).toBe('local closure day');
    expect(due('2026-12-22T10:00:00Z', 2, local)).toBe('2026-12-29T17:00:00.000Z');
  });

  it('[R0.2] is due at close of business on the Nth working day after the start, not counting the start day', () => {
    expect(due('2026-12-07T10:00:00Z', 5)).toBe('2026-12-14T17:00:00.000Z'); // Monday → next Monday
    expect(due('2026-12-07T08:00:00Z', 10)).toBe('2026-12-21T17:00:00.000Z');
  });

  it('[R0.2] counts a dispute raised on a Saturday from the Monday', () => {
    expect(due('2026-12-05T11:00:00Z', 5)).toBe('2026-12-11T17:00:00.000Z');
  });

  it('[R0.2] gives a dispute raised after 17:00 the same deadline as one raised that morning', () => {
    expect(due('2026-12-07T18:30:00Z', 5)).toBe(due('2026-12-07T09:05:00Z', 5));
    expect(due('2026-12-07T23:59:00Z', 1)).toBe('2026-12-08T17:00:00.000Z');
  });

  it('[R0.2] runs over Christmas and New Year', () => {
    // Wed 23 Dec 2026: 24, 29, 30, 31 Dec and Mon 4 Jan.
    expect(due('2026-12-23T10:00:00Z', 5)).toBe('2027-01-04T17:00:00.000Z');
  });

  it('[R0.2] keeps 17:00 London time across the clock changes', () => {
    // BST ends Sun 25 Oct 2026: due 17:00 GMT.
    expect(due('2026-10-23T09:00:00Z', 5)).toBe('2026-10-30T17:00:00.000Z');
    // BST starts Sun 29 Mar 2026: due 17:00 BST = 16:00 UTC.
    expect(due('2026-03-26T10:00:00Z', 5)).toBe('2026-04-02T16:00:00.000Z');
    // 23:30 UTC on 28 Mar 2027 is already Monday in London (BST), so Monday is day D.
    expect(cal.localDate(new Date('2027-03-28T23:30:00Z'))).toBe('2027-03-29');
  });

  it('[R0.2] lets a partnership set its own close of business', () => {
    const c = new WorkingCalendar({ closeOfBusiness: '16:30' });
    expect(due('2026-12-07T10:00:00Z', 5, c)).toBe('2026-12-14T16:30:00.000Z');
    expect(() => new WorkingCalendar({ closeOfBusiness: 'five' })).toThrow(/time of day/);
  });

  it('[R0.4] moves pings outside working hours to the next working-hours start', () => {
    const next = (s: string) => cal.nextWorkingMoment(new Date(s)).toISOString();
    expect(next('2026-12-07T10:00:00Z')).toBe('2026-12-07T10:00:00.000Z');
    expect(next('2026-12-08T07:30:00Z')).toBe('2026-12-08T09:00:00.000Z');
    expect(next('2026-12-11T17:30:00Z')).toBe('2026-12-14T09:00:00.000Z'); // Friday evening → Monday
    expect(next('2026-12-12T03:00:00Z')).toBe('2026-12-14T09:00:00.000Z');
    expect(next('2026-12-24T18:00:00Z')).toBe('2026-12-29T09:00:00.000Z'); // over Christmas
    expect(next('2026-07-07T08:30:00Z')).toBe('2026-07-07T08:30:00.000Z'); // 09:30 BST is working time
    expect(cal.isWorkingHours(new Date('2026-12-07T17:00:00Z'))).toBe(false);
  });

  it('[R0.1] counts working days between two instants', () => {
    expect(cal.workingDaysBetween(new Date('2026-12-23T10:00:00Z'), new Date('2027-01-04T12:00:00Z'))).toBe(5);
    expect(cal.workingDaysBetween(new Date('2026-12-07T10:00:00Z'), new Date('2026-12-07T16:00:00Z'))).toBe(0);
  });

  it('describes deadlines in words', () => {
    expect(cal.describe(new Date('2026-12-09T17:00:00Z'))).toBe('Wednesday 9 December, 5pm');
    expect(cal.describe(new Date('2027-01-04T17:00:00Z'), { year: true })).toBe('Monday 4 January 2027, 5pm');
    expect(cal.describe(new Date('2026-07-07T15:30:00Z'))).toBe('Tuesday 7 July, 4:30pm');
  });
});
