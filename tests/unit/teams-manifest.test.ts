import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error: a plain .mjs script without types
import { fillManifest, GRAPH_PERMISSIONS, manifestProblems, packageAll, packagesFor, packageTeams } from '../../scripts/package-teams.mjs';
import { HELP_LINES } from '../../src/adapters/teams/cards.ts';

const env = { MICROSOFT_APP_ID: '11111111-2222-3333-4444-555555555555', PUBLIC_URL: 'https://s117.example.nhs.uk' };

/** Names of the entries in a zip, read from its local file headers. */
function zipEntries(buf: Buffer): string[] {
  const names: string[] = [];
  for (let i = buf.indexOf('PK\x03\x04'); i >= 0; i = buf.indexOf('PK\x03\x04', i + 4)) {
    const len = buf.readUInt16LE(i + 26);
    names.push(buf.subarray(i + 30, i + 30 + len).toString('utf8'));
  }
  return names;
}

function pngSize(file: string): [number, number] {
  const b = fs.readFileSync(file);
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe('the Teams app package', () => {
  it('matches Microsoft\'s published manifest schema once filled in', () => {
    expect(manifestProblems(fillManifest(env))).toEqual([]);
  });

  it('is checked for real: a broken manifest is reported', () => {
    const m = fillManifest(env);
    delete m.id;
    m.composeExtensions[0].commands[0].type = 'teleport';
    const problems = manifestProblems(m);
    expect(problems.join('\n')).toMatch(/id/);
    expect(problems.join('\n')).toMatch(/composeExtensions\/0\/commands\/0\/type/);
  });

  it('refuses to package without a real app id and address, naming what to set', () => {
    expect(() => fillManifest({ PUBLIC_URL: 'nope' })).toThrow(/MICROSOFT_APP_ID: must be the bot's app id[\s\S]*PUBLIC_URL: must be/);
  });

  it('lists the commands the bot answers and the "Record as decision" action the bot handles', () => {
    const m = fillManifest(env);
    const titles = m.bots[0].commandLists[0].commands.map((c: { title: string }) => c.title);
    expect(titles).toEqual(['raise', 'status', 'list', 'escalate', 'report', 'help']);
    for (const t of titles) expect(HELP_LINES.join('\n')).toMatch(new RegExp(`^${t} `, 'm'));
    expect(m.composeExtensions[0].commands[0]).toMatchObject({ id: 'recordDecision', type: 'action', context: ['message'], fetchTask: true });
    expect(m.bots[0].botId).toBe(env.MICROSOFT_APP_ID);
    expect(m.validDomains).toEqual(['s117.example.nhs.uk']);
  });

  it.each(['thread', 'channel', 'chat'])('in %s mode matches the schema and asks for exactly what that mode uses', (mode) => {
    const m = fillManifest({ ...env, TEAMS_CASE_SPACES: mode });
    expect(manifestProblems(m)).toEqual([]);
    // Only channel mode creates channels in the team, so only it asks a team owner for that.
    expect(m.authorization?.permissions.resourceSpecific ?? []).toEqual(mode === 'channel' ? [{ name: 'Channel.Create.Group', type: 'Application' }] : []);
    // Teams refuses a package with RSC permissions whose webApplicationInfo has no resource (any value, but present).
    if (mode === 'channel') expect(m.webApplicationInfo).toEqual({ id: env.MICROSOFT_APP_ID, resource: 'https://s117.example.nhs.uk' });
    else expect(m.webApplicationInfo).toEqual({ id: env.MICROSOFT_APP_ID });
    // Chat mode installs the bot in each dispute's group chat.
    expect(m.bots[0].scopes).toEqual(mode === 'chat' ? ['personal', 'team', 'groupChat'] : ['personal', 'team']);
  });

  it('names the Graph permissions an administrator must consent to for private chats', () => {
    expect(GRAPH_PERMISSIONS.chat).toEqual(['Chat.Create', 'ChatMember.ReadWrite.All', 'TeamsAppInstallation.ReadWriteSelfForChat.All', 'Chat.ReadBasic.All', 'AppCatalog.Read.All']);
    // The Teams guide (docs/teams.md, linked from the README) lists them for the administrator.
    const guide = fs.readFileSync('docs/teams.md', 'utf8');
    for (const p of GRAPH_PERMISSIONS.chat) expect(guide).toContain(`\`${p}\``);
  });

  it('refuses an http:// address, and takes its version from package.json', () => {
    expect(() => fillManifest({ ...env, PUBLIC_URL: 'http://s117.example.nhs.uk' })).toThrow(/PUBLIC_URL: must start with https:\/\//);
    expect(() => fillManifest({ ...env, TEAMS_CASE_SPACES: 'carrier-pigeon' })).toThrow(/TEAMS_CASE_SPACES: must be chat, thread or channel/);
    const m = fillManifest(env);
    expect(m.version).toBe(JSON.parse(fs.readFileSync('package.json', 'utf8')).version);
    expect(m.developer).toMatchObject({ privacyUrl: 'https://s117.example.nhs.uk/privacy', termsOfUseUrl: 'https://s117.example.nhs.uk/terms' });
  });

  it('ships the two icons at the sizes Teams requires, and zips everything for upload', async () => {
    expect(pngSize('manifests/teams/color.png')).toEqual([192, 192]);
    expect(pngSize('manifests/teams/outline.png')).toEqual([32, 32]);
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 's117-teams-')), 'app.zip');
    await packageTeams(env, out);
    expect(zipEntries(fs.readFileSync(out)).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
  });
});

describe('one Teams app package per connection', () => {
  it('writes a package per connection in TEAMS_CONNECTIONS_FILE, each with that connection\'s app id', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-pkg-'));
    try {
      const file = path.join(dir, 'connections.yaml');
      fs.writeFileSync(file, [
        'connections:',
        '  - { name: nhsmail, appId: 11111111-0000-4000-8000-0000000000a1, tenantId: t-a, passwordEnv: A }',
        '  - { name: anytown-council, appId: 22222222-0000-4000-8000-0000000000b2, tenantId: t-b, passwordEnv: B }',
      ].join('\n'));
      const made = await packageAll({ PUBLIC_URL: env.PUBLIC_URL, TEAMS_CASE_SPACES: 'chat', TEAMS_CONNECTIONS_FILE: file }, dir);
      expect(made.map((m: { file: string }) => path.basename(m.file))).toEqual(['teams-app-nhsmail.zip', 'teams-app-anytown-council.zip']);
      for (const m of made) expect(zipEntries(fs.readFileSync(m.file))).toEqual(['manifest.json', 'color.png', 'outline.png']);
      // Each tenant's package is its own app: the manifest and the bot carry that connection's app id.
      const ids = packagesFor({ PUBLIC_URL: env.PUBLIC_URL, TEAMS_CONNECTIONS_FILE: file }).map((p: { env: Record<string, string> }) => {
        const m = fillManifest(p.env);
        return [m.id, m.bots[0].botId];
      });
      expect(ids).toEqual([['11111111-0000-4000-8000-0000000000a1', '11111111-0000-4000-8000-0000000000a1'], ['22222222-0000-4000-8000-0000000000b2', '22222222-0000-4000-8000-0000000000b2']]);
      fs.writeFileSync(file, 'connections:\n  - { name: bad, appId: nope, tenantId: t, passwordEnv: A }\n');
      await expect(packageAll({ PUBLIC_URL: env.PUBLIC_URL, TEAMS_CONNECTIONS_FILE: file }, dir)).rejects.toThrow(/^connection bad: MICROSOFT_APP_ID: must be the bot's app id/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
