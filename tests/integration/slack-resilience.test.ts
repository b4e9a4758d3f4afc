import bolt from '@slack/bolt';
import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { SlackChatPort } from '../../src/adapters/slack/chat-port.ts';
import { loadDirectory } from '../../src/config/directory.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { DIRECTORY } from '../helpers/app.ts';
import { SIGNING_SECRET } from '../helpers/slack.ts';
import { until } from '../helpers/wait.ts';

const logger = createLogger('silent');

describe('Slack when Slack is not well', () => {
  let fake: FakeSlackApi;
  let bot: Bot | null = null;
  beforeEach(async () => {
    fake = new FakeSlackApi();
    await fake.start();
  });
  afterEach(async () => {
    await bot?.stop();
    bot = null;
    fake.releaseHung();
    await fake.stop();
  });

  const ADMIN_TOKEN = 'an-admin-token-for-the-readiness-detail';
  const env = (over: Record<string, string> = {}) => loadEnv({
    PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off',
    SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${fake.url}/api/`, ADMIN_TOKEN, ...over,
  });
  // The reason a bot is not ready is for its administrators only.
  const asAdmin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

  it('starts while Slack refuses the token, answers /readyz 503 with the reason, and becomes ready once Slack accepts it', async () => {
    fake.failNext('auth.test', { error: 'invalid_auth' }, 2);
    bot = await startBot({ env: env(), logger, scheduler: false });
    const base = `http://127.0.0.1:${bot.address.port}`;
    const first = await fetch(`${base}/readyz`, asAdmin);
    expect(first.status).toBe(503);
    expect(await first.json()).toMatchObject({ status: 'not ready', detail: expect.stringMatching(/Slack: Slack did not accept the bot token yet \(invalid_auth\); retrying/) });
    // It keeps asking in the background; no request has to come in first.
    await until(async () => (await fetch(`${base}/readyz`)).status === 200, 'the bot to become ready', 60_000);
    expect(fake.of('auth.test').length).toBeGreaterThanOrEqual(3);
    expect((await (await fetch(`${base}/healthz`)).json())).toEqual({ status: 'ok' });
  }, 120_000);

  it('starts while auth.test hangs, and is ready once Slack answers again', async () => {
    fake.fault = { kind: 'hang' };
    fake.faultMethods = ['auth.test'];
    bot = await startBot({ env: env({ PLATFORM_CALL_TIMEOUT_MS: '300' }), logger, scheduler: false });
    const base = `http://127.0.0.1:${bot.address.port}`;
    const r = await fetch(`${base}/readyz`, asAdmin);
    expect(r.status).toBe(503);
    expect(await r.json()).toMatchObject({ detail: expect.stringMatching(/Slack did not accept the bot token yet/) });
    fake.fault = null;
    await until(async () => (await fetch(`${base}/readyz`)).status === 200, 'the bot to become ready', 90_000);
  }, 120_000);

  it('finds a direct message an interrupted try already posted, even with hundreds of messages after it', async () => {
    const { directory } = loadDirectory(DIRECTORY, () => undefined);
    const client = new bolt.App({ token: 'xoxb-x', signingSecret: 's', clientOptions: { slackApiUrl: `${fake.url}/api/`, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true }, logLevel: bolt.LogLevel.ERROR }).client;
    const port = new SlackChatPort(client, () => directory, logger);
    const ali = directory.people.find((p) => p.id === 'ali-khan')!;
    const message = { title: 'Stage 2 has started', lines: ['S117-2026-0001'], mentions: [] };
    const since = new Date();
    await port.dm(ali, message, { key: 'd1:v3:2', attempt: 1 }, null);
    // The busiest DM: far more than one page of history since.
    fake.seed(`D${ali.handles.slack}`, 450);
    fake.clear();
    await port.dm(ali, message, { key: 'd1:v3:2', attempt: 2, uncertain: true, since }, null);
    expect(fake.of('chat.postMessage')).toEqual([]);
    expect(fake.of('conversations.history').length).toBeGreaterThanOrEqual(3);
    // A different key is a different message.
    await port.dm(ali, message, { key: 'd1:v3:3', attempt: 2, uncertain: true, since }, null);
    expect(fake.of('chat.postMessage')).toHaveLength(1);
  }, 120_000);
});
