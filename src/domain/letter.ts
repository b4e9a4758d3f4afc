import { fleschKincaid } from 'flesch-kincaid';
import { syllable } from 'syllable';
import type { Decision, Dispute, Subject } from './types.ts';

// R8.2: the person's letter, drafted from the recorded decision in plain
// English. A professional reviews it before it is marked sent.

const PLAIN_SUBJECT: Record<Subject, string> = {
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

// Acronyms a professional may type, spelt out the first time they appear.
const ACRONYMS: [RegExp, string][] = [
  [/\bICB\b/, 'the local NHS (ICB)'],
  [/\bCHC\b/, 'NHS Continuing Healthcare (CHC)'],
  [/\bLA\b/, 'the council (LA)'],
  [/\bDASS\b/, 'the Director of Adult Social Services (DASS)'],
  [/\bMHA\b/, 'the Mental Health Act (MHA)'],
  [/\bS117\b/, 'Section 117'],
  [/\bOT\b/, 'occupational therapy (OT)'],
  [/\bCPN\b/, 'community mental health nurse (CPN)'],
];

export function explainAcronyms(text: string): string {
  let out = text;
  for (const [re, long] of ACRONYMS) out = out.replace(re, long);
  return out;
}

export interface Readability { gradeLevel: number; readingAge: number; sentences: number; words: number }

/** Flesch–Kincaid grade; UK reading age is the US grade plus five years. */
export function readability(text: string): Readability {
  const body = text.replace(/\[[^\]]*\]/g, ' ');
  const sentences = body.split(/[.!?]+(?:\s|$)|\n\s*\n/).filter((s) => /[a-z]/i.test(s));
  const words = body.match(/[A-Za-z][A-Za-z'’-]*/g) ?? [];
  const syllables = words.reduce((n, w) => n + Math.max(1, syllable(w)), 0);
  const grade = fleschKincaid({ sentence: Math.max(1, sentences.length), word: Math.max(1, words.length), syllable: Math.max(1, syllables) });
  const round = (n: number) => Math.round(n * 10) / 10;
  return { gradeLevel: round(grade), readingAge: round(grade + 5), sentences: sentences.length, words: words.length };
}

export function draftLetter(d: Pick<Dispute, 'subjects'>, decision: Decision, signedBy: string): { text: string } & Readability {
  const about = d.subjects.map((s) => PLAIN_SUBJECT[s]);
  const ending = decision.outcome === 'END_AFTERCARE';
  const lines = [
    'Dear [name],',
    '',
    'We are writing about the help you get after your stay in hospital. This help is called aftercare. The law says you have a right to it. The law is called Section 117 of the Mental Health Act.',
    '',
    `The NHS and the council did not agree about ${about.join(', and ')}. We have talked about it together. We have now made a decision together.`,
    '',
    'What we decided:',
    explainAcronyms(decision.summary),
    '',
    'Why we decided this:',
    explainAcronyms(decision.basisNeed),
  ];
  if (decision.funding) lines.push('', 'Who will pay:', explainAcronyms(decision.funding));
  lines.push('');
  if (ending) {
    lines.push('We looked at your needs together before we made this choice. Your care goes on until the date we agree with you. You will not lose help you still need.');
  } else {
    lines.push('Your care did not stop while we talked. It will go on as planned.');
  }
  lines.push(
    '',
    'You can ask for an advocate. An advocate is a person who helps you say what you want. It is free.',
    '',
    'If you have a question, please ask your care coordinator. You can also ask someone you trust to help you.',
    '',
    'Yours sincerely,',
    signedBy,
  );
  const text = lines.join('\n');
  return { text, ...readability(text) };
}
