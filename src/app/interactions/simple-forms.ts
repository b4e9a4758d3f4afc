import { z } from 'zod';
import { CORRECTABLE_FIELDS, type Command, type CorrectableField } from '../../domain/commands.ts';
import { activePartyIds } from '../../domain/guards.ts';
import { COHORT_TEXT, PARTY_ROLE_TEXT, SETTING_TEXT, SUBJECT_TEXT } from '../../domain/texts.ts';
import { COHORTS, PARTY_ROLES, SETTINGS, SUBJECTS, type Directory, type Dispute } from '../../domain/types.ts';
import type { FieldErrors, FormValues, Option } from './forms.ts';

/**
 * The small forms (a reason, an organisation, a choice) described once as
 * data, so every platform draws them the same way without knowing what they
 * do: adapters render `fields` and send the values back.
 */
export const SIMPLE_FORMS = ['add-party', 'withdraw-party', 'care-restored', 'advocacy-na', 'correct', 'cannot-resolve'] as const;
export type SimpleFormName = (typeof SIMPLE_FORMS)[number];
export const isSimpleForm = (f: string): f is SimpleFormName => (SIMPLE_FORMS as readonly string[]).includes(f);

export interface FieldSpec { id: string; label: string; required: boolean; multiline: boolean; options?: Option[]; hint?: string }
export interface SimpleFormSpec {
  form: SimpleFormName;
  /** What the form does and on which dispute (the reference in full). */
  title: string;
  /** What the form does, in a few words: fits a title bar as short as Slack's (24 characters). */
  heading: string;
  intro: string | null; submit: string; fields: FieldSpec[];
}

const FIELD_TEXT: Record<CorrectableField, string> = {
  subjects: 'What the disagreement is about', parties: "The parties' roles", cohort: 'Who the person is', setting: 'Where the person is',
  localCaseRef: 'Local case number', nhsNumber: 'NHS number',
  description: 'What the organisations disagree about', currentCare: 'The care at raising',
};
const opts = <K extends string>(keys: readonly K[], text: Record<K, string>): Option[] => keys.map((k) => ({ value: k, label: text[k] }));
const reasonField = (label: string): FieldSpec => ({ id: 'reason', label, required: true, multiline: true });
const orgName = (dir: Directory, id: string) => dir.organisations.find((o) => o.id === id)?.name ?? id;

/** What a small form asks on this dispute now. */
export function simpleFormSpec(form: SimpleFormName, d: Dispute, dir: Directory): SimpleFormSpec {
  const ref = d.reference;
  const active = activePartyIds(d);
  switch (form) {
    case 'add-party': return {
      form, title: `Add a party to ${ref}`, heading: 'Add a party', submit: 'Add',
      intro: "The organisation's people for this stage are invited.",
      fields: [
        { id: 'organisationId', label: 'Organisation', required: true, multiline: false,
          options: dir.organisations.filter((o) => !active.includes(o.id)).map((o) => ({ value: o.id, label: o.name })) },
        {
          id: 'role', label: 'Its part in the dispute', required: true, multiline: false,
          options: opts(PARTY_ROLES.filter((r) => r !== 'RAISING'), PARTY_ROLE_TEXT),
        },
        reasonField('Why is it joining?'),
      ],
    };
    case 'withdraw-party': return {
      form, title: `Withdraw a party from ${ref}`, heading: 'Withdraw a party', submit: 'Withdraw',
      intro: 'The ICB and the Local Authority always stay.',
      fields: [
        {
          id: 'organisationId', label: 'Organisation', required: true, multiline: false,
          options: active.map((o) => ({ value: o, label: orgName(dir, o) })),
        },
        reasonField('Why is it withdrawing?'),
      ],
    };
    case 'care-restored': return {
      form, title: `Care restored — ${ref}`, heading: 'Care restored', submit: 'Record',
      intro: 'This closes the open continuity-of-care alert; both stay in the history.',
      fields: [{ id: 'detail', label: 'What care was restored, by whom, and since when?', required: true, multiline: true }],
    };
    case 'advocacy-na': return {
      form, title: `Advocacy — ${ref}`, heading: 'Advocacy', submit: 'Record',
      intro: 'Advocacy not appropriate counts as done, with the reason.',
      fields: [{ id: 'note', label: 'Why is advocacy not appropriate?', required: true, multiline: true }],
    };
    case 'correct': return {
      form, title: `Correct the record — ${ref}`, heading: 'Correct the record', submit: 'Correct',
      intro: 'The correction is a new entry; what it corrects stays in the history.',
      fields: [
        { id: 'field', label: 'What to correct', required: true, multiline: false, options: opts(CORRECTABLE_FIELDS, FIELD_TEXT) },
        { id: 'value', label: 'The correct value', required: false, multiline: true,
          hint: 'Lists: separate with commas. Parties: organisation id: role, for each party. Leave empty to remove an NHS number.' },
        reasonField('Why is it being corrected?'),
        // Asked once when the new text reads as ending aftercare (R7.x): the answer goes on the record.
        {
          id: 'wordingConfirmed', label: 'If the new text reads as ending aftercare: is that what you mean?',
          required: false, multiline: false,
          options: [{ value: 'yes', label: 'Yes, the record should say this' }],
        },
      ],
    };
    case 'cannot-resolve': return {
      form, title: `Stage 3 cannot resolve ${ref}`, heading: 'Stage 3 cannot resolve', submit: 'Record',
      intro: 'External escalation opens when every party records this, or when Stage 3 is overdue.',
      fields: [reasonField('Why can Stage 3 not resolve it?')],
    };
  }
}

const text = z.preprocess((v) => (v == null ? '' : v), z.string().max(3000, 'Keep this under 3000 characters.'))
  .transform((s) => s.trim());
type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** A chosen code, or its label as typed (any case): what a person writes into a correction. */
function code<K extends string>(keys: readonly K[], labels: Record<K, string>, typed: string): K | string {
  const t = typed.trim().toLowerCase();
  return keys.find((k) => k.toLowerCase() === t || labels[k].toLowerCase() === t) ?? typed.trim();
}

function correctedValue(field: CorrectableField, raw: string): unknown {
  const items = raw.split(',').map((x) => x.trim()).filter(Boolean);
  switch (field) {
    case 'subjects': return items.map((x) => code(SUBJECTS, SUBJECT_TEXT, x));
    case 'cohort': return code(COHORTS, COHORT_TEXT, raw);
    case 'setting': return code(SETTINGS, SETTING_TEXT, raw);
    case 'parties': return items.map((x) => {
      const [organisationId = '', role = ''] = x.split(':').map((y) => y.trim());
      return { organisationId, role: role.toUpperCase() };
    });
    case 'nhsNumber': return raw || null;
    default: return raw;
  }
}

/** The command a small form submits; options are checked against the lists the form offered. */
export function simpleFormCommand(form: SimpleFormName, values: FormValues, d: Dispute, dir: Directory): Parsed<Command> {
  const spec = simpleFormSpec(form, d, dir);
  const v: Record<string, string> = {};
  const errors: FieldErrors = {};
  for (const f of spec.fields) {
    const r = text.safeParse(Array.isArray(values[f.id]) ? (values[f.id] as unknown[]).join(',') : values[f.id]);
    if (!r.success) { errors[f.id] = r.error.issues[0]!.message; continue; }
    v[f.id] = r.data;
    // An optional choice left empty is no answer, not a wrong one.
    const chosen = f.options && (r.data || f.required);
    if (chosen && !f.options!.some((o) => o.value === r.data)) errors[f.id] = `Choose ${f.label.toLowerCase()} from the list.`;
    else if (f.required && !r.data) errors[f.id] = `${f.label}: this is required.`;
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const cmd = ((): Command => {
    switch (form) {
      case 'add-party':
        return { type: 'ADD_PARTY', organisationId: v.organisationId!, role: v.role as (typeof PARTY_ROLES)[number], reason: v.reason! };
      case 'withdraw-party': return { type: 'WITHDRAW_PARTY', organisationId: v.organisationId!, reason: v.reason! };
      case 'care-restored': return { type: 'RECORD_CARE_RESTORED', detail: v.detail! };
      case 'advocacy-na': return { type: 'PERSON_STEP', step: 'ADVOCACY_OFFERED', note: v.note!, notAppropriate: true };
      case 'correct': {
        const field = v.field as CorrectableField;
        // A correction points at the entry that recorded the field: the raising, the first entry of the history.
        return {
          type: 'CORRECT', field, value: correctedValue(field, v.value!), reason: v.reason!, correctsSeq: 1,
          ...(v.wordingConfirmed === 'yes' ? { wordingConfirmed: true } : {}),
        };
      }
      case 'cannot-resolve': return { type: 'STAGE_3_CANNOT_RESOLVE', reason: v.reason! };
    }
  })();
  return { ok: true, value: cmd };
}
