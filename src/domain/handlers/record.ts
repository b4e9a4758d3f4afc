import { continuityAlert, flagGrounds } from '../alerts.ts';
import { wordingDisagrees, wordingQuestion } from '../aftercare-effect.ts';
import { CORRECTABLE_FIELDS, type CorrectableField } from '../commands.ts';
import { refuse } from '../errors.ts';
import { actorPerson, isParticipant, mustParticipate, required } from '../guards.ts';
import { isValidNhsNumber, maskNhsNumber, normaliseNhsNumber } from '../nhs-number.ts';
import type { Draft } from '../stage-ops.ts';
import { LEARNING_AREA_TEXT } from '../texts.ts';
import {
  type Cohort, COHORTS, type Dispute, LEARNING_AREAS, PARTY_ROLES, type PartyRole, type Setting, SETTINGS, type Subject, SUBJECTS,
} from '../types.ts';
import { detectUnlawfulGrounds } from '../unlawful-grounds.ts';
import type { Cmd } from './types.ts';

export function addTheme(draft: Draft, cmd: Cmd<'ADD_THEME'>): void {
  const { d, ctx } = draft;
  const me = actorPerson(ctx);
  if (!isParticipant(d, me.id) && !me.roles.includes('GOVERNANCE_LEAD') && !me.roles.includes('ADMIN')) {
    refuse('NOT_A_PARTICIPANT', 'Only participants and governance leads can tag themes.');
  }
  const theme = required(cmd.theme, 'theme', 'A theme').toLowerCase().replace(/\s+/g, ' ').slice(0, 80);
  const areas = [...new Set(cmd.areas ?? [])];
  const existing = d.themes.find((t) => t.theme === theme);
  if (existing) {
    // R9.3: filing an existing theme under more learning areas.
    const more = areas.filter((a) => !existing.areas.includes(a));
    if (!more.length) {
      draft.notice = `"${theme}" is already tagged.`;
      return;
    }
    existing.areas = [...existing.areas, ...more];
    draft.event('THEME_FILED', { theme, areas: existing.areas });
    return;
  }
  // R9.3: a theme is filed under at least one learning area, chosen from the list, so the Board report can group it.
  const bad = areas.filter((a) => !(LEARNING_AREAS as readonly string[]).includes(a));
  if (bad.length || !areas.length) {
    refuse('THEME_NEEDS_AREA', `Choose at least one learning area for "${theme}" ("areas"): `
      + `${LEARNING_AREAS.map((a) => LEARNING_AREA_TEXT[a]).join(', ')} (${LEARNING_AREAS.join(', ')}).`, 'areas');
  }
  d.themes.push({ theme, addedBy: me.id, at: draft.nowIso, areas });
  draft.event('THEME_ADDED', { theme, areas });
}

const TEXT_FIELDS = ['localCaseRef', 'description', 'currentCare'] as const;

/** The corrected value, checked as strictly as at raising. */
function correctedValue(draft: Draft, field: CorrectableField, value: unknown): Dispute[CorrectableField] {
  const { d } = draft;
  const bad = (what: string): never => refuse('INVALID_VALUE', `"${field}" must be ${what}.`, 'value');
  switch (field) {
    case 'localCaseRef': case 'description': case 'currentCare':
      return required(typeof value === 'string' ? value : '', 'value', 'The corrected text');
    case 'nhsNumber': {
      if (value === null || (typeof value === 'string' && !value.trim())) return null;
      if (typeof value !== 'string' || !isValidNhsNumber(value)) bad('a valid 10-digit NHS number (or empty to remove it)');
      return normaliseNhsNumber(value as string);
    }
    case 'cohort': return COHORTS.includes(value as Cohort) ? (value as Cohort) : bad(`one of ${COHORTS.join(', ')}`);
    case 'setting': return SETTINGS.includes(value as Setting) ? (value as Setting) : bad(`one of ${SETTINGS.join(', ')}`);
    case 'subjects': {
      const list = Array.isArray(value) ? [...new Set(value)] : [];
      if (!list.length || !list.every((s) => SUBJECTS.includes(s as Subject))) bad(`one or more of ${SUBJECTS.join(', ')}`);
      return list as Subject[];
    }
    case 'parties': {
      // Roles can be corrected here; adding or withdrawing an organisation has its own action (R2.5).
      const list = Array.isArray(value) ? (value as { organisationId?: unknown; role?: unknown }[]) : [];
      const ids = list.map((p) => p.organisationId);
      const current = d.parties.map((p) => p.organisationId);
      if (ids.length !== current.length || !current.every((o) => ids.includes(o))) {
        refuse(
          'USE_ADD_OR_WITHDRAW_PARTY',
          'To add or remove an organisation, use "add a party" or "withdraw a party"; a correction changes the parties\' roles only.',
          'value',
        );
      }
      if (!list.every((p) => PARTY_ROLES.includes(p.role as PartyRole))) {
        bad(`a list of parties, each with a role from ${PARTY_ROLES.join(', ')}`);
      }
      return d.parties.map((p) => ({ ...p, role: list.find((x) => x.organisationId === p.organisationId)!.role as PartyRole }));
    }
  }
}

/** R11.1: a correction is a new entry pointing at an existing entry of the same dispute, with a reason. */
export function correct(draft: Draft, cmd: Cmd<'CORRECT'>): void {
  const { d, ctx } = draft;
  mustParticipate(draft, 'correct the record');
  const reason = required(cmd.reason, 'reason', 'A reason for the correction');
  if (!CORRECTABLE_FIELDS.includes(cmd.field)) {
    refuse('INVALID_VALUE', `"${String(cmd.field)}" cannot be corrected; choose one of ${CORRECTABLE_FIELDS.join(', ')}.`, 'field');
  }
  const known = ctx.historyLength;
  if (!Number.isInteger(cmd.correctsSeq) || cmd.correctsSeq < 1 || (known !== undefined && cmd.correctsSeq > known)) {
    const msg = `There is no history entry ${cmd.correctsSeq} on ${d.reference}: point the correction at an entry of its history.`;
    refuse('NO_SUCH_ENTRY', msg, 'correctsSeq');
  }
  if (cmd.redact && known === undefined) throw new Error('a redacting correction needs the history length');
  const value = correctedValue(draft, cmd.field, cmd.value);
  const query = correctionWording(draft, cmd, value);
  const before = d[cmd.field];
  (d as unknown as Record<string, unknown>)[cmd.field] = value;
  // R11.2: the history never holds an NHS number, only what every screen shows of it.
  const held = (v: unknown) => (cmd.field === 'nhsNumber' ? maskNhsNumber(v as string | null) : v);
  draft.event('CORRECTED', { field: cmd.field, before: held(before), after: held(value), reason, ...(query ? { wordingQuery: query } : {}) }, cmd.correctsSeq);
  // The correction is the next entry; its wrong value goes, its digest and this record of why stay.
  if (cmd.redact) draft.event('TEXT_REDACTED', { entries: [known! + 1], fields: ['before'], reason });
  // R4.1: corrections are free text too.
  const text = (TEXT_FIELDS as readonly string[]).includes(cmd.field) ? String(value) : '';
  flagGrounds(draft, detectUnlawfulGrounds(`${text}\n${reason}`), 'The correction');
  if (query && cmd.field === 'currentCare' && d.status === 'OPEN') {
    // R3.1: the person confirmed that the care on record is now ended or cut: that is care withdrawn or reduced while
    // the dispute runs, which the senior officers hear of at once.
    continuityAlert(draft, `${draft.name(actorPerson(ctx).id)} corrected the care on record to read as ending aftercare, and confirmed it: ${String(value)}`);
  }
  draft.refreshCard();
}

/**
 * R7.1–R7.4: a correction fixes what was recorded at raising; it cannot end or cut aftercare. A new description or
 * care text that reads as doing so is asked about once (like a decision's words), and the answer stays on the record.
 */
function correctionWording(draft: Draft, cmd: Cmd<'CORRECT'>, value: unknown): 'ENDS' | null {
  if (cmd.field !== 'currentCare' && cmd.field !== 'description') return null;
  // Only an ending is asked about: a dispute may be about reducing care, and a care figure corrected down is a typo fixed.
  const query = wordingDisagrees([String(value)], 'REDUCES') === 'ENDS' ? 'ENDS' : null;
  if (!query || cmd.wordingConfirmed === true) return query;
  const below = query === 'ENDS' && draft.d.status === 'OPEN' && draft.d.stage < 3;
  const what = cmd.field === 'currentCare'
    ? 'The care on record would then say it has stopped, which is reported to the senior officers at once as a continuity-of-care alert.'
    : 'A correction cannot end aftercare: only a decision at Stage 3, after a joint assessment, can (protocol section 7).';
  refuse(
    'WORDING_CHECK',
    `${wordingQuestion(query)} ${what}${below ? ' If the dispute is now about ending aftercare, move it to Stage 3.' : ''} `
      + 'If the record should say this, confirm it ("wordingConfirmed") and correct again; otherwise change the words.',
    'wordingConfirmed', below ? { command: 'MOVE_TO_STAGE_3', label: 'Move to Stage 3' } : undefined,
  );
}

/**
 * R11.1: a wrong value recorded in the history (a text typed into the wrong
 * dispute, a wrong NHS number) is removed from the entry that holds it. The
 * entry keeps the text's digest, so its seal still checks out, and this
 * entry records who removed it, when and why.
 */
export function redact(draft: Draft, cmd: Cmd<'REDACT'>): void {
  const { d, ctx } = draft;
  const me = actorPerson(ctx);
  if (!me.roles.includes('GOVERNANCE_LEAD')) mustParticipate(draft, 'remove a wrong value from the history');
  const reason = required(cmd.reason, 'reason', 'A reason for removing it');
  const known = ctx.historyLength;
  if (!Number.isInteger(cmd.entry) || cmd.entry < 1 || known === undefined || cmd.entry > known) {
    refuse('NO_SUCH_ENTRY', `There is no history entry ${cmd.entry} on ${d.reference}: name an entry of its history ("entry").`, 'entry');
  }
  draft.event('TEXT_REDACTED', { entries: [cmd.entry], reason });
  // R4.1: the reason is free text like any other; the flag stays when the removed text has gone.
  flagGrounds(draft, detectUnlawfulGrounds(reason), 'The reason for removing a value from the history');
  draft.refreshCard();
}
