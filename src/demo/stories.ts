import type { ProposeDecisionInput, RaiseInput } from '../domain/commands.ts';
import type { Script } from './simulation.ts';

// The demo partnership's disputes: a realistic spread of subjects, parties,
// outcomes and troubles over about four months. Every person and case number
// is invented; the organisations are the example directory's.

const COUNCIL = 'anytown-council';
const ICB = 'anytown-icb';
const TRUST = 'anytown-trust';

let caseNo = 104_200;
function raise(over: Partial<RaiseInput>): RaiseInput {
  caseNo += 17;
  return {
    subjects: ['FUNDING'], cohort: 'ADULT', setting: 'COMMUNITY',
    parties: [{ organisationId: COUNCIL, role: 'RAISING' }, { organisationId: ICB, role: 'RESPONDING' }],
    localCaseRef: `AC-${caseNo}`, nhsNumber: null, namedProfessionals: [],
    description: 'The council and the ICB disagree about who funds the supported accommodation.',
    currentCare: 'Supported accommodation with 12 hours a week of floating support.',
    careContinues: true, endingProposal: false, ...over,
  };
}

const basis = {
  basisNeed: 'The assessed need for supported accommodation arises from the mental disorder.',
  basisTests: 'The service meets a need arising from the mental disorder and reduces the risk of readmission.',
  basisRisk: 'Without it the risk of deterioration and readmission to hospital is high.',
};
const decision = (over: Partial<ProposeDecisionInput>): ProposeDecisionInput => ({
  outcome: 'AGREEMENT', effect: 'CONTINUES', basis: ['ASSESSED_NEED', 'STATUTORY_TESTS', 'RISK'],
  summary: 'Funding is split 50/50 from the date of discharge.', ...basis, ...over,
});
const written = (summary: string): ProposeDecisionInput => decision({
  outcome: 'WRITTEN_DECISION', summary, payers: [{ organisationId: ICB, share: '60%' }, { organisationId: COUNCIL, share: '40%' }],
  funding: 'ICB 60%, council 40%, backdated to the date of discharge.',
  commissioning: 'The council commissions the placement; the ICB contributes by invoice each quarter.',
});

export const STORIES: Script[] = [
  // Settled at Stage 1 within days, the person told and written to.
  { startDay: 3, steps: [
    { after: 0, run: (s) => s.raise('ali-khan', raise({ subjects: ['FUNDING', 'ACCOMMODATION'], namedProfessionals: ['gus-hart'] })) },
    { after: 0, run: (s) => s.personStep('INFORMED') },
    { after: 1, run: (s) => s.act('ali-khan', { type: 'TICK_CHECKLIST', stage: 1, key: 'clarify', ticked: true }) },
    // Sending the decision letter records that the outcome was explained.
    { after: 1, run: async (s) => { await s.sendLetter(await s.decideTogether(decision({}))); } },
    { after: 0, run: (s) => s.act('ali-khan', { type: 'ADD_THEME', theme: 'funding split', areas: ['QUALITY_IMPROVEMENT'] }) },
  ] },
  // A young person's transport: agreed at Stage 1.
  { startDay: 10, steps: [
    { after: 0, run: (s) => s.raise('lou-gray', raise({
      subjects: ['TRANSPORT_MEDICATION_ACCESS'], cohort: 'CHILD_YOUNG_PERSON',
      parties: [{ organisationId: TRUST, role: 'RAISING' }, { organisationId: COUNCIL, role: 'RESPONDING' }, { organisationId: ICB, role: 'INTERESTED' }],
      description: 'Who arranges transport to the weekly clinic appointments after discharge.', currentCare: 'Taxi to clinic, paid by the trust for now.',
    })) },
    { after: 0, run: (s) => s.personStep('INFORMED') },
    { after: 0, run: (s) => s.personStep('ADVOCACY_OFFERED', 'Offered an IMHA; accepted.') },
    { after: 2, run: async (s) => { await s.sendLetter(await s.decideTogether(decision({ summary: 'The council arranges transport; the trust reimburses the first month.' }))); } },
    { after: 0, run: (s) => s.act('lou-gray', { type: 'ADD_THEME', theme: 'communication', areas: ['QUALITY_IMPROVEMENT'] }) },
  ] },
  // Stage 1 times out; agreed at Stage 2 with a decision; the person written to. Cites the budget.
  { startDay: 14, steps: [
    { after: 0, run: (s) => s.raise('ali-khan', raise({ description: 'Funding is on hold because of budget pressures at the ICB.', citedGrounds: ['BUDGET'] })) },
    { after: 0, run: (s) => s.personStep('INFORMED') },
    { after: 3, atStage: 2, run: (s) => s.act('bea-jones', { type: 'TICK_CHECKLIST', stage: 2, key: 'joint-review', ticked: true }) },
    { after: 2, run: async (s) => { await s.sendLetter(await s.decideTogether(decision({ outcome: 'DECISION', summary: 'The ICB funds 60% and the council 40% from 1 March.', funding: 'ICB 60%, council 40%.' }))); } },
    { after: 0, run: (s) => s.act('bea-jones', { type: 'ADD_THEME', theme: 'funding split', areas: ['QUALITY_IMPROVEMENT'] }) },
  ] },
  // Both sides agree they cannot agree at Stage 1; resolved at Stage 2.
  { startDay: 21, steps: [
    { after: 0, run: (s) => s.raise('lou-gray', raise({
      subjects: ['ORDINARY_RESIDENCE'], setting: 'HOSPITAL',
      parties: [{ organisationId: TRUST, role: 'RAISING' }, { organisationId: COUNCIL, role: 'RESPONDING' }, { organisationId: ICB, role: 'INTERESTED' }],
      description: 'Which council was responsible before detention: the person moved a month before admission.', currentCare: 'In hospital; discharge planning continues.',
    })) },
    { after: 0, run: (s) => s.personStep('INFORMED') },
    { after: 1, run: async (s) => { await s.decideTogether(decision({ outcome: 'ESCALATE', summary: 'We cannot agree on ordinary residence at this level.' })); } },
    { after: 4, atStage: 2, run: async (s) => { await s.decideTogether(decision({ outcome: 'DECISION', summary: 'Anytown Council is responsible; the previous council is told in writing.' })); } },
    { after: 0, run: (s) => s.act('lou-gray', { type: 'ADD_THEME', theme: 'ordinary residence', areas: ['QUALITY_IMPROVEMENT'] }) },
  ] },
  // Times out of Stages 1 and 2; settled at Stage 3 by a written decision; person told.
  { startDay: 24, steps: [
    { after: 0, run: (s) => s.raise('ali-khan', raise({
      subjects: ['SCOPE', 'ACCOMMODATION'], namedProfessionals: ['gus-hart'],
      description: 'Whether 24-hour staffed accommodation is Section 117 aftercare or general housing support.', currentCare: '24-hour staffed accommodation.',
    })) },
    { after: 0, run: (s) => s.personStep('INFORMED') },
    { after: 1, run: (s) => s.personStep('REASSURED') },
    { after: 1, atStage: 3, run: (s) => s.act('eve-ford', { type: 'REQUEST_LEGAL_ADVICE', reason: 'Scope of aftercare: case law on accommodation.' }) },
    { after: 3, run: async (s) => {
      const seq = await s.decideTogether(written('The staffed accommodation is Section 117 aftercare; funded jointly.'));
      await s.personStep('EXPLAINED', 'Explained at a meeting with the person and their advocate.');
      await s.sendLetter(seq);
    } },
    { after: 0, run: (s) => s.act('eve-ford', { type: 'ADD_THEME', theme: 'accommodation', areas: ['QUALITY_IMPROVEMENT'] }) },
  ] },
  // Overdue at Stage 3, taken to NHS England.
  { startDay: 30, steps: [
    { after: 0, run: (s) => s.raise('gus-hart', raise({
      subjects: ['CHC_INTERFACE', 'FUNDING'],
      parties: [{ organisationId: ICB, role: 'RAISING' }, { organisationId: COUNCIL, role: 'RESPONDING' }],
      description: 'The council says this is health or social care: the person is awaiting a CHC assessment.', citedGrounds: ['HEALTH_VS_SOCIAL_CARE', 'CHC_UNDETERMINED'],
    })) },
    { after: 0, run: (s) => s.act('gus-hart', { type: 'UPDATE_CHC', status: 'REFERRED', referralDate: null, decisionDate: null }) },
    { after: 2, run: (s) => s.personStep('INFORMED') },
    { after: 5, atStage: 3, run: (s) => s.act('jon-park', { type: 'REQUEST_LEGAL_ADVICE', reason: 'Interface between CHC and Section 117.' }) },
    { after: 22, run: (s) => s.act('jon-park', { type: 'RECORD_EXTERNAL_ROUTE', route: 'NHS_ENGLAND', note: 'Referred to the regional team.' }) },
    { after: 0, run: (s) => s.act('jon-park', { type: 'ADD_THEME', theme: 'CHC interface', areas: ['QUALITY_IMPROVEMENT'] }) },
  ] },
  // Open at Stage 3 and overdue; care was delayed.
  { startDay: 45, steps: [
    { after: 0, run: (s) => s.raise('ali-khan', raise({
      subjects: ['ACCOMMODATION'], setting: 'HOSPITAL', description: 'No placement agreed: awaiting the funding panel.', citedGrounds: ['AWAITING_PANEL'],
      currentCare: 'Still in hospital, ready for discharge.',
    })) },
    { after: 3, run: (s) => s.act('ali-khan', { type: 'REPORT_CARE_CHANGE', change: 'DELAYED', detail: 'Discharge delayed: no placement while the funding is disputed.' }) },
    { after: 1, run: (s) => s.act('ali-khan', { type: 'ADD_THEME', theme: 'accommodation', areas: ['QUALITY_IMPROVEMENT'] }) },
  ] },
  // Ending aftercare proposed: starts at Stage 3; settled by a joint assessment.
  { startDay: 55, steps: [
    { after: 0, run: (s) => s.raise('bea-jones', raise({
      subjects: ['ENDING_AFTERCARE'], endingProposal: true,
      description: 'The council proposes to end aftercare: the person has been well and working for two years.', currentCare: 'Monthly review with the community team.',
    })) },
    { after: 1, run: (s) => s.personStep('INFORMED') },
    { after: 1, run: (s) => s.personStep('ADVOCACY_OFFERED', 'Advocate joined the review.') },
    { after: 4, run: async (s) => {
      const seq = await s.decideTogether(decision({
        outcome: 'END_AFTERCARE', effect: 'ENDS', effectiveFrom: '2026-06-01',
        summary: 'Aftercare ends on 1 June after a joint review found the needs are met.', endingReason: 'NEEDS_MET',
        jointAssessment: 'Joint review by the care coordinator, social worker and psychiatrist with the person and advocate: '
          + 'no assessed need arising from the mental disorder remains; work, housing and a crisis plan meet the needs that were there.',
        jointAssessedOn: s.today(), jointAssessmentOrganisations: s.parties(), personInvolved: true,
        funding: 'No further funding after 1 June.', commissioning: 'Community team discharge with a crisis plan.',
      }));
      await s.personStep('EXPLAINED', 'Explained at the joint review.');
      await s.sendLetter(seq);
    } },
    { after: 0, run: (s) => s.act('pat-lee', { type: 'ADD_THEME', theme: 'policy gap', areas: ['QUALITY_IMPROVEMENT'] }) },
  ] },
  // A young person in hospital: Stage 1 timed out, now at Stage 2; found eligible for CHC.
  { startDay: 106, steps: [
    { after: 0, run: (s) => s.raise('lou-gray', raise({
      subjects: ['CHILDRENS_SERVICES_INTERFACE'], cohort: 'CHILD_YOUNG_PERSON', setting: 'HOSPITAL',
      parties: [{ organisationId: TRUST, role: 'RAISING' }, { organisationId: COUNCIL, role: 'RESPONDING' }, { organisationId: ICB, role: 'RESPONDING' }],
      description: "Children's services and adult services disagree about who leads aftercare at 18.", currentCare: 'Inpatient; transition planning continues.',
    })) },
    { after: 0, run: (s) => s.personStep('INFORMED') },
    { after: 2, run: (s) => s.act('lou-gray', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: null, decisionDate: null }) },
    { after: 1, run: (s) => s.act('lou-gray', { type: 'ADD_THEME', theme: 'workforce training', areas: ['QUALITY_IMPROVEMENT'] }) },
  ] },
  // Raised recently: an agreement proposed, waiting for the ICB to confirm.
  { startDay: 112, steps: [
    { after: 0, run: (s) => s.raise('ali-khan', raise({ subjects: ['ELIGIBILITY'], namedProfessionals: ['gus-hart'], description: 'Whether the supported employment placement is aftercare.' })) },
    { after: 0, run: (s) => s.personStep('INFORMED') },
    { after: 1, run: (s) => s.actFor(COUNCIL, { type: 'PROPOSE_DECISION', input: decision({ summary: 'The placement is aftercare; the council funds it.' }) }) },
  ] },
  // Raised in the last days: the person not told yet.
  { startDay: 117, steps: [
    { after: 0, run: (s) => s.raise('gus-hart', raise({
      subjects: ['CARE_ACT_INTERFACE'], setting: 'PRISON',
      parties: [{ organisationId: ICB, role: 'RAISING' }, { organisationId: COUNCIL, role: 'RESPONDING' }],
      description: 'Which needs on release are Section 117 aftercare and which Care Act needs.', currentCare: 'Release planning with the prison in-reach team.',
    })) },
  ] },
];

/** How many days the stories span. */
export const STORY_DAYS = 120;
