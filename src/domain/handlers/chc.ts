import { refuse } from '../errors.ts';
import { mustParticipate, required } from '../guards.ts';
import type { Draft } from '../stage-ops.ts';
import { CHC_TEXT } from '../texts.ts';
import type { Cmd } from './types.ts';


export function updateChc(draft: Draft, cmd: Cmd<'UPDATE_CHC'>): void {
  const { d } = draft;
  mustParticipate(draft, 'update the CHC track');
  // R6.1: a parallel track; stages and deadlines are untouched.
  d.chc = { status: cmd.status, referralDate: cmd.referralDate, decisionDate: cmd.decisionDate, updatedAt: draft.nowIso };
  draft.event('CHC_UPDATED', { status: cmd.status, referralDate: cmd.referralDate, decisionDate: cmd.decisionDate });
  draft.post({
    title: `${d.reference}: CHC ${CHC_TEXT[cmd.status]}`,
    lines: ['NHS Continuing Healthcare runs in parallel. It does not pause Section 117 or its deadlines.',
      ...(cmd.status === 'ELIGIBLE' || cmd.status === 'NOT_ELIGIBLE' ? [] : ['Until CHC eligibility is decided, Section 117 aftercare continues where the statutory test is met.'])],
    mentions: [],
  });
  draft.refreshCard();
}

export function recordChcAdjustment(draft: Draft, cmd: Cmd<'RECORD_CHC_ADJUSTMENT'>): void {
  const { d, ctx } = draft;
  mustParticipate(draft, 'record a CHC funding adjustment');
  if (!d.chc || (d.chc.status !== 'ELIGIBLE' && d.chc.status !== 'NOT_ELIGIBLE')) {
    refuse('CHC_NOT_DECIDED', 'Record the CHC decision first: a funding adjustment follows a CHC decision.');
  }
  if (!cmd.personNotPenalised) refuse('PERSON_PENALISED', 'A retrospective adjustment must not penalise the person: confirm "personNotPenalised" once that is true.', 'personNotPenalised');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(cmd.effectiveDate)) refuse('INVALID_DATE', 'Give the effective date as YYYY-MM-DD ("effectiveDate").', 'effectiveDate');
  // R6.3: a retrospective adjustment; its effective date is not in the future.
  if (cmd.effectiveDate > ctx.calendar.localDate(ctx.now)) {
    refuse('INVALID_DATE', `The effective date ${cmd.effectiveDate} is in the future; a retrospective adjustment takes effect on or before today.`, 'effectiveDate');
  }
  const seq = d.chcAdjustments.length + 1;
  d.chcAdjustments.push({
    seq, effectiveDate: cmd.effectiveDate, parties: cmd.parties, amountOrShare: required(cmd.amountOrShare, 'amountOrShare', 'The amount or share'),
    personNotPenalised: true, recordedBy: ctx.actor.personId, at: draft.nowIso,
  });
  draft.event('CHC_ADJUSTMENT_RECORDED', { seq, effectiveDate: cmd.effectiveDate });
  draft.refreshCard();
}
