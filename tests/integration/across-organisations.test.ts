import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { FakeBotConnector } from '../fakes/bot-connector.ts';
import { FakeClock } from '../fakes/clock.ts';
import { FakeGraph } from '../fakes/graph.ts';
import { FakeMicrosoftLogin } from '../fakes/microsoft-login.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { FakeSmtpRelay } from '../fakes/smtp.ts';
import { fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { directory } from '../helpers/domain.ts';
import { directoryWithHomes } from '../helpers/homes.ts';
import { blockAction, interactiveBody, SIGNING_SECRET, slackPost } from '../helpers/slack.ts';
import { until } from '../helpers/wait.ts';
import { WebClient, words } from '../helpers/web-client.ts';

// The ICB works in its own Microsoft 365 tenant, reached through that tenant's own single-tenant app registration.
const ICB_TENANT = 'cccccccc-0000-4000-8000-0000000000cc';
const ICB_APP = '33333333-0000-4000-8000-0000000000c3';
const aad = (personId: string) => directory.people.find((p) => p.id === personId)!.handles.teams!;
const COUNCIL_SLACK = ['U0ALIKHAN1', 'U0BEAJONE1', 'U0CALREID1', 'U0DEEOBI01', 'U0EVEFORD1', 'U0FAYLOWE1'];

describe('one dispute between organisations that work in different places', () => {
  let slack: FakeSlackApi;
  let connector: FakeBotConnector;
  let login: FakeMicrosoftLogin;
  let graph: FakeGraph;
  let relay: FakeSmtpRelay;
  let bot: Bot;
  let tmp: string;
  const clock = new FakeClock('2026-12-07T10:00:00Z');

  async function start(): Promise<void> {
    const env = loadEnv({
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(tmp, 'data'), DIRECTORY_FILE: path.join(tmp, 'directory.yaml'), SCHEDULER: 'off',
      SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${slack.url}/api/`, PUBLIC_URL: 'https://s117.example.nhs.uk',
      SMTP_URL: relay.url, MAIL_FROM: 's117-noreply@anytown.nhs.uk',
      // The trust has no sign-in provider: its people sign in to the web page with a link e-mailed to them.
      SIGN_IN_LINKS: 'on', SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
      // Teams: the ICB's tenant, with the connection its own app registration gives, and a private chat per dispute.
      TEAMS_CONNECTIONS_FILE: path.join(tmp, 'connections.yaml'), TEAMS_CASE_SPACES: 'chat',
      MICROSOFT_LOGIN_URL: login.url, GRAPH_API_URL: `${graph.url}/v1.0`, TEAMS_SERVICE_URL: connector.url, TEAMS_OPENID_METADATA_URL: login.openIdUrl,
    });
    bot = await startBot({ env, logger: createLogger('silent'), clock, scheduler: false });
  }

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 's117-across-'));
    directoryWithHomes(tmp, { 'anytown-council': ['slack'], 'anytown-icb': [`teams:${ICB_TENANT}`], 'anytown-trust': ['email'] });
    fs.writeFileSync(path.join(tmp, 'icb.secret'), 'icb-secret\n', { mode: 0o600 });
    fs.writeFileSync(path.join(tmp, 'connections.yaml'),
      `connections:\n  - { name: anytown-icb, appId: ${ICB_APP}, tenantId: ${ICB_TENANT}, passwordFile: ${path.join(tmp, 'icb.secret')}, catalogAppId: cat-icb }\n`);
    slack = new FakeSlackApi();
    connector = new FakeBotConnector();
    login = new FakeMicrosoftLogin();
    graph = new FakeGraph();
    relay = new FakeSmtpRelay();
    await Promise.all([slack.start(), connector.start(), relay.start(), login.start(), graph.start()]);
    // The fakes refuse any token not issued to the ICB's app in the ICB's tenant, as Microsoft's services do.
    login.register(ICB_APP, ICB_TENANT, 'icb-secret');
    graph.login = login;
    connector.login = login;
    graph.catalog.set(ICB_APP, 'cat-icb');
    for (const p of directory.people) if (p.handles.teams) graph.entra.set(p.handles.teams, { tenant: ICB_TENANT, userType: 'Member' });
    connector.tenantOf = (conversation) => graph.chats.get(conversation)?.tenant ?? null;
    await start();
  });
  afterAll(async () => {
    await bot.stop();
    await Promise.all([slack.stop(), connector.stop(), relay.stop(), login.stop(), graph.stop()]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const settle = async () => {
    await until(async () => {
      await bot.app.scheduler.tick();
      return (await bot.app.db.prisma.outbox.count({ where: { deliveredAt: null, failedAt: null, notBefore: { lte: clock.now() } } })) === 0;
    }, 'the outbox to drain');
  };
  const slackInvited = () => slack.of('conversations.invite').flatMap((c) => String(c.args.users).split(','));
  const icbChat = () => [...graph.chats.values()].find((c) => c.tenant === ICB_TENANT)!;
  /** The stage card as last drawn in the ICB's chat (posted, then updated in place). */
  const teamsCard = () => [...connector.sent(icbChat().id), ...connector.updated()].filter((c) => /S117-2026-0001 · /.test(JSON.stringify(c.body))).at(-1);
  /** A card button pressed in Teams, as the Bot Connector sends it: signed for the ICB's app, from the ICB's tenant. */
  const teamsPress = async (personId: string, data: Record<string, unknown>) => {
    const body = {
      id: `act-${crypto.randomUUID()}`, channelId: 'msteams', serviceUrl: connector.url, timestamp: new Date().toISOString(),
      from: { id: `29:${personId}`, name: personId, aadObjectId: aad(personId) }, recipient: { id: `28:${ICB_APP}`, name: 'S117' },
      conversation: { id: icbChat().id, conversationType: 'groupChat', isGroup: true, tenantId: ICB_TENANT }, channelData: { tenant: { id: ICB_TENANT } },
      type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: data.verb, data }, trigger: 'manual' },
    };
    const r = await fetch(`http://127.0.0.1:${bot.address.port}/api/messages`, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${login.channelToken(ICB_APP, connector.url)}` },
    });
    return r.status;
  };

  it('[R5.2] [R3.2] [R5.8] opens a space in each home, reaches everyone where they work, escalates across a restart, and takes each confirmation once from wherever it is made, the web page included', async () => {
    const raised = await bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute({
      parties: [
        { organisationId: 'anytown-council', role: 'RAISING' }, { organisationId: 'anytown-icb', role: 'RESPONDING' }, { organisationId: 'anytown-trust', role: 'RESPONDING' },
      ],
      namedProfessionals: ['gus-hart', 'lou-gray'],
    }));
    const id = raised.dispute.id;
    await settle();

    // Slack: the council's private channel, with the council's people only.
    expect(slack.channelNames()).toEqual(['s117-2026-0001']);
    expect(slackInvited().every((u) => COUNCIL_SLACK.includes(u))).toBe(true);
    expect(slackInvited()).toContain('U0ALIKHAN1');
    // Teams: a private chat in the ICB's tenant, made with the ICB's own app, with its card; its people told 1:1.
    expect(connector.calls.filter((c) => c.status !== 200)).toEqual([]);
    expect(icbChat().topic).toBe('S117-2026-0001');
    expect(graph.chatMembers(icbChat().id)).toEqual(['gus-hart', 'ivy-nash'].map(aad).sort());
    expect(new Set(connector.sent(icbChat().id).map((c) => c.appId))).toEqual(new Set([ICB_APP]));
    expect(JSON.stringify(teamsCard()!.body)).toMatch(/S117-2026-0001 · Stage 1/);
    const teamsDms = connector.created().filter((c) => c.body.isGroup === false).map((c) => (c.body.members as { id: string }[])[0]!.id);
    expect(teamsDms.sort()).toEqual(['00000000-0000-4000-8000-000000000010', '00000000-0000-4000-8000-000000000012']);
    // E-mail: the trust's people, the reference only.
    expect(relay.to('lou.gray@anytown.nhs.uk').length).toBeGreaterThan(0);
    expect(relay.to('nia.rose@anytown.nhs.uk').length).toBeGreaterThan(0);
    for (const m of relay.received) expect(m.raw).not.toMatch(/Lou Gray|floating support|9434765919/);

    // The bot restarts; Stage 1 times out while it is down and Stage 2 reaches each organisation's managers where they work.
    await bot.stop();
    clock.set('2026-12-14T17:00:00Z');
    slack.clear();
    connector.clear();
    const mailsBefore = relay.received.length;
    await start();
    await settle();
    expect((await bot.app.service.get({ id }))!.stage).toBe(2);
    // People are told in working hours: at 09:00 the next working day.
    clock.set('2026-12-15T09:00:00Z');
    await settle();
    expect(slackInvited()).toContain('U0BEAJONE1');
    expect(connector.created().filter((c) => c.body.isGroup === false).map((c) => (c.body.members as { id: string }[])[0]!.id)).toContain('00000000-0000-4000-8000-000000000011');
    expect(relay.received.slice(mailsBefore).some((m) => m.envelopeTo.includes('max.holt@anytown.nhs.uk'))).toBe(true);

    // Proposed on Teams (the ICB), confirmed from Slack (the council, twice by a double click) and on the web page (the trust,
    // reached by e-mail only: a link e-mailed to its manager signs them in, and a double press counts once).
    // The ICB's manager proposes from the decision form in the ICB's Teams chat (the form's fields, as Teams submits them).
    expect(await teamsPress('hal-moss', {
      verb: 'propose', d: id, outcome: stage2Decision.outcome, effect: stage2Decision.effect, basis: stage2Decision.basis.join(','),
      ...Object.fromEntries(stage2Decision.payers.map((p) => [`pay:${p.organisationId}`, p.share])), effectiveFrom: stage2Decision.effectiveFrom,
      summary: stage2Decision.summary, basisNeed: stage2Decision.basisNeed, basisTests: stage2Decision.basisTests, basisRisk: stage2Decision.basisRisk,
    })).toBe(200);
    expect((await bot.app.service.get({ id }))!.decisions.map((x) => [x.seq, x.proposedBy])).toEqual([[1, 'hal-moss']]);
    await settle();
    const card = slack.of('chat.update').at(-1)!.args as { channel: string; blocks: { elements?: { action_id: string; value: string }[] }[] };
    const councilButton = card.blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 's117:confirm:anytown-council')!;
    const base = `http://127.0.0.1:${bot.address.port}`;
    await slackPost(base, interactiveBody(blockAction('U0CALREID1', card.channel, councilButton)), 'form');
    await slackPost(base, interactiveBody(blockAction('U0CALREID1', card.channel, councilButton)), 'form');
    await until(async () => (await bot.app.db.prisma.confirmation.count()) === 1, 'the council confirmation');
    // The ICB confirms from its Teams card, through the Bot Connector's signed request to its own app.
    const icbConfirm = JSON.stringify(teamsCard()!.body).match(/\{"verb":"confirm"[^}]*"o":"anytown-icb"[^}]*\}/)?.[0]
      ?? JSON.stringify(teamsCard()!.body).match(/\{[^{}]*"verb":"confirm"[^{}]*"anytown-icb"[^{}]*\}/)![0];
    expect(await teamsPress('hal-moss', JSON.parse(icbConfirm) as Record<string, unknown>)).toBe(200);
    await until(async () => (await bot.app.db.prisma.confirmation.count()) === 2, 'the ICB confirmation');
    const web = new WebClient();
    const askPage = await web.go(`${base}/register/login?org=anytown-trust`);
    await web.submit(askPage, { email: 'max.holt@anytown.nhs.uk' }, '/register/login/email');
    await settle();
    const mail = relay.to('max.holt@anytown.nhs.uk').find((m) => m.parsed.subject === 'Sign in to the Section 117 register')!;
    const link = /https:\/\/s117\.example\.nhs\.uk(\/register\/login\/link\?t=[A-Za-z0-9_-]+)/.exec(String(mail.parsed.text))![1]!;
    const landing = await web.go(`${base}${link}`);
    expect(words(await web.submit(landing, {}, '/register/login/link'))).toMatch(/Signed in as Max Holt/);
    const disputePage = await web.go(`${base}/register/dispute/S117-2026-0001`);
    const trustForm = disputePage.text.match(/<form method="post" action="\/register\/dispute\/[^"]+\/act" class="inline">(?:(?!<\/form>)[\s\S])*?value="anytown-trust"[\s\S]*?<\/form>/)![0];
    const press = WebClient.form({ ...disputePage, text: trustForm }).fields;
    await web.go(`${base}/register/dispute/S117-2026-0001/act`, { method: 'POST', form: press });
    expect(words(await web.go(`${base}/register/dispute/S117-2026-0001/act`, { method: 'POST', form: press }))).toMatch(/already recorded/);
    const done = (await bot.app.service.get({ id }))!;
    expect(done.status).toBe('RESOLVED');
    expect(await bot.app.db.prisma.historyEvent.count({ where: { disputeId: id, type: 'DECISION_CONFIRMED' } })).toBe(3);
    const where = await bot.app.db.prisma.historyEvent.findMany({ where: { disputeId: id, type: { in: ['DECISION_PROPOSED', 'DECISION_CONFIRMED'] } }, orderBy: { seq: 'asc' } });
    expect(where.map((h) => h.platform)).toEqual(['teams', 'slack', 'teams', 'web']);

    // The card is current in both spaces.
    await settle();
    expect(JSON.stringify(slack.of('chat.update').at(-1)!.args.blocks)).toMatch(/S117-2026-0001 · Resolved/);
    expect(JSON.stringify(teamsCard()!.body)).toMatch(/S117-2026-0001 · Resolved/);
  });
});
