import fc from 'fast-check';
import { FakeSlackApi } from '../../fakes/slack-api.ts';
import { startSlackBot, type SlackBot } from '../../helpers/app.ts';
import { commandBody, interactiveBody, sign } from '../../helpers/slack.ts';
import { emulatorUrl, localCookie } from '../../helpers/local-register.ts';

// Random and mutated, validly signed payloads at the platform endpoints and
// random query strings at the register: never a 5xx, never a crash.
const RUNS = 60;

describe('fuzz: no input gives a 5xx or stops the bot', () => {
  let fake: FakeSlackApi;
  let base: string;
  let running: SlackBot;
  const statuses: number[] = [];

  beforeAll(async () => {
    running = await startSlackBot({ TEAMS_CASE_CHANNEL_ID: '19:c@thread.tacv2' });
    ({ fake, base } = running);
  }, 180_000);
  afterAll(() => running.stop(), 60_000);
  afterEach(async () => {
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  const json = fc.jsonValue({ maxDepth: 3 });
  const slackish = fc.record({
    type: fc.oneof(fc.constantFrom('block_actions', 'view_submission', 'shortcut', 'event_callback', 'url_verification'), fc.string()),
    user: fc.oneof(json, fc.record({ id: fc.constantFrom('U0ALIKHAN1', 'U0PATLEE01', 'UNOBODY') })),
    actions: fc.oneof(json, fc.array(fc.record({ action_id: fc.string(), value: fc.string() }), { maxLength: 3 })),
    view: fc.oneof(json, fc.record({ callback_id: fc.string(), private_metadata: fc.string(), state: json })),
    event: json,
    channel: json,
  }, { requiredKeys: ['type'] });

  it('/slack/events: signed random and mutated bodies', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(
      json.map((v) => ({ body: JSON.stringify(v), type: 'application/json' })),
      slackish.map((v) => ({ body: JSON.stringify(v), type: 'application/json' })),
      fc.oneof(json, slackish).map((v) => ({ body: interactiveBody(v as object), type: 'application/x-www-form-urlencoded' })),
      fc.tuple(fc.string(), fc.constantFrom('U0ALIKHAN1', 'U0PATLEE01')).map(([t, u]) => ({ body: commandBody(u, t, 'C1', `${fake.url}/respond/f`), type: 'application/x-www-form-urlencoded' })),
      fc.string().map((s) => ({ body: s, type: 'application/x-www-form-urlencoded' })),
    ), async ({ body, type }) => {
      const r = await fetch(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': type, ...sign(body) }, body });
      statuses.push(r.status);
      await r.arrayBuffer();
      return r.status < 500;
    }), { numRuns: RUNS });
  }, 180_000);

  it('/api/messages (Emulator): random and mutated activities', async () => {
    const activity = fc.record({
      type: fc.oneof(fc.constantFrom('message', 'invoke', 'conversationUpdate'), fc.string()),
      text: fc.oneof(fc.string(), json), value: json, name: fc.oneof(fc.constant('adaptiveCard/action'), fc.string()),
      from: fc.oneof(json, fc.record({ id: fc.string(), aadObjectId: fc.string() })),
      conversation: fc.oneof(json, fc.record({ id: fc.string(), conversationType: fc.constantFrom('personal', 'channel') })),
      serviceUrl: fc.constant('http://127.0.0.1:9/'), channelId: fc.constantFrom('msteams', 'emulator'),
    }, { requiredKeys: ['type'] });
    await fc.assert(fc.asyncProperty(fc.oneof(json, activity), async (v) => {
      const r = await fetch(emulatorUrl(base, running.bot), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(v) });
      statuses.push(r.status);
      await r.arrayBuffer();
      return r.status < 500;
    }), { numRuns: RUNS });
  }, 180_000);

  it('/register: random query strings', async () => {
    const key = fc.constantFrom('from', 'to', 'org', 'subject', 'stage', 'status', 'flag', 'sort', 'dir', 'page', 'x');
    const value = fc.oneof(fc.string(), fc.constantFrom('2026-13-01', '1e400', '\u0000', '9999-12-31', '-1', 'OPEN', 'anytown-icb'));
    await fc.assert(fc.asyncProperty(fc.constantFrom('/register', '/register/report', '/register/report.csv'), fc.array(fc.tuple(key, value), { maxLength: 4 }), async (path, pairs) => {
      const q = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
      const r = await fetch(`${base}${path}?${q}`, { headers: localCookie(running.bot) });
      statuses.push(r.status);
      await r.arrayBuffer();
      return r.status < 500;
    }), { numRuns: RUNS });
  }, 180_000);
});
