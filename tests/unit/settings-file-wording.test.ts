import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDirectory } from '../../src/config/directory.ts';
import { loadOidcProviders } from '../../src/config/oidc-providers.ts';
import { loadConnections } from '../../src/adapters/teams/connections.ts';
import { loadWorkspaces } from '../../src/adapters/slack/workspaces.ts';
import { loadEnv } from '../../src/platforms.ts';

// Every settings file says what is wrong the same way: the setting and the file, the entry (by its id or name), the
// field, and what to write, in plain English. The validator's own wording ("Invalid input: expected string, received
// number", "Unrecognized key") tells an administrator editing YAML neither what the field holds nor how to fix it.

const ZOD_WORDING = /Invalid input|expected \w+, received|Unrecognized key|Too small|Too big|Invalid option|Invalid string|>=|<=/;
const A = '11111111-2222-3333-4444-555555555555';

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-file-wording-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (text: string): string => {
  const f = path.join(dir, `f-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(f, text);
  return f;
};
const problem = (fn: () => unknown): string => {
  try { fn(); } catch (e) { return (e as Error).message; }
  throw new Error('no problem reported');
};

const DIRECTORY_OK = `partnership: Anytown
organisations:
  - { id: anytown-icb, name: Anytown ICB, kind: ICB }
  - { id: anytown-council, name: Anytown Council, kind: LOCAL_AUTHORITY }
people:
`;
const directory = (people: string) => problem(() => loadDirectory(write(DIRECTORY_OK + people)));
const oidc = (text: string) => {
  const file = write(text);
  return problem(() => loadOidcProviders(loadEnv({ SESSION_SECRET: 'x'.repeat(32), PUBLIC_URL: 'https://s117.example.nhs.uk', OIDC_PROVIDERS_FILE: file })));
};
const teams = (text: string) => problem(() => loadConnections({ TEAMS_CONNECTIONS_FILE: write(text) }, { X: 'secret' }));
const slack = (text: string) => problem(() => loadWorkspaces(write(text), { T: 'xoxb-t' }));

describe('settings files: the file, the entry, the field and the fix, in plain English', () => {
  it.each([
    ['directory: a number where text goes', () => directory('  - { id: jo-smith, name: 1234, organisation: anytown-icb, roles: [TEAM_MANAGER] }\n'),
      /people\[0\] \(jo-smith\)\.name: must be text \(it is the number 1234\): put it in quotes, like "1234"/],
    ['directory: a field it does not know', () => directory('  - { id: jo-smith, name: Jo, organisation: anytown-icb, roles: [TEAM_MANAGER], phone: 1 }\n'),
      /people\[0\] \(jo-smith\): has "phone", which is not a field here: check its spelling \(names are case-sensitive\), or remove it/],
    ['directory: a missing field', () => directory('  - { id: jo-smith, organisation: anytown-icb, roles: [TEAM_MANAGER] }\n'),
      /people\[0\] \(jo-smith\)\.name: is missing: add name: to this entry/],
    ['OIDC providers: a number where text goes', () => oidc('providers:\n  - { issuer: "https://idp.example", clientId: 42, clientSecretFile: /x }\n'),
      /^OIDC_PROVIDERS_FILE \(.*\): providers\[0\] \(https:\/\/idp\.example\)\.clientId: must be text \(it is the number 42\): put it in quotes, like "42"/],
    ['OIDC providers: a field it does not know', () => oidc('providers:\n  - { issuer: "https://idp.example", clientID: a, clientSecretFile: /x }\n'),
      /^OIDC_PROVIDERS_FILE \(.*\): providers\[0\] \(https:\/\/idp\.example\): has "clientID", which is not a field here/m],
    ['OIDC providers: not a list', () => oidc('providers: https://idp.example\n'),
      /^OIDC_PROVIDERS_FILE \(.*\): providers: must be a list \(lines starting with "- "\) \(it is text\)/],
    ['Teams connections: a number where text goes', () => teams(`connections:\n  - { name: 7, appId: ${A}, tenantId: t, passwordEnv: X }\n`),
      /^TEAMS_CONNECTIONS_FILE \(.*\): connections\[0\]\.name: must be text \(it is the number 7\): put it in quotes, like "7"/],
    ['Teams connections: a missing field', () => teams(`connections:\n  - { name: nhsmail, tenantId: t, passwordEnv: X }\n`),
      /^TEAMS_CONNECTIONS_FILE \(.*\): connections\[0\] \(nhsmail\)\.appId: is missing: add appId: to this entry/],
    ['Slack workspaces: a field it does not know', () => slack('workspaces:\n  - { team: T0A1, token: xoxb-inline }\n'),
      /^SLACK_WORKSPACES_FILE \(.*\): workspaces\[0\] \(T0A1\): has "token", which is not a field here/],
    ['Slack workspaces: a number where text goes', () => slack('workspaces:\n  - { team: T0A1, token_env: T, name: 2026 }\n'),
      /^SLACK_WORKSPACES_FILE \(.*\): workspaces\[0\] \(T0A1\)\.name: must be text \(it is the number 2026\): put it in quotes, like "2026"/],
    ['Slack workspaces: an empty file', () => slack(''),
      /^SLACK_WORKSPACES_FILE \(.*\): the file is empty or not a set of "name: value" lines: start it with workspaces:/],
  ])('%s', (_what, run, expected) => {
    const message = run();
    expect(message).toMatch(expected);
    expect(message).not.toMatch(ZOD_WORDING);
  });
});
