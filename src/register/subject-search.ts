import type { SubjectMatch } from '../app/subject-access.ts';
import type { Database } from './db.ts';
import { REMOVED_TEXT } from '../app/fact-seals.ts';
import { findDisputesByNhsNumber as findByProtectedNhsNumber } from './identifier-rows.ts';

/**
 * Every dispute held about the person with this NHS number, whatever its spacing: the keyed-hash look-up of
 * identifier-rows.ts (NHS numbers are stored encrypted), the one place the register is searched by NHS number.
 */
export async function findDisputesByNhsNumber(db: Database, nhsNumber: string): Promise<SubjectMatch[]> {
  const found = await findByProtectedNhsNumber(db, nhsNumber);
  return found.map((d) => ({ id: d.id, reference: d.reference })).sort((x, y) => x.reference.localeCompare(y.reference));
}

/** Every dispute recorded with this local case number, compared without case or surrounding spaces. */
export async function findDisputesByCaseNumber(db: Database, caseNumber: string): Promise<SubjectMatch[]> {
  const wanted = caseNumber.trim().toLowerCase();
  if (!wanted) return [];
  return db.prisma.$queryRawUnsafe<SubjectMatch[]>(
    // Anonymised disputes all carry the removal marker: they are nobody's any more.
    `SELECT id, reference FROM "Dispute" WHERE lower(btrim("localCaseRef")) = $1 AND "localCaseRef" <> $2 ORDER BY reference`,
    wanted, REMOVED_TEXT);
}
