import type { Prisma } from '../generated/prisma/client.ts';
import type { RoutedEffect } from '../app/routing.ts';
import { sealEntries } from '../app/history-chain.ts';
import { factDelta, type FactMap, factsOf, type SealedFact } from '../app/fact-seals.ts';
import type { DomainEvent } from '../domain/effects.ts';
import { type IdentifierKeys, nhsSealDigest, protectNhsNumber, revealNhsNumber } from './identifiers.ts';
import type {
  CannotResolve, LearningArea, LetterFacts, WithdrawalProposal,
  ChcStatus, Cohort, Decision, DecisionEffect, JointAssessment, DecisionOutcome, DecisionStatus, Dispute, NeedsBasis, Payer, EndingReason, ExternalRouteKey, FlagCode,
  PartyRole, PersonStepKey, Platform,
  Reminder, Setting, StageInstance, StageNo, Subject, UnlawfulGround,
} from '../domain/types.ts';

export type Tx = Prisma.TransactionClient;

export class VersionConflict extends Error {
  constructor(reference: string) {
    super(`${reference} changed while this was being recorded`);
    this.name = 'VersionConflict';
  }
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const isoReq = (d: Date): string => d.toISOString();
const date = (s: string | null): Date | null => (s ? new Date(s) : null);
const dateReq = (s: string): Date => new Date(s);

export const DISPUTE_INCLUDE = {
  parties: true, stages: true, checklist: true, participants: true, decisions: true, confirmations: true, personSteps: true,
  flags: true, themes: true, chc: true, chcAdjustments: { include: { confirmations: true } }, letters: true, externalRoutes: true,
} as const;

type Row = Prisma.DisputeGetPayload<{ include: typeof DISPUTE_INCLUDE }>;

export function toDomain(r: Row, keys: IdentifierKeys): Dispute {
  const d = rowToDomain(r, revealNhsNumber(keys, r.id, r.nhsNumberCipher));
  // Not enumerable: it goes with this copy to verify, never into comparisons, JSON or the copies a command makes.
  Object.defineProperty(d, 'nhsNumberSeal', { value: nhsSealDigest(keys, r.id, d.nhsNumber), enumerable: false });
  return d;
}

function rowToDomain(r: Row, nhsNumber: string | null): Dispute {
  const bySeq = <T extends { seq: number }>(a: T[]) => [...a].sort((x, y) => x.seq - y.seq);
  return {
    id: r.id, reference: r.reference, status: r.status, stage: r.stage as StageNo, version: r.version,
    subjects: r.subjects as Subject[], cohort: r.cohort as Cohort, setting: r.setting as Setting, localCaseRef: r.localCaseRef,
    nhsNumber, description: r.description, currentCare: r.currentCare, careContinues: r.careContinues,
    endingProposal: r.endingProposal, legalAdviceAsked: r.legalAdviceAsked, cannotResolve: r.cannotResolve as unknown as CannotResolve[],
    pendingWithdrawals: r.pendingWithdrawals as unknown as WithdrawalProposal[], raisedById: r.raisedById, raisedAt: isoReq(r.raisedAt),
    raisedOn: r.raisedOn as Platform, namedProfessionals: r.namedProfessionals, outcome: r.outcome, resolvedAt: iso(r.resolvedAt),
    overdue: r.overdue, nextWakeAt: iso(r.nextWakeAt),
    parties: r.parties.map((p) => ({
      organisationId: p.organisationId, role: p.role as PartyRole, addedAt: iso(p.addedAt), addedReason: p.addedReason, withdrawnAt: iso(p.withdrawnAt), withdrawnReason: p.withdrawnReason,
    })),
    stages: [...r.stages].sort((a, b) => a.stage - b.stage).map((s) => ({
      stage: s.stage as StageNo, startedAt: isoReq(s.startedAt), dueAt: iso(s.dueAt), workingDays: s.workingDays, endedAt: iso(s.endedAt),
      endReason: s.endReason as StageInstance['endReason'], met: s.met, timedOutAt: iso(s.timedOutAt), escalationReason: s.escalationReason,
      reminders: s.reminders as unknown as Reminder[],
    })),
    checklist: [...r.checklist].sort((a, b) => a.stage - b.stage).map((c) => ({
      stage: c.stage as StageNo, key: c.key, label: c.label, tickedBy: c.tickedBy, tickedAt: iso(c.tickedAt),
    })),
    participants: [...r.participants].sort((a, b) => a.addedAt.getTime() - b.addedAt.getTime()).map((p) => ({
      personId: p.personId, fromStage: p.fromStage as StageNo, reason: p.reason, addedAt: isoReq(p.addedAt), leftAt: iso(p.leftAt),
    })),
    decisions: bySeq(r.decisions).map((d) => ({
      seq: d.seq, stage: d.stage as StageNo, outcome: d.outcome as DecisionOutcome, summary: d.summary, basisNeed: d.basisNeed,
      basisTests: d.basisTests, basisRisk: d.basisRisk, funding: d.funding, commissioning: d.commissioning, interimFunding: d.interimFunding,
      endingReason: d.endingReason as EndingReason | null, jointAssessment: d.jointAssessment,
      assessment: d.jointAssessmentForm ? {
        form: d.jointAssessmentForm as JointAssessment['form'], carriedOutOn: d.jointAssessedOn, organisations: d.jointAssessmentOrgs ?? [],
        personInvolved: d.personInvolved, personNotInvolvedReason: d.personNotInvolvedReason,
      } : null,
      effect: d.effect as DecisionEffect, basis: d.basis as NeedsBasis[], payers: d.payers as unknown as Payer[], effectiveFrom: d.effectiveFrom,
      wordingQuery: d.wordingQuery as Decision['wordingQuery'], proposedBy: d.proposedBy,
      proposedAt: isoReq(d.proposedAt), sourceMessage: d.sourceMessage, status: d.status as DecisionStatus, effectiveAt: iso(d.effectiveAt),
    })),
    confirmations: [...r.confirmations].sort((a, b) => a.at.getTime() - b.at.getTime()).map((c) => ({
      decisionSeq: c.decisionSeq, organisationId: c.organisationId, personId: c.personId, at: isoReq(c.at),
    })),
    personSteps: r.personSteps.map((p) => ({
      step: p.step as PersonStepKey, doneBy: p.doneBy, doneAt: iso(p.doneAt), note: p.note, dueAt: iso(p.dueAt),
    })),
    flags: bySeq(r.flags).map((f) => ({
      seq: f.seq, code: f.code as FlagCode, ground: f.ground as UnlawfulGround | null, detail: f.detail, at: isoReq(f.at), resolvedAt: iso(f.resolvedAt), resolution: f.resolution,
    })),
    themes: [...r.themes].sort((a, b) => a.at.getTime() - b.at.getTime()).map((t) => ({ theme: t.theme, addedBy: t.addedBy, at: isoReq(t.at), areas: t.areas as LearningArea[] })),
    chc: r.chc ? { status: r.chc.status as ChcStatus, referralDate: r.chc.referralDate, decisionDate: r.chc.decisionDate, updatedAt: isoReq(r.chc.updatedAt) } : null,
    chcAdjustments: bySeq(r.chcAdjustments).map((a) => ({
      seq: a.seq, effectiveDate: a.effectiveDate, parties: a.parties, amountOrShare: a.amountOrShare, personNotPenalised: a.personNotPenalised,
      recordedBy: a.recordedBy, at: isoReq(a.at), confirmedAt: iso(a.confirmedAt), lapsedAt: iso(a.lapsedAt), lapsedReason: a.lapsedReason,
      confirmations: [...a.confirmations].sort((x, y) => x.at.getTime() - y.at.getTime())
        .map((c) => ({ organisationId: c.organisationId, personId: c.personId, at: isoReq(c.at) })),
    })),
    letters: bySeq(r.letters).map((l) => ({
      seq: l.seq, decisionSeq: l.decisionSeq, text: l.text, gradeLevel: l.gradeLevel, readingAge: l.readingAge, draftedAt: isoReq(l.draftedAt),
      reviewedBy: l.reviewedBy, sentAt: iso(l.sentAt), facts: l.facts as unknown as LetterFacts | null,
    })),
    externalRoutes: [...r.externalRoutes].sort((a, b) => a.at.getTime() - b.at.getTime()).map((e) => ({
      route: e.route as ExternalRouteKey, by: e.by, at: isoReq(e.at), note: e.note,
    })),
  };
}

export async function loadDispute(tx: Tx, where: { id: string } | { reference: string }, keys: IdentifierKeys): Promise<Dispute | null> {
  const r = await tx.dispute.findUnique({ where, include: DISPUTE_INCLUDE, relationLoadStrategy: 'join' });
  return r ? toDomain(r, keys) : null;
}

/** Rows of `next` that are new or differ from `prev` (records are never deleted: R11.1). */
export function changed<T>(prev: readonly T[], next: readonly T[], key: (t: T) => string): { created: T[]; updated: T[] } {
  const old = new Map(prev.map((p) => [key(p), JSON.stringify(p)]));
  const created: T[] = [];
  const updated: T[] = [];
  for (const n of next) {
    const o = old.get(key(n));
    if (o === undefined) created.push(n);
    else if (o !== JSON.stringify(n)) updated.push(n);
  }
  return { created, updated };
}

export function scalarData(d: Dispute, keys: IdentifierKeys) {
  return {
    reference: d.reference, status: d.status, stage: d.stage, version: d.version, subjects: d.subjects, cohort: d.cohort, setting: d.setting,
    // Never in clear: every row is written with its NHS number encrypted and hashed (start-up emptied the legacy column).
    localCaseRef: d.localCaseRef, ...protectNhsNumber(keys, d.id, d.nhsNumber), description: d.description, currentCare: d.currentCare, careContinues: d.careContinues,
    endingProposal: d.endingProposal, legalAdviceAsked: d.legalAdviceAsked, cannotResolve: d.cannotResolve as unknown as Prisma.InputJsonValue,
    pendingWithdrawals: (d.pendingWithdrawals ?? []) as unknown as Prisma.InputJsonValue, raisedById: d.raisedById, raisedAt: dateReq(d.raisedAt),
    raisedOn: d.raisedOn, namedProfessionals: d.namedProfessionals, outcome: d.outcome, resolvedAt: date(d.resolvedAt), overdue: d.overdue,
    nextWakeAt: date(d.nextWakeAt),
  };
}

/**
 * Writes `next` over `prev`. The version guard comes first so a concurrent
 * writer blocks on the row and then finds nothing to update: exactly one of
 * two racing commands (or sweepers) lands.
 */
export async function saveDispute(tx: Tx, prev: Dispute | null, next: Dispute, keys: IdentifierKeys): Promise<void> {
  const id = next.id;
  if (!prev) {
    await tx.dispute.create({ data: { id, ...scalarData(next, keys) } });
  } else {
    const r = await tx.dispute.updateMany({ where: { id, version: prev.version }, data: scalarData(next, keys) });
    if (r.count !== 1) throw new VersionConflict(next.reference);
  }
  const p: Dispute = prev ?? { ...next, parties: [], stages: [], checklist: [], participants: [], decisions: [], confirmations: [], personSteps: [], flags: [], themes: [], chc: null, chcAdjustments: [], letters: [], externalRoutes: [] };

  const parties = changed(p.parties, next.parties, (x) => x.organisationId);
  const partyData = (x: Dispute['parties'][number]) => ({ ...x, addedAt: date(x.addedAt), withdrawnAt: date(x.withdrawnAt) });
  if (parties.created.length) await tx.party.createMany({ data: parties.created.map((x) => ({ disputeId: id, ...partyData(x) })) });
  for (const x of parties.updated) await tx.party.update({ where: { disputeId_organisationId: { disputeId: id, organisationId: x.organisationId } }, data: partyData(x) });

  const stageData = (s: StageInstance) => ({
    startedAt: dateReq(s.startedAt), dueAt: date(s.dueAt), workingDays: s.workingDays, endedAt: date(s.endedAt), endReason: s.endReason, met: s.met,
    timedOutAt: date(s.timedOutAt), escalationReason: s.escalationReason, reminders: s.reminders as unknown as Prisma.InputJsonValue,
  });
  const stages = changed(p.stages, next.stages, (x) => String(x.stage));
  if (stages.created.length) await tx.stageInstance.createMany({ data: stages.created.map((s) => ({ disputeId: id, stage: s.stage, ...stageData(s) })) });
  for (const s of stages.updated) await tx.stageInstance.update({ where: { disputeId_stage: { disputeId: id, stage: s.stage } }, data: stageData(s) });

  const checklist = changed(p.checklist, next.checklist, (x) => `${x.stage}:${x.key}`);
  if (checklist.created.length) {
    await tx.checklistItem.createMany({ data: checklist.created.map((c) => ({ disputeId: id, ...c, tickedAt: date(c.tickedAt) })) });
  }
  for (const c of checklist.updated) {
    await tx.checklistItem.update({ where: { disputeId_stage_key: { disputeId: id, stage: c.stage, key: c.key } }, data: { tickedBy: c.tickedBy, tickedAt: date(c.tickedAt) } });
  }

  const participants = changed(p.participants, next.participants, (x) => x.personId);
  if (participants.created.length) {
    await tx.participant.createMany({ data: participants.created.map((x) => ({ disputeId: id, ...x, addedAt: dateReq(x.addedAt), leftAt: date(x.leftAt) })) });
  }
  for (const x of participants.updated) {
    await tx.participant.update({ where: { disputeId_personId: { disputeId: id, personId: x.personId } }, data: { reason: x.reason, leftAt: date(x.leftAt) } });
  }

  const decisions = changed(p.decisions, next.decisions, (x) => String(x.seq));
  const decData = ({ assessment: a, ...d }: Dispute['decisions'][number]) => ({
    ...d, payers: d.payers as unknown as Prisma.InputJsonValue, proposedAt: dateReq(d.proposedAt), effectiveAt: date(d.effectiveAt),
    jointAssessmentForm: a?.form ?? null, jointAssessedOn: a?.carriedOutOn ?? null, jointAssessmentOrgs: a?.organisations ?? [],
    personInvolved: a?.personInvolved ?? null, personNotInvolvedReason: a?.personNotInvolvedReason ?? null,
  });
  if (decisions.created.length) await tx.decision.createMany({ data: decisions.created.map((d) => ({ disputeId: id, ...decData(d) })) });
  for (const d of decisions.updated) await tx.decision.update({ where: { disputeId_seq: { disputeId: id, seq: d.seq } }, data: decData(d) });

  const confirmations = changed(p.confirmations, next.confirmations, (x) => `${x.decisionSeq}:${x.organisationId}`);
  if (confirmations.created.length) {
    await tx.confirmation.createMany({ data: confirmations.created.map((c) => ({ disputeId: id, ...c, at: dateReq(c.at) })) });
  }

  const steps = changed(p.personSteps, next.personSteps, (x) => x.step);
  const stepData = (s: Dispute['personSteps'][number]) => ({ doneBy: s.doneBy, doneAt: date(s.doneAt), note: s.note, dueAt: date(s.dueAt) });
  if (steps.created.length) await tx.personStep.createMany({ data: steps.created.map((s) => ({ disputeId: id, step: s.step, ...stepData(s) })) });
  for (const s of steps.updated) await tx.personStep.update({ where: { disputeId_step: { disputeId: id, step: s.step } }, data: stepData(s) });

  const flags = changed(p.flags, next.flags, (x) => String(x.seq));
  if (flags.created.length) await tx.flag.createMany({ data: flags.created.map((f) => ({ disputeId: id, ...f, at: dateReq(f.at), resolvedAt: date(f.resolvedAt) })) });
  for (const f of flags.updated) await tx.flag.update({ where: { disputeId_seq: { disputeId: id, seq: f.seq } }, data: { resolvedAt: date(f.resolvedAt), resolution: f.resolution } });

  const themes = changed(p.themes, next.themes, (x) => x.theme);
  if (themes.created.length) await tx.theme.createMany({ data: themes.created.map((t) => ({ disputeId: id, ...t, at: dateReq(t.at) })) });
  for (const t of themes.updated) await tx.theme.update({ where: { disputeId_theme: { disputeId: id, theme: t.theme } }, data: { areas: t.areas } });

  if (next.chc && JSON.stringify(next.chc) !== JSON.stringify(p.chc)) {
    const data = { ...next.chc, updatedAt: dateReq(next.chc.updatedAt) };
    await tx.chcTrack.upsert({ where: { disputeId: id }, create: { disputeId: id, ...data }, update: data });
  }
  const adj = changed(p.chcAdjustments, next.chcAdjustments, (x) => String(x.seq));
  const adjData = ({ confirmations: _c, ...a }: Dispute['chcAdjustments'][number]) => ({
    ...a, at: dateReq(a.at), confirmedAt: date(a.confirmedAt), lapsedAt: date(a.lapsedAt ?? null), lapsedReason: a.lapsedReason ?? null,
  });
  if (adj.created.length) await tx.chcAdjustment.createMany({ data: adj.created.map((a) => ({ disputeId: id, ...adjData(a) })) });
  for (const a of adj.updated) await tx.chcAdjustment.update({ where: { disputeId_seq: { disputeId: id, seq: a.seq } }, data: { confirmedAt: date(a.confirmedAt), lapsedAt: date(a.lapsedAt ?? null), lapsedReason: a.lapsedReason ?? null } });
  const chcConfirmations = (d: Dispute) => d.chcAdjustments.flatMap((a) => a.confirmations.map((c) => ({ adjustmentSeq: a.seq, ...c })));
  const chcConf = changed(chcConfirmations(p), chcConfirmations(next), (x) => `${x.adjustmentSeq}:${x.organisationId}`);
  if (chcConf.created.length) {
    await tx.chcConfirmation.createMany({ data: chcConf.created.map((c) => ({ disputeId: id, ...c, at: dateReq(c.at) })) });
  }

  const letters = changed(p.letters, next.letters, (x) => String(x.seq));
  // A letter's facts are written once, with it; an absent value stays SQL NULL (older letters have none).
  const letterData = ({ facts, ...l }: Dispute['letters'][number]) => ({
    ...l, draftedAt: dateReq(l.draftedAt), sentAt: date(l.sentAt), ...(facts ? { facts: facts as unknown as Prisma.InputJsonValue } : {}),
  });
  if (letters.created.length) await tx.letter.createMany({ data: letters.created.map((l) => ({ disputeId: id, ...letterData(l) })) });
  for (const l of letters.updated) await tx.letter.update({ where: { disputeId_seq: { disputeId: id, seq: l.seq } }, data: letterData(l) });

  const routes = changed(p.externalRoutes, next.externalRoutes, (x) => x.route);
  if (routes.created.length) await tx.externalRoute.createMany({ data: routes.created.map((r) => ({ disputeId: id, ...r, at: dateReq(r.at) })) });
}

/** The dispute before and after the change its history entries record. */
export interface SavedChange { prev: Dispute | null; next: Dispute }

/**
 * Appends the entries onto the dispute's chain. The first entry also seals
 * the facts the change created or altered — or all of them, on a dispute's
 * first entry that seals facts — so an edit made to those rows by hand no
 * longer matches its seal.
 */
export async function appendHistory(
  tx: Tx, disputeId: string, events: DomainEvent[], meta: { at: Date; actorId: string; platform: string }, keys: IdentifierKeys,
  change?: SavedChange,
): Promise<number[]> {
  if (!events.length) return [];
  // The newest entry gives the next seq, the hash the new entries chain onto, and whether facts are sealed yet.
  const last = await tx.historyEvent.findFirst({ where: { disputeId }, orderBy: { seq: 'desc' }, select: { seq: true, hash: true, facts: true } });
  const base = last?.seq ?? 0;
  const now = change?.next ?? await loadDispute(tx, { id: disputeId }, keys);
  const sealedBefore = last !== null && last.facts !== null;
  // The NHS number as its keyed seal, worked out afresh: a command may have corrected it since the dispute was read.
  const keyed = (d: Dispute): FactMap => factsOf({ ...d, nhsNumberSeal: nhsSealDigest(keys, d.id, d.nhsNumber) });
  const facts: Record<string, SealedFact | null> = !now ? {}
    : sealedBefore ? factDelta(change?.prev ? keyed(change.prev) : keyed(now), keyed(now)) : keyed(now);
  const sealed = sealEntries(events.map((e, i) => ({
    disputeId, seq: base + i + 1, at: meta.at, actorId: meta.actorId, platform: meta.platform, type: e.type,
    data: e.data as Prisma.InputJsonValue, correctsSeq: e.correctsSeq ?? null, facts: i === 0 ? facts : {},
  })), last?.hash ?? null);
  await tx.historyEvent.createMany({ data: sealed.map((x) => ({ ...x, facts: x.facts as Prisma.InputJsonValue })) });
  return events.map((_, i) => base + i + 1);
}

export async function enqueueEffects(tx: Tx, disputeId: string, version: number, effects: RoutedEffect[]): Promise<void> {
  if (!effects.length) return;
  await tx.outbox.createMany({
    data: effects.map(({ platform, ...e }, i) => ({
      // Stable across retries of the same state change: a version is written once.
      idempotencyKey: `${disputeId}:v${version}:${i}${platform ? `:${platform}` : ''}`,
      disputeId, kind: e.kind, payload: e as unknown as Prisma.InputJsonValue, notBefore: dateReq(e.notBefore), nextAttemptAt: dateReq(e.notBefore),
      ...(platform ? { platform } : {}),
    })),
    skipDuplicates: true,
  });
}

/** S117-YYYY-NNNN, sequential per year, never reused (an atomic counter bump). */
export async function nextReference(tx: Tx, year: number): Promise<string> {
  const rows = await tx.$queryRaw<{ last: number }[]>`
    INSERT INTO "ReferenceCounter" ("year", "last") VALUES (${year}, 1)
    ON CONFLICT ("year") DO UPDATE SET "last" = "ReferenceCounter"."last" + 1
    RETURNING "last"`;
  const n = rows[0]!.last;
  return `S117-${year}-${String(n).padStart(4, '0')}`;
}
