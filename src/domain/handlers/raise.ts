import { RAISE_ENDING_QUESTION, readsAsEnding } from '../aftercare-effect.ts';
import type { RaiseInput } from '../commands.ts';
import { continuityAlert, flagGrounds } from '../alerts.ts';
import { refuse } from '../errors.ts';
import { actorPerson, required } from '../guards.ts';
import { isValidNhsNumber, normaliseNhsNumber } from '../nhs-number.ts';
import { startingStage } from '../stage-policy.ts';
import { SUBJECT_TEXT } from '../texts.ts';
import { type Draft, startStage } from '../stage-ops.ts';
import { type OrgKind, PERSON_STEPS } from '../types.ts';
import { detectUnlawfulGrounds } from '../unlawful-grounds.ts';

export function raise(draft: Draft, { input, reference }: { input: RaiseInput; reference: string }): void {
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
  // R2.4: Section 117 is the joint duty of an ICB and a Local Authority; both are always parties.
  const kinds = orgIds.map((id) => ctx.directory.organisations.find((o) => o.id === id)?.kind);
  const missing = [['ICB', 'the responsible ICB'], ['LOCAL_AUTHORITY', 'the responsible Local Authority']].filter(([k]) => !kinds.includes(k as OrgKind));
  if (missing.length) {
    refuse('STATUTORY_PARTY_MISSING', `Section 117 is the joint duty of an ICB and a Local Authority: add ${missing.map(([, w]) => w).join(' and ')} to "parties".`, 'parties');
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
    parties: input.parties.map((p) => ({ organisationId: p.organisationId, role: p.role, addedAt: null, addedReason: null, withdrawnAt: null, withdrawnReason: null })),
  });
  if (d.endingProposal && !d.subjects.includes('ENDING_AFTERCARE')) d.subjects.push('ENDING_AFTERCARE');
  const wordingQuery = raiseWording(d.endingProposal, [d.description, d.currentCare], input.wordingConfirmed === true);
  draft.event('RAISED', {
    subjects: d.subjects, cohort: d.cohort, setting: d.setting, parties: d.parties, careContinues: d.careContinues, endingProposal: d.endingProposal,
    ...(wordingQuery ? { wordingQuery } : {}),
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

/**
 * R7.2: a dispute about ending aftercare starts at Stage 3, so the choice of subject decides where it starts, never the
 * words. Words that read as ending, without that choice, ask once (last, when everything else on the form is right):
 * yes, it is about ending (choose the subject, and it starts at Stage 3), or no, raise it as chosen, which the RAISED
 * entry keeps so whoever reads the history sees the question was asked and answered.
 */
function raiseWording(ending: boolean, texts: string[], confirmed: boolean): 'ENDS' | null {
  if (ending || !texts.some((t) => readsAsEnding(t))) return null;
  if (confirmed) return 'ENDS';
  refuse(
    'WORDING_CHECK',
    `${RAISE_ENDING_QUESTION} A dispute about ending Section 117 aftercare starts at Stage 3, where every party's senior officer `
      + `decides it after a joint assessment (protocol section 7). If it is, choose "${SUBJECT_TEXT.ENDING_AFTERCARE}" as what `
      + 'it is about ("subjects") and raise it again. If not, confirm it ("wordingConfirmed") and raise it again as you chose: '
      + 'the record keeps the question and your answer.',
    'wordingConfirmed',
  );
}
