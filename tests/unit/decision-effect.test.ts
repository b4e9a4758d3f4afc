import { decisionFormSpec, formCommand } from '../../src/app/interactions/forms.ts';
import { readsAsEnding, readsAsReducing } from '../../src/domain/aftercare-effect.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import { assessedJointly, noAssessment, fundingDispute } from '../fixtures/disputes.ts';
import { directory, refusal, Scenario } from '../helpers/domain.ts';

// What a decision does to aftercare is a choice the record holds (R3.3, R7.1–R7.4): the structure, not the words,
// decides whether aftercare ends. The words only ask the person once whether they match the choice.

const BASIS = ['ASSESSED_NEED', 'STATUTORY_TESTS', 'RISK'] as const;
const propose = (over: Record<string, unknown> = {}) => ({
  type: 'PROPOSE_DECISION' as const,
  input: {
    outcome: 'AGREEMENT' as const, effect: 'CONTINUES' as const, basis: [...BASIS], summary: 'The ICB funds the placement.',
    basisNeed: 'Needs assessed in November.', basisTests: 'The tests are met.', basisRisk: 'High risk of readmission without it.', ...over,
  },
});
const confirm = (seq: number, organisationId: string) => ({ type: 'CONFIRM_DECISION' as const, seq, organisationId });

/** Seven ordinary ways professionals write that Section 117 aftercare is over. */
const ENDING_PHRASINGS = [
  'The duty under section 117 has now been discharged.',
  'Section 117 aftercare ends on 1 March.',
  'He no longer needs aftercare under s117.',
  'We agree to discharge her from Section 117.',
  'The s117 package will be closed from next month.',
  'Aftercare will stop once the placement finishes.',
  'She is no longer eligible for s.117 aftercare.',
];

function ending(): Scenario {
  const s = new Scenario();
  s.raise('ali-khan', fundingDispute({ subjects: ['ENDING_AFTERCARE'], endingProposal: true }));
  return s;
}
const endIt = (over: Record<string, unknown> = {}) => propose({
  outcome: 'END_AFTERCARE', effect: 'ENDS', effectiveFrom: '2027-03-01', endingReason: 'NEEDS_MET', summary: 'Aftercare ends on 1 March: needs are met.',
  funding: 'No funding after 1 March.', commissioning: 'The placement ends with a crisis plan.',
  jointAssessment: 'Joint review on 2 December by the care coordinator, the social worker and the ICB nurse assessor, with the person.', ...assessedJointly(), ...over,
});

describe('a Stage 1 decision cannot end aftercare, however it is worded', () => {
  it.each(ENDING_PHRASINGS)('[R7.1] a Stage 1 decision worded "%s" cannot end aftercare', (words) => {
    const s = new Scenario();
    s.raise();
    // Chosen as an ending, it is refused below Stage 3, by frontline staff, whatever the words.
    expect(refusal(() => s.run('ali-khan', propose({ effect: 'ENDS', summary: words })))).toMatchObject({ code: 'ENDING_NEEDS_STAGE_3', field: 'effect' });
    expect(refusal(() => s.run('ali-khan', propose({ outcome: 'END_AFTERCARE', effect: 'ENDS', summary: words })))).toMatchObject({ code: 'ENDING_NEEDS_STAGE_3' });
    // Chosen as continuing, the words make the form ask once.
    expect(refusal(() => s.run('ali-khan', propose({ summary: words })))).toMatchObject({
      code: 'WORDING_CHECK', field: 'wordingConfirmed', message: expect.stringMatching(/^This reads as ending aftercare — is that what you mean\?/),
    });
    expect(s.dispute.decisions).toEqual([]);
    // Kept, and confirmed by frontline staff of both parties: the dispute resolves and aftercare, on the record, continues.
    s.run('ali-khan', propose({ summary: words, wordingConfirmed: true }));
    s.run('ali-khan', confirm(1, 'anytown-council'));
    s.run('gus-hart', confirm(1, 'anytown-icb'));
    expect(s.dispute.status).toBe('RESOLVED');
    expect(s.dispute.decisions[0]).toMatchObject({ stage: 1, effect: 'CONTINUES', wordingQuery: 'ENDS', status: 'CONFIRMED' });
    expect(s.dispute.decisions.some((x) => x.effect === 'ENDS' || x.outcome === 'END_AFTERCARE')).toBe(false);
  });

  it('[R7.1] the structure holds even where the words are not recognised: an unusual phrasing is recorded as the choice says', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', propose({ summary: 'The matter is concluded and the file goes to archive; no further provision.' }));
    expect(s.dispute.decisions[0]).toMatchObject({ effect: 'CONTINUES', wordingQuery: null });
    expect(refusal(() => s.run('ali-khan', propose({ effect: 'ENDS', summary: 'The matter is concluded.' })))).toMatchObject({ code: 'ENDING_NEEDS_STAGE_3' });
  });
});

describe('ending is offered only at Stage 3 to senior officers, with a joint assessment', () => {
  it('[R7.2] ends is offered only at Stage 3 to senior officers', () => {
    const s = new Scenario();
    s.raise();
    const person = (id: string) => directory.people.find((p) => p.id === id)!;
    const offered = (sc: Scenario, id: string) => decisionFormSpec(sc.dispute, person(id), DEFAULT_POLICY, directory).effects.map((o) => o.value);
    expect(offered(s, 'ali-khan')).toEqual(['CONTINUES', 'CHANGES', 'REDUCES', 'TRANSFERS']);
    expect(offered(s, 'eve-ford')).toEqual(['CONTINUES', 'CHANGES', 'REDUCES', 'TRANSFERS']);
    const e = ending();
    expect(e.dispute.stage).toBe(3);
    expect(offered(e, 'eve-ford')).toEqual(['CONTINUES', 'CHANGES', 'REDUCES', 'TRANSFERS', 'ENDS']);
    expect(offered(e, 'ali-khan')).toEqual(['CONTINUES', 'CHANGES', 'REDUCES', 'TRANSFERS']);
    // The form refuses a choice it did not offer; the domain refuses it from any other door.
    expect(formCommand('decision', { outcome: 'WRITTEN_DECISION', effect: 'ENDS', basis: [...BASIS] }, e.dispute, { viewer: person('ali-khan') }, directory))
      .toMatchObject({ ok: false, errors: { effect: 'Choose what the decision does to aftercare from the list.' } });
    expect(refusal(() => e.run('ali-khan', endIt()))).toMatchObject({ code: 'SENIOR_OFFICER_ONLY', field: 'effect' });
    e.run('eve-ford', endIt());
    expect(e.dispute.decisions[0]).toMatchObject({ outcome: 'END_AFTERCARE', effect: 'ENDS', effectiveFrom: '2027-03-01', basis: [...BASIS] });
  });

  it('[R7.1] an ending rests on assessed need and the statutory tests, and needs the joint assessment', () => {
    const e = ending();
    expect(refusal(() => e.run('eve-ford', endIt({ basis: ['RISK'] })))).toMatchObject({ code: 'BASIS_REQUIRED', field: 'basis' });
    expect(refusal(() => e.run('eve-ford', endIt({ effectiveFrom: null })))).toMatchObject({ code: 'FIELD_REQUIRED', field: 'effectiveFrom' });
    e.run('eve-ford', endIt({ ...noAssessment, jointAssessment: '  ' }));
    expect(e.dispute.decisions).toEqual([]);
    expect(e.dispute.flags.map((f) => f.code)).toEqual(['ENDING_WITHOUT_JOINT_ASSESSMENT']);
    // Choosing "ends" with a written decision is the ending decision: confirmed by each party's senior officer.
    e.run('eve-ford', endIt({ outcome: 'WRITTEN_DECISION' }));
    expect(e.dispute.decisions[0]!.outcome).toBe('END_AFTERCARE');
    e.run('eve-ford', confirm(1, 'anytown-council'));
    e.run('jon-park', confirm(1, 'anytown-icb'));
    expect(e.dispute.decisions[0]).toMatchObject({ status: 'CONFIRMED', effect: 'ENDS' });
  });

  it('[R7.1] an ending outcome must be chosen as an ending', () => {
    const e = ending();
    expect(refusal(() => e.run('eve-ford', endIt({ effect: 'CONTINUES' })))).toMatchObject({ code: 'EFFECT_DOES_NOT_MATCH_OUTCOME', field: 'effect' });
  });
});

describe('the ending reason and every free text are read for unlawful grounds', () => {
  it('[R7.3] an ending whose only basis is a contract ending, written in the joint assessment field, is flagged', () => {
    const e = ending();
    e.run('eve-ford', endIt({ jointAssessment: 'The block contract is ending in March, so the placement cannot continue.' }));
    expect(e.dispute.flags.filter((f) => f.code === 'UNLAWFUL_GROUND').map((f) => [f.ground, f.detail]))
      .toEqual([['RESTRUCTURING', 'Decision 1 (joint assessment): organisational restructuring or commissioning changes']]);
  });

  it('[R4.1] interim funding, what each party pays and a withdrawal reason are read too', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', propose({ interimFunding: 'Nothing until the funding panel meets.' }));
    s.run('ali-khan', propose({
      effect: 'CHANGES', effectiveFrom: '2027-01-01',
      payers: [{ organisationId: 'anytown-icb', share: 'Nursing, within the allocation we have left after the overspend.' }],
    }));
    s.run('ali-khan', { type: 'WITHDRAW_DECISION', seq: 2, reason: 'Held until the restructure is complete.' });
    expect(s.dispute.flags.filter((f) => f.code === 'UNLAWFUL_GROUND').map((f) => [f.ground, f.detail])).toEqual([
      ['AWAITING_PANEL', 'Decision 1 (interim funding): awaiting a panel decision where needs are already identified'],
      ['BUDGET', 'Decision 2 (share paid by NHS Anytown ICB): budget constraints or financial pressures'],
      ['RESTRUCTURING', 'The reason decision 2 was withdrawn: organisational restructuring or commissioning changes'],
    ]);
  });
});

describe('the basis is needs-led, and who pays what from when is structured', () => {
  it('[R3.3] cost cannot be chosen as a basis', () => {
    const s = new Scenario();
    s.raise();
    for (const basis of [['BUDGET'], ['COST'], ['COMMISSIONING'], ['ASSESSED_NEED', 'BUDGET']]) {
      expect(refusal(() => s.run('ali-khan', propose({ basis })))).toMatchObject({
        code: 'BASIS_REQUIRED', field: 'basis', message: expect.stringMatching(/Cost, budget or commissioning cannot be a basis/),
      });
    }
    expect(refusal(() => s.run('ali-khan', propose({ basis: [] })))).toMatchObject({ code: 'BASIS_REQUIRED', field: 'basis' });
    const options = decisionFormSpec(s.dispute, directory.people.find((p) => p.id === 'ali-khan')!, DEFAULT_POLICY, directory).bases;
    expect(options.map((o) => o.value)).toEqual(['ASSESSED_NEED', 'STATUTORY_TESTS', 'RISK']);
    expect(formCommand('decision', { outcome: 'AGREEMENT', effect: 'CONTINUES', basis: ['BUDGET'] }, s.dispute, {}, directory))
      .toMatchObject({ ok: false, errors: { basis: 'Choose the basis from the list.' } });
    expect(s.dispute.decisions).toEqual([]);
  });

  it('[R3.3] a change, a reduction or a transfer says who pays what from when; payers are parties', () => {
    const s = new Scenario();
    s.raise();
    for (const effect of ['CHANGES', 'REDUCES', 'TRANSFERS']) {
      expect(refusal(() => s.run('ali-khan', propose({ effect, effectiveFrom: '2027-01-01' })))).toMatchObject({ code: 'FIELD_REQUIRED', field: 'payers' });
      expect(refusal(() => s.run('ali-khan', propose({ effect, payers: [{ organisationId: 'anytown-icb', share: 'all' }] }))))
        .toMatchObject({ code: 'FIELD_REQUIRED', field: 'effectiveFrom' });
    }
    expect(refusal(() => s.run('ali-khan', propose({ effect: 'TRANSFERS', effectiveFrom: '2027-01-01', payers: [{ organisationId: 'othertown-council', share: 'all' }] }))))
      .toMatchObject({ code: 'INVALID_PAYER', field: 'payers', message: expect.stringMatching(/Add it as a party first/) });
    expect(refusal(() => s.run('ali-khan', propose({ effect: 'REDUCES', effectiveFrom: '2027-02-30', payers: [{ organisationId: 'anytown-icb', share: 'all' }] }))))
      .toMatchObject({ code: 'INVALID_DATE', field: 'effectiveFrom' });
    s.run('ali-khan', propose({
      effect: 'REDUCES', effectiveFrom: '2027-01-04', summary: 'Floating support goes from 12 to 8 hours a week.',
      payers: [{ organisationId: 'anytown-council', share: ' the 8 hours of floating support ' }],
    }));
    expect(s.dispute.decisions[0]).toMatchObject({
      effect: 'REDUCES', effectiveFrom: '2027-01-04', payers: [{ organisationId: 'anytown-council', share: 'the 8 hours of floating support' }], wordingQuery: null,
    });
  });

  it('[R3.1] an escalation leaves aftercare as it is', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('ali-khan', propose({ outcome: 'ESCALATE', effect: 'REDUCES', effectiveFrom: '2027-01-01', payers: [{ organisationId: 'anytown-icb', share: 'x' }] }))))
      .toMatchObject({ code: 'EFFECT_NOT_FOR_STAGE', field: 'effect', message: expect.stringMatching(/escalation leaves aftercare as it is/) });
  });

  it('[R2.1] words that read as a reduction while the choice says "continues" ask once; the record keeps the question', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('ali-khan', propose({ funding: 'The ICB will fund fewer hours from January.' }))))
      .toMatchObject({ code: 'WORDING_CHECK', message: expect.stringMatching(/^This reads as reducing aftercare — is that what you mean\?/) });
    s.run('ali-khan', propose({ funding: 'The ICB will fund fewer hours from January.', wordingConfirmed: true }));
    expect(s.dispute.decisions[0]).toMatchObject({ effect: 'CONTINUES', wordingQuery: 'REDUCES' });
  });
});

describe('the wording prompt', () => {
  it('[R7.4] reads the ordinary ways of writing an ending, and not lawful text about hospital discharge or the risk', () => {
    for (const words of ENDING_PHRASINGS) expect([words, readsAsEnding(words)]).toEqual([words, true]);
    for (const words of [
      'Aftercare continues after discharge from hospital on 3 March.',
      'He was discharged from section 3 in May; Section 117 aftercare applies.',
      'Section 117 aftercare does not end: the needs remain.',
      'The placement reduces the risk of readmission.',
    ]) expect([words, readsAsEnding(words)]).toEqual([words, false]);
    expect(readsAsReducing('Hours are cut from 12 to 6 a week.')).toBe(true);
    expect(readsAsReducing('Support goes from 12 to 8 hours a week.')).toBe(true);
    expect(readsAsReducing('Support goes from 8 to 12 hours a week.')).toBe(false);
    expect(readsAsReducing('The service reduces the risk of deterioration.')).toBe(false);
    expect(readsAsReducing('There is no reduction in care.')).toBe(false);
  });
});

describe('the wording prompt: an ending in substance (stranger\'s probe, round 2)', () => {
  // Written without looking at the patterns: aftercare ended without naming Section 117, as a reduction to nothing,
  // every service withdrawn, the package closed, or nothing in its place. Before, none of these asked.
  const IN_SUBSTANCE = [
    'His support is reduced from 12 hours a week to none.',
    'Floating support reduced to zero hours from January.',
    'The package will be cut to nil.',
    'All services withdrawn from 1 January; he manages independently.',
    'No further aftercare services will be provided.',
    'The placement ends and no replacement service is commissioned.',
    'Support tapers to nothing over six weeks.',
    'Care package closed.',
    'Reduce the support from 12 to 0 hours a week.',
    'The council will stop funding his placement and nothing replaces it.',
    'Discharged from CMHT and from aftercare.',
    'He is discharged from the care programme approach and all services end.',
  ];
  const LAWFUL = [
    'The placement reduces the risk of readmission to nil.',
    'The old contract ends; the same hours continue under the new provider.',
    'Support goes from 12 to 6 hours a week.',
    'No further services are needed beyond the current package, which continues.',
    'Not all services end: the supported tenancy continues.',
    'The risk of relapse is cut to almost nothing by the support.',
    'The recommissioned service keeps the same hours; nothing else changes.',
  ];

  it('[R7.4] [R7.1] asks about a reduction to nothing, every service withdrawn or nothing in its place, and not lawful near-misses', () => {
    expect(IN_SUBSTANCE.filter((w) => !readsAsEnding(w))).toEqual([]);
    expect(LAWFUL.filter((w) => readsAsEnding(w))).toEqual([]);
  });

  it('[R7.4] a Stage 1 agreement that "reduces" care to nothing asks whether it ends aftercare, and offers Stage 3', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute());
    const cut = propose({
      effect: 'REDUCES', effectiveFrom: '2027-01-01', summary: 'Floating support reduced to zero hours from January.',
      payers: [{ organisationId: 'anytown-council', share: 'the accommodation only' }],
    });
    let thrown: unknown;
    try { s.run('ali-khan', cut); } catch (e) { thrown = e; }
    expect(thrown).toMatchObject({
      code: 'WORDING_CHECK', message: expect.stringMatching(/^This reads as ending aftercare — is that what you mean\?/), action: { command: 'MOVE_TO_STAGE_3' },
    });
    expect(s.dispute.decisions).toEqual([]);
  });
});
