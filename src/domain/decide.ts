import type { Command, ProposeDecisionInput, RaiseInput } from './commands.ts';
import type { DomainEvent, Effect } from './effects.ts';
import { refuse } from './errors.ts';
import { draftLetter } from './letter.ts';
import { isValidNhsNumber, normaliseNhsNumber } from './nhs-number.ts';
import { seniorOfficers, stageParticipants } from './participants.ts';
import { STAGE_OUTCOMES, startingStage } from './stage-policy.ts';
import {
  currentStage, type DecideContext, Draft, endStage, escalate, nextWake, personStepFlagged, plannedReminders, stageDueText, startStage,
} from './stage-ops.ts';
import {
  CHC_TEXT, CONTINUITY_REMINDER, FLAG_TEXT, OUTCOME_TEXT, PERSON_STEP_TEXT, ROUTE_TEXT, UNLAWFUL_GROUND_NOTICE,
} from './texts.ts';
import type { Decision, Dispute, Person, UnlawfulGround } from './types.ts';
import { PERSON_STEPS } from './types.ts';
import { detectUnlawfulGrounds, GROUND_TEXT } from './unlawful-grounds.ts';

export type { DecideContext } from './stage-ops.ts';

export interface Decided {
  next: Dispute;
  events: DomainEvent[];
  effects: Effect[];
  /** A sentence for the person who acted (e.g. "already confirmed"). */
  notice: string | null;
}

const MAX_TEXT = 4000;

function required(value: string | null | undefined, field: string, what: string): string {
  const v = (value ?? '').trim();
  if (!v) refuse('FIELD_REQUIRED', `${what} is required: fill in "${field}".`, field);
  if (v.length > MAX_TEXT) refuse('FIELD_TOO_LONG', `"${field}" is ${v.length} characters; keep it under ${MAX_TEXT}.`, field);
  return v;
}

function actorPerson(ctx: DecideContext): Person {
  const p = ctx.directory.people.find((x) => x.id === ctx.actor.personId);
  if (!p) refuse('NOT_IN_DIRECTORY', 'You are not in the Section 117 directory, so the bot cannot act for you. Ask your administrator to add you.');
  return p;
}

function isParticipant(d: Dispute, personId: string): boolean {
  return d.participants.some((p) => p.personId === personId);
}

/** Stage participants act; everyone else is refused with a reason. */
function mustParticipate(d: Dispute, ctx: DecideContext, what: string): Person {
  const p = actorPerson(ctx);
  if (!isParticipant(d, p.id)) {
    refuse('NOT_A_PARTICIPANT', `Only the participants of ${d.reference} can ${what}. You are not one of them; ask a participant or your manager.`);
  }
  return p;
}

function mustBeOpen(d: Dispute): void {
  if (d.status !== 'OPEN') refuse('DISPUTE_CLOSED', `${d.reference} is resolved; nothing more can be recorded on it except corrections and themes.`);
}

/** R4.1: tell people, flag, never block. */
function flagGrounds(draft: Draft, grounds: UnlawfulGround[], where: string): void {
  const uniq = [...new Set(grounds)];
  if (!uniq.length) return;
  for (const g of uniq) draft.flag('UNLAWFUL_GROUND', `${where}: ${GROUND_TEXT[g]}`, g);
  draft.post({
    title: `${draft.d.reference}: ${FLAG_TEXT.UNLAWFUL_GROUND}`,
    lines: [`${where} cites:`, ...uniq.map((g) => `• ${GROUND_TEXT[g]}`), UNLAWFUL_GROUND_NOTICE.replace(':', '.'), CONTINUITY_REMINDER],
    mentions: [],
  });
}

function continuityAlert(draft: Draft, detail: string): void {
  const { d, ctx } = draft;
  draft.flag('CONTINUITY_ALERT', detail);
  const seniors = seniorOfficers(ctx.directory, d.parties.map((p) => p.organisationId));
  const msg = {
    title: `${d.reference}: URGENT — ${FLAG_TEXT.CONTINUITY_ALERT}`,
    lines: [detail, `The dispute is at Stage ${d.stage}.`, CONTINUITY_REMINDER, 'Senior officers: please make sure care is restored now, whatever the dispute.'],
    mentions: seniors.map((s) => s.id),
  };
  draft.post(msg);
  for (const s of seniors) draft.dm(s.id, { ...msg, mentions: [] });
  draft.governance({ ...msg, mentions: [] });
}

function raise(draft: Draft, input: RaiseInput, reference: string): void {
  const { d, ctx } = draft;
  const me = actorPerson(ctx);
  if (!input.subjects.length) refuse('FIELD_REQUIRED', 'Choose at least one thing the dispute is about ("subjects").', 'subjects');
  const orgIds = input.parties.map((p) => p.organisationId);
  if (new Set(orgIds).size !== orgIds.length) refuse('DUPLICATE_PARTY', 'Each organisation can be a party only once ("parties").', 'parties');
  if (orgIds.length < 2) refuse('TOO_FEW_PARTIES', 'A dispute is between at least two partner organisations: add the other party ("parties").', 'parties');
  for (const id of orgIds) {
    if (!ctx.directory.organisations.some((o) => o.id === id)) refuse('UNKNOWN_ORGANISATION', `"${id}" is not an organisation in the directory ("parties").`, 'parties');
  }
  if (!orgIds.includes(me.organisationId)) {
    refuse('RAISER_NOT_PARTY', `Your organisation (${draft.orgName(me.organisationId)}) must be one of the parties: add it to "parties".`, 'parties');
  }
  for (const id of input.namedProfessionals) {
    if (!ctx.directory.people.some((p) => p.id === id)) refuse('UNKNOWN_PERSON', `"${id}" is not in the directory ("namedProfessionals").`, 'namedProfessionals');
  }
  let nhs: string | null = null;
  if (input.nhsNumber && input.nhsNumber.trim()) {
    if (!isValidNhsNumber(input.nhsNumber)) {
      refuse('INVALID_NHS_NUMBER', 'That NHS number is not valid: it must be 10 digits and its last digit must match the check digit. Check it, or leave it blank.', 'nhsNumber');
    }
    nhs = normaliseNhsNumber(input.nhsNumber);
  }
  Object.assign(d, {
    reference,
    subjects: [...new Set(input.subjects)],
    cohort: input.cohort,
    setting: input.setting,
    localCaseRef: required(input.localCaseRef, 'localCaseRef', "The person's local case reference"),
    nhsNumber: nhs,
    description: required(input.description, 'description', 'A description of the disagreement'),
    currentCare: required(input.currentCare, 'currentCare', 'The care currently provided'),
    careContinues: input.careContinues,
    endingProposal: input.endingProposal || input.subjects.includes('ENDING_AFTERCARE'),
    raisedById: me.id,
    raisedAt: draft.nowIso,
    raisedOn: ctx.actor.platform,
    namedProfessionals: [...new Set(input.namedProfessionals.filter((p) => p !== me.id))],
    parties: input.parties.map((p) => ({ ...p })),
  });
  if (d.endingProposal && !d.subjects.includes('ENDING_AFTERCARE')) d.subjects.push('ENDING_AFTERCARE');
  draft.event('RAISED', {
    subjects: d.subjects, cohort: d.cohort, setting: d.setting, parties: d.parties, careContinues: d.careContinues, endingProposal: d.endingProposal,
  });
  draft.effects.push({ kind: 'OPEN_CASE_SPACE', notBefore: draft.nowIso });

  // R8.1: the person steps, with R8.3's due date for the first three.
  const due = ctx.calendar.deadline(ctx.now, ctx.policy.personStepsDueWorkingDays).toISOString();
  for (const step of PERSON_STEPS) d.personSteps.push({ step, doneBy: null, doneAt: null, note: null, dueAt: step === 'EXPLAINED' ? null : due });
  if (d.subjects.includes('CHC_INTERFACE')) {
    d.chc = { status: 'NOT_REFERRED', referralDate: null, decisionDate: null, updatedAt: draft.nowIso };
  }

  const stage = startingStage(d.subjects, d.endingProposal);
  startStage(draft, stage, stage === 3
    ? `${draft.name(me.id)} raised a dispute about ending Section 117 aftercare. Endings go straight to Stage 3 (protocol section 7).`
    : `${draft.name(me.id)} raised a dispute.`);
  if (!d.careContinues) continuityAlert(draft, `${draft.name(me.id)} could not confirm that current care continues while the dispute is resolved.`);
  flagGrounds(draft, [...(input.citedGrounds ?? []), ...detectUnlawfulGrounds(`${d.description}\n${d.currentCare}`)], 'The dispute as raised');
}

function proposeDecision(draft: Draft, input: ProposeDecisionInput): void {
  const { d, ctx } = draft;
  const me = mustParticipate(d, ctx, 'propose a decision');
  mustBeOpen(d);
  const stage = d.stage;
  const summary = required(input.summary, 'summary', 'What was decided');
  // R3.3: every decision records its basis.
  const basisNeed = required(input.basisNeed, 'basisNeed', 'The basis in assessed need');
  const basisTests = required(input.basisTests, 'basisTests', 'How the statutory Section 117 tests apply');
  const basisRisk = required(input.basisRisk, 'basisRisk', 'The risk of deterioration or readmission');
  const allowed = STAGE_OUTCOMES;
  if (input.outcome === 'END_AFTERCARE' && stage < 3) {
    refuse('ENDING_NEEDS_STAGE_3', 'Ending Section 117 aftercare can only be decided at Stage 3 by the senior officers (protocol section 7). Escalate first.', 'outcome');
  }
  if (!allowed[stage]!.includes(input.outcome)) {
    refuse('OUTCOME_NOT_FOR_STAGE', `At Stage ${stage} the outcome must be one of: ${allowed[stage]!.map((o) => OUTCOME_TEXT[o]).join(', ')}.`, 'outcome');
  }
  if (input.outcome === 'WRITTEN_DECISION' || input.outcome === 'END_AFTERCARE') {
    // R5.6: the written decision confirms funding and commissioning.
    required(input.funding, 'funding', 'The funding arrangements');
    required(input.commissioning, 'commissioning', 'The commissioning arrangements');
  }
  if (input.outcome === 'END_AFTERCARE') {
    if (!input.endingReason) refuse('FIELD_REQUIRED', 'Choose the reason for ending aftercare ("endingReason").', 'endingReason');
    if (!input.jointAssessment || !input.jointAssessment.trim()) {
      // R7.1 / R10.1: an ending attempted without a joint assessment is a legal-risk signal.
      draft.flag('ENDING_WITHOUT_JOINT_ASSESSMENT', `${draft.name(me.id)} proposed ending aftercare without a joint assessment.`);
      draft.notice = 'An ending needs a joint, recorded assessment (protocol section 7). Describe it in "jointAssessment" and propose again.';
      draft.post({ title: `${d.reference}: ${FLAG_TEXT.ENDING_WITHOUT_JOINT_ASSESSMENT}`, lines: [draft.notice], mentions: [] });
      return;
    }
  }
  for (const dec of d.decisions) if (dec.status === 'PROPOSED') dec.status = 'SUPERSEDED';
  const seq = d.decisions.reduce((m, x) => Math.max(m, x.seq), 0) + 1;
  const dec: Decision = {
    seq, stage, outcome: input.outcome, summary, basisNeed, basisTests, basisRisk,
    funding: input.funding?.trim() || null, commissioning: input.commissioning?.trim() || null, interimFunding: input.interimFunding?.trim() || null,
    endingReason: input.endingReason ?? null, jointAssessment: input.jointAssessment?.trim() || null,
    proposedBy: me.id, proposedAt: draft.nowIso, sourceMessage: input.sourceMessage ?? null, status: 'PROPOSED', effectiveAt: null,
  };
  d.decisions.push(dec);
  draft.event('DECISION_PROPOSED', { seq, stage, outcome: dec.outcome });
  const seniorOnly = ctx.policy.stages[stage].confirmerRole === 'SENIOR_OFFICER' || dec.outcome === 'END_AFTERCARE';
  const confirmers = d.parties.map((p) => p.organisationId);
  draft.post({
    title: `${d.reference}: decision proposed — ${OUTCOME_TEXT[dec.outcome]}`,
    lines: [
      `Proposed by ${draft.name(me.id)}: ${summary}`,
      `It takes effect when every party organisation has confirmed it${seniorOnly ? ' through its senior officer' : ''}: ${confirmers.map((o) => draft.orgName(o)).join(', ')}.`,
    ],
    mentions: [],
    confirm: { disputeId: d.id, seq, organisations: confirmers.map((o) => ({ id: o, name: draft.orgName(o) })) },
  });
  draft.refreshCard();
  const grounds = [...(input.citedGrounds ?? []), ...detectUnlawfulGrounds(`${summary}\n${basisNeed}\n${basisTests}\n${basisRisk}\n${dec.funding ?? ''}\n${dec.commissioning ?? ''}`)];
  if (dec.endingReason === 'SERVICE_REDUCTION' || dec.endingReason === 'COMMISSIONING_CHANGE') grounds.push('RESTRUCTURING');
  flagGrounds(draft, grounds, `Decision ${seq}`);
}

function confirmDecision(draft: Draft, seq: number, organisationId: string): void {
  const { d, ctx } = draft;
  const me = mustParticipate(d, ctx, 'confirm a decision');
  mustBeOpen(d);
  const dec = d.decisions.find((x) => x.seq === seq);
  if (!dec) refuse('NO_SUCH_DECISION', `There is no decision ${seq} on ${d.reference}.`);
  if (dec.status !== 'PROPOSED') refuse('DECISION_NOT_OPEN', `Decision ${seq} is ${dec.status.toLowerCase()}; it can no longer be confirmed.`);
  if (!d.parties.some((p) => p.organisationId === organisationId)) refuse('NOT_A_PARTY', `${draft.orgName(organisationId)} is not a party to ${d.reference}.`);
  if (me.organisationId !== organisationId) {
    refuse('WRONG_ORGANISATION', `You can only confirm for your own organisation (${draft.orgName(me.organisationId)}), not for ${draft.orgName(organisationId)}.`);
  }
  // R3.2 / R7.1: Stage 3, Stage 4 and endings need the organisation's senior officer.
  const seniorOnly = ctx.policy.stages[dec.stage].confirmerRole === 'SENIOR_OFFICER' || dec.outcome === 'END_AFTERCARE';
  if (seniorOnly && !me.roles.includes('SENIOR_OFFICER')) {
    refuse('SENIOR_OFFICER_ONLY', `At this level only ${draft.orgName(organisationId)}'s senior officer can confirm. Ask them to press "Confirm".`);
  }
  if (dec.outcome === 'END_AFTERCARE' && (dec.endingReason === 'SERVICE_REDUCTION' || dec.endingReason === 'COMMISSIONING_CHANGE')) {
    // R7.3: never ended on that basis alone.
    refuse('ENDING_UNLAWFUL_REASON', 'Section 117 aftercare cannot be ended because of service reductions or commissioning changes. Propose the ending again with its basis in assessed need.');
  }
  const already = d.confirmations.find((c) => c.decisionSeq === seq && c.organisationId === organisationId);
  if (already) {
    draft.notice = `${draft.orgName(organisationId)} already confirmed decision ${seq} (${draft.name(already.personId)}).`;
    return;
  }
  d.confirmations.push({ decisionSeq: seq, organisationId, personId: me.id, at: draft.nowIso });
  draft.event('DECISION_CONFIRMED', { seq, organisationId });
  draft.refreshCard();
  const missing = d.parties.map((p) => p.organisationId).filter((o) => !d.confirmations.some((c) => c.decisionSeq === seq && c.organisationId === o));
  if (missing.length) {
    draft.post({
      title: `${d.reference}: ${draft.orgName(organisationId)} confirmed decision ${seq}`,
      lines: [`Confirmed by ${draft.name(me.id)}. Still waiting for: ${missing.map((o) => draft.orgName(o)).join(', ')}.`],
      mentions: [],
    });
    return;
  }
  takeEffect(draft, dec);
}

function takeEffect(draft: Draft, dec: Decision): void {
  const { d, ctx } = draft;
  dec.status = 'CONFIRMED';
  dec.effectiveAt = draft.nowIso;
  draft.event('DECISION_TOOK_EFFECT', { seq: dec.seq, outcome: dec.outcome });
  draft.post({ title: `${d.reference}: decision ${dec.seq} confirmed by every party`, lines: [`${OUTCOME_TEXT[dec.outcome]}: ${dec.summary}`], mentions: [] });
  if (dec.outcome === 'ESCALATE') {
    escalate(draft, 'JOINT_DECISION', dec.summary);
    return;
  }
  // R8.1: the decision must now be explained to the person.
  const explain = d.personSteps.find((p) => p.step === 'EXPLAINED');
  if (explain && !explain.doneAt) explain.dueAt = ctx.calendar.deadline(ctx.now, ctx.policy.explainDueWorkingDays).toISOString();
  addLetter(draft, dec, dec.proposedBy);
  maybeResolve(draft);
}

/** R8.2: a draft for a professional to review before it is marked sent. */
function addLetter(draft: Draft, dec: Decision, signedBy: string): void {
  const { d } = draft;
  const letter = draftLetter(d, dec, draft.name(signedBy));
  const seq = d.letters.reduce((m, l) => Math.max(m, l.seq), 0) + 1;
  d.letters.push({ seq, decisionSeq: dec.seq, text: letter.text, gradeLevel: letter.gradeLevel, readingAge: letter.readingAge, draftedAt: draft.nowIso, reviewedBy: null, sentAt: null });
  draft.event('LETTER_DRAFTED', { seq, decisionSeq: dec.seq, readingAge: letter.readingAge });
}

/** R5.6: what it takes to close at each stage. */
export function closureGaps(d: Dispute): string[] {
  const confirmed = d.decisions.filter((x) => x.status === 'CONFIRMED' && x.stage === d.stage && x.outcome !== 'ESCALATE');
  if (d.stage <= 2) return confirmed.length ? [] : [d.stage === 1 ? 'an agreement confirmed by every party' : 'a decision confirmed by every party'];
  const gaps: string[] = [];
  const written = confirmed.find((x) => x.outcome === 'WRITTEN_DECISION' || x.outcome === 'END_AFTERCARE');
  if (!written) gaps.push('a written decision confirmed by every senior officer');
  else if (!written.funding || !written.commissioning) gaps.push('funding and commissioning arrangements confirmed');
  const explained = d.personSteps.find((p) => p.step === 'EXPLAINED');
  if (!explained?.doneAt || (written?.effectiveAt && explained.doneAt < written.effectiveAt)) gaps.push('the person informed of the outcome and rationale');
  return gaps;
}

function maybeResolve(draft: Draft): void {
  const { d } = draft;
  const gaps = closureGaps(d);
  if (gaps.length) {
    draft.post({ title: `${d.reference}: before this dispute can close`, lines: gaps.map((g) => `• Still needed: ${g}`), mentions: [] });
    return;
  }
  const dec = [...d.decisions].reverse().find((x) => x.status === 'CONFIRMED' && x.stage === d.stage);
  endStage(draft, 'RESOLVED');
  d.status = 'RESOLVED';
  d.resolvedAt = draft.nowIso;
  d.outcome = dec ? `${OUTCOME_TEXT[dec.outcome]}: ${dec.summary}` : 'Resolved';
  draft.event('RESOLVED', { stage: d.stage, outcome: d.outcome });
  draft.post({ title: `${d.reference} is resolved at Stage ${d.stage}`, lines: [d.outcome, 'The register has the full record.'], mentions: [] });
  draft.refreshCard();
}

function sweep(draft: Draft): void {
  const { d, ctx } = draft;
  if (d.status !== 'OPEN') return;
  const now = ctx.now.getTime();
  // Catch up stage by stage: each timeout happened at its own deadline (R5.2).
  for (let s = currentStage(d); s.dueAt && !s.timedOutAt && new Date(s.dueAt).getTime() <= now; s = currentStage(d)) {
    const at = new Date(s.dueAt);
    draft.flag('STAGE_OVERDUE', `Stage ${s.stage} passed its deadline (${ctx.calendar.describe(at)}) without a recorded resolution.`);
    if (s.stage < 3) {
      escalate(draft, 'TIMEOUT', 'deadline passed', at);
      continue;
    }
    // R5.3: Stage 3 never escalates by itself.
    s.timedOutAt = s.dueAt;
    s.met = false;
    d.overdue = true;
    draft.event('STAGE_TIMED_OUT', { stage: s.stage });
    const seniors = seniorOfficers(ctx.directory, d.parties.map((p) => p.organisationId));
    const msg = {
      title: `${d.reference}: Stage 3 is overdue`,
      lines: [
        'The senior leadership stage passed its deadline without a binding resolution.',
        'Agree the written decision now, or, in exceptional circumstances, escalate externally: NHS England, the Department of Health and Social Care, or formal legal advice.',
        CONTINUITY_REMINDER,
      ],
      mentions: seniors.map((p) => p.id),
    };
    draft.post(msg);
    for (const p of seniors) draft.dm(p.id, { ...msg, mentions: [] });
    draft.governance({ ...msg, mentions: [] });
    draft.refreshCard();
  }
  const s = currentStage(d);
  if (!s.timedOutAt) {
    const due = s.reminders.filter((r) => !r.sentAt && new Date(r.at).getTime() <= now);
    if (due.length) {
      // After downtime only the latest reminder goes out: one message, not a burst.
      for (const r of due) r.sentAt = draft.nowIso;
      const last = due[due.length - 1]!;
      const owe = whoOwes(d);
      draft.event('REMINDER_SENT', { stage: s.stage, kind: last.kind, skipped: due.length - 1 });
      draft.post({
        title: `${d.reference}: reminder — Stage ${s.stage} is ${stageDueText(draft, s)}`,
        lines: owe.lines.length ? owe.lines : ['Record the outcome of this stage before the deadline.'],
        mentions: owe.people,
      });
    }
  }
  for (const p of d.personSteps) {
    if (p.dueAt && !p.doneAt && new Date(p.dueAt).getTime() <= now && !personStepFlagged(d, p.step)) {
      draft.flag('PERSON_NOT_INFORMED', `[${p.step}] Not done yet: ${PERSON_STEP_TEXT[p.step]}.`);
      draft.post({
        title: `${d.reference}: the person has not been kept informed`,
        lines: [`Overdue: ${PERSON_STEP_TEXT[p.step]}.`, 'Disputes must never be conducted around the person (protocol section 8).'],
        mentions: [d.raisedById],
      });
    }
  }
}

/** Who still owes something at the current stage, for reminders. */
export function whoOwes(d: Dispute): { people: string[]; lines: string[] } {
  const pending = d.decisions.find((x) => x.status === 'PROPOSED');
  const lines: string[] = [];
  const people = new Set<string>();
  const stageIds = d.participants.filter((p) => p.fromStage === d.stage).map((p) => p.personId);
  if (pending) {
    const waiting = d.parties.filter((p) => !d.confirmations.some((c) => c.decisionSeq === pending.seq && c.organisationId === p.organisationId));
    lines.push(`Decision ${pending.seq} is waiting for confirmation from ${waiting.length} organisation(s).`);
    for (const id of stageIds) people.add(id);
  } else {
    const open = d.checklist.filter((c) => c.stage === d.stage && !c.tickedAt);
    if (open.length) lines.push('Still to do:', ...open.map((c) => `• ${c.label}`));
    for (const id of stageIds) people.add(id);
  }
  return { people: [...people], lines };
}

function handle(draft: Draft, cmd: Command): void {
  const { d, ctx } = draft;
  switch (cmd.type) {
    case 'RAISE':
      return raise(draft, cmd.input, cmd.reference);
    case 'SWEEP':
      return sweep(draft);
    case 'TICK_CHECKLIST': {
      const me = mustParticipate(d, ctx, 'tick the checklist');
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
      return;
    }
    case 'ESCALATE': {
      mustParticipate(d, ctx, 'escalate the dispute');
      mustBeOpen(d);
      const reason = required(cmd.reason, 'reason', 'A reason for escalating');
      if (d.stage >= 3) {
        refuse('USE_EXTERNAL_ESCALATION', 'Stage 3 does not escalate by itself. In exceptional circumstances, record an external escalation (NHS England, DHSC or legal) instead.');
      }
      escalate(draft, 'MANUAL', reason);
      flagGrounds(draft, detectUnlawfulGrounds(reason), 'The escalation reason');
      return;
    }
    case 'PROPOSE_DECISION':
      return proposeDecision(draft, cmd.input);
    case 'CONFIRM_DECISION':
      return confirmDecision(draft, cmd.seq, cmd.organisationId);
    case 'WITHDRAW_DECISION': {
      const me = mustParticipate(d, ctx, 'withdraw a decision');
      mustBeOpen(d);
      const dec = d.decisions.find((x) => x.seq === cmd.seq);
      if (!dec || dec.status !== 'PROPOSED') refuse('DECISION_NOT_OPEN', `Decision ${cmd.seq} is not waiting for confirmation, so it cannot be withdrawn.`);
      dec.status = 'WITHDRAWN';
      draft.event('DECISION_WITHDRAWN', { seq: cmd.seq, reason: required(cmd.reason, 'reason', 'A reason') });
      draft.post({ title: `${d.reference}: decision ${cmd.seq} withdrawn`, lines: [`By ${draft.name(me.id)}: ${cmd.reason}`], mentions: [] });
      draft.refreshCard();
      return;
    }
    case 'REPORT_CARE_CHANGE': {
      const me = mustParticipate(d, ctx, 'report a change in care');
      const detail = required(cmd.detail, 'detail', 'What happened to the care');
      draft.event('CARE_CHANGE_REPORTED', { change: cmd.change });
      continuityAlert(draft, `${draft.name(me.id)} reports care ${cmd.change.toLowerCase()} because of the dispute: ${detail}`);
      return;
    }
    case 'RECORD_EXTERNAL_ROUTE': {
      const me = mustParticipate(d, ctx, 'record an external escalation');
      mustBeOpen(d);
      if (d.stage < 3) refuse('EXTERNAL_NEEDS_STAGE_3', 'External escalation is only for disputes still unresolved after Stage 3.');
      if (!me.roles.includes('SENIOR_OFFICER')) refuse('SENIOR_OFFICER_ONLY', 'Only a senior officer can escalate externally (Stage 4).');
      if (d.externalRoutes.some((r) => r.route === cmd.route)) {
        draft.notice = `${ROUTE_TEXT[cmd.route]} is already recorded.`;
        return;
      }
      d.externalRoutes.push({ route: cmd.route, by: me.id, at: draft.nowIso, note: cmd.note });
      draft.event('EXTERNAL_ROUTE_RECORDED', { route: cmd.route });
      if (d.stage === 3) {
        endStage(draft, 'MANUAL', `external escalation: ${ROUTE_TEXT[cmd.route]}`);
        startStage(draft, 4, `${draft.name(me.id)} escalated externally: ${ROUTE_TEXT[cmd.route]}.`);
      } else {
        draft.post({ title: `${d.reference}: external route added`, lines: [ROUTE_TEXT[cmd.route], CONTINUITY_REMINDER], mentions: [] });
        draft.refreshCard();
      }
      return;
    }
    case 'UPDATE_CHC': {
      mustParticipate(d, ctx, 'update the CHC track');
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
      return;
    }
    case 'RECORD_CHC_ADJUSTMENT': {
      mustParticipate(d, ctx, 'record a CHC funding adjustment');
      if (!d.chc || (d.chc.status !== 'ELIGIBLE' && d.chc.status !== 'NOT_ELIGIBLE')) {
        refuse('CHC_NOT_DECIDED', 'Record the CHC decision first: a funding adjustment follows a CHC decision.');
      }
      if (!cmd.personNotPenalised) refuse('PERSON_PENALISED', 'A retrospective adjustment must not penalise the person: confirm "personNotPenalised" once that is true.', 'personNotPenalised');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(cmd.effectiveDate)) refuse('INVALID_DATE', 'Give the effective date as YYYY-MM-DD ("effectiveDate").', 'effectiveDate');
      const seq = d.chcAdjustments.length + 1;
      d.chcAdjustments.push({
        seq, effectiveDate: cmd.effectiveDate, parties: cmd.parties, amountOrShare: required(cmd.amountOrShare, 'amountOrShare', 'The amount or share'),
        personNotPenalised: true, recordedBy: ctx.actor.personId, at: draft.nowIso,
      });
      draft.event('CHC_ADJUSTMENT_RECORDED', { seq, effectiveDate: cmd.effectiveDate });
      draft.refreshCard();
      return;
    }
    case 'PERSON_STEP': {
      const me = mustParticipate(d, ctx, 'record contact with the person');
      const step = d.personSteps.find((p) => p.step === cmd.step)!;
      if (step.doneAt && cmd.step !== 'EXPLAINED') {
        draft.notice = `"${PERSON_STEP_TEXT[cmd.step]}" was already recorded by ${draft.name(step.doneBy ?? '')}.`;
        return;
      }
      Object.assign(step, { doneBy: me.id, doneAt: draft.nowIso, note: cmd.note });
      draft.event('PERSON_STEP_DONE', { step: cmd.step });
      draft.refreshCard();
      if (d.status === 'OPEN' && d.stage >= 3 && cmd.step === 'EXPLAINED') maybeResolve(draft);
      return;
    }
    case 'DRAFT_LETTER': {
      const me = mustParticipate(d, ctx, 'draft a letter');
      const dec = d.decisions.find((x) => x.seq === cmd.decisionSeq && x.status === 'CONFIRMED');
      if (!dec) refuse('NO_SUCH_DECISION', `Decision ${cmd.decisionSeq} has not been confirmed by every party, so there is nothing to explain yet.`);
      addLetter(draft, dec, me.id);
      return;
    }
    case 'MARK_LETTER_SENT': {
      const me = mustParticipate(d, ctx, 'mark a letter sent');
      const letter = d.letters.find((l) => l.seq === cmd.seq);
      if (!letter) refuse('NO_SUCH_LETTER', `There is no letter ${cmd.seq} on ${d.reference}.`);
      if (letter.sentAt) {
        draft.notice = `Letter ${cmd.seq} was already marked sent.`;
        return;
      }
      // R8.2: marking it sent is the professional's review.
      letter.reviewedBy = me.id;
      letter.sentAt = draft.nowIso;
      draft.event('LETTER_SENT', { seq: cmd.seq });
      const step = d.personSteps.find((p) => p.step === 'EXPLAINED')!;
      Object.assign(step, { doneBy: me.id, doneAt: draft.nowIso, note: `Letter ${cmd.seq} sent` });
      draft.event('PERSON_STEP_DONE', { step: 'EXPLAINED', letter: cmd.seq });
      draft.refreshCard();
      if (d.status === 'OPEN' && d.stage >= 3) maybeResolve(draft);
      return;
    }
    case 'ADD_THEME': {
      const me = actorPerson(ctx);
      if (!isParticipant(d, me.id) && !me.roles.includes('GOVERNANCE_LEAD') && !me.roles.includes('ADMIN')) {
        refuse('NOT_A_PARTICIPANT', 'Only participants and governance leads can tag themes.');
      }
      const theme = required(cmd.theme, 'theme', 'A theme').toLowerCase().replace(/\s+/g, ' ').slice(0, 80);
      if (d.themes.some((t) => t.theme === theme)) {
        draft.notice = `"${theme}" is already tagged.`;
        return;
      }
      d.themes.push({ theme, addedBy: me.id, at: draft.nowIso });
      draft.event('THEME_ADDED', { theme });
      return;
    }
    case 'REQUEST_LEGAL_ADVICE': {
      mustParticipate(d, ctx, 'ask for legal advice');
      mustBeOpen(d);
      if (d.legalAdviceAsked) {
        draft.notice = 'Legal advice has already been asked for.';
        return;
      }
      d.legalAdviceAsked = true;
      draft.event('LEGAL_ADVICE_REQUESTED', { reason: required(cmd.reason, 'reason', 'A reason') });
      if (d.stage >= 3) {
        const { added } = stageParticipants(d, 3, ctx.directory);
        for (const a of added) d.participants.push({ personId: a.personId, fromStage: d.stage, reason: a.reason, addedAt: draft.nowIso });
        if (added.length) draft.effects.push({ kind: 'INVITE', personIds: added.map((a) => a.personId), notBefore: draft.pingAt }); // an invitation notifies people too (R0.4)
        draft.post({ title: `${d.reference}: legal advice requested`, lines: [cmd.reason], mentions: added.map((a) => a.personId) });
      } else {
        draft.post({ title: `${d.reference}: legal advice requested`, lines: [cmd.reason, 'Legal advisors join if the dispute reaches Stage 3.'], mentions: [] });
      }
      return;
    }
    case 'RECOMPUTE_DEADLINE': {
      const me = actorPerson(ctx);
      if (!me.roles.includes('ADMIN')) refuse('ADMIN_ONLY', 'Only an administrator can recompute a deadline.');
      mustBeOpen(d);
      const s = currentStage(d);
      if (!s.workingDays) refuse('NO_DEADLINE', `Stage ${s.stage} has no deadline to recompute.`);
      const before = s.dueAt;
      s.dueAt = ctx.calendar.deadline(new Date(s.startedAt), s.workingDays).toISOString();
      const sent = new Set(s.reminders.filter((r) => r.sentAt).map((r) => r.kind));
      s.reminders = plannedReminders(ctx.calendar, new Date(s.startedAt), s.workingDays).map((r) => (sent.has(r.kind) ? { ...r, sentAt: r.at } : r));
      // R0.3: the change is on the record.
      draft.event('DEADLINE_RECOMPUTED', { stage: s.stage, before, after: s.dueAt, reason: required(cmd.reason, 'reason', 'A reason') });
      draft.post({ title: `${d.reference}: deadline recomputed`, lines: [`Stage ${s.stage} is now ${stageDueText(draft, s)}.`, `Reason: ${cmd.reason}`], mentions: [] });
      draft.refreshCard();
      return;
    }
    case 'CORRECT': {
      mustParticipate(d, ctx, 'correct the record');
      const value = required(cmd.value, 'value', 'The corrected text');
      const before = d[cmd.field];
      d[cmd.field] = value;
      // R11.1: a new entry that points at what it corrects.
      draft.event('CORRECTED', { field: cmd.field, before, after: value }, cmd.correctsSeq);
      draft.refreshCard();
      return;
    }
  }
}

export function emptyDispute(id: string): Dispute {
  return {
    id, reference: '', status: 'OPEN', stage: 1, version: 0, subjects: [], cohort: 'ADULT', setting: 'COMMUNITY', localCaseRef: '', nhsNumber: null,
    description: '', currentCare: '', careContinues: true, endingProposal: false, legalAdviceAsked: false, raisedById: '', raisedAt: '', raisedOn: 'system',
    namedProfessionals: [], outcome: null, resolvedAt: null, overdue: false, nextWakeAt: null, parties: [], stages: [], checklist: [], participants: [],
    decisions: [], confirmations: [], personSteps: [], flags: [], themes: [], chc: null, chcAdjustments: [], letters: [], externalRoutes: [],
  };
}

/**
 * The one place the protocol changes a dispute. Pure: the clock, calendar,
 * policy and directory come in `ctx`; nothing is read or written here.
 */
export function decide(current: Dispute | null, cmd: Command, ctx: DecideContext): Decided {
  if (cmd.type !== 'RAISE' && !current) refuse('NO_SUCH_DISPUTE', 'There is no such dispute.');
  if (cmd.type === 'RAISE' && current) refuse('ALREADY_RAISED', `${current.reference} already exists.`);
  const d = current ? structuredClone(current) : emptyDispute((cmd as { id: string }).id);
  const draft = new Draft(d, ctx);
  handle(draft, cmd);
  d.nextWakeAt = nextWake(d);
  if (draft.events.length) d.version += 1;
  return { next: d, events: draft.events, effects: draft.effects, notice: draft.notice };
}

