import type { RaiseInput } from '../../src/domain/commands.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { refusal, Scenario } from '../helpers/domain.ts';

// Raising a dispute (handlers/raise.ts), pinned without a database: refusals, the RAISED event, the dispute after.

const council = { organisationId: 'anytown-council', role: 'RAISING' as const };
const icb = { organisationId: 'anytown-icb', role: 'RESPONDING' as const };
const T0 = '2026-12-07T10:00:00.000Z';
const refuseRaise = (over: Partial<RaiseInput>, by = 'ali-khan') => refusal(() => new Scenario().raise(by, fundingDispute(over)));
const partyRow = (p: { organisationId: string; role: string }) => ({ ...p, addedAt: null, addedReason: null, withdrawnAt: null, withdrawnReason: null });

describe('refusals when raising', () => {
  it('[R2.1] refuses a raise without subjects', () => {
    expect(refuseRaise({ subjects: [] })).toEqual({ code: 'FIELD_REQUIRED', field: 'subjects', message: 'Choose at least one thing the dispute is about ("subjects").' });
  });

  it('[R2.3] [R2.4] refuses duplicate, too few, unknown parties, and a raiser whose organisation is not one', () => {
    expect(refuseRaise({ parties: [council, { ...icb, organisationId: 'anytown-council' }] }))
      .toEqual({ code: 'DUPLICATE_PARTY', field: 'parties', message: 'Each organisation can be a party only once ("parties").' });
    expect(refuseRaise({ parties: [council] })).toEqual({
      code: 'TOO_FEW_PARTIES', field: 'parties', message: 'A dispute is between at least two partner organisations: add the other party ("parties").',
    });
    expect(refuseRaise({ parties: [council, icb, { organisationId: 'elsewhere', role: 'INTERESTED' }] }))
      .toEqual({ code: 'UNKNOWN_ORGANISATION', field: 'parties', message: '"elsewhere" is not an organisation in the directory ("parties").' });
    expect(refuseRaise({}, 'lou-gray')).toEqual({
      code: 'RAISER_NOT_PARTY', field: 'parties', message: 'Your organisation (Anytown Mental Health NHS Trust) must be one of the parties: add it to "parties".',
    });
    const trust = { organisationId: 'anytown-trust', role: 'INTERESTED' as const };
    expect(refuseRaise({ parties: [council, trust] })).toEqual({
      code: 'STATUTORY_PARTY_MISSING', field: 'parties',
      message: 'Section 117 is the joint duty of an ICB and a Local Authority: add the responsible ICB to "parties".',
    });
  });

  it('[R2.1] refuses an unknown named professional, an invalid NHS number and blank required text', () => {
    expect(refuseRaise({ namedProfessionals: ['gus-hart', 'mallory'] }))
      .toEqual({ code: 'UNKNOWN_PERSON', field: 'namedProfessionals', message: '"mallory" is not in the directory ("namedProfessionals").' });
    expect(refuseRaise({ nhsNumber: '943 476 5918' })).toEqual({
      code: 'INVALID_NHS_NUMBER', field: 'nhsNumber',
      message: 'That NHS number is not valid: it must be 10 digits and its last digit must match the check digit. Check it, or leave it blank.',
    });
    expect(refuseRaise({ localCaseRef: ' ' }))
      .toEqual({ code: 'FIELD_REQUIRED', field: 'localCaseRef', message: 'The person\'s local case reference is required: fill in "localCaseRef".' });
    expect(refuseRaise({ description: '' }))
      .toEqual({ code: 'FIELD_REQUIRED', field: 'description', message: 'A description of the disagreement is required: fill in "description".' });
    expect(refuseRaise({ currentCare: '' }))
      .toEqual({ code: 'FIELD_REQUIRED', field: 'currentCare', message: 'The care currently provided is required: fill in "currentCare".' });
  });
});

describe('the raised dispute', () => {
  it('[R2.1] records the raise at Stage 1, normalising the NHS number and dropping the raiser from the named professionals', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ subjects: ['FUNDING', 'FUNDING'], namedProfessionals: ['gus-hart', 'ali-khan', 'gus-hart'] }));
    expect(s.last.events.slice(0, 2)).toEqual([
      { type: 'RAISED', data: { subjects: ['FUNDING'], cohort: 'ADULT', setting: 'COMMUNITY', parties: [partyRow(council), partyRow(icb)], careContinues: true, endingProposal: false } },
      { type: 'STAGE_STARTED', data: { stage: 1, dueAt: '2026-12-14T17:00:00.000Z', why: 'Ali Khan raised a dispute.', participants: ['ali-khan', 'gus-hart', 'dee-obi', 'ivy-nash'] } },
    ]);
    expect(s.last.events).toHaveLength(2);
    expect(s.last.effects[0]).toEqual({ kind: 'OPEN_CASE_SPACE', notBefore: T0 });
    expect(s.dispute).toMatchObject({
      reference: 'S117-2026-0001', stage: 1, subjects: ['FUNDING'], nhsNumber: '9434765919', namedProfessionals: ['gus-hart'], raisedById: 'ali-khan',
      raisedAt: T0, raisedOn: 'cli', endingProposal: false, chc: null, flags: [],
    });
    expect(s.dispute.personSteps.map((p) => [p.step, p.dueAt])).toEqual([
      ['INFORMED', '2026-12-14T17:00:00.000Z'], ['REASSURED', '2026-12-14T17:00:00.000Z'], ['EXPLAINED', null], ['ADVOCACY_OFFERED', '2026-12-14T17:00:00.000Z'],
    ]);
  });

  it.each([null, '', '   '])('[R2.1] an absent NHS number (%p) is recorded as none', (nhsNumber) => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ nhsNumber: nhsNumber as string }));
    expect(s.dispute.nhsNumber).toBeNull();
  });

  it('[R6.1] a CHC interface dispute opens the CHC track as not referred', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ subjects: ['CHC_INTERFACE'] }));
    expect(s.dispute.chc).toEqual({ status: 'NOT_REFERRED', referralDate: null, decisionDate: null, updatedAt: T0 });
  });

  it('[R7.2] choosing the ending subject makes it an ending proposal, straight to Stage 3', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ subjects: ['FUNDING', 'ENDING_AFTERCARE'], endingProposal: false }));
    expect(s.dispute).toMatchObject({ stage: 3, endingProposal: true, subjects: ['FUNDING', 'ENDING_AFTERCARE'] });
    expect(s.last.events[1]!.data.why).toBe('Ali Khan raised a dispute about ending Section 117 aftercare. Endings go straight to Stage 3 (protocol section 7).');
  });

  it('[R7.2] [R5.8] an ending raised straight at Stage 3 is for Stage 3 people: a team manager cannot join it by acting', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ subjects: ['FUNDING', 'ENDING_AFTERCARE'], endingProposal: true }));
    expect(refusal(() => s.run('bea-jones', { type: 'PERSON_STEP', step: 'INFORMED', note: null }))).toMatchObject({ code: 'NOT_A_PARTICIPANT' });
    // A senior officer of a party holds a Stage 3 role and may act at once.
    s.run('eve-ford', { type: 'PERSON_STEP', step: 'INFORMED', note: null });
    expect(s.dispute.personSteps.find((p) => p.step === 'INFORMED')!.doneBy).toBe('eve-ford');
  });

  it('[R7.2] an ending proposal adds the ending subject', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ subjects: ['FUNDING'], endingProposal: true }));
    expect(s.dispute).toMatchObject({ stage: 3, endingProposal: true, subjects: ['FUNDING', 'ENDING_AFTERCARE'] });
    expect(s.last.events[0]!.data).toMatchObject({ subjects: ['FUNDING', 'ENDING_AFTERCARE'], endingProposal: true });
  });

  it('[R3.1] a raiser who cannot confirm care continues raises a continuity alert', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ careContinues: false }));
    expect(s.dispute.flags.map((f) => [f.code, f.detail])).toEqual([
      ['CONTINUITY_ALERT', 'Ali Khan could not confirm that current care continues while the dispute is resolved.'],
    ]);
  });
});

describe('raising with words that propose an ending (R7.2)', () => {
  const PROPOSES = 'The council proposes to discharge him from section 117 from January.';

  it('[R7.2] words that read as ending aftercare, without the ending subject, ask once on "wordingConfirmed" and record nothing', () => {
    const s = new Scenario();
    expect(refusal(() => s.raise('ali-khan', fundingDispute({ description: PROPOSES })))).toEqual({
      code: 'WORDING_CHECK', field: 'wordingConfirmed',
      message: 'This reads as a dispute about ending aftercare — is that what you mean? A dispute about ending Section 117 aftercare '
        + 'starts at Stage 3, where every party\'s senior officer decides it after a joint assessment (protocol section 7). '
        + 'If it is, choose "Proposal to end Section 117 aftercare" as what it is about ("subjects") and raise it again. '
        + 'If not, confirm it ("wordingConfirmed") and raise it again as you chose: the record keeps the question and your answer.',
    });
    // The care text is read too.
    expect(refuseRaise({ currentCare: 'Floating support, which the ICB says will stop when his s117 aftercare ends in March.' }))
      .toMatchObject({ code: 'WORDING_CHECK', field: 'wordingConfirmed' });
  });

  it('[R7.2] the question comes last: a form with other problems is refused on them first', () => {
    expect(refuseRaise({ description: PROPOSES, parties: [council] })).toMatchObject({ code: 'TOO_FEW_PARTIES', field: 'parties' });
    expect(refuseRaise({ description: PROPOSES, localCaseRef: '' })).toMatchObject({ code: 'FIELD_REQUIRED', field: 'localCaseRef' });
  });

  it('[R7.2] answered "no, raise it as I chose": Stage 1, and the RAISED entry keeps the question', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ description: PROPOSES, wordingConfirmed: true }));
    expect(s.dispute).toMatchObject({ stage: 1, endingProposal: false, subjects: ['FUNDING', 'ACCOMMODATION'] });
    expect(s.last.events[0]).toMatchObject({ type: 'RAISED', data: { endingProposal: false, wordingQuery: 'ENDS' } });
  });

  it('[R7.2] answered "yes, it is about ending": the ending subject starts it at Stage 3 directly, with nothing to keep', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ description: PROPOSES, subjects: ['FUNDING', 'ENDING_AFTERCARE'] }));
    expect(s.dispute).toMatchObject({ stage: 3, endingProposal: true });
    expect(s.last.events[0]!.data).not.toHaveProperty('wordingQuery');
    const t = new Scenario();
    t.raise('ali-khan', fundingDispute({ description: PROPOSES, endingProposal: true }));
    expect(t.dispute).toMatchObject({ stage: 3, subjects: ['FUNDING', 'ACCOMMODATION', 'ENDING_AFTERCARE'] });
  });

  // Ordinary, lawful uses of "discharge" and "end" in a raise, written for this test.
  it.each([
    'Discharged from hospital on 3 March; aftercare continues.',
    'The CMHT discharged him from its caseload but his s117 package continues.',
    'He was discharged from section 3 in May and the dispute is about who pays for the placement.',
    'The tenancy at the supported living scheme ends in April, so a new placement is needed; aftercare continues.',
    'The ward plans discharge next week; which organisation commissions the aftercare package is not agreed.',
  ])('[R7.2] a lawful near-miss does not ask: "%s"', (description) => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ description }));
    expect(s.dispute.stage).toBe(1);
    expect(s.last.events[0]!.data).not.toHaveProperty('wordingQuery');
  });
});
