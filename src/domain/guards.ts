import { refuse } from './errors.ts';
import type { DecideContext } from './stage-ops.ts';
import type { Dispute, Person } from './types.ts';

// The checks every handler starts with: who is acting, and may they.

export const MAX_TEXT = 4000;

export function required(value: string | null | undefined, field: string, what: string): string {
  const v = (value ?? '').trim();
  if (!v) refuse('FIELD_REQUIRED', `${what} is required: fill in "${field}".`, field);
  if (v.length > MAX_TEXT) refuse('FIELD_TOO_LONG', `"${field}" is ${v.length} characters; keep it under ${MAX_TEXT}.`, field);
  return v;
}

export function actorPerson(ctx: DecideContext): Person {
  const p = ctx.directory.people.find((x) => x.id === ctx.actor.personId);
  if (!p) refuse('NOT_IN_DIRECTORY', 'You are not in the Section 117 directory, so the bot cannot act for you. Ask your administrator to add you.');
  return p;
}

export function isParticipant(d: Dispute, personId: string): boolean {
  return d.participants.some((p) => p.personId === personId);
}

/** Stage participants act; everyone else is refused with a reason. */
export function mustParticipate(d: Dispute, ctx: DecideContext, what: string): Person {
  const p = actorPerson(ctx);
  if (!isParticipant(d, p.id)) {
    refuse('NOT_A_PARTICIPANT', `Only the participants of ${d.reference} can ${what}. You are not one of them; ask a participant or your manager.`);
  }
  return p;
}

export function mustBeOpen(d: Dispute): void {
  if (d.status !== 'OPEN') refuse('DISPUTE_CLOSED', `${d.reference} is resolved; nothing more can be recorded on it except corrections and themes.`);
}
