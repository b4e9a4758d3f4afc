import { z } from 'zod';
import type { Command, ProposeDecisionInput, RaiseInput } from '../../domain/commands.ts';
import { STAGE_OUTCOMES } from '../../domain/stage-policy.ts';
import {
  COHORT_TEXT, ENDING_REASON_TEXT, OUTCOME_TEXT, ROUTE_TEXT, SETTING_TEXT, SUBJECT_TEXT,
} from '../../domain/texts.ts';
import {
  COHORTS, ENDING_REASONS, EXTERNAL_ROUTES, SETTINGS, SUBJECTS, UNLAWFUL_GROUNDS,
  type DecisionOutcome, type Directory, type Dispute, type Person,
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
});

const decisionSchema = z.object({
  outcome: z.string().max(40),
  summary: text(), basisNeed: text(), basisTests: text(), basisRisk: text(),
  funding: text(), commissioning: text(), interimFunding: text(),
  endingReason: optionalOne(ENDING_REASONS, 'why aftercare would end'),
  jointAssessment: text(),
});

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

type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

function parse<S extends z.ZodType>(schema: S, values: FormValues): Parsed<z.infer<S>> {
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
      description: v.description, currentCare: v.currentCare, careContinues: v.continuity !== 'no', endingProposal: v.ending,
      citedGrounds: v.grounds,
    },
  };
}

/** Which form field a domain refusal belongs on. */
export const DOMAIN_FIELD: Record<string, string> = { namedProfessionals: 'professionals' };

/** The command a (non-raise) form submits, or the fields that are wrong. */
export function formCommand(
  form: Exclude<FormName, 'raise'>, values: FormValues, d: Dispute, meta: { n?: number; source?: string | null }, dir: Directory,
): Parsed<Command> {
  if (isSimpleForm(form)) return simpleFormCommand(form, values, d, dir);
  switch (form) {
    case 'decision': {
      const r = parse(decisionSchema, values);
      if (!r.ok) return r;
      const v = r.value;
      const spec = decisionFormSpec(d);
      const outcome = spec.outcomes.find((o) => o.value === v.outcome)?.value as DecisionOutcome | undefined;
      if (!outcome) return { ok: false, errors: { outcome: 'Choose an outcome from the list.' } };
      const input: ProposeDecisionInput = {
        outcome, summary: v.summary, basisNeed: v.basisNeed, basisTests: v.basisTests, basisRisk: v.basisRisk,
        funding: v.funding || null, commissioning: v.commissioning || null, interimFunding: v.interimFunding || null,
        endingReason: spec.endingFields ? v.endingReason : null, jointAssessment: spec.endingFields ? v.jointAssessment || null : null,
        sourceMessage: meta.source ?? null,
      };
      return { ok: true, value: { type: 'PROPOSE_DECISION', input } };
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

/** What the decision form asks at this dispute's stage; adapters draw it without knowing stages. */
export function decisionFormSpec(d: Dispute): {
  d: string; reference: string; title: string; outcomes: Option[]; fundingRequired: boolean; endingFields: boolean; endingReasons: Option[];
} {
  const senior = d.stage >= 3;
  return {
    d: d.id, reference: d.reference, title: `${d.reference}, Stage ${d.stage}`,
    outcomes: options(STAGE_OUTCOMES[d.stage], OUTCOME_TEXT),
    // R5.6: a written decision at Stage 3 or 4 states funding and commissioning.
    fundingRequired: senior, endingFields: senior, endingReasons: options(ENDING_REASONS, ENDING_REASON_TEXT),
  };
}

/** The raise form's option lists, the same on every platform. */
export function raiseFormSpec(dir: Directory): Record<'subjects' | 'cohorts' | 'settings' | 'organisations' | 'grounds', Option[]> {
  return {
    subjects: options(SUBJECTS, SUBJECT_TEXT), cohorts: options(COHORTS, COHORT_TEXT), settings: options(SETTINGS, SETTING_TEXT),
    organisations: dir.organisations.map((o) => ({ value: o.id, label: o.name })), grounds: options(UNLAWFUL_GROUNDS, GROUND_TEXT),
  };
}

export const ROUTE_OPTIONS: Option[] = options(EXTERNAL_ROUTES, ROUTE_TEXT);
export const CARE_CHANGE_OPTIONS: Option[] = [
  { value: 'DELAYED', label: 'Delayed' }, { value: 'REDUCED', label: 'Reduced' }, { value: 'WITHDRAWN', label: 'Withdrawn' },
];
