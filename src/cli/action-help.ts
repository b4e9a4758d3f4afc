import type { z } from 'zod';
import { commandSchema } from './schemas.ts';

// `s117 dispute act --help`: every action and its fields, read from the same
// zod schemas that check the input, so the help can never drift from them.

interface Def {
  type: string; innerType?: { def: Def }; element?: { def: Def }; options?: { def: Def }[] | unknown; entries?: Record<string, string>;
  values?: unknown[]; shape?: Record<string, { def: Def }>; defaultValue?: unknown; checks?: unknown[] }

const WHAT: Record<string, string> = {
  TICK_CHECKLIST: 'tick (or untick) an item on a stage\'s checklist',
  ESCALATE: 'move the dispute to the next stage now, with a reason',
  PROPOSE_DECISION: 'propose an agreement or decision; it takes effect when every party confirms. An ending (effect ENDS, Stage 3) '
    + 'records its joint assessment: jointAssessedOn, jointAssessmentOrganisations (every party), personInvolved '
    + '(false needs personNotInvolvedReason) and jointAssessment (what it found)',
  CONFIRM_DECISION: 'confirm a proposed decision for your organisation',
  WITHDRAW_DECISION: 'withdraw a proposed decision',
  REPORT_CARE_CHANGE: 'report that care is delayed, reduced or withdrawn (alerts the senior officers)',
  RECORD_EXTERNAL_ROUTE: 'record escalation outside the partnership (Stage 3 onwards)',
  UPDATE_CHC: 'update the NHS Continuing Healthcare track',
  RECORD_CHC_ADJUSTMENT: 'record a retrospective funding adjustment after a CHC decision; it holds once every party confirms it',
  CONFIRM_CHC_ADJUSTMENT: 'confirm a CHC funding adjustment for your organisation',
  PERSON_STEP: 'record a step with the person (informed, reassured, explained, advocacy offered)',
  DRAFT_LETTER: 'draft the plain-English letter to the person about a decision',
  MARK_LETTER_SENT: 'mark a reviewed letter as sent',
  REDRAFT_LETTER: 'draft a letter again from the record as it is now (when marking it sent was refused)',
  ADD_THEME: 'tag the dispute with a theme for the Partnership Board',
  REQUEST_LEGAL_ADVICE: 'record that legal advice was asked for',
  RECOMPUTE_DEADLINE: 'recompute the current stage\'s deadline (after a closure day was added)',
  CORRECT: 'correct any field recorded at raising, with a reason, pointing at a history entry (the history keeps both); '
    + 'a care or description that reads as ending aftercare asks once: confirm with "wordingConfirmed": true',
  ADD_PARTY: 'add an organisation as a party, with a reason; its people for the current stage are invited',
  WITHDRAW_PARTY: 'withdraw a party, with a reason (the ICB and the Local Authority always stay)',
  RECORD_CARE_RESTORED: 'record that care was restored; closes the continuity-of-care alert',
  MOVE_TO_STAGE_3: 'move the dispute straight to Stage 3, where only an ending of aftercare can be decided',
  STAGE_3_CANNOT_RESOLVE: 'as a senior officer, record that Stage 3 cannot resolve the dispute (opens external escalation once every party has)',
};

const defOf = (s: unknown): Def => (s as { def: Def }).def;

/** A string field that takes a date and refuses words is a date field (however its check is written). */
function isDate(schema: Schema): boolean {
  return schema.safeParse('2026-12-09').success && !schema.safeParse('some words').success;
}

type Schema = { def: Def; safeParse: (v: unknown) => { success: boolean } };

function describe(schema: Schema): { text: string; optional: boolean } {
  const def = schema.def;
  switch (def.type) {
    case 'optional': case 'nullable': return { ...describe(def.innerType as Schema), optional: true };
    case 'default': {
      const inner = describe(def.innerType as Schema);
      const dflt = typeof def.defaultValue === 'function' ? (def.defaultValue as () => unknown)() : def.defaultValue;
      return { text: `${inner.text} (default ${JSON.stringify(dflt)})`, optional: true };
    }
    case 'string': return { text: isDate(schema) ? 'date YYYY-MM-DD' : 'text', optional: false };
    case 'number': return { text: 'number', optional: false };
    case 'boolean': return { text: 'true or false', optional: false };
    case 'enum': return { text: `one of ${Object.keys(def.entries ?? {}).join(', ')}`, optional: false };
    case 'literal': return { text: (def.values ?? []).map((v) => JSON.stringify(v)).join(' or '), optional: false };
    case 'union': return { text: (def.options as Schema[]).map((o) => describe(o).text).join(' or '), optional: false };
    case 'array': return { text: `a list of ${describe(def.element as Schema).text}`, optional: false };
    case 'object': return { text: 'an object with the fields below', optional: false };
    default: return { text: def.type, optional: false };
  }
}

function fields(shape: Record<string, unknown>, indent: string): string[] {
  const lines: string[] = [];
  for (const [name, schema] of Object.entries(shape)) {
    if (name === 'type') continue;
    const def = defOf(schema);
    const d = describe(schema as Schema);
    lines.push(`${indent}${name}${d.optional ? '?' : ''}: ${d.text}`);
    if (def.type === 'object') lines.push(...fields((schema as z.ZodObject).shape, `${indent}    `));
  }
  return lines;
}

/** The text after the act command's options. */
export function actionsHelp(): string {
  const options = (commandSchema as unknown as { options: z.ZodObject[] }).options;
  const lines = ['', 'Actions (give one as JSON with --json, or as a YAML/JSON file with --file; "?" marks optional fields):'];
  for (const o of options) {
    const type = String((defOf(o.shape.type).values ?? [])[0]);
    lines.push('', `  ${type} — ${WHAT[type] ?? ''}`, ...fields(o.shape, '    '));
  }
  const example = '{"type":"CONFIRM_DECISION","seq":1,"organisationId":"anytown-council"}';
  lines.push('', 'Example:', `  s117 dispute act S117-2026-0042 --as dee-obi --json '${example}'`);
  return `${lines.join('\n')}\n`;
}
