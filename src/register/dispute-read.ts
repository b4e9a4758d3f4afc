import type { Dispute } from '../domain/types.ts';
import type { SqlRunner } from './db.ts';
import type { IdentifierKeys } from './identifiers.ts';
import { toDomain } from './dispute-repo.ts';

/**
 * A dispute and everything toDomain needs, read as ONE plain SQL statement on the driver, without Prisma: the
 * relation-join query Prisma builds for DISPUTE_INCLUDE is compiled by its client and planned by the database on
 * every call, and was most of a card action's CPU (docs/benchmarks.md). Each relation is a correlated sub-select on
 * its primary key's leading column, cheap to plan and to run. The newest history entry comes with it, from the same
 * snapshot, so a command on this copy chains its entries without another round trip (one-statement.ts).
 *
 * The rows come back as JSON; the DateTime columns (timestamp(3), UTC) are turned back into Dates here, so toDomain
 * sees what Prisma would have given it. tests/integration/dispute-read.test.ts holds the two equal, and the list
 * below to the schema.
 */
export const DATE_COLUMNS: Record<string, readonly string[]> = {
  Dispute: ['raisedAt', 'resolvedAt', 'nextWakeAt', 'createdAt', 'updatedAt'],
  Party: ['addedAt', 'withdrawnAt'],
  StageInstance: ['startedAt', 'dueAt', 'endedAt', 'timedOutAt'],
  ChecklistItem: ['tickedAt'],
  Participant: ['addedAt', 'leftAt'],
  Decision: ['proposedAt', 'effectiveAt'],
  Confirmation: ['at'],
  PersonStep: ['doneAt', 'dueAt'],
  Flag: ['at', 'resolvedAt'],
  Theme: ['at'],
  ChcTrack: ['updatedAt'],
  ChcAdjustment: ['at', 'confirmedAt', 'lapsedAt'],
  ChcConfirmation: ['at'],
  Letter: ['draftedAt', 'sentAt'],
  ExternalRoute: ['at'],
};

/** DISPUTE_INCLUDE's lists: the field, and its table. */
const LISTS: readonly (readonly [string, string])[] = [
  ['parties', 'Party'], ['stages', 'StageInstance'], ['checklist', 'ChecklistItem'], ['participants', 'Participant'],
  ['decisions', 'Decision'], ['confirmations', 'Confirmation'], ['personSteps', 'PersonStep'], ['flags', 'Flag'],
  ['themes', 'Theme'], ['letters', 'Letter'], ['externalRoutes', 'ExternalRoute'],
];

const select = (where: string) => `SELECT to_jsonb(d) AS d,
  ${LISTS.map(([f, t]) => `(SELECT coalesce(jsonb_agg(x), '[]') FROM "${t}" x WHERE x."disputeId" = d."id") AS "${f}"`).join(',\n  ')},
  (SELECT to_jsonb(x) FROM "ChcTrack" x WHERE x."disputeId" = d."id") AS "chc",
  (SELECT coalesce(jsonb_agg(to_jsonb(a) || jsonb_build_object('confirmations',
      (SELECT coalesce(jsonb_agg(c), '[]') FROM "ChcConfirmation" c
        WHERE c."disputeId" = a."disputeId" AND c."adjustmentSeq" = a."seq"))), '[]')
    FROM "ChcAdjustment" a WHERE a."disputeId" = d."id") AS "chcAdjustments",
  (SELECT jsonb_build_object('seq', h."seq", 'hash', h."hash", 'facts', h."facts") FROM "HistoryEvent" h
    WHERE h."disputeId" = d."id" ORDER BY h."seq" DESC LIMIT 1) AS "lastEntry"
FROM "Dispute" d WHERE ${where}`;
const BY_ID = select('d."id" = $1');
const BY_REFERENCE = select('d."reference" = $1');

/** The newest history entry, as appendHistory asks for it. */
export interface LastEntry { seq: number; hash: string | null; facts: unknown }

/** Where readDispute keeps the newest history entry it read with a copy: not enumerable, like nhsNumberSeal. */
const LAST_ENTRY = Symbol('lastEntry');

/** The newest history entry read with this copy of a dispute (null: it had none); undefined when not read with it. */
export function lastEntryOf(d: Dispute): LastEntry | null | undefined {
  return (d as unknown as { [LAST_ENTRY]?: LastEntry | null })[LAST_ENTRY];
}

type Json = Record<string, unknown>;

// timestamp(3) without time zone, written in UTC: JSON gives "2026-12-08T00:00:00.123", read as UTC.
const dates = (table: string, row: Json): Json => {
  for (const c of DATE_COLUMNS[table]!) {
    const v = row[c];
    if (typeof v === 'string') row[c] = new Date(`${v}Z`);
  }
  return row;
};

export async function readDispute(
  sql: SqlRunner, target: { id: string } | { reference: string }, keys: IdentifierKeys,
): Promise<Dispute | null> {
  const [text, value] = 'id' in target ? [BY_ID, target.id] : [BY_REFERENCE, target.reference];
  const [r] = sql.prepared ? await sql.prepared<Json>(text, [value]) : await sql.query<Json>(text, [value]);
  if (!r) return null;
  const row = dates('Dispute', r.d as Json);
  for (const [f, t] of LISTS) row[f] = (r[f] as Json[]).map((x) => dates(t, x));
  row.chc = r.chc ? dates('ChcTrack', r.chc as Json) : null;
  row.chcAdjustments = (r.chcAdjustments as Json[]).map((a) => {
    dates('ChcAdjustment', a);
    a.confirmations = (a.confirmations as Json[]).map((c) => dates('ChcConfirmation', c));
    return a;
  });
  const d = toDomain(row as never, keys);
  Object.defineProperty(d, LAST_ENTRY, { value: (r.lastEntry as LastEntry | null) ?? null, enumerable: false });
  return d;
}
