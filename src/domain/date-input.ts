import { DomainError } from './errors.ts';

// One parser for every date a person types (web filters, chat `report`, the
// CLI, configuration). A date is a real calendar date in a sane span of
// years, and a range is at most MAX_RANGE_YEARS long, so nothing built from
// it (reports, month lists, SQL) can be asked for millennia of work.

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;
export const MAX_RANGE_YEARS = 5;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** A period of local dates, inclusive. */
export interface DateRange { from: string; to: string }

const SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Shown to people in messages; the control characters they typed are not echoed back. */
function shown(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const s = raw.replace(/[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '?');
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** `field` names the input in the message ("from", "--to", "Raised from"). */
export function parseDate(field: string, raw: string): Parsed<string> {
  const s = raw.trim();
  const m = SHAPE.exec(s);
  if (!m) return { ok: false, error: `${field}: "${shown(s)}" is not a date. Write it like 2026-04-01 (year-month-day).` };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < MIN_YEAR || y > MAX_YEAR) return { ok: false, error: `${field}: ${s} is out of range. Use a year from ${MIN_YEAR} to ${MAX_YEAR}.` };
  if (mo < 1 || mo > 12) return { ok: false, error: `${field}: ${s} has no month ${mo}. Months run from 01 to 12.` };
  if (d < 1 || d > daysInMonth(y, mo)) {
    return { ok: false, error: `${field}: ${s} is not a real date: ${MONTH_NAMES[mo - 1]} ${y} has ${daysInMonth(y, mo)} days.` };
  }
  return { ok: true, value: s };
}

const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

/** Checks an already-parsed range: order and length. */
export function checkRange(r: DateRange, fields: { from: string; to: string } = { from: 'from', to: 'to' }): string | null {
  for (const [f, v] of [[fields.from, r.from], [fields.to, r.to]] as const) {
    const p = parseDate(f, v);
    if (!p.ok) return p.error;
  }
  if (r.from > r.to) return `${fields.from}: ${r.from} is after ${fields.to} ${r.to}. Put the earlier date first.`;
  const [fy, fm, fd] = r.from.split('-').map(Number) as [number, number, number];
  const limitYear = fy + MAX_RANGE_YEARS;
  const limit = `${limitYear}-${String(fm).padStart(2, '0')}-${String(Math.min(fd, daysInMonth(limitYear, fm))).padStart(2, '0')}`;
  if (dayNumber(r.to) >= dayNumber(limit)) {
    return `${fields.to}: the period ${r.from} to ${r.to} is longer than ${MAX_RANGE_YEARS} years. Choose a shorter period (at most ${MAX_RANGE_YEARS} years).`;
  }
  return null;
}

/** Both ends given as text; either may be missing when `optional`. */
export function parseRange(from: string | undefined | null, to: string | undefined | null, fields: { from: string; to: string } = { from: 'from', to: 'to' }): Parsed<Partial<DateRange>> {
  const out: Partial<DateRange> = {};
  if (from) { const p = parseDate(fields.from, from); if (!p.ok) return p; out.from = p.value; }
  if (to) { const p = parseDate(fields.to, to); if (!p.ok) return p; out.to = p.value; }
  if (out.from && out.to) {
    const e = checkRange(out as DateRange, fields);
    if (e) return { ok: false, error: e };
  }
  return { ok: true, value: out };
}

/** Both ends required. */
export function parseFullRange(from: string | undefined | null, to: string | undefined | null, fields: { from: string; to: string } = { from: 'from', to: 'to' }): Parsed<DateRange> {
  if (!from || !to) return { ok: false, error: `${!from ? fields.from : fields.to}: give both dates, like ${fields.from} 2026-04-01 ${fields.to} 2026-06-30.` };
  const r = parseRange(from, to, fields);
  return r.ok ? { ok: true, value: r.value as DateRange } : r;
}

/** Thrown by code that must never run on an unchecked range (reports). */
export class DateRangeError extends DomainError {
  constructor(message: string) {
    super('INVALID_DATE', message, 'period');
    this.name = 'DateRangeError';
  }
}

export function assertRange(r: DateRange): void {
  const e = checkRange(r);
  if (e) throw new DateRangeError(e);
}
