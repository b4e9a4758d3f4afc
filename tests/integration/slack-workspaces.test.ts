import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import type { SlackAdapter } from '../../src/adapters/slack/adapter.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { FakeClock } from '../fakes/clock.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { DATABASES } from '../helpers/app.ts';
import { directoryWithHomes } from '../helpers/homes.ts';
import { blockAction, commandBody, interactiveBody, SIGNING_SECRET, slackPost } from '../helpers/slack.ts';
import { until } from '../helpers/wait.ts';

// One Slack app installed in two workspaces: the council's and the ICB's.
// Each organisation's people are in their own workspace only, and the fake
// Slack refuses what Slack refuses across workspaces (a channel of the other
// workspace is not found, a user who is not a member cannot be invited).

const COUNCIL = 'T0COUNCIL';
const ICB = 'T0ICB0001';
const COUNCIL_USERS = ['U0ALIKHAN1', 'U0BEAJONE1', 'U0CALREID1', 'U0DEEOBI01', 'U0EVEFORD1', 'U0FAYLOWE1'];
const ICB_USERS = ['U0GUSHART1', 'U0HALMOSS1', 'U0IVYNASH1', 'U0JONPARK1', 'U0KITWEBB1', 'U0PATLEE01',
  'U0LOUGRAY1', 'U0MAXHOLT1', 'U0NIAROSE1', 'U0OLISHAW1'];

describe.each(DATABASES)('one Slack app in two workspaces (%s)', (_name, setup) => {
  let slack: FakeSlackApi;
  let bot: Bot;
  let tmp: string;
  let cleanup: () => Promise<void>;
  const clock = new FakeClock('2026-12-07T10:00:00Z');

  beforeAll(async () => {
    const db = await setup();
    cleanup = db.cleanup;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 's117-workspaces-'));
    directoryWithHomes(tmp, { 'anytown-council': [`slack:${COUNCIL}`], 'anytown-icb': [`slack:${ICB}`], 'anytown-trust': [`slack:${ICB}`] });
    fs.writeFileSync(path.join(tmp, 'council.token'), 'xoxb-council\n', { mode: 0o600 });
    fs.writeFileSync(path.join(tmp, 'workspaces.yaml'), [
      'workspaces:',
      `  - { team: ${COUNCIL}, name: Anytown Council, token_file: ${path.join(tmp, 'council.token')} }`,
      `  - { team: ${ICB}, name: NHS Anytown ICB, token_env: S117_TEST_ICB_SLACK_TOKEN }`,
    ].join('\n'));
    process.env.S117_TEST_ICB_SLACK_TOKEN = 'xoxb-icb';
    slack = new FakeSlackApi();
    slack.addWorkspace(COUNCIL, 'xoxb-council', COUNCIL_USERS);
    slack.addWorkspace(ICB, 'xoxb-icb', ICB_USERS);
    await slack.start();
    const env = loadEnv({
      PORT: '0', HOST: '127.0.0.1', ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : { DATA_DIR: 'memory://' }),
      DIRECTORY_FILE: path.join(tmp, 'directory.yaml'), SCHEDULER: 'off',
      SLACK_WORKSPACES_FILE: path.join(tmp, 'workspaces.yaml'), SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${slack.url}/api/`,
    });
    bot = await startBot({ env, logger: createLogger('silent'), clock, scheduler: false });
  }, 180_000);
  afterAll(async () => {
    await bot?.stop();
    await slack.stop();
    await cleanup();
    delete process.env.S117_TEST_ICB_SLACK_TOKEN;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const settle = () => until(async () => {
    await bot.app.scheduler.tick();
    return (await bot.app.db.prisma.outbox.count({ where: { deliveredAt: null, failedAt: null, notBefore: { lte: clock.now() } } })) === 0;
  }, 'the outbox to drain', 60_000);
  const inTeam = (team: string, method: string) => slack.of(method).filter((c) => c.team === team);

  it('opens a private channel in each workspace, posts and pings each person in their own, and a click in either acts once', async () => {
    await until(() => (bot.platforms.get('slack')!.adapter as SlackAdapter).status().ready, 'both workspaces to accept their tokens');
    const { dispute } = await bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute({ namedProfessionals: ['gus-hart'] }));
    await settle();
    expect(await bot.app.db.prisma.outbox.count({ where: { failedAt: { not: null } } })).toBe(0);

    // A private channel in each workspace, each holding that workspace's people only.
    const council = slack.channelsIn(COUNCIL);
    const icb = slack.channelsIn(ICB);
    expect(council.map((c) => c.name)).toEqual(['s117-2026-0001']);
    expect(icb.map((c) => c.name)).toEqual(['s117-2026-0001']);
    expect(council[0]!.members).toContain('U0ALIKHAN1');
    expect(council[0]!.members.filter((u) => u !== 'UBOT').every((u) => COUNCIL_USERS.includes(u))).toBe(true);
    expect(icb[0]!.members).toContain('U0GUSHART1');
    expect(icb[0]!.members.filter((u) => u !== 'UBOT').every((u) => ICB_USERS.includes(u))).toBe(true);
    // The card and the posts in each; direct messages in each person's own workspace.
    for (const [team, channel] of [[COUNCIL, council[0]!.id], [ICB, icb[0]!.id]] as const) {
      expect(inTeam(team, 'chat.postMessage').some((c) => c.args.channel === channel && /Stage 1/.test(JSON.stringify(c.args.blocks)))).toBe(true);
      expect(inTeam(team, 'pins.add').some((c) => c.args.channel === channel)).toBe(true);
    }
    const dmsTo = (team: string) => inTeam(team, 'conversations.open').map((c) => String(c.args.users));
    expect(dmsTo(COUNCIL).every((u) => COUNCIL_USERS.includes(u))).toBe(true);
    expect(dmsTo(ICB)).toContain('U0GUSHART1');

    // The same tick pressed in both workspaces at once: one change, and the card refreshed in both.
    const base = `http://127.0.0.1:${bot.address.port}`;
    const value = JSON.stringify({ d: dispute.id, k: 'clarify', s: 1, n: 1 });
    const press = (team: string, user: string, channel: string) => {
      const payload = { ...blockAction(user, channel, { action_id: 's117:tick:clarify', value }), team: { id: team } };
      return slackPost(base, interactiveBody(payload), 'form');
    };
    const updatesBefore = { [COUNCIL]: inTeam(COUNCIL, 'chat.update').length, [ICB]: inTeam(ICB, 'chat.update').length };
    const answers = await Promise.all([press(COUNCIL, 'U0ALIKHAN1', council[0]!.id), press(ICB, 'U0GUSHART1', icb[0]!.id)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await until(async () => (await bot.app.service.get({ id: dispute.id }))!.checklist.find((c) => c.key === 'clarify')!.tickedBy, 'the tick');
    await settle();
    expect(await bot.app.db.prisma.historyEvent.count({ where: { disputeId: dispute.id, type: 'CHECKLIST_TICKED' } })).toBe(1);
    // The history records the workspace the one counted press came from (its home key), not just "slack".
    const won = (await bot.app.db.prisma.historyEvent.findFirst({ where: { disputeId: dispute.id, type: 'CHECKLIST_TICKED' } }))!;
    expect(won.platform).toBe(won.actorId === 'ali-khan' ? `slack:${COUNCIL}` : `slack:${ICB}`);
    expect(inTeam(COUNCIL, 'chat.update').length).toBeGreaterThan(updatesBefore[COUNCIL]!);
    expect(inTeam(ICB, 'chat.update').length).toBeGreaterThan(updatesBefore[ICB]!);
    // Nothing crossed workspaces (the fake refuses it): no call was refused.
    expect(slack.calls.filter((c) => c.status === 200 && c.method !== 'auth.test').length).toBeGreaterThan(0);
    expect(await bot.app.db.prisma.outbox.count({ where: { failedAt: { not: null } } })).toBe(0);

    // One press from each workspace, each recorded with its own home.
    const tick = (team: string, user: string, channel: string, item: string) => slackPost(base, interactiveBody({
      ...blockAction(user, channel, { action_id: `s117:tick:${item}`, value: JSON.stringify({ d: dispute.id, k: item, s: 1, n: 1 }) }),
      team: { id: team },
    }), 'form');
    expect((await tick(ICB, 'U0GUSHART1', icb[0]!.id, 'tests')).status).toBe(200);
    expect((await tick(COUNCIL, 'U0ALIKHAN1', council[0]!.id, 'evidence')).status).toBe(200);
    const ticked = () => bot.app.db.prisma.historyEvent.findMany({ where: { disputeId: dispute.id, type: 'CHECKLIST_TICKED' }, orderBy: { seq: 'asc' } });
    await until(async () => (await ticked()).length === 3, 'both ticks recorded');
    const where = Object.fromEntries((await ticked()).map((e) => [(e.data as { key?: string }).key, [e.actorId, e.platform]]));
    expect(where.tests).toEqual(['gus-hart', `slack:${ICB}`]);
    expect(where.evidence).toEqual(['ali-khan', `slack:${COUNCIL}`]);
  }, 120_000);

  it('refuses a request from a workspace without an installation', async () => {
    const body = new URLSearchParams(commandBody('U0STRANGE1', 'help', 'C1', `${slack.url}/respond/stranger`));
    body.set('team_id', 'T0STRANGER');
    const r = await slackPost(`http://127.0.0.1:${bot.address.port}`, body.toString(), 'form');
    expect(r.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(slack.responses.filter((x) => x.path === '/respond/stranger')).toEqual([]);
  });
});
