import type { SlackAdapter } from '../../src/adapters/slack/adapter.ts';
import type { Bot } from '../../src/bot.ts';
import type { FakeSlackApi } from '../fakes/slack-api.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { DATABASES } from '../helpers/app.ts';
import { blockAction, commandBody, interactiveBody, slackPost } from '../helpers/slack.ts';
import { COUNCIL, COUNCIL_USERS, ICB, ICB_USERS, startTwoWorkspaces, type TwoWorkspaces } from '../helpers/two-workspaces.ts';
import { until } from '../helpers/wait.ts';

// One Slack app installed in two workspaces: the council's and the ICB's.
// Each organisation's people are in their own workspace only, and the fake
// Slack refuses what Slack refuses across workspaces (a channel of the other
// workspace is not found, a user who is not a member cannot be invited).

describe.each(DATABASES)('one Slack app in two workspaces (%s)', (_name, setup) => {
  let w: TwoWorkspaces;
  let slack: FakeSlackApi;
  let bot: Bot;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const db = await setup();
    cleanup = db.cleanup;
    w = await startTwoWorkspaces(db.databaseUrl, { icb: 'token', prefix: 's117-workspaces-' });
    ({ slack, bot } = w);
  }, 180_000);
  afterAll(async () => {
    await w?.stop();
    await cleanup();
  });

  const settle = () => w.settle();
  const inTeam = (team: string, method: string) => w.inTeam(team, method);

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
