import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { requestsInFlight } from '../../src/app/foreground.ts';
import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { FakeClock } from '../fakes/clock.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { DIRECTORY } from '../helpers/app.ts';
import { until } from '../helpers/wait.ts';
import { blockAction, commandBody, interactiveBody, SIGNING_SECRET, slackPost } from '../helpers/slack.ts';
import type { SlackAdapter } from '../../src/adapters/slack/slack-app.ts';
const slackOf = (b: { platforms: Map<string, { adapter?: unknown }> }) => b.platforms.get('slack')!.adapter as SlackAdapter;

// A click, shortcut or slash command is answered by the HTTP guard with an
// empty 200 once its signature and shape are checked; Bolt processes it
// afterwards, when no other request is waiting for its answer. These tests
// go through the real bot, Bolt's HTTP receiver and a fake Slack on loopback.

const GUS = 'U0GUSHART1';
const ALI = 'U0ALIKHAN1';

/** A request the bot has started to read and cannot answer yet: its body is still on its way. */
function halfSent(base: string): { finish(): Promise<number> } {
  const body = 'x'.repeat(20);
  const req = http.request(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) } });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', reject);
  });
  req.write(body.slice(0, 5));
  return { finish: () => { req.end(body.slice(5)); return status; } };
}

describe('Slack requests answered before Bolt processes them', () => {
  let fake: FakeSlackApi;
  let bot: Bot;
  let base: string;

  const start = async (dataDir = 'memory://') => {
    const env = loadEnv({
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off',
      SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${fake.url}/api/`,
    });
    bot = await startBot({ env, logger: createLogger('silent'), clock: new FakeClock('2026-12-07T10:00:00Z'), scheduler: false });
    base = `http://127.0.0.1:${bot.address.port}`;
  };
  beforeEach(async () => {
    fake = new FakeSlackApi();
    await fake.start();
  });
  afterEach(async () => {
    await bot?.stop();
    await fake.stop();
  });

  // One bot for the three: starting one costs seconds, and none of them changes what the others see.
  it('answers a click at once and records it within a second even while another request never finishes; '
    + 'answers a slash command with nothing and replies through response_url; answers a link button with a 200, not a 404', async () => {
    await start();
    await until(() => slackOf(bot).status().ready, 'Slack to accept the token');
    const { dispute } = await bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute());
    const ticked = async () => (await bot.app.service.get({ id: dispute.id }))!.checklist.find((c) => c.key === 'clarify')!.tickedBy;
    const slow = halfSent(base);
    await until(() => requestsInFlight() === 1, 'the bot to start reading the half-sent request');
    const click = await slackPost(base, interactiveBody(blockAction(GUS, 'C1', { action_id: 's117:tick:clarify', value: JSON.stringify({ d: dispute.id, k: 'clarify', s: 1, n: 1 }) })), 'form');
    expect(click).toEqual({ status: 200, body: '' });
    // Worked within its limit although the other request is still waiting for its answer (a form must open within 3 s).
    expect(await until(ticked, 'the tick to be recorded')).toBeTruthy();
    expect(requestsInFlight()).toBe(1);
    expect(await slow.finish()).toBe(401);

    const r = await slackPost(base, commandBody(ALI, 'help', 'C1', `${fake.url}/respond/ali`), 'form');
    expect(r).toEqual({ status: 200, body: '' });
    await until(() => fake.responses.length, 'the help reply');
    expect(String(fake.responses[0]!.body.text)).toMatch(/what you can type/);

    // Bolt would not acknowledge it at all (no listener), and answer 404 after 3 s.
    const link = await slackPost(base, interactiveBody(blockAction(GUS, 'C1', { action_id: 'open-register-link', value: 'x' })), 'form');
    expect(link.status).toBe(200);
  });

  it('records a click answered just before the bot stops, before the register closes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-answer-stop-'));
    try {
      await start(dir);
      await until(() => slackOf(bot).status().ready, 'Slack to accept the token');
      const { dispute } = await bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute());
      const click = await slackPost(base, interactiveBody(blockAction(GUS, 'C1', { action_id: 's117:tick:clarify', value: JSON.stringify({ d: dispute.id, k: 'clarify', s: 1, n: 1 }) })), 'form');
      expect(click.status).toBe(200);
      // Stopped at once: the click's processing has not started yet (it waits for a pause).
      await bot.stop();
      await start(dir);
      expect((await bot.app.service.get({ id: dispute.id }))!.checklist.find((c) => c.key === 'clarify')!.tickedBy).toBeTruthy();
    } finally {
      await bot.stop();
      bot = undefined as unknown as Bot;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
