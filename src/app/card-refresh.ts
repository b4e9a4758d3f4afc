import type { Dispute } from '../domain/types.ts';
import type { Effect } from '../domain/effects.ts';

/**
 * One rule for the stage card: every change to an existing dispute refreshes
 * it, whatever the command, so nothing recorded (a change in care, a flag)
 * is missing from the card until something else happens. A new dispute's
 * card is posted when its case space opens.
 */
export function withCardRefresh(prev: Dispute | null, effects: Effect[], now: Date): Effect[] {
  if (!prev || effects.some((e) => e.kind === 'REFRESH_CARD')) return effects;
  return [...effects, { kind: 'REFRESH_CARD', notBefore: now.toISOString() }];
}
