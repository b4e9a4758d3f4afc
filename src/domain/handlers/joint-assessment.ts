import type { ProposeDecisionInput } from '../commands.ts';
import { parseDate } from '../date-input.ts';
import { refuse, type Problems } from '../errors.ts';
import { activeParties, activePartyIds, required } from '../guards.ts';
import type { Draft } from '../stage-ops.ts';
import type { Decision, JointAssessment } from '../types.ts';

/**
 * R7.1: an ending rests on a joint, recorded assessment. Its words alone proved nothing ("n/a" passed), so its facts
 * are recorded as choices the record holds: when it was carried out, which party organisations took part (every one
 * of them), and whether the person was involved (and why not). Each fact is checked on its own field, so a form shows
 * every gap at once.
 */

/**
 * Words that stand in for an assessment without describing one, matched after spaces and punctuation are taken out
 * ("N / A", "n/a." and "t.b.c." are "na" and "tbc"). A heuristic: the facts that hold R7.1 are the date and the
 * organisations; this only refuses a summary that plainly says nothing.
 */
const PLACEHOLDER = /^(na|none|nil|nothing|tbc|tba|tbd|tofollow|seeabove|seenotes?|notapplicable|unknown|x*|notyet(assessed|done|carriedout)?|not(assessed|done|carriedout)|noassessment(done|yet)?)$/i;
const isPlaceholder = (v: string) => PLACEHOLDER.test(v.replace(/[\s\p{P}\p{S}]+/gu, ''));

/** Nothing about an assessment was given at all: the ending was attempted without one (flagged, R10.1). */
export function noAssessmentGiven(input: ProposeDecisionInput): boolean {
  return !input.jointAssessment?.trim() && !input.jointAssessedOn?.trim() && !(input.jointAssessmentOrganisations ?? []).length
    && (input.personInvolved === undefined || input.personInvolved === null) && !input.personNotInvolvedReason?.trim();
}

/** The facts of the joint assessment, checked; null when any was wrong (each reported into `problems`). */
export function checkJointAssessment(draft: Draft, input: ProposeDecisionInput, problems: Problems): JointAssessment | null {
  const carriedOutOn = problems.check(() => checkDate(draft, input.jointAssessedOn));
  const organisations = problems.check(() => checkOrganisations(draft, input.jointAssessmentOrganisations ?? []));
  const person = problems.check(() => checkPerson(input.personInvolved, input.personNotInvolvedReason));
  const summary = problems.check(() => checkSummary(input.jointAssessment));
  if (carriedOutOn !== undefined && organisations !== undefined) {
    problems.check(() => checkJoinedBefore(draft, carriedOutOn, organisations));
  }
  if (carriedOutOn === undefined || organisations === undefined || person === undefined || summary === undefined) return null;
  return { form: 'STRUCTURED', carriedOutOn, organisations, ...person };
}

/**
 * An organisation that became a party after the assessment date cannot have taken part in it as a party: naming it
 * would let it confirm an assessment made before it was in the dispute (the same reason as the date's lower bound).
 */
function checkJoinedBefore(draft: Draft, carriedOutOn: string, organisations: readonly string[]): void {
  const { d, ctx } = draft;
  const late = activeParties(d).find((p) => organisations.includes(p.organisationId) && p.addedAt
    && ctx.calendar.localDate(new Date(p.addedAt)) > carriedOutOn);
  if (!late) return;
  const joined = ctx.calendar.localDate(new Date(late.addedAt!));
  refuse('JOINT_ASSESSMENT_INCOMPLETE', `${draft.orgName(late.organisationId)} became a party to ${d.reference} on ${joined}, after the `
    + `joint assessment date ${carriedOutOn} ("jointAssessedOn"). Every party organisation takes part in the assessment of an ending: `
    + `assess jointly again with it, and give that date (${joined} or later).`, 'jointAssessedOn');
}

function checkDate(draft: Draft, raw: string | null | undefined): string {
  const { d, ctx } = draft;
  const v = (raw ?? '').trim();
  if (!v) {
    refuse('JOINT_ASSESSMENT_INCOMPLETE', 'Say when the joint assessment was carried out ("jointAssessedOn"), as a date like 2026-04-01: '
      + 'an ending needs a joint, recorded assessment (protocol section 7).', 'jointAssessedOn');
  }
  const r = parseDate('jointAssessedOn', v);
  if (!r.ok) refuse('INVALID_DATE', r.error, 'jointAssessedOn');
  const today = ctx.calendar.localDate(ctx.now);
  if (r.value > today) {
    refuse('INVALID_DATE', `The joint assessment date ${r.value} is in the future ("jointAssessedOn"). `
      + `Propose the ending once the assessment has been carried out, with the date it was (today is ${today}).`, 'jointAssessedOn');
  }
  // The assessment an ending rests on is part of the joint consideration of this dispute (protocol section 5, Stage 3):
  // one carried out before the dispute was raised cannot have considered what the parties then disagreed about.
  const raised = ctx.calendar.localDate(new Date(d.raisedAt));
  if (r.value < raised) {
    refuse('INVALID_DATE', `The joint assessment date ${r.value} is before ${d.reference} was raised on ${raised} ("jointAssessedOn"). `
      + 'An ending rests on a joint assessment carried out for this dispute: assess jointly again, '
      + `and give that date (${raised} or later).`,
    'jointAssessedOn');
  }
  return r.value;
}

function checkOrganisations(draft: Draft, raw: readonly string[]): string[] {
  const { d } = draft;
  const parties = activePartyIds(d);
  const names = (ids: readonly string[]) => ids.map((o) => draft.orgName(o)).join(', ');
  const chosen = [...new Set(raw.map((o) => o.trim()).filter(Boolean))];
  const stranger = chosen.find((o) => !parties.includes(o));
  if (stranger) {
    refuse('INVALID_VALUE', `${draft.orgName(stranger)} is not a party to ${d.reference}, `
      + 'so it cannot be named as taking part in its joint assessment '
      + `("jointAssessmentOrganisations"). Choose from: ${names(parties)}.`, 'jointAssessmentOrganisations');
  }
  const missing = parties.filter((o) => !chosen.includes(o));
  if (chosen.length < 2 || missing.length) {
    // Protocol section 7: never ended by one organisation acting alone, and R7.1: every party confirms it. An
    // organisation asked to confirm an assessment it took no part in would be confirming another's assessment.
    const alone = chosen.length === 1 ? `${draft.orgName(chosen[0]!)} alone is not a joint assessment. ` : '';
    refuse('JOINT_ASSESSMENT_INCOMPLETE', `${alone}Every party organisation takes part in the joint assessment of an ending `
      + '(protocol section 7): '
      + `choose each one that did ("jointAssessmentOrganisations"). Not chosen: ${names(missing)}. `
      + 'If one did not take part, assess again with it before proposing the ending.', 'jointAssessmentOrganisations');
  }
  // In the parties' order, so the record reads the same however they were chosen.
  return parties.filter((o) => chosen.includes(o));
}

type PersonPart = Pick<JointAssessment, 'personInvolved' | 'personNotInvolvedReason'>;

function checkPerson(involved: boolean | null | undefined, why: string | null | undefined): PersonPart {
  if (involved !== true && involved !== false) {
    refuse('JOINT_ASSESSMENT_INCOMPLETE', 'Say whether the person, or their representative, was involved in the joint assessment '
      + '("personInvolved": yes or no).', 'personInvolved');
  }
  if (involved) return { personInvolved: true, personNotInvolvedReason: null };
  const reason = (why ?? '').trim();
  if (!reason) {
    refuse('FIELD_REQUIRED', 'The person was not involved in the joint assessment: say why ("personNotInvolvedReason"), '
      + 'for example that they declined and their advocate took part instead.', 'personNotInvolvedReason');
  }
  return { personInvolved: false, personNotInvolvedReason: required(reason, 'personNotInvolvedReason', 'Why the person was not involved') };
}

function checkSummary(raw: string | null | undefined): string {
  const v = (raw ?? '').trim();
  if (!v || isPlaceholder(v)) {
    const said = v ? `"${v.slice(0, 20)}" does not describe an assessment. ` : '';
    refuse('JOINT_ASSESSMENT_INCOMPLETE', `${said}Say what the joint assessment found ("jointAssessment"): `
      + 'the person\'s assessed needs, and how each is now met.', 'jointAssessment');
  }
  return required(v, 'jointAssessment', 'What the joint assessment found');
}

/** R7.1: the joint assessment an ending rests on, as the confirmers (and every later reader) see it. */
export function assessmentLines(dec: Pick<Decision, 'assessment' | 'jointAssessment'>, orgName: (id: string) => string): string[] {
  const a = dec.assessment;
  if (!a) return [];
  if (a.form === 'TEXT_ONLY') {
    const words = dec.jointAssessment ?? 'none recorded';
    return [`Joint assessment (recorded before its date, organisations and the person's involvement were asked for): ${words}`];
  }
  const person = a.personInvolved ? 'yes' : `no — ${a.personNotInvolvedReason ?? ''}`;
  return [
    `Joint assessment carried out on ${a.carriedOutOn} by ${a.organisations.map(orgName).join(', ')}.`,
    `The person or their representative involved: ${person}.`,
    `What it found: ${dec.jointAssessment ?? ''}`,
  ];
}
