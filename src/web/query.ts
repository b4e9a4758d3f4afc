import { parseDate, parseFullRange, type DateRange } from '../domain/date-input.ts';
import { hasHiddenCharacters } from '../domain/text-hygiene.ts';
import type { Directory } from '../domain/types.ts';
import { FLAG_CODES, SUBJECTS } from '../domain/types.ts';
import type { Filters } from './pages.ts';

// The register's query strings, checked field by field: a bad value is a 400
// naming the field and the fix, never a database error or a silent guess.

const LIST_FIELDS = ['from', 'to', 'org', 'subject', 'stage', 'status', 'flag', 'sort', 'dir', 'page'] as const;
export const MAX_PAGE = 10_000;
const SORT_KEYS = ['reference', 'raised', 'stage', 'status', 'due'];

const PARTS = ['day', 'month', 'year'] as const;

/**
 * The date forms send NAME-day, NAME-month and NAME-year (the NHS date-input pattern); links and scripts send
 * NAME=YYYY-MM-DD. Both become NAME=YYYY-MM-DD here, so the rest checks one shape. A date given only in part is an
 * error naming what is missing.
 */
export function joinDateParts(params: URLSearchParams, names: readonly string[], labels: Record<string, string>)
  : { params: URLSearchParams; errors: string[] } {
  const out = new URLSearchParams(params);
  const errors: string[] = [];
  for (const name of names) {
    const parts = PARTS.map((p) => (params.get(`${name}-${p}`) ?? '').trim());
    for (const p of PARTS) out.delete(`${name}-${p}`);
    if (parts.every((v) => v === '')) continue;
    const missing = PARTS.filter((_, i) => parts[i] === '');
    const label = `${labels[name] ?? name} (${name})`;
    if (missing.length) { errors.push(`${label}: enter the ${missing.join(' and ')} too, like 27 3 2026.`); continue; }
    if (!parts.every((v) => /^\d{1,4}$/.test(v))) { errors.push(`${label}: use numbers only for the day, month and year, like 27 3 2026.`); continue; }
    const [day, month, year] = parts as [string, string, string];
    if (year.length !== 4) { errors.push(`${label}: the year must have 4 digits, like 2026.`); continue; }
    out.set(name, `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`);
  }
  return { params: out, errors };
}

export function parseListQuery(query: URLSearchParams, dir: Directory): { filters: Filters; errors: string[] } {
  const f: Filters = {};
  const joined = joinDateParts(query, ['from', 'to'], { from: 'Raised from', to: 'Raised to' });
  const params = joined.params;
  const errors: string[] = [...joined.errors];
  for (const k of LIST_FIELDS) {
    const all = params.getAll(k);
    const v = all[0];
    if (v === undefined || v === '') continue;
    if (all.length > 1) { errors.push(`${k}: give it once.`); continue; }
    if (v.length > 200 || hasHiddenCharacters(v)) { errors.push(`${k}: contains characters that are not allowed. Remove it and choose again.`); continue; }
    f[k] = v;
  }
  if (f.from) { const r = parseDate('Raised from (from)', f.from); if (!r.ok) errors.push(r.error); }
  if (f.to) { const r = parseDate('Raised to (to)', f.to); if (!r.ok) errors.push(r.error); }
  if (f.from && f.to && f.from > f.to && !errors.length) errors.push('Raised from (from): is after "Raised to". Put the earlier date first.');
  if (f.org && !dir.organisations.some((o) => o.id === f.org)) errors.push('org: is not an organisation in the directory. Choose one from the list.');
  if (f.subject && !(SUBJECTS as readonly string[]).includes(f.subject)) errors.push('subject: is not a subject the register knows. Choose one from the list.');
  if (f.stage && !/^[1-4]$/.test(f.stage)) errors.push('stage: must be 1, 2, 3 or 4.');
  if (f.status && !['OPEN', 'RESOLVED', 'OVERDUE'].includes(f.status)) errors.push('status: must be OPEN, RESOLVED or OVERDUE.');
  if (f.flag && !(FLAG_CODES as readonly string[]).includes(f.flag)) errors.push('flag: is not a flag the register knows. Choose one from the list.');
  if (f.sort && !SORT_KEYS.includes(f.sort)) errors.push(`sort: must be one of ${SORT_KEYS.join(', ')}.`);
  if (f.dir && !['asc', 'desc'].includes(f.dir)) errors.push('dir: must be asc or desc.');
  if (f.page && !(/^\d{1,5}$/.test(f.page) && Number(f.page) >= 1 && Number(f.page) <= MAX_PAGE)) errors.push(`page: must be a whole number from 1 to ${MAX_PAGE}.`);
  // Only checked values reach the page (its links repeat them).
  if (errors.length) for (const k of LIST_FIELDS) if (errors.some((e) => e.startsWith(k) || e.includes(`(${k})`))) delete f[k];
  return { filters: f, errors };
}

/** The report's period: both dates, a real calendar range of at most five years. */
export function parseReportQuery(query: URLSearchParams): { ok: true; value: DateRange | null } | { ok: false; error: string } {
  const { params, errors } = joinDateParts(query, ['from', 'to'], { from: 'From', to: 'To' });
  if (errors.length) return { ok: false, error: errors.join(' ') };
  const from = params.get('from');
  const to = params.get('to');
  if (!from && !to) return { ok: true, value: null };
  const r = parseFullRange(from, to);
  return r.ok ? { ok: true, value: r.value } : r;
}

/** Where to go after sign-in: a path inside the register, nothing that could become a header or another site. */
export function safeReturnTo(raw: string | null): string | null {
  if (!raw) return '/register';
  if (raw.length > 2000 || !/^\/register(?:[/?#][\x21-\x7E]*)?$/.test(raw) || raw.includes('\\') || raw.startsWith('//')) return null;
  return raw;
}
