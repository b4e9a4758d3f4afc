/** A message in plain text; adapters escape it and render mentions their own way. */
export interface Message {
  title: string;
  lines: string[];
  /** Directory person ids to @mention. */
  mentions: string[];
  /** A decision waiting for confirmation: adapters add one "Confirm for ‹organisation›" button per party. */
  confirm?: { disputeId: string; seq: number; organisations: { id: string; name: string }[] };
}

/**
 * What the outside world must be told. The app writes these to the outbox in
 * the same transaction as the state change; `notBefore` keeps pings inside
 * working hours (R0.4).
 */
export type Effect = (
  | { kind: 'OPEN_CASE_SPACE' }
  | { kind: 'INVITE'; personIds: string[] }
  /** R5.8: people who left the directory (or the role) lose access to the case space. */
  | { kind: 'UNINVITE'; personIds: string[] }
  | { kind: 'REFRESH_CARD' }
  | { kind: 'POST'; message: Message }
  | { kind: 'DM'; personId: string; message: Message }
  | { kind: 'GOVERNANCE'; message: Message }
  /** A single-use sign-in link to the register, e-mailed to the person (its token is made from the id at sending). */
  // expiresAt: after it the link no longer works, so it is not worth sending.
  | { kind: 'SIGN_IN_LINK'; personId: string; linkId: string; expiresAt?: string }
) & { notBefore: string };

export type EffectKind = Effect['kind'];

/**
 * What can happen to a dispute, as written to its history (R11.1). The
 * register, reports and timelines read these names back, so they are fixed
 * here and a misspelt one does not compile.
 */
// Only the type below is read; no code reads this array at run time, so a changed entry cannot change behaviour.
// Stryker disable StringLiteral,ArrayDeclaration: read as a type only
export const EVENT_TYPES = [
  'RAISED', 'STAGE_STARTED', 'STAGE_ENDED', 'STAGE_TIMED_OUT', 'ESCALATED', 'REMINDER_SENT', 'FLAG_RAISED', 'DEADLINE_RECOMPUTED',
  'DECISION_PROPOSED', 'DECISION_CONFIRMED', 'DECISION_WITHDRAWN', 'DECISION_TOOK_EFFECT', 'LETTER_DRAFTED', 'LETTER_SENT', 'RESOLVED',
  'PERSON_STEP_DONE', 'PERSON_STEP_DUE_AGAIN', 'CHECKLIST_TICKED', 'CHECKLIST_UNTICKED', 'CARE_CHANGE_REPORTED', 'CHC_UPDATED',
  'CHC_ADJUSTMENT_RECORDED',
  'CHC_ADJUSTMENT_CONFIRMED', 'CHC_ADJUSTMENT_AGREED',
  'EXTERNAL_ROUTE_RECORDED',
  'LEGAL_ADVICE_REQUESTED', 'THEME_ADDED', 'CORRECTED',
  'PARTICIPANT_JOINED', 'PARTICIPANT_LEFT', 'PARTY_ADDED', 'PARTY_WITHDRAWN', 'CARE_RESTORED', 'THEME_FILED', 'STAGE_3_CANNOT_RESOLVE',
  'PARTY_WITHDRAWAL_AGREED', 'DECISION_LAPSED', 'CHC_ADJUSTMENT_LAPSED',
  // Texts removed from the record: under the retention schedule (every text), or a wrong value with a reason (named entries).
  'RECORD_ANONYMISED', 'TEXT_REDACTED',
] as const;
// Stryker restore StringLiteral,ArrayDeclaration

export type DomainEventType = (typeof EVENT_TYPES)[number];

/** One history entry (R11.1); actor, time and platform come from the command. */
export interface DomainEvent {
  type: DomainEventType;
  data: Record<string, unknown>;
  correctsSeq?: number;
}
