import { flagGrounds } from '../alerts.ts';
import { refuse } from '../errors.ts';
import { activePartyIds, mustHoldConfirmerRole, mustParticipate, required } from '../guards.ts';
import type { Draft } from '../stage-ops.ts';
import { CHC_TEXT } from '../texts.ts';
import type { ChcAdjustment } from '../types.ts';
import { detectUnlawfulGrounds } from '../unlawful-grounds.ts';
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
  // R3.2, R6.3: the organisations an adjustment names are parties, so each of them confirms it before it holds.
  const named = [...new Set(cmd.parties ?? [])];
  if (!named.length) {
    refuse('FIELD_REQUIRED', 'Name the organisations the adjustment is between ("parties"): each must be a party to the dispute.', 'parties');
  }
  const outside = named.filter((o) => !activePartyIds(d).includes(o));
  if (outside.length) {
    refuse('NOT_A_PARTY', `${outside.map((o) => draft.orgName(o)).join(', ')} ${outside.length > 1 ? 'are' : 'is'} not a party to ${d.reference}, `
      + 'so an adjustment cannot name it ("parties"). Add it as a party first, so it confirms the adjustment too.', 'parties');
  }
  const seq = d.chcAdjustments.length + 1;
  const amountOrShare = required(cmd.amountOrShare, 'amountOrShare', 'The amount or share');
  d.chcAdjustments.push({
    seq, effectiveDate: cmd.effectiveDate, parties: named, amountOrShare,
    personNotPenalised: true, recordedBy: ctx.actor.personId, at: draft.nowIso, confirmations: [], confirmedAt: null,
  });
  draft.event('CHC_ADJUSTMENT_RECORDED', { seq, effectiveDate: cmd.effectiveDate });
  flagGrounds(draft, detectUnlawfulGrounds(amountOrShare), `CHC funding adjustment ${seq} (the amount or share)`);
  // R6.3: recording proposes it; like a decision, it holds only once every party has confirmed it.
  draft.post({
    title: `${d.reference}: CHC funding adjustment ${seq} recorded`,
    lines: [
      `From ${cmd.effectiveDate}: ${amountOrShare}. The person is not penalised.`,
      `It holds when every party organisation has confirmed it: ${activePartyIds(d).map((o) => draft.orgName(o)).join(', ')}.`,
    ],
    mentions: [],
  });
  draft.refreshCard();
}

/** R6.3 with R3.2 and R5.9: each party organisation confirms the adjustment, through one person of its own who may confirm a decision at this stage. */
export function confirmChcAdjustment(draft: Draft, { seq, organisationId }: Cmd<'CONFIRM_CHC_ADJUSTMENT'>): void {
  const { d, ctx } = draft;
  const me = mustParticipate(draft, 'confirm a CHC funding adjustment');
  const adj = d.chcAdjustments.find((a) => a.seq === seq);
  if (!adj) refuse('NO_SUCH_ADJUSTMENT', `There is no CHC funding adjustment ${seq} on ${d.reference}.`);
  if (adj.lapsedAt) {
    refuse('DECISION_NOT_OPEN', `CHC funding adjustment ${seq} lapsed (${adj.lapsedReason ?? 'it can no longer be agreed'}); record it again if the parties still agree.`);
  }
  if (adj.confirmedAt) {
    // A party that joins later does not reopen what every party at the time agreed.
    draft.notice = `CHC funding adjustment ${seq} was agreed by every party on ${adj.confirmedAt.slice(0, 10)}; there is nothing left to confirm.`;
    return;
  }
  if (!activePartyIds(d).includes(organisationId)) refuse('NOT_A_PARTY', `${draft.orgName(organisationId)} is not a party to ${d.reference}.`);
  if (me.organisationId !== organisationId) {
    refuse('WRONG_ORGANISATION', `You can only confirm for your own organisation (${draft.orgName(me.organisationId)}), not for ${draft.orgName(organisationId)}.`);
  }
  // Like every decision (R6.3), the stage's confirmers confirm it (R5.9): not the frontline staff alone from Stage 2.
  mustHoldConfirmerRole(draft, me, ctx.policy.stages[d.stage].confirmerRoles, d.stage, organisationId, ' a CHC funding adjustment');
  const mine = adj.confirmations.find((c) => c.personId === me.id && c.organisationId !== organisationId);
  if (mine) {
    refuse('ALREADY_CONFIRMED_FOR_ANOTHER_ORGANISATION',
      `You already confirmed CHC funding adjustment ${seq} for ${draft.orgName(mine.organisationId)}. Someone else must confirm for ${draft.orgName(organisationId)}.`);
  }
  const already = adj.confirmations.find((c) => c.organisationId === organisationId);
  if (already) {
    draft.notice = `${draft.orgName(organisationId)} already confirmed CHC funding adjustment ${seq} (${draft.name(already.personId)}).`;
    return;
  }
  adj.confirmations.push({ organisationId, personId: me.id, at: draft.nowIso });
  draft.event('CHC_ADJUSTMENT_CONFIRMED', { seq, organisationId });
  draft.refreshCard();
  const missing = activePartyIds(d).filter((o) => !adj.confirmations.some((c) => c.organisationId === o));
  if (missing.length) {
    draft.post({
      title: `${d.reference}: ${draft.orgName(organisationId)} confirmed CHC funding adjustment ${seq}`,
      lines: [`Confirmed by ${draft.name(me.id)}. Still waiting for: ${missing.map((o) => draft.orgName(o)).join(', ')}.`],
      mentions: [],
    });
    return;
  }
  agreeChcAdjustment(draft, adj);
}

/** Every party at the time has confirmed: the adjustment holds. */
export function agreeChcAdjustment(draft: Draft, adj: ChcAdjustment): void {
  const { d } = draft;
  adj.confirmedAt = draft.nowIso;
  draft.event('CHC_ADJUSTMENT_AGREED', { seq: adj.seq, effectiveDate: adj.effectiveDate });
  draft.post({
    title: `${d.reference}: CHC funding adjustment ${adj.seq} agreed by every party`, lines: [`From ${adj.effectiveDate}: ${adj.amountOrShare}.`], mentions: [],
  });
  draft.refreshCard();
}
