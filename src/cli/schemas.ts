import { z } from 'zod';
import { parseDate } from '../domain/date-input.ts';
import { cleanText } from '../domain/text-hygiene.ts';
import { CORRECTABLE_FIELDS } from '../domain/commands.ts';
import {
  AFTERCARE_EFFECTS, LEARNING_AREAS, NEEDS_BASES, CHC_STATUSES, COHORTS, ENDING_REASONS, EXTERNAL_ROUTES, PARTY_ROLES, PERSON_STEPS, SETTINGS, SUBJECTS, UNLAWFUL_GROUNDS,
} from '../domain/types.ts';

// The boundary schemas for commands typed by people (CLI files and JSON).
// The chat adapters build the same shapes from their forms.

// Hidden characters (bidi overrides, NUL, controls) are dropped before the text is stored or shown.
const text = (max = 4000) => z.string().overwrite((s) => cleanText(s)).trim().max(max, `must be under ${max} characters`);
const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { message: `must be one of ${values.join(', ')}` });

export const raiseSchema = z.object({
  subjects: z.array(oneOf(SUBJECTS)).min(1, 'choose at least one'),
  cohort: oneOf(COHORTS),
  setting: oneOf(SETTINGS),
  parties: z.array(z.object({ organisationId: z.string().min(1), role: oneOf(PARTY_ROLES) }).strict()).min(2, 'a dispute is between at least two organisations'),
  localCaseRef: text(100).min(1, 'is required: the local case number'),
  nhsNumber: z.string().trim().nullish(),
  namedProfessionals: z.array(z.string()).default([]),
  description: text().min(1, 'is required'),
  currentCare: text().min(1, 'is required'),
  careContinues: z.boolean({ message: 'must be true or false' }),
  endingProposal: z.boolean().default(false),
  citedGrounds: z.array(oneOf(UNLAWFUL_GROUNDS)).optional(),
  // Asked once (R7.2): the words read as ending aftercare, the ending subject is not chosen, and it is not about ending.
  wordingConfirmed: z.boolean().optional(),
}).strict();

const CLI_COMMANDS = [
  'TICK_CHECKLIST', 'ESCALATE', 'PROPOSE_DECISION', 'CONFIRM_DECISION', 'WITHDRAW_DECISION', 'REPORT_CARE_CHANGE', 'RECORD_EXTERNAL_ROUTE', 'UPDATE_CHC',
  'RECORD_CHC_ADJUSTMENT', 'CONFIRM_CHC_ADJUSTMENT', 'PERSON_STEP', 'DRAFT_LETTER', 'MARK_LETTER_SENT', 'REDRAFT_LETTER', 'ADD_THEME', 'REQUEST_LEGAL_ADVICE', 'RECOMPUTE_DEADLINE', 'CORRECT', 'REDACT',
  'ADD_PARTY', 'WITHDRAW_PARTY', 'RECORD_CARE_RESTORED', 'MOVE_TO_STAGE_3', 'STAGE_3_CANNOT_RESOLVE',
];

// The pattern first: it names the format in `dispute act --help`; the refinement then refuses dates that do not exist.
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-09').superRefine((s, ctx) => {
  const r = parseDate('date', s);
  if (!r.ok) ctx.addIssue({ code: 'custom', message: r.error.replace(/^date: /, '') });
});

export const commandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('TICK_CHECKLIST'), stage: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]), key: z.string(), ticked: z.boolean().default(true) }).strict(),
  z.object({ type: z.literal('ESCALATE'), reason: text() }).strict(),
  z.object({
    type: z.literal('PROPOSE_DECISION'),
    input: z.object({
      outcome: oneOf(['AGREEMENT', 'DECISION', 'ESCALATE', 'WRITTEN_DECISION', 'END_AFTERCARE'] as const),
      // What it does to aftercare, and on what needs-led basis: required choices, never read from the words.
      effect: z.enum(AFTERCARE_EFFECTS, { message: `is required: what the decision does to aftercare, one of ${AFTERCARE_EFFECTS.join(', ')}` }),
      basis: z.array(oneOf(NEEDS_BASES), { message: `is required: a list of one or more of ${NEEDS_BASES.join(', ')}` })
        .min(1, `choose at least one of ${NEEDS_BASES.join(', ')} (cost, budget or commissioning cannot be a basis)`),
      payers: z.array(z.object({ organisationId: z.string().min(1), share: text(3000).min(1, 'is required: its share or element') }).strict()).optional(),
      effectiveFrom: date.nullish(), wordingConfirmed: z.boolean().optional(),
      summary: text(), basisNeed: text(), basisTests: text(), basisRisk: text(),
      funding: text().nullish(), commissioning: text().nullish(), interimFunding: text().nullish(),
      endingReason: oneOf(ENDING_REASONS).nullish(), jointAssessment: text().nullish(),
      // R7.1: an ending's joint assessment as facts: when, every party organisation that took part, and the person.
      jointAssessedOn: date.nullish(), jointAssessmentOrganisations: z.array(z.string().min(1)).optional(),
      personInvolved: z.boolean({ message: 'must be true or false' }).nullish(), personNotInvolvedReason: text().nullish(),
      citedGrounds: z.array(oneOf(UNLAWFUL_GROUNDS)).optional(), sourceMessage: text().nullish(),
    }).strict(),
  }).strict(),
  z.object({ type: z.literal('CONFIRM_DECISION'), seq: z.number().int().positive(), organisationId: z.string() }).strict(),
  z.object({ type: z.literal('WITHDRAW_DECISION'), seq: z.number().int().positive(), reason: text() }).strict(),
  z.object({ type: z.literal('REPORT_CARE_CHANGE'), change: oneOf(['DELAYED', 'REDUCED', 'WITHDRAWN'] as const), detail: text() }).strict(),
  z.object({ type: z.literal('RECORD_EXTERNAL_ROUTE'), route: oneOf(EXTERNAL_ROUTES), note: text().nullable().default(null) }).strict(),
  z.object({ type: z.literal('UPDATE_CHC'), status: oneOf(CHC_STATUSES), referralDate: date.nullable().default(null), decisionDate: date.nullable().default(null) }).strict(),
  z.object({ type: z.literal('RECORD_CHC_ADJUSTMENT'), effectiveDate: date, parties: z.array(z.string()), amountOrShare: text(), personNotPenalised: z.boolean() }).strict(),
  z.object({ type: z.literal('CONFIRM_CHC_ADJUSTMENT'), seq: z.number().int().min(1), organisationId: z.string() }).strict(),
  z.object({ type: z.literal('PERSON_STEP'), step: oneOf(PERSON_STEPS), note: text().nullable().default(null), notAppropriate: z.boolean().optional() }).strict(),
  z.object({ type: z.literal('DRAFT_LETTER'), decisionSeq: z.number().int().positive() }).strict(),
  z.object({ type: z.literal('MARK_LETTER_SENT'), seq: z.number().int().positive() }).strict(),
  z.object({ type: z.literal('REDRAFT_LETTER'), seq: z.number().int().positive() }).strict(),
  z.object({ type: z.literal('ADD_THEME'), theme: text(80), areas: z.array(oneOf(LEARNING_AREAS)).min(1) }).strict(),
  z.object({ type: z.literal('REQUEST_LEGAL_ADVICE'), reason: text() }).strict(),
  z.object({ type: z.literal('RECOMPUTE_DEADLINE'), reason: text() }).strict(),
  z.object({
    type: z.literal('CORRECT'), field: oneOf(CORRECTABLE_FIELDS),
    // The domain checks the value against the field (text, NHS number, option values, party roles).
    value: z.union([text(), z.null(), z.array(oneOf(SUBJECTS)), z.array(z.object({ organisationId: z.string().min(1), role: oneOf(PARTY_ROLES) }).strict())]),
    reason: text().min(1, 'is required: why the record is corrected'), correctsSeq: z.number().int().positive(),
    // R11.1: also remove the wrong value from the history (its digest stays; the removal is recorded with the reason).
    redact: z.boolean().optional(),
    // Asked once: the new text reads as ending aftercare, and the person says that is what they mean.
    wordingConfirmed: z.boolean().optional(),
  }).strict(),
  z.object({ type: z.literal('REDACT'), entry: z.number().int().positive(), reason: text().min(1, 'is required: why it is removed') }).strict(),
  z.object({ type: z.literal('ADD_PARTY'), organisationId: z.string().min(1), role: oneOf(PARTY_ROLES), reason: text().min(1, 'is required') }).strict(),
  z.object({ type: z.literal('WITHDRAW_PARTY'), organisationId: z.string().min(1), reason: text().min(1, 'is required') }).strict(),
  z.object({ type: z.literal('RECORD_CARE_RESTORED'), detail: text().min(1, 'is required: what care was restored, and when') }).strict(),
  z.object({ type: z.literal('MOVE_TO_STAGE_3'), reason: text().min(1, 'is required') }).strict(),
  z.object({ type: z.literal('STAGE_3_CANNOT_RESOLVE'), reason: text().min(1, 'is required') }).strict(),
], { message: `type must be one of ${CLI_COMMANDS.join(', ')}` });

/** "parties[1].role: must be one of …", one per line. */
export function zodProblems(e: z.ZodError): string {
  return e.issues.map((i) => `  ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`).join('\n');
}
