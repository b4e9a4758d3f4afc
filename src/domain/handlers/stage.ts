import { flagGrounds } from '../alerts.ts';
import { refuse } from '../errors.ts';
import { activePartyIds, actorPerson, mustBeOpen, mustParticipate, required } from '../guards.ts';
import { stageParticipants } from '../participants.ts';
import { closureGaps, decisionInForce } from '../resolution.ts';
import { addEscalationNote, currentStage, type Draft, endStage, escalate, plannedReminders, stageDueText, startStage } from '../stage-ops.ts';
import { CONTINUITY_REMINDER, ROUTE_TEXT } from '../texts.ts';
import { detectUnlawfulGrounds } from '../unlawful-grounds.ts';
import type { Cmd } from './types.ts';


export function tickChecklist(draft: Draft, cmd: Cmd<'TICK_CHECKLIST'>): void {
  const { d } = draft;
  const me = mustParticipate(draft, 'tick the checklist');
  mustBeOpen(d);
  const item = d.checklist.find((c) => c.stage === cmd.stage && c.key === cmd.key);
  if (!item) refuse('NO_SUCH_ITEM', `Stage ${cmd.stage} has no checklist item "${cmd.key}".`);
  if (cmd.stage !== d.stage) refuse('NOT_CURRENT_STAGE', `Stage ${cmd.stage} has ended; only the current stage's checklist (Stage ${d.stage}) can change.`);
  if (Boolean(item.tickedAt) === cmd.ticked) {
    draft.notice = `"${item.label}" is already ${cmd.ticked ? 'ticked' : 'unticked'}.`;
    return;
  }
  item.tickedBy = cmd.ticked ? me.id : null;
  item.tickedAt = cmd.ticked ? draft.nowIso : null;
  draft.event(cmd.ticked ? 'CHECKLIST_TICKED' : 'CHECKLIST_UNTICKED', { stage: cmd.stage, key: cmd.key });
  draft.refreshCard();
}

export function escalateByHand(draft: Draft, cmd: Cmd<'ESCALATE'>): void {
  const { d } = draft;
  mustParticipate(draft, 'escalate the dispute');
  mustBeOpen(d);
  const reason = required(cmd.reason, 'reason', 'A reason for escalating');
  if (d.stage >= 3) {
    refuse('USE_EXTERNAL_ESCALATION', 'Stage 3 does not escalate by itself. In exceptional circumstances, record an external escalation (NHS England, DHSC or legal) instead.');
  }
  escalate(draft, 'MANUAL', reason);
  flagGrounds(draft, detectUnlawfulGrounds(reason), 'The escalation reason');
}

export function recordExternalRoute(draft: Draft, cmd: Cmd<'RECORD_EXTERNAL_ROUTE'>): void {
  const { d, ctx } = draft;
  const me = mustParticipate(draft, 'record an external escalation');
  mustBeOpen(d);
  if (d.stage < 3) refuse('EXTERNAL_NEEDS_STAGE_3', 'External escalation is only for disputes still unresolved after Stage 3.');
  if (!me.roles.includes('SENIOR_OFFICER')) refuse('SENIOR_OFFICER_ONLY', 'Only a senior officer can escalate externally (Stage 4).');
  if (d.externalRoutes.some((r) => r.route === cmd.route)) {
    draft.notice = `${ROUTE_TEXT[cmd.route]} is already recorded.`;
    return;
  }
  const inForce = decisionInForce(d);
  if (inForce) {
    // R5.6, R5.7: a joint decision is in force; moving on would only stall what is left to do, whoever asks.
    refuse('DECISION_IN_FORCE', `Decision ${inForce.seq} is in force: every party confirmed it, so there is nothing to escalate externally. `
      + `Still needed before ${d.reference} can close: ${closureGaps(d).join('; ') || 'nothing'}.`);
  }
  if (d.stage === 3) {
    // R5.7: Stage 4 only after Stage 3 has had its chance.
    const s = currentStage(d);
    const parties = activePartyIds(d);
    const allSaid = parties.every((o) => d.cannotResolve.some((c) => c.organisationId === o));
    if (!s.timedOutAt && !allSaid) {
      const waiting = parties.filter((o) => !d.cannotResolve.some((c) => c.organisationId === o)).map((o) => draft.orgName(o));
      refuse('STAGE_3_NOT_EXHAUSTED', `External escalation opens when Stage 3 is overdue, or when every party's senior officer has recorded that Stage 3 cannot resolve it. Still to record that: ${waiting.join(', ')}.`);
    }
  }
  if (cmd.route === 'NHS_ENGLAND' && !activePartyIds(d).some((o) => ctx.directory.organisations.find((x) => x.id === o)?.kind === 'ICB')) {
    refuse('ROUTE_NEEDS_ICB', 'The NHS England route is for ICB-related disputes, and no ICB is a party. Choose DHSC or legal advice.', 'route');
  }
  d.externalRoutes.push({ route: cmd.route, by: me.id, at: draft.nowIso, note: cmd.note });
  draft.event('EXTERNAL_ROUTE_RECORDED', { route: cmd.route });
  flagGrounds(draft, detectUnlawfulGrounds(cmd.note), `The note on the escalation to ${ROUTE_TEXT[cmd.route]}`);
  if (d.stage === 3) {
    endStage(draft, 'MANUAL', `external escalation: ${ROUTE_TEXT[cmd.route]}`);
    startStage(draft, 4, `${draft.name(me.id)} escalated externally: ${ROUTE_TEXT[cmd.route]}.`);
    addEscalationNote(draft);
  } else {
    draft.post({ title: `${d.reference}: external route added`, lines: [ROUTE_TEXT[cmd.route], CONTINUITY_REMINDER], mentions: [] });
    draft.refreshCard();
  }
}

export function requestLegalAdvice(draft: Draft, cmd: Cmd<'REQUEST_LEGAL_ADVICE'>): void {
  const { d, ctx } = draft;
  mustParticipate(draft, 'ask for legal advice');
  mustBeOpen(d);
  if (d.legalAdviceAsked) {
    draft.notice = 'Legal advice has already been asked for.';
    return;
  }
  const reason = required(cmd.reason, 'reason', 'A reason');
  d.legalAdviceAsked = true;
  draft.event('LEGAL_ADVICE_REQUESTED', { reason });
  flagGrounds(draft, detectUnlawfulGrounds(reason), 'The reason for asking for legal advice');
  if (d.stage >= 3) {
    const { added } = stageParticipants(d, 3, ctx.directory, ctx.policy);
    for (const a of added) d.participants.push({ personId: a.personId, fromStage: d.stage, reason: a.reason, addedAt: draft.nowIso, leftAt: null });
    if (added.length) draft.effects.push({ kind: 'INVITE', personIds: added.map((a) => a.personId), notBefore: draft.pingAt }); // an invitation notifies people too (R0.4)
    draft.post({ title: `${d.reference}: legal advice requested`, lines: [reason], mentions: added.map((a) => a.personId) });
  } else {
    draft.post({ title: `${d.reference}: legal advice requested`, lines: [reason, 'Legal advisors join if the dispute reaches Stage 3.'], mentions: [] });
  }
}

export function recomputeDeadline(draft: Draft, cmd: Cmd<'RECOMPUTE_DEADLINE'>): void {
  const { d, ctx } = draft;
  const me = actorPerson(ctx);
  if (!me.roles.includes('ADMIN')) refuse('ADMIN_ONLY', 'Only an administrator can recompute a deadline.');
  mustBeOpen(d);
  const s = currentStage(d);
  if (!s.workingDays) refuse('NO_DEADLINE', `Stage ${s.stage} has no deadline to recompute.`);
  const reason = required(cmd.reason, 'reason', 'A reason');
  const before = s.dueAt;
  s.dueAt = ctx.calendar.deadline(new Date(s.startedAt), s.workingDays).toISOString();
  // A reminder already sent is not sent again, and keeps the time it went out.
  const sentAt = new Map(s.reminders.filter((r) => r.sentAt).map((r) => [r.kind, r.sentAt]));
  s.reminders = plannedReminders(ctx.calendar, new Date(s.startedAt), s.workingDays).map((r) => ({ ...r, sentAt: sentAt.get(r.kind) ?? r.sentAt }));
  // R0.3: the change is on the record.
  draft.event('DEADLINE_RECOMPUTED', { stage: s.stage, before, after: s.dueAt, reason });
  flagGrounds(draft, detectUnlawfulGrounds(reason), 'The reason for recomputing the deadline');
  draft.post({ title: `${d.reference}: deadline recomputed`, lines: [`Stage ${s.stage} is now ${stageDueText(draft, s)}.`, `Reason: ${reason}`], mentions: [] });
  draft.refreshCard();
}

/**
 * R7.4: the one action offered when an ending is proposed below Stage 3: the
 * dispute moves straight to Stage 3 (recorded, its participants invited).
 */
export function moveToStage3(draft: Draft, cmd: Cmd<'MOVE_TO_STAGE_3'>): void {
  const { d } = draft;
  const me = mustParticipate(draft, 'move the dispute to Stage 3');
  mustBeOpen(d);
  const reason = required(cmd.reason, 'reason', 'A reason for moving to Stage 3');
  if (d.stage >= 3) {
    draft.notice = `${d.reference} is already at Stage ${d.stage}.`;
    return;
  }
  const from = d.stage;
  endStage(draft, 'MANUAL', reason);
  for (const dec of d.decisions) if (dec.status === 'PROPOSED') dec.status = 'SUPERSEDED';
  if (!d.subjects.includes('ENDING_AFTERCARE')) d.subjects.push('ENDING_AFTERCARE');
  d.endingProposal = true;
  draft.event('ESCALATED', { from, to: 3, how: 'ENDING_TO_STAGE_3', reason, at: draft.nowIso });
  startStage(draft, 3, `${draft.name(me.id)} moved the dispute to Stage 3 because it proposes ending Section 117 aftercare, which only Stage 3 can decide (protocol section 7). Reason: ${reason}`);
  addEscalationNote(draft);
  flagGrounds(draft, detectUnlawfulGrounds(reason), 'The reason for moving to Stage 3');
}

/** R5.7: a party's senior officer records that Stage 3 cannot resolve the dispute. */
export function stage3CannotResolve(draft: Draft, cmd: Cmd<'STAGE_3_CANNOT_RESOLVE'>): void {
  const { d } = draft;
  const me = mustParticipate(draft, 'record that Stage 3 cannot resolve the dispute');
  mustBeOpen(d);
  if (d.stage !== 3) refuse('NOT_CURRENT_STAGE', `${d.reference} is at Stage ${d.stage}; this is recorded at Stage 3.`);
  if (!me.roles.includes('SENIOR_OFFICER')) refuse('SENIOR_OFFICER_ONLY', 'Only a senior officer can record that Stage 3 cannot resolve the dispute.');
  const reason = required(cmd.reason, 'reason', 'Why Stage 3 cannot resolve it');
  if (d.cannotResolve.some((c) => c.organisationId === me.organisationId)) {
    draft.notice = `${draft.orgName(me.organisationId)} has already recorded that Stage 3 cannot resolve it.`;
    return;
  }
  d.cannotResolve.push({ organisationId: me.organisationId, personId: me.id, reason, at: draft.nowIso });
  draft.event('STAGE_3_CANNOT_RESOLVE', { organisationId: me.organisationId, reason });
  const waiting = activePartyIds(d).filter((o) => !d.cannotResolve.some((c) => c.organisationId === o));
  draft.post({
    title: `${d.reference}: ${draft.orgName(me.organisationId)} says Stage 3 cannot resolve it`,
    lines: [`${draft.name(me.id)}: ${reason}`, waiting.length ? `External escalation opens when ${waiting.map((o) => draft.orgName(o)).join(', ')} also record it, or when Stage 3 is overdue.` : 'Every party has recorded it: external escalation is now open to the senior officers.'],
    mentions: [],
  });
  flagGrounds(draft, detectUnlawfulGrounds(reason), 'The reason Stage 3 cannot resolve it');
  draft.refreshCard();
}
