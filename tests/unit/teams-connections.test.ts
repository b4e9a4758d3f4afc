import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectionForTenant, connectionList, loadConnections } from '../../src/adapters/teams/connections.ts';
import { claimedAudience } from '../../src/adapters/teams/connection-auth.ts';
import { loadEnv } from '../../src/platforms.ts';
import { routeEffects } from '../../src/app/routing.ts';
import { parseDirectory } from '../../src/config/directory.ts';
import type { Effect } from '../../src/domain/effects.ts';
import { disputeHomes, type Reach } from '../../src/domain/homes.ts';
import type { Dispute } from '../../src/domain/types.ts';

const A = '11111111-0000-4000-8000-00000000000a';
const B = '22222222-0000-4000-8000-00000000000b';
const B_KEY = 'teams:bbbbbbbb-0000-4000-8000-0000000000bb';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-conn-'));
const write = (name: string, text: string) => { const f = path.join(dir, name); fs.writeFileSync(f, text); return f; };
const secret = write('b.secret', 'secret-b\n');

describe('Teams connections: one single-tenant app registration per tenant', () => {
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads each connection with its secret; the first keeps the plain key, the others are keyed by tenant', () => {
    const file = write('ok.yaml', `connections:
  - { name: nhsmail, appId: ${A}, tenantId: Tenant-A, passwordEnv: NHSMAIL_SECRET }
  - { name: anytown-council, appId: ${B}, tenantId: Tenant-B, passwordFile: ${secret}, catalogAppId: cat-b }
`);
    const list = loadConnections({ TEAMS_CONNECTIONS_FILE: file }, { NHSMAIL_SECRET: 'secret-a' });
    expect(list.map((c) => [c.name, c.key, c.password])).toEqual([['nhsmail', 'teams', 'secret-a'], ['anytown-council', 'teams:tenant-b', 'secret-b']]);
    expect(list[1]!.catalogAppId).toBe('cat-b');
    expect(connectionForTenant(list, 'TENANT-B')?.name).toBe('anytown-council');
    expect(connectionForTenant(list, 'tenant-c')).toBeNull();
    // Routing needs no secret: the list is read without them.
    expect(connectionList({ TEAMS_CONNECTIONS_FILE: file }).map((c) => c.key)).toEqual(['teams', 'teams:tenant-b']);
  });

  it('keeps MICROSOFT_APP_* as the shorthand for a file of one connection', () => {
    expect(loadConnections({ MICROSOFT_APP_ID: A, MICROSOFT_APP_PASSWORD: 's', MICROSOFT_APP_TENANT_ID: 't' }))
      .toEqual([{ name: 'default', appId: A, tenantId: 't', key: 'teams', password: 's' }]);
    expect(loadConnections({})).toEqual([]);
  });

  it('stops the start naming the field and the fix for a bad file, a duplicate tenant, a missing secret, or both ways at once', () => {
    const load = (text: string, vars: NodeJS.ProcessEnv = {}) => () => loadConnections({ TEAMS_CONNECTIONS_FILE: write('bad.yaml', text) }, vars);
    expect(load(`connections:\n  - { name: a, appId: not-a-guid, tenantId: t, passwordEnv: X }\n`))
      .toThrow(/^TEAMS_CONNECTIONS_FILE \(.*bad\.yaml\): connections\[0\] \(a\)\.appId: must be the app registration's application \(client\) id/);
    expect(load(`connections:\n  - { name: a, appId: ${A}, tenantId: t, passwordEnv: X, passwordFile: /x }\n`)).toThrow(/connections\[0\] \(a\): give exactly one credential: passwordFile/);
    expect(load(`connections:\n  - { name: a, appId: ${A}, tenantId: t, passwordEnv: X }\n  - { name: b, appId: ${B}, tenantId: T, passwordEnv: Y }\n`, { X: '1', Y: '2' }))
      .toThrow(/connections\[1\] \(b\)\.tenantId: another connection has the same tenant \(T\); each tenant has one connection/);
    expect(load(`connections:\n  - { name: a, appId: ${A}, tenantId: t, passwordEnv: NOT_SET }\n`)).toThrow(/connections\[0\] \(a\)\.passwordEnv: NOT_SET is not set; it must hold the client secret of connection a/);
    expect(load('connections: [')).toThrow(/^TEAMS_CONNECTIONS_FILE \(.*\): is not YAML \(.*\); point it at a YAML file/);
    expect(() => loadConnections({ TEAMS_CONNECTIONS_FILE: path.join(dir, 'none.yaml') })).toThrow(/TEAMS_CONNECTIONS_FILE \(.*none\.yaml\): cannot be read \(ENOENT\)/);
    expect(() => connectionList({ TEAMS_CONNECTIONS_FILE: secret, MICROSOFT_APP_ID: A })).toThrow(/set either it or MICROSOFT_APP_ID, not both/);
    // The start says so before anything is read.
    expect(() => loadEnv({ TEAMS_CONNECTIONS_FILE: secret, MICROSOFT_APP_ID: A, MICROSOFT_APP_PASSWORD: 'p', MICROSOFT_APP_TENANT_ID: 't' }))
      .toThrow(/TEAMS_CONNECTIONS_FILE: set either it or MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD, not both/);
  });

  it('reads which app id a refused token claims, without trusting it', () => {
    const token = ['e30', Buffer.from(JSON.stringify({ aud: A })).toString('base64url'), 'sig'].join('.');
    expect(claimedAudience(`Bearer ${token}`)).toBe(A);
    expect(claimedAudience('Bearer not-a-token')).toBeNull();
    expect(claimedAudience(undefined)).toBeNull();
  });
});

describe('routing to the connection of each tenant', () => {
  const directory = parseDirectory(`
partnership: P
organisations:
  - { id: icb, name: The ICB, kind: ICB, homes: ["teams:aaaaaaaa-0000-4000-8000-0000000000aa"] }
  - { id: council, name: The Council, kind: LOCAL_AUTHORITY, homes: ["teams:bbbbbbbb-0000-4000-8000-0000000000bb"] }
people:
  - { id: ann, name: Ann, organisation: icb, roles: [OPERATIONAL_LEAD], teams: 00000000-0000-4000-8000-000000000001 }
  - { id: bob, name: Bob, organisation: council, roles: [OPERATIONAL_LEAD], teams: 00000000-0000-4000-8000-000000000002, home: teams }
`, 'directory.yaml');
  const keys: Record<string, string> = { 'aaaaaaaa-0000-4000-8000-0000000000aa': 'teams', 'bbbbbbbb-0000-4000-8000-0000000000bb': 'teams:bbbbbbbb-0000-4000-8000-0000000000bb' };
  const reach: Reach = {
    available: ['teams', 'teams:bbbbbbbb-0000-4000-8000-0000000000bb'], fallback: 'teams',
    serves: (_p, space) => !space || space in keys, homeKey: (p, space) => (space ? keys[space]! : p),
  };
  const d = { id: 'd1', raisedOn: 'teams', participants: ['ann', 'bob'].map((personId) => ({ personId, fromStage: 1, reason: '', addedAt: '', leftAt: null })) } as unknown as Dispute;

  it('[R5.2] gives a dispute with people in two tenants a space in each, each person invited and messaged through their own tenant\'s connection', () => {
    expect(disputeHomes(d, directory, reach).sort()).toEqual(['teams', 'teams:bbbbbbbb-0000-4000-8000-0000000000bb']);
    const now = '2026-12-07T10:00:00.000Z';
    const effects: Effect[] = [
      { kind: 'OPEN_CASE_SPACE', notBefore: now },
      { kind: 'INVITE', personIds: ['ann', 'bob'], notBefore: now },
      { kind: 'DM', personId: 'bob', message: { title: 't', lines: [], mentions: [] }, notBefore: now },
    ];
    const routed = routeEffects(d, effects, directory, reach).map((e) => [e.kind, e.platform, 'personIds' in e ? e.personIds : 'personId' in e ? e.personId : null]);
    expect(routed).toEqual([
      ['OPEN_CASE_SPACE', 'teams', null], ['OPEN_CASE_SPACE', B_KEY, null],
      ['INVITE', 'teams', ['ann']], ['INVITE', B_KEY, ['bob']],
      ['DM', B_KEY, 'bob'],
    ]);
  });
});
