import { overdueStage, stageMark } from '../../src/domain/overdue.ts';
import type { StageInstance, StageNo } from '../../src/domain/types.ts';

// The one reading of "overdue" and of a stage's mark that every figure uses (R9.1, R9.2). The mutation run of
// 2026-12-08 (docs/mutation.md) found each branch below unpinned by the unit suites that test the figures.
const stage = (n: StageNo, over: Partial<StageInstance> = {}): StageInstance => ({
  stage: n, startedAt: '2026-01-05T09:00:00.000Z', dueAt: '2026-01-12T17:00:00.000Z', workingDays: 5, endedAt: null,
  endReason: null, met: null, timedOutAt: null, escalationReason: null, reminders: [], ...over,
});
const due = new Date('2026-01-12T17:00:00.000Z');
const after = new Date('2026-01-12T17:00:00.001Z');
const before = new Date('2026-01-12T16:59:59.999Z');

describe('overdueStage: an open dispute whose current stage has passed its deadline', () => {
  it('[R9.2] is overdue from the deadline itself, not only after it', () => {
    const d = { status: 'OPEN' as const, stage: 1 as StageNo, stages: [stage(1)] };
    expect(overdueStage(d, before)).toBeNull();
    expect(overdueStage(d, due)).toEqual({ stage: 1, dueAt: '2026-01-12T17:00:00.000Z' });
    expect(overdueStage(d, after)).toEqual({ stage: 1, dueAt: '2026-01-12T17:00:00.000Z' });
  });

  it('[R9.2] a resolved dispute is never overdue, even with a stage left open past its deadline', () => {
    expect(overdueStage({ status: 'RESOLVED', stages: [stage(1)] }, after)).toBeNull();
  });

  it('[R5.3] a Stage 3 that timed out and was escalated externally is no longer overdue', () => {
    // The figures read the record's times (a past period keeps its figure): overdue until the external escalation,
    // not after it.
    const s3 = stage(3, { endedAt: '2026-01-13T09:00:00.000Z', endReason: 'TIMEOUT', met: false, timedOutAt: due.toISOString() });
    const s4 = stage(4, { startedAt: '2026-01-13T09:00:00.000Z', dueAt: null, workingDays: null });
    const d = { status: 'OPEN' as const, stage: 4 as StageNo, stages: [stage(1, { endedAt: '2026-01-06T09:00:00.000Z', endReason: 'MANUAL' }), s3, s4] };
    expect(overdueStage(d, after)).toEqual({ stage: 3, dueAt: '2026-01-12T17:00:00.000Z' });
    expect(overdueStage(d, new Date('2026-01-13T09:00:00.001Z'))).toBeNull();
  });

  it('[R9.2] only the current stage counts: an earlier stage still open past its deadline does not', () => {
    const d = { status: 'OPEN' as const, stage: 2 as StageNo, stages: [stage(1), stage(2, { dueAt: '2026-02-01T17:00:00.000Z' })] };
    expect(overdueStage(d, after)).toBeNull();
  });

  it('[R3.4] Stage 4 has no timescale and is never overdue', () => {
    expect(overdueStage({ status: 'OPEN', stages: [stage(4, { dueAt: null, workingDays: null })] }, after)).toBeNull();
  });
});

describe('stageMark: how a stage stands against its timescale', () => {
  it('[R9.1] met and missed as recorded; a stage left by escalation is escalated; an open one has no mark', () => {
    expect(stageMark(stage(1, { met: true, endedAt: due.toISOString(), endReason: 'RESOLVED' }))).toBe('met');
    expect(stageMark(stage(1, { met: false, endedAt: due.toISOString(), endReason: 'TIMEOUT' }))).toBe('missed');
    expect(stageMark(stage(1, { endedAt: due.toISOString(), endReason: 'MANUAL' }))).toBe('escalated');
    expect(stageMark(stage(1))).toBeNull();
  });

  it('[R9.1] a stage resolved without a timescale (Stage 4) is neither met, missed nor escalated', () => {
    expect(stageMark(stage(4, { dueAt: null, workingDays: null, endedAt: due.toISOString(), endReason: 'RESOLVED' }))).toBeNull();
  });
});
