import { routeEffects } from '../../src/app/routing.ts';
import { directoryAdvice } from '../../src/config/directory-advice.ts';
import { DirectoryError, parseDirectory } from '../../src/config/directory.ts';
import { loadEnv } from '../../src/platforms.ts';
import type { Effect } from '../../src/domain/effects.ts';
import { disputeHomes, personHome } from '../../src/domain/homes.ts';
import type { Directory, Dispute } from '../../src/domain/types.ts';
import { homeService } from '../../src/platforms.ts';

const yaml = (icbHomes: string, councilHomes: string, extra = '') => `
partnership: P
organisations:
  - { id: icb, name: The ICB, kind: ICB${icbHomes ? `, homes: ${icbHomes}` : ''} }
  - { id: council, name: The Council, kind: LOCAL_AUTHORITY${councilHomes ? `, homes: ${councilHomes}` : ''} }
people:
  - { id: ann, name: Ann, organisation: icb, roles: [OPERATIONAL_LEAD], slack: U0ANN0001, email: ann@icb.nhs.uk }
  - { id: bob, name: Bob, organisation: council, roles: [OPERATIONAL_LEAD], slack: U0BOB0001, teams: 00000000-0000-4000-8000-000000000001, email: bob@council.gov.uk }
  - { id: cy, name: Cy, organisation: council, roles: [SENIOR_OFFICER], slack: U0CY00001, email: cy@council.gov.uk, home: email }
${extra}`;

const dispute = (participants: string[], raisedOn: Dispute['raisedOn'] = 'slack') => ({
  id: 'd1', raisedOn, participants: participants.map((personId) => ({ personId, fromStage: 1, reason: '', addedAt: '', leftAt: null })),
}) as unknown as Dispute;

const now = '2026-12-07T10:00:00.000Z';
const effects: Effect[] = [
  { kind: 'OPEN_CASE_SPACE', notBefore: now },
  { kind: 'INVITE', personIds: ['ann', 'bob', 'cy'], notBefore: now },
  { kind: 'POST', message: { title: 'S117-2026-0001: Stage 1', lines: [], mentions: ['ann', 'bob', 'cy'] }, notBefore: now },
  { kind: 'DM', personId: 'cy', message: { title: 'You are part of S117-2026-0001', lines: [], mentions: [] }, notBefore: now },
  { kind: 'GOVERNANCE', message: { title: 'g', lines: [], mentions: [] }, notBefore: now },
];
const all = { available: ['slack', 'teams', 'email'], fallback: 'slack' };

describe('where each organisation works (homes)', () => {
  it('reads homes from the directory, and names the entry and the fix for a bad one', () => {
    const d = parseDirectory(yaml('[email]', '["teams:00000000-0000-4000-8000-0000000000aa", "slack:T0COUNCIL"]'));
    expect(d.organisations[0]!.homes).toEqual([{ platform: 'email', space: null }]);
    expect(d.organisations[1]!.homes).toEqual([{ platform: 'teams', space: '00000000-0000-4000-8000-0000000000aa' }, { platform: 'slack', space: 'T0COUNCIL' }]);
    let err: unknown;
    try { parseDirectory(yaml('["teams:not-a-tenant"]', '')); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(DirectoryError);
    expect((err as DirectoryError).problems.join()).toMatch(/organisations\[0\] \(icb\)\.homes\[0\]: must be slack:T… .*teams:<Microsoft Entra tenant id> or email/);
  });

  it('reaches a person in their own home, else their organisation\'s first home they can be reached in, else where the dispute was raised', () => {
    const d = parseDirectory(yaml('[email]', '[teams, slack]'));
    const by = (id: string) => d.people.find((p) => p.id === id)!;
    expect(personHome(by('ann'), d, all)).toBe('email');
    expect(personHome(by('bob'), d, all)).toBe('teams');
    expect(personHome(by('cy'), d, all)).toBe('email');
    // Teams not connected: the council's next home.
    expect(personHome(by('bob'), d, { available: ['slack', 'email'], fallback: 'slack' })).toBe('slack');
    const none = parseDirectory(yaml('', ''));
    expect(personHome(none.people[0]!, none, all)).toBe('slack');
    expect(disputeHomes(dispute(['ann', 'bob', 'cy']), d, all).sort()).toEqual(['email', 'teams']);
  });

  it('a dispute whose people all work where it was raised is routed as before: the same rows, no platform named', () => {
    const d = parseDirectory(yaml('', '').replace(', home: email', ''));
    expect(routeEffects(dispute(['ann', 'bob', 'cy']), effects, d, all)).toEqual(effects);
    expect(routeEffects(dispute(['ann', 'bob', 'cy']), effects, d, null)).toEqual(effects);
  });

  it('sends a space, its invitations and its posts to each chat home, direct messages where the person works, and names to e-mail', () => {
    const d: Directory = parseDirectory(yaml('[email]', '[slack]'));
    const routed = routeEffects(dispute(['ann', 'bob', 'cy']), effects, d, all);
    expect(routed.map((e) => [e.kind, e.platform ?? null, 'personIds' in e ? e.personIds : 'personId' in e ? e.personId : null])).toEqual([
      ['OPEN_CASE_SPACE', 'slack', null],
      ['INVITE', 'slack', ['bob']],
      ['POST', 'slack', null],
      // Ann is named in the post and works by e-mail; Cy is written to directly, so the post adds no second e-mail.
      ['DM', 'email', 'ann'],
      ['DM', 'email', 'cy'],
      ['GOVERNANCE', null, null],
    ]);
  });

  it('takes someone out of every space they may be in, even a home nobody else works in now', () => {
    // Bob was the council's only person in its Teams space; Ann works in Slack, where the dispute was raised.
    const d = parseDirectory(yaml('[slack]', '[teams]'));
    const left = dispute(['ann', 'bob']);
    (left.participants[1] as { leftAt: string | null }).leftAt = now;
    const routed = routeEffects(left, [{ kind: 'UNINVITE', personIds: ['bob'], notBefore: now }], d, all);
    expect(routed.map((e) => [e.kind, e.platform, 'personIds' in e ? e.personIds : null]).sort()).toEqual([
      ['UNINVITE', 'slack', ['bob']], ['UNINVITE', 'teams', ['bob']],
    ]);
  });

  it('skips a home in a workspace or tenant this deployment does not serve, and a person\'s own home alone turns routing on', () => {
    const d = parseDirectory(yaml('', '["teams:00000000-0000-4000-8000-0000000000aa", email]'));
    const bob = d.people.find((p) => p.id === 'bob')!;
    const tenantBOnly = { ...all, serves: (platform: string, space: string | null) => platform !== 'teams' || space === '00000000-0000-4000-8000-0000000000bb' };
    expect(personHome(bob, d, tenantBOnly)).toBe('email');
    expect(personHome(bob, d, { ...all, serves: () => true })).toBe('teams');
    const noHomes = parseDirectory(yaml('', ''));
    expect(noHomes.organisations.every((o) => !o.homes)).toBe(true);
    expect(noHomes.people.find((p) => p.id === 'cy')!.home).toBe('email');
  });

  it('`s117 directory check` explains a home that no configured connection serves, and what would connect it', () => {
    const d = parseDirectory(yaml('[email]', '["teams:00000000-0000-4000-8000-0000000000aa", slack]', '  - { id: dee, name: Dee, organisation: icb, roles: [SENIOR_OFFICER] }'));
    const raw = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', MICROSOFT_APP_ID: 'a', MICROSOFT_APP_PASSWORD: 'p', MICROSOFT_APP_TENANT_ID: '00000000-0000-4000-8000-0000000000bb' };
    const advice = directoryAdvice(d, homeService(loadEnv(raw)));
    expect(advice).toEqual(expect.arrayContaining([
      expect.stringMatching(/^The ICB \(icb\) works in email, which this bot is not connected to.*Set SMTP_URL and MAIL_FROM, or take email out of its homes\.$/),
      expect.stringMatching(/^The Council \(council\) works in teams:00000000-0000-4000-8000-0000000000aa, which this bot is not connected to.*Set MICROSOFT_APP_ID/),
      expect.stringMatching(/^Dee \(dee\) works at The ICB, which works by e-mail, but has no email.*Add email:/),
    ]));
    expect(advice.join('\n')).not.toMatch(/works in slack/);
    const served = directoryAdvice(d, homeService(loadEnv({ ...raw, SMTP_URL: 'smtp://relay:25', MAIL_FROM: 'a@b.nhs.uk', MICROSOFT_APP_TENANT_ID: '00000000-0000-4000-8000-0000000000aa' })));
    expect(served.join('\n')).not.toMatch(/which this bot is not connected to/);
  });
});
