import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/app/logger.ts';
import { refuseShare } from '../../src/app/shared-spaces.ts';
import { OutboxStore } from '../../src/register/outbox-store.ts';
import { loadEnv } from '../../src/platforms.ts';
import type { SlackAdapter } from '../../src/adapters/slack/adapter.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { FakeClock } from '../fakes/clock.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { DATABASES } from '../helpers/app.ts';
import { directoryWithHomes } from '../helpers/homes.ts';
import { blockAction, interactiveBody, SIGNING_SECRET, slackPost } from '../helpers/slack.ts';
import { until } from '../helpers/wait.ts';

// One Slack app installed in the council's workspace and the ICB's (and the
// trust's, which shares the ICB's). With the council and the ICB naming each
// other in the directory, the ICB's people are invited into the council's case
// channel with Slack Connect instead of a channel of their own; the fake Slack
// refuses what Slack refuses (a channel of another workspace until the
// invitation is accepted, an invitation the workspace's policy forbids).

const COUNCIL = 'T0COUNCIL';
const ICB = 'T0ICB0001';
const COUNCIL_USERS = ['U0ALIKHAN1', 'U0BEAJONE1', 'U0CALREID1', 'U0DEEOBI01', 'U0EVEFORD1', 'U0FAYLOWE1'];
const ICB_USERS = ['U0GUSHART1', 'U0HALMOSS1', 'U0IVYNASH1', 'U0JONPARK1', 'U0KITWEBB1', 'U0PATLEE01',
  'U0LOUGRAY1', 'U0MAXHOLT1', 'U0NIAROSE1', 'U0OLISHAW1'];
const ICB_EMAILS: Record<string, string> = {
  'gus.hart@anytown.nhs.uk': 'U0GUSHART1', 'hal.moss@anytown.nhs.uk': 'U0HALMOSS1', 'ivy.nash@anytown.nhs.uk': 'U0IVYNASH1',
  'jon.park@anytown.nhs.uk': 'U0JONPARK1', 'kit.webb@anytown.nhs.uk': 'U0KITWEBB1', 'lou.gray@anytown.nhs.uk': 'U0LOUGRAY1',
  'max.holt@anytown.nhs.uk': 'U0MAXHOLT1', 'nia.rose@anytown.nhs.uk': 'U0NIAROSE1', 'oli.shaw@anytown.nhs.uk': 'U0OLISHAW1',
};

/** The example directory with each organisation's workspace, and the Slack Connect pairs given. */
function writeDirectory(dir: string, connect: Record<string, string[]>): void {
  const file = directoryWithHomes(dir, { 'anytown-council': [`slack:${COUNCIL}`], 'anytown-icb': [`slack:${ICB}`], 'anytown-trust': [`slack:${ICB}`] });
  let text = fs.readFileSync(file, 'utf8');
  for (const [id, list] of Object.entries(connect)) {
    text = text.replace(new RegExp(`(\\{ id: ${id}, [^}]*?) \\}`), `$1, slackConnect: ${JSON.stringify(list)} }`);
  }
  fs.writeFileSync(file, text);
}

/** A Slack event as Slack delivers it to the app in the inviting workspace: signed, with that installation's authorization. */
function eventBody(team: string, event: Record<string, unknown>): string {
  return JSON.stringify({
    token: 'x', team_id: team, api_app_id: 'A0S117APP', type: 'event_callback', event, event_id: `Ev${Math.random().toString(36).slice(2)}`,
    event_time: Math.floor(Date.now() / 1000), is_ext_shared_channel: true, context_team_id: team,
    authorizations: [{ enterprise_id: null, team_id: team, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
  });
}

interface Rig { slack: FakeSlackApi; bot: Bot; base: string; tmp: string; clock: FakeClock; restart(): Promise<void>; stop(): Promise<void> }

async function rig(databaseUrl: string | undefined, connect: Record<string, string[]>, startAt = '2026-12-07T10:00:00Z'): Promise<Rig> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 's117-connect-'));
  writeDirectory(tmp, connect);
  fs.writeFileSync(path.join(tmp, 'council.token'), 'xoxb-council\n', { mode: 0o600 });
  fs.writeFileSync(path.join(tmp, 'workspaces.yaml'), [
    'workspaces:',
    `  - { team: ${COUNCIL}, name: Anytown Council, token_file: ${path.join(tmp, 'council.token')} }`,
    `  - { team: ${ICB}, name: NHS Anytown ICB, token_env: S117_TEST_CONNECT_ICB_TOKEN }`,
  ].join('\n'));
  process.env.S117_TEST_CONNECT_ICB_TOKEN = 'xoxb-icb';
  const slack = new FakeSlackApi();
  slack.addWorkspace(COUNCIL, 'xoxb-council', COUNCIL_USERS);
  slack.addWorkspace(ICB, 'xoxb-icb', ICB_USERS);
  slack.addEmails(ICB, ICB_EMAILS);
  await slack.start();
  // A folder for the embedded database, so a restart finds what the first start wrote.
  const dataDir = path.join(tmp, 'data');
  const env = loadEnv({
    PORT: '0', HOST: '127.0.0.1', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir }),
    DIRECTORY_FILE: path.join(tmp, 'directory.yaml'), SCHEDULER: 'off', IDENTIFIER_KEY_FILE: path.join(tmp, 'identifier.key'),
    SLACK_WORKSPACES_FILE: path.join(tmp, 'workspaces.yaml'), SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${slack.url}/api/`,
  });
  const clock = new FakeClock(startAt);
  const start = () => startBot({ env, logger: createLogger('silent'), clock, scheduler: false });
  const r: Rig = {
    slack, tmp, clock, bot: await start(), base: '',
    async restart() {
      await r.bot.stop();
      r.bot = await start();
      r.base = `http://127.0.0.1:${r.bot.address.port}`;
    },
    async stop() {
      await r.bot?.stop();
      await slack.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
  r.base = `http://127.0.0.1:${r.bot.address.port}`;
  await until(() => (r.bot.platforms.get('slack')!.adapter as SlackAdapter).status().ready, 'both workspaces to accept their tokens');
  return r;
}

const settle = (r: Rig) => until(async () => {
  await r.bot.app.scheduler.tick();
  return (await r.bot.app.db.prisma.outbox.count({ where: { deliveredAt: null, failedAt: null, notBefore: { lte: r.bot.app.service.now() } } })) === 0;
}, 'the outbox to drain', 60_000);
const inTeam = (r: Rig, team: string, method: string) => r.slack.of(method).filter((c) => c.team === team);
const governancePosts = (r: Rig, reference: string) => r.slack.of('chat.postMessage')
  .filter((c) => c.args.channel === 'C0GOVERN1' && JSON.stringify(c.args).includes(`${reference}: Slack Connect was refused`));
const press = (r: Rig, team: string, user: string, channel: string, disputeId: string, item: string) => slackPost(r.base, interactiveBody({
  ...blockAction(user, channel, { action_id: `s117:tick:${item}`, value: JSON.stringify({ d: disputeId, k: item, s: 1, n: 1 }) }),
  // As Slack sends a press in a Slack Connect channel: the presser's own workspace, and the channel as the host has it.
  team: { id: team }, user: { id: user, name: user, team_id: team }, is_enterprise_install: false,
}), 'form');

describe.each(DATABASES)('Slack Connect between two organisations that allow it (%s)', (_name, setup) => {
  let r: Rig;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const db = await setup();
    cleanup = db.cleanup;
    r = await rig(db.databaseUrl, {
      'anytown-council': ['anytown-icb', 'anytown-trust'], 'anytown-icb': ['anytown-council'], 'anytown-trust': ['anytown-council'],
    });
  }, 180_000);
  afterAll(async () => {
    await r?.stop();
    await cleanup();
    delete process.env.S117_TEST_CONNECT_ICB_TOKEN;
  });
  beforeEach(() => {
    r.slack.clear();
    r.slack.connectAllowed.add(COUNCIL);
  });

  it('invites the ICB into the council\'s channel; once accepted, a press by its people there acts once and is recorded as theirs', async () => {
    const { dispute } = await r.bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute({ namedProfessionals: ['gus-hart'] }));
    await settle(r);
    expect(await r.bot.app.db.prisma.outbox.count({ where: { failedAt: { not: null } } })).toBe(0);
    // One channel, the council's; none opened in the ICB's workspace.
    const channel = r.slack.channelsIn(COUNCIL).find((c) => c.name === dispute.reference.toLowerCase())!;
    expect(channel).toBeDefined();
    expect(r.slack.channelsIn(ICB).filter((c) => c.name === dispute.reference.toLowerCase())).toEqual([]);
    // The ICB's people invited from the council's channel with its token, one address a call.
    const invited = inTeam(r, COUNCIL, 'conversations.inviteShared').filter((c) => c.args.channel === channel.id);
    expect(invited.length).toBeGreaterThan(0);
    expect(invited.every((c) => (c.args.emails as string[]).length === 1 && c.args.external_limited === true)).toBe(true);
    expect(invited.map((c) => (c.args.emails as string[])[0])).toContain('gus.hart@anytown.nhs.uk');
    expect(inTeam(r, ICB, 'conversations.create')).toEqual([]);
    // Until they accept, they hear in their own workspace (a direct message), with a link to the shared channel.
    expect(inTeam(r, ICB, 'conversations.open').map((c) => String(c.args.users))).toContain('U0GUSHART1');
    const share = await r.bot.app.db.prisma.sharedSpace.findUnique({ where: { disputeId_home: { disputeId: dispute.id, home: `slack:${ICB}` } } });
    expect(share).toMatchObject({ host: `slack:${COUNCIL}`, state: 'pending', channel: channel.id });

    // They accept; Slack tells the council's installation, signed.
    for (const inv of r.slack.invites.filter((i) => i.channel === channel.id)) {
      const res = await slackPost(r.base, eventBody(COUNCIL, r.slack.acceptInvite(inv.id)), 'json');
      expect(res.status).toBe(200);
    }
    await until(async () => (await r.bot.app.db.prisma.sharedSpace.findUnique({ where: { disputeId_home: { disputeId: dispute.id, home: `slack:${ICB}` } } }))?.state === 'accepted', 'the share accepted');
    expect(r.slack.members(channel.id)).toContain('U0GUSHART1');

    // Gus presses in the shared channel, twice at once: one change, recorded as made in the ICB's workspace.
    const updates = inTeam(r, COUNCIL, 'chat.update').length;
    const answers = await Promise.all([press(r, ICB, 'U0GUSHART1', channel.id, dispute.id, 'clarify'), press(r, ICB, 'U0GUSHART1', channel.id, dispute.id, 'clarify')]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await until(async () => (await r.bot.app.service.get({ id: dispute.id }))!.checklist.find((c) => c.key === 'clarify')!.tickedBy, 'the tick');
    await settle(r);
    const ticks = await r.bot.app.db.prisma.historyEvent.findMany({ where: { disputeId: dispute.id, type: 'CHECKLIST_TICKED' } });
    expect(ticks.map((t) => [t.actorId, t.platform])).toEqual([['gus-hart', `slack:${ICB}`]]);
    // The one card, in the one channel, refreshed by the council's installation; nothing posted in the ICB's workspace.
    expect(inTeam(r, COUNCIL, 'chat.update').length).toBeGreaterThan(updates);
    expect(inTeam(r, ICB, 'chat.update')).toEqual([]);
    expect(inTeam(r, ICB, 'chat.postMessage').every((c) => String(c.args.channel).startsWith('D'))).toBe(true);
    expect(governancePosts(r, dispute.reference)).toEqual([]);
  }, 120_000);

  it('does not invite again, on a retry, the people an earlier try of the same row already invited', async () => {
    // Every second invitation meets a Slack outage: the row's first try invites one person and fails on the next.
    r.slack.faultMethods = ['conversations.inviteShared'];
    r.slack.faultEvery = 2;
    r.slack.fault = { kind: '500' };
    try {
      const { dispute } = await r.bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute({ namedProfessionals: ['gus-hart', 'ivy-nash'] }));
      await until(async () => {
        await r.bot.app.scheduler.tick();
        return r.slack.of('conversations.inviteShared').some((c) => c.status === 500);
      }, 'an invitation to meet the outage', 60_000);
      r.slack.fault = null;
      await until(async () => {
        r.clock.advanceMs(60_000);
        await r.bot.app.scheduler.tick();
        return (await r.bot.app.db.prisma.outbox.count({ where: { deliveredAt: null, failedAt: null } })) === 0;
      }, 'the retry to deliver', 90_000);
      const channel = r.slack.channelsIn(COUNCIL).find((c) => c.name === dispute.reference.toLowerCase())!;
      const sent = r.slack.of('conversations.inviteShared').filter((c) => c.args.channel === channel.id && c.status === 200)
        .map((c) => (c.args.emails as string[])[0]);
      expect(sent).toEqual(expect.arrayContaining(['gus.hart@anytown.nhs.uk', 'ivy.nash@anytown.nhs.uk']));
      expect(sent.length).toBe(new Set(sent).size);
    } finally {
      r.slack.fault = null;
      r.slack.faultMethods = null;
      r.slack.faultEvery = 1;
    }
  }, 180_000);

  it('still refuses a press signed for a workspace the event names but Bolt would not use (authorizations first)', async () => {
    // team_id names the council (installed) while the installation Bolt would take the token of is a stranger's.
    const body = JSON.parse(eventBody(COUNCIL, { type: 'shared_channel_invite_declined', channel: { id: 'C1' }, invite: { id: 'I1' }, declining_team_id: ICB })) as Record<string, unknown>;
    body.authorizations = [{ enterprise_id: null, team_id: 'T0STRANGER', user_id: 'UBOT', is_bot: true, is_enterprise_install: false }];
    expect((await slackPost(r.base, JSON.stringify(body), 'json')).status).toBe(401);
  });

  it('falls back to the ICB\'s own channel when its invitation is declined, tells governance once across a restart, and never invites again', async () => {
    const { dispute } = await r.bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute({ namedProfessionals: ['gus-hart'] }));
    await settle(r);
    const channel = r.slack.channelsIn(COUNCIL).find((c) => c.name === dispute.reference.toLowerCase())!;
    const invites = r.slack.invites.filter((i) => i.channel === channel.id);
    expect(invites.length).toBeGreaterThan(0);
    const postsBefore = inTeam(r, COUNCIL, 'chat.postMessage').filter((c) => c.args.channel === channel.id).length;

    // Declined; the event arrives, and the bot stops before delivering what the refusal queued.
    const declined = eventBody(COUNCIL, r.slack.declineInvite(invites[0]!.id));
    expect((await slackPost(r.base, declined, 'json')).status).toBe(200);
    const home = { disputeId_home: { disputeId: dispute.id, home: `slack:${ICB}` } };
    await until(async () => (await r.bot.app.db.prisma.sharedSpace.findUnique({ where: home }))?.state === 'refused', 'the refusal recorded');
    await r.restart();
    // Slack delivers the event again (its retry), to the new process: nothing more is queued.
    expect((await slackPost(r.base, declined, 'json')).status).toBe(200);
    await settle(r);

    // The ICB's own channel, with its people, the card and a copy of what was posted in the shared one.
    const own = r.slack.channelsIn(ICB).filter((c) => c.name === dispute.reference.toLowerCase());
    expect(own).toHaveLength(1);
    expect(own[0]!.members).toContain('U0GUSHART1');
    expect(inTeam(r, ICB, 'pins.add').some((c) => c.args.channel === own[0]!.id)).toBe(true);
    expect(inTeam(r, ICB, 'chat.postMessage').filter((c) => c.args.channel === own[0]!.id).length).toBeGreaterThanOrEqual(postsBefore);
    expect(governancePosts(r, dispute.reference)).toHaveLength(1);
    expect(JSON.stringify(governancePosts(r, dispute.reference)[0]!.args)).not.toMatch(/Gus Hart|Ali Khan/);

    // Later: a press in its own channel, and its posts go there; no second invitation is tried.
    const invitesSoFar = r.slack.of('conversations.inviteShared').length;
    expect((await press(r, ICB, 'U0GUSHART1', own[0]!.id, dispute.id, 'tests')).status).toBe(200);
    await until(async () => (await r.bot.app.service.get({ id: dispute.id }))!.checklist.find((c) => c.key === 'tests')!.tickedBy, 'the tick');
    await settle(r);
    expect(r.slack.of('conversations.inviteShared').length).toBe(invitesSoFar);
    expect(inTeam(r, ICB, 'chat.update').some((c) => c.args.channel === own[0]!.id)).toBe(true);
    expect(governancePosts(r, dispute.reference)).toHaveLength(1);
    expect(await r.bot.app.db.prisma.outbox.count({ where: { failedAt: { not: null } } })).toBe(0);
  }, 180_000);

  it('copies a post whose delivery was under way when the decline was recorded: once, in the ICB\'s own channel', async () => {
    // The ICB's copy of a post naming Gus reaches Slack as a direct message to him (he has not accepted yet); the
    // fake holds Slack's answer, and the decline is recorded while that row is still being delivered.
    const dm = r.slack.holdNext('chat.postMessage', (a, team) => team === ICB && String(a.channel).startsWith('D'));
    let held = false;
    void dm.reached.then(() => { held = true; });
    const { dispute } = await r.bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute({ namedProfessionals: ['gus-hart'] }));
    const pending = () => r.bot.app.db.prisma.outbox.count({ where: { disputeId: dispute.id, deliveredAt: null, failedAt: null } });
    // One delivery pass after another until one stops on the held answer (it then waits for the release below).
    const delivering = (async () => {
      while (!held && await pending() > 0) await r.bot.app.scheduler.tick();
    })();
    await until(() => held, 'a direct message to Gus to reach Slack', 60_000);
    const call = await dm.reached;
    const channel = r.slack.channelsIn(COUNCIL).find((c) => c.name === dispute.reference.toLowerCase())!;
    const invite = r.slack.invites.find((i) => i.channel === channel.id)!;
    expect((await slackPost(r.base, eventBody(COUNCIL, r.slack.declineInvite(invite.id)), 'json')).status).toBe(200);
    const home = { disputeId_home: { disputeId: dispute.id, home: `slack:${ICB}` } };
    await until(async () => (await r.bot.app.db.prisma.sharedSpace.findUnique({ where: home }))?.state === 'refused', 'the refusal recorded');
    // The row being delivered was not delivered when the refusal copied the posts so far.
    const inFlight = await r.bot.app.db.prisma.outbox.findFirst({ where: { disputeId: dispute.id, platform: `slack:${ICB}`, kind: 'POST', claimToken: { not: null } } });
    expect(inFlight).not.toBeNull();
    expect(inFlight!.deliveredAt).toBeNull();
    dm.release();
    await delivering;
    await settle(r);

    const own = r.slack.channelsIn(ICB).filter((c) => c.name === dispute.reference.toLowerCase());
    expect(own).toHaveLength(1);
    const title = (inFlight!.payload as { message: { title: string } }).message.title;
    const ownPosts = inTeam(r, ICB, 'chat.postMessage').filter((c) => c.args.channel === own[0]!.id && JSON.stringify(c.args).includes(title));
    expect(call.args.channel).not.toBe(own[0]!.id);
    expect(ownPosts).toHaveLength(1);
    expect(governancePosts(r, dispute.reference)).toHaveLength(1);
    expect(await r.bot.app.db.prisma.outbox.count({ where: { failedAt: { not: null } } })).toBe(0);
  }, 180_000);

  it('brings into the ICB\'s own channel someone whose invitation was going out when the decline was recorded', async () => {
    // Gus's invitation goes; Ivy's reaches Slack and its answer is held while Gus's decline is recorded.
    const ivy = r.slack.holdNext('conversations.inviteShared', (a) => JSON.stringify(a.emails).includes('ivy.nash@'));
    let held = false;
    void ivy.reached.then(() => { held = true; });
    const { dispute } = await r.bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute({ namedProfessionals: ['gus-hart', 'ivy-nash'] }));
    const pending = () => r.bot.app.db.prisma.outbox.count({ where: { disputeId: dispute.id, deliveredAt: null, failedAt: null } });
    const delivering = (async () => {
      while (!held && await pending() > 0) await r.bot.app.scheduler.tick();
    })();
    await until(() => held, 'Ivy\'s invitation to reach Slack', 60_000);
    const channel = r.slack.channelsIn(COUNCIL).find((c) => c.name === dispute.reference.toLowerCase())!;
    const gus = r.slack.invites.find((i) => i.channel === channel.id && i.recipient.email === 'gus.hart@anytown.nhs.uk')!;
    expect((await slackPost(r.base, eventBody(COUNCIL, r.slack.declineInvite(gus.id)), 'json')).status).toBe(200);
    const home = { disputeId_home: { disputeId: dispute.id, home: `slack:${ICB}` } };
    await until(async () => (await r.bot.app.db.prisma.sharedSpace.findUnique({ where: home }))?.state === 'refused', 'the refusal recorded');
    ivy.release();
    await delivering;
    await settle(r);
    const own = r.slack.channelsIn(ICB).filter((c) => c.name === dispute.reference.toLowerCase());
    expect(own).toHaveLength(1);
    expect(own[0]!.members).toEqual(expect.arrayContaining(['U0GUSHART1', 'U0IVYNASH1']));
    expect(governancePosts(r, dispute.reference)).toHaveLength(1);
    expect(await r.bot.app.db.prisma.outbox.count({ where: { failedAt: { not: null } } })).toBe(0);
  }, 180_000);

  it('falls back at once when the council\'s workspace does not allow Slack Connect (restricted_action), telling governance once', async () => {
    r.slack.connectAllowed.delete(COUNCIL);
    const { dispute } = await r.bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute({ namedProfessionals: ['gus-hart'] }));
    await settle(r);
    expect(r.slack.of('conversations.inviteShared').length).toBeGreaterThan(0);
    const own = r.slack.channelsIn(ICB).filter((c) => c.name === dispute.reference.toLowerCase());
    expect(own).toHaveLength(1);
    expect(own[0]!.members).toContain('U0GUSHART1');
    expect(governancePosts(r, dispute.reference)).toHaveLength(1);
    expect(JSON.stringify(governancePosts(r, dispute.reference)[0]!.args)).toContain('restricted_action');
    const share = await r.bot.app.db.prisma.sharedSpace.findUnique({ where: { disputeId_home: { disputeId: dispute.id, home: `slack:${ICB}` } } });
    expect(share).toMatchObject({ state: 'refused' });
    expect(await r.bot.app.db.prisma.outbox.count({ where: { failedAt: { not: null } } })).toBe(0);
  }, 120_000);
});

describe.each(DATABASES)('Slack Connect allowed by one organisation only (%s)', (_name, setup) => {
  let r: Rig;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const db = await setup();
    cleanup = db.cleanup;
    // The council allows it; the ICB does not name the council back.
    r = await rig(db.databaseUrl, { 'anytown-council': ['anytown-icb'] });
    r.slack.connectAllowed.add(COUNCIL);
  }, 180_000);
  afterAll(async () => {
    await r?.stop();
    await cleanup();
    delete process.env.S117_TEST_CONNECT_ICB_TOKEN;
  });

  it('opens a channel in each workspace, as without Slack Connect, and invites nobody across', async () => {
    const { dispute } = await r.bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute({ namedProfessionals: ['gus-hart'] }));
    await settle(r);
    expect(r.slack.channelsIn(COUNCIL).map((c) => c.name)).toEqual([dispute.reference.toLowerCase()]);
    expect(r.slack.channelsIn(ICB).map((c) => c.name)).toEqual([dispute.reference.toLowerCase()]);
    expect(r.slack.channelsIn(ICB)[0]!.members).toContain('U0GUSHART1');
    expect(r.slack.of('conversations.inviteShared')).toEqual([]);
    expect(await r.bot.app.db.prisma.sharedSpace.count()).toBe(0);
    expect(await r.bot.app.db.prisma.outbox.count({ where: { failedAt: { not: null } } })).toBe(0);
  }, 120_000);
});

describe.each(DATABASES)('Slack Connect invitations nobody answers (%s)', (_name, setup) => {
  let r: Rig;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const db = await setup();
    cleanup = db.cleanup;
    // Christmas Eve 2026, a Thursday: Christmas Day (Friday) and Boxing Day's substitute (Monday 28th) are bank holidays.
    r = await rig(db.databaseUrl, { 'anytown-council': ['anytown-icb'], 'anytown-icb': ['anytown-council'] }, '2026-12-24T10:00:00Z');
    r.slack.connectAllowed.add(COUNCIL);
  }, 180_000);
  afterAll(async () => {
    await r?.stop();
    await cleanup();
    delete process.env.S117_TEST_CONNECT_ICB_TOKEN;
  });

  const unansweredPosts = (reference: string) => r.slack.of('chat.postMessage')
    .filter((c) => c.args.channel === 'C0GOVERN1' && JSON.stringify(c.args).includes(`${reference}: a Slack Connect invitation was not answered`));
  const shareOf = (disputeId: string) => r.bot.app.db.prisma.sharedSpace.findUnique({ where: { disputeId_home: { disputeId, home: `slack:${ICB}` } } });

  it('R0.1 R0.2 gives the ICB its own channel once the invitation is unanswered at close of business on the 2nd working day (bank holidays not counted), once across two sweeps at a time and a restart; a late acceptance copies nothing again', async () => {
    const { dispute } = await r.bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute({ namedProfessionals: ['gus-hart'] }));
    await settle(r);
    const channel = r.slack.channelsIn(COUNCIL).find((c) => c.name === dispute.reference.toLowerCase())!;
    expect((await shareOf(dispute.id))?.state).toBe('pending');
    const sharedPosts = inTeam(r, COUNCIL, 'chat.postMessage').filter((c) => c.args.channel === channel.id).length;

    // Two weekdays later, but both are bank holidays (25th, 28th): the 29th is only the first working day.
    for (const at of ['2026-12-29T17:30:00Z', '2026-12-30T16:59:59Z']) {
      r.clock.set(at);
      await settle(r);
      expect((await shareOf(dispute.id))?.state).toBe('pending');
    }
    expect(r.slack.channelsIn(ICB)).toEqual([]);
    expect(unansweredPosts(dispute.reference)).toEqual([]);

    // Close of business on the 2nd working day: two replicas' sweeps at once, then a restart and another sweep.
    r.clock.set('2026-12-30T17:00:00Z');
    const done = await Promise.all([r.bot.app.sharedSpaces.sweepUnanswered(), r.bot.app.sharedSpaces.sweepUnanswered()]);
    expect(done.reduce((a, b) => a + b, 0)).toBe(1);
    await r.restart();
    expect(await r.bot.app.sharedSpaces.sweepUnanswered()).toBe(0);
    await settle(r);

    expect(await shareOf(dispute.id)).toMatchObject({ state: 'refused', reason: 'not answered within 2 working days' });
    const own = r.slack.channelsIn(ICB).filter((c) => c.name === dispute.reference.toLowerCase());
    expect(own).toHaveLength(1);
    expect(own[0]!.members).toContain('U0GUSHART1');
    expect(inTeam(r, ICB, 'pins.add').some((c) => c.args.channel === own[0]!.id)).toBe(true);
    const ownPosts = () => inTeam(r, ICB, 'chat.postMessage').filter((c) => c.args.channel === own[0]!.id);
    expect(ownPosts().length).toBeGreaterThanOrEqual(sharedPosts);
    expect(unansweredPosts(dispute.reference)).toHaveLength(1);
    const notice = JSON.stringify(unansweredPosts(dispute.reference)[0]!.args);
    expect(notice).toContain('Anytown Council');
    expect(notice).toContain('NHS Anytown ICB');
    expect(notice).not.toMatch(/Gus Hart|Ali Khan|gus-hart|ali-khan/);
    expect(await r.bot.app.db.prisma.outbox.count({ where: { failedAt: { not: null } } })).toBe(0);

    // Gus accepts after all: Slack lets him into the council's channel; the bot records nothing new and sends nothing.
    const before = { calls: r.slack.calls.length, own: ownPosts().length };
    for (const inv of r.slack.invites.filter((i) => i.channel === channel.id)) {
      expect((await slackPost(r.base, eventBody(COUNCIL, r.slack.acceptInvite(inv.id)), 'json')).status).toBe(200);
    }
    await settle(r);
    expect(r.slack.calls.slice(before.calls).filter((c) => c.method !== 'auth.test')).toEqual([]);
    expect((await shareOf(dispute.id))?.state).toBe('refused');
    expect(r.slack.members(channel.id)).toContain('U0GUSHART1');

    // A press of his in the shared channel acts once, as the ICB's; the card is refreshed in both channels; no post
    // is copied again and no second channel or invitation follows.
    expect((await press(r, ICB, 'U0GUSHART1', channel.id, dispute.id, 'clarify')).status).toBe(200);
    await until(async () => (await r.bot.app.service.get({ id: dispute.id }))!.checklist.find((c) => c.key === 'clarify')!.tickedBy, 'the tick');
    await settle(r);
    const ticks = await r.bot.app.db.prisma.historyEvent.findMany({ where: { disputeId: dispute.id, type: 'CHECKLIST_TICKED' } });
    expect(ticks.map((t) => [t.actorId, t.platform])).toEqual([['gus-hart', `slack:${ICB}`]]);
    expect(inTeam(r, ICB, 'chat.update').some((c) => c.args.channel === own[0]!.id)).toBe(true);
    expect(ownPosts().length).toBe(before.own);
    expect(r.slack.channelsIn(ICB)).toHaveLength(1);
    expect(r.slack.calls.slice(before.calls).filter((c) => c.method === 'conversations.inviteShared')).toEqual([]);
    expect(unansweredPosts(dispute.reference)).toHaveLength(1);
  }, 240_000);

  it('R0.2 leaves a share accepted just before the sweep as it is (the sweep refuses only invitations still pending)', async () => {
    // In working hours, so the invitations go now (R0.4).
    r.clock.set('2026-12-31T10:00:00Z');
    const { dispute } = await r.bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute({ namedProfessionals: ['gus-hart'] }));
    await settle(r);
    const share = (await shareOf(dispute.id))!;
    expect(share.state).toBe('pending');
    // The sweep has read the share as pending; the acceptance lands before its refusal is written.
    const outbox = new OutboxStore(r.bot.app.db);
    const pending = await outbox.pendingShares();
    expect(pending.map((p) => p.disputeId)).toContain(dispute.id);
    for (const inv of r.slack.invites.filter((i) => i.channel === share.channel)) {
      expect((await slackPost(r.base, eventBody(COUNCIL, r.slack.acceptInvite(inv.id)), 'json')).status).toBe(200);
    }
    await until(async () => (await shareOf(dispute.id))?.state === 'accepted', 'the share accepted');
    const d = (await r.bot.app.service.get({ id: dispute.id }))!;
    const refused = await refuseShare(outbox, d, r.bot.app.directory, pending.find((p) => p.disputeId === dispute.id)!,
      'not answered within 2 working days', [], r.clock.now(), () => true, 2);
    expect(refused).toBe(false);
    r.clock.set(new Date(r.clock.now().getTime() + 30 * 86_400_000));
    expect(await r.bot.app.sharedSpaces.sweepUnanswered()).toBe(0);
    expect((await shareOf(dispute.id))?.state).toBe('accepted');
    expect(r.slack.channelsIn(ICB).filter((c) => c.name === dispute.reference.toLowerCase())).toEqual([]);
    expect(unansweredPosts(dispute.reference)).toEqual([]);
  }, 120_000);
});
