import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';

describe('what a decision may do to aftercare, stage by stage', () => {
  it('[R7.4] Stages 1 and 2 may keep, change, reduce or transfer aftercare, never end it; Stages 3 and 4 may also end it', () => {
    const below = ['CONTINUES', 'CHANGES', 'REDUCES', 'TRANSFERS'];
    expect(DEFAULT_POLICY.stages[1].effects).toEqual(below);
    expect(DEFAULT_POLICY.stages[2].effects).toEqual(below);
    expect(DEFAULT_POLICY.stages[3].effects).toEqual([...below, 'ENDS']);
    expect(DEFAULT_POLICY.stages[4].effects).toEqual([...below, 'ENDS']);
  });
});
