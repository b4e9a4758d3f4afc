import type { Dispute } from '../domain/types.ts';
import { REMOVED_TEXT } from './fact-seals.ts';

/**
 * The record classes of the register and how long each is kept, in whole
 * years after the dispute was resolved (docs/retention.md says why: the
 * defaults follow the NHS Records Management Code of Practice 2021, updated
 * August 2023, Appendix II). An open dispute is never due.
 */
export const RECORD_CLASSES = ['adult', 'child'] as const;
export type RecordClass = (typeof RECORD_CLASSES)[number];
export type RetentionYears = Record<RecordClass, number>;

export const DEFAULT_RETENTION: RetentionYears = { adult: 20, child: 26 };

/** "adult=20,child=26" (the env schema has checked its shape); a class left out keeps its default. */
export function parseRetentionYears(text: string | undefined): RetentionYears {
  const out = { ...DEFAULT_RETENTION };
  for (const part of (text ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    const [k, v] = part.split('=').map((x) => x.trim());
    if ((RECORD_CLASSES as readonly string[]).includes(k!)) out[k as RecordClass] = Number(v);
  }
  return out;
}

export function recordClass(d: Dispute): RecordClass {
  return d.cohort === 'CHILD_YOUNG_PERSON' ? 'child' : 'adult';
}

/** Anonymised already: its case number went with everything else. */
export function isAnonymised(d: Dispute): boolean {
  return d.localCaseRef === REMOVED_TEXT;
}

export interface RetentionItem {
  id: string;
  reference: string;
  recordClass: RecordClass;
  years: number;
  resolvedAt: string;
  /** The instant it falls due: the resolution plus the class's years. */
  dueAt: string;
}

function plusYears(iso: string, years: number): Date {
  const d = new Date(iso);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

/** Resolved disputes whose retention period has ended at `now` and that still hold their texts, oldest due first. */
export function dueForDisposal(disputes: readonly Dispute[], years: RetentionYears, now: Date): RetentionItem[] {
  return disputes
    .filter((d) => d.status === 'RESOLVED' && d.resolvedAt && !isAnonymised(d))
    .map((d) => {
      const cls = recordClass(d);
      const dueAt = plusYears(d.resolvedAt!, years[cls]).toISOString();
      return { id: d.id, reference: d.reference, recordClass: cls, years: years[cls], resolvedAt: d.resolvedAt!, dueAt };
    })
    .filter((x) => new Date(x.dueAt).getTime() <= now.getTime())
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
}
