import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../../src/app/logger.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { StartupError } from '../../src/config/startup-error.ts';
import type { FakeBotConnector } from '../fakes/bot-connector.ts';
import type { FakeGraph } from '../fakes/graph.ts';
import type { FakeMicrosoftLogin } from '../fakes/microsoft-login.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { DATABASES } from '../helpers/app.ts';
import { aad, APP_COUNCIL, APP_NHSMAIL, COUNCIL, NHSMAIL, TwoTenants } from '../helpers/two-tenants.ts';

// Two organisations, each in its own Microsoft Entra tenant with its own single-tenant app registration: the ICB
// (and the trust) on NHSmail, the council on its own tenant. One deployment, one connection per tenant.
const COUNCIL_KEY = `teams:${COUNCIL}`;

describe.each(DATABASES)('several Teams connections, one per tenant (%s)', (_label, database) => {
  let t: TwoTenants;
  let login: FakeMicrosoftLogin;
  let graph: FakeGraph;
  let connector: FakeBotConnector;
  let bot: Bot;
  let cleanup: () => Promise<void>;
  let clock: TwoTenants['clock'];

  /** The deployment's settings; `councilSecret` is what the connections file says the council's secret is. */
  function env(councilSecret = 'council-secret', databaseUrl?: string) {
    fs.writeFileSync(path.join(t.tmp, 'council.secret'), `${councilSecret}\n`);
    return t.env(`passwordFile: ${path.join(t.tmp, 'council.secret')}`, databaseUrl);
  }

  beforeAll(async () => {
    t = await TwoTenants.start('s117-tenants-');
    ({ login, graph, connector, clock } = t);
    login.register(APP_COUNCIL, COUNCIL, 'council-secret');
    const db = await database();
    cleanup = db.cleanup;
    bot = await t.startBot(env('council-secret', db.databaseUrl));
  }, 180_000);
  afterAll(async () => {
    await t?.stop();
    await cleanup?.();
  });

  const settle = () => t.settle();
  /** Whose app a Graph call was made as. */
  const graphApp = (auth: string | null) => login.whoseToken(auth ?? undefined)?.appId;
  const chatIn = (tenant: string) => t.chatIn(tenant);
  const endpoint = () => `http://127.0.0.1:${bot.address.port}/api/messages`;
  /** An activity as Teams sends it to one connection's bot: signed for `appId`, from a person in `tenant`. */
  const send = async (appId: string, tenant: string, personId: string, conversation: string, extra: Record<string, unknown>, id = `act-${crypto.randomUUID()}`) => {
    const body = {
      id, channelId: 'msteams', serviceUrl: connector.url, timestamp: new Date().toISOString(),
      from: { id: `29:${personId}`, name: personId, aadObjectId: aad(personId) }, recipient: { id: `28:${appId}`, name: 'S117' },
      conversation: { id: conversation, conversationType: 'groupChat', isGroup: true, tenantId: tenant }, channelData: { tenant: { id: tenant } }, ...extra,
    };
    const r = await fetch(endpoint(), {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${login.channelToken(appId, connector.url)}` },
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
  };
  const tick = (appId: string, tenant: string, personId: string, chat: string, d: string, k: string, id?: string) => send(appId, tenant, personId, chat, {
    type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'tick', data: { verb: 'tick', d, k, s: 1, n: 1 } }, trigger: 'manual' },
  }, id);

  it('[R5.2] gives a dispute with people in both tenants a private chat in each, made, posted and messaged with that tenant\'s own connection', async () => {
    const d = (await bot.app.service.raise({ personId: 'ali-khan', platform: 'teams' }, fundingDispute({ namedProfessionals: ['gus-hart', 'lou-gray'] }))).dispute;
    await settle();
    // One chat in each tenant, titled with the reference only, each made by that tenant's app.
    const nhs = chatIn(NHSMAIL);
    const council = chatIn(COUNCIL);
    expect([nhs.topic, council.topic]).toEqual([d.reference, d.reference]);
    expect(graph.chats.size).toBe(2);
    const made = graph.calls.filter((c) => c.method === 'POST' && c.path === '/v1.0/chats').map((c) => graphApp(c.auth)).sort();
    expect(made).toEqual([APP_NHSMAIL, APP_COUNCIL].sort());
    // Members are each tenant's own participants; the trust's guest joined NHSmail's chat as a guest, as Graph requires.
    expect(graph.chatMembers(council.id)).toEqual(['ali-khan', 'dee-obi'].map(aad).sort());
    expect(graph.chatMembers(nhs.id)).toEqual(['gus-hart', 'ivy-nash', 'lou-gray'].map(aad).sort());
    const roles = Object.fromEntries([...nhs.members].map(([m, u]) => [u, nhs.roles!.get(m)]));
    expect(roles).toEqual({ [aad('gus-hart')]: 'owner', [aad('ivy-nash')]: 'owner', [aad('lou-gray')]: 'guest' });
    // The Bot Connector took every call, each signed as the app of the chat's tenant (it refuses any other).
    expect(connector.calls.filter((c) => c.status !== 200).map((c) => [c.method, c.path, c.status])).toEqual([]);
    expect(new Set(connector.sent(nhs.id).map((c) => c.appId))).toEqual(new Set([APP_NHSMAIL]));
    expect(new Set(connector.sent(council.id).map((c) => c.appId))).toEqual(new Set([APP_COUNCIL]));
    expect(connector.sent(council.id).some((c) => /S117-2026-0001 · Stage 1/.test(JSON.stringify(c.body)))).toBe(true);
    // 1:1 messages go through each person's own tenant's connection.
    const dms = Object.fromEntries(connector.created().filter((c) => c.body.isGroup === false).map((c) => [(c.body.members as { id: string }[])[0]!.id, c.appId]));
    expect(dms[aad('dee-obi')]).toBe(APP_COUNCIL);
    expect(dms[aad('gus-hart')]).toBe(APP_NHSMAIL);
    // Each space is kept under its connection's key; a dispute in one tenant only would keep the plain `teams` key.
    const spaces = await bot.app.db.prisma.conversation.findMany({ where: { disputeId: d.id }, orderBy: { platform: 'asc' } });
    expect(spaces.map((s) => [s.platform, s.externalId])).toEqual([['teams', nhs.id], [COUNCIL_KEY, council.id]]);
  });

  it('[R5.2] takes a card action from either tenant\'s chat once, answers it with the card, and refreshes the card in both', async () => {
    const d = (await bot.app.service.get({ reference: 'S117-2026-0001' }))!;
    const council = chatIn(COUNCIL).id;
    const nhs = chatIn(NHSMAIL).id;
    const id = `act-${crypto.randomUUID()}`;
    const first = await tick(APP_COUNCIL, COUNCIL, 'dee-obi', council, d.id, 'tests', id);
    expect(first.status).toBe(200);
    expect(JSON.stringify(first.body)).toMatch(/Revisit the statutory Section 117 tests — _Dee Obi_/);
    // Teams redelivers the same activity: nothing more is recorded.
    expect((await tick(APP_COUNCIL, COUNCIL, 'dee-obi', council, d.id, 'tests', id)).status).toBe(200);
    expect((await tick(APP_NHSMAIL, NHSMAIL, 'gus-hart', nhs, d.id, 'clarify')).status).toBe(200);
    const ticks = await bot.app.db.prisma.historyEvent.findMany({ where: { disputeId: d.id, type: 'CHECKLIST_TICKED' } });
    expect(ticks.map((t) => t.actorId).sort()).toEqual(['dee-obi', 'gus-hart']);
    // The history says where each press came from: the council's tenant by its connection's home.
    expect(ticks.map((t) => [t.actorId, t.platform]).sort()).toEqual([['dee-obi', COUNCIL_KEY], ['gus-hart', 'teams']]);
    connector.clear();
    await settle();
    const updated = connector.updated();
    expect(new Set(updated.map((c) => `${c.conversation}:${c.appId}`))).toEqual(new Set([`${nhs}:${APP_NHSMAIL}`, `${council}:${APP_COUNCIL}`]));
    expect(updated.every((c) => c.status === 200)).toBe(true);
  });

  it('refuses with 401 and one log line a token for an app id no connection has, and an activity from a tenant other than its connection\'s', async () => {
    const d = (await bot.app.service.get({ reference: 'S117-2026-0001' }))!;
    const council = chatIn(COUNCIL).id;
    const before = await bot.app.db.prisma.historyEvent.count({ where: { disputeId: d.id } });
    const stranger = '33333333-0000-4000-8000-0000000000c3';
    t.logs = '';
    expect((await tick(stranger, COUNCIL, 'dee-obi', council, d.id, 'clarify')).status).toBe(401);
    let lines = t.logs.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, appId: stranger, msg: expect.stringMatching(/token is for an app id no Teams connection has/) });
    // The NHSmail app's token, for an activity saying it comes from the council's tenant.
    t.logs = '';
    expect((await tick(APP_NHSMAIL, COUNCIL, 'dee-obi', council, d.id, 'clarify')).status).toBe(401);
    lines = t.logs.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, tenant: COUNCIL, connection: 'nhsmail' });
    // A token signed by someone else, or expired, is refused too.
    const forged = await fetch(endpoint(), {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${login.channelToken(APP_COUNCIL, connector.url, { expired: true })}` },
      body: JSON.stringify({ type: 'message', text: 'list', channelId: 'msteams', serviceUrl: connector.url, from: { id: '29:x' }, recipient: { id: '28:b' }, conversation: { id: council, tenantId: COUNCIL }, channelData: { tenant: { id: COUNCIL } } }),
    });
    expect(forged.status).toBe(401);
    expect(await bot.app.db.prisma.historyEvent.count({ where: { disputeId: d.id } })).toBe(before);
  });

  it('is checked against fakes as strict as the real services: a token for Graph, or another tenant\'s bot, is refused by the Bot Connector', async () => {
    const token = async (appId: string, tenant: string, secret: string, audience: string) => {
      const r = await fetch(`${login.url}/${tenant}/oauth2/v2.0/token`, {
        method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: appId, client_secret: secret, scope: `${audience}/.default` }),
      });
      return ((await r.json()) as { access_token: string }).access_token;
    };
    const nhs = chatIn(NHSMAIL).id;
    const post = async (bearer: string) => (await fetch(`${connector.url}v3/conversations/${encodeURIComponent(nhs)}/activities`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ type: 'message', text: 'x' }),
    })).status;
    expect(await post(await token(APP_NHSMAIL, NHSMAIL, 'nhsmail-secret', 'https://graph.microsoft.com'))).toBe(401);
    expect(await post(await token(APP_COUNCIL, COUNCIL, 'council-secret', 'https://api.botframework.com'))).toBe(403);
    // And Graph will not show one tenant's chat to the other tenant's app.
    const graphToken = await token(APP_COUNCIL, COUNCIL, 'council-secret', 'https://graph.microsoft.com');
    expect((await fetch(`${graph.url}/v1.0/chats/${encodeURIComponent(nhs)}/members`, { headers: { authorization: `Bearer ${graphToken}` } })).status).toBe(404);
    // An app signs in only in its own tenant.
    const elsewhere = await fetch(`${login.url}/${NHSMAIL}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ client_id: APP_COUNCIL, client_secret: 'council-secret' }) });
    expect(elsewhere.status).toBe(400);
  });

  it('stops the start naming the connection whose secret Microsoft sign-in refuses', async () => {
    const db = await database();
    try {
      const start = startBot({ env: env('an-old-secret', db.databaseUrl), logger: createLogger('silent'), clock, scheduler: false });
      await expect(start).rejects.toBeInstanceOf(StartupError);
      await expect(start).rejects.toThrow(/^Microsoft sign-in refused the credentials of Teams connection anytown-council \(invalid_client\): AADSTS7000215: Invalid client secret provided\.[^\n]*Certificates & secrets[^\n]*$/);
    } finally {
      env('council-secret');
      await db.cleanup();
    }
  });
});
