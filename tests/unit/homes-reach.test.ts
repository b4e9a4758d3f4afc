import { currentPeople, disputeHomes, fallbackFor, personHome, type Reach } from '../../src/domain/homes.ts';
import type { Directory, Dispute, Person } from '../../src/domain/types.ts';

// Where people are reached when their organisation names no home, or their own home cannot be used. The mutation run
// of 2026-12-08 (docs/mutation.md) left these rules unpinned by homes.test.ts and teams-connections.test.ts.
const person = (id: string, org: string, over: Partial<Person> = {}): Person => ({
  id, name: id, organisationId: org, roles: ['CARE_COORDINATOR'], managerId: null, handles: {}, email: null, ...over,
});
const dir = (people: Person[], homes: Record<string, { platform: string; space: string | null }[]> = {}): Directory => ({
  partnership: 'P',
  organisations: [
    { id: 'icb', name: 'The ICB', kind: 'ICB', ...(homes.icb ? { homes: homes.icb } : {}) },
    { id: 'council', name: 'The Council', kind: 'LOCAL_AUTHORITY', ...(homes.council ? { homes: homes.council } : {}) },
  ],
  people,
  governance: { slack: null, teams: null },
});
const reach: Reach = { available: ['slack', 'teams', 'email'], fallback: 'slack' };
const dispute = (raisedOn: string, participants: { personId: string; leftAt?: string }[]) =>
  ({ raisedOn, participants: participants.map((p) => ({ fromStage: 1, reason: '', addedAt: '', leftAt: null, ...p })) }) as unknown as Dispute;

describe('the fallback for people whose organisation names no home', () => {
  it('is the platform the dispute was raised on when this deployment delivers there', () => {
    expect(fallbackFor('teams', reach).fallback).toBe('teams');
  });

  it('is never e-mail, even for a dispute raised by e-mail: people without a home keep the chat fallback', () => {
    expect(fallbackFor('email', reach).fallback).toBe('slack');
  });

  it('is the default when the dispute was raised on a platform this deployment does not deliver to', () => {
    expect(fallbackFor('teams', { available: ['slack'], fallback: 'slack' }).fallback).toBe('slack');
  });
});

describe('a person\'s own home', () => {
  it('is used only when they can be reached there; otherwise their organisation\'s first usable home', () => {
    const d = dir([], { council: [{ platform: 'teams', space: null }] });
    // Their own home is Slack, but they have no Slack handle: the organisation's Teams home, where they have one.
    const p = person('ann', 'council', { home: 'slack', handles: { teams: 'T-ann' } });
    expect(personHome(p, d, reach)).toBe('teams');
  });

  it('a person whose organisation is missing from the directory keeps their own home or the fallback', () => {
    const d = dir([]);
    expect(personHome(person('bob', 'gone', { home: 'teams', handles: { teams: 'T-bob' } }), d, reach)).toBe('teams');
    expect(personHome(person('cat', 'gone', { handles: { teams: 'T-cat' } }), d, reach)).toBe('slack');
  });
});

describe('the people and homes of a dispute', () => {
  const ann = person('ann', 'icb', { handles: { slack: 'U-ann' } });
  const ben = person('ben', 'council', { handles: { teams: 'T-ben' }, home: 'teams' });
  const d = dir([ann, ben]);
  const withLeaver = dispute('slack', [{ personId: 'ann' }, { personId: 'ben', leftAt: '2026-12-01T09:00:00.000Z' }]);

  it('someone who has left the dispute is no longer among its people, unless everyone who took part is asked for', () => {
    expect(currentPeople(withLeaver, d).map((p) => p.id)).toEqual(['ann']);
    expect(currentPeople(withLeaver, d, true).map((p) => p.id)).toEqual(['ann', 'ben']);
  });

  it('a leaver\'s home gets no case space, unless everyone is asked for', () => {
    expect(disputeHomes(withLeaver, d, reach)).toEqual(['slack']);
    expect(disputeHomes(withLeaver, d, reach, true).sort()).toEqual(['slack', 'teams']);
  });

  it('a dispute with nobody in it still has the fallback home', () => {
    expect(disputeHomes(dispute('teams', []), d, reach)).toEqual(['teams']);
  });
});
