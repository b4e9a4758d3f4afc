import type { Command, ProposeDecisionInput } from '../commands.ts';
import { flagGrounds } from '../alerts.ts';
import { Problems, refuse } from '../errors.ts';
import { activePartyIds, MAX_TEXT, mustBeOpen, mustHoldConfirmerRole, mustParticipate, required } from '../guards.ts';
import { takeEffect } from '../resolution.ts';
import { confirmerRoles } from '../stage-policy.ts';
import type { Draft } from '../stage-ops.ts';
import { BASIS_TEXT, EFFECT_TEXT, LAWFUL_ENDING_REASONS } from '../aftercare-effect.ts';
import { FLAG_TEXT, OUTCOME_TEXT, rolesText } from '../texts.ts';
import type { Decision } from '../types.ts';
import { detectUnlawfulGrounds } from '../unlawful-grounds.ts';
import { checkStructure, checkWording } from './decision-input.ts';
import { assessmentLines, checkJointAssessment, noAssessmentGiven } from './joint-assessment.ts';

export function proposeDecision(draft: Draft, { input }: { input: ProposeDecisionInput }): void {
  const { d, ctx } = draft;
  const me = mustParticipate(draft, 'propose a decision');
  mustBeOpen(d);
  const stage = d.stage;
  // Every field is checked before any is refused, so a form shows all its problems at once (nothing below changes the
  // dispute until they have all passed).
  const problems = new Problems();
  const text = (field: keyof ProposeDecisionInput, what: string) => problems.check(() => required(input[field] as string, field, what)) ?? '';
  const summary = text('summary', 'What was decided');
  // R3.3: every decision records its basis, chosen from the needs-led grounds and explained in words.
  const basisNeed = text('basisNeed', 'The basis in assessed need');
  const basisTests = text('basisTests', 'How the statutory Section 117 tests apply');
  const basisRisk = text('basisRisk', 'The risk of deterioration or readmission');
  const words = {
    summary, basisNeed, basisTests, basisRisk, funding: input.funding?.trim() || null, commissioning: input.commissioning?.trim() || null,
    interimFunding: input.interimFunding?.trim() || null, jointAssessment: input.jointAssessment?.trim() || null,
    // Only an ending records it (its joint assessment), so only then is it read.
    personNotInvolvedReason: (input.effect === 'ENDS' || input.outcome === 'END_AFTERCARE') && input.personInvolved === false
      ? input.personNotInvolvedReason?.trim() || null : null,
  };
  for (const [field, v] of Object.entries(words)) if (v && v.length > MAX_TEXT) problems.check(() => required(v, field, field));
  // R7.x: what it does to aftercare is a choice the record holds; the words only prompt a question.
  const structure = checkStructure(draft, me, input, problems);
  // An ending chosen as the effect makes a written decision the ending decision (checkStructure), else as chosen.
  const outcome = structure?.outcome ?? input.outcome;
  const allowed = ctx.policy.stages[stage].decisionOutcomes;
  if (!allowed.includes(outcome)) {
    problems.check(() => refuse('OUTCOME_NOT_FOR_STAGE', `At Stage ${stage} the outcome must be one of: ${allowed.map((o) => OUTCOME_TEXT[o]).join(', ')}.`, 'outcome'));
  }
  if (outcome === 'WRITTEN_DECISION' || outcome === 'END_AFTERCARE') {
    // R5.6: the written decision confirms funding and commissioning.
    problems.check(() => required(input.funding, 'funding', 'The funding arrangements'));
    problems.check(() => required(input.commissioning, 'commissioning', 'The commissioning arrangements'));
  }
  if (outcome === 'END_AFTERCARE') {
    if (!input.endingReason) problems.check(() => refuse('FIELD_REQUIRED', 'Choose the reason for ending aftercare ("endingReason").', 'endingReason'));
    else if (!LAWFUL_ENDING_REASONS.includes(input.endingReason)) {
      // R7.3: not a reason the protocol allows, so it is not one that can be chosen.
      problems.check(() => refuse('ENDING_UNLAWFUL_REASON', 'Section 117 aftercare cannot be ended because of service reductions or commissioning changes (protocol section 7). Choose the reason in assessed need ("endingReason").', 'endingReason'));
    }
  }
  // R7.1: an ending's joint assessment is its recorded facts, each checked with the rest of the form. Nothing at all
  // about one is the ending attempted without it: flagged below rather than refused, as the legal-risk signal it is.
  const withoutAssessment = outcome === 'END_AFTERCARE' && noAssessmentGiven(input);
  const assessment = outcome === 'END_AFTERCARE' && !withoutAssessment ? checkJointAssessment(draft, input, problems) : null;
  problems.refuseIfAny();
  const s = checkWording(structure!, input, Object.values(words));
  if (s.outcome === 'END_AFTERCARE' && withoutAssessment) {
    // R7.1 / R10.1: an ending attempted without a joint assessment is a legal-risk signal.
    draft.flag('ENDING_WITHOUT_JOINT_ASSESSMENT', `${draft.name(me.id)} proposed ending aftercare without a joint assessment.`);
    draft.notice = 'An ending needs a joint, recorded assessment (protocol section 7): when it was carried out ("jointAssessedOn"), '
      + 'every party organisation that took part ("jointAssessmentOrganisations"), whether the person was involved ("personInvolved") '
      + 'and what it found ("jointAssessment"). Record it and propose again.';
    draft.post({ title: `${d.reference}: ${FLAG_TEXT.ENDING_WITHOUT_JOINT_ASSESSMENT}`, lines: [draft.notice], mentions: [] });
    return;
  }
  for (const dec of d.decisions) if (dec.status === 'PROPOSED') dec.status = 'SUPERSEDED';
  const seq = d.decisions.reduce((m, x) => Math.max(m, x.seq), 0) + 1;
  const { personNotInvolvedReason: _reason, ...texts } = words;
  const dec: Decision = {
    seq, stage, outcome: s.outcome, ...texts, assessment: s.outcome === 'END_AFTERCARE' ? assessment : null,
    endingReason: s.outcome === 'END_AFTERCARE' ? input.endingReason ?? null : null,
    effect: s.effect, basis: s.basis, payers: s.payers, effectiveFrom: s.effectiveFrom, wordingQuery: s.wordingQuery,
    proposedBy: me.id, proposedAt: draft.nowIso, sourceMessage: input.sourceMessage ?? null, status: 'PROPOSED', effectiveAt: null,
  };
  d.decisions.push(dec);
  draft.event('DECISION_PROPOSED', {
    seq, stage, outcome: dec.outcome, effect: dec.effect, basis: dec.basis, payers: dec.payers, effectiveFrom: dec.effectiveFrom,
    ...(dec.wordingQuery ? { wordingQuery: dec.wordingQuery } : {}),
    // The facts, not the words: the reason the person was not involved is free text, kept on the decision only.
    ...(dec.assessment ? { assessment: { carriedOutOn: dec.assessment.carriedOutOn, organisations: dec.assessment.organisations, personInvolved: dec.assessment.personInvolved } } : {}),
  });
  const roles = confirmerRoles(ctx.policy, stage, dec.outcome);
  const confirmers = activePartyIds(d);
  draft.post({
    title: `${d.reference}: decision proposed — ${OUTCOME_TEXT[dec.outcome]}`,
    lines: [
      `Proposed by ${draft.name(me.id)}: ${summary}`,
      `It takes effect when every party organisation has confirmed it${roles ? ` through its ${rolesText(roles)}` : ''}: ${confirmers.map((o) => draft.orgName(o)).join(', ')}.`,
      ...effectLines(draft, dec),
    ],
    mentions: [],
    confirm: { disputeId: d.id, seq, organisations: confirmers.map((o) => ({ id: o, name: draft.orgName(o) })) },
  });
  draft.refreshCard();
  // R4.1: every free text of the decision is read, each field on its own so the flag says where.
  const grounds = [...(input.citedGrounds ?? [])];
  const where: string[] = [];
  for (const [field, v] of [...Object.entries(words), ...dec.payers.map((p) => [`share paid by ${draft.orgName(p.organisationId)}`, p.share] as const)]) {
    const found = detectUnlawfulGrounds(v);
    if (found.length) where.push(FIELD_WORDS[field] ?? field);
    grounds.push(...found);
  }
  flagGrounds(draft, grounds, `Decision ${seq}${where.length ? ` (${where.join(', ')})` : ''}`);
}

/** What the record says the decision does, in the words the parties see before confirming. */
function effectLines(draft: Draft, dec: Decision): string[] {
  const lines = [`What it does to aftercare: ${EFFECT_TEXT[dec.effect]}${dec.effectiveFrom ? `, from ${dec.effectiveFrom}` : ''}.`];
  lines.push(`Basis: ${dec.basis.map((b) => BASIS_TEXT[b]).join('; ')}.`);
  if (dec.payers.length) lines.push(`Who pays: ${dec.payers.map((p) => `${draft.orgName(p.organisationId)}: ${p.share}`).join('; ')}.`);
  if (dec.wordingQuery) {
    lines.push(`Check before confirming: the words read as ${dec.wordingQuery === 'ENDS' ? 'ending' : 'reducing'} aftercare, but the proposer kept "${EFFECT_TEXT[dec.effect]}".`);
  }
  lines.push(...assessmentLines(dec, (o) => draft.orgName(o)));
  return lines;
}


const FIELD_WORDS: Record<string, string> = {
  summary: 'what was decided', basisNeed: 'basis in assessed need', basisTests: 'statutory tests', basisRisk: 'risk',
  funding: 'funding', commissioning: 'commissioning', interimFunding: 'interim funding', jointAssessment: 'joint assessment',
  personNotInvolvedReason: 'why the person was not involved',
};

export function confirmDecision(draft: Draft, { seq, organisationId }: { seq: number; organisationId: string }): void {
  const { d, ctx } = draft;
  const me = mustParticipate(draft, 'confirm a decision');
  mustBeOpen(d);
  const dec = d.decisions.find((x) => x.seq === seq);
  if (!dec) refuse('NO_SUCH_DECISION', `There is no decision ${seq} on ${d.reference}.`);
  if (dec.status !== 'PROPOSED') refuse('DECISION_NOT_OPEN', `Decision ${seq} is ${dec.status.toLowerCase()}; it can no longer be confirmed.`);
  if (!activePartyIds(d).includes(organisationId)) refuse('NOT_A_PARTY', `${draft.orgName(organisationId)} is not a party to ${d.reference}.`);
  if (me.organisationId !== organisationId) {
    refuse('WRONG_ORGANISATION', `You can only confirm for your own organisation (${draft.orgName(me.organisationId)}), not for ${draft.orgName(organisationId)}.`);
  }
  // R5.9 / R7.1: who confirms depends on the stage (policy table); endings need the senior officer.
  const roles = confirmerRoles(ctx.policy, dec.stage, dec.outcome);
  mustHoldConfirmerRole(draft, me, roles, dec.stage, organisationId, dec.outcome === 'END_AFTERCARE' ? ' an ending' : '');
  // R3.2: one person confirms for one organisation only, never the same decision twice.
  const mine = d.confirmations.find((c) => c.decisionSeq === seq && c.personId === me.id && c.organisationId !== organisationId);
  if (mine) {
    refuse('ALREADY_CONFIRMED_FOR_ANOTHER_ORGANISATION', `You already confirmed decision ${seq} for ${draft.orgName(mine.organisationId)}. Someone else must confirm for ${draft.orgName(organisationId)}.`);
  }
  if (dec.outcome === 'END_AFTERCARE' && dec.assessment?.form === 'TEXT_ONLY') {
    // R7.1: proposed before the assessment's facts were asked for (an upgrade between the proposal and this), so its
    // words alone would end aftercare: the gap the structured form closes.
    refuse('JOINT_ASSESSMENT_INCOMPLETE', `Decision ${seq} was proposed before the joint assessment's facts were recorded with an `
      + `ending, so it cannot be confirmed on its words alone. Withdraw decision ${seq} and propose the ending again with `
      + 'the date of the joint assessment, the organisations that took part and whether the person was involved.');
  }
  if (dec.assessment?.form === 'STRUCTURED' && !dec.assessment.organisations.includes(organisationId)) {
    // R7.1: a party that joined after the assessment would be confirming an assessment it took no part in.
    const org = draft.orgName(organisationId);
    refuse('JOINT_ASSESSMENT_INCOMPLETE', `${org} did not take part in the joint assessment decision ${seq} rests on `
      + `(${dec.assessment.organisations.map((o) => draft.orgName(o)).join(', ')}), so it cannot confirm this ending. `
      + `Withdraw decision ${seq}, assess jointly with ${org}, and propose the ending again.`);
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
  const missing = activePartyIds(d).filter((o) => !d.confirmations.some((c) => c.decisionSeq === seq && c.organisationId === o));
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

export function withdrawDecision(draft: Draft, cmd: Extract<Command, { type: 'WITHDRAW_DECISION' }>): void {
  const { d } = draft;
  const me = mustParticipate(draft, 'withdraw a decision');
  mustBeOpen(d);
  const dec = d.decisions.find((x) => x.seq === cmd.seq);
  if (!dec || dec.status !== 'PROPOSED') refuse('DECISION_NOT_OPEN', `Decision ${cmd.seq} is not waiting for confirmation, so it cannot be withdrawn.`);
  const reason = required(cmd.reason, 'reason', 'A reason');
  dec.status = 'WITHDRAWN';
  draft.event('DECISION_WITHDRAWN', { seq: cmd.seq, reason });
  draft.post({ title: `${d.reference}: decision ${cmd.seq} withdrawn`, lines: [`By ${draft.name(me.id)}: ${reason}`], mentions: [] });
  draft.refreshCard();
  flagGrounds(draft, detectUnlawfulGrounds(reason), `The reason decision ${cmd.seq} was withdrawn`);
}
