import { ROLE_TEXT, rolesText } from '../../src/domain/texts.ts';
import { ROLES } from '../../src/domain/types.ts';

// rolesText names who may act in refusals ("Only a team manager, service manager or senior officer may …"). The
// mutation run of 2026-12-08 (docs/mutation.md) found no test with three roles, so a list that dropped the middle
// ones ("team manager or senior officer") passed.
describe('rolesText', () => {
  it('lists every role, the last after "or"', () => {
    expect(rolesText(['TEAM_MANAGER', 'SERVICE_MANAGER', 'SENIOR_OFFICER'])).toBe('team manager, service manager or senior officer');
    expect(rolesText(['TEAM_MANAGER', 'SENIOR_OFFICER'])).toBe('team manager or senior officer');
    expect(rolesText(['SENIOR_OFFICER'])).toBe('senior officer');
  });

  it('has words for every role, each different', () => {
    const words = ROLES.map((r) => ROLE_TEXT[r]);
    expect(words.every((w) => /^[a-z ]+$/.test(w))).toBe(true);
    expect(new Set(words).size).toBe(ROLES.length);
  });
});
