import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createTeamsAdapter, tenantRefusal } from '../../../src/adapters/teams/teams-app.ts';
import { createLogger } from '../../../src/app/logger.ts';
import { loadEnv } from '../../../src/platforms.ts';
import { FakeBotConnector } from '../../fakes/bot-connector.ts';
import { DIRECTORY, testApp, type TestApp } from '../../helpers/app.ts';
import { directory } from '../../helpers/domain.ts';

// A valid token proves an activity came through Microsoft's connector for our app registration, not that it came
// from the partnership's organisation: only the configured tenant's people may reach its disputes.
describe('Teams activities are accepted only from the configured tenant', () => {
  let app: TestApp;
  let connector: FakeBotConnector;
  let server: http.Server;
  let url: string;
  let logs = '';

  beforeAll(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    app = await testApp();
    const sink = new Writable({ write(c, _e, cb) { logs += String(c); cb(); } });
    const inbound = createTeamsAdapter(
      loadEnv({ DIRECTORY_FILE: DIRECTORY, DATA_DIR: 'memory://', TEAMS_CASE_CHANNEL_ID: '19:cases@thread.tacv2', TEAMS_SERVICE_URL: connector.url, MICROSOFT_APP_TENANT_ID: 'tenant-1' }),
      createLogger('info', sink), () => app.service.directory(),
    );
    inbound.attach(app.service, () => undefined);
    server = http.createServer((req, res) => void inbound.handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
  }, 120_000);
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await app.close();
    await connector.stop();
  });

  const pat = directory.people.find((p) => p.id === 'pat-lee')!;
  const post = async (tenants: { channelData?: string; conversation?: string }) => {
    const body = {
      type: 'message', id: `act-${crypto.randomUUID()}`, text: 'list', channelId: 'msteams', serviceUrl: connector.url, timestamp: new Date().toISOString(),
      from: { id: '29:pat', name: 'Pat', aadObjectId: pat.handles.teams }, recipient: { id: '28:bot', name: 'S117' },
      conversation: { id: 'a:personal-pat', conversationType: 'personal', ...(tenants.conversation ? { tenantId: tenants.conversation } : {}) },
      ...(tenants.channelData ? { channelData: { tenant: { id: tenants.channelData } } } : {}),
    };
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, text: await r.text() };
  };

  it('refuses an activity from another tenant with 401, one log line, and no answer posted', async () => {
    connector.clear();
    logs = '';
    const r = await post({ channelData: 'tenant-2', conversation: 'tenant-2' });
    expect(r).toEqual({ status: 401, text: JSON.stringify({ error: 'Unauthorized.' }) });
    const lines = logs.trim().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, tenant: 'tenant-2', msg: expect.stringMatching(/tenant this bot is not configured for was refused/) });
    expect(connector.sent()).toEqual([]);
  });

  it.each([
    ['the two places disagree', { channelData: 'tenant-1', conversation: 'tenant-2' }],
    ['no tenant at all', {}],
  ])('refuses %s', async (_what, tenants) => {
    connector.clear();
    expect((await post(tenants)).status).toBe(401);
    expect(connector.sent()).toEqual([]);
  });

  it('answers the configured tenant (the list goes back to the person)', async () => {
    connector.clear();
    expect((await post({ channelData: 'tenant-1', conversation: 'tenant-1' })).status).toBe(200);
    expect(connector.sent('a:personal-pat').length).toBe(1);
  });

  it('with an app id and no tenant configured, refuses everything (closed until MICROSOFT_APP_TENANT_ID is set)', () => {
    const a = { channelData: { tenant: { id: 't' } }, conversation: { id: 'c', tenantId: 't' } };
    expect(tenantRefusal(a, undefined, true)).toBe('t');
    expect(tenantRefusal({}, undefined, false)).toBeNull();
    expect(tenantRefusal(a, 'T', true)).toBeNull();
  });
});
