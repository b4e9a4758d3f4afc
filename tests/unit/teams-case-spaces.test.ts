import { caseSpaceSettings } from '../../src/adapters/teams/case-spaces.ts';
import { loadEnv } from '../../src/platforms.ts';

const creds = { MICROSOFT_APP_ID: '11111111-2222-3333-4444-555555555555', MICROSOFT_APP_PASSWORD: 'secret', MICROSOFT_APP_TENANT_ID: 'tenant-1' };

describe('choosing where Teams disputes live', () => {
  it('refuses chat mode without the bot\'s credentials, naming each missing variable', () => {
    // The start stops earlier, at loadEnv, for half-set Teams credentials; the case-space check still guards any Env.
    expect(() => loadEnv({ TEAMS_CASE_SPACES: 'chat', MICROSOFT_APP_ID: creds.MICROSOFT_APP_ID }))
      .toThrow(/^MICROSOFT_APP_PASSWORD .* and MICROSOFT_APP_TENANT_ID .*: are needed with MICROSOFT_APP_ID/);
    expect(() => caseSpaceSettings({ ...loadEnv({ TEAMS_CASE_SPACES: 'chat' }), MICROSOFT_APP_ID: creds.MICROSOFT_APP_ID }))
      .toThrow(/TEAMS_CASE_SPACES: chat mode needs MICROSOFT_APP_PASSWORD, MICROSOFT_APP_TENANT_ID \(Microsoft Graph creates the chats/);
    expect(() => caseSpaceSettings(loadEnv({ TEAMS_CASE_SPACES: 'channel', ...creds }))).toThrow(/channel mode needs TEAMS_TEAM_ID/);
  });

  it('refuses a thread fall-back with no channel to fall back to, and an unknown mode', () => {
    expect(() => caseSpaceSettings(loadEnv({ TEAMS_CASE_SPACES: 'chat', TEAMS_PRIVATE_FALLBACK: 'thread', ...creds })))
      .toThrow(/TEAMS_PRIVATE_FALLBACK: thread needs TEAMS_CASE_CHANNEL_ID/);
    expect(() => loadEnv({ TEAMS_CASE_SPACES: 'private' })).toThrow(/TEAMS_CASE_SPACES: must be chat \(a private group chat per dispute, recommended\)/);
  });

  it('sets up private chats, and thread mode with no Graph at all', () => {
    const chat = caseSpaceSettings(loadEnv({ TEAMS_CASE_SPACES: 'chat', TEAMS_PRIVATE_FALLBACK: 'thread', TEAMS_CASE_CHANNEL_ID: '19:c@thread.tacv2', ...creds }));
    expect(chat.groupChats).not.toBeNull();
    expect(chat).toMatchObject({ privateFallback: 'thread', channelMode: null, caseChannelId: '19:c@thread.tacv2' });
    expect(caseSpaceSettings(loadEnv({ TEAMS_CASE_CHANNEL_ID: '19:c@thread.tacv2' }))).toMatchObject({ groupChats: null, channelMode: null, privateFallback: null });
  });
});
