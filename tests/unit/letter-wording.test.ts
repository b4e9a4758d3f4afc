import { careSentence, draftEscalationNote, draftLetter, plainText, type LetterContext } from '../../src/domain/letter.ts';
import type { Decision, Flag, Setting, StageNo, Subject } from '../../src/domain/types.ts';

// The wording the person reads, one table entry at a time (R8.2): each subject, setting and stage has its own
// exact sentence, so a changed or emptied entry shows here and not only in a golden letter.

const decision = (): Decision => ({
  seq: 1, stage: 2, outcome: 'DECISION', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 'The council pays.', basisNeed: 'You need support.', basisTests: 'x', basisRisk: 'y', funding: null,
  commissioning: null, interimFunding: null, endingReason: null, jointAssessment: null, assessment: null, payers: [], effectiveFrom: null, wordingQuery: null, proposedBy: 'bea-jones', proposedAt: '2026-12-08T10:00:00Z',
  sourceMessage: null, status: 'CONFIRMED', effectiveAt: '2026-12-09T10:00:00Z',
});
const alert = (detail: string, resolvedAt: string | null = null): Flag =>
  ({ seq: 1, code: 'CONTINUITY_ALERT', ground: null, detail, at: '2026-12-08T10:00:00Z', resolvedAt, resolution: null });

describe('the exact wording of letters and escalation notes', () => {
  it('[R8.2] says each subject in its own plain words, in the letter and in the escalation note', () => {
    const plain: Record<Subject, string> = {
      ELIGIBILITY: 'whether you can get this aftercare',
      SCOPE: 'which services your aftercare should include',
      FUNDING: 'who should pay for your aftercare',
      ACCOMMODATION: 'where you live and the support that comes with it',
      TRANSPORT_MEDICATION_ACCESS: 'transport, medicine or getting to your services',
      CHC_INTERFACE: 'how your aftercare fits with NHS Continuing Healthcare',
      CARE_ACT_INTERFACE: 'how your aftercare fits with other care and support',
      CHILDRENS_SERVICES_INTERFACE: "how your aftercare fits with children's services",
      ORDINARY_RESIDENCE: 'which area is responsible for your aftercare',
      REDUCING_AFTERCARE: 'whether some of your aftercare should be reduced',
      ENDING_AFTERCARE: 'whether your aftercare should end',
    };
    for (const [subject, words] of Object.entries(plain) as [Subject, string][]) {
      expect(draftLetter({ subjects: [subject] }, decision(), 'Bea Jones').text.split('\n')[4])
        .toBe(`The organisations that plan your care did not agree about ${words}. We have talked about it together. We have now made a decision together.`);
      expect(draftEscalationNote({ subjects: [subject] }, 2, null, 'The Section 117 team').text.split('\n')[2])
        .toBe(`We are writing about the help you get after your stay in hospital. The organisations that plan your care do not yet agree about ${words}.`);
    }
  });

  it('[R8.2] opens with where the person is, in the letter and in the escalation note', () => {
    const opening: Record<Setting, string> = {
      COMMUNITY: 'We are writing about the help you get after your stay in hospital.',
      HOSPITAL: 'We are writing about the help you will get when you leave hospital.',
      PRISON: 'We are writing about the help you should get for your mental health, in prison and when you leave.',
      OTHER_SECURE: 'We are writing about the help you will get when you leave the secure unit.',
    };
    for (const [setting, words] of Object.entries(opening) as [Setting, string][]) {
      expect(draftLetter({ subjects: ['FUNDING'], setting }, decision(), 'Bea Jones').text.split('\n')[2])
        .toBe(`${words} This help is called aftercare. The law says you have a right to it. The law is called Section 117 of the Mental Health Act.`);
      expect(draftEscalationNote({ subjects: ['FUNDING'], setting }, 3, null, 'The Section 117 team').text.split('\n')[2])
        .toBe(`${words} The organisations that plan your care do not yet agree about who should pay for your aftercare.`);
    }
  });

  it('[R8.2] says who looks at it next at each stage, and by when', () => {
    const ctx: LetterContext = { organisations: [{ name: 'Anytown Council', kind: 'LOCAL_AUTHORITY' }, { name: 'NHS Anytown ICB', kind: 'ICB' }] };
    const next = (to: StageNo, due: string | null) =>
      draftEscalationNote({ subjects: ['SCOPE'] }, to, due, 'The Section 117 team', ctx).text.split('\n').slice(4, 6);
    expect(next(1, 'Monday 14 December 2026')).toEqual([
      'They could not sort it out yet. So now the staff who work with you at Anytown Council and NHS Anytown ICB will look at it.',
      'They aim to decide by Monday 14 December 2026.',
    ]);
    expect(next(2, null)[0]).toBe('They could not sort it out yet. So now their managers at Anytown Council and NHS Anytown ICB will look at it.');
    expect(next(3, null)[0]).toBe('They could not sort it out yet. So now the most senior staff at Anytown Council and NHS Anytown ICB will look at it.');
    expect(next(4, null)).toEqual([
      'They could not sort it out between them. So now people outside Anytown Council and NHS Anytown ICB will look at it.',
      'There is no set date for this step. We will tell you what happens.',
    ]);
  });

  it('[R8.2] closes the same way in letters and notes, naming family as helpers only for a child or young person', () => {
    const closing = (family: string) => [
      'You can ask for an advocate. An advocate is a person who helps you say what you want. It is free.',
      '',
      `If you have a question, please ask your care coordinator. You can also ask ${family}someone you trust to help you.`,
      '',
      'Yours sincerely,',
      'Bea Jones',
    ];
    const tail = (text: string) => text.split('\n').slice(-6);
    expect(tail(draftLetter({ subjects: ['FUNDING'] }, decision(), 'Bea Jones').text)).toEqual(closing(''));
    expect(tail(draftLetter({ subjects: ['FUNDING'], cohort: 'ADULT' }, decision(), 'Bea Jones').text)).toEqual(closing(''));
    expect(tail(draftLetter({ subjects: ['FUNDING'], cohort: 'CHILD_YOUNG_PERSON' }, decision(), 'Bea Jones').text)).toEqual(closing('your family or '));
    expect(tail(draftEscalationNote({ subjects: ['FUNDING'] }, 2, null, 'Bea Jones').text)).toEqual(closing(''));
    expect(tail(draftEscalationNote({ subjects: ['FUNDING'], cohort: 'CHILD_YOUNG_PERSON' }, 2, null, 'Bea Jones').text)).toEqual(closing('your family or '));
  });

  it('[R8.2] reads what happened to care from each alert on its own, never from words run together across two alerts', () => {
    const continued = 'While we talked, some of your care was delayed or changed. This should not have happened. We are working to put it back now.';
    expect(careSentence({ subjects: [], flags: [alert('Support agreed with'), alert('drawn-up plan delayed')] })).toBe(continued);
    expect(careSentence({ subjects: [], flags: [alert('Visits moved to the re'), alert('duced-rate slot')] })).toBe(continued);
    expect(careSentence({ subjects: [], flags: [alert('Visits moved'), alert('Hours reduced')] }))
      .toBe('While we talked, some of your care was reduced. This should not have happened. We are working to put it back now.');
  });

  it('[R8.2] keeps a numeric character reference past the last Unicode character as written instead of failing to draft the letter', () => {
    expect(plainText('Pay &#1114111; &#x10FFFF; now')).toBe('Pay \u{10FFFF} \u{10FFFF} now');
    expect(plainText('Pay &#1114112; &#x110000; &#99999999999999999999; now')).toBe('Pay &#1114112; &#x110000; &#99999999999999999999; now');
    const l = draftLetter({ subjects: ['FUNDING'] }, { ...decision(), summary: 'Ref &#x110000; agreed.' }, 'Bea Jones');
    expect(l.text).toContain('\nWhat we decided:\nRef &#x110000; agreed.\n');
  });

  it('[R8.2] shows a bare chat link as its address, and a labelled link or email address as its label', () => {
    expect(plainText('Read <https://x.example/plan> and <http://y.example/a|the notes>, then <https://z.example/b?c=1|the plan>.'))
      .toBe('Read https://x.example/plan and the notes, then the plan.');
    expect(plainText('See <http://x.example/p>.')).toBe('See http://x.example/p.');
    expect(plainText('Write to <mailto:care@x.example|care@x.example> or <mailto:team@x.example>.')).toBe('Write to care@x.example or mailto:team@x.example.');
  });
});
