import { maySeeDispute, seesEveryDispute, seesOrganisationDisputes, stageParticipants } from '../../src/domain/participants.ts';
import type { Directory, Participant, Person, Role } from '../../src/domain/types.ts';
import { directory } from '../helpers/domain.ts';

// Who takes part in each stage (R5.8), straight from the directory as it is now, and who may see a dispute.

const COUNCIL_AND_ICB = [{ organisationId: 'anytown-council' }, { organisationId: 'anytown-icb' }];
const dispute = (over: Partial<Parameters<typeof stageParticipants>[0]> = {}): Parameters<typeof stageParticipants>[0] => ({
  raisedById: 'ali-khan', namedProfessionals: ['gus-hart'], legalAdviceAsked: false, parties: COUNCIL_AND_ICB, participants: [], ...over,
});
const without = (...ids: string[]): Directory => ({ ...directory, people: directory.people.filter((p) => !ids.includes(p.id)) });
const person = (roles: Role[], id = 'sam-test'): Person => ({ id, name: 'Sam Test', organisationId: 'anytown-council', roles, managerId: null, handles: {}, email: null });
const participant = (personId: string): Participant => ({ personId, fromStage: 1, reason: 'raised the dispute', addedAt: '2026-12-07T10:00:00.000Z', leftAt: null });

describe('stage participants', () => {
  it('[R5.8] at Stage 1: the raiser and the named professionals first, then each party\'s operational lead; the first reason stays', () => {
    expect(stageParticipants(dispute({ raisedById: 'dee-obi' }), 1, directory)).toEqual({
      added: [
        { personId: 'dee-obi', reason: 'raised the dispute' },
        { personId: 'gus-hart', reason: 'named professional' },
        { personId: 'ivy-nash', reason: 'operational lead' },
      ],
      gaps: [],
    });
  });

  it('[R5.8] [R2.5] leaves out a withdrawn party: nobody of it joins and it is no gap', () => {
    const parties = [...COUNCIL_AND_ICB, { organisationId: 'anytown-trust', withdrawnAt: '2026-12-08T10:00:00.000Z' }];
    expect(stageParticipants(dispute({ parties }), 1, directory)).toEqual({
      added: [
        { personId: 'ali-khan', reason: 'raised the dispute' },
        { personId: 'gus-hart', reason: 'named professional' },
        { personId: 'dee-obi', reason: 'operational lead' },
        { personId: 'ivy-nash', reason: 'operational lead' },
      ],
      gaps: [],
    });
  });

  it('[R5.8] copes with a raiser, a named professional or a party organisation no longer in the directory', () => {
    const gone = stageParticipants(dispute({ raisedById: 'zed-gone' }), 1, directory);
    expect(gone.added.map((a) => a.personId)).toEqual(['zed-gone', 'gus-hart', 'dee-obi', 'ivy-nash']);
    expect(gone.gaps).toEqual([]);
    const orgGone = stageParticipants(dispute({ parties: [...COUNCIL_AND_ICB, { organisationId: 'gone-trust' }] }), 1, directory);
    expect(orgGone.gaps).toEqual(['gone-trust']);
    const named = stageParticipants(dispute({ namedProfessionals: ['zed-gone'], participants: [participant('ali-khan')] }), 2, directory);
    expect(named).toEqual({
      added: [
        { personId: 'bea-jones', reason: 'line manager of a Stage 1 professional' },
        { personId: 'ivy-nash', reason: 'ICB operational lead' },
        { personId: 'cal-reid', reason: 'mental health service lead' },
      ],
      gaps: [],
    });
  });

  it('[R5.8] at Stage 2 a line manager joins only while in the directory', () => {
    const r = stageParticipants(dispute({ participants: [participant('ali-khan'), participant('gus-hart')] }), 2, without('bea-jones'));
    expect(r).toEqual({
      added: [
        { personId: 'hal-moss', reason: 'line manager of a Stage 1 professional' },
        { personId: 'ivy-nash', reason: 'ICB operational lead' },
        { personId: 'cal-reid', reason: 'mental health service lead' },
      ],
      gaps: [],
    });
  });

  it('[R5.8] Stage 4 adds nobody and reports no gap: the Stage 3 senior officers carry it', () => {
    expect(stageParticipants(dispute({ participants: [participant('eve-ford'), participant('jon-park')] }), 4, directory)).toEqual({ added: [], gaps: [] });
  });
});

describe('who sees a dispute', () => {
  it('only governance leads see every dispute; administrators and senior officers see their organisation\'s', () => {
    expect(seesEveryDispute(person(['GOVERNANCE_LEAD']))).toBe(true);
    expect(seesEveryDispute(person(['ADMIN']))).toBe(false);
    expect(seesEveryDispute(person(['SENIOR_OFFICER']))).toBe(false);
    expect(seesOrganisationDisputes(person(['LEGAL_ADVISOR', 'SENIOR_OFFICER']))).toBe(true);
    expect(seesOrganisationDisputes(person(['ADMIN']))).toBe(true);
    expect(seesOrganisationDisputes(person(['SOCIAL_WORKER', 'TEAM_MANAGER']))).toBe(false);
    expect(seesEveryDispute(person([]))).toBe(false);
  });

  it('a participant sees the dispute, a senior officer only if their organisation is or was a party; nobody else, and no unknown person', () => {
    const d = { participants: [participant('ali-khan'), participant('sam-test')], parties: [{ organisationId: 'anytown-council' }] };
    const other = (roles: Role[], org: string) => ({ ...person(roles, 'tom-other'), organisationId: org });
    expect(maySeeDispute(person(['SOCIAL_WORKER']), d)).toBe(true);
    expect(maySeeDispute(person(['SOCIAL_WORKER'], 'tom-other'), d)).toBe(false);
    expect(maySeeDispute(other(['SENIOR_OFFICER'], 'anytown-council'), d)).toBe(true);
    expect(maySeeDispute(other(['SENIOR_OFFICER'], 'othertown-council'), d)).toBe(false);
    expect(maySeeDispute(other(['TEAM_MANAGER'], 'anytown-council'), d)).toBe(false);
    expect(maySeeDispute(other(['GOVERNANCE_LEAD'], 'othertown-council'), d)).toBe(true);
    expect(maySeeDispute(null, d)).toBe(false);
  });

  it('[R5.8] a former participant (left, moved organisation, or whose organisation withdrew) no longer sees it; their senior officer still does', () => {
    const parties = [{ organisationId: 'anytown-council' }, { organisationId: 'anytown-icb', withdrawnAt: '2026-12-08T10:00:00.000Z' }];
    const icb = (roles: Role[], id: string) => ({ ...person(roles, id), organisationId: 'anytown-icb' });
    const d = { participants: [participant('sam-test'), { ...participant('ali-khan'), leftAt: '2026-12-08T10:00:00.000Z' }, participant('gus-hart')], parties };
    expect(maySeeDispute(person(['SOCIAL_WORKER']), d)).toBe(true);
    // Left (the directory sync marked them): no longer.
    expect(maySeeDispute(person(['SOCIAL_WORKER'], 'ali-khan'), d)).toBe(false);
    // Moved to an organisation that is no party.
    expect(maySeeDispute({ ...person(['SOCIAL_WORKER']), organisationId: 'anytown-trust' }, d)).toBe(false);
    // Their organisation withdrew: its staff lose it, its senior officer keeps it.
    expect(maySeeDispute(icb(['HEALTH_PROFESSIONAL'], 'gus-hart'), d)).toBe(false);
    expect(maySeeDispute(icb(['SENIOR_OFFICER'], 'jon-park'), d)).toBe(true);
    expect(maySeeDispute(icb(['GOVERNANCE_LEAD'], 'pat-lee'), d)).toBe(true);
  });
});
