import type { DomainEventType } from './effects.ts';
import {
  CHC_TEXT, COHORT_TEXT, FLAG_TEXT, LEARNING_AREA_TEXT, OUTCOME_TEXT, PARTY_ROLE_TEXT, PERSON_STEP_TEXT, ROUTE_TEXT, SETTING_TEXT,
  SUBJECT_TEXT,
} from './texts.ts';
import type { CorrectableField } from './commands.ts';
import { maskNhsNumber } from './nhs-number.ts';
import type { Dispute } from './types.ts';

/** How a reader of the history names people, organisations and instants (the register and the CLI differ). */
export interface HistoryNames {
  person(id: string): string;
  organisation(id: string): string;
  /** An instant stored as ISO text, in the partnership's time zone. */
  date(iso: string): string;
}

type Data = Record<string, unknown>;
type Describe = (x: Data, d: Dispute, n: HistoryNames) => string;

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** A label from one of the wording tables, or the stored value itself when it is not in the table (an older name). */
const label = (table: Record<string, string>, v: unknown): string => table[text(v)] ?? text(v);
const because = (v: unknown): string => (text(v) ? `. Reason: ${text(v)}` : '');
const decision = (d: Dispute, seq: unknown) => d.decisions.find((x) => x.seq === seq);
const decisionText = (d: Dispute, x: Data): string => {
  const dec = decision(d, x.seq);
  const what = dec ? ` (${OUTCOME_TEXT[dec.outcome]}: ${dec.summary})` : x.outcome ? ` (${label(OUTCOME_TEXT, x.outcome)})` : '';
  return `decision ${text(x.seq)}${what}`;
};
const people = (ids: unknown, n: HistoryNames): string => list(ids).map((id) => n.person(text(id))).join(', ');
const checklistLabel = (d: Dispute, x: Data): string =>
  d.checklist.find((c) => c.stage === x.stage && c.key === x.key)?.label ?? text(x.key);
const areas = (x: Data): string => {
  const named = list(x.areas).map((a) => label(LEARNING_AREA_TEXT, a));
  return named.length ? ` (${named.join('; ')})` : '';
};
const member = (v: unknown, key: string): unknown => (v !== null && typeof v === 'object' ? (v as Data)[key] : undefined);
const organisations = (parties: unknown, n: HistoryNames): string =>
  list(parties).map((p) => n.organisation(text(member(p, 'organisationId')))).join(', ');
const adjustment = (d: Dispute, seq: unknown): string => text(d.chcAdjustments.find((a) => a.seq === seq)?.amountOrShare);
const HOW: Record<string, string> = {
  TIMEOUT: 'the deadline passed', MANUAL: 'escalated early', JOINT_DECISION: 'the parties agreed to escalate',
  ENDING_TO_STAGE_3: 'ending aftercare is decided only at Stage 3', RESOLVED: 'resolved',
};

/**
 * What each history entry recorded, in words (R9.1): the reason, the detail,
 * the text, not only the event's name. Keyed by every event type, so a new
 * one does not compile until it says what it shows.
 */
const DESCRIBE: Record<DomainEventType, Describe> = {
  RAISED: (x, _d, n) => `Raised about ${list(x.subjects).map((s) => label(SUBJECT_TEXT, s)).join('; ')}`
    + `${list(x.parties).length ? `, between ${organisations(x.parties, n)}` : ''}`
    + `${x.careContinues === false ? '; care reported as not continuing' : ''}`
    + `${x.endingProposal === true ? '; ending aftercare proposed' : ''}`
    // R7.2: asked once at raising, and answered "not about ending": the question stays visible to whoever reads on.
    + `${x.wordingQuery === 'ENDS' ? '; its words read as ending aftercare, and the raiser confirmed it is not about ending' : ''}`,
  STAGE_STARTED: (x, _d, n) => `Stage ${text(x.stage)} started${x.dueAt ? `, due ${n.date(text(x.dueAt))}` : ', with no timescale'}`
    + `${list(x.participants).length ? `; joined: ${people(x.participants, n)}` : ''}${text(x.why) ? `. ${text(x.why)}` : ''}`,
  STAGE_ENDED: (x) => `Stage ${text(x.stage)} ended: ${label(HOW, x.reason)}`
    + `${x.met === true ? ' (timescale met)' : x.met === false ? ' (timescale missed)' : ''}`
    + `${x.reason === 'TIMEOUT' ? '' : because(x.escalationReason)}`,
  STAGE_TIMED_OUT: (x) => `Stage ${text(x.stage)} reached its deadline ${x.missing ? text(x.missing) : 'without a recorded resolution'}`,
  // A timeout's stored reason only repeats that the deadline passed.
  ESCALATED: (x) => `Escalated from Stage ${text(x.from)} to Stage ${text(x.to)}: ${label(HOW, x.how)}`
    + `${x.how === 'TIMEOUT' ? '' : because(x.reason)}`,
  REMINDER_SENT: (x) => (x.kind === 'OVERDUE_REPEAT'
    ? `Overdue reminder for Stage ${text(x.stage)}: ${text(x.overdueWorkingDays)} working day(s) late`
    : `Reminder for Stage ${text(x.stage)} (${text(x.kind).toLowerCase().replace(/_/g, ' ')})`),
  FLAG_RAISED: (x) => `Flag: ${label(FLAG_TEXT, x.code)}${text(x.detail) ? ` — ${text(x.detail).replace(/^\[[A-Z_]+\] /, '')}` : ''}`,
  DEADLINE_RECOMPUTED: (x, _d, n) => `Stage ${text(x.stage)} deadline recomputed from ${x.before ? n.date(text(x.before)) : 'none'}`
    + ` to ${x.after ? n.date(text(x.after)) : 'none'}${because(x.reason)}`,
  DECISION_PROPOSED: (x, d) => `Proposed ${decisionText(d, x)} at Stage ${text(x.stage)}`,
  DECISION_CONFIRMED: (x, d, n) => `${n.organisation(text(x.organisationId))} confirmed ${decisionText(d, x)}`,
  DECISION_WITHDRAWN: (x, d) => `Withdrew ${decisionText(d, x)}${because(x.reason)}`,
  DECISION_TOOK_EFFECT: (x, d) => `Every party confirmed ${decisionText(d, x)}; it took effect`,
  LETTER_DRAFTED: (x) => `Drafted ${text(x.kind) || 'a letter'} ${text(x.seq)} for the person`
    + `${text(x.readingAge) ? ` (reading age ${text(x.readingAge)})` : ''}`,
  LETTER_SENT: (x) => `Letter ${text(x.seq)} marked as sent to the person`,
  RESOLVED: (x) => `Resolved at Stage ${text(x.stage)}${text(x.outcome) ? `: ${text(x.outcome)}` : ''}`,
  PERSON_STEP_DONE: (x) => `${label(PERSON_STEP_TEXT, x.step)}${x.letter ? ` (letter ${text(x.letter)})` : ''}`
    + `${text(x.note) ? `: ${text(x.note)}` : ''}${x.previous ? ' (replaces the earlier record)' : ''}`,
  PERSON_STEP_DUE_AGAIN: (x, d, n) => `The explanation recorded${earlier(x.previous, n)} no longer counts: ${decisionText(d, x)}`
    + ' took effect after it. The outcome must be explained to the person again',
  CHECKLIST_TICKED: (x, d) => `Ticked: ${checklistLabel(d, x)}`,
  CHECKLIST_UNTICKED: (x, d) => `Unticked: ${checklistLabel(d, x)}`,
  CARE_CHANGE_REPORTED: (x) => `Care reported ${text(x.change).toLowerCase()}${text(x.detail) ? `: ${text(x.detail)}` : ''}`,
  CHC_UPDATED: (x) => `NHS Continuing Healthcare: ${label(CHC_TEXT, x.status)}`
    + `${x.referralDate ? `; referral date ${text(x.referralDate)}` : ''}`
    + `${x.decisionDate ? `; decision date ${text(x.decisionDate)}` : ''}`,
  CHC_ADJUSTMENT_RECORDED: (x, d) => `CHC funding adjustment ${text(x.seq)} proposed from ${text(x.effectiveDate)}`
    + `${adjustment(d, x.seq) ? `: ${adjustment(d, x.seq)}` : ''}`,
  CHC_ADJUSTMENT_CONFIRMED: (x, _d, n) => `${n.organisation(text(x.organisationId))} confirmed CHC funding adjustment ${text(x.seq)}`,
  CHC_ADJUSTMENT_AGREED: (x) => `CHC funding adjustment ${text(x.seq)} agreed by every party, from ${text(x.effectiveDate)}`,
  EXTERNAL_ROUTE_RECORDED: (x) => `External escalation: ${label(ROUTE_TEXT, x.route)}`,
  LEGAL_ADVICE_REQUESTED: (x) => `Legal advice requested${because(x.reason)}`,
  THEME_ADDED: (x) => `Theme added: ${text(x.theme)}${areas(x)}`,
  THEME_FILED: (x) => `Theme filed: ${text(x.theme)}${areas(x)}`,
  CORRECTED: (x, _d, n) => `Corrected ${label(FIELD_TEXT, x.field)}: "${corrected(x.field, x.before, n)}"`
    + ` → "${corrected(x.field, x.after, n)}"${because(x.reason)}`,
  PARTICIPANT_JOINED: (x, _d, n) => `${n.person(text(x.personId))} joined${text(x.reason) ? `: ${text(x.reason)}` : ''}`,
  PARTICIPANT_LEFT: (x, _d, n) => `${n.person(text(x.personId))} left${text(x.reason) ? `: ${text(x.reason)}` : ''}`,
  PARTY_ADDED: (x, _d, n) => `${n.organisation(text(x.organisationId))} added as a party (${label(PARTY_ROLE_TEXT, x.role)})`
    + because(x.reason),
  PARTY_WITHDRAWN: (x, _d, n) => `${n.organisation(text(x.organisationId))} withdrawn as a party`
    + `${x.by ? ` by ${text(x.by)}` : ''}${because(x.reason)}`,
  PARTY_WITHDRAWAL_AGREED: (x, _d, n) => `${n.organisation(text(x.by))} agreed to withdraw `
    + `${n.organisation(text(x.organisationId))}${because(x.reason)}`,
  DECISION_LAPSED: (x) => `Decision ${text(x.seq)} lapsed without taking effect${because(x.reason)}`,
  CHC_ADJUSTMENT_LAPSED: (x) => `CHC funding adjustment ${text(x.seq)} lapsed without taking effect${because(x.reason)}`,
  CARE_RESTORED: (x) => `Care restored${text(x.detail) ? `: ${text(x.detail)}` : ''}`,
  STAGE_3_CANNOT_RESOLVE: (x, _d, n) => `${n.organisation(text(x.organisationId))} recorded that Stage 3 cannot resolve the dispute`
    + because(x.reason),
  RECORD_ANONYMISED: (x) => `Anonymised under the retention schedule (${text(x.recordClass)} record, kept ${text(x.years)} years after `
    + `resolution): the NHS number, the case number and ${text(x.texts)} text(s) removed`,
  TEXT_REDACTED: (x) => `Removed the wrong value recorded in entr${list(x.entries).length === 1 ? 'y' : 'ies'} `
    + `${list(x.entries).map(text).join(', ')}${because(x.reason)}`,
};

/** Who recorded the earlier explanation, when, and what they noted. */
function earlier(previous: unknown, n: HistoryNames): string {
  const by = text(member(previous, 'doneBy'));
  const at = text(member(previous, 'doneAt'));
  const note = text(member(previous, 'note'));
  return `${by ? ` by ${n.person(by)}` : ''}${at ? ` on ${n.date(at)}` : ''}${note ? ` ("${note}")` : ''}`;
}

/** The fields a correction can change (R11.1), as a reader knows them. */
const FIELD_TEXT: Record<CorrectableField, string> = {
  subjects: 'what the dispute is about', parties: 'the parties', cohort: 'the age group', setting: 'the setting',
  localCaseRef: 'the local case reference', nhsNumber: 'the NHS number', description: 'the description', currentCare: 'the current care',
};

/** A corrected value in words; an NHS number only masked, as everywhere else. */
function corrected(field: unknown, v: unknown, n: HistoryNames): string {
  switch (field) {
    case 'nhsNumber': return typeof v === 'string' && v ? maskNhsNumber(v) ?? '' : '';
    case 'subjects': return list(v).map((s) => label(SUBJECT_TEXT, s)).join('; ');
    case 'parties': return list(v).map((p) => `${organisations([p], n)} (${label(PARTY_ROLE_TEXT, member(p, 'role'))})`).join('; ');
    case 'cohort': return label(COHORT_TEXT, v);
    case 'setting': return label(SETTING_TEXT, v);
    default: return shown(v);
  }
}

/** A text removed from the history (retention or a redaction) reads as such, not as its digest. */
function withoutRemoved(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutRemoved);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Data;
  if (Object.keys(o).length === 1 && typeof o.$removed === 'string') return '[removed]';
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, withoutRemoved(x)]));
}

/** A value as text: lists joined, objects as their JSON. */
function shown(v: unknown): string {
  if (Array.isArray(v)) return v.map(shown).join(', ');
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return v === null || v === undefined ? '' : String(v);
}

/** One history entry in words; a type this version does not know is shown by its name. */
export function historyText(type: string, data: unknown, d: Dispute, n: HistoryNames): string {
  const describe = (DESCRIBE as Record<string, Describe | undefined>)[type];
  const x = data !== null && typeof data === 'object' && !Array.isArray(data) ? withoutRemoved(data) as Data : {};
  return describe ? describe(x, d, n) : type.toLowerCase().replace(/_/g, ' ');
}
