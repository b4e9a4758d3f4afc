import type { Command } from './commands.ts';
import type { DomainEvent, Effect } from './effects.ts';
import { refuse } from './errors.ts';
import { handle } from './handlers/index.ts';
import { type DecideContext, Draft, nextWake } from './stage-ops.ts';
import type { Dispute } from './types.ts';

export type { DecideContext } from './stage-ops.ts';
export { closureGaps } from './resolution.ts';
export { whoOwes } from './handlers/sweep.ts';

export interface Decided {
  next: Dispute;
  events: DomainEvent[];
  effects: Effect[];
  /** A sentence for the person who acted (e.g. "already confirmed"). */
  notice: string | null;
}

export function emptyDispute(id: string): Dispute {
  return {
    id, reference: '', status: 'OPEN', stage: 1, version: 0, subjects: [], cohort: 'ADULT', setting: 'COMMUNITY', localCaseRef: '', nhsNumber: null,
    description: '', currentCare: '', careContinues: true, endingProposal: false, legalAdviceAsked: false, cannotResolve: [], raisedById: '', raisedAt: '', raisedOn: 'system',
    namedProfessionals: [], outcome: null, resolvedAt: null, overdue: false, nextWakeAt: null, parties: [], stages: [], checklist: [], participants: [],
    decisions: [], confirmations: [], personSteps: [], flags: [], themes: [], chc: null, chcAdjustments: [], letters: [], externalRoutes: [],
  };
}

/**
 * The one place the protocol changes a dispute. Pure: the clock, calendar,
 * policy and directory come in `ctx`; nothing is read or written here. Each
 * command's rules live in its handler (handlers/index.ts).
 */
export function decide(current: Dispute | null, cmd: Command, ctx: DecideContext): Decided {
  if (cmd.type !== 'RAISE' && !current) refuse('NO_SUCH_DISPUTE', 'There is no such dispute.');
  if (cmd.type === 'RAISE' && current) refuse('ALREADY_RAISED', `${current.reference} already exists.`);
  const d = current ? structuredClone(current) : emptyDispute((cmd as { id: string }).id);
  const draft = new Draft(d, ctx);
  handle(draft, cmd);
  d.nextWakeAt = nextWake(d);
  if (draft.events.length) d.version += 1;
  return { next: d, events: draft.events, effects: draft.effects, notice: draft.notice };
}
