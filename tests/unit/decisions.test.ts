import type { DomainError } from '../../src/domain/errors.ts';
import { assessedJointly, noAssessment, fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { directory, refusal, Scenario } from '../helpers/domain.ts';

// Proposing, confirming and withdrawing decisions at each stage: the exact refusals, events, posts and state.

const decision = (over: Record<string, unknown> = {}) => ({ type: 'PROPOSE_DECISION' as const, input: { ...stage2Decision, ...over } });
const confirm = (seq: number, organisationId: string) => ({ type: 'CONFIRM_DECISION' as const, seq, organisationId });
const withdraw = (seq: number, reason: string) => ({ type: 'WITHDRAW_DECISION' as const, seq, reason });

const REF = 'S117-2026-0001';
const BOTH = [{ id: 'anytown-council', name: 'Anytown Council' }, { id: 'anytown-icb', name: 'NHS Anytown ICB' }];
const STAGE_2_ROLES = 'team manager, service manager, operational lead, mental health service lead or senior officer';
const notParticipant = (what: string) => ({
  code: 'NOT_A_PARTICIPANT', message: `Only the participants of ${REF} can ${what}. You are not one of them; ask a participant or your manager.`,
});

/** The unlawful grounds flagged on the dispute (R4.1), with where each was cited. */
const grounds = (s: Scenario) => s.dispute.flags.filter((f) => f.code === 'UNLAWFUL_GROUND').map((f) => [f.ground, f.detail]);

function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('expected a refusal, but the command was accepted');
}

/** Stage 1 → Stage 2 by timeout; the clock then moves into working hours on Tuesday 15 Dec. */
function atStage2(): Scenario {
  const s = new Scenario();
  s.raise();
  s.sweep('2026-12-14T17:00:00Z');
  s.at('2026-12-15T10:00:00Z');
  return s;
}

function atStage3(): Scenario {
  const s = atStage2();
  s.run('bea-jones', { type: 'ESCALATE', reason: 'No agreement on the split at operational level.' });
  return s;
}

/** An ending dispute, raised by Ali Khan: it starts at Stage 3 (R7.2). */
function ending(): Scenario {
  const s = new Scenario();
  s.raise('ali-khan', fundingDispute({ subjects: ['ENDING_AFTERCARE'], endingProposal: true }));
  return s;
}
const endIt = (over: Record<string, unknown> = {}) => decision({
  outcome: 'END_AFTERCARE', effect: 'ENDS', endingReason: 'NEEDS_MET', commissioning: 'Placement decommissioned on 1 March after transition.',
  jointAssessment: 'Joint review on 2 December by the care coordinator and the ICB nurse assessor.', ...assessedJointly(), ...over,
});

describe('proposing a decision', () => {
  it('[R3.2] [R5.6] at Stage 1 records the proposal as given, trimmed, and posts it with one confirm button per party', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', decision({
      outcome: 'AGREEMENT', funding: '  ICB 60%, council 40%.  ', commissioning: '  The council commissions.  ',
      interimFunding: '  The council pays in the meantime.  ', sourceMessage: 'slack:C0CASE/1765101600.000100',
    }));
    expect(s.dispute.decisions).toEqual([{
      seq: 1, stage: 1, outcome: 'AGREEMENT', summary: stage2Decision.summary, basisNeed: stage2Decision.basisNeed,
      basisTests: stage2Decision.basisTests, basisRisk: stage2Decision.basisRisk,
      funding: 'ICB 60%, council 40%.', commissioning: 'The council commissions.', interimFunding: 'The council pays in the meantime.',
      endingReason: null, jointAssessment: null, assessment: null,
      effect: 'CHANGES', basis: ['ASSESSED_NEED', 'STATUTORY_TESTS', 'RISK'], payers: stage2Decision.payers, effectiveFrom: '2027-01-01', wordingQuery: null,
      proposedBy: 'ali-khan', proposedAt: '2026-12-07T10:00:00.000Z',
      sourceMessage: 'slack:C0CASE/1765101600.000100', status: 'PROPOSED', effectiveAt: null,
    }]);
    expect(s.last.events).toEqual([{
      type: 'DECISION_PROPOSED',
      data: { seq: 1, stage: 1, outcome: 'AGREEMENT', effect: 'CHANGES', basis: ['ASSESSED_NEED', 'STATUTORY_TESTS', 'RISK'], payers: stage2Decision.payers, effectiveFrom: '2027-01-01' },
    }]);
    expect(s.last.effects).toEqual([
      {
        kind: 'POST', notBefore: '2026-12-07T10:00:00.000Z',
        message: {
          title: `${REF}: decision proposed — Agreement reached`,
          lines: [
            `Proposed by Ali Khan: ${stage2Decision.summary}`,
            'It takes effect when every party organisation has confirmed it: Anytown Council, NHS Anytown ICB.',
            'What it does to aftercare: Aftercare changes (different services or funding split), from 2027-01-01.',
            "Basis: The person's assessed needs; The statutory Section 117 tests; The risk of deterioration or readmission.",
            'Who pays: NHS Anytown ICB: 60%; Anytown Council: 40%.',
          ],
          mentions: [],
          confirm: { disputeId: 'd1', seq: 1, organisations: BOTH },
        },
      },
      { kind: 'REFRESH_CARD', notBefore: '2026-12-07T10:00:00.000Z' },
    ]);
    expect(s.dispute.flags).toEqual([]);
  });

  it('[R5.9] at Stage 2 says which roles confirm; what was left out is stored as nothing', () => {
    const s = atStage2();
    s.run('bea-jones', decision({ funding: undefined, interimFunding: '   ' }));
    expect(s.dispute.decisions[0]).toMatchObject({ stage: 2, outcome: 'DECISION', funding: null, commissioning: null, interimFunding: null, sourceMessage: null });
    expect(s.last.events).toEqual([{ type: 'DECISION_PROPOSED', data: expect.objectContaining({ seq: 1, stage: 2, outcome: 'DECISION', effect: 'CHANGES' }) }]);
    const post = s.last.effects.find((e) => e.kind === 'POST');
    expect(post).toEqual({
      kind: 'POST', notBefore: '2026-12-15T10:00:00.000Z',
      message: {
        title: `${REF}: decision proposed — Decision agreed`,
        lines: [
          `Proposed by Bea Jones: ${stage2Decision.summary}`,
          `It takes effect when every party organisation has confirmed it through its ${STAGE_2_ROLES}: Anytown Council, NHS Anytown ICB.`,
          'What it does to aftercare: Aftercare changes (different services or funding split), from 2027-01-01.',
          "Basis: The person's assessed needs; The statutory Section 117 tests; The risk of deterioration or readmission.",
          'Who pays: NHS Anytown ICB: 60%; Anytown Council: 40%.',
        ],
        mentions: [],
        confirm: { disputeId: 'd1', seq: 1, organisations: BOTH },
      },
    });
  });

  it('[R5.9] [R7.1] at Stage 3 an ending is confirmed through the senior officers; the joint assessment is kept, trimmed', () => {
    const s = ending();
    s.run('eve-ford', endIt({ jointAssessment: '  Joint review on 2 December.  ' }));
    expect(s.dispute.decisions[0]).toMatchObject({ stage: 3, outcome: 'END_AFTERCARE', endingReason: 'NEEDS_MET', jointAssessment: 'Joint review on 2 December.' });
    expect(s.last.effects.find((e) => e.kind === 'POST')).toMatchObject({
      message: {
        title: `${REF}: decision proposed — End Section 117 aftercare`,
        lines: [
          `Proposed by Eve Ford: ${stage2Decision.summary}`,
          'It takes effect when every party organisation has confirmed it through its senior officer: Anytown Council, NHS Anytown ICB.',
          'What it does to aftercare: Section 117 aftercare ends, from 2027-01-01.',
          "Basis: The person's assessed needs; The statutory Section 117 tests; The risk of deterioration or readmission.",
          'Who pays: NHS Anytown ICB: 60%; Anytown Council: 40%.',
          // R7.1: the confirmers see the joint assessment's facts, not only its words.
          'Joint assessment carried out on 2026-12-07 by Anytown Council, NHS Anytown ICB.',
          'The person or their representative involved: yes.',
          'What it found: Joint review on 2 December.',
        ],
      },
    });
    expect(s.dispute.decisions[0]!.assessment).toEqual({
      form: 'STRUCTURED', carriedOutOn: '2026-12-07', organisations: ['anytown-council', 'anytown-icb'], personInvolved: true, personNotInvolvedReason: null,
    });
    expect(s.flags()).toEqual([]);
  });

  it('[R3.2] names every party organisation, a third one too, in the post and its confirm buttons', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({
      parties: [{ organisationId: 'anytown-council', role: 'RAISING' }, { organisationId: 'anytown-icb', role: 'RESPONDING' }, { organisationId: 'anytown-trust', role: 'INTERESTED' }],
    }));
    s.run('ali-khan', decision({ outcome: 'AGREEMENT' }));
    const post = s.last.effects.find((e) => e.kind === 'POST');
    expect(post?.kind === 'POST' && post.message.lines[1])
      .toBe('It takes effect when every party organisation has confirmed it: Anytown Council, NHS Anytown ICB, Anytown Mental Health NHS Trust.');
    expect(post?.kind === 'POST' && post.message.confirm)
      .toEqual({ disputeId: 'd1', seq: 1, organisations: [...BOTH, { id: 'anytown-trust', name: 'Anytown Mental Health NHS Trust' }] });
    s.run('ali-khan', confirm(1, 'anytown-council'));
    expect(s.last.effects.find((e) => e.kind === 'POST')).toEqual({
      kind: 'POST', notBefore: '2026-12-07T10:00:00.000Z',
      message: {
        title: `${REF}: Anytown Council confirmed decision 1`,
        lines: ['Confirmed by Ali Khan. Still waiting for: NHS Anytown ICB, Anytown Mental Health NHS Trust.'],
        mentions: [],
      },
    });
  });

  it('[R3.2] a new proposal supersedes the one waiting, numbers on, and leaves a withdrawn one withdrawn', () => {
    const s = atStage2();
    s.run('bea-jones', decision());
    s.run('bea-jones', decision({ summary: 'The ICB pays 70% and the council 30% from 1 January.' }));
    expect(s.dispute.decisions.map((x) => [x.seq, x.status])).toEqual([[1, 'SUPERSEDED'], [2, 'PROPOSED']]);
    expect(s.last.events).toEqual([{ type: 'DECISION_PROPOSED', data: expect.objectContaining({ seq: 2, stage: 2, outcome: 'DECISION' }) }]);
    s.run('bea-jones', withdraw(2, 'The figures were wrong.'));
    s.run('bea-jones', decision({ summary: 'The ICB pays 65% and the council 35% from 1 January.' }));
    expect(s.dispute.decisions.map((x) => [x.seq, x.status])).toEqual([[1, 'SUPERSEDED'], [2, 'WITHDRAWN'], [3, 'PROPOSED']]);
  });

  it('[R5.8] refuses someone who is not a participant, saying what they tried', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('kit-webb', decision({ outcome: 'AGREEMENT' })))).toEqual(notParticipant('propose a decision'));
  });

  it('[R3.3] names each missing part of the basis, field and sentence', () => {
    const s = atStage2();
    expect(refusal(() => s.run('bea-jones', decision({ summary: ' ' }))))
      .toEqual({ code: 'FIELD_REQUIRED', field: 'summary', message: 'What was decided is required: fill in "summary".' });
    expect(refusal(() => s.run('bea-jones', decision({ basisNeed: '' }))))
      .toEqual({ code: 'FIELD_REQUIRED', field: 'basisNeed', message: 'The basis in assessed need is required: fill in "basisNeed".' });
    expect(refusal(() => s.run('bea-jones', decision({ basisTests: '' }))))
      .toEqual({ code: 'FIELD_REQUIRED', field: 'basisTests', message: 'How the statutory Section 117 tests apply is required: fill in "basisTests".' });
    expect(refusal(() => s.run('bea-jones', decision({ basisRisk: '' }))))
      .toEqual({ code: 'FIELD_REQUIRED', field: 'basisRisk', message: 'The risk of deterioration or readmission is required: fill in "basisRisk".' });
  });

  it('[R5.6] refuses an outcome of another stage, listing the stage\'s outcomes in words', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('ali-khan', decision({ outcome: 'DECISION' })))).toEqual({
      code: 'OUTCOME_NOT_FOR_STAGE', field: 'outcome', message: 'At Stage 1 the outcome must be one of: Agreement reached, Escalate to the next stage.',
    });
    const s3 = atStage3();
    expect(refusal(() => s3.run('eve-ford', decision({ outcome: 'AGREEMENT' })))).toEqual({
      code: 'OUTCOME_NOT_FOR_STAGE', field: 'outcome', message: 'At Stage 3 the outcome must be one of: Written decision, End Section 117 aftercare.',
    });
  });

  it('[R7.4] at Stage 2 an ending chosen as the effect is refused with the move to Stage 3 as the action, whatever the words', () => {
    const s = atStage2();
    const expected = {
      code: 'ENDING_NEEDS_STAGE_3', field: 'effect', action: { command: 'MOVE_TO_STAGE_3', label: 'Move to Stage 3' },
      message: 'Ending Section 117 aftercare can only be decided at Stage 3 by every party\'s senior officer, after a joint assessment (protocol section 7). '
        + 'Move the dispute to Stage 3 to propose it there.',
    };
    expect(thrown(() => s.run('bea-jones', decision({ effect: 'ENDS' })))).toMatchObject(expected);
    expect(thrown(() => s.run('bea-jones', decision({ effect: 'ENDS', summary: 'Care goes on as before.' })))).toMatchObject(expected);
    expect(s.dispute.decisions).toEqual([]);
  });

  it('[R7.4] funding or commissioning text that reads as ending asks once; kept, the record says what was chosen and keeps the question', () => {
    const s = atStage2();
    for (const words of [{ funding: 'Section 117 aftercare ends on 1 March.' }, { commissioning: 'The council will cease s117 aftercare from 1 March.' }]) {
      expect(refusal(() => s.run('bea-jones', decision(words)))).toEqual({
        code: 'WORDING_CHECK', field: 'wordingConfirmed',
        message: 'This reads as ending aftercare — is that what you mean? You chose "Aftercare changes (different services or funding split)". '
          + 'Ending Section 117 aftercare can only be decided at Stage 3 by every party\'s senior officer, after a joint assessment (protocol section 7). '
          + 'If that is what you mean, move the dispute to Stage 3. If your choice is right, confirm it ("wordingConfirmed") and propose again; '
          + 'otherwise change the choice or the words.',
      });
    }
    expect(s.dispute.decisions).toEqual([]);
    s.run('bea-jones', decision({ funding: 'Section 117 aftercare ends on 1 March.', wordingConfirmed: true }));
    expect(s.dispute.decisions[0]).toMatchObject({ effect: 'CHANGES', wordingQuery: 'ENDS', status: 'PROPOSED' });
    expect(s.last.events[0]).toMatchObject({ type: 'DECISION_PROPOSED', data: { effect: 'CHANGES', wordingQuery: 'ENDS' } });
    const post = s.last.effects.find((e) => e.kind === 'POST');
    expect(post?.kind === 'POST' && post.message.lines).toContain(
      'Check before confirming: the words read as ending aftercare, but the proposer kept "Aftercare changes (different services or funding split)".',
    );
  });

  it('[R5.6] [R7.1] a written decision or an ending confirms funding and commissioning', () => {
    const s = atStage3();
    expect(refusal(() => s.run('eve-ford', decision({ outcome: 'WRITTEN_DECISION' })))).toEqual({
      code: 'FIELD_REQUIRED', field: 'commissioning', message: 'The commissioning arrangements is required: fill in "commissioning".',
    });
    const e = ending();
    expect(refusal(() => e.run('eve-ford', endIt({ funding: null })))).toEqual({
      code: 'FIELD_REQUIRED', field: 'funding', message: 'The funding arrangements is required: fill in "funding".',
    });
  });

  it('[R7.1] an ending needs its reason chosen', () => {
    const s = ending();
    expect(refusal(() => s.run('eve-ford', endIt({ endingReason: undefined })))).toEqual({
      code: 'FIELD_REQUIRED', field: 'endingReason', message: 'Choose the reason for ending aftercare ("endingReason").',
    });
  });

  it('[R7.1] [R10.1] an ending whose joint assessment is only spaces is flagged and posted, and nothing is proposed', () => {
    const s = ending();
    s.run('eve-ford', endIt({ ...noAssessment, jointAssessment: '   ' }));
    expect(s.dispute.decisions).toEqual([]);
    const notice = 'An ending needs a joint, recorded assessment (protocol section 7): when it was carried out ("jointAssessedOn"), '
      + 'every party organisation that took part ("jointAssessmentOrganisations"), whether the person was involved ("personInvolved") '
      + 'and what it found ("jointAssessment"). Record it and propose again.';
    expect(s.last.notice).toBe(notice);
    expect(s.last.events).toEqual([{
      type: 'FLAG_RAISED', data: { code: 'ENDING_WITHOUT_JOINT_ASSESSMENT', ground: null, detail: 'Eve Ford proposed ending aftercare without a joint assessment.' },
    }]);
    expect(s.last.effects).toEqual([{
      kind: 'POST', notBefore: '2026-12-07T10:00:00.000Z',
      message: { title: `${REF}: Ending proposed without a joint assessment`, lines: [notice], mentions: [] },
    }]);
  });
});

describe('unlawful grounds in a decision', () => {
  it('[R4.1] reads the funding and commissioning text of a decision and names the decision in the flag', () => {
    const s = atStage2();
    s.run('bea-jones', decision({ funding: 'Held until the funding panel meets.' }));
    expect(grounds(s)).toEqual([['AWAITING_PANEL', 'Decision 1 (funding): awaiting a panel decision where needs are already identified']]);
    s.run('bea-jones', decision({ commissioning: 'Deferred until the restructure is complete.' }));
    expect(grounds(s).slice(1))
      .toEqual([['RESTRUCTURING', 'Decision 2 (commissioning): organisational restructuring or commissioning changes']]);
  });

  it('[R4.1] reads what was decided and its basis too', () => {
    const s = atStage2();
    s.run('bea-jones', decision({ basisRisk: 'Budget pressures make the risk hard to manage.' }));
    expect(grounds(s)).toEqual([['BUDGET', 'Decision 1 (risk): budget constraints or financial pressures']]);
  });

  it('[R4.1] flags nothing for a decision that cites no ground', () => {
    const s = atStage2();
    s.run('bea-jones', decision());
    expect(s.events()).toEqual(['DECISION_PROPOSED']);
    expect(grounds(s)).toEqual([]);
  });

  it('[R7.3] a service reduction cannot be chosen as the reason to end; one already on the record cannot be confirmed', () => {
    const s = ending();
    for (const endingReason of ['SERVICE_REDUCTION', 'COMMISSIONING_CHANGE']) {
      expect(refusal(() => s.run('eve-ford', endIt({ endingReason })))).toEqual({
        code: 'ENDING_UNLAWFUL_REASON', field: 'endingReason',
        message: 'Section 117 aftercare cannot be ended because of service reductions or commissioning changes (protocol section 7). Choose the reason in assessed need ("endingReason").',
      });
    }
    expect(s.dispute.decisions).toEqual([]);
    // A proposal recorded before the reason was a closed choice.
    s.run('eve-ford', endIt());
    s.dispute.decisions[0]!.endingReason = 'SERVICE_REDUCTION';
    expect(refusal(() => s.run('eve-ford', confirm(1, 'anytown-council')))).toEqual({
      code: 'ENDING_UNLAWFUL_REASON',
      message: 'Section 117 aftercare cannot be ended because of service reductions or commissioning changes. Propose the ending again with its basis in assessed need.',
    });
  });

  it('[R7.3] an ending reason given on a decision that ends nothing is not stored and does not block confirming it', () => {
    const s = atStage2();
    s.run('bea-jones', decision({ endingReason: 'SERVICE_REDUCTION' }));
    expect(s.dispute.decisions[0]!.endingReason).toBeNull();
    s.run('bea-jones', confirm(1, 'anytown-council'));
    expect(s.events()).toEqual(['DECISION_CONFIRMED']);
  });
});

describe('confirming a decision', () => {
  it('[R3.2] each confirmation counts for its own decision only: earlier confirmations of a superseded one do not carry over', () => {
    const s = atStage2();
    s.run('bea-jones', decision());
    s.run('hal-moss', confirm(1, 'anytown-icb'));
    s.run('bea-jones', decision({ summary: 'The ICB pays 70% and the council 30% from 1 January.' }));
    s.run('cal-reid', confirm(2, 'anytown-council'));
    expect(s.last.events).toEqual([{ type: 'DECISION_CONFIRMED', data: { seq: 2, organisationId: 'anytown-council' } }]);
    expect(s.last.effects).toEqual([
      { kind: 'REFRESH_CARD', notBefore: '2026-12-15T10:00:00.000Z' },
      {
        kind: 'POST', notBefore: '2026-12-15T10:00:00.000Z',
        message: { title: `${REF}: Anytown Council confirmed decision 2`, lines: ['Confirmed by Cal Reid. Still waiting for: NHS Anytown ICB.'], mentions: [] },
      },
    ]);
    expect(s.dispute.decisions[1]!.status).toBe('PROPOSED');
    // The same person again, for the same organisation: a notice, nothing recorded.
    s.run('cal-reid', confirm(2, 'anytown-council'));
    expect(s.last.notice).toBe('Anytown Council already confirmed decision 2 (Cal Reid).');
    expect(s.last.events).toEqual([]);
    expect(s.last.effects).toEqual([]);
    // The ICB confirmed decision 1, not decision 2: it confirms again.
    s.at('2026-12-15T11:00:00Z').run('hal-moss', confirm(2, 'anytown-icb'));
    expect(s.dispute.decisions.map((x) => x.status)).toEqual(['SUPERSEDED', 'CONFIRMED']);
    expect(s.dispute.confirmations).toEqual([
      { decisionSeq: 1, organisationId: 'anytown-icb', personId: 'hal-moss', at: '2026-12-15T10:00:00.000Z' },
      { decisionSeq: 2, organisationId: 'anytown-council', personId: 'cal-reid', at: '2026-12-15T10:00:00.000Z' },
      { decisionSeq: 2, organisationId: 'anytown-icb', personId: 'hal-moss', at: '2026-12-15T11:00:00.000Z' },
    ]);
    expect(s.dispute.status).toBe('RESOLVED');
  });

  it('[R3.2] one person, one organisation per decision: after moving, they may confirm a later decision for their new organisation', () => {
    const s = atStage2();
    s.run('bea-jones', decision());
    s.run('cal-reid', confirm(1, 'anytown-council'));
    const moved = { ...directory, people: directory.people.map((p) => (p.id === 'cal-reid' ? { ...p, organisationId: 'anytown-icb' } : p)) };
    expect(refusal(() => s.runWith(moved, 'cal-reid', confirm(1, 'anytown-icb')))).toEqual({
      code: 'ALREADY_CONFIRMED_FOR_ANOTHER_ORGANISATION',
      message: 'You already confirmed decision 1 for Anytown Council. Someone else must confirm for NHS Anytown ICB.',
    });
    s.run('bea-jones', decision({ summary: 'The ICB pays 70% and the council 30% from 1 January.' }));
    s.runWith(moved, 'cal-reid', confirm(2, 'anytown-icb'));
    expect(s.last.events).toEqual([{ type: 'DECISION_CONFIRMED', data: { seq: 2, organisationId: 'anytown-icb' } }]);
  });

  it('[R3.2] refuses, in words, a decision that does not exist or is no longer open, and an organisation that is not a party or not yours', () => {
    const s = atStage2();
    s.run('bea-jones', decision());
    s.run('bea-jones', decision({ summary: 'The ICB pays 70% and the council 30% from 1 January.' }));
    expect(refusal(() => s.run('bea-jones', confirm(5, 'anytown-council')))).toEqual({ code: 'NO_SUCH_DECISION', message: `There is no decision 5 on ${REF}.` });
    expect(refusal(() => s.run('bea-jones', confirm(1, 'anytown-council'))))
      .toEqual({ code: 'DECISION_NOT_OPEN', message: 'Decision 1 is superseded; it can no longer be confirmed.' });
    expect(refusal(() => s.run('bea-jones', confirm(2, 'anytown-trust'))))
      .toEqual({ code: 'NOT_A_PARTY', message: `Anytown Mental Health NHS Trust is not a party to ${REF}.` });
    expect(refusal(() => s.run('cal-reid', confirm(2, 'anytown-icb'))))
      .toEqual({ code: 'WRONG_ORGANISATION', message: 'You can only confirm for your own organisation (Anytown Council), not for NHS Anytown ICB.' });
    expect(refusal(() => s.run('kit-webb', confirm(2, 'anytown-icb')))).toEqual(notParticipant('confirm a decision'));
    expect(s.dispute.confirmations).toEqual([]);
  });

  it('[R5.9] names the roles that may confirm at Stage 2 and at Stage 3, and says so for an ending', () => {
    const s2 = atStage2();
    s2.run('bea-jones', decision());
    expect(refusal(() => s2.run('ali-khan', confirm(1, 'anytown-council')))).toEqual({
      code: 'CONFIRMER_ROLE_REQUIRED', message: `At Stage 2 only Anytown Council's ${STAGE_2_ROLES} can confirm. Ask them to press "Confirm".`,
    });
    const s3 = atStage3();
    s3.run('eve-ford', decision({ outcome: 'WRITTEN_DECISION', commissioning: 'The council commissions.' }));
    expect(refusal(() => s3.run('bea-jones', confirm(1, 'anytown-council')))).toEqual({
      code: 'SENIOR_OFFICER_ONLY', message: 'At Stage 3 only Anytown Council\'s senior officer can confirm. Ask them to press "Confirm".',
    });
    const e = ending();
    e.run('eve-ford', endIt());
    expect(refusal(() => e.run('ali-khan', confirm(1, 'anytown-council')))).toEqual({
      code: 'SENIOR_OFFICER_ONLY', message: 'At Stage 3 only Anytown Council\'s senior officer can confirm an ending. Ask them to press "Confirm".',
    });
  });
});

describe('withdrawing a decision', () => {
  it('[R3.2] withdraws the decision waiting for confirmation, with a reason, and says so in the case space', () => {
    const s = atStage2();
    s.run('bea-jones', decision());
    s.run('bea-jones', decision({ summary: 'The ICB pays 70% and the council 30% from 1 January.' }));
    s.run('cal-reid', withdraw(2, ' The split was agreed by phone instead. '));
    expect(s.dispute.decisions.map((x) => x.status)).toEqual(['SUPERSEDED', 'WITHDRAWN']);
    expect(s.last.events).toEqual([{ type: 'DECISION_WITHDRAWN', data: { seq: 2, reason: 'The split was agreed by phone instead.' } }]);
    expect(s.last.effects).toEqual([
      {
        kind: 'POST', notBefore: '2026-12-15T10:00:00.000Z',
        message: { title: `${REF}: decision 2 withdrawn`, lines: ['By Cal Reid: The split was agreed by phone instead.'], mentions: [] },
      },
      { kind: 'REFRESH_CARD', notBefore: '2026-12-15T10:00:00.000Z' },
    ]);
    expect(refusal(() => s.run('hal-moss', confirm(2, 'anytown-icb'))))
      .toEqual({ code: 'DECISION_NOT_OPEN', message: 'Decision 2 is withdrawn; it can no longer be confirmed.' });
  });

  it('[R3.2] refuses to withdraw what is not waiting, without a reason, or for a non-participant', () => {
    const s = atStage2();
    s.run('bea-jones', decision());
    s.run('bea-jones', decision({ summary: 'The ICB pays 70% and the council 30% from 1 January.' }));
    const notOpen = (seq: number) => ({ code: 'DECISION_NOT_OPEN', message: `Decision ${seq} is not waiting for confirmation, so it cannot be withdrawn.` });
    expect(refusal(() => s.run('bea-jones', withdraw(1, 'Wrong figures.')))).toEqual(notOpen(1));
    expect(refusal(() => s.run('bea-jones', withdraw(3, 'Wrong figures.')))).toEqual(notOpen(3));
    expect(refusal(() => s.run('bea-jones', withdraw(2, '  ')))).toEqual({ code: 'FIELD_REQUIRED', field: 'reason', message: 'A reason is required: fill in "reason".' });
    expect(refusal(() => s.run('kit-webb', withdraw(2, 'Wrong figures.')))).toEqual(notParticipant('withdraw a decision'));
    expect(s.dispute.decisions.map((x) => x.status)).toEqual(['SUPERSEDED', 'PROPOSED']);
  });

  it('[R3.2] withdraws the only decision at Stage 1', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', decision({ outcome: 'AGREEMENT' }));
    s.run('gus-hart', withdraw(1, 'We talked again.'));
    expect(s.dispute.decisions[0]!.status).toBe('WITHDRAWN');
    expect(s.events()).toEqual(['DECISION_WITHDRAWN']);
  });
});
