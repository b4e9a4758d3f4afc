import { banner } from '../../src/banner.ts';
import type { RunningPlatform } from '../../src/platforms.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

describe('the start-up banner and Teams case spaces', () => {
  let app: TestApp;
  afterEach(async () => { await app.close(); });
  // What the banner reads of a running Teams platform: its adapter's mode and port.
  const running = (mode: 'authenticated' | 'local', port: unknown) => new Map([['teams', { adapter: { mode, port } } as unknown as RunningPlatform]]);
  const connected = running('authenticated', {});

  it('warns when a shared Teams mode would show every dispute to a team spanning several organisations', async () => {
    app = await testApp({ env: { TEAMS_CASE_SPACES: 'thread', TEAMS_CASE_CHANNEL_ID: '19:cases@thread.tacv2' } });
    const text = banner(app, 3000, connected);
    expect(text).toMatch(/Teams: {6}connected at \/api\/messages \(every token verified\); a thread per dispute in one shared channel/);
    expect(text).toMatch(/WARNING: {4}Teams thread mode shows every dispute \(organisations, decisions, flags\) to everyone in the team, across 3 organisations\. Use TEAMS_CASE_SPACES=chat/);
  });

  it('says nothing of the kind for private chats, or when Teams is not connected', async () => {
    app = await testApp({ env: { TEAMS_CASE_SPACES: 'chat' } });
    expect(banner(app, 3000, connected)).toMatch(/a private group chat per dispute/);
    expect(banner(app, 3000, connected)).not.toMatch(/WARNING/);
    expect(banner(app, 3000, running('local', null))).not.toMatch(/WARNING/);
  });
});
