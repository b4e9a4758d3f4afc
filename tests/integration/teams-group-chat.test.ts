import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { TeamsChatPort } from '../../src/adapters/teams/chat-port.ts';
import { GraphClient } from '../../src/adapters/teams/graph.ts';
import { GroupChats } from '../../src/adapters/teams/group-chat.ts';
import { createTeamsAdapter, disputeMembers } from '../../src/adapters/teams/teams-app.ts';
import { boot, type App } from '../../src/boot.ts';
import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { FakeBotConnector } from '../fakes/bot-connector.ts';
import { FakeClock } from '../fakes/clock.ts';
import { FakeGraph } from '../fakes/graph.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { DIRECTORY } from '../helpers/app.ts';
import { directory } from '../helpers/domain.ts';

const APP_ID = '11111111-2222-3333-4444-555555555555';
const CATALOG_ID = 'catalog-app-1';
const CASES = '19:cases@thread.tacv2';
const GOVERNANCE = '19:governance@thread.tacv2';
const aad = (personId: string) => directory.people.find((p) => p.id === personId)!.handles.teams!;
const as = (personId: string) => ({ personId, platform: 'teams' as const });

describe('Teams chat mode: a private group chat per dispute', () => {
  let graph: FakeGraph;
  let connector: FakeBotConnector;
  let app: App;
  let clock: FakeClock;
  let port: TeamsChatPort;

  async function start(opts: { fallback?: boolean; at?: string } = {}): Promise<void> {
    graph = new FakeGraph();
    connector = new FakeBotConnector();
    await graph.start();
    await connector.start();
    graph.catalog.set(APP_ID, CATALOG_ID);
    clock = new FakeClock(opts.at ?? '2026-12-07T10:00:00Z');
    port = makePort(opts);
    app = await boot({ env: loadEnv({ DIRECTORY_FILE: DIRECTORY, DATA_DIR: 'memory://' }), logger: createLogger('silent'), clock, rateClock: clock, ports: { teams: port }, defaultPlatform: 'teams' });
    wire(port);
  }
  /** A Teams port as the app builds one (another replica, or this one after a restart, is another of these). */
  function makePort(opts: { fallback?: boolean } = {}): TeamsChatPort {
    return new TeamsChatPort(new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})), {
      appId: '', tenantId: 'tenant-1', serviceUrl: connector.url, caseChannelId: opts.fallback ? CASES : null, channelMode: null,
      groupChats: new GroupChats({ graph: new GraphClient({ apiUrl: `${graph.url}/v1.0`, loginUrl: graph.url, tenantId: 'tenant-1', appId: APP_ID, appPassword: 'right-secret' }), appId: APP_ID, catalogAppId: null }),
      privateFallback: opts.fallback ? 'thread' : null, publicUrl: 'https://s117.example.nhs.uk',
    }, () => app.service.directory(), createLogger('silent'));
  }
  const wire = (p: TeamsChatPort) => p.useDisputes(disputeMembers(app.service), (key, message) => app.service.tellGovernanceOnce(key, message, 'teams'));
  afterEach(async () => {
    await app.close();
    await graph.stop();
    await connector.stop();
  });

  /** Delivers everything due now; retries wait for the clock like in life. */
  const drain = async () => {
    for (let i = 0; i < 10; i++) {
      const r = await app.dispatcher.deliverDue();
      if (!r.delivered && !r.retried) return;
    }
  };
  const chatOf = async (disputeId: string) => (await app.db.prisma.conversation.findFirstOrThrow({ where: { disputeId, platform: 'teams' } })).externalId!;
  const raise = async () => (await app.service.raise(as('ali-khan'), fundingDispute())).dispute;
  const postsTo = (conversation: string) => connector.sent(conversation).map((c) => JSON.stringify(c.body));
  const governance = () => connector.created().filter((c) => (c.body.channelData as { channel?: { id: string } })?.channel?.id === GOVERNANCE).map((c) => JSON.stringify(c.body));
  const outbox = (kind: string) => app.db.prisma.outbox.findFirstOrThrow({ where: { kind } });

  it('[R11.2] opens one chat titled with the reference only, starting with the raiser and the app; its members are then exactly the participants, and only they get the cards', async () => {
    await start();
    const d = await raise();
    await drain();
    expect(graph.chats.size).toBe(1);
    const create = graph.calls.find((c) => c.method === 'POST' && c.path === '/v1.0/chats')!;
    expect(create.body).toMatchObject({ chatType: 'group', topic: 'S117-2026-0001' });
    expect((create.body.members as Record<string, string>[]).map((m) => m['user@odata.bind'])).toEqual([`${graph.url}/v1.0/users('${aad('ali-khan')}')`]);
    const chat = await chatOf(d.id);
    expect(graph.chats.get(chat)!.apps).toEqual(new Set([CATALOG_ID]));
    const participants = (await app.service.get({ id: d.id }))!.participants.map((p) => aad(p.personId)).sort();
    expect(graph.chatMembers(chat)).toEqual(participants);
    expect(participants).toHaveLength(4);
    // The stage card and the stage's message go into the chat, and nowhere a non-participant could see them.
    expect(postsTo(chat).join()).toMatch(/S117-2026-0001 · Stage 1 — Frontline resolution/);
    expect(connector.created().filter((c) => c.body.isGroup !== false)).toEqual([]);
    // 1:1 messages lead to the chat.
    const dm = connector.created().find((c) => (c.body.members as { id: string }[])[0]!.id === aad('gus-hart'))!;
    expect(JSON.stringify(dm.body)).toContain(`"type":"Action.OpenUrl","title":"Open the case chat","url":"https://teams.microsoft.com/l/chat/${encodeURIComponent(chat)}/0?tenantId=tenant-1"`);
    // The stage card is updated in place.
    connector.clear();
    await app.service.act(as('ali-khan'), { id: d.id }, { type: 'PROPOSE_DECISION', input: { outcome: 'AGREEMENT', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 's', basisNeed: 'n', basisTests: 't', basisRisk: 'r' } });
    await drain();
    expect(connector.updated().map((c) => c.conversation)).toEqual([chat]);
    expect(JSON.stringify([graph.calls, connector.calls])).not.toMatch(/9434765919|943 476 5919/);
  });

  it('starts the chat with all the current participants where the tenant refuses a chat of one', async () => {
    await start();
    graph.minMembers = 2;
    const d = await raise();
    await drain();
    expect(graph.chats.size).toBe(1);
    const created = graph.calls.filter((c) => c.method === 'POST' && c.path === '/v1.0/chats').map((c) => (c.body.members as unknown[]).length);
    expect(created).toEqual([1, 4]);
    expect(graph.chatMembers(await chatOf(d.id))).toHaveLength(4);
  });

  it('[R0.4] adds each stage\'s new participants when it starts, at the same working-hours time as the other pings', async () => {
    await start();
    const d = await raise();
    await drain();
    const chat = await chatOf(d.id);
    const before = graph.chatMembers(chat);
    clock.set('2026-12-14T17:00:00Z');
    await app.scheduler.tick();
    await drain();
    expect((await app.service.get({ id: d.id }))!.stage).toBe(2);
    expect(graph.chatMembers(chat)).toEqual(before);
    clock.set('2026-12-15T09:00:00Z');
    await app.scheduler.tick();
    await drain();
    expect(graph.chatMembers(chat)).toEqual([...before, ...['bea-jones', 'cal-reid', 'hal-moss'].map(aad)].sort());
    // Added with the whole history, so they see the card and what was said.
    const added = graph.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/members'));
    expect(added.every((c) => c.body.visibleHistoryStartDateTime === '0001-01-01T00:00:00Z')).toBe(true);
  });

  it('takes people out when told to (UNINVITE through the outbox), including someone who has left the directory; their history stays', async () => {
    await start();
    const d = await raise();
    await drain();
    const chat = await chatOf(d.id);
    await app.db.prisma.person.create({ data: { id: 'old-hand', name: 'Old Hand', organisationId: 'anytown-icb', roles: [], handles: { teams: 'aad-old-hand' } } });
    graph.chats.get(chat)!.members.set('m-old', 'aad-old-hand');
    const now = clock.now();
    await app.db.prisma.outbox.create({ data: {
      idempotencyKey: `${d.id}:uninvite:1`, disputeId: d.id, kind: 'UNINVITE', notBefore: now, nextAttemptAt: now,
      payload: { kind: 'UNINVITE', personIds: ['gus-hart', 'old-hand'], notBefore: now.toISOString() },
    } });
    await drain();
    expect(graph.chatMembers(chat)).toEqual(['ali-khan', 'dee-obi', 'ivy-nash'].map(aad).sort());
    expect((await outbox('UNINVITE')).deliveredAt).not.toBeNull();
    expect((await app.service.get({ id: d.id }))!.participants.map((p) => p.personId)).toContain('gus-hart');
  });

  it('creates the chat once across retries and replicas: a lost reply adopts the chat Graph made, and a stranger\'s chat with the same title is left alone', async () => {
    await start();
    const stranger = graph.addChat('S117-2026-0001', [aad('ali-khan'), aad('bea-jones')]);
    graph.failNext(500, /^POST \/v1\.0\/chats$/, { afterWork: true });
    const d = await raise();
    // Two dispatchers at once, as two replicas would.
    await Promise.all([app.dispatcher.deliverDue(), app.dispatcher.deliverDue()]);
    expect((await outbox('OPEN_CASE_SPACE')).lastError).toMatch(/Microsoft Graph refused to create the group chat \(500\)/);
    clock.advanceMs(60_000);
    await Promise.all([app.dispatcher.deliverDue(), app.dispatcher.deliverDue()]);
    await drain();
    expect(graph.calls.filter((c) => c.method === 'POST' && c.path === '/v1.0/chats')).toHaveLength(1);
    const ours = graph.chatsTitled('S117-2026-0001').filter((c) => c.id !== stranger.id);
    expect(ours).toHaveLength(1);
    expect(await chatOf(d.id)).toBe(ours[0]!.id);
    expect(stranger.apps.size).toBe(0);
    expect(graph.chatMembers(stranger.id)).toEqual([aad('ali-khan'), aad('bea-jones')].sort());
  });

  it('sends Graph\'s 429 and 5xx back to the outbox as retryable, waiting as long as Graph asks', async () => {
    await start();
    graph.failNext(429, /^POST \/v1\.0\/chats$/, { times: 50 });
    const d = await raise();
    await app.dispatcher.deliverDue();
    const row = await outbox('OPEN_CASE_SPACE');
    expect(row).toMatchObject({ failedAt: null, deliveredAt: null, lastError: expect.stringMatching(/Microsoft Graph rate limit \(429\)/) });
    // As long as Graph asked, plus the outbox's jitter of up to a tenth that spreads replicas.
    expect(row.nextAttemptAt.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(7_000);
    expect(row.nextAttemptAt.getTime() - clock.now().getTime()).toBeLessThanOrEqual(7_700);
    graph.clearFailures();
    graph.failNext(503, /^POST \/v1\.0\/chats\/[^/]+\/installedApps$/, { times: 50 });
    clock.advanceMs(7_700);
    await app.dispatcher.deliverDue();
    expect(await outbox('OPEN_CASE_SPACE')).toMatchObject({ failedAt: null, lastError: expect.stringMatching(/install the app in the chat \(503\)/) });
    expect((await outbox('OPEN_CASE_SPACE')).nextAttemptAt.getTime() - clock.now().getTime()).toBe(7_000);
    graph.clearFailures();
    clock.advanceMs(120_000);
    await drain();
    expect((await outbox('OPEN_CASE_SPACE')).deliveredAt).not.toBeNull();
    expect(graph.chats.size).toBe(1);
    expect(graph.chats.get(await chatOf(d.id))!.apps.has(CATALOG_ID)).toBe(true);
  });

  it('without admin consent, tells governance once in plain words and waits; the chat opens once consent is granted', async () => {
    await start();
    graph.deny = /^POST \/v1\.0\/chats$/;
    const d = await raise();
    await drain();
    const told = governance();
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/S117-2026-0001: Teams could not open a private case chat/);
    expect(told[0]).toMatch(/Microsoft Graph permission Chat\.Create\. A Microsoft Entra administrator must grant admin consent/);
    expect(told[0]).toMatch(/tried again every 15 minutes/);
    const row = await outbox('OPEN_CASE_SPACE');
    expect(row.failedAt).toBeNull();
    expect(row.nextAttemptAt.getTime() - clock.now().getTime()).toBe(15 * 60_000);
    // That governance was told is kept in the register: a restarted process (or another replica) meeting the same
    // missing consent does not tell it again.
    const restarted = makePort();
    wire(restarted);
    const again = await restarted.openCaseSpace(app.service.view(d), { key: `${d.id}:space`, attempt: 2 }).catch((e: unknown) => e);
    expect(String((again as Error).message)).toMatch(/Chat\.Create/);
    await drain();
    expect(governance()).toHaveLength(1);
    graph.deny = null;
    clock.advanceMs(15 * 60_000);
    await drain();
    expect(await chatOf(d.id)).toMatch(/@thread\.v2$/);
    expect(governance()).toHaveLength(1);
  });

  it('without admin consent and TEAMS_PRIVATE_FALLBACK=thread, runs the dispute in a case-channel thread and says so', async () => {
    await start({ fallback: true });
    graph.deny = /^GET \/v1\.0\/appCatalogs/;
    const d = await raise();
    await drain();
    expect(await chatOf(d.id)).toMatch(new RegExp(`^${CASES.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')};messageid=\\d+$`));
    expect(governance().join()).toMatch(/AppCatalog\.Read\.All[\s\S]*runs in a thread of the shared case channel instead/);
    expect(graph.chats.size).toBe(0);
  });

  it('answers card buttons and "Record as decision" from inside the chat, and updates the chat\'s stage card in place', async () => {
    await start();
    const d = await raise();
    await drain();
    const chat = await chatOf(d.id);
    // The real inbound side (botbuilder, the bot, the interaction layer) on loopback, in the Emulator's local mode.
    const inbound = createTeamsAdapter(loadEnv({ DIRECTORY_FILE: DIRECTORY, DATA_DIR: 'memory://', TEAMS_CASE_CHANNEL_ID: CASES, TEAMS_SERVICE_URL: connector.url, MICROSOFT_APP_TENANT_ID: 'tenant-1' }),
      createLogger('silent'), () => app.service.directory());
    inbound.attach(app.service, () => undefined);
    const server = http.createServer((req, res) => void inbound.handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const send = async (personId: string, extra: Record<string, unknown>) => {
        const r = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            id: `act-${crypto.randomUUID()}`, channelId: 'msteams', serviceUrl: connector.url, timestamp: new Date().toISOString(),
            from: { id: `29:${personId}`, name: personId, aadObjectId: aad(personId) }, recipient: { id: '28:bot', name: 'S117' },
            conversation: { id: chat, conversationType: 'groupChat', isGroup: true, tenantId: 'tenant-1' }, channelData: { tenant: { id: 'tenant-1' } }, ...extra,
          }),
        });
        const text = await r.text();
        return text ? JSON.parse(text) as Record<string, unknown> : {};
      };
      connector.clear();
      const ticked = await send('gus-hart', { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'tick', data: { verb: 'tick', d: d.id, k: 'tests', s: 1, n: 1 } }, trigger: 'manual' } });
      expect(JSON.stringify(ticked)).toMatch(/Revisit the statutory Section 117 tests — _Gus Hart_/);
      await drain();
      expect(connector.updated().map((c) => c.conversation)).toEqual([chat]);
      const fetched = await send('gus-hart', {
        type: 'invoke', name: 'composeExtension/fetchTask',
        value: { commandId: 'recordDecision', commandContext: 'message', messagePayload: { id: '1', body: { contentType: 'html', content: '<p>Agreed: ICB 60%, council 40%.</p>' } } },
      });
      expect(JSON.stringify(fetched)).toContain('"value":"Agreed: ICB 60%, council 40%."');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('retries, rather than gives up, when the bot is not yet on a new chat\'s roster', async () => {
    await start();
    const d = await raise();
    await drain();
    const space = (await app.db.prisma.conversation.findFirstOrThrow({ where: { disputeId: d.id } })).ref as { id: string };
    connector.failNext(403);
    const e = await port.post(space, { title: 't', lines: [], mentions: [] }, [], { key: 'k', attempt: 1 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ retryable: true, retryAfterMs: 30_000, message: expect.stringMatching(/the bot may not be in the chat yet/) });
  });

  it('tells governance about participants whose Entra id Teams does not know', async () => {
    await start();
    for (const p of directory.people) if (p.id !== 'ivy-nash') graph.users.add(p.handles.teams!);
    const d = await raise();
    await drain();
    expect(graph.chatMembers(await chatOf(d.id))).not.toContain(aad('ivy-nash'));
    expect(governance().join()).toMatch(/Ivy Nash have no Teams .{0,6}Entra object.{0,6} id in the directory that Teams knows/);
  });
});
