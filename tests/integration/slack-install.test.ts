import type { SlackAdapter } from '../../src/adapters/slack/adapter.ts';
import { BOT_SCOPES } from '../../src/adapters/slack/scopes.ts';
import type { Bot } from '../../src/bot.ts';
import { RegisterInstallations } from '../../src/register/platform-installations.ts';
import type { FakeClock } from '../fakes/clock.ts';
import type { FakeSlackApi } from '../fakes/slack-api.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { DATABASES } from '../helpers/app.ts';
import { commandBody, slackPost } from '../helpers/slack.ts';
import { COUNCIL, COUNCIL_USERS, ICB, ICB_USERS, startTwoWorkspaces, type TwoWorkspaces } from '../helpers/two-workspaces.ts';
import { until } from '../helpers/wait.ts';

// Slack's OAuth install flow, through real HTTP end to end: the bot's "Add to
// Slack" page, the fake Slack's authorize page (someone in the ICB's workspace
// pressing Allow), the bot's redirect page exchanging the code with the fake's
// strict oauth.v2.access. The council's workspace is configured with a token
// (SLACK_WORKSPACES_FILE); the ICB's installs through the link.

const STRANGER = 'T0STRANGER';
const CLIENT_ID = '1111111111.2222222222';
const CLIENT_SECRET = '0123456789abcdef0123456789abcdef';

/** The href of the page's "Add to Slack" link. */
const addLink = (html: string) => /<a class="button" href="([^"]+)">Add to Slack<\/a>/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? null;

describe.each(DATABASES)('Slack install flow (%s)', (_name, setup) => {
  let w: TwoWorkspaces;
  let slack: FakeSlackApi;
  let bot: Bot;
  let base: string;
  let clock: FakeClock;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const db = await setup();
    cleanup = db.cleanup;
    w = await startTwoWorkspaces(db.databaseUrl, {
      icb: 'install', prefix: 's117-install-',
      beforeStart: (fake, at) => {
        fake.oauthApp = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUrls: [`${at}/slack/oauth_redirect`] };
      },
      env: (at) => ({ PUBLIC_URL: at, SLACK_CLIENT_ID: CLIENT_ID, SLACK_CLIENT_SECRET: CLIENT_SECRET }),
    });
    ({ slack, bot, base, clock } = w);
  }, 180_000);
  afterAll(async () => {
    await w?.stop();
    await cleanup();
  });

  const settle = () => w.settle();
  const command = (team: string, user: string, respond: string) => {
    const body = new URLSearchParams(commandBody(user, 'help', 'C1', `${slack.url}/respond/${respond}`));
    body.set('team_id', team);
    return slackPost(base, body.toString(), 'form');
  };
  const event = (team: string, ev: Record<string, unknown>) => slackPost(base, JSON.stringify({
    type: 'event_callback', team_id: team, api_app_id: 'A0S117APP', event: ev, event_id: `Ev${Math.random().toString(36).slice(2)}`, event_time: 1,
  }), 'json');

  /** A browser without JavaScript: the install page, Slack's authorize page (as `installer`), back to the bot. */
  async function install(installer: FakeSlackApi['installer']): Promise<{ status: number; html: string; redirect: string; cookie: string }> {
    slack.installer = installer;
    const start = await fetch(`${base}/slack/install`);
    expect(start.status).toBe(200);
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
    const link = addLink(await start.text());
    expect(link).not.toBeNull();
    const atSlack = await fetch(link!, { redirect: 'manual' });
    if (atSlack.status !== 302) return { status: atSlack.status, html: await atSlack.text(), redirect: '', cookie };
    const redirect = atSlack.headers.get('location')!;
    const back = await fetch(redirect, { headers: { cookie }, redirect: 'manual' });
    return { status: back.status, html: await back.text(), redirect, cookie };
  }

  it('asks Slack for the manifest\'s scopes with a one-time state, bound to the browser', async () => {
    const r = await fetch(`${base}/slack/install`);
    const link = new URL(addLink(await r.text())!);
    expect(link.origin + link.pathname).toBe(`${slack.url}/oauth/v2/authorize`);
    expect(link.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(link.searchParams.get('scope')!.split(',').sort()).toEqual([...BOT_SCOPES].sort());
    expect(link.searchParams.get('redirect_uri')).toBe(`${base}/slack/oauth_redirect`);
    expect(r.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax/);
    // Only its hash is kept.
    const state = link.searchParams.get('state')!;
    expect(state.length).toBeGreaterThanOrEqual(43);
    expect(await bot.app.db.prisma.installState.count({ where: { hash: state } })).toBe(0);
    // The state in another browser (no cookie) is refused, and so spent.
    slack.installer = { team: ICB, name: 'NHS Anytown ICB', user: 'U0GUSHART1', users: ICB_USERS };
    const atSlack = await fetch(link, { redirect: 'manual' });
    const back = await fetch(atSlack.headers.get('location')!, { redirect: 'manual' });
    expect(back.status).toBe(400);
    expect(await back.text()).toMatch(/expired/);
    expect(slack.of('oauth.v2.access')).toHaveLength(0);
  });

  it('installs the ICB\'s workspace: rows waiting for it are delivered, its events handled, a stranger\'s refused', async () => {
    await until(() => (bot.platforms.get('slack')!.adapter as SlackAdapter).status().ready, 'the council workspace to be ready');
    // Before: the ICB's workspace has no installation; its requests are refused, and what is for it waits.
    expect((await command(ICB, 'U0GUSHART1', 'icb-before')).status).toBe(401);
    const { dispute } = await bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute({ namedProfessionals: ['gus-hart'] }));
    await bot.app.scheduler.tick();
    await bot.app.scheduler.tick();
    expect(slack.channelsIn(COUNCIL)).toHaveLength(1);
    expect(slack.channelsIn(ICB)).toHaveLength(0);
    expect(await bot.app.db.prisma.outbox.count({ where: { failedAt: { not: null } } })).toBe(0);
    expect(await bot.app.db.prisma.outbox.count({ where: { platform: `slack:${ICB}`, deliveredAt: null } })).toBeGreaterThan(0);

    const r = await install({ team: ICB, name: 'NHS Anytown ICB', user: 'U0GUSHART1', users: ICB_USERS });
    expect(r.status).toBe(200);
    expect(r.html).toMatch(/installed in\s+<strong>NHS Anytown ICB<\/strong>/);
    const access = slack.of('oauth.v2.access');
    expect(access).toHaveLength(1);
    expect(access[0]!.args.redirect_uri).toBe(`${base}/slack/oauth_redirect`);
    // Kept in the register, the token sealed (not in clear anywhere in the row).
    const row = (await bot.app.db.prisma.platformInstallation.findUnique({ where: { platform_space: { platform: 'slack', space: ICB } } }))!;
    expect(row.installedBy).toBe('U0GUSHART1');
    expect(JSON.stringify(row)).not.toMatch(/xoxb-/);
    expect(row.secretCipher).toMatch(/^v1:/);
    // The same redirect again (a reload, a replay): the state was used; Slack is not asked again.
    const replay = await fetch(r.redirect, { headers: { cookie: r.cookie }, redirect: 'manual' });
    expect(replay.status).toBe(400);
    expect(slack.of('oauth.v2.access')).toHaveLength(1);

    // What waited for the ICB's workspace is delivered there, with the token it was given.
    clock.advanceMs(60 * 60_000);
    await settle();
    const icb = slack.channelsIn(ICB);
    expect(icb.map((c) => c.name)).toEqual(['s117-2026-0001']);
    expect(icb[0]!.members).toContain('U0GUSHART1');
    expect(slack.of('conversations.create').filter((c) => c.team === ICB)).toHaveLength(1);
    expect(await bot.app.db.prisma.outbox.count({ where: { failedAt: { not: null } } })).toBe(0);
    expect(dispute.reference).toBe('S117-2026-0001');

    // Its requests are handled now; a workspace with no installation is still refused.
    expect((await command(ICB, 'U0GUSHART1', 'icb-after')).status).toBe(200);
    await until(() => slack.responses.some((x) => x.path === '/respond/icb-after'), 'the ICB command answered');
    expect((await command(STRANGER, 'U0STRANGE1', 'stranger')).status).toBe(401);
  }, 120_000);

  it('refuses a workspace the directory names as nobody\'s home, saying which line to add, and gives its token back', async () => {
    const before = slack.revoked.length;
    const r = await install({ team: STRANGER, name: 'Elsewhere', user: 'U0STRANGE1', users: ['U0STRANGE1'] });
    expect(r.status).toBe(403);
    expect(r.html).toContain(`homes: ["slack:${STRANGER}"]`);
    expect(await bot.app.db.prisma.platformInstallation.count({ where: { space: STRANGER } })).toBe(0);
    expect(slack.revoked.length).toBe(before + 1);
    expect((await command(STRANGER, 'U0STRANGE1', 'stranger-2')).status).toBe(401);
  });

  it('leaves a workspace listed in SLACK_WORKSPACES_FILE as it is: not kept twice, its token not given back', async () => {
    const before = slack.revoked.length;
    const r = await install({ team: COUNCIL, name: 'Anytown Council', user: 'U0ALIKHAN1', users: COUNCIL_USERS });
    expect(r.status).toBe(409);
    expect(r.html).toMatch(/SLACK_WORKSPACES_FILE/);
    expect(await bot.app.db.prisma.platformInstallation.count({ where: { space: COUNCIL } })).toBe(0);
    expect(slack.revoked.length).toBe(before);
    expect((await command(COUNCIL, 'U0ALIKHAN1', 'council-still')).status).toBe(200);
  });

  it('says what Slack refused: a cancelled install, a wrong client secret, a redirect URL the app does not list', async () => {
    const cancelled = await install({ team: ICB, name: 'NHS Anytown ICB', user: 'U0GUSHART1', users: ICB_USERS, deny: true });
    expect(cancelled.status).toBe(400);
    expect(cancelled.html).toMatch(/access_denied/);

    const secret = slack.oauthApp!.clientSecret;
    slack.oauthApp!.clientSecret = 'ffffffffffffffffffffffffffffffff';
    const wrong = await install({ team: ICB, name: 'NHS Anytown ICB', user: 'U0GUSHART1', users: ICB_USERS });
    slack.oauthApp!.clientSecret = secret;
    expect(wrong.status).toBe(502);
    expect(wrong.html).toMatch(/bad_client_secret/);
    expect(wrong.html).toMatch(/SLACK_CLIENT_SECRET/);

    const urls = slack.oauthApp!.redirectUrls;
    slack.oauthApp!.redirectUrls = ['https://elsewhere.example/slack/oauth_redirect'];
    const unlisted = await install({ team: ICB, name: 'NHS Anytown ICB', user: 'U0GUSHART1', users: ICB_USERS });
    slack.oauthApp!.redirectUrls = urls;
    expect(unlisted.status).toBe(400);
    expect(unlisted.html).toBe('bad_redirect_uri');
  });

  it('forgets the installation when Slack says the app was uninstalled or its token revoked', async () => {
    const installed = () => bot.app.db.prisma.platformInstallation.count({ where: { platform: 'slack', space: ICB } });
    if (!(await installed())) expect((await install({ team: ICB, name: 'NHS Anytown ICB', user: 'U0GUSHART1', users: ICB_USERS })).status).toBe(200);
    expect((await event(ICB, { type: 'app_uninstalled' })).status).toBe(200);
    await until(async () => (await installed()) === 0, 'the installation removed');
    expect((await command(ICB, 'U0GUSHART1', 'icb-gone')).status).toBe(401);

    // Installed again, then its bot token revoked.
    expect((await install({ team: ICB, name: 'NHS Anytown ICB', user: 'U0GUSHART1', users: ICB_USERS })).status).toBe(200);
    expect((await command(ICB, 'U0GUSHART1', 'icb-again')).status).toBe(200);
    expect((await event(ICB, { type: 'tokens_revoked', tokens: { bot: ['UBOT'] } })).status).toBe(200);
    await until(async () => (await installed()) === 0, 'the installation removed');
    expect((await command(ICB, 'U0GUSHART1', 'icb-revoked')).status).toBe(401);
    // The configured workspace is untouched by another's uninstall.
    expect((await command(COUNCIL, 'U0ALIKHAN1', 'council')).status).toBe(200);

    // Installed through another replica: a row this one has not read yet. A request from that workspace looks again.
    slack.addWorkspace(ICB, 'xoxb-icb-elsewhere', ICB_USERS);
    await new RegisterInstallations(bot.app.db).save({
      platform: 'slack', space: ICB, name: 'NHS Anytown ICB', secret: 'xoxb-icb-elsewhere', detail: {}, installedBy: null, installedAt: new Date(),
    }, new Date());
    await until(async () => (await command(ICB, 'U0GUSHART1', 'icb-elsewhere')).status === 200, 'the other replica\'s installation seen');
  }, 60_000);
});
