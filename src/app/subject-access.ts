import type { Dispute } from '../domain/types.ts';
import type { SubjectRecord } from '../reports/subject-export.ts';
import type { HistoryEntry } from './dispute-store.ts';

export type { SubjectRecord } from '../reports/subject-export.ts';

export interface SubjectMatch { id: string; reference: string }

/** The register's look-ups of one person: by NHS number (spacing-insensitive) and by local case number. */
export interface SubjectFinder {
  byNhsNumber(nhsNumber: string): Promise<SubjectMatch[]>;
  byCaseNumber(caseNumber: string): Promise<SubjectMatch[]>;
}

export type SubjectQuery = { kind: 'nhs-number'; value: string } | { kind: 'case-number'; value: string };

/**
 * What someone typed to find a person: ten digits (spaces or hyphens anywhere) is an NHS number, anything else a
 * local case number.
 */
export function parseSubjectQuery(raw: string): SubjectQuery | { error: string } {
  const text = raw.trim();
  if (!text) return { error: 'Type an NHS number (10 digits; spaces are fine) or a local case number.' };
  if (/^[\d\s-]+$/.test(text)) {
    const digits = text.replace(/[\s-]/g, '');
    if (digits.length !== 10) {
      return { error: `An NHS number has 10 digits; "${text}" has ${digits.length}. For a local case number, type it as recorded.` };
    }
    return { kind: 'nhs-number', value: digits };
  }
  if (text.length > 100) return { error: 'A local case number is at most 100 characters.' };
  return { kind: 'case-number', value: text };
}

export const findSubject = (finder: SubjectFinder, q: SubjectQuery): Promise<SubjectMatch[]> =>
  q.kind === 'nhs-number' ? finder.byNhsNumber(q.value) : finder.byCaseNumber(q.value);

/** What the access log keeps about a search: its kind and how many disputes it found, never the identifier. */
export const searchDetail = (q: SubjectQuery, found: number): Record<string, unknown> => ({ search: q.kind, found });

/** Loads every dispute the search found, with its history, for the export. */
export async function subjectRecord(
  reg: { get(t: { id: string }): Promise<Dispute | null>; history(id: string): Promise<HistoryEntry[]> },
  q: SubjectQuery, matches: readonly SubjectMatch[], now: Date,
): Promise<SubjectRecord> {
  const disputes: SubjectRecord['disputes'] = [];
  for (const m of matches) {
    const dispute = await reg.get({ id: m.id });
    if (dispute) disputes.push({ dispute, history: await reg.history(m.id) });
  }
  return { query: q, generatedAt: now.toISOString(), disputes };
}
