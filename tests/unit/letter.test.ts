import { careSentence, draftEscalationNote, draftLetter, glossary, plainText, readability } from '../../src/domain/letter.ts';
import type { Decision, Flag, Subject } from '../../src/domain/types.ts';

const base: Decision = {
  seq: 1, stage: 2, outcome: 'DECISION', effect: 'CONTINUES', basis: ['ASSESSED_NEED'], summary: 'The ICB and the council will share the cost of your flat and support. The ICB pays 60%. The council pays 40%.',
  basisNeed: 'You need support every day to stay well at home.', basisTests: 'x', basisRisk: 'y', funding: 'The ICB pays 60% and the council pays 40%.',
  commissioning: null, interimFunding: null, endingReason: null, jointAssessment: null, assessment: null, payers: [], effectiveFrom: null, wordingQuery: null, proposedBy: 'bea-jones', proposedAt: '2026-12-08T10:00:00Z',
  sourceMessage: null, status: 'CONFIRMED', effectiveAt: '2026-12-09T10:00:00Z',
};

describe('the letter to the person', () => {
  const cases: [string, Subject[], Partial<Decision>][] = [
    ['funding', ['FUNDING'], {}],
    ['accommodation and CHC', ['ACCOMMODATION', 'CHC_INTERFACE'], { summary: 'You will stay in your flat. CHC will pay for your nursing care.' }],
    ['eligibility', ['ELIGIBILITY'], { summary: 'You can get Section 117 aftercare. It is free.', funding: null }],
    ['ending', ['ENDING_AFTERCARE'], { outcome: 'END_AFTERCARE', summary: 'Your Section 117 aftercare will end on 1 March. You told us you feel well and ready.' }],
  ];

  it.each(cases)('[R8.2] drafts a plain-English letter about %s at a reading age of 12 or under', (_name, subjects, over) => {
    const l = draftLetter({ subjects }, { ...base, ...over }, 'Bea Jones');
    // Easier than 11–12 is fine; the floor only proves the measure ran on real sentences.
    expect(l.readingAge).toBeGreaterThan(6);
    expect(l.readingAge).toBeLessThanOrEqual(12.5);
    expect(l.text).toMatch(/^Dear \[name\],/);
    expect(l.text).toMatch(/Bea Jones$/);
    expect(l.text).toMatch(/advocate/);
  });

  it('[R8.2] explains acronyms a professional typed without rewriting their text', () => {
    expect(glossary('ICB and LA agreed; CHC pending.')).toEqual([
      'ICB means the local NHS body that plans and pays for health care.', 'CHC means NHS Continuing Healthcare. It is care paid for by the NHS.', 'LA means the local council.',
    ]);
    const l = draftLetter({ subjects: ['FUNDING'] }, { ...base, summary: 'Split 60/40 ICB/council.' }, 'Bea Jones');
    expect(l.text).toContain('\nSplit 60/40 ICB/council.\n');
    expect(l.text).toMatch(/ICB means the local NHS/);
  });

  it('[R8.2] shows the decision as plain text, without HTML entities or chat markup', () => {
    expect(plainText('The ICB &amp; the council agree &lt;60/40&gt; &#8212; *final* <https://x.example|see notes>')).toBe('The ICB & the council agree <60/40> — final see notes');
    const l = draftLetter({ subjects: ['FUNDING'] }, { ...base, summary: 'ICB &amp; council share it.' }, 'Bea Jones');
    expect(l.text).toContain('ICB & council share it.');
    expect(l.text).not.toMatch(/&amp;/);
  });

  it('[R8.2] scores hard text as hard: the measure is real', () => {
    const hard = readability('Notwithstanding the aforementioned considerations, the commissioning organisations determined that the reimbursement methodology necessitated comprehensive reconsideration.');
    const easy = readability('We met. We agreed. Your care goes on.');
    expect(hard.readingAge).toBeGreaterThan(20);
    expect(easy.readingAge).toBeLessThan(8);
  });

  it('[R8.2] explains each acronym once, in a fixed order, and only where it stands as a word in one of the texts', () => {
    expect(glossary('The DASS, the OT and the CPN met; s117 and MHA apply.', 'Ask your IMHA. The ICB and the LA pay; CHC too. The OT agreed.')).toEqual([
      'ICB means the local NHS body that plans and pays for health care.',
      'CHC means NHS Continuing Healthcare. It is care paid for by the NHS.',
      'LA means the local council.',
      'DASS means the Director of Adult Social Services at the council.',
      'MHA means the Mental Health Act.',
      'S117 means Section 117 of the Mental Health Act.',
      'OT means occupational therapy.',
      'CPN means a community mental health nurse.',
      'IMHA means an independent mental health advocate.',
    ]);
    // Two texts are never run together into one word, nor a word split across them.
    expect(glossary('Paid by the LA', 'CPN visits weekly.')).toEqual(['LA means the local council.', 'CPN means a community mental health nurse.']);
    expect(glossary('Ask the IM', 'HA team.')).toEqual([]);
    expect(glossary('OTHER LAND')).toEqual([]);
  });

  it('[R8.2] explains an acronym that appears only in who pays', () => {
    const l = draftLetter({ subjects: ['FUNDING'] }, { ...base, summary: 'The council pays.', basisNeed: 'You need support.', funding: 'The OT service pays.' }, 'Bea Jones');
    expect(l.text).toContain('\nSome words in this letter:\nOT means occupational therapy.\n');
  });

  it('[R8.2] strips links, tags, entities and chat markup exactly', () => {
    expect(plainText('See <http://x.example/a|the notes> and <https://y.example|the plan>.')).toBe('See the notes and the plan.');
    expect(plainText('<p>The <b>ICB</b> pays, <span class="x">the council</span> helps.<br/></p>')).toBe('The ICB pays, the council helps.');
    expect(plainText('If x < 5 and y > 2, pay 2<3 days.')).toBe('If x < 5 and y > 2, pay 2<3 days.');
    expect(plainText('&quot;yes&quot; &apos;no&apos; a&nbsp;b &AMP; &#x2014; &#X41; &#65; &madeup;')).toBe('"yes" \'no\' a b & — A A &madeup;');
    expect(plainText('**bold** at first, then _final_. And `code`, ~gone~ and *end*')).toBe('bold at first, then final. And code, gone and end');
    expect(plainText('  a   lot \t of   space  ')).toBe('a lot of space');
  });

  it('[R8.2] counts sentences and words as a reader sees them', () => {
    expect(readability('We met. We agreed!')).toMatchObject({ sentences: 2, words: 4 });
    expect(readability('Go. 42. Stop.')).toMatchObject({ sentences: 2, words: 2 });
    expect(readability('Dear [name],\n\nWe met')).toMatchObject({ sentences: 2, words: 3 });
    expect(readability('Dear Sam,\n \nWe met')).toMatchObject({ sentences: 2, words: 4 });
    expect(readability('One[x]two.')).toMatchObject({ sentences: 1, words: 2 });
    expect(readability("I can't go.")).toMatchObject({ sentences: 1, words: 3 });
    expect(readability('42. 7.')).toMatchObject({ sentences: 0, words: 0 });
  });

  it('[R8.2] opens by the setting, defaulting to the community, and names who disagreed', () => {
    const l = draftLetter({ subjects: ['FUNDING'] }, base, 'Bea Jones');
    expect(l.text.split('\n').slice(2, 5)).toEqual([
      'We are writing about the help you get after your stay in hospital. This help is called aftercare. The law says you have a right to it. '
        + 'The law is called Section 117 of the Mental Health Act.',
      '',
      'The organisations that plan your care did not agree about who should pay for your aftercare. We have talked about it together. '
        + 'We have now made a decision together.',
    ]);
    const one = draftEscalationNote({ subjects: ['FUNDING'] }, 1, 'Monday 14 December 2026', 'The Section 117 team',
      { organisations: [{ name: 'Anytown Council', kind: 'LOCAL_AUTHORITY' }] });
    expect(one.text.split('\n').slice(2, 6)).toEqual([
      'We are writing about the help you get after your stay in hospital. Anytown Council do not yet agree about who should pay for your aftercare.',
      '',
      'They could not sort it out yet. So now the staff who work with you at Anytown Council will look at it.',
      'They aim to decide by Monday 14 December 2026.',
    ]);
  });

  it('[R8.2] says what happened to care, from the continuity alerts only', () => {
    const flag = (code: Flag['code'], detail: string, resolvedAt: string | null): Flag =>
      ({ seq: 1, code, ground: null, detail, at: '2026-12-08T10:00:00Z', resolvedAt, resolution: null });
    const continued = 'Your care did not stop while we talked. It will go on as planned.';
    expect(careSentence({ subjects: [] })).toBe(continued);
    expect(careSentence({ subjects: [], flags: [flag('STAGE_OVERDUE', 'care withdrawn', null)] })).toBe(continued);
    expect(careSentence({ subjects: [], flags: [flag('CONTINUITY_ALERT', 'Care WITHDRAWN today', null)] }))
      .toBe('While we talked, some of your care was stopped. This should not have happened. We are working to put it back now.');
    expect(careSentence({ subjects: [], flags: [flag('CONTINUITY_ALERT', 'Hours Reduced', '2026-12-09T10:00:00Z')] }))
      .toBe('While we talked, some of your care was reduced. This should not have happened, and we are sorry. Your care has now started again.');
    expect(careSentence({
      subjects: [],
      flags: [flag('CONTINUITY_ALERT', 'care delayed', '2026-12-09T10:00:00Z'), flag('CONTINUITY_ALERT', 'care delayed again', null)],
    })).toBe('While we talked, some of your care was delayed or changed. This should not have happened. We are working to put it back now.');
  });
});

