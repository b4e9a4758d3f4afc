import type { Logger } from '../../src/app/ports.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { commandBody, sign, SIGNING_SECRET, slackPost } from '../helpers/slack.ts';
import { bareReceiverApp, type BareReceiverApp } from '../helpers/slack-receiver.ts';
import { until } from '../helpers/wait.ts';

// Our receiver is Bolt's extension point for where requests come from: it
// verifies and parses each request once, answers first what the
// acknowledgement policy says is always answered empty, and refuses a
// workspace that has not installed the app.

function recordingLogger(lines: { level: string; obj: unknown; msg: string }[]): Logger {
  const at = (level: string) => (obj: unknown, msg?: string) => { lines.push({ level, obj, msg: msg ?? String(obj) }); };
  const l = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => l };
  return l as unknown as Logger;
}

describe('the Slack receiver', () => {
  let fake: FakeSlackApi;
  let bare: BareReceiverApp;
  const lines: { level: string; obj: unknown; msg: string }[] = [];
  let release!: () => void;
  let held: Promise<void>;
  const ran: string[] = [];

  beforeAll(async () => {
    fake = new FakeSlackApi();
    await fake.start();
    bare = await bareReceiverApp({ apiUrl: `${fake.url}/api/`, logger: recordingLogger(lines), serves: (team) => team === 'T1' });
    held = new Promise<void>((r) => { release = r; });
    // Answered first: the policy says so beside the listener, as the bot's listeners do.
    bare.policy.answerFirst({ command: '/first' });
    bare.app.command('/first', async ({ ack, command }) => {
      await ack();
      await held;
      ran.push(command.text);
    });
    bare.app.command('/late', async ({ ack }) => { await ack('Working…'); });
    bare.policy.answerFirst({ command: '/late' });
    // Not in the policy: its listener's ack carries the answer.
    bare.app.command('/answer', async ({ ack }) => { await ack('Working…'); });
  }, 60_000);
  afterAll(async () => {
    release();
    await bare.stop();
    await fake.stop();
  });

  const command = (name: string, text: string, team = 'T1') => {
    const body = new URLSearchParams(commandBody('U1', text, 'C1', `${fake.url}/respond/x`));
    body.set('command', name);
    body.set('team_id', team);
    return body.toString();
  };
  const post = (body: string) => slackPost(bare.url.replace(/\/slack\/events$/, ''), body, 'form');

  it('answers a request the policy names with an empty 200 before its listener has run, and runs it after', async () => {
    expect(await post(command('/first', 'one'))).toEqual({ status: 200, body: '' });
    expect(ran).toEqual([]);
    release();
    await until(() => ran.length === 1, 'the listener to run after the answer');
    expect(ran).toEqual(['one']);
  });

  it('a listener that acks with a response after the policy answered empty is told, through app.error, not ignored', async () => {
    expect(await post(command('/late', ''))).toEqual({ status: 200, body: '' });
    const e = await until(() => bare.errors.find((x) => /acknowledgement policy answers empty/.test(x.message)), 'the late ack to be reported');
    expect(e.message).toMatch(/\/late/);
    expect((e as { code?: string }).code).toBe('S117_SLACK_LATE_ACK');
  });

  it('a request the policy does not name is answered by its listener: ack(body) is the answer', async () => {
    expect(await post(command('/answer', ''))).toEqual({ status: 200, body: 'Working…' });
  });

  it('refuses a request from a workspace without an installation, with one log line, and runs no listener', async () => {
    const before = ran.length;
    const warned = lines.length;
    const r = await post(command('/first', 'stranger', 'T0OTHER'));
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toEqual({ error: 'This Slack workspace has not installed the app here.' });
    const logged = lines.slice(warned);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'warn', obj: { team: 'T0OTHER' } });
    await new Promise((r2) => setTimeout(r2, 50));
    expect(ran.length).toBe(before);
  });

  it('with an app per workspace, takes a request only when it is signed by the app of the workspace it names', async () => {
    const perApp = await bareReceiverApp({
      apiUrl: `${fake.url}/api/`, serves: (team) => team === 'T1' || team === 'T0ICB0001',
      signingSecrets: [{ secret: 'icb-app-secret', teams: ['T0ICB0001'] }, { secret: SIGNING_SECRET, teams: ['T1'] }],
    });
    perApp.app.command('/answer', async ({ ack }) => { await ack('ok'); });
    try {
      const body = command('/answer', '', 'T0ICB0001');
      const send = (secret: string) => fetch(perApp.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body, secret) }, body });
      // The council's app cannot speak for the ICB's workspace.
      expect((await send(SIGNING_SECRET)).status).toBe(401);
      const r = await send('icb-app-secret');
      expect({ status: r.status, body: await r.text() }).toEqual({ status: 200, body: 'ok' });
      expect((await send('no-app-of-ours')).status).toBe(401);
    } finally {
      await perApp.stop();
    }
  });
});
