import type { Dispute, StageNo } from './types.ts';

/**
 * R9.2: the one test of "overdue" that every figure uses (`dispute show`, the export, `register summary`, the web
 * register and the Board report): an open dispute whose current stage has passed its deadline at `at`. Stage 4 has
 * no timescale; a Stage 3 that timed out and was then escalated externally stays "missed" on its stage (R9.1), but
 * the dispute is no longer overdue (R5.3: the overdue alert stops once it is escalated externally).
 */
export function overdueStage(d: Pick<Dispute, 'status' | 'stage' | 'stages'>, at: Date): { stage: StageNo; dueAt: string } | null {
  if (d.status !== 'OPEN') return null;
  const s = d.stages.find((x) => x.stage === d.stage && !x.endedAt);
  return s?.dueAt && new Date(s.dueAt).getTime() <= at.getTime() ? { stage: s.stage, dueAt: s.dueAt } : null;
}
