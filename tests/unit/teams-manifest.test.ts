import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error: a plain .mjs script without types
import { fillManifest, manifestProblems, packageTeams } from '../../scripts/package-teams.mjs';
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
    // Channel mode creates a channel per dispute in the team where the app is installed.
    expect(m.authorization.permissions.resourceSpecific).toEqual([{ name: 'Channel.Create.Group', type: 'Application' }]);
  });

  it('ships the two icons at the sizes Teams requires, and zips everything for upload', async () => {
    expect(pngSize('manifests/teams/color.png')).toEqual([192, 192]);
    expect(pngSize('manifests/teams/outline.png')).toEqual([32, 32]);
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 's117-teams-')), 'app.zip');
    await packageTeams(env, out);
    expect(zipEntries(fs.readFileSync(out)).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
  });
});
