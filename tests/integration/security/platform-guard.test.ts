import { createLogger } from '../../../src/app/logger.ts';
import { loadEnv } from '../../../src/platforms.ts';
import { startBot, type Bot } from '../../../src/bot.ts';
import { FakeSlackApi } from '../../fakes/slack-api.ts';
import { DIRECTORY, startSlackBot, type SlackBot } from '../../helpers/app.ts';
import { until } from '../../helpers/wait.ts';
import { commandBody, SIGNING_SECRET, sign, slackPost } from '../../helpers/slack.ts';
import { emulatorUrl } from '../../helpers/local-register.ts';

// Bodies that once crashed the process (Bolt read `ssl_check` from null) or
// produced a 500: each now gets a plain 4xx before Bolt or botbuilder sees it.
describe('platform endpoints validate every request before the SDKs see it', () => {
  let fake: FakeSlackApi;
  let base: string;
  let running: SlackBot;

  beforeAll(async () => {
    running = await startSlackBot({ TEAMS_CASE_CHANNEL_ID: '19:cases@thread.tacv2' });
    ({ fake, base } = running);
  }, 180_000);
  afterAll(() => running.stop());

  it.each([
    ['payload=null', 'form', 400],
    ['payload=1', 'form', 400],
    ['payload=%5B%5D', 'form', 400],
    ['payload=%7B%7D', 'form', 400],
    ['payload=%7B&x=1', 'form', 400],
    ['payload=%7B%22type%22%3A%22block_actions%22%2C%22actions%22%3Anull%7D', 'form', 400],
    ['payload=%7B%22type%22%3A%22x%22%7D&payload=%7B%22type%22%3A%22x%22%7D', 'form', 400],
    ['command=%2Fs117', 'form', 400],
    ['', 'form', 400],
    ['null', 'json', 400],
    ['[]', 'json', 400],
    ['"text"', 'json', 400],
    ['{"type":"event_callback","event":null}', 'json', 400],
    // Found by the fuzz suite: Bolt takes any body with `event` for an event and reads it with `in`.
    ['payload=%7B%22type%22%3A%22block_actions%22%2C%22event%22%3A%22%22%7D', 'form', 400],
    // Passes the guard (event is an object) but not Bolt (`'channel' in 5`): answered 400 by the receiver's handler.
    ['{"type":"event_callback","event":{"type":"message","item":5}}', 'json', 400],
    ['{not json', 'json', 400],
  ] as const)('signed Slack body %j (%s) → %i, and the bot keeps answering', async (body, type, status) => {
    const r = await slackPost(base, body, type);
    expect(r.status).toBe(status);
    expect(r.body).not.toMatch(/TypeError|at \w+ \(|node_modules/);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('refuses Slack timestamps in the future beyond a minute, as well as stale ones', async () => {
    const body = commandBody('U0ALIKHAN1', 'help', 'C1', `${fake.url}/respond/x`);
    const now = Math.floor(Date.now() / 1000);
    const post = (ts: number) => fetch(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body, SIGNING_SECRET, ts) }, body });
    expect((await post(now + 3600)).status).toBe(401);
    expect((await post(now + 365 * 86400)).status).toBe(401);
    expect((await post(now - 600)).status).toBe(401);
    expect(await (await post(now + 3600)).json()).toEqual({ error: 'The request is timestamped in the future.' });
    expect((await post(now)).status).toBe(200);
  });

  it('refuses oversized bodies with 413 without reading them into memory', async () => {
    const big = `command=%2Fs117&text=${'a'.repeat(1_100_000)}`;
    expect((await slackPost(base, big, 'form')).status).toBe(413);
    const teams = await fetch(emulatorUrl(base, running.bot), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: 'a'.repeat(1_100_000) }) });
    expect(teams.status).toBe(413);
  });

  it.each(['null', '[]', '1', '"x"', '{}', '{"type":1}', '{"type":"message","from":null}', '{"type":"message","conversation":"c"}', '{bad'])('Teams (Emulator) body %s → 400', async (body) => {
    const r = await fetch(emulatorUrl(base, running.bot), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(r.status).toBe(400);
    expect(await r.text()).not.toMatch(/TypeError|ZodError|node_modules/);
  });

  it('still serves well-formed requests: a signed /s117 help gets its answer', async () => {
    await slackPost(base, commandBody('U0ALIKHAN1', 'help', 'C1', `${fake.url}/respond/help`), 'form');
    await until(() => fake.responses.find((r) => r.path === '/respond/help'), 'the help reply');
  });
});

describe('Teams with an app id: a forged token gets a plain 401', () => {
  let bot: Bot;
  beforeAll(async () => {
    const env = loadEnv({
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off',
      MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'x', MICROSOFT_APP_TENANT_ID: 'tenant-1',
    });
    bot = await startBot({ env, logger: createLogger('silent'), scheduler: false });
  }, 180_000);
  afterAll(async () => { await bot.stop(); });

  it.each([
    ['no token', {}],
    ['not a bearer token', { authorization: 'Basic abc' }],
    ['a forged JWT', { authorization: `Bearer ${Buffer.from('{"alg":"RS256","kid":"x"}').toString('base64url')}.${Buffer.from('{"iss":"https://api.botframework.com","aud":"00000000-0000-0000-0000-000000000001"}').toString('base64url')}.c2ln` }],
  ])('%s → 401 {"error":"Unauthorized."}', async (_what, headers) => {
    const activity = { type: 'message', id: 'a', text: 'help', channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/uk/', from: { id: '29:x' }, conversation: { id: 'c' }, recipient: { id: '28:bot' } };
    const r = await fetch(`http://127.0.0.1:${bot.address.port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(activity) });
    const text = await r.text();
    expect({ status: r.status, text }).toEqual({ status: 401, text: JSON.stringify({ error: 'Unauthorized.' }) });
  });
});
