import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TeamsChatPort } from '../../src/adapters/teams/chat-port.ts';
import { disputeMembers } from '../../src/adapters/teams/teams-app.ts';
import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { FakeBotConnector } from '../fakes/bot-connector.ts';
import { FakeClock } from '../fakes/clock.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { FakeSmtpRelay } from '../fakes/smtp.ts';
import { fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { directoryWithHomes } from '../helpers/homes.ts';
import { blockAction, interactiveBody, SIGNING_SECRET, slackPost } from '../helpers/slack.ts';
import { until } from '../helpers/wait.ts';

const CASES = '19:cases@thread.tacv2';
const COUNCIL_SLACK = ['U0ALIKHAN1', 'U0BEAJONE1', 'U0CALREID1', 'U0DEEOBI01', 'U0EVEFORD1', 'U0FAYLOWE1'];

describe('one dispute between organisations that work in different places', () => {
  let slack: FakeSlackApi;
  let connector: FakeBotConnector;
  let relay: FakeSmtpRelay;
  let bot: Bot;
  let tmp: string;
  const clock = new FakeClock('2026-12-07T10:00:00Z');

  async function start(): Promise<void> {
    const env = loadEnv({
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(tmp, 'data'), DIRECTORY_FILE: path.join(tmp, 'directory.yaml'), SCHEDULER: 'off',
      SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${slack.url}/api/`, PUBLIC_URL: 'https://s117.example.nhs.uk',
      SMTP_URL: relay.url, MAIL_FROM: 's117-noreply@anytown.nhs.uk',
    });
    // Teams as the ICB's tenant sees it: the bot's own port against a fake Bot Connector.
    let service: Bot['app']['service'] | null = null;
    const teams = new TeamsChatPort(new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})), {
      appId: '', tenantId: 'tenant-icb', serviceUrl: connector.url, caseChannelId: CASES, channelMode: null, publicUrl: 'https://s117.example.nhs.uk',
    }, () => service!.directory(), createLogger('silent'));
    bot = await startBot({ env, logger: createLogger('silent'), clock, scheduler: false, ports: { teams } });
    service = bot.app.service;
    teams.useDisputes(disputeMembers(bot.app.service));
  }

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 's117-across-'));
    directoryWithHomes(tmp, { 'anytown-council': ['slack'], 'anytown-icb': ['teams'], 'anytown-trust': ['email'] });
    slack = new FakeSlackApi();
    connector = new FakeBotConnector();
    relay = new FakeSmtpRelay();
    await Promise.all([slack.start(), connector.start(), relay.start()]);
    await start();
  });
  afterAll(async () => {
    await bot.stop();
    await Promise.all([slack.stop(), connector.stop(), relay.stop()]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const settle = async () => {
    await until(async () => {
      await bot.app.scheduler.tick();
      return (await bot.app.db.prisma.outbox.count({ where: { deliveredAt: null, failedAt: null, notBefore: { lte: clock.now() } } })) === 0;
    }, 'the outbox to drain');
  };
  const slackInvited = () => slack.of('conversations.invite').flatMap((c) => String(c.args.users).split(','));
  const teamsCard = () => connector.updated().at(-1) ?? connector.created().find((c) => (c.body.channelData as { channel?: { id: string } } | undefined)?.channel?.id === CASES);

  it('[R5.2] [R3.2] [R5.8] opens a space in each home, reaches everyone where they work, escalates across a restart, and takes each confirmation once from wherever it is made', async () => {
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
    // Teams: the ICB's thread, its card, and its people told 1:1.
    expect(connector.calls.filter((c) => c.status !== 200)).toEqual([]);
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

    // Proposed on Teams (the ICB), confirmed from Slack (the council, twice by a double click) and for the trust (by e-mail, through the register's CLI).
    await bot.app.service.act({ personId: 'hal-moss', platform: 'teams' }, { id }, { type: 'PROPOSE_DECISION', input: stage2Decision });
    await settle();
    const card = slack.of('chat.update').at(-1)!.args as { channel: string; blocks: { elements?: { action_id: string; value: string }[] }[] };
    const councilButton = card.blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 's117:confirm:anytown-council')!;
    const base = `http://127.0.0.1:${bot.address.port}`;
    await slackPost(base, interactiveBody(blockAction('U0CALREID1', card.channel, councilButton)), 'form');
    await slackPost(base, interactiveBody(blockAction('U0CALREID1', card.channel, councilButton)), 'form');
    await until(async () => (await bot.app.db.prisma.confirmation.count()) === 1, 'the council confirmation');
    await bot.app.service.act({ personId: 'hal-moss', platform: 'teams' }, { id }, { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    await bot.app.service.act({ personId: 'max-holt', platform: 'cli' }, { id }, { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-trust' });
    const done = (await bot.app.service.get({ id }))!;
    expect(done.status).toBe('RESOLVED');
    expect(await bot.app.db.prisma.historyEvent.count({ where: { disputeId: id, type: 'DECISION_CONFIRMED' } })).toBe(3);
    const where = await bot.app.db.prisma.historyEvent.findMany({ where: { disputeId: id, type: { in: ['DECISION_PROPOSED', 'DECISION_CONFIRMED'] } }, orderBy: { seq: 'asc' } });
    expect(where.map((h) => h.platform)).toEqual(['teams', 'slack', 'teams', 'cli']);

    // The card is current in both spaces.
    await settle();
    expect(JSON.stringify(slack.of('chat.update').at(-1)!.args.blocks)).toMatch(/S117-2026-0001 · Resolved/);
    expect(JSON.stringify(teamsCard()!.body)).toMatch(/S117-2026-0001 · Resolved/);
  });
});
