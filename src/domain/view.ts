import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { allowedActions, type AllowedAction, type Viewer } from './allowed-actions.ts';
import { maskNhsNumber } from './nhs-number.ts';
import type { Policy } from './stage-policy.ts';
import { timeLeftText } from './time-left.ts';
import { closureGaps, whoOwes } from './decide.ts';
import { decisionInForce } from './resolution.ts';
import { assessmentLines } from './handlers/joint-assessment.ts';
import { overdueStage } from './overdue.ts';
import { currentStage } from './stage-ops.ts';
import { CHC_TEXT, FLAG_TEXT, OUTCOME_TEXT, PARTY_ROLE_TEXT, PERSON_STEP_TEXT, SUBJECT_TEXT } from './texts.ts';
import type { Directory, Dispute } from './types.ts';

/** Everything a stage card or a status reply shows, already in words. The person is known only by case reference (R11.2). */
export interface DisputeView {
  id: string;
  reference: string;
  status: 'OPEN' | 'RESOLVED';
  stage: number;
  stageName: string;
  dueText: string;
  overdue: boolean;
  subjects: string[];
  parties: { organisationId: string; name: string; role: string }[];
  personRef: string;
  checklist: { key: string; label: string; done: boolean; by: string | null }[];
  pendingDecision: null | {
    seq: number; outcome: string; summary: string;
    /** R7.1: an ending's joint assessment, as its confirmers see it (empty for other decisions). */
    assessment: string[];
    confirmations: { organisation: string; by: string | null; at: string | null }[] };
  personSteps: { step: string; label: string; done: boolean }[];
  flags: string[];
  chc: string | null;
  /** R2.5: proposals to withdraw a party that wait for the other parties to agree, in words. */
  pendingWithdrawals: string[];
  stillNeeded: string[];
  owe: string[];
  outcome: string | null;
  /** The newest letter to the person still waiting for a professional's review (R8.2). */
  pendingLetter: { seq: number; readingAge: number } | null;
  /** R5.3/R5.7: Stage 3 or later and still open. */
  canEscalateExternally: boolean;
  /** What the viewer may do now (the shared card's viewer is any participant); adapters render exactly these. */
  allowedActions: AllowedAction[];
}

/** R6.3: adjustments not yet confirmed by every party, and who they wait for. */
function chcWaiting(d: Dispute, orgName: (id: string) => string): string[] {
  return d.chcAdjustments.filter((a) => !a.confirmedAt && !a.lapsedAt).map((a) => {
    const missing = d.parties.filter((p) => !p.withdrawnAt && !a.confirmations.some((c) => c.organisationId === p.organisationId));
    return `Funding adjustment ${a.seq} (from ${a.effectiveDate}) waits for ${missing.map((p) => orgName(p.organisationId)).join(', ')}`;
  });
}

/**
 * R2.5, R3.2: a withdrawal proposed by another party waits until every other party agrees; meanwhile the
 * organisation stays a party. Says who proposed it, why, who has agreed and who it still waits for.
 */
export function withdrawalsWaiting(d: Dispute, orgName: (id: string) => string): string[] {
  const active = d.parties.filter((p) => !p.withdrawnAt).map((p) => p.organisationId);
  return (d.pendingWithdrawals ?? []).filter((w) => active.includes(w.organisationId)).map((w) => {
    const agreed = w.agreements.map((a) => orgName(a.organisationId));
    const waiting = active.filter((o) => o !== w.organisationId && !w.agreements.some((a) => a.organisationId === o)).map(orgName);
    return `Withdrawing ${orgName(w.organisationId)} is proposed (${w.reason}): agreed by ${agreed.join(', ')}; `
      + `waits for ${waiting.join(', ') || 'nobody'}, or for ${orgName(w.organisationId)}'s senior officer`;
  });
}

/** `now` gives the time left (R0.5); without it the deadline is shown as a date only. `viewer`: whose allowed actions (null: any participant). */
export function disputeView(d: Dispute, policy: Policy, calendar: WorkingCalendar, dir: Directory, now?: Date, viewer: Viewer = null): DisputeView {
  const orgName = (id: string) => dir.organisations.find((o) => o.id === id)?.name ?? id;
  const name = (id: string | null) => (id ? dir.people.find((p) => p.id === id)?.name ?? id : null);
  const stage = currentStage(d);
  const pending = d.decisions.find((x) => x.status === 'PROPOSED');
  const dueText = d.status === 'RESOLVED'
    ? `resolved ${d.resolvedAt ? calendar.describe(new Date(d.resolvedAt)) : ''}`.trim()
    : stage.dueAt
      ? now ? timeLeftText(calendar, new Date(stage.dueAt), now) : `${stage.timedOutAt ? 'was due' : 'due'} ${calendar.describe(new Date(stage.dueAt))}`
      : 'no timescale';
  return {
    id: d.id,
    reference: d.reference,
    status: d.status,
    stage: d.stage,
    stageName: policy.stages[d.stage].name,
    dueText,
    // R9.2: the same test as every other figure; without a clock, as the last sweep left it.
    overdue: now ? Boolean(overdueStage(d, now)) : d.status === 'OPEN' && (d.overdue || Boolean(stage.timedOutAt)),
    subjects: d.subjects.map((s) => SUBJECT_TEXT[s]),
    parties: d.parties.filter((p) => !p.withdrawnAt).map((p) => ({ organisationId: p.organisationId, name: orgName(p.organisationId), role: PARTY_ROLE_TEXT[p.role] })),
    personRef: [`Case ${d.localCaseRef}`, maskNhsNumber(d.nhsNumber)].filter(Boolean).join(', '),
    checklist: d.checklist.filter((c) => c.stage === d.stage).map((c) => ({ key: c.key, label: c.label, done: Boolean(c.tickedAt), by: name(c.tickedBy) })),
    pendingDecision: pending ? {
      seq: pending.seq,
      outcome: OUTCOME_TEXT[pending.outcome],
      summary: pending.summary,
      assessment: assessmentLines(pending, orgName),
      confirmations: d.parties.filter((p) => !p.withdrawnAt).map((p) => {
        const c = d.confirmations.find((x) => x.decisionSeq === pending.seq && x.organisationId === p.organisationId);
        return { organisation: orgName(p.organisationId), by: name(c?.personId ?? null), at: c ? calendar.describe(new Date(c.at)) : null };
      }),
    } : null,
    personSteps: d.personSteps.map((p) => ({ step: p.step, label: PERSON_STEP_TEXT[p.step], done: Boolean(p.doneAt) })),
    // R10.1: a continuity alert closed by "care restored" shows as resolved.
    flags: [...new Set(d.flags.map((f) => (f.resolvedAt ? `${FLAG_TEXT[f.code]} (resolved: care restored)` : FLAG_TEXT[f.code])))],
    chc: d.chc ? [`CHC: ${CHC_TEXT[d.chc.status]} (runs in parallel; Section 117 deadlines do not pause)`, ...chcWaiting(d, orgName)].join('. ') : null,
    pendingWithdrawals: d.status === 'OPEN' ? withdrawalsWaiting(d, orgName) : [],
    stillNeeded: d.status === 'OPEN' ? closureGaps(d) : [],
    owe: d.status === 'OPEN' ? whoOwes(d).lines : [],
    outcome: d.outcome,
    // The same letter the card offers for review (an obsolete draft is not offered).
    pendingLetter: (() => {
      const a = allowedActions(d, policy, dir, null).find((x) => x.verb === 'letter');
      const l = a && d.letters.find((x) => x.seq === a.n);
      return l ? { seq: l.seq, readingAge: l.readingAge } : null;
    })(),
    canEscalateExternally: d.status === 'OPEN' && d.stage >= 3 && !decisionInForce(d),
    allowedActions: allowedActions(d, policy, dir, viewer),
  };
}
