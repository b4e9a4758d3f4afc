import { allowedActions } from '../../src/domain/allowed-actions.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import type { Person } from '../../src/domain/types.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { directory, refusal, Scenario } from '../helpers/domain.ts';

// From Stage 2 a CHC adjustment is confirmed by the stage's confirmers (a manager or above), as a decision is. The
// button tests (allowed-actions.test.ts) stay at Stage 1, which has no confirmer roles, so the mutation run of
// 2026-12-08 (docs/mutation.md) found the role filter on the button unpinned.
const person = (id: string): Person => directory.people.find((p) => p.id === id)!;
const chcButtons = (s: Scenario, id: string) =>
  allowedActions(s.dispute, DEFAULT_POLICY, directory, person(id)).filter((a) => a.verb === 'confirm-chc').map((a) => a.o);

describe('who is offered the CHC adjustment button at Stage 2', () => {
  it('[R6.3] a team manager of the party is offered it; a social worker of the same party is not', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ subjects: ['CHC_INTERFACE'] }));
    s.run('ali-khan', { type: 'ESCALATE', reason: 'No agreement on the split.' });
    expect(s.dispute.stage).toBe(2);
    s.run('gus-hart', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-11-01', decisionDate: '2026-12-01' });
    s.run('hal-moss', {
      type: 'RECORD_CHC_ADJUSTMENT', effectiveDate: '2026-11-01', parties: ['anytown-icb'], amountOrShare: 'ICB 100%', personNotPenalised: true,
    });
    expect(chcButtons(s, 'bea-jones')).toEqual(['anytown-council']); // team manager, Anytown Council
    expect(chcButtons(s, 'ali-khan')).toEqual([]); // social worker, Anytown Council
    // The button follows the rule the command keeps.
    expect(refusal(() => s.run('ali-khan', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-council' }))).toBeTruthy();
  });
});
