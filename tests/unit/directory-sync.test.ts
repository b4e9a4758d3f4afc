import type { Directory } from '../../src/domain/types.ts';
import { fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { directory, Scenario } from '../helpers/domain.ts';

// Following the directory (handlers/directory.ts, R5.8), pinned without a database: events, effects, participants after.

const REF = 'S117-2026-0001';
const SYNC = { type: 'SYNC_DIRECTORY' } as const;
const without = (id: string, dir: Directory = directory): Directory => ({ ...dir, people: dir.people.filter((p) => p.id !== id) });
const withZoe = (dir: Directory = directory): Directory => ({
  ...dir, people: [...dir.people, { ...directory.people.find((p) => p.id === 'jon-park')!, id: 'zoe-new', name: 'Zoe New' }],
});
const JOINED = 'senior officer (joined when the directory changed)';

function endingAtStage3(): Scenario {
  const s = new Scenario();
  s.raise('ali-khan', fundingDispute({ subjects: ['ENDING_AFTERCARE'], endingProposal: true }));
  return s;
}

describe('syncing the directory', () => {
  it('[R5.8] a leaver leaves and is uninvited; a new role holder joins, is invited and announced', () => {
    const s = endingAtStage3();
    s.at('2026-12-08T10:00:00Z').runWith(withZoe(without('jon-park')), 'system', SYNC);
    expect(s.last.events).toEqual([
      { type: 'PARTICIPANT_LEFT', data: { personId: 'jon-park', reason: 'no longer in the directory' } },
      { type: 'PARTICIPANT_JOINED', data: { personId: 'zoe-new', reason: JOINED } },
    ]);
    expect(s.last.effects).toEqual([
      { kind: 'UNINVITE', personIds: ['jon-park'], notBefore: '2026-12-08T10:00:00.000Z' },
      { kind: 'INVITE', personIds: ['zoe-new'], notBefore: '2026-12-08T10:00:00.000Z' },
      {
        kind: 'POST', notBefore: '2026-12-08T10:00:00.000Z',
        message: {
          title: `${REF}: new people join from the directory`,
          lines: ['Zoe New: now in a role at this dispute\'s stage, so able to act on it at once.'], mentions: ['zoe-new'],
        },
      },
      { kind: 'REFRESH_CARD', notBefore: '2026-12-08T10:00:00.000Z' },
    ]);
    expect(s.dispute.participants.filter((p) => ['jon-park', 'zoe-new'].includes(p.personId))).toEqual([
      { personId: 'jon-park', fromStage: 3, reason: 'senior officer', addedAt: '2026-12-07T10:00:00.000Z', leftAt: '2026-12-08T10:00:00.000Z' },
      { personId: 'zoe-new', fromStage: 3, reason: JOINED, addedAt: '2026-12-08T10:00:00.000Z', leftAt: null },
    ]);
  });

  it('[R5.8] two new role holders are invited together and named in one line, separated by a comma', () => {
    const s = endingAtStage3();
    const jon = directory.people.find((p) => p.id === 'jon-park')!;
    const two = { ...directory, people: [...directory.people, { ...jon, id: 'zoe-new', name: 'Zoe New' }, { ...jon, id: 'yan-new', name: 'Yan New' }] };
    s.at('2026-12-08T10:00:00Z').runWith(two, 'system', SYNC);
    expect(s.last.effects).toEqual([
      { kind: 'INVITE', personIds: ['zoe-new', 'yan-new'], notBefore: '2026-12-08T10:00:00.000Z' },
      {
        kind: 'POST', notBefore: '2026-12-08T10:00:00.000Z',
        message: {
          title: `${REF}: new people join from the directory`,
          lines: ['Zoe New, Yan New: now in a role at this dispute\'s stage, so able to act on it at once.'], mentions: ['zoe-new', 'yan-new'],
        },
      },
      { kind: 'REFRESH_CARD', notBefore: '2026-12-08T10:00:00.000Z' },
    ]);
  });

  it('[R5.8][R0.4] out of hours a leaver loses access at once; joiners are invited and announced at the next working-hours start', () => {
    const s = endingAtStage3();
    s.at('2026-12-12T10:00:00Z').runWith(withZoe(without('jon-park')), 'system', SYNC);
    expect(s.last.effects.map((e) => [e.kind, e.notBefore])).toEqual([
      ['UNINVITE', '2026-12-12T10:00:00.000Z'],
      ['INVITE', '2026-12-14T09:00:00.000Z'],
      ['POST', '2026-12-14T09:00:00.000Z'],
      ['REFRESH_CARD', '2026-12-12T10:00:00.000Z'],
    ]);
  });

  it('[R5.8] a leaver only: uninvited and the card refreshed, nobody invited or announced', () => {
    const s = endingAtStage3();
    s.at('2026-12-08T10:00:00Z').runWith(without('jon-park'), 'system', SYNC);
    expect(s.last.effects).toEqual([
      { kind: 'UNINVITE', personIds: ['jon-park'], notBefore: '2026-12-08T10:00:00.000Z' },
      { kind: 'REFRESH_CARD', notBefore: '2026-12-08T10:00:00.000Z' },
    ]);
  });

  it('[R5.8] a joiner only: invited, announced and the card refreshed, nobody uninvited', () => {
    const s = endingAtStage3();
    s.at('2026-12-08T10:00:00Z').runWith(withZoe(), 'system', SYNC);
    expect(s.last.effects.map((e) => e.kind)).toEqual(['INVITE', 'POST', 'REFRESH_CARD']);
  });

  it('[R5.8] nothing changed: no events and no effects', () => {
    const s = endingAtStage3();
    s.runWith(directory, 'system', SYNC);
    expect(s.last.events).toEqual([]);
    expect(s.last.effects).toEqual([]);
  });

  it('[R5.8] someone who comes back to the directory rejoins on their own record, not a second one', () => {
    const s = endingAtStage3();
    s.at('2026-12-08T10:00:00Z').runWith(without('jon-park'), 'system', SYNC);
    s.at('2026-12-09T10:00:00Z').runWith(directory, 'system', SYNC);
    expect(s.last.events).toEqual([{ type: 'PARTICIPANT_JOINED', data: { personId: 'jon-park', reason: JOINED } }]);
    expect(s.dispute.participants.filter((p) => p.personId === 'jon-park'))
      .toEqual([{ personId: 'jon-park', fromStage: 3, reason: JOINED, addedAt: '2026-12-07T10:00:00.000Z', leftAt: null }]);
  });

  it('[R5.8] someone who already left is not marked as leaving again by a later sync', () => {
    const s = endingAtStage3();
    s.at('2026-12-08T10:00:00Z').runWith(without('jon-park'), 'system', SYNC);
    s.at('2026-12-09T10:00:00Z').runWith(without('jon-park'), 'system', SYNC);
    expect(s.last.events).toEqual([]);
    expect(s.last.effects).toEqual([]);
    expect(s.dispute.participants.find((p) => p.personId === 'jon-park')!.leftAt).toBe('2026-12-08T10:00:00.000Z');
  });

  it('[R5.8] a raiser who left the directory is not brought back by their role as raiser', () => {
    const s = endingAtStage3();
    s.at('2026-12-08T10:00:00Z').runWith(without('ali-khan'), 'system', SYNC);
    expect(s.last.events).toEqual([{ type: 'PARTICIPANT_LEFT', data: { personId: 'ali-khan', reason: 'no longer in the directory' } }]);
    expect(s.dispute.participants.find((p) => p.personId === 'ali-khan')!.leftAt).toBe('2026-12-08T10:00:00.000Z');
  });

  it('[R5.8] when every participant has left, the raiser and named professional are not brought back from outside the directory', () => {
    const s = endingAtStage3();
    const nobody = ['ali-khan', 'gus-hart', 'eve-ford', 'jon-park'].reduce((dir, id) => without(id, dir), directory);
    s.at('2026-12-08T10:00:00Z').runWith(nobody, 'system', SYNC);
    expect(s.events()).toEqual(Array(4).fill('PARTICIPANT_LEFT'));
    expect(s.last.effects).toEqual([
      { kind: 'UNINVITE', personIds: ['ali-khan', 'gus-hart', 'eve-ford', 'jon-park'], notBefore: '2026-12-08T10:00:00.000Z' },
      { kind: 'REFRESH_CARD', notBefore: '2026-12-08T10:00:00.000Z' },
    ]);
    expect(s.dispute.participants.every((p) => p.leftAt === '2026-12-08T10:00:00.000Z')).toBe(true);
  });

  it('[R5.8] at Stage 2 a new holder of a Stage 1 role joins too, from the current stage', () => {
    const s = new Scenario();
    s.raise();
    s.sweep('2026-12-14T17:00:00Z');
    const newLead = { ...directory, people: [...directory.people, { ...directory.people.find((p) => p.id === 'ivy-nash')!, id: 'uma-lead', name: 'Uma Lead' }] };
    s.at('2026-12-15T10:00:00Z').runWith(newLead, 'system', SYNC);
    expect(s.last.events).toEqual([{ type: 'PARTICIPANT_JOINED', data: { personId: 'uma-lead', reason: 'operational lead (joined when the directory changed)' } }]);
    expect(s.dispute.participants.find((p) => p.personId === 'uma-lead')).toMatchObject({ fromStage: 2, addedAt: '2026-12-15T10:00:00.000Z' });
  });

  it('[R5.8] a resolved dispute no longer follows the directory', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'AGREEMENT' } });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('gus-hart', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect(s.dispute.status).toBe('RESOLVED');
    s.runWith(without('gus-hart'), 'system', SYNC);
    expect(s.last.events).toEqual([]);
    expect(s.last.effects).toEqual([]);
    expect(s.dispute.participants.every((p) => p.leftAt === null)).toBe(true);
  });
});
