import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { assessmentLines } from '../domain/handlers/joint-assessment.ts';
import { BASIS_TEXT, EFFECT_TEXT } from '../domain/aftercare-effect.ts';
import { type HistoryNames, historyText } from '../domain/history-text.ts';
import { maskNhsNumber } from '../domain/nhs-number.ts';
import { overdueStage, stageMark, type StageMark } from '../domain/overdue.ts';
import type { Policy } from '../domain/stage-policy.ts';
import {
  CHC_TEXT, COHORT_TEXT, CONTINUITY_REMINDER, FLAG_TEXT, OUTCOME_TEXT, PARTY_ROLE_TEXT, PERSON_STEP_TEXT, ROUTE_TEXT, SETTING_TEXT,
  SUBJECT_TEXT,
} from '../domain/texts.ts';
import type { Directory, Dispute } from '../domain/types.ts';
import { GROUND_TEXT } from '../domain/unlawful-grounds.ts';
import { registerRow, type RegisterRow } from './register-export.ts';

// R5.7, R9.1: the Stage 4 referral pack, built from the register alone. Everything a reader outside the partnership
// (NHS England, DHSC, a lawyer) needs, and nothing the register does not hold: figures come from the same functions
// as every other surface (overdueStage, stageMark, registerRow), so the pack never disagrees with the register.
// The person appears only by local case reference and a masked NHS number (R11.2); the register never holds a name.

/** A history entry as the pack reads it (the store's entries have this shape). */
export interface PackHistoryEntry {
  seq: number; at: Date | string; actorId: string; platform: string; type: string; data: unknown; correctsSeq: number | null;
}

export type PackStageMark = Exclude<StageMark, null> | 'open' | 'overdue' | 'no timescale';

export interface ReferralPack {
  kind: 'section-117-stage-4-referral-pack';
  version: 1;
  reference: string;
  partnership: string;
  generatedAt: string;
  generatedAtText: string;
  status: 'OPEN' | 'RESOLVED';
  stage: number;
  stageName: string;
  person: { caseReference: string; nhsNumber: string | null; cohort: string; setting: string };
  subjects: string[];
  description: string;
  parties: { organisationId: string; organisation: string; kind: string; role: string; added: string | null; withdrawn: string | null }[];
  positions: { organisation: string; role: string; statements: { at: string; by: string; what: string }[] }[];
  decisions: {
    seq: number; stage: number; outcome: string; status: string; summary: string; effect: string; effectiveFrom: string | null;
    basis: string[]; basisNeed: string; basisTests: string; basisRisk: string; payers: { organisation: string; share: string }[];
    funding: string | null; commissioning: string | null; interimFunding: string | null; wordingQuery: string | null;
    /** R7.1: an ending's joint assessment (its date, organisations, the person's involvement, what it found); empty otherwise. */
    jointAssessment: string[];
    proposedBy: string; proposedAt: string; tookEffect: string | null;
    confirmations: { organisation: string; by: string | null; at: string | null }[];
  }[];
  stages: {
    stage: number; name: string; started: string; due: string | null; ended: string | null; how: string | null;
    mark: PackStageMark; escalationReason: string | null;
  }[];
  overdue: { stage: number; due: string } | null;
  externalRoutes: { route: string; by: string; at: string; note: string | null }[];
  cannotResolve: { organisation: string; by: string; at: string; reason: string }[];
  continuity: {
    careAtRaising: string; careContinues: boolean; reminder: string;
    alerts: { at: string; detail: string; resolved: string | null; resolution: string | null }[];
  };
  flags: {
    unlawfulGrounds: { ground: string; at: string; detail: string }[];
    legalRisk: { signal: string; at: string; detail: string; resolved: string | null }[];
  };
  personSteps: { step: string; done: boolean; by: string | null; at: string | null; note: string | null }[];
  chc: {
    status: string; referralDate: string | null; decisionDate: string | null;
    adjustments: { from: string; amountOrShare: string; agreed: boolean }[];
  } | null;
  chronology: { seq: number; at: string; by: string; platform: string; what: string; correctsSeq: number | null }[];
  evidence: { id: string; kind: string; what: string; at: string; where: string }[];
  letters: {
    seq: number; decisionSeq: number | null; drafted: string; reviewedBy: string | null; sent: string | null;
    readingAge: number; text: string;
  }[];
  /** The register's own row for this dispute, exactly as `s117 register export --format json` gives it. */
  register: RegisterRow;
}

const MARK_TEXT: Record<PackStageMark, string> = {
  met: 'Met', missed: 'Missed', escalated: 'Escalated', open: 'Open, within its timescale', overdue: 'Overdue',
    'no timescale': 'No timescale',
};
export const packMarkText = (m: PackStageMark): string => MARK_TEXT[m];

const HOW: Record<string, string> = { RESOLVED: 'resolved', TIMEOUT: 'timed out',
  MANUAL: 'escalated by a participant (the reason follows)', JOINT_DECISION: 'escalated by joint decision' };

/** Events in which an organisation states or acts on its position; the organisation is the actor's unless the entry names one. */
const POSITION_EVENTS = new Set([
  'RAISED', 'ESCALATED', 'DECISION_PROPOSED', 'DECISION_CONFIRMED', 'DECISION_WITHDRAWN', 'STAGE_3_CANNOT_RESOLVE',
    'EXTERNAL_ROUTE_RECORDED',
  'LEGAL_ADVICE_REQUESTED', 'CARE_CHANGE_REPORTED', 'PARTY_WITHDRAWAL_AGREED', 'CORRECTED',
]);

export interface PackInput {
  dispute: Dispute;
  history: PackHistoryEntry[];
  directory: Directory;
  calendar: WorkingCalendar;
  policy: Policy;
  now: Date;
}

export function referralPack({ dispute: d, history, directory: dir, calendar, policy, now }: PackInput): ReferralPack {
  const orgName = (id: string) => dir.organisations.find((o) => o.id === id)?.name ?? id;
  const person = (id: string | null) => (!id ? null : id === 'system' ? 'the bot' : dir.people.find((p) => p.id === id)?.name ?? id);
  const when = (iso: string | Date | null) => (iso ? calendar.describe(new Date(iso), { year: true }) : null);
  const at = (iso: string | Date) => when(iso)!;
  const names: HistoryNames = { person: (id) => person(id)!, organisation: orgName, date: at };
  const isoOf = (x: string | Date) => (typeof x === 'string' ? x : x.toISOString());
  const sorted = [...history].sort((a, b) => a.seq - b.seq);
  const overdue = overdueStage(d, now);

  const stages = d.stages.map((s) => {
    const mark: PackStageMark = stageMark(s) ?? (overdue?.stage === s.stage && !s.endedAt ? 'overdue' : s.dueAt ? 'open' : 'no timescale');
    return {
      stage: s.stage, name: policy.stages[s.stage].name, started: at(s.startedAt), due: when(s.dueAt), ended: when(s.endedAt),
      how: s.endReason ? HOW[s.endReason] ?? s.endReason.toLowerCase() : null, mark, escalationReason: s.escalationReason,
    };
  });

  const positions = d.parties.map((p) => {
    const statements = sorted.filter((h) => POSITION_EVENTS.has(h.type)).filter((h) => {
      const named = (h.data as { organisationId?: unknown; by?: unknown } | null);
      const org = h.type === 'DECISION_CONFIRMED' || h.type === 'STAGE_3_CANNOT_RESOLVE' ? named?.organisationId
        : h.type === 'PARTY_WITHDRAWAL_AGREED' ? named?.by
          : dir.people.find((x) => x.id === h.actorId)?.organisationId;
      return org === p.organisationId;
    }).map((h) => ({ at: at(h.at), by: person(h.actorId)!, what: historyText(h.type, h.data, d, names) }));
    if (p.role === 'RAISING') statements.unshift({ at: at(d.raisedAt), by: person(d.raisedById)!,
      what: `The disagreement as raised: ${d.description}` });
    return { organisation: orgName(p.organisationId), role: PARTY_ROLE_TEXT[p.role], statements };
  });

  const decisions = d.decisions.map((x) => ({
    seq: x.seq, stage: x.stage, outcome: OUTCOME_TEXT[x.outcome], status: x.status.toLowerCase(), summary: x.summary,
    effect: EFFECT_TEXT[x.effect], effectiveFrom: x.effectiveFrom, basis: x.basis.map((b) => BASIS_TEXT[b]),
    basisNeed: x.basisNeed, basisTests: x.basisTests, basisRisk: x.basisRisk,
    payers: x.payers.map((p) => ({ organisation: orgName(p.organisationId), share: p.share })),
    funding: x.funding, commissioning: x.commissioning, interimFunding: x.interimFunding,
    wordingQuery: x.wordingQuery
      ? `The words read as ${x.wordingQuery === 'ENDS' ? 'ending' : 'reducing'} aftercare; the proposer kept the choice` : null,
    jointAssessment: assessmentLines(x, orgName),
    proposedBy: person(x.proposedBy)!, proposedAt: at(x.proposedAt), tookEffect: when(x.effectiveAt),
    confirmations: d.parties.filter((p) => !p.withdrawnAt).map((p) => {
      const c = d.confirmations.find((k) => k.decisionSeq === x.seq && k.organisationId === p.organisationId);
      return { organisation: orgName(p.organisationId), by: person(c?.personId ?? null), at: c ? at(c.at) : null };
    }),
  }));

  const evidence: ReferralPack['evidence'] = [];
  const cite = (kind: string, what: string, when_: string, where: string) => evidence.push({ id: `E${evidence.length + 1}`, kind, what,
    at: when_, where });
  cite('Raising record', `Subjects, parties, the disagreement and the care at raising (${d.currentCare})`, at(d.raisedAt),
    'history entry 1');
  for (const x of d.decisions) {
    cite('Decision', `Decision ${x.seq} (${OUTCOME_TEXT[x.outcome]}, ${x.status.toLowerCase()}): ${x.summary}`, at(x.proposedAt),
      `decision ${x.seq}`);
    if (x.sourceMessage) cite('Chat message', `The message decision ${x.seq} was recorded from: ${x.sourceMessage}`, at(x.proposedAt),
      `decision ${x.seq}`);
  }
  for (const c of d.cannotResolve) cite('Senior officer statement', `${orgName(c.organisationId)}: Stage 3 cannot resolve it. ${c.reason}`,
    at(c.at), 'Stage 3 record');
  for (const r of d.externalRoutes) cite('External escalation', `${ROUTE_TEXT[r.route]}${r.note ? `: ${r.note}` : ''}`, at(r.at),
    'Stage 4 record');
  for (const f of d.flags) cite('Flag', `${FLAG_TEXT[f.code]}: ${f.detail.replace(/^\[[A-Z_]+\] /, '')}`, at(f.at), `flag ${f.seq}`);
  for (const l of d.letters) cite('Letter to the person',
    `Letter ${l.seq}${l.sentAt ? ', sent' : ', draft'} (reading age ${l.readingAge})`, at(l.draftedAt),
    `letters/${letterFileName(d.reference, l.seq)}`);
  for (const a of d.chcAdjustments) cite('CHC funding adjustment', `From ${a.effectiveDate}: ${a.amountOrShare}`, at(a.at),
    `CHC adjustment ${a.seq}`);
  for (const h of sorted.filter((x) => x.type === 'CORRECTED')) cite('Correction', historyText(h.type, h.data, d, names), at(h.at),
    `history entry ${h.seq}`);

  return {
    kind: 'section-117-stage-4-referral-pack',
    version: 1,
    reference: d.reference,
    partnership: dir.partnership,
    generatedAt: now.toISOString(),
    generatedAtText: at(now),
    status: d.status,
    stage: d.stage,
    stageName: policy.stages[d.stage].name,
    person: { caseReference: d.localCaseRef, nhsNumber: maskNhsNumber(d.nhsNumber), cohort: COHORT_TEXT[d.cohort],
      setting: SETTING_TEXT[d.setting] },
    subjects: d.subjects.map((s) => SUBJECT_TEXT[s]),
    description: d.description,
    parties: d.parties.map((p) => ({
      organisationId: p.organisationId, organisation: orgName(p.organisationId),
        kind: dir.organisations.find((o) => o.id === p.organisationId)?.kind ?? 'OTHER',
      role: PARTY_ROLE_TEXT[p.role], added: p.addedAt ? `${at(p.addedAt)}${p.addedReason ? `: ${p.addedReason}` : ''}` : null,
      withdrawn: p.withdrawnAt ? `${at(p.withdrawnAt)}${p.withdrawnReason ? `: ${p.withdrawnReason}` : ''}` : null,
    })),
    positions,
    decisions,
    stages,
    overdue: overdue ? { stage: overdue.stage, due: at(overdue.dueAt) } : null,
    externalRoutes: d.externalRoutes.map((r) => ({ route: ROUTE_TEXT[r.route], by: person(r.by)!, at: at(r.at), note: r.note })),
    cannotResolve: d.cannotResolve.map((c) => ({ organisation: orgName(c.organisationId), by: person(c.personId)!, at: at(c.at),
      reason: c.reason })),
    continuity: {
      careAtRaising: d.currentCare, careContinues: d.careContinues, reminder: CONTINUITY_REMINDER,
      alerts: d.flags.filter((f) => f.code === 'CONTINUITY_ALERT').map((f) => ({
        at: at(f.at), detail: f.detail.replace(/^\[[A-Z_]+\] /, ''), resolved: when(f.resolvedAt), resolution: f.resolution,
      })),
    },
    flags: {
      unlawfulGrounds: d.flags.filter((f) => f.code === 'UNLAWFUL_GROUND').map((f) => ({
        ground: f.ground ? GROUND_TEXT[f.ground] : FLAG_TEXT[f.code], at: at(f.at), detail: f.detail.replace(/^\[[A-Z_]+\] /, ''),
      })),
      legalRisk: d.flags.filter((f) => f.code !== 'UNLAWFUL_GROUND').map((f) => ({
        signal: FLAG_TEXT[f.code], at: at(f.at), detail: f.detail.replace(/^\[[A-Z_]+\] /, ''), resolved: when(f.resolvedAt),
      })),
    },
    personSteps: d.personSteps.map((p) => ({ step: PERSON_STEP_TEXT[p.step], done: Boolean(p.doneAt), by: person(p.doneBy),
      at: when(p.doneAt), note: p.note })),
    chc: d.chc ? {
      status: CHC_TEXT[d.chc.status], referralDate: d.chc.referralDate, decisionDate: d.chc.decisionDate,
      adjustments: d.chcAdjustments.map((a) => ({ from: a.effectiveDate, amountOrShare: a.amountOrShare, agreed: Boolean(a.confirmedAt) })),
    } : null,
    chronology: sorted.map((h) => ({
      seq: h.seq, at: at(isoOf(h.at)), by: person(h.actorId)!, platform: h.platform, what: historyText(h.type, h.data, d, names),
        correctsSeq: h.correctsSeq,
    })),
    evidence,
    letters: d.letters.map((l) => ({
      seq: l.seq, decisionSeq: l.decisionSeq, drafted: at(l.draftedAt), reviewedBy: person(l.reviewedBy), sent: when(l.sentAt),
        readingAge: l.readingAge, text: l.text,
    })),
    register: registerRow(d, dir, now),
  };
}

/** R11.2: a file name that carries the reference only, never the person's name or NHS number. */
export function packFileName(reference: string, ext: 'pdf' | 'zip'): string {
  return `${reference.replace(/[^A-Za-z0-9-]/g, '')}-stage-4-referral-pack.${ext}`;
}

export function letterFileName(reference: string, seq: number): string {
  return `${reference.replace(/[^A-Za-z0-9-]/g, '')}-letter-${seq}.pdf`;
}
