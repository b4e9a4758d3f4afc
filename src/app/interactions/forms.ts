import { z } from 'zod';
import type { Command, ProposeDecisionInput, RaiseInput } from '../../domain/commands.ts';
import { BASIS_TEXT, EFFECT_TEXT, effectsFor, LAWFUL_ENDING_REASONS } from '../../domain/aftercare-effect.ts';
import { activePartyIds } from '../../domain/guards.ts';
import { DEFAULT_POLICY, STAGE_OUTCOMES, type Policy } from '../../domain/stage-policy.ts';
import {
  COHORT_TEXT, ENDING_REASON_TEXT, OUTCOME_TEXT, ROUTE_TEXT, SETTING_TEXT, SUBJECT_TEXT,
} from '../../domain/texts.ts';
import {
  COHORTS, ENDING_REASONS, EXTERNAL_ROUTES, NEEDS_BASES, SETTINGS, SUBJECTS, UNLAWFUL_GROUNDS,
  type AftercareEffect, type DecisionOutcome, type Directory, type Dispute, type Payer, type Person,
} from '../../domain/types.ts';
import { GROUND_TEXT } from '../../domain/unlawful-grounds.ts';
import { isSimpleForm, simpleFormCommand, type SimpleFormName } from './simple-forms.ts';

/**
 * Every form a person submits, on every platform: one zod schema per form
 * that checks each option against its list (a forged value never reaches
 * the register) and names the field that is wrong. Platforms send a flat
 * record: field id → text, or a list of chosen values (Teams sends lists as
 * "a,b").
 */
export type FormValues = Record<string, unknown>;
export type FieldErrors = Record<string, string>;
export type FormName = 'raise' | 'decision' | 'escalate' | 'care-change' | 'external' | 'letter' | SimpleFormName;

const text = (max = 3000) => z.preprocess((v) => (v == null ? '' : v), z.string().max(max, `Keep this under ${max} characters.`))
  .transform((s) => s.trim());
const list = <T extends string>(values: readonly [T, ...T[]], what: string) => z.preprocess(
  (v) => (v == null || v === '' ? [] : typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter(Boolean) : v),
  z.array(z.enum(values, { error: `Choose ${what} from the list.` })).max(values.length),
);
const one = <T extends string>(values: readonly [T, ...T[]], what: string, fallback?: T) => z.preprocess(
  (v) => (v == null || v === '' ? fallback : v),
  z.enum(values, { error: `Choose ${what} from the list.` }),
);
const optionalOne = <T extends string>(values: readonly [T, ...T[]], what: string) => z.preprocess(
  (v) => (v == null || v === '' ? null : v),
  z.enum(values, { error: `Choose ${what} from the list.` }).nullable(),
);
const ids = z.preprocess(
  (v) => (v == null || v === '' ? [] : typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter(Boolean) : v),
  z.array(z.string().min(1).max(120)).max(100),
);

const raiseSchema = z.object({
  subjects: list(SUBJECTS, 'what the disagreement is about'),
  cohort: one(COHORTS, 'who the person is', 'ADULT'),
  setting: one(SETTINGS, 'where they are', 'COMMUNITY'),
  parties: ids,
  localCaseRef: text(100),
  nhsNumber: text(20),
  professionals: ids,
  description: text(),
  currentCare: text(),
  continuity: one(['yes', 'no'] as const, 'whether care continues', 'yes'),
  ending: z.preprocess((v) => (Array.isArray(v) ? v.includes('ending') : v === true || v === 'true' || v === 'ending'), z.boolean()),
  grounds: list(UNLAWFUL_GROUNDS, 'the reasons'),
  // R7.2: the answer to the one question asked when the words read as ending aftercare (RAISE_WORDING_ANSWERS).
  wordingConfirmed: optionalOne(['ending', 'as-chosen'] as const, 'an answer to the question about ending aftercare'),
});

const yes = z.preprocess((v) => (Array.isArray(v) ? v.includes('yes') : v === true || v === 'true' || v === 'yes'), z.boolean());

const decisionSchema = z.object({
  outcome: z.string().max(40),
  effect: z.preprocess((v) => (v == null ? '' : v), z.string().max(40)),
  basis: list(NEEDS_BASES, 'the basis'),
  effectiveFrom: text(20),
  summary: text(), basisNeed: text(), basisTests: text(), basisRisk: text(),
  funding: text(), commissioning: text(), interimFunding: text(),
  endingReason: optionalOne(ENDING_REASONS, 'why aftercare would end'),
  jointAssessment: text(),
  // R7.1: the joint assessment's facts (an ending). An unanswered yes/no stays null, for the domain to ask.
  jointAssessedOn: text(20),
  jointAssessmentOrganisations: ids,
  personInvolved: z.preprocess((v) => (Array.isArray(v) ? v[0] : v) ?? '', z.enum(['', 'yes', 'no'], { error: 'Choose yes or no.' }))
    .transform((v) => (v === '' ? null : v === 'yes')),
  personNotInvolvedReason: text(),
  wordingConfirmed: yes,
});

/** The form field for what one party organisation pays. */
export const payerField = (organisationId: string) => `pay:${organisationId}`;

const escalateSchema = z.object({ reason: text() });
const careSchema = z.object({ change: one(['DELAYED', 'REDUCED', 'WITHDRAWN'] as const, 'what happened to the care'), detail: text() });
const externalSchema = z.object({ route: one(EXTERNAL_ROUTES, 'where to escalate'), note: text() });

function issues(e: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const i of e.issues) {
    const field = String(i.path[0] ?? 'form');
    out[field] ??= i.message;
  }
  return out;
}

/**
 * A form checked: its value, or the fields that are wrong, with (where the rest could still be read) the command as
 * far as it goes, so the domain can be asked without acting what else it would refuse.
 */
type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors; partial?: T };

function parse<S extends z.ZodType>(schema: S, values: FormValues): { ok: true; value: z.infer<S> } | { ok: false; errors: FieldErrors } {
  const r = schema.safeParse(values ?? {});
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: issues(r.error) };
}

/** The raise form, checked: the actor's own organisation raises; the others respond. */
export function raiseInput(values: FormValues, me: Person, dir: Directory): Parsed<RaiseInput> {
  const r = parse(raiseSchema, values);
  if (!r.ok) return r;
  const v = r.value;
  const errors: FieldErrors = {};
  const orgIds = new Set(dir.organisations.map((o) => o.id));
  const others = [...new Set(v.parties.filter((o) => o !== me.organisationId))];
  if (others.some((o) => !orgIds.has(o))) errors.parties = 'Choose the organisations from the list.';
  else if (!others.length) errors.parties = 'Choose the other organisation(s): a dispute is between at least two.';
  if (v.professionals.some((p) => !dir.people.some((x) => x.id === p))) {
    errors.professionals = 'Someone you chose is not in the Section 117 directory. Remove them, or ask your administrator to add them.';
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      subjects: v.subjects, cohort: v.cohort, setting: v.setting,
      parties: [
        { organisationId: me.organisationId, role: 'RAISING' },
        ...others.map((o) => ({ organisationId: o, role: 'RESPONDING' as const })),
      ],
      localCaseRef: v.localCaseRef, nhsNumber: v.nhsNumber || null, namedProfessionals: [...new Set(v.professionals)],
      description: v.description, currentCare: v.currentCare, careContinues: v.continuity !== 'no',
      // "Yes, it is about ending" is the ending subject chosen (R7.2: straight to Stage 3); "no" raises it as chosen.
      endingProposal: v.ending || v.wordingConfirmed === 'ending',
      ...(v.wordingConfirmed === 'as-chosen' ? { wordingConfirmed: true } : {}),
      citedGrounds: v.grounds,
    },
  };
}

/** Which form field a domain refusal belongs on. */
export const DOMAIN_FIELD: Record<string, string> = { namedProfessionals: 'professionals' };

/** The command a (non-raise) form submits, or the fields that are wrong. */
export function formCommand(
  form: Exclude<FormName, 'raise'>, values: FormValues, d: Dispute,
  meta: { n?: number; source?: string | null; viewer?: Person | null; policy?: Policy }, dir: Directory,
): Parsed<Command> {
  if (isSimpleForm(form)) return simpleFormCommand(form, values, d, dir);
  switch (form) {
    case 'decision': {
      const r = parse(decisionSchema, values);
      if (!r.ok) return r;
      const v = r.value;
      const spec = decisionFormSpec(d, meta.viewer ?? null, meta.policy ?? DEFAULT_POLICY, dir);
      // Every choice is checked before any is refused, so the form names all the wrong ones at once.
      const errors: FieldErrors = {};
      const outcome = spec.outcomes.find((o) => o.value === v.outcome)?.value as DecisionOutcome | undefined;
      if (!outcome) errors.outcome = 'Choose an outcome from the list.';
      // Only the effects offered to this person at this stage can be chosen (the domain checks again).
      const effect = spec.effects.find((o) => o.value === v.effect)?.value as AftercareEffect | undefined;
      if (!effect) errors.effect = 'Choose what the decision does to aftercare from the list.';
      if (!v.basis.length) errors.basis = 'Choose at least one basis: assessed need, the statutory tests, or the risk.';
      const payers: Payer[] = [];
      for (const o of spec.payers) {
        const share = typeof values[payerField(o.value)] === 'string' ? (values[payerField(o.value)] as string).trim().slice(0, 3000) : '';
        if (share) payers.push({ organisationId: o.value, share });
      }
      const input: ProposeDecisionInput = {
        // An ending is one outcome: choosing "ends" at Stage 3 makes the written decision the ending decision.
        outcome: effect === 'ENDS' ? 'END_AFTERCARE' : outcome ?? ('' as DecisionOutcome), effect: effect ?? ('' as AftercareEffect), basis: v.basis, payers, effectiveFrom: v.effectiveFrom || null,
        wordingConfirmed: v.wordingConfirmed,
        summary: v.summary, basisNeed: v.basisNeed, basisTests: v.basisTests, basisRisk: v.basisRisk,
        funding: v.funding || null, commissioning: v.commissioning || null, interimFunding: v.interimFunding || null,
        endingReason: spec.endingFields ? v.endingReason : null, jointAssessment: spec.endingFields ? v.jointAssessment || null : null,
        ...(spec.endingFields ? {
          jointAssessedOn: v.jointAssessedOn || null, jointAssessmentOrganisations: v.jointAssessmentOrganisations,
          personInvolved: v.personInvolved, personNotInvolvedReason: v.personNotInvolvedReason || null,
        } : {}),
        sourceMessage: meta.source ?? null,
      };
      const cmd: Command = { type: 'PROPOSE_DECISION', input };
      return Object.keys(errors).length ? { ok: false, errors, partial: cmd } : { ok: true, value: cmd };
    }
    case 'escalate': {
      const r = parse(escalateSchema, values);
      return r.ok ? { ok: true, value: { type: 'ESCALATE', reason: r.value.reason } } : r;
    }
    case 'care-change': {
      const r = parse(careSchema, values);
      return r.ok ? { ok: true, value: { type: 'REPORT_CARE_CHANGE', change: r.value.change, detail: r.value.detail } } : r;
    }
    case 'external': {
      const r = parse(externalSchema, values);
      return r.ok ? { ok: true, value: { type: 'RECORD_EXTERNAL_ROUTE', route: r.value.route, note: r.value.note || null } } : r;
    }
    case 'letter':
      return { ok: true, value: { type: 'MARK_LETTER_SENT', seq: meta.n ?? 0 } };
  }
}

export interface Option { value: string; label: string }
const options = <K extends string>(keys: readonly K[], text: Record<K, string>): Option[] =>
  keys.map((k) => ({ value: k, label: text[k] }));

/** What the decision form asks at this dispute's stage, of this person; adapters draw it without knowing stages or roles. */
export interface DecisionFormSpec {
  d: string; reference: string; title: string; outcomes: Option[];
  /** R7.x: what the decision does to aftercare; "ends" only at Stage 3 and only for a senior officer. */
  effects: Option[];
  /** R3.3: the needs-led grounds; nothing about cost is offered. */
  bases: Option[];
  /** One "what it pays" field per party organisation (field id: `payerField(value)`). */
  payers: Option[];
  fundingRequired: boolean; endingFields: boolean; endingReasons: Option[];
  /** R7.1 (with endingFields): the party organisations that can be chosen as taking part in the joint assessment. */
  assessmentOrganisations: Option[];
}

export function decisionFormSpec(d: Dispute, viewer: Person | null, policy: Policy, dir: Directory): DecisionFormSpec {
  const senior = d.stage >= 3;
  const orgName = (id: string) => dir.organisations.find((o) => o.id === id)?.name ?? id;
  const effects = effectsFor(policy, d.stage, viewer);
  return {
    d: d.id, reference: d.reference, title: `${d.reference}, Stage ${d.stage}`,
    // The ending outcome is chosen as the effect "ends", so it is not offered twice.
    outcomes: options(STAGE_OUTCOMES[d.stage].filter((o) => o !== 'END_AFTERCARE'), OUTCOME_TEXT),
    effects: options(effects, EFFECT_TEXT), bases: options(NEEDS_BASES, BASIS_TEXT),
    payers: activePartyIds(d).map((o) => ({ value: o, label: orgName(o) })),
    assessmentOrganisations: activePartyIds(d).map((o) => ({ value: o, label: orgName(o) })),
    // R5.6: a written decision at Stage 3 or 4 states funding and commissioning.
    fundingRequired: senior, endingFields: senior && effects.includes('ENDS'), endingReasons: options(LAWFUL_ENDING_REASONS, ENDING_REASON_TEXT),
  };
}

/** The raise form's option lists, the same on every platform. */
export function raiseFormSpec(dir: Directory): Record<'subjects' | 'cohorts' | 'settings' | 'organisations' | 'grounds', Option[]> {
  return {
    subjects: options(SUBJECTS, SUBJECT_TEXT), cohorts: options(COHORTS, COHORT_TEXT), settings: options(SETTINGS, SETTING_TEXT),
    organisations: dir.organisations.map((o) => ({ value: o.id, label: o.name })), grounds: options(UNLAWFUL_GROUNDS, GROUND_TEXT),
  };
}

export { RAISE_ENDING_QUESTION } from '../../domain/aftercare-effect.ts';
/**
 * R7.2: the answers to the raise form's one question (`RAISE_ENDING_QUESTION`), drawn only once the words were read
 * as ending aftercare without the ending subject; the same on every platform (field `wordingConfirmed`).
 */
export const RAISE_WORDING_ANSWERS: Option[] = [
  { value: 'ending', label: 'Yes: it is about ending Section 117 aftercare (it starts at Stage 3)' },
  { value: 'as-chosen', label: 'No: raise it as I chose (the record keeps this question and answer)' },
];

/** R7.1: whether the person (or their representative) took part in an ending's joint assessment. */
export const PERSON_INVOLVED_OPTIONS: Option[] = [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }];
export const ROUTE_OPTIONS: Option[] = options(EXTERNAL_ROUTES, ROUTE_TEXT);
export const CARE_CHANGE_OPTIONS: Option[] = [
  { value: 'DELAYED', label: 'Delayed' }, { value: 'REDUCED', label: 'Reduced' }, { value: 'WITHDRAWN', label: 'Withdrawn' },
];
