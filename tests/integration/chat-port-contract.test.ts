import bolt from '@slack/bolt';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { SlackChatPort } from '../../src/adapters/slack/chat-port.ts';
import { TeamsChatPort } from '../../src/adapters/teams/chat-port.ts';
import { createLogger } from '../../src/app/logger.ts';
import { ChatDeliveryError, type ChatPort, type ConversationRef, type Delivery, type RateBucket } from '../../src/app/ports.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import type { Dispute } from '../../src/domain/types.ts';
import { disputeView, type DisputeView } from '../../src/domain/view.ts';
import { GraphClient } from '../../src/adapters/teams/graph.ts';
import { GroupChats } from '../../src/adapters/teams/group-chat.ts';
import { connectorHttp } from '../../src/adapters/teams/connector-http.ts';
import { type ConnectorCall, FakeBotConnector, invalidMention } from '../fakes/bot-connector.ts';
import { FakeGraph } from '../fakes/graph.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { LoopChatPort } from '../fakes/loop-chat-port.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { calendar, directory, Scenario } from '../helpers/domain.ts';

/** What a contract test needs to see of a platform: its port, and what its fake received. */
interface Harness {
  port: ChatPort;
  /** Everything sent into a case space (the serialised bodies). */
  sentTo(space: ConversationRef): string[];
  cardWrites(): { kind: 'post' | 'update'; body: string }[];
  directTo(personTeamsOrSlackId: string): string[];
  governanceMessages(): string[];
  /** Typed text that would be live markup on this platform (a link, a channel ping). */
  liveMarkup: string[];
  /** Who is in a case space now, or 'team' where every member of the team sees the space anyway. */
  members(space: ConversationRef): string[] | 'team';
  /** Who a private space starts with before any invitation. */
  founders: string[];
  /** Everything the platform received, serialised: names, topics, members, bodies. */
  traffic(): string;
  /** Makes the next call meet a 429; the platform's wait, in ms, that it asks for. */
  rateLimitNext(): number;
  refuseNext(): void;
  stop(): Promise<void>;
}

const logger = createLogger('silent');
const gov = { ...directory, governance: { slack: 'CGOVERN', teams: '19:gov@thread.tacv2' } };

async function slackHarness(): Promise<Harness> {
  const fake = new FakeSlackApi();
  await fake.start();
  const client = new bolt.App({ token: 'xoxb-x', signingSecret: 's', clientOptions: { slackApiUrl: `${fake.url}/api/`, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true }, logLevel: bolt.LogLevel.ERROR }).client;
  const port = new SlackChatPort(client, () => gov, logger);
  const posts = () => fake.of('chat.postMessage');
  return {
    port,
    sentTo: (space) => posts().filter((c) => c.args.channel === space.id).map((c) => JSON.stringify(c.args)),
    cardWrites: () => fake.calls.filter((c) => c.method === 'chat.update' || (c.method === 'chat.postMessage' && /Stage \d —/.test(String(c.args.text)) && String(c.args.text).includes('·')))
      .map((c) => ({ kind: c.method === 'chat.update' ? 'update' as const : 'post' as const, body: JSON.stringify(c.args) })),
    directTo: (id) => posts().filter((c) => c.args.channel === `D${id}`).map((c) => JSON.stringify(c.args)),
    governanceMessages: () => posts().filter((c) => c.args.channel === 'CGOVERN').map((c) => JSON.stringify(c.args)),
    liveMarkup: ['<!channel>', '<http://evil|click>'],
    members: (space) => fake.members(space.id).filter((u) => u !== 'UBOT'),
    founders: [],
    traffic: () => JSON.stringify(fake.calls),
    rateLimitNext: () => { fake.failNext('chat.postMessage', { status: 429, retryAfter: 9 }); return 9000; },
    refuseNext: () => fake.failNext('chat.postMessage', { error: 'channel_not_found' }),
    stop: () => fake.stop(),
  };
}

async function teamsHarness(mode: 'thread' | 'channel' | 'chat'): Promise<Harness & { activities(): Record<string, unknown>[] }> {
  const fake = new FakeBotConnector();
  await fake.start();
  const graph = new FakeGraph();
  await graph.start();
  graph.catalog.set('app-1', 'catalog-1');
  const client = new GraphClient({ apiUrl: `${graph.url}/v1.0`, loginUrl: graph.url, tenantId: 't1', appId: 'app-1', appPassword: 'right-secret' });
  // The connector client the bot runs with: one try per call, the outbox does the retrying.
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}, undefined, undefined, undefined, connectorHttp(5000)));
  const port = new TeamsChatPort(adapter, {
    appId: '', tenantId: 't1', serviceUrl: fake.url, caseChannelId: mode === 'thread' ? '19:cases@thread.tacv2' : null,
    channelMode: mode === 'channel' ? { teamId: 'team-1', graph: client } : null,
    groupChats: mode === 'chat' ? new GroupChats({ graph: client, appId: 'app-1', catalogAppId: null }) : null,
  }, () => gov, logger);
  port.useDisputes(async () => ({ raisedById: 'ali-khan', participants: ['ali-khan', 'gus-hart'] }));
  const isGov = (c: ConnectorCall) => (c.body.channelData as { channel?: { id: string } } | undefined)?.channel?.id === '19:gov@thread.tacv2';
  const isThreadStart = (c: ConnectorCall) => c.method === 'POST' && !c.conversation && Boolean((c.body.channelData as { channel?: { id: string } } | undefined)?.channel?.id) && !isGov(c);
  const isChatCard = (c: ConnectorCall) => mode === 'chat' && c.method === 'POST' && Boolean(c.conversation?.endsWith('@thread.v2')) && /Stage \d —/.test(JSON.stringify(c.body));
  return {
    port,
    sentTo: (space) => fake.calls.filter((c) => c.conversation === space.id && c.method === 'POST').map((c) => JSON.stringify(c.body)),
    cardWrites: () => fake.calls.filter((c) => c.method === 'PUT' || isThreadStart(c) || isChatCard(c))
      .map((c) => ({ kind: c.method === 'PUT' ? 'update' as const : 'post' as const, body: JSON.stringify(c.body) })),
    directTo: (id) => fake.created().filter((c) => (c.body.members as { id: string }[] | undefined)?.[0]?.id === id).map((c) => JSON.stringify(c.body)),
    governanceMessages: () => fake.created().filter(isGov).map((c) => JSON.stringify(c.body)),
    liveMarkup: ['[click](http://evil)', '**loud**'],
    members: (space) => (mode === 'chat' ? graph.chatMembers(space.id) : 'team'),
    founders: mode === 'chat' ? [ali.handles.teams!] : [],
    traffic: () => JSON.stringify([fake.calls, graph.calls]),
    // An activity posted into a conversation, or the one a new conversation starts with.
    activities: () => fake.calls.filter((c) => c.method !== 'GET' && c.status === 200)
      .map((c) => (c.conversation ? c.body : (c.body.activity as Record<string, unknown> | undefined) ?? null)).filter((a): a is Record<string, unknown> => a !== null),
    rateLimitNext: () => { fake.retryAfter = 7; fake.failNext(429); return 7000; },
    refuseNext: () => { fake.clearFailures(); fake.failNext(400); },
    stop: async () => { await fake.stop(); await graph.stop(); },
  };
}

/** The test-only third platform: the contract holds for a platform that src/ has never heard of. */
async function loopHarness(): Promise<Harness> {
  const port = new LoopChatPort();
  return {
    port,
    sentTo: (space) => port.sent.filter((m) => m.space === space.id).map((m) => m.text),
    cardWrites: () => port.cards,
    directTo: (id) => port.direct.filter((m) => m.to === id).map((m) => m.text),
    governanceMessages: () => port.toGovernance,
    liveMarkup: ['@everyone'],
    members: (space) => port.members(space.id),
    founders: [],
    traffic: () => JSON.stringify([port.calls, port.sent, port.cards, port.direct, port.toGovernance]),
    rateLimitNext: () => { port.failNext(1, { retryAfterMs: 9000 }); return 9000; },
    refuseNext: () => port.failNext(1, { retryable: false }),
    stop: async () => {},
  };
}

/** A dispute as the register holds it: the NHS number in full. */
function raised(): Dispute {
  const s = new Scenario();
  s.raise('ali-khan', fundingDispute());
  return { ...s.dispute, reference: 'S117-2026-0042' };
}

function view(): DisputeView {
  return disputeView(raised(), DEFAULT_POLICY, calendar, directory);
}

const d1 = { key: 'k1', attempt: 1 };

/** A delivery as the dispatcher makes one, recording what the port asks of it. */
function recordingDelivery(key: string, attempt = 1, known: ConversationRef | null = null) {
  const seen = { limits: [] as RateBucket[][], held: [] as { buckets: RateBucket[]; ms: number }[], sent: [] as ConversationRef[] };
  const d: Delivery = {
    key, attempt, known,
    limit: async (b) => { seen.limits.push(b); },
    rateLimited: async (buckets, ms) => { seen.held.push({ buckets, ms }); },
    sent: async (ref) => { seen.sent.push(ref); },
  };
  return { d, seen };
}
// Everyone also has a handle on the test-only loop platform (their directory id).
const person = (id: string) => {
  const p = directory.people.find((x) => x.id === id)!;
  const handles: Readonly<Record<string, string>> = { ...p.handles, loop: p.id };
  return { ...p, handles };
};
const gus = person('gus-hart');
const hal = person('hal-moss');
const ali = person('ali-khan');

describe.each([
  ['Slack', slackHarness, 'slack'],
  ['Teams, a thread per dispute', () => teamsHarness('thread'), 'teams'],
  ['Teams, a channel per dispute', () => teamsHarness('channel'), 'teams'],
  ['Teams, a private group chat per dispute', () => teamsHarness('chat'), 'teams'],
  ['a test-only third platform', loopHarness, 'loop'],
] as const)('the ChatPort contract: %s', (_name, make, idField) => {
  let h: Harness;
  beforeEach(async () => { h = await make(); });
  afterEach(async () => { await h.stop(); });

  it('[R11.2] opens a case space known by an id, and nothing the platform receives for it shows the NHS number, only its last three digits', async () => {
    // The register holds the full number; masking happens on the way out, in the view every adapter renders.
    const record = raised();
    expect(record.nhsNumber).toBe('9434765919');
    const v = disputeView(record, DEFAULT_POLICY, calendar, directory);
    const space = await h.port.openCaseSpace(v, d1);
    expect(typeof space.id).toBe('string');
    expect(space.id.length).toBeGreaterThan(0);
    await h.port.upsertCard(space, v, null, { key: 'k1c', attempt: 1 });
    const seen = h.traffic();
    expect(seen).toContain('ending 919');
    // Written any way a person might: spaced, hyphenated or run together.
    expect(seen).not.toMatch(/9[\s-]*4[\s-]*3[\s-]*4[\s-]*7[\s-]*6[\s-]*5[\s-]*9[\s-]*1[\s-]*9/);
  });

  it('posts a message into the case space with real mentions and escaped text', async () => {
    const space = await h.port.openCaseSpace(view(), d1);
    await h.port.post(space, { title: 'S117-2026-0042: reminder', lines: [`Typed by someone: ${h.liveMarkup.join(' ')}`], mentions: ['gus-hart'] }, [gus], { key: 'k2', attempt: 1 });
    const sent = h.sentTo(space).join('\n');
    expect(sent).toContain('S117-2026-0042: reminder');
    expect(sent).toContain(String(gus.handles[idField]));
    for (const live of h.liveMarkup) expect(sent).not.toContain(live);
  });

  it('writes the stage card once, then updates that same card in place', async () => {
    const v = view();
    const space = await h.port.openCaseSpace(v, d1);
    const card = await h.port.upsertCard(space, v, null, { key: 'k3', attempt: 1 });
    const again = await h.port.upsertCard(space, { ...v, stage: 2, stageName: 'Operational management escalation' }, card, { key: 'k4', attempt: 1 });
    expect(again.id).toBe(card.id);
    const writes = h.cardWrites();
    expect(writes.filter((w) => w.kind === 'post')).toHaveLength(1);
    expect(writes.at(-1)).toMatchObject({ kind: 'update' });
    expect(writes.at(-1)!.body).toMatch(/Stage 2 — Operational management escalation/);
  });

  it('sends a direct message to a person, and tells governance', async () => {
    await h.port.dm(gus, { title: 'You are part of S117-2026-0042', lines: ['Open the case space.'], mentions: [] }, { key: 'k5', attempt: 1 }, null);
    expect(h.directTo(String(gus.handles[idField])).join()).toContain('You are part of S117-2026-0042');
    await h.port.governance({ title: 'S117-2026-0042: Stage 3 is overdue', lines: [], mentions: [] }, { key: 'k6', attempt: 1 });
    expect(h.governanceMessages().join()).toContain('Stage 3 is overdue');
  });

  it('tells governance about participants it cannot reach on this platform', async () => {
    const space = await h.port.openCaseSpace(view(), d1);
    const ghost = { ...gus, id: 'ghost', name: 'Gail Ghost', handles: {} as Record<string, string> };
    await h.port.invite(space, [gus, ghost], { key: 'k9', attempt: 1 });
    expect(h.governanceMessages().join()).toContain('Gail Ghost');
  });

  it('keeps a private space\'s members to the participants, adding and removing them; a team-wide space has none to manage', async () => {
    const space = await h.port.openCaseSpace(view(), d1);
    const id = (p: typeof gus) => String(p.handles[idField]);
    const sorted = (ids: string[]) => (h.members(space) === 'team' ? 'team' : [...h.founders, ...ids].sort());
    await h.port.invite(space, [gus, hal], { key: 'k10', attempt: 1 });
    await h.port.invite(space, [gus], { key: 'k11', attempt: 1 });
    expect(h.members(space)).toEqual(sorted([id(gus), id(hal)]));
    await h.port.uninvite(space, [gus], { key: 'k12', attempt: 1 });
    // Someone already gone is not an error: a retried removal changes nothing.
    await h.port.uninvite(space, [gus], { key: 'k12', attempt: 2 });
    expect(h.members(space)).toEqual(sorted([id(hal)]));
  });

  it('reports a rate limit as retryable with the platform\'s wait, and a refusal as final', async () => {
    const space = await h.port.openCaseSpace(view(), d1);
    h.rateLimitNext();
    const limited = await h.port.post(space, { title: 't', lines: [], mentions: [] }, [], { key: 'k7', attempt: 1 }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ChatDeliveryError);
    expect(limited).toMatchObject({ retryable: true });
    expect((limited as ChatDeliveryError).retryAfterMs).toBeGreaterThanOrEqual(1000);
    h.refuseNext();
    const refused = await h.port.post(space, { title: 't', lines: [], mentions: [] }, [], { key: 'k8', attempt: 1 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ retryable: false });
  });

  it('waits for a rate-limit bucket before every platform call, and a 429 holds the call\'s buckets for exactly the platform\'s Retry-After', async () => {
    const space = await h.port.openCaseSpace(view(), d1);
    const ok = recordingDelivery('k13');
    await h.port.post(space, { title: 'S117-2026-0042: reminder', lines: [], mentions: [] }, [], ok.d);
    expect(ok.seen.limits.length).toBeGreaterThan(0);
    for (const buckets of ok.seen.limits) expect(buckets.length).toBeGreaterThan(0);
    // Paced per method, not one bucket for everything: some bucket has a rate, or names the method.
    expect(ok.seen.limits.flat().map((b) => b.key).join(' ')).toMatch(/post|send/i);
    const limited = recordingDelivery('k14');
    const wait = h.rateLimitNext();
    const e = await h.port.post(space, { title: 't', lines: [], mentions: [] }, [], limited.d).catch((x: unknown) => x);
    expect(e).toMatchObject({ retryable: true, rateLimited: true, retryAfterMs: wait });
    // Every replica holds back: the buckets the call waited for are held for the platform's wait.
    expect(limited.seen.held).toHaveLength(1);
    expect(limited.seen.held[0]!.ms).toBe(wait);
    const waitedFor = limited.seen.limits.flat().map((b) => b.key);
    expect(limited.seen.held[0]!.buckets.map((b) => b.key)).toEqual(expect.arrayContaining(waitedFor));
  });

  it('a retried delivery sends nothing again when its first try got through (what was sent is kept through `sent`)', async () => {
    const space = await h.port.openCaseSpace(view(), d1);
    const message = { title: 'S117-2026-0042: sent once', lines: [], mentions: [] };
    const retry = async (key: string, call: (d: Delivery) => Promise<unknown>) => {
      const first = recordingDelivery(key);
      await call(first.d);
      // The try got through but the row was not marked delivered (a crash, a lease lost): the outbox tries again.
      await call(recordingDelivery(key, 2, first.seen.sent.at(-1) ?? null).d);
    };
    await retry('k15', (d) => h.port.post(space, message, [], d));
    expect(h.sentTo(space).filter((b) => b.includes('sent once'))).toHaveLength(1);
    await retry('k16', (d) => h.port.dm(gus, { ...message, title: 'S117-2026-0042: direct once' }, d, null));
    expect(h.directTo(String(gus.handles[idField])).filter((b) => b.includes('direct once'))).toHaveLength(1);
    await retry('k17', (d) => h.port.governance({ ...message, title: 'S117-2026-0042: governance once' }, d));
    expect(h.governanceMessages().filter((b) => b.includes('governance once'))).toHaveLength(1);
    const before = h.cardWrites().filter((w) => w.kind === 'post').length;
    await retry('k18', (d) => h.port.upsertCard(space, view(), null, d));
    expect(h.cardWrites().filter((w) => w.kind === 'post').length).toBeLessThanOrEqual(before + 1);
  });
});

describe.each(['thread', 'channel', 'chat'] as const)('Teams activities in the documented shape (%s mode)', (mode) => {
  it('carry mentions only in the card (msteams.entities quoting <at> text of a TextBlock), never as activity-level entities', async () => {
    const h = await teamsHarness(mode);
    try {
      const space = await h.port.openCaseSpace(view(), d1);
      await h.port.invite(space, [gus, hal], { key: 'm1', attempt: 1 });
      await h.port.post(space, { title: 'S117-2026-0042: Stage 2 has started', lines: ['Please look.'], mentions: ['gus-hart', 'hal-moss'] }, [gus, hal], { key: 'm2', attempt: 1 });
      await h.port.upsertCard(space, view(), null, { key: 'm3', attempt: 1 });
      await h.port.dm(gus, { title: 'You are part of S117-2026-0042', lines: [], mentions: ['gus-hart'] }, { key: 'm4', attempt: 1 }, space);
      await h.port.governance({ title: 'S117-2026-0042: Stage 3 is overdue', lines: [], mentions: ['hal-moss'] }, { key: 'm5', attempt: 1 });
      const activities = h.activities();
      expect(activities.length).toBeGreaterThanOrEqual(4);
      const mentions: unknown[] = [];
      for (const a of activities) {
        // Teams refuses (400 Invalid mention entity) an activity mention whose text the activity does not carry; the card's are enough.
        expect(((a.entities as { type?: string }[] | undefined) ?? []).filter((e) => e.type === 'mention')).toEqual([]);
        expect(invalidMention(a)).toBeNull();
        for (const att of (a.attachments as { content?: { msteams?: { entities?: unknown[] } } }[] | undefined) ?? []) mentions.push(...att.content?.msteams?.entities ?? []);
      }
      expect(mentions).toContainEqual({ type: 'mention', text: `<at>${gus.name}</at>`, mentioned: { id: gus.handles.teams, name: gus.name } });
      for (const m of mentions) expect(m).toMatchObject({ type: 'mention', text: expect.stringMatching(/^<at>[^<]+<\/at>$/), mentioned: { id: expect.any(String), name: expect.any(String) } });
    } finally {
      await h.stop();
    }
  });
});
