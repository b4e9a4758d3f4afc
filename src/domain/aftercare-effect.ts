import type { Policy } from './stage-policy.ts';
import type { AftercareEffect, DecisionEffect, DecisionOutcome, EndingReason, NeedsBasis, Person, StageNo } from './types.ts';
import { endsAftercare } from './unlawful-grounds.ts';

// What a decision does to Section 117 aftercare, as a choice the record holds
// (R3.3, R7.1–R7.4). The protocol's gates read the choice; the words are read
// only to ask the person once whether they match it.

export const EFFECT_TEXT: Record<DecisionEffect, string> = {
  CONTINUES: 'Aftercare continues unchanged',
  CHANGES: 'Aftercare changes (different services or funding split)',
  REDUCES: 'Aftercare is reduced',
  TRANSFERS: 'Responsibility for aftercare transfers to another organisation',
  ENDS: 'Section 117 aftercare ends',
  NOT_RECORDED: 'Not recorded (before structured decisions)',
};

/** Protocol section 3: what a dispute is resolved by reference to. Nothing about cost can be chosen. */
export const BASIS_TEXT: Record<NeedsBasis, string> = {
  ASSESSED_NEED: "The person's assessed needs",
  STATUTORY_TESTS: 'The statutory Section 117 tests',
  RISK: 'The risk of deterioration or readmission',
};

/** R7.3: the reasons an ending may be chosen for; service reductions and commissioning changes stay on old records only. */
export const LAWFUL_ENDING_REASONS: EndingReason[] = ['NEEDS_MET', 'OTHER'];

/** R7.1: who may propose an ending (it is confirmed at senior level too: `confirmerRoles`). */
export const ENDING_PROPOSER_ROLE = 'SENIOR_OFFICER' as const;

/**
 * The effects this person may choose for a decision at this stage, with this outcome: the stage's list from the policy,
 * less an ending for anyone but a senior officer (R7.1, R7.2), and only "continues" for an escalation (R3.1: care goes
 * on while the dispute moves up).
 */
export function effectsFor(
  policy: Policy, stage: StageNo, person: Pick<Person, 'roles'> | null, outcome?: DecisionOutcome,
): AftercareEffect[] {
  if (outcome === 'ESCALATE') return ['CONTINUES'];
  return policy.stages[stage].effects.filter((e) => e !== 'ENDS' || !person || person.roles.includes(ENDING_PROPOSER_ROLE));
}

/** Who pays what from when: needed whenever the arrangements are not simply carried on. */
export function payersRequired(effect: AftercareEffect, outcome: DecisionOutcome): boolean {
  if (effect === 'ENDS') return false;
  // R5.6: a written decision confirms the funding arrangements, whatever it does to the care.
  return effect !== 'CONTINUES' || outcome === 'WRITTEN_DECISION';
}

export function effectiveDateRequired(effect: AftercareEffect): boolean {
  return effect !== 'CONTINUES';
}

/** The question the form asks once when the words and the choice disagree. */
export function wordingQuestion(query: 'ENDS' | 'REDUCES'): string {
  return `This reads as ${query === 'ENDS' ? 'ending' : 'reducing'} aftercare — is that what you mean?`;
}

/** The question the raise form asks once when its words read as ending aftercare and the ending subject is not chosen (R7.2). */
export const RAISE_ENDING_QUESTION = 'This reads as a dispute about ending aftercare — is that what you mean?';

/**
 * Do the words disagree with the choice? Only a prompt: it never decides what the record says, and a miss here cannot
 * end or reduce aftercare, because only the chosen effect does.
 */
export function wordingDisagrees(texts: (string | null | undefined)[], effect: AftercareEffect): 'ENDS' | 'REDUCES' | null {
  const all = texts.filter((t): t is string => !!t && !!t.trim());
  if (effect !== 'ENDS' && all.some((t) => readsAsEnding(t))) return 'ENDS';
  if (effect !== 'ENDS' && effect !== 'REDUCES' && all.some((t) => readsAsReducing(t))) return 'REDUCES';
  return null;
}

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?;\n])\s+|\n+/)
    .map((s) => ` ${s.toLowerCase().replace(/[’'`]/g, ' ').replace(/\bs\s*\.\s*117\b/g, 's117').replace(/[^a-z0-9]+/g, ' ').replace(/\s+/g, ' ')} `);
}

const S117_WHAT = String.raw`( aftercare| after care| duty| duties| entitlement| eligibility| status| package| funding| support| case)?`;
const S117 = String.raw`(section 117|s 117|s117|117)${S117_WHAT}|after ?care`;
const END_VERB = [
  String.raw`(discharg(e|es|ed|ing)|end(s|ed|ing)?|ceas(e|es|ed|ing)|terminat(e|es|ed|ing|ion)|clos(e|es|ed|ing|ure)|stop(s|ped|ping)?`,
  String.raw`|withdra(w|ws|wn|wing|wal)|remov(e|es|ed|ing|al)|laps(e|es|ed|ing)|finish(es|ed|ing)?|come(s)? to an end|brought to an end`,
  String.raw`|no longer (appl(y|ies)|required|needed|in place|continue(s)?))`,
].join('');
const NEGATION = /\b(not|no|never|n t|nor|without|no need to|cannot|can t|won t)( [a-z0-9]+){0,2} $/;
// "discharged from hospital", "after discharge": the usual, lawful, use of the word.
const HOSPITAL_DISCHARGE = /\b(after|on|upon|following|since|before|at|for|planned|hospital) discharg|discharg(e|ed|ing)( [a-z]+){0,2} from (hospital|the ward|the unit|detention|section [0-9]+ (?!17)|inpatient)|discharge (plan|planning|date|summary|meeting)/;

const ENDING_PATTERNS: RegExp[] = [
  // "section 117 has now been discharged", "aftercare will stop", "the s117 package will be closed"
  new RegExp(String.raw`\b(${S117})( [a-z0-9]+){0,3} ${END_VERB}\b`, 'g'),
  // "discharge her from section 117", "end his aftercare", "withdraw s117 entitlement"
  new RegExp(String.raw`\b${END_VERB}( [a-z0-9]+){0,2}( from| of| to)? (the |his |her |their |its |the person s )?(${S117})\b`, 'g'),
  // "no longer eligible for s117", "no longer needs aftercare", "not entitled to section 117 any more"
  new RegExp(String.raw`\bno longer( [a-z]+){0,2} (eligible|entitled|needs?|requires?|qualif(y|ies)|meets?)( [a-z]+){0,3} (${S117})\b`,
    'g'),
  /\b(aftercare|s117|section 117)( [a-z]+){0,3} (not|no longer) (continue|be provided|apply|be needed|be required)\b/g,
];

// Ending in substance, without naming Section 117: care cut to nothing, every service withdrawn, the package closed,
// nothing in its place. A reduction "to nothing" is an ending (R7.4), so it is asked about as one.
const CARE_WORD = String.raw`(aftercare|after care|services?|support|care|package|provision|hours|visits|placement)`;
const SUBSTANCE_PATTERNS: RegExp[] = [
  new RegExp(String.raw`\b(reduc(e|es|ed|ing)|cut(s|ting)?|taper(s|ed|ing)?|scal(e|es|ed|ing) (back|down)|step(s|ped)? down`
    + String.raw`|fall(s)?|go(es)?|come(s)? down)`
    // "the risk of readmission is reduced to nil": the risk, not the care.
    + String.raw`(?!( [a-z0-9]+){0,6} (risk|likelihood|chance|admission|readmission|deterioration|relapse))`
    + String.raw`( [a-z0-9]+){0,6} to (none|nothing|nil|zero|0)\b`, 'g'),
  new RegExp(String.raw`\bno (further|more|other|ongoing|longer any) (section 117 |s117 )?${CARE_WORD}( [a-z]+){0,3} `
    + String.raw`(will be|is|are|to be|would be|need to be|needs to be)( [a-z]+)? `
    + String.raw`(provided|needed|required|commissioned|funded|offered|in place)\b`
    // "no further services are needed beyond the current package": more is not needed, nothing ends.
    + String.raw`(?!( [a-z0-9]+){0,4} (beyond|besides|other than|apart from|on top of|in addition))`, 'g'),
  new RegExp(String.raw`\ball (of )?(his |her |their |the )?(aftercare |after care )?(services|support|care)( [a-z]+){0,3} `
    + String.raw`(withdrawn|end|ends|ended|stop|stops|stopped|cease|ceases|ceased|closed|close|terminated)\b`, 'g'),
  /\b(care|support|aftercare|s117|section 117) package( [a-z]+){0,3} (closed|ended|ends|withdrawn|stops|stopped|ceases|ceased|terminated)\b/g,
  /\b(nothing|no (replacement|alternative|other)( service| support| care| provision)?)( [a-z]+){0,3} (replaces|will replace|in its place|is commissioned|commissioned)\b/g,
  /\bdischarg(e|es|ed|ing)( [a-z0-9]+){0,5} from (section 117|s117|s 117|aftercare|after care)\b/g,
];

/** Text that reads as ending Section 117 aftercare, in the many ordinary ways it is written. */
export function readsAsEnding(text: string): boolean {
  if (endsAftercare(text)) return true;
  return sentences(text).some((s) => {
    if (SUBSTANCE_PATTERNS.some((re) => matchesUnnegated(s, re))) return true;
    if (HOSPITAL_DISCHARGE.test(s) && !/(from|of) (section 117|s117|s 117|aftercare)/.test(s)) return false;
    return ENDING_PATTERNS.some((re) => matchesUnnegated(s, re));
  });
}

const REDUCE_PATTERNS: RegExp[] = [
  /\b(reduc(e|es|ed|ing|tion|tions)|cut(s|ting)?( back| down)?|decreas(e|es|ed|ing)|scal(e|es|ed|ing) (back|down)|taper(s|ed|ing)?|step(s|ped|ping)? down|trim(s|med|ming)?|withdraw(s|n|ing)? (some|part))\b(?!( [a-z]+){0,3} (risk|likelihood|chance|readmission|admission|deterioration|relapse|distress|anxiety|isolation|need for))/g,
  /\b(fewer|less) (hours|visits|support|care|nights|days|sessions|staff|contact)\b/g,
];

/** Text that reads as cutting the care the person gets (not the risk they face). */
export function readsAsReducing(text: string): boolean {
  return sentences(text).some((s) => {
    if (REDUCE_PATTERNS.some((re) => matchesUnnegated(s, re))) return true;
    // "from 12 to 6 hours a week"
    const m = /\bfrom (\d+) (hours |visits |nights |days )?(down )?to (\d+) (hours|visits|nights|days)\b/.exec(s);
    return !!m && Number(m[4]) < Number(m[1]);
  });
}

// "aftercare does not end": a negation between the subject and the verb.
const INNER_NEGATION = /\b(not|never|n t|cannot|can t|won t|nor)\b/;

function matchesUnnegated(s: string, re: RegExp): boolean {
  const g = new RegExp(re.source, 'g');
  // A pattern that is itself a negation ("will not continue") is not undone by one.
  const inner = !INNER_NEGATION.test(re.source.replace(/\(not\|no longer\)/g, ''));
  for (let m = g.exec(s); m; m = g.exec(s)) {
    if (!NEGATION.test(s.slice(0, m.index)) && !(inner && INNER_NEGATION.test(m[0]))) return true;
    if (m[0].length === 0) g.lastIndex++;
  }
  return false;
}
