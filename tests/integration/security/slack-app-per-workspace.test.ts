import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../src/app/logger.ts';
import { loadEnv } from '../../../src/platforms.ts';
import { startBot, type Bot } from '../../../src/bot.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { FakeSlackApi } from '../../fakes/slack-api.ts';
import { directoryWithHomes } from '../../helpers/homes.ts';
import { interactiveBody, sign } from '../../helpers/slack.ts';
import { until } from '../../helpers/wait.ts';

// Each workspace with a Slack app of its own (signing_secret_env in SLACK_WORKSPACES_FILE): whoever holds one app's
// signing secret (that workspace's Slack admins) must not be able to act in another workspace. The receiver checks
// the workspace a request is signed for against the team id Bolt then authorizes with; a body that names one
// workspace where the receiver looks and another where Bolt looks must be refused, not served with the other's token.

const COUNCIL = 'T0COUNCIL';
const ICB = 'T0ICB0001';
const COUNCIL_SECRET = 'council-app-signing-secret';
const ICB_SECRET = 'icb-app-signing-secret';
const ICB_USER = 'U0JONPARK1';

let slack: FakeSlackApi;
let bot: Bot;
let tmp: string;
let base: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 's117-app-per-workspace-'));
  directoryWithHomes(tmp, { 'anytown-council': [`slack:${COUNCIL}`], 'anytown-icb': [`slack:${ICB}`], 'anytown-trust': [`slack:${ICB}`] });
  fs.writeFileSync(path.join(tmp, 'workspaces.yaml'), [
    'workspaces:',
    `  - { team: ${COUNCIL}, token_env: S117_T_COUNCIL_TOKEN, signing_secret_env: S117_T_COUNCIL_SECRET }`,
    `  - { team: ${ICB}, token_env: S117_T_ICB_TOKEN, signing_secret_env: S117_T_ICB_SECRET }`,
  ].join('\n'));
  slack = new FakeSlackApi();
  slack.addWorkspace(COUNCIL, 'xoxb-council', ['U0ALIKHAN1']);
  slack.addWorkspace(ICB, 'xoxb-icb', [ICB_USER]);
  await slack.start();
  const env = loadEnv({
    PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: path.join(tmp, 'directory.yaml'), SCHEDULER: 'off',
    SLACK_WORKSPACES_FILE: path.join(tmp, 'workspaces.yaml'), SLACK_API_URL: `${slack.url}/api/`,
  });
  const processEnv = {
    S117_T_COUNCIL_TOKEN: 'xoxb-council', S117_T_COUNCIL_SECRET: COUNCIL_SECRET,
    S117_T_ICB_TOKEN: 'xoxb-icb', S117_T_ICB_SECRET: ICB_SECRET,
  };
  Object.assign(process.env, processEnv);
  bot = await startBot({ env, logger: createLogger('silent'), clock: new FakeClock('2026-12-07T10:00:00Z'), scheduler: false });
  base = `http://127.0.0.1:${bot.address.port}`;
}, 180_000);
afterAll(async () => {
  await bot?.stop();
  await slack?.stop();
  for (const k of ['S117_T_COUNCIL_TOKEN', 'S117_T_COUNCIL_SECRET', 'S117_T_ICB_TOKEN', 'S117_T_ICB_SECRET']) delete process.env[k];
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function post(body: string, type: 'form' | 'json', secret: string): Promise<number> {
  const r = await fetch(`${base}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': type === 'form' ? 'application/x-www-form-urlencoded' : 'application/json', ...sign(body, secret) },
    body,
  });
  await r.text();
  return r.status;
}

const icbCalls = () => slack.calls.filter((c) => c.team === ICB).length;
// Nothing asynchronous is left to run once the bot has answered a refusal; a served request makes its call soon.
const settle = () => new Promise((r) => setTimeout(r, 300));

/** A "Record as decision" message shortcut: the bot answers it with an ephemeral message through the workspace's token. */
const shortcut = (teams: Record<string, unknown>) => interactiveBody({
  type: 'message_action', callback_id: 's117_record_decision', trigger_id: 'trig-1', api_app_id: 'A1', token: 'x',
  user: { id: ICB_USER, name: 'jon' }, channel: { id: 'C0NOTACASE', name: 'x' },
  message: { type: 'message', ts: '1700000000.000001', text: 'We agree.' }, response_url: `${slack.url}/respond/x`, ...teams,
});
/** The app's Home tab opened: the bot publishes the person's home view through the workspace's token. */
const homeOpened = (teams: Record<string, unknown>) => JSON.stringify({
  type: 'event_callback', api_app_id: 'A1', event_id: `Ev${Math.random().toString(36).slice(2)}`, event_time: 1,
  event: { type: 'app_home_opened', user: ICB_USER, channel: 'D1', tab: 'home' }, ...teams,
});

describe('one Slack app per workspace: one app\'s signing secret acts only in its own workspace', () => {
  it('serves a request signed by the ICB\'s app for the ICB (so the refusals below are not for some other reason)', async () => {
    const before = icbCalls();
    expect(await post(shortcut({ team: { id: ICB, domain: 'icb' } }), 'form', ICB_SECRET)).toBe(200);
    await until(() => icbCalls() > before, 'the bot to answer through the ICB\'s token');
    const home = icbCalls();
    expect(await post(homeOpened({ team_id: ICB }), 'json', ICB_SECRET)).toBe(200);
    await until(() => icbCalls() > home, 'the ICB home view to be published');
  });

  it.each([
    ['an interaction naming the council at the top and the ICB as its team', () => shortcut({ team_id: COUNCIL, team: { id: ICB, domain: 'icb' } }), 'form'],
    ['an interaction with no team but an ICB user', () => shortcut({ team: null, user: { id: ICB_USER, team_id: ICB } }), 'form'],
    ['an event naming the council but authorised for the ICB', () => homeOpened({ team_id: COUNCIL, authorizations: [{ team_id: ICB, enterprise_id: null, user_id: 'UBOT', is_bot: true }] }), 'json'],
  ] as const)('refuses %s, signed with the council\'s secret (401, nothing done with the ICB\'s token)', async (_what, body, type) => {
    const before = icbCalls();
    expect(await post(body(), type, COUNCIL_SECRET)).toBe(401);
    await settle();
    expect(icbCalls()).toBe(before);
  });
});
