import crypto from 'node:crypto';
import type { Dispute } from '../domain/types.ts';

/**
 * The facts a person relies on — what was decided and on what basis, who
 * confirmed it, the letter the person was sent, the person's steps, the
 * parties — in the form the history seals them. Free text is replaced by a
 * digest, so the seal proves the text without holding it: retention can
 * later remove the text and the seal still checks out.
 */
export type SealedValue = string | number | boolean | null | readonly string[];
export type SealedFact = Record<string, SealedValue>;
export type FactMap = Record<string, SealedFact>;

/** What a retention run writes in place of a free text it removed. */
export const REMOVED_TEXT = '[removed under retention]';
/** The digest a removed text shows: the sealed digest cannot be recomputed, and verify asks for the record of the removal. */
export const REMOVED_DIGEST = 'removed';
/** The history entry that records a retention run; only with one may a sealed text be missing. */
export const ANONYMISED_EVENT = 'RECORD_ANONYMISED';
/** The history entry that records texts removed from named entries (a wrong value, with a reason): `{ entries: number[] }`. */
export const REDACTED_EVENT = 'TEXT_REDACTED';

/**
 * SHA-256 of one free text, bound to its dispute so the same words in two
 * disputes give different digests. A short identifier (an NHS number) can
 * still be found from its digest by trying every value: the digest proves
 * a text, it does not hide one.
 */
export function textDigest(disputeId: string, text: string | null): string | null {
  if (text === null) return null;
  if (text === REMOVED_TEXT) return REMOVED_DIGEST;
  return `sha256:${crypto.createHash('sha256').update(`s117-text\u0000${disputeId}\u0000${text}`).digest('hex')}`;
}

/** Every sealed fact of a dispute, keyed by what it is ("decision:2", "party:anytown-council"). */
export function factsOf(d: Dispute): FactMap {
  const t = (s: string | null) => textDigest(d.id, s);
  const f: FactMap = {};
  f.dispute = {
    reference: d.reference, raisedById: d.raisedById, raisedAt: d.raisedAt, raisedOn: d.raisedOn, subjects: d.subjects, cohort: d.cohort,
    setting: d.setting, localCaseRef: t(d.localCaseRef),
    // Keyed when the register gives it: a plain digest of so short a number could be found by trying every one.
    nhsNumber: d.nhsNumberSeal !== undefined ? d.nhsNumberSeal : t(d.nhsNumber), description: t(d.description),
    currentCare: t(d.currentCare), careContinues: d.careContinues, endingProposal: d.endingProposal, legalAdviceAsked: d.legalAdviceAsked,
    namedProfessionals: t(JSON.stringify(d.namedProfessionals)), cannotResolve: t(JSON.stringify(d.cannotResolve)), status: d.status,
    // The outcome is a sentence quoting the decision: a text, sealed as its digest like the rest.
    stage: d.stage, outcome: t(d.outcome), resolvedAt: d.resolvedAt,
  };
  for (const p of d.parties) {
    f[`party:${p.organisationId}`] = {
      role: p.role, addedAt: p.addedAt, addedReason: t(p.addedReason), withdrawnAt: p.withdrawnAt, withdrawnReason: t(p.withdrawnReason),
    };
  }
  for (const p of d.participants) {
    f[`participant:${p.personId}`] = { fromStage: p.fromStage, reason: t(p.reason), addedAt: p.addedAt, leftAt: p.leftAt };
  }
  for (const s of d.stages) {
    f[`stage:${s.stage}`] = {
      startedAt: s.startedAt, dueAt: s.dueAt, workingDays: s.workingDays, endedAt: s.endedAt, endReason: s.endReason, met: s.met,
      timedOutAt: s.timedOutAt, escalationReason: t(s.escalationReason),
    };
  }
  for (const c of d.checklist) f[`check:${c.stage}:${c.key}`] = { label: t(c.label), tickedBy: c.tickedBy, tickedAt: c.tickedAt };
  for (const x of d.decisions) {
    f[`decision:${x.seq}`] = {
      stage: x.stage, outcome: x.outcome, summary: t(x.summary), basisNeed: t(x.basisNeed), basisTests: t(x.basisTests),
      basisRisk: t(x.basisRisk), funding: t(x.funding), commissioning: t(x.commissioning), interimFunding: t(x.interimFunding),
      endingReason: x.endingReason, jointAssessment: t(x.jointAssessment), proposedBy: x.proposedBy, proposedAt: x.proposedAt,
      sourceMessage: t(x.sourceMessage),
      // R7.1: sealed only when recorded as facts. An ending recorded before them (TEXT_ONLY) has none to seal, and its
      // entries sealed none: absent fields compare as null, so those seals still check out.
      ...(x.assessment?.form === 'STRUCTURED' ? {
        jointAssessedOn: x.assessment.carriedOutOn, jointAssessmentOrganisations: x.assessment.organisations,
        personInvolved: x.assessment.personInvolved, personNotInvolvedReason: t(x.assessment.personNotInvolvedReason),
      } : {}),
    };
    // Apart from the text, so a later confirmation cannot reseal a text someone changed by hand.
    f[`decision:${x.seq}:status`] = { status: x.status, effectiveAt: x.effectiveAt };
  }
  for (const c of d.confirmations) f[`confirmation:${c.decisionSeq}:${c.organisationId}`] = { personId: c.personId, at: c.at };
  for (const s of d.personSteps) f[`step:${s.step}`] = { doneBy: s.doneBy, doneAt: s.doneAt, note: t(s.note), dueAt: s.dueAt };
  for (const x of d.flags) {
    f[`flag:${x.seq}`] = {
      code: x.code, ground: x.ground, detail: t(x.detail), at: x.at, resolvedAt: x.resolvedAt, resolution: t(x.resolution),
    };
  }
  // A theme is free text, so its key is a digest too.
  for (const x of d.themes) f[`theme:${t(x.theme)!.slice(7, 23)}`] = { theme: t(x.theme), addedBy: x.addedBy, at: x.at, areas: x.areas };
  if (d.chc) {
    f.chc = { status: d.chc.status, referralDate: d.chc.referralDate, decisionDate: d.chc.decisionDate, updatedAt: d.chc.updatedAt };
  }
  for (const a of d.chcAdjustments) {
    f[`chc-adjustment:${a.seq}`] = {
      effectiveDate: a.effectiveDate, parties: a.parties, amountOrShare: t(a.amountOrShare), personNotPenalised: a.personNotPenalised,
      recordedBy: a.recordedBy, at: a.at, confirmedAt: a.confirmedAt,
    };
    for (const c of a.confirmations) f[`chc-confirmation:${a.seq}:${c.organisationId}`] = { personId: c.personId, at: c.at };
  }
  for (const l of d.letters) {
    f[`letter:${l.seq}`] = {
      decisionSeq: l.decisionSeq, text: t(l.text), gradeLevel: l.gradeLevel, readingAge: l.readingAge, draftedAt: l.draftedAt,
      reviewedBy: l.reviewedBy, sentAt: l.sentAt,
    };
  }
  for (const r of d.externalRoutes) f[`route:${r.route}`] = { by: r.by, at: r.at, note: t(r.note) };
  return f;
}

/** The facts as a version before keyed NHS number seals sealed them: what an older entry may hold. */
export function legacyFactsOf(d: Dispute): FactMap {
  const { nhsNumberSeal: _keyed, ...plain } = d;
  return factsOf(plain);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The facts of `next` that are new or differ from `prev` (a fact that vanished is sealed as null). */
export function factDelta(prev: FactMap, next: FactMap): Record<string, SealedFact | null> {
  const out: Record<string, SealedFact | null> = {};
  for (const [k, v] of Object.entries(next)) if (!prev[k] || !same(sortKeys(prev[k]), sortKeys(v))) out[k] = v;
  for (const k of Object.keys(prev)) if (!(k in next)) out[k] = null;
  return out;
}

function sortKeys(f: SealedFact): [string, SealedValue][] {
  return Object.keys(f).sort().map((k) => [k, f[k]!]);
}

/** The fields of a fact that differ from what was sealed. */
export function changedFields(sealed: SealedFact, now: SealedFact): string[] {
  const keys = [...new Set([...Object.keys(sealed), ...Object.keys(now)])].sort();
  return keys.filter((k) => !same(sealed[k] ?? null, now[k] ?? null));
}

/** A fact key in words: "decision 2", "the confirmation of decision 2 by anytown-council". */
export function describeFact(key: string): string {
  const [kind, a, b] = key.split(':');
  switch (kind) {
    case 'dispute': return 'the dispute\'s record';
    case 'party': return `party ${a}`;
    case 'participant': return `participant ${a}`;
    case 'stage': return `stage ${a}`;
    case 'check': return `checklist item "${b}" of stage ${a}`;
    case 'decision': return b ? `decision ${a}'s status` : `decision ${a}`;
    case 'confirmation': return `the confirmation of decision ${a} by ${b}`;
    case 'step': return `the person step "${a}"`;
    case 'flag': return `flag ${a}`;
    case 'theme': return 'a theme';
    case 'chc': return 'the CHC record';
    case 'chc-adjustment': return `CHC adjustment ${a}`;
    case 'chc-confirmation': return `the confirmation of CHC adjustment ${a} by ${b}`;
    case 'letter': return `letter ${a}`;
    case 'route': return `the Stage 4 route "${a}"`;
    default: return key;
  }
}
