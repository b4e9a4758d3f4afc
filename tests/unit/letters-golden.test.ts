import fs from 'node:fs';
import path from 'node:path';
import { careSentence, draftEscalationNote, draftLetter, type LetterContext } from '../../src/domain/letter.ts';
import type { Decision, Dispute, Flag } from '../../src/domain/types.ts';

// Golden letters, read by a person when they change: UPDATE_GOLDEN=1 rewrites them.
const DIR = 'tests/fixtures/letters';
const icbAndCouncil: LetterContext = { organisations: [{ name: 'Anytown Council', kind: 'LOCAL_AUTHORITY' }, { name: 'NHS Anytown ICB', kind: 'ICB' }] };
const twoCouncils: LetterContext = {
  organisations: [{ name: 'Anytown Council', kind: 'LOCAL_AUTHORITY' }, { name: 'Otherton Council', kind: 'LOCAL_AUTHORITY' }, { name: 'NHS Anytown ICB', kind: 'ICB' }],
};
const decision = (over: Partial<Decision>): Decision => ({
  seq: 1, stage: 1, outcome: 'AGREEMENT', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: '', basisNeed: '', basisTests: 'Tests met.', basisRisk: 'Risk of readmission.', funding: null,
  commissioning: null, interimFunding: null, endingReason: null, jointAssessment: null, assessment: null, payers: [], effectiveFrom: null, wordingQuery: null, proposedBy: 'ali-khan', proposedAt: '2026-12-08T10:00:00Z',
  sourceMessage: null, status: 'CONFIRMED', effectiveAt: '2026-12-09T10:00:00Z', ...over,
});
const flag = (detail: string, resolved: boolean): Flag => ({
  seq: 1, code: 'CONTINUITY_ALERT', ground: null, detail, at: '2026-12-08T10:00:00Z', resolvedAt: resolved ? '2026-12-09T10:00:00Z' : null, resolution: resolved ? 'restored' : null,
});
type D = Pick<Dispute, 'subjects'> & Partial<Pick<Dispute, 'setting' | 'cohort' | 'flags'>>;

const CASES: Record<string, () => { text: string; readingAge: number }> = {
  'agreement-stage-1': () => draftLetter({ subjects: ['FUNDING'], setting: 'COMMUNITY', flags: [] } as D, decision({
    summary: 'The ICB &amp; the council will share the cost of your support. Split 60/40 ICB/council.',
    basisNeed: 'You need support every day to stay well at home.', funding: 'The ICB pays 60%. The council pays 40%.',
  }), 'Ali Khan', icbAndCouncil),
  'stage-3-decision': () => draftLetter({ subjects: ['ACCOMMODATION', 'CHC_INTERFACE'], setting: 'HOSPITAL', flags: [] } as D, decision({
    stage: 3, outcome: 'WRITTEN_DECISION', summary: 'You will move to a supported flat near your family. CHC will pay for the nursing part.',
    basisNeed: 'You need help with medicine and staying safe at night.', funding: 'The council pays the rent support. The NHS pays the nursing.',
  }), 'Eve Ford', icbAndCouncil),
  'ending': () => draftLetter({ subjects: ['ENDING_AFTERCARE'], setting: 'COMMUNITY', flags: [] } as D, decision({
    stage: 3, outcome: 'END_AFTERCARE', summary: 'Your Section 117 aftercare will end on 1 March. You told us you feel well and ready.',
    basisNeed: 'You have been well for two years. You no longer need the help that Section 117 pays for.',
  }), 'Eve Ford', icbAndCouncil),
  'care-withdrawal-reported': () => draftLetter({ subjects: ['FUNDING'], setting: 'COMMUNITY', flags: [flag('Ali Khan reports care withdrawn because of the dispute: support stopped.', true)] } as D, decision({
    summary: 'The council will pay for your support from now on.', basisNeed: 'You need support every day to stay well at home.',
  }), 'Ali Khan', icbAndCouncil),
  'two-councils-child-in-prison': () => draftLetter({ subjects: ['ORDINARY_RESIDENCE'], setting: 'PRISON', cohort: 'CHILD_YOUNG_PERSON', flags: [] } as D, decision({
    stage: 2, outcome: 'DECISION', summary: 'Otherton Council is responsible for your aftercare. It will plan your support for when you leave.',
    basisNeed: 'You lived in Otherton before you went to hospital.',
  }), 'Bea Jones', twoCouncils),
  'escalation-note-stage-2': () => draftEscalationNote({ subjects: ['FUNDING'], setting: 'COMMUNITY', flags: [] } as D, 2, 'Wednesday 30 December 2026', 'The Section 117 team', icbAndCouncil),
  'escalation-note-stage-3-care-stopped': () => draftEscalationNote(
    { subjects: ['FUNDING'], setting: 'COMMUNITY', flags: [flag('reports care reduced because of the dispute', false)] } as D, 3, 'Tuesday 26 January 2027', 'The Section 117 team', icbAndCouncil,
  ),
  'escalation-note-stage-4-child-secure-unit': () => draftEscalationNote(
    { subjects: ['SCOPE', 'CHILDRENS_SERVICES_INTERFACE'], setting: 'OTHER_SECURE', cohort: 'CHILD_YOUNG_PERSON', flags: [] } as D, 4, null, 'The Section 117 team', icbAndCouncil,
  ),
  'eligibility-and-transport-no-setting': () => draftLetter({ subjects: ['ELIGIBILITY', 'TRANSPORT_MEDICATION_ACCESS'] } as D, decision({
    stage: 2, outcome: 'DECISION', summary: 'You can get Section 117 aftercare. A taxi will take you to the clinic each week.',
    basisNeed: 'Your MHA section was a treatment section. You need to see your CPN each week.', funding: 'The council pays for the OT visits.',
  }), 'Bea Jones'),
  'care-act-and-reducing': () => draftLetter({ subjects: ['CARE_ACT_INTERFACE', 'REDUCING_AFTERCARE'], setting: 'COMMUNITY', flags: [] } as D, decision({
    stage: 2, outcome: 'DECISION', summary: 'Your S117 help goes down to two visits a week. The DASS agreed this.',
    basisNeed: 'You are doing well. Your IMHA helped you say what you want.',
  }), 'Bea Jones', icbAndCouncil),
};

describe('golden letters to the person', () => {
  it.each(Object.keys(CASES))('[R8.2] %s reads as its golden example, at a reading age of 12.5 or under', (name) => {
    const l = CASES[name]!();
    const file = path.join(DIR, `${name}.txt`);
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, `${l.text}\n`);
    expect(l.text).toBe(fs.readFileSync(file, 'utf8').replace(/\n$/, ''));
    expect(l.readingAge).toBeLessThanOrEqual(12.5);
    expect(l.text).not.toMatch(/&amp;|&lt;|<[a-z]/);
  });

  it('[R8.2] says care continued only when nothing was reported', () => {
    expect(careSentence({ subjects: [], flags: [] })).toMatch(/did not stop/);
    expect(careSentence({ subjects: [], flags: [flag('care withdrawn', false)] })).toMatch(/was stopped\. This should not have happened\. We are working to put it back now/);
    expect(careSentence({ subjects: [], flags: [flag('care reduced', true)] })).toMatch(/was reduced.*started again/);
  });

  it('[R8.2] names the organisations actually involved and the person\'s setting', () => {
    const l = CASES['two-councils-child-in-prison']!();
    expect(l.text).toMatch(/Anytown Council, Otherton Council and NHS Anytown ICB did not agree/);
    expect(l.text).toMatch(/in prison and when you leave/);
    expect(l.text).not.toMatch(/the NHS and the council|after your stay in hospital/);
    expect(l.text).toMatch(/your family or someone you trust/);
  });
});
