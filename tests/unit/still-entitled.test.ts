import { stillEntitled } from '../../src/domain/guards.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import type { Directory, Role } from '../../src/domain/types.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { directory, Scenario } from '../helpers/domain.ts';

// R5.8: who may still act is read from the directory as it is now. No unit test asked stillEntitled directly, and
// the mutation run of 2026-12-08 (docs/mutation.md) found that "anyone in a party organisation may act" passed
// every suite that reaches it.
const withRoles = (id: string, roles: Role[]): Directory =>
  ({ ...directory, people: directory.people.map((p) => (p.id === id ? { ...p, roles } : p)) });

describe('stillEntitled (R5.8)', () => {
  it('[R5.8] someone in a party organisation who holds no role of a stage reached, and did not raise or join by name, may not act', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ namedProfessionals: [] }));
    expect(stillEntitled(s.dispute, 'ivy-nash', directory, DEFAULT_POLICY)).toBe(true); // operational lead, NHS Anytown ICB
    expect(stillEntitled(s.dispute, 'ivy-nash', withRoles('ivy-nash', []), DEFAULT_POLICY)).toBe(false);
  });

  it('[R5.8] whoever raised the dispute may still act without a role', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute());
    expect(stillEntitled(s.dispute, 'ali-khan', withRoles('ali-khan', []), DEFAULT_POLICY)).toBe(true);
  });
});
