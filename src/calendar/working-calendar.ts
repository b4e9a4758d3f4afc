import { DateTime } from 'luxon';
import Holidays from 'date-holidays';

/** R0.1–R0.4: what counts as a working day and when the working day runs. */
export interface CalendarConfig {
  timeZone: string;
  /** "HH:mm" local time; a stage is due at this time on its last day (R0.2). */
  closeOfBusiness: string;
  /** Working hours for reminders and pings (R0.4). */
  workStart: string;
  workEnd: string;
  /** Local closure days (ISO dates) added by the partnership (R0.1). */
  extraClosures: readonly string[];
}

export const DEFAULT_CALENDAR: CalendarConfig = {
  timeZone: 'Europe/London',
  closeOfBusiness: '17:00',
  workStart: '09:00',
  workEnd: '17:00',
  extraClosures: [],
};

/** Entries a calendar memo keeps before it starts afresh: far more than a sweep touches, small enough never to matter. */
const MEMO_LIMIT = 20_000;

/**
 * Remembers a pure function's answers. The calendar's answers never change
 * for a given input, and time-zone arithmetic is slow, while a sweep asks the
 * same few dates and instants again for every dispute.
 */
function memo<K, V>(fn: (k: K) => V): (k: K) => V {
  const seen = new Map<K, V>();
  return (k) => {
    if (seen.has(k)) return seen.get(k)!;
    const v = fn(k);
    if (seen.size >= MEMO_LIMIT) seen.clear();
    seen.set(k, v);
    return v;
  };
}

function hm(s: string): { hour: number; minute: number } {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s);
  if (!m) throw new Error(`"${s}" is not a time of day like 17:00`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

/**
 * Working days in England and Wales. Bank holidays come from `date-holidays`
 * (rules, not a dated list, so it covers any year, substitute days and
 * one-off holidays included); observances such as Easter Sunday or Mother's
 * Day are not holidays.
 */
export class WorkingCalendar {
  readonly config: CalendarConfig;
  private readonly holidays = new Holidays('GB', 'ENG');
  private readonly byYear = new Map<number, Map<string, string>>();
  private readonly closures: Set<string>;
  private readonly cob: { hour: number; minute: number };
  private readonly start: { hour: number; minute: number };
  private readonly end: { hour: number; minute: number };
  private readonly localDateOf = memo((ms: number) => this.local(new Date(ms)).toISODate()!);
  private readonly closureOf = memo((isoDate: string) => this.computeClosureReason(isoDate));
  private readonly previousWorkingOf = memo((isoDate: string) => this.computePreviousWorkingDate(isoDate));
  private readonly describeOf = memo((key: string) => this.computeDescribe(key));
  private readonly nextWorkingOf = memo((isoDate: string) => this.computeNextWorkingDate(isoDate));
  /** "date hour minute" → that local time's instant, in milliseconds. */
  private readonly atOf = memo((key: string) => {
    const [isoDate, hour, minute] = key.split(' ');
    const time = { hour: Number(hour), minute: Number(minute), second: 0, millisecond: 0 };
    return DateTime.fromISO(isoDate!, { zone: this.config.timeZone }).set(time).toMillis();
  });

  constructor(config: Partial<CalendarConfig> = {}) {
    this.config = { ...DEFAULT_CALENDAR, ...config };
    this.closures = new Set(this.config.extraClosures);
    this.cob = hm(this.config.closeOfBusiness);
    this.start = hm(this.config.workStart);
    this.end = hm(this.config.workEnd);
    if (!DateTime.local().setZone(this.config.timeZone).isValid) {
      throw new Error(`"${this.config.timeZone}" is not a time zone`);
    }
  }

  /** Bank holidays of a year as ISO date → name. */
  bankHolidays(year: number): Map<string, string> {
    let m = this.byYear.get(year);
    if (!m) {
      m = new Map();
      for (const h of this.holidays.getHolidays(year)) {
        if (h.type === 'public') m.set(h.date.slice(0, 10), h.name);
      }
      this.byYear.set(year, m);
    }
    return m;
  }

  private local(at: Date): DateTime {
    return DateTime.fromJSDate(at, { zone: this.config.timeZone });
  }

  /** The Europe/London calendar date of an instant, as YYYY-MM-DD. */
  localDate(at: Date): string {
    return this.localDateOf(at.getTime());
  }

  /** Why a date is not a working day, or null when it is one. */
  closureReason(isoDate: string): string | null {
    return this.closureOf(isoDate);
  }

  private computeClosureReason(isoDate: string): string | null {
    const d = DateTime.fromISO(isoDate, { zone: this.config.timeZone });
    if (!d.isValid) throw new Error(`"${isoDate}" is not a date like 2026-12-25`);
    if (d.weekday > 5) return d.weekday === 6 ? 'Saturday' : 'Sunday';
    const bh = this.bankHolidays(d.year).get(isoDate);
    if (bh) return `bank holiday: ${bh}`;
    if (this.closures.has(isoDate)) return 'local closure day';
    return null;
  }

  isWorkingDay(isoDate: string): boolean {
    return this.closureReason(isoDate) === null;
  }

  private nextWorkingDate(isoDate: string): string {
    return this.nextWorkingOf(isoDate);
  }

  private computeNextWorkingDate(isoDate: string): string {
    let d = DateTime.fromISO(isoDate, { zone: this.config.timeZone });
    do d = d.plus({ days: 1 }); while (!this.isWorkingDay(d.toISODate()!));
    return d.toISODate()!;
  }

  /** The Nth working day after the local date of `from` (that date itself never counts). */
  addWorkingDaysToDate(isoDate: string, n: number): string {
    if (!Number.isInteger(n) || n < 0) throw new Error(`working days must be a whole number, not ${n}`);
    let d = isoDate;
    for (let i = 0; i < n; i++) d = this.nextWorkingDate(d);
    return d;
  }

  private at(isoDate: string, t: { hour: number; minute: number }): Date {
    return new Date(this.atOf(`${isoDate} ${t.hour} ${t.minute}`));
  }

  /** R0.2: due at close of business on the Nth working day after the start's local date. */
  deadline(start: Date, workingDays: number): Date {
    return this.at(this.addWorkingDaysToDate(this.localDate(start), workingDays), this.cob);
  }

  /** The instant a local date begins (midnight in the calendar's time zone). */
  startOfDay(isoDate: string): Date {
    return DateTime.fromISO(isoDate, { zone: this.config.timeZone }).startOf('day').toJSDate();
  }

  /** Start of working hours on a local date. */
  workStartOn(isoDate: string): Date {
    return this.at(isoDate, this.start);
  }

  isWorkingHours(at: Date): boolean {
    const date = this.localDate(at);
    if (!this.isWorkingDay(date)) return false;
    return at >= this.at(date, this.start) && at < this.at(date, this.end);
  }

  /** R0.4: `at` itself when inside working hours, else the next working-hours start. */
  nextWorkingMoment(at: Date): Date {
    if (this.isWorkingHours(at)) return at;
    const date = this.localDate(at);
    if (this.isWorkingDay(date) && at < this.at(date, this.start)) return this.at(date, this.start);
    return this.at(this.nextWorkingDate(date), this.start);
  }

  /** Working days after `from`'s local date up to and including `to`'s (0 when `to` is not later). */
  workingDaysBetween(from: Date, to: Date): number {
    let d = this.localDate(from);
    const end = this.localDate(to);
    let n = 0;
    while (d < end) {
      d = this.nextWorkingDate(d);
      if (d <= end) n++;
    }
    return n;
  }

  /** The working day before a local date. */
  previousWorkingDate(isoDate: string): string {
    return this.previousWorkingOf(isoDate);
  }

  private computePreviousWorkingDate(isoDate: string): string {
    let d = DateTime.fromISO(isoDate, { zone: this.config.timeZone });
    do d = d.minus({ days: 1 }); while (!this.isWorkingDay(d.toISODate()!));
    return d.toISODate()!;
  }

  /** "Tuesday 9 December, 5pm" in Europe/London ("Monday 4 January 2027, 5pm" with the year). */
  describe(at: Date, opts: { year?: boolean } = {}): string {
    return this.describeOf(`${at.getTime()} ${opts.year ? 'y' : ''}`);
  }

  private computeDescribe(key: string): string {
    const [ms, year] = key.split(' ');
    const opts = { year: year === 'y' };
    const d = this.local(new Date(Number(ms)));
    const time = d.minute === 0 ? d.toFormat('ha') : d.toFormat('h:mma');
    return `${d.toFormat(opts.year ? 'cccc d LLLL yyyy' : 'cccc d LLLL')}, ${time.toLowerCase()}`;
  }
}
