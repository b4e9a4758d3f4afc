import type { Dispute, StageInstance, StageNo } from './types.ts';

/**
 * R9.2: the one test of "overdue" that every figure uses (`dispute show`, the export, `register summary`, the web
 * register and the Board report): a dispute open at `at` whose stage current at `at` had passed its deadline by then.
 * It reads the record's times, not its present state, so a period that has ended keeps its figure after the dispute
 * moves on (resolved, or escalated externally the next quarter). Stage 4 has no timescale; a Stage 3 that timed out
 * and was then escalated externally stays "missed" on its stage (R9.1), but the dispute is no longer overdue (R5.3:
 * the overdue alert stops once it is escalated externally).
 */
export function overdueStage(
  d: Pick<Dispute, 'status' | 'stages'> & { resolvedAt?: string | null }, at: Date,
): { stage: StageNo; dueAt: string } | null {
  const t = at.getTime();
  const openAt = d.status === 'OPEN' || (!!d.resolvedAt && new Date(d.resolvedAt).getTime() > t);
  if (!openAt) return null;
  // The latest stage begun by then: an earlier one left without an end time is not the current stage.
  const s = [...d.stages].reverse().find((x) => new Date(x.startedAt).getTime() <= t && (!x.endedAt || new Date(x.endedAt).getTime() > t));
  return s?.dueAt && new Date(s.dueAt).getTime() <= t ? { stage: s.stage, dueAt: s.dueAt } : null;
}

/** R9.1: how a stage stands against its timescale; null while it is open and within it, or when it has none. */
export type StageMark = 'met' | 'missed' | 'escalated' | null;

/**
 * R9.1: the one reading of a stage's timescale (the export, the web page and the referral pack show this):
 * "met" and "missed" as recorded, and a stage left by escalation (early, joint or external) "escalated", never "met".
 */
export function stageMark(s: Pick<StageInstance, 'met' | 'endedAt' | 'endReason'>): StageMark {
  if (s.met === true) return 'met';
  if (s.met === false) return 'missed';
  return s.endedAt && s.endReason !== 'RESOLVED' ? 'escalated' : null;
}
