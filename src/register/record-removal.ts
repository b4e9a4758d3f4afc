import { Prisma } from '../generated/prisma/client.ts';
import { ANONYMISED_EVENT, REMOVED_TEXT } from '../app/fact-seals.ts';
import { removeTexts } from '../app/record-removal.ts';
import { appendHistory, loadDispute, type Tx } from './dispute-repo.ts';
import type { IdentifierKeys } from './identifiers.ts';

const R = REMOVED_TEXT;

/**
 * Every table anonymiseDispute rewrites (the history too: removeEntryTexts). An UPDATE leaves the old row version
 * behind until a VACUUM, and a plain VACUUM only marks its space free to reuse, leaving the bytes in the page; VACUUM
 * FULL writes each table (and its TOAST table and indexes) into new files and truncates the old ones, so the removed
 * text is no longer in the data files (docs/retention.md, "Nothing readable left on disk").
 */
export const ANONYMISED_TABLES = [
  'Dispute', 'Party', 'StageInstance', 'Participant', 'Decision', 'PersonStep', 'Flag', 'ChcAdjustment', 'Letter',
  'ExternalRoute', 'Outbox', 'ProcessedCommand', 'HistoryEvent',
] as const;

/** Replaces the texts of the named history entries by their digests; how many texts went. */
export async function removeEntryTexts(
  tx: Tx, disputeId: string, entries: readonly number[] | null, fields: readonly string[] | null,
): Promise<number> {
  const rows = await tx.historyEvent.findMany({
    where: { disputeId, ...(entries ? { seq: { in: [...entries] } } : {}) }, select: { seq: true, data: true }, orderBy: { seq: 'asc' },
  });
  let n = 0;
  for (const r of rows) {
    const x = removeTexts(disputeId, r.data, fields);
    if (!x.removed) continue;
    n += x.removed;
    await tx.historyEvent.update({ where: { disputeId_seq: { disputeId, seq: r.seq } }, data: { data: x.data as Prisma.InputJsonValue } });
  }
  return n;
}

export interface AnonymiseMeta {
  at: Date; actorId: string; platform: string;
  /** What the history entry records about the run (record class, period, the OS account that ran it). */
  data: Record<string, unknown>;
}

/**
 * Anonymises one dispute inside the caller's transaction: the NHS number and
 * the local case number, every free text in its rows and in its history's
 * data, the texts of the notifications already sent, and the results kept
 * for repeated requests; notifications not sent yet are cancelled. Codes, dates, stages, outcomes and the directory
 * ids of staff stay, so the register's figures do not change. The history
 * entry that records it seals the facts as they are now, and every removed
 * text keeps its digest, so `s117 register verify` still passes.
 * Null when the dispute is not there; done false when it was anonymised already.
 */
export async function anonymiseDispute(
  tx: Tx, keys: IdentifierKeys, disputeId: string, meta: AnonymiseMeta,
): Promise<{ done: boolean; texts: number } | null> {
  const prev = await loadDispute(tx, { id: disputeId }, keys);
  if (!prev) return null;
  const before = await tx.historyEvent.findFirst({ where: { disputeId, type: ANONYMISED_EVENT }, select: { seq: true } });
  if (before) return { done: false, texts: 0 };
  const where = { disputeId };
  const json = (v: unknown) => v as Prisma.InputJsonValue;
  await tx.dispute.update({
    where: { id: disputeId },
    data: {
      localCaseRef: R, nhsNumberLegacy: null, nhsNumberCipher: null, nhsNumberHash: null, description: R, currentCare: R,
      // The outcome quotes the decision; the decisions' own codes keep what was decided.
      ...(prev.outcome === null ? {} : { outcome: R }),
      version: prev.version + 1,
      cannotResolve: json(prev.cannotResolve.map((c) => ({ ...c, reason: R }))),
      pendingWithdrawals: json((prev.pendingWithdrawals ?? []).map((w) => ({
        ...w, reason: R, agreements: w.agreements.map((a) => ({ ...a, reason: R })),
      }))),
    },
  });
  const notNull = { not: null };
  await tx.party.updateMany({ where: { ...where, addedReason: notNull }, data: { addedReason: R } });
  await tx.party.updateMany({ where: { ...where, withdrawnReason: notNull }, data: { withdrawnReason: R } });
  await tx.stageInstance.updateMany({ where: { ...where, escalationReason: notNull }, data: { escalationReason: R } });
  await tx.participant.updateMany({ where, data: { reason: R } });
  await tx.decision.updateMany({ where, data: { summary: R, basisNeed: R, basisTests: R, basisRisk: R } });
  // The joint assessment's date, organisations and yes/no are facts and stay; why the person was not involved is words.
  for (const f of ['funding', 'commissioning', 'interimFunding', 'jointAssessment', 'personNotInvolvedReason', 'sourceMessage'] as const) {
    await tx.decision.updateMany({ where: { ...where, [f]: notNull }, data: { [f]: R } });
  }
  for (const d of prev.decisions.filter((x) => x.payers.length)) {
    await tx.decision.update({
      where: { disputeId_seq: { disputeId, seq: d.seq } }, data: { payers: json(d.payers.map((p) => ({ ...p, share: R }))) },
    });
  }
  await tx.personStep.updateMany({ where: { ...where, note: notNull }, data: { note: R } });
  await tx.flag.updateMany({ where, data: { detail: R } });
  await tx.flag.updateMany({ where: { ...where, resolution: notNull }, data: { resolution: R } });
  await tx.chcAdjustment.updateMany({ where, data: { amountOrShare: R } });
  await tx.chcAdjustment.updateMany({ where: { ...where, lapsedReason: notNull }, data: { lapsedReason: R } });
  await tx.letter.updateMany({ where, data: { text: R, facts: Prisma.DbNull } });
  await tx.externalRoute.updateMany({ where: { ...where, note: notNull }, data: { note: R } });
  // Copies of the words in what was sent and what a repeated request is answered with.
  await tx.$executeRaw`UPDATE "Outbox" SET "payload" = jsonb_build_object('kind', "kind", 'removed', 'retention'), "lastError" = NULL
    WHERE "disputeId" = ${disputeId} AND ("deliveredAt" IS NOT NULL OR "failedAt" IS NOT NULL)`;
  // What is still waiting to go out (the bot was down, a platform refused for a while) would carry the words to a chat
  // or a mailbox after they were removed here: it is cancelled with them, in this transaction. Marked as told, since
  // nothing went wrong that governance should hear of; the claim goes too, so a deliverer holding it cannot record a result.
  await tx.$executeRaw`UPDATE "Outbox" SET "payload" = jsonb_build_object('kind', "kind", 'removed', 'retention'),
      "failedAt" = ${meta.at}, "alertedAt" = ${meta.at}, "claimToken" = NULL, "claimedUntil" = NULL,
      "lastError" = 'cancelled: the dispute was anonymised before this was sent'
    WHERE "disputeId" = ${disputeId} AND "deliveredAt" IS NULL AND "failedAt" IS NULL`;
  await tx.processedCommand.updateMany({ where: { disputeId }, data: { result: json({ notice: null }) } });
  const texts = await removeEntryTexts(tx, disputeId, null, null);
  const next = await loadDispute(tx, { id: disputeId }, keys);
  await appendHistory(tx, disputeId, [{ type: ANONYMISED_EVENT, data: { ...meta.data, texts } }], meta, keys, { prev, next: next! });
  return { done: true, texts };
}
