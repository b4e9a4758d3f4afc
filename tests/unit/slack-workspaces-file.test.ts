import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { WebClient } from '@slack/web-api';
import { createLogger } from '../../src/app/logger.ts';
import { Installations, listedTeams, loadWorkspaces, WorkspacesFileError } from '../../src/adapters/slack/workspaces.ts';
import { slackModule } from '../../src/adapters/slack/module.ts';
import type { SlackEnv } from '../../src/adapters/slack/env.ts';

// SLACK_WORKSPACES_FILE: which workspaces the app is installed in, and where each one's token is.
describe('the Slack workspaces file', () => {
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-ws-')); });
  afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  const write = (text: string) => {
    const f = path.join(dir, `ws-${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(f, text);
    return f;
  };
  const problem = (file: string, env: Record<string, string> = {}) => {
    try { loadWorkspaces(file, env); } catch (e) { expect(e).toBeInstanceOf(WorkspacesFileError); return (e as Error).message; }
    return null;
  };

  it('gives each of several workspaces its own home key, from the settings alone (so the command line routes as the bot)', () => {
    const two = write('workspaces:\n  - { team: T0COUNCIL, token_env: A }\n  - { team: T0ICB0001, token_env: B }\n');
    const one = write('workspaces:\n  - { team: T0COUNCIL, token_env: A }\n');
    const key = (env: Partial<SlackEnv>, space: string | null) => slackModule.homeKey!(env as SlackEnv, space);
    expect(key({ SLACK_WORKSPACES_FILE: two }, 'T0ICB0001')).toBe('slack:T0ICB0001');
    expect(key({ SLACK_WORKSPACES_FILE: two }, 'T0OTHER01')).toBe('slack');
    expect(key({ SLACK_WORKSPACES_FILE: one }, 'T0COUNCIL')).toBe('slack');
    expect(key({ SLACK_BOT_TOKEN: 'xoxb-1' }, 'T0COUNCIL')).toBe('slack');
    // The install link: any workspace is its own home, installed yet or not (its rows wait for it).
    expect(key({ SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'x', SLACK_WORKSPACES_FILE: one }, 'T0ICB0001')).toBe('slack:T0ICB0001');
    expect(key({ SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'x' }, null)).toBe('slack');
  });

  it('reads each workspace\'s token from a file or a variable, and an own app\'s signing secret when given', () => {
    const tokenFile = path.join(dir, 'council.token');
    fs.writeFileSync(tokenFile, 'xoxb-council\n');
    const file = write(`workspaces:\n  - { team: T0COUNCIL, name: Council, token_file: ${tokenFile} }\n  - { team: T0ICB0001, token_env: ICB_TOKEN, signing_secret_env: ICB_SECRET }\n`);
    expect(loadWorkspaces(file, { ICB_TOKEN: 'xoxb-icb', ICB_SECRET: 'icb-secret' })).toEqual([
      { teamId: 'T0COUNCIL', name: 'Council', token: 'xoxb-council', signingSecret: null },
      { teamId: 'T0ICB0001', name: null, token: 'xoxb-icb', signingSecret: 'icb-secret' },
    ]);
    expect(listedTeams(file)).toEqual(['T0COUNCIL', 'T0ICB0001']);
    expect(listedTeams(path.join(dir, 'missing.yaml'))).toEqual([]);
  });

  it('says in one line where YAML that does not parse goes wrong (the parser\'s excerpt of the file stays out)', () => {
    expect(problem(write('x: [\n'))).toMatch(/^SLACK_WORKSPACES_FILE \(.*\): is not YAML \(.* at line \d+, column \d+\); point it at a YAML file with a "workspaces:" list$/);
    expect(problem(dir)).toMatch(/^SLACK_WORKSPACES_FILE \(.*\): cannot be read \(EISDIR\); point it at a YAML file/);
  });

  it.each([
    ['workspaces: []', /workspaces: list at least one workspace/],
    ['workspaces:\n  - { team: council, token_env: X }', /workspaces\[0\] \(council\)\.team: must be a Slack team id/],
    ['workspaces:\n  - { team: T0A1, token: xoxb-inline }', /workspaces\[0\] \(T0A1\): has "token", which is not a field here/],
    ['workspaces:\n  - { team: T0A1 }', /workspaces\[0\] \(T0A1\): give token_file or token_env/],
    ['workspaces:\n  - { team: T0A1, token_env: NOT_SET }', /workspaces\[0\] \(T0A1\)\.token_env: NOT_SET is not set; set it to the workspace's xoxb- bot token/],
    ['workspaces:\n  - { team: T0A1, token_env: T }\n  - { team: T0A1, token_env: T }', /workspaces\[1\] \(T0A1\)\.team: T0A1 is listed twice/],
    ['workspaces:\n  - { team: T0A1, token_env: USER_TOKEN }', /not a bot token \(xoxb-…\)/],
    ['workspaces:\n  - { team: T0A1, token_file: /nonexistent/token }', /workspaces\[0\] \(T0A1\)\.token_file: \/nonexistent\/token cannot be read \(ENOENT\)/],
  ])('%j is refused, naming the entry and the fix', (text, message) => {
    const msg = problem(write(text), { T: 'xoxb-t', USER_TOKEN: 'xoxp-user' });
    expect(msg).toMatch(/^SLACK_WORKSPACES_FILE \(/);
    expect(msg).toMatch(message);
  });
});

describe('a bot token listed under the wrong workspace', () => {
  // Slack says, through auth.test, which workspace a token is for: T_COUNCIL's entry holds T_ICB's token.
  const client = (team: string) => ({ auth: { test: async () => ({ ok: true, team_id: team, user_id: 'U0BOT', bot_id: 'B0BOT' }) } }) as unknown as WebClient;
  const tokens: Record<string, string> = { 'xoxb-council': 'T_ICB', 'xoxb-icb': 'T_ICB' };

  it('makes that workspace not ready, says why, and refuses its requests rather than act as the other workspace\'s bot', async () => {
    const lines: string[] = [];
    const i = new Installations(
      [{ teamId: 'T_COUNCIL', name: 'Council', token: 'xoxb-council' }, { teamId: 'T_ICB', name: 'ICB', token: 'xoxb-icb' }],
      (token) => client(tokens[token]!), createLogger('error', new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } })),
    );
    await i.start();
    i.stop();
    const s = i.status();
    expect(s.ready).toBe(false);
    expect(s.reason).toMatch(/the bot token listed for Slack workspace T_COUNCIL belongs to T_ICB; fix SLACK_WORKSPACES_FILE/);
    await expect(i.authorize({ teamId: 'T_COUNCIL' })).rejects.toThrow(/belongs to T_ICB/);
    await expect(i.authorize({ teamId: 'T_ICB' })).resolves.toMatchObject({ botUserId: 'U0BOT', teamId: 'T_ICB' });
    expect(lines.join('')).toMatch(/belongs to T_ICB/);
  });
});
