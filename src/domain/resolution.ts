import { draftLetter } from './letter.ts';
import { type Draft, endStage, escalate } from './stage-ops.ts';
import { OUTCOME_TEXT } from './texts.ts';
import type { Decision, Dispute } from './types.ts';

// What happens when every party has confirmed, and when a dispute may close (R5.6).

export function takeEffect(draft: Draft, dec: Decision): void {
  const { d, ctx } = draft;
  dec.status = 'CONFIRMED';
  dec.effectiveAt = draft.nowIso;
  draft.event('DECISION_TOOK_EFFECT', { seq: dec.seq, outcome: dec.outcome });
  draft.post({ title: `${d.reference}: decision ${dec.seq} confirmed by every party`, lines: [`${OUTCOME_TEXT[dec.outcome]}: ${dec.summary}`], mentions: [] });
  if (dec.outcome === 'ESCALATE') {
    escalate(draft, 'JOINT_DECISION', dec.summary);
    return;
  }
  // R8.1: the decision must now be explained to the person. An explanation recorded before it took effect (possible
  // before this version refused one) did not tell them of it (R5.6, R8.3): it no longer counts, and the history keeps it.
  const explain = d.personSteps.find((p) => p.step === 'EXPLAINED');
  if (explain) {
    if (explain.doneAt) {
      draft.event('PERSON_STEP_DUE_AGAIN', { step: 'EXPLAINED', seq: dec.seq, previous: { doneBy: explain.doneBy, doneAt: explain.doneAt, note: explain.note } });
      Object.assign(explain, { doneBy: null, doneAt: null, note: null });
    }
    explain.dueAt = ctx.calendar.deadline(ctx.now, ctx.policy.explainDueWorkingDays).toISOString();
  }
  addLetter(draft, dec, dec.proposedBy);
  maybeResolve(draft);
}

/** R8.2: a draft for a professional to review before it is marked sent. */
export function addLetter(draft: Draft, dec: Decision, signedBy: string): void {
  const { d } = draft;
  draft.addLetter(draftLetter(d, dec, draft.name(signedBy), draft.letterContext()), dec.seq);
}

/**
 * R5.6, R5.7: the joint written decision that binds a dispute at Stage 3 or 4. One agreed at Stage 3 keeps counting
 * at Stage 4: moving on does not undo what every party confirmed.
 */
export function decisionInForce(d: Pick<Dispute, 'decisions'>): Decision | undefined {
  return d.decisions.findLast((x) => x.status === 'CONFIRMED' && x.stage >= 3 && (x.outcome === 'WRITTEN_DECISION' || x.outcome === 'END_AFTERCARE'));
}

/** R5.6: what it takes to close at each stage. */
export function closureGaps(d: Dispute): string[] {
  const confirmed = d.decisions.filter((x) => x.status === 'CONFIRMED' && x.stage === d.stage && x.outcome !== 'ESCALATE');
  if (d.stage <= 2) return confirmed.length ? [] : [d.stage === 1 ? 'an agreement confirmed by every party' : 'a decision confirmed by every party'];
  const gaps: string[] = [];
  const written = decisionInForce(d);
  if (!written) gaps.push('a written decision confirmed by every senior officer');
  else if (!written.funding || !written.commissioning) gaps.push('funding and commissioning arrangements confirmed');
  const explained = d.personSteps.find((p) => p.step === 'EXPLAINED');
  if (!explained?.doneAt || (written?.effectiveAt && explained.doneAt < written.effectiveAt)) gaps.push('the person informed of the outcome and rationale');
  // R3.1, R10.1: a dispute does not close while care that was delayed, reduced or withdrawn has not been restored.
  if (d.flags.some((f) => f.code === 'CONTINUITY_ALERT' && !f.resolvedAt)) gaps.push('care restored after the continuity-of-care alert ("Record care restored")');
  return gaps;
}

export function maybeResolve(draft: Draft): void {
  const { d } = draft;
  const gaps = closureGaps(d);
  if (gaps.length) {
    draft.post({ title: `${d.reference}: before this dispute can close`, lines: gaps.map((g) => `• Still needed: ${g}`), mentions: [] });
    return;
  }
  const dec = d.stage >= 3 ? decisionInForce(d) : [...d.decisions].reverse().find((x) => x.status === 'CONFIRMED' && x.stage === d.stage);
  endStage(draft, 'RESOLVED');
  d.status = 'RESOLVED';
  d.resolvedAt = draft.nowIso;
  d.outcome = dec ? `${OUTCOME_TEXT[dec.outcome]}: ${dec.summary}` : 'Resolved';
  draft.event('RESOLVED', { stage: d.stage, outcome: d.outcome });
  draft.post({ title: `${d.reference} is resolved at Stage ${d.stage}`, lines: [d.outcome, 'The register has the full record.'], mentions: [] });
  draft.refreshCard();
}
