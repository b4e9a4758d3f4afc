import { fleschKincaid } from 'flesch-kincaid';
import { syllable } from 'syllable';
import type { Decision, Dispute, Letter, LetterFacts, OrgKind, Setting, StageNo, Subject } from './types.ts';

// R8.2: the person's letter, drafted from the record in plain English. It is
// true to the record: what happened to their care, the organisations actually
// involved, where the person is. A professional reviews it before it is sent.

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

const SETTING_OPENING: Record<Setting, string> = {
  COMMUNITY: 'We are writing about the help you get after your stay in hospital.',
  HOSPITAL: 'We are writing about the help you will get when you leave hospital.',
  PRISON: 'We are writing about the help you should get for your mental health, in prison and when you leave.',
  OTHER_SECURE: 'We are writing about the help you will get when you leave the secure unit.',
};

// Acronyms a professional may type. The decision is shown as they wrote it
// (rewriting inside it mangles text such as "ICB/council"); the words are
// explained underneath instead.
const GLOSSARY: [RegExp, string][] = [
  [/\bICB\b/, 'ICB means the local NHS body that plans and pays for health care.'],
  [/\bCHC\b/, 'CHC means NHS Continuing Healthcare. It is care paid for by the NHS.'],
  [/\bLA\b/, 'LA means the local council.'],
  [/\bDASS\b/, 'DASS means the Director of Adult Social Services at the council.'],
  [/\bMHA\b/, 'MHA means the Mental Health Act.'],
  [/\bS117\b/i, 'S117 means Section 117 of the Mental Health Act.'],
  [/\bOT\b/, 'OT means occupational therapy.'],
  [/\bCPN\b/, 'CPN means a community mental health nurse.'],
  [/\bIMHA\b/, 'IMHA means an independent mental health advocate.'],
];

/** The explanations for the acronyms used in `texts`, each once. */
export function glossary(...texts: string[]): string[] {
  const all = texts.join('\n');
  return GLOSSARY.filter(([re]) => re.test(all)).map(([, line]) => line);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** R8.2: the decision as plain text: no HTML entities, tags or chat markup. */
export function plainText(text: string): string {
  return text
    // A chat link or email address shows its label; a bare link, its address (the tag rule below would drop it).
    .replace(/<((?:https?|mailto):[^|>]+)(?:\|([^>]+))?>/g, (_m, url: string, label?: string) => label ?? url)
    .replace(/<\/?[a-z][^>]*>/gi, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const n = e[1]!.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1));
        // A number past the last character is kept as written, like an unknown name (decoding it would throw).
        return n <= 0x10ffff ? String.fromCodePoint(n) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/(^|\s)[*_~`]+(\S[^*_~`]*?)[*_~`]+(?=\s|[.,;:!?]|$)/g, '$1$2')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

export interface Readability { gradeLevel: number; readingAge: number; sentences: number; words: number }

/** Counting a word's syllables is slow and every letter repeats the same few hundred words. */
const syllablesOf = new Map<string, number>();
function syllablesIn(word: string): number {
  let n = syllablesOf.get(word);
  if (n === undefined) {
    n = Math.max(1, syllable(word));
    if (syllablesOf.size >= 50_000) syllablesOf.clear();
    syllablesOf.set(word, n);
  }
  return n;
}

/** Flesch–Kincaid grade; UK reading age is the US grade plus five years. */
export function readability(text: string): Readability {
  const body = text.replace(/\[[^\]]*\]/g, ' ');
  const sentences = body.split(/[.!?]+(?:\s|$)|\n\s*\n/).filter((s) => /[a-z]/i.test(s));
  const words = body.match(/[A-Za-z][A-Za-z'’-]*/g) ?? [];
  const syllables = words.reduce((n, w) => n + syllablesIn(w), 0);
  const grade = fleschKincaid({ sentence: Math.max(1, sentences.length), word: Math.max(1, words.length), syllable: Math.max(1, syllables) });
  const round = (n: number) => Math.round(n * 10) / 10;
  return { gradeLevel: round(grade), readingAge: round(grade + 5), sentences: sentences.length, words: words.length };
}

/** What the letter may say about the people and organisations involved. */
export interface LetterContext {
  /** The organisations actually party to the dispute now. */
  organisations: { name: string; kind: OrgKind }[];
}

type LetterDispute = Pick<Dispute, 'subjects'> & Partial<Pick<Dispute, 'setting' | 'cohort' | 'flags'>>;

function and(items: string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}` : items[0] ?? '';
}

function who(ctx: LetterContext | undefined): string {
  return ctx?.organisations.length ? and(ctx.organisations.map((o) => o.name)) : 'The organisations that plan your care';
}

/** R8.2: care continued only when no delay, reduction or withdrawal was reported; otherwise what happened and what was done. */
export function careSentence(d: LetterDispute): string {
  const alerts = (d.flags ?? []).filter((f) => f.code === 'CONTINUITY_ALERT');
  if (!alerts.length) return 'Your care did not stop while we talked. It will go on as planned.';
  const what = /withdrawn/i.test(alerts.map((a) => a.detail).join(' ')) ? 'stopped'
    : /reduced/i.test(alerts.map((a) => a.detail).join(' ')) ? 'reduced' : 'delayed or changed';
  const open = alerts.some((a) => !a.resolvedAt);
  return open
    ? `While we talked, some of your care was ${what}. This should not have happened. We are working to put it back now.`
    : `While we talked, some of your care was ${what}. This should not have happened, and we are sorry. Your care has now started again.`;
}

function closing(signedBy: string, child: boolean): string[] {
  return [
    'You can ask for an advocate. An advocate is a person who helps you say what you want. It is free.',
    '',
    `If you have a question, please ask your care coordinator. You can also ask ${child ? 'your family or ' : ''}someone you trust to help you.`,
    '',
    'Yours sincerely,',
    signedBy,
  ];
}

export function draftLetter(d: LetterDispute, decision: Decision, signedBy: string, ctx?: LetterContext): { text: string } & Readability {
  const about = d.subjects.map((s) => PLAIN_SUBJECT[s]);
  const ending = decision.outcome === 'END_AFTERCARE';
  const summary = plainText(decision.summary);
  const basis = plainText(decision.basisNeed);
  const funding = decision.funding ? plainText(decision.funding) : null;
  const words = glossary(summary, basis, funding ?? '');
  const lines = [
    'Dear [name],',
    '',
    `${SETTING_OPENING[d.setting ?? 'COMMUNITY']} This help is called aftercare. The law says you have a right to it. The law is called Section 117 of the Mental Health Act.`,
    '',
    `${who(ctx)} did not agree about ${about.join(', and ')}. We have talked about it together. We have now made a decision together.`,
    '',
    'What we decided:',
    summary,
    '',
    'Why we decided this:',
    basis,
  ];
  if (funding) lines.push('', 'Who will pay:', funding);
  if (words.length) lines.push('', 'Some words in this letter:', ...words);
  lines.push('');
  if (ending) {
    lines.push('We looked at your needs together before we made this choice. Your care goes on until the date we agree with you. You will not lose help you still need.');
  }
  lines.push(careSentence(d), '', ...closing(signedBy, d.cohort === 'CHILD_YOUNG_PERSON'));
  const text = lines.join('\n');
  return { text, ...readability(text) };
}

const STAGE_WHO: Record<StageNo, string> = {
  1: 'the staff who work with you',
  2: 'their managers',
  3: 'the most senior staff',
  4: 'people outside',
};

/** R8.2: a short note for each escalation: care goes on, who now looks at it, by when. */
export function draftEscalationNote(
  d: LetterDispute, to: StageNo, dueText: string | null, signedBy: string, ctx?: LetterContext,
): { text: string } & Readability {
  const about = d.subjects.map((s) => PLAIN_SUBJECT[s]);
  const lines = [
    'Dear [name],',
    '',
    `${SETTING_OPENING[d.setting ?? 'COMMUNITY']} ${who(ctx)} do not yet agree about ${about.join(', and ')}.`,
    '',
    to === 4
      ? `They could not sort it out between them. So now ${STAGE_WHO[4]} ${who(ctx)} will look at it.`
      : `They could not sort it out yet. So now ${STAGE_WHO[to]} at ${who(ctx)} will look at it.`,
    dueText ? `They aim to decide by ${dueText}.` : 'There is no set date for this step. We will tell you what happens.',
    '',
    careSentence(d),
    '',
    ...closing(signedBy, d.cohort === 'CHILD_YOUNG_PERSON'),
  ];
  const text = lines.join('\n');
  return { text, ...readability(text) };
}

/** The decision a letter explains now: the latest one in force (an agreed escalation is not an outcome). */
export function decisionToExplain(d: Pick<Dispute, 'decisions'>): Decision | undefined {
  return d.decisions.findLast((x) => x.status === 'CONFIRMED' && x.outcome !== 'ESCALATE');
}

/** R8.2: what a letter says about the record, kept with it so that marking it sent can check it is still true. */
export function letterFacts(d: Dispute, decisionSeq: number | null, ctx?: LetterContext): LetterFacts {
  const dec = decisionSeq === null ? undefined : d.decisions.find((x) => x.seq === decisionSeq);
  const current = d.stages.find((s) => s.stage === d.stage && !s.endedAt);
  return {
    care: careSentence(d),
    setting: d.setting,
    cohort: d.cohort,
    parties: d.parties.filter((p) => !p.withdrawnAt).map((p) => p.organisationId).sort(),
    decision: dec ? JSON.stringify([dec.seq, dec.status, dec.outcome, dec.summary, dec.basisNeed, dec.funding]) : null,
    stage: decisionSeq === null ? d.stage : null,
    subjects: [...d.subjects],
    ...(decisionSeq === null ? { dueAt: current?.dueAt ?? null } : {}),
    ...(ctx ? { names: ctx.organisations.map((o) => o.name) } : {}),
  };
}

/**
 * R8.2: how the record has changed since `letter` was drafted, in words; empty when it is still true. Letters drafted
 * before their facts were kept are checked against their own text.
 */
export function letterChanges(letter: Letter, d: Dispute, ctx: LetterContext): string[] {
  const now = letterFacts(d, letter.decisionSeq, ctx);
  const out: string[] = [];
  const was = letter.facts;
  const care = was ? was.care !== now.care : !letter.text.includes(now.care);
  if (care) out.push('what happened to the care (a delay, reduction or withdrawal was reported, or care was restored)');
  if (was ? was.setting !== now.setting : !letter.text.includes(SETTING_OPENING[d.setting])) out.push('where the person is');
  if (was && was.cohort !== now.cohort) out.push("the person's age group");
  const orgs = was ? was.parties.join() !== now.parties.join() : !new RegExp(`(^|\\. )${escapeRe(who(ctx))} (did not|do not yet) agree`, 'm').test(letter.text);
  if (orgs) out.push('the organisations involved');
  else if (was?.names && was.names.join('\n') !== now.names!.join('\n')) out.push("the organisations' names");
  // Facts kept since a later version are checked only on the letters that have them.
  if (was?.subjects && was.subjects.join() !== now.subjects!.join()) out.push('what the dispute is about');
  if (letter.decisionSeq === null && was && was.dueAt !== undefined && was.stage === now.stage && was.dueAt !== now.dueAt) {
    out.push('the date the stage is due (its deadline was recomputed)');
  }
  if (letter.decisionSeq !== null) {
    const latest = decisionToExplain(d);
    if (latest && latest.seq !== letter.decisionSeq) out.push(`the decision (decision ${latest.seq} replaced decision ${letter.decisionSeq})`);
    else if (was && was.decision !== now.decision) out.push('the decision');
  } else if (was && was.stage !== now.stage) out.push(`the stage (the dispute is now at Stage ${d.stage})`);
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
