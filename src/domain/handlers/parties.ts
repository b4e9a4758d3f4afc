import { refuse } from '../errors.ts';
import { takeEffect } from '../resolution.ts';
import { agreeChcAdjustment } from './chc.ts';
import { activePartyIds, mustBeOpen, mustParticipate, required } from '../guards.ts';
import { stageParticipants } from '../participants.ts';
import type { Draft } from '../stage-ops.ts';
import { CONTINUITY_REMINDER, PARTY_ROLE_TEXT } from '../texts.ts';
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
  draft.refreshCard();
}

/** R2.5: a party withdraws with a reason; the ICB and the Local Authority stay (R2.4). */
export function withdrawParty(draft: Draft, cmd: Cmd<'WITHDRAW_PARTY'>): void {
  const { d, ctx } = draft;
  const me = mustParticipate(draft, 'withdraw a party');
  mustBeOpen(d);
  const reason = required(cmd.reason, 'reason', 'A reason for withdrawing the organisation');
  const party = d.parties.find((p) => p.organisationId === cmd.organisationId && !p.withdrawnAt);
  if (!party) refuse('NOT_A_PARTY', `${draft.orgName(cmd.organisationId)} is not a party to ${d.reference}.`, 'organisationId');
  const remaining = activePartyIds(d).filter((o) => o !== cmd.organisationId);
  const kinds = remaining.map((o) => ctx.directory.organisations.find((x) => x.id === o)?.kind);
  if (remaining.length < 2 || !kinds.includes('ICB') || !kinds.includes('LOCAL_AUTHORITY')) {
    refuse(
      'STATUTORY_PARTY_MISSING',
      `${draft.orgName(cmd.organisationId)} cannot withdraw: a dispute needs at least two parties, `
        + 'among them an ICB and a Local Authority. '
        + 'Add the organisation that takes its place first.',
      'organisationId',
    );
  }
  Object.assign(party, { withdrawnAt: draft.nowIso, withdrawnReason: reason });
  draft.event('PARTY_WITHDRAWN', { organisationId: cmd.organisationId, reason });
  draft.post({
    title: `${d.reference}: ${draft.orgName(cmd.organisationId)} is no longer a party`,
    lines: [`Recorded by ${draft.name(me.id)}. Reason: ${reason}`],
    mentions: [],
  });
  draft.refreshCard();
  // What waited only for the party that left is now agreed by every party there is: left waiting, nobody could
  // ever confirm it.
  const everyone = (confirmed: (o: string) => boolean) => remaining.every(confirmed);
  for (const adj of d.chcAdjustments.filter((a) => !a.confirmedAt)) {
    if (everyone((o) => adj.confirmations.some((c) => c.organisationId === o))) agreeChcAdjustment(draft, adj);
  }
  const pending = d.decisions.find((x) => x.status === 'PROPOSED');
  if (pending && everyone((o) => d.confirmations.some((c) => c.decisionSeq === pending.seq && c.organisationId === o))) {
    takeEffect(draft, pending);
  }
}
