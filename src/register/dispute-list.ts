import type { DisputeList, ListFilter, ListRow } from '../app/dispute-list.ts';
import { LIST_PAGE_SIZE } from '../app/dispute-list.ts';
import type { Database } from './db.ts';

const SORTS: Record<NonNullable<ListFilter['sort']>, string> = {
  reference: 'd."reference"', raised: 'd."raisedAt"', stage: 'd."stage"', status: 'd."status"', due: '"dueAt"',
};

/** The register page's list in one parameterised query: filters, sort and page all in SQL. */
export class RegisterDisputeList implements DisputeList {
  constructor(private readonly db: Database) {}

  async list(f: ListFilter): Promise<{ total: number; rows: ListRow[] }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => { params.push(v); return `$${params.length}`; };
    if (f.raisedFrom) where.push(`d."raisedAt" >= ${p(f.raisedFrom)}`);
    if (f.raisedBefore) where.push(`d."raisedAt" < ${p(f.raisedBefore)}`);
    if (f.organisationId) {
      where.push(`EXISTS (SELECT 1 FROM "Party" x WHERE x."disputeId" = d.id AND x."organisationId" = ${p(f.organisationId)})`);
    }
    if (f.subject) where.push(`${p(f.subject)} = ANY(d."subjects")`);
    if (f.stage) where.push(`d."stage" = ${p(f.stage)}`);
    if (f.status === 'OPEN' || f.status === 'RESOLVED') where.push(`d."status" = ${p(f.status)}::"DisputeStatus"`);
    if (f.status === 'OVERDUE') {
      where.push(`d."status" = 'OPEN' AND (d."overdue" OR EXISTS (
        SELECT 1 FROM "StageInstance" s WHERE s."disputeId" = d.id AND s.stage = d.stage AND s."dueAt" < ${p(f.now)}))`);
    }
    if (f.flag) where.push(`EXISTS (SELECT 1 FROM "Flag" x WHERE x."disputeId" = d.id AND x."code" = ${p(f.flag)})`);
    if (f.participantId !== undefined) {
      // A participant now (domain/participants.ts, takesPartNow): not left, and their organisation still a party.
      const mine = `(EXISTS (SELECT 1 FROM "Participant" x WHERE x."disputeId" = d.id AND x."personId" = ${p(f.participantId)}
          AND x."leftAt" IS NULL)
        AND EXISTS (SELECT 1 FROM "Party" x WHERE x."disputeId" = d.id AND x."organisationId" = ${p(f.participantOrganisationId ?? '')}
          AND x."withdrawnAt" IS NULL))`;
      // Withdrawn parties keep their row, so "is or was a party" is one look-up.
      where.push(f.orPartyOrganisationId === undefined ? mine
        : `(${mine} OR EXISTS (SELECT 1 FROM "Party" x WHERE x."disputeId" = d.id
            AND x."organisationId" = ${p(f.orPartyOrganisationId)}))`);
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const order = f.sort
      ? `${SORTS[f.sort]} ${f.desc ? 'DESC' : 'ASC'} NULLS LAST, d."reference"`
      : 'd."raisedAt" DESC, d."reference" DESC';
    const offset = (Math.max(1, Math.floor(f.page)) - 1) * LIST_PAGE_SIZE;
    const counted = await this.db.prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "Dispute" d ${whereSql}`, ...params);
    const rows = await this.db.prisma.$queryRawUnsafe<ListRow[]>(`
      SELECT d.id, d."reference", d."status"::text AS status, d."stage", d."subjects", d."cohort", d."setting",
        d."raisedAt", d."resolvedAt", d."outcome", d."overdue",
        (SELECT array_agg(x."organisationId" ORDER BY x."organisationId") FROM "Party" x WHERE x."disputeId" = d.id) AS parties,
        (SELECT array_agg(DISTINCT x."code") FROM "Flag" x WHERE x."disputeId" = d.id) AS flags,
        (SELECT array_agg(x."theme" ORDER BY x."theme") FROM "Theme" x WHERE x."disputeId" = d.id) AS themes,
        (SELECT s."dueAt" FROM "StageInstance" s WHERE s."disputeId" = d.id AND s.stage = d.stage) AS "dueAt",
        (SELECT min(x."seq") FROM "Decision" x WHERE x."disputeId" = d.id AND x."status" = 'PROPOSED') AS "pendingDecision"
      FROM "Dispute" d ${whereSql} ORDER BY ${order} LIMIT ${LIST_PAGE_SIZE} OFFSET ${offset}`, ...params);
    return { total: counted[0]?.n ?? 0, rows };
  }
}
