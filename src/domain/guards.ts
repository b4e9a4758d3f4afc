import { refuse } from './errors.ts';
import { rolesText } from './texts.ts';
import type { Policy } from './stage-policy.ts';
import type { DecideContext, Draft } from './stage-ops.ts';
import type { Directory, Dispute, Party, Person, Role, StageNo } from './types.ts';

// The checks every handler starts with: who is acting, and may they.

export const MAX_TEXT = 4000;

export function required(value: string | null | undefined, field: string, what: string): string {
  const v = (value ?? '').trim();
  if (!v) refuse('FIELD_REQUIRED', `${what} is required: fill in "${field}".`, field);
  if (v.length > MAX_TEXT) refuse('FIELD_TOO_LONG', `"${field}" is ${v.length} characters; keep it to ${MAX_TEXT} at most.`, field);
  return v;
}

export function actorPerson(ctx: DecideContext): Person {
  const p = ctx.directory.people.find((x) => x.id === ctx.actor.personId);
  if (!p) refuse('NOT_IN_DIRECTORY', 'You are not in the Section 117 directory, so the bot cannot act for you. Ask your administrator to add you.');
  return p;
}

/** R2.5: parties still in the dispute (a withdrawn one stays on the record). */
export function activeParties(d: Pick<Dispute, 'parties'>): Party[] {
  return d.parties.filter((p) => !p.withdrawnAt);
}

export function activePartyIds(d: Pick<Dispute, 'parties'>): string[] {
  return activeParties(d).map((p) => p.organisationId);
}

/** R5.8: a participant who has not left (the directory, or the role that brought them in). */
export function isParticipant(d: Dispute, personId: string): boolean {
  return d.participants.some((p) => p.personId === personId && !p.leftAt);
}

/** R5.8: whether someone holds, now, a role that takes part at or before the dispute's current stage. */
export function holdsStageRole(d: Dispute, person: Person, dir: Directory, policy: Policy): boolean {
  if (!activePartyIds(d).includes(person.organisationId)) return false;
  const kind = dir.organisations.find((o) => o.id === person.organisationId)?.kind;
  // The stages this dispute has reached, as the directory sync does: an ending raised straight at Stage 3 (R7.2)
  // never had Stage 1 or 2 people.
  for (const s of new Set(d.stages.map((x) => x.stage))) {
    for (const rule of policy.stages[s].participantRoles) {
      if (rule.whenLegalAdvice && !d.legalAdviceAsked) continue;
      if (rule.orgKinds && (!kind || !rule.orgKinds.includes(kind))) continue;
      if (rule.roles.some((r) => person.roles.includes(r))) return true;
    }
  }
  return false;
}

/**
 * R5.8: whether a participant may still act, read from the directory as it is now: they are in it, in a party
 * organisation, and hold a role that takes part in a stage the dispute reached (or raised it, were named in it, or
 * manage someone who did, once Stage 2 brought line managers in). Someone who lost the role or moved on cannot act;
 * the history keeps what they did.
 */
export function stillEntitled(d: Dispute, personId: string, dir: Directory, policy: Policy): boolean {
  const p = dir.people.find((x) => x.id === personId);
  if (!p || !activePartyIds(d).includes(p.organisationId)) return false;
  if (holdsStageRole(d, p, dir, policy)) return true;
  const stage1 = [d.raisedById, ...d.namedProfessionals];
  if (stage1.includes(p.id)) return true;
  const managers = d.stages.some((s) => policy.stages[s.stage].lineManagersJoin);
  return managers && stage1.some((id) => dir.people.find((x) => x.id === id)?.managerId === p.id);
}

/**
 * Stage participants act; everyone else is refused with a reason. Someone who
 * holds a stage's role now (a newly appointed senior officer) joins and acts
 * at once (R5.8).
 */
export function mustParticipate(draft: Draft, what: string): Person {
  const { d, ctx } = draft;
  const p = actorPerson(ctx);
  const noLonger = () => refuse('NOT_A_PARTICIPANT', `You no longer hold a role on ${d.reference} in one of its party organisations, so you cannot ${what}. `
    + 'The person who holds the role now can; the history keeps what you did.');
  if (isParticipant(d, p.id)) {
    if (stillEntitled(d, p.id, ctx.directory, ctx.policy)) return p;
    noLonger();
  }
  if (holdsStageRole(d, p, ctx.directory, ctx.policy)) {
    const existing = d.participants.find((x) => x.personId === p.id);
    if (existing) Object.assign(existing, { leftAt: null, reason: 'holds the role now (directory)' });
    else d.participants.push({ personId: p.id, fromStage: d.stage, reason: 'holds the role now (directory)', addedAt: draft.nowIso, leftAt: null });
    draft.event('PARTICIPANT_JOINED', { personId: p.id, reason: 'holds the role now (directory)' });
    draft.effects.push({ kind: 'INVITE', personIds: [p.id], notBefore: draft.nowIso });
    return p;
  }
  if (d.participants.some((x) => x.personId === p.id)) noLonger();
  refuse('NOT_A_PARTICIPANT', `Only the participants of ${d.reference} can ${what}. You are not one of them; ask a participant or your manager.`);
}

export function mustBeOpen(d: Dispute): void {
  if (d.status !== 'OPEN') refuse('DISPUTE_CLOSED', `${d.reference} is resolved; nothing more can be recorded on it except corrections and themes.`);
}

/**
 * R5.9: only the stage's confirmer roles confirm for an organisation (`roles` null: any participant). `what` ends the
 * sentence: "can confirm<what>".
 */
export function mustHoldConfirmerRole(draft: Draft, me: Person, roles: Role[] | null, stage: StageNo, organisationId: string, what: string): void {
  if (!roles || roles.some((r) => me.roles.includes(r))) return;
  const code = roles.length === 1 && roles[0] === 'SENIOR_OFFICER' ? 'SENIOR_OFFICER_ONLY' : 'CONFIRMER_ROLE_REQUIRED';
  refuse(code, `At Stage ${stage} only ${draft.orgName(organisationId)}'s ${rolesText(roles)} can confirm${what}. Ask them to press "Confirm".`);
}
