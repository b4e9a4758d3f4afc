import { flagGrounds } from '../alerts.ts';
import { refuse } from '../errors.ts';
import { activePartyIds, actorPerson, mustBeOpen, mustHoldConfirmerRole, mustParticipate, required } from '../guards.ts';
import { stageParticipants } from '../participants.ts';
import type { Draft } from '../stage-ops.ts';
import { CONTINUITY_REMINDER, PARTY_ROLE_TEXT } from '../texts.ts';
import type { ChcAdjustment, Decision } from '../types.ts';
import { detectUnlawfulGrounds } from '../unlawful-grounds.ts';
import type { Cmd } from './types.ts';

/**
 * R2.5: a party joins during the dispute (a second Local Authority in an
 * ordinary-residence dispute). Its people for the current stage are invited,
 * and a decision waiting for confirmation now needs its confirmation too.
 */
export function addParty(draft: Draft, cmd: Cmd<'ADD_PARTY'>): void {
  const { d, ctx } = draft;
  const me = mustParticipate(draft, 'add a party');
  mustBeOpen(d);
  const reason = required(cmd.reason, 'reason', 'A reason for adding the organisation');
  if (!ctx.directory.organisations.some((o) => o.id === cmd.organisationId)) {
    refuse('UNKNOWN_ORGANISATION', `"${cmd.organisationId}" is not an organisation in the directory ("organisationId").`, 'organisationId');
  }
  const existing = d.parties.find((p) => p.organisationId === cmd.organisationId);
  if (existing && !existing.withdrawnAt) {
    draft.notice = `${draft.orgName(cmd.organisationId)} is already a party to ${d.reference}.`;
    return;
  }
  const joining = { role: cmd.role, addedAt: draft.nowIso, addedReason: reason, withdrawnAt: null, withdrawnReason: null };
  if (existing) Object.assign(existing, joining);
  else d.parties.push({ organisationId: cmd.organisationId, ...joining });
  draft.event('PARTY_ADDED', { organisationId: cmd.organisationId, role: cmd.role, reason });
  // The added party's people for the current stage (Stage 4 is carried by Stage 3's).
  const stage = d.stage === 4 ? 3 : d.stage;
  const { added } = stageParticipants({ ...d, parties: [{ organisationId: cmd.organisationId }] }, stage, ctx.directory, ctx.policy);
  const invited = added.map((a) => a.personId);
  for (const a of added) {
    const reason = `${a.reason} of an added party`;
    d.participants.push({ personId: a.personId, fromStage: d.stage, reason, addedAt: draft.nowIso, leftAt: null });
  }
  if (invited.length) draft.effects.push({ kind: 'INVITE', personIds: invited, notBefore: draft.pingAt });
  const pending = d.decisions.find((x) => x.status === 'PROPOSED');
  draft.post({
    title: `${d.reference}: ${draft.orgName(cmd.organisationId)} joins as a party (${PARTY_ROLE_TEXT[cmd.role]})`,
    lines: [
      `Added by ${draft.name(me.id)}. Reason: ${reason}`,
      ...(pending ? [`Decision ${pending.seq} now needs ${draft.orgName(cmd.organisationId)}'s confirmation too.`] : []),
      CONTINUITY_REMINDER,
    ],
    mentions: invited,
  });
  // R4.1: every free text is read; a flag asks the professional to be sure and never blocks.
  flagGrounds(draft, detectUnlawfulGrounds(reason), `The reason for adding ${draft.orgName(cmd.organisationId)}`);
  draft.refreshCard();
}

/**
 * R2.5, R3.2: an organisation leaves the dispute by its own senior officer's decision, or by a joint decision of
 * every other party, each agreeing through someone who may confirm a decision at this stage (R5.9). The ICB and the
 * Local Authority stay (R2.4).
 */
export function withdrawParty(draft: Draft, cmd: Cmd<'WITHDRAW_PARTY'>): void {
  const { d, ctx } = draft;
  mustBeOpen(d);
  const me = actorPerson(ctx);
  const target = cmd.organisationId;
  const party = d.parties.find((p) => p.organisationId === target && !p.withdrawnAt);
  if (!party) refuse('NOT_A_PARTY', `${draft.orgName(target)} is not a party to ${d.reference}.`, 'organisationId');
  const remaining = activePartyIds(d).filter((o) => o !== target);
  const kinds = remaining.map((o) => ctx.directory.organisations.find((x) => x.id === o)?.kind);
  if (remaining.length < 2 || !kinds.includes('ICB') || !kinds.includes('LOCAL_AUTHORITY')) {
    refuse(
      'STATUTORY_PARTY_MISSING',
      `${draft.orgName(target)} cannot withdraw: a dispute needs at least two parties, `
        + 'among them an ICB and a Local Authority. '
        + 'Add the organisation that takes its place first.',
      'organisationId',
    );
  }
  if (me.organisationId === target) {
    if (!me.roles.includes('SENIOR_OFFICER')) {
      refuse('SENIOR_OFFICER_ONLY', `Only ${draft.orgName(target)}'s senior officer can withdraw ${draft.orgName(target)} from ${d.reference}. Ask them to do it.`);
    }
    const reason = required(cmd.reason, 'reason', 'A reason for withdrawing the organisation');
    withdraw(draft, target, reason, `${draft.name(me.id)}, senior officer of ${draft.orgName(target)}`);
    flagGrounds(draft, detectUnlawfulGrounds(reason), `The reason for withdrawing ${draft.orgName(target)}`);
    return;
  }
  mustParticipate(draft, 'withdraw a party');
  if (!remaining.includes(me.organisationId)) {
    refuse('WITHDRAWAL_NOT_YOURS', `Only the other parties to ${d.reference} can jointly withdraw ${draft.orgName(target)}, and ${draft.orgName(me.organisationId)} is not one of them.`);
  }
  mustHoldConfirmerRole(draft, me, ctx.policy.stages[d.stage].confirmerRoles, d.stage, me.organisationId, ` the withdrawal of ${draft.orgName(target)}`);
  const reason = required(cmd.reason, 'reason', 'A reason for withdrawing the organisation');
  const pending = (d.pendingWithdrawals ??= []);
  let proposal = pending.find((w) => w.organisationId === target);
  if (proposal?.agreements.some((a) => a.organisationId === me.organisationId)) {
    draft.notice = `${draft.orgName(me.organisationId)} has already agreed to withdraw ${draft.orgName(target)}.`;
    return;
  }
  if (!proposal) {
    proposal = { organisationId: target, reason, proposedBy: me.id, at: draft.nowIso, agreements: [] };
    pending.push(proposal);
  }
  proposal.agreements.push({ organisationId: me.organisationId, personId: me.id, reason, at: draft.nowIso });
  draft.event('PARTY_WITHDRAWAL_AGREED', { organisationId: target, by: me.organisationId, reason });
  flagGrounds(draft, detectUnlawfulGrounds(reason), `${draft.orgName(me.organisationId)}'s reason for withdrawing ${draft.orgName(target)}`);
  const waiting = remaining.filter((o) => !proposal.agreements.some((a) => a.organisationId === o));
  if (waiting.length) {
    draft.post({
      title: `${d.reference}: ${draft.orgName(me.organisationId)} proposes withdrawing ${draft.orgName(target)}`,
      lines: [
        `${draft.name(me.id)}: ${reason}`,
        `It is a joint decision: ${draft.orgName(target)} stays a party until ${waiting.map((o) => draft.orgName(o)).join(', ')} also agree, `
          + `or ${draft.orgName(target)}'s senior officer withdraws it.`,
      ],
      mentions: [],
    });
    draft.refreshCard();
    return;
  }
  const agreed = proposal.agreements.map((a) => `${draft.orgName(a.organisationId)} (${draft.name(a.personId)})`).join(', ');
  withdraw(draft, target, proposal.reason, `joint decision of ${agreed}`);
}

function withdraw(draft: Draft, target: string, reason: string, by: string): void {
  const { d } = draft;
  const party = d.parties.find((p) => p.organisationId === target && !p.withdrawnAt)!;
  Object.assign(party, { withdrawnAt: draft.nowIso, withdrawnReason: reason });
  d.pendingWithdrawals = (d.pendingWithdrawals ?? []).filter((w) => w.organisationId !== target);
  draft.event('PARTY_WITHDRAWN', { organisationId: target, reason, by });
  draft.post({
    title: `${d.reference}: ${draft.orgName(target)} is no longer a party`,
    lines: [`Withdrawn by ${by}. Reason: ${reason}`],
    mentions: [],
  });
  draft.refreshCard();
  // R3.2: a withdrawal never makes anything take effect. What still waited for the party that left was never agreed
  // by it: it lapses, and the remaining parties propose it again if they still agree.
  const why = `${draft.orgName(target)} withdrew before confirming it`;
  for (const adj of d.chcAdjustments.filter((a) => !a.confirmedAt && !a.lapsedAt)) {
    if (adj.confirmations.some((c) => c.organisationId === target)) continue;
    lapseChcAdjustment(draft, adj, why);
  }
  const pending = d.decisions.find((x) => x.status === 'PROPOSED');
  if (pending && !d.confirmations.some((c) => c.decisionSeq === pending.seq && c.organisationId === target)) lapseDecision(draft, pending, why);
}

/** A proposal that can no longer be agreed as it stands lapses, with the reason on the record (R11.1). */
export function lapseDecision(draft: Draft, dec: Decision, why: string, mentions: string[] = []): void {
  dec.status = 'WITHDRAWN';
  draft.event('DECISION_LAPSED', { seq: dec.seq, reason: why });
  draft.post({
    title: `${draft.d.reference}: decision ${dec.seq} lapsed`,
    lines: [`Decision ${dec.seq} did not take effect: ${why}.`, 'If the parties still agree, propose it again.'],
    mentions,
  });
  draft.refreshCard();
}

export function lapseChcAdjustment(draft: Draft, adj: ChcAdjustment, why: string, mentions: string[] = []): void {
  Object.assign(adj, { lapsedAt: draft.nowIso, lapsedReason: why });
  draft.event('CHC_ADJUSTMENT_LAPSED', { seq: adj.seq, reason: why });
  draft.post({
    title: `${draft.d.reference}: CHC funding adjustment ${adj.seq} lapsed`,
    lines: [`CHC funding adjustment ${adj.seq} did not take effect: ${why}.`, 'If the parties still agree, record it again.'],
    mentions,
  });
  draft.refreshCard();
}
