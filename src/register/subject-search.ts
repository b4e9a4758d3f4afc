import type { SubjectMatch } from '../app/subject-access.ts';
import type { Database } from './db.ts';

/** An NHS number as its ten digits, whatever spacing or hyphens it was typed or stored with. */
export const nhsDigits = (s: string): string => s.replace(/[\s-]/g, '');

/**
 * Every dispute held about the person with this NHS number, compared without spacing. The one place the register
 * is searched by NHS number: where NHS numbers are stored encrypted, this becomes the keyed-hash look-up and
 * nothing else changes.
 */
export async function findDisputesByNhsNumber(db: Database, nhsNumber: string): Promise<SubjectMatch[]> {
  const digits = nhsDigits(nhsNumber);
  if (!digits) return [];
  return db.prisma.$queryRawUnsafe<SubjectMatch[]>(
    `SELECT id, reference FROM "Dispute"
      WHERE regexp_replace(coalesce("nhsNumber", ''), '[[:space:]-]', '', 'g') = $1 ORDER BY reference`, digits);
}

/** Every dispute recorded with this local case number, compared without case or surrounding spaces. */
export async function findDisputesByCaseNumber(db: Database, caseNumber: string): Promise<SubjectMatch[]> {
  const wanted = caseNumber.trim().toLowerCase();
  if (!wanted) return [];
  return db.prisma.$queryRawUnsafe<SubjectMatch[]>(
    `SELECT id, reference FROM "Dispute" WHERE lower(btrim("localCaseRef")) = $1 ORDER BY reference`, wanted);
}
