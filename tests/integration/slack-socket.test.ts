import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { DIRECTORY } from '../helpers/app.ts';
import type { SlackAdapter } from '../../src/adapters/slack/slack-app.ts';
const slackOf = (b: { platforms: Map<string, { adapter?: unknown }> }) => b.platforms.get('slack')!.adapter as SlackAdapter;

// Socket Mode: many NHS and council networks accept no inbound connections.
// A local websocket stands in for Slack's.
describe('Slack over Socket Mode', () => {
  let fake: FakeSlackApi;
  let wss: WebSocketServer;
  let bot: Bot;
  const received: unknown[] = [];
  let socket: WebSocket | null = null;

  beforeAll(async () => {
    fake = new FakeSlackApi();
    await fake.start();
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    fake.socketUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link`;
    wss.on('connection', (ws) => {
      socket = ws;
      ws.on('message', (m) => received.push(JSON.parse(String(m))));
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'local' }, connection_info: { app_id: 'A1' } }));
    });
    const env = loadEnv({
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off',
      SLACK_BOT_TOKEN: 'xoxb-test', SLACK_APP_TOKEN: 'xapp-test', SLACK_API_URL: `${fake.url}/api/`,
    });
    bot = await startBot({ env, logger: createLogger('silent'), scheduler: false });
  });
  afterAll(async () => {
    await bot.stop();
    for (const c of wss.clients) c.terminate();
    await new Promise((r) => wss.close(r));
    await fake.stop();
  });

  it('connects without any inbound HTTP, acknowledges a slash command over the socket and answers it', async () => {
    expect(slackOf(bot).mode).toBe('socket');
    expect(fake.of('apps.connections.open')).toHaveLength(1);
    expect(socket).not.toBeNull();
    socket!.send(JSON.stringify({
      envelope_id: 'env-1', type: 'slash_commands', accepts_response_payload: true,
      payload: { command: '/s117', text: 'help', user_id: 'U0ALIKHAN1', channel_id: 'C1', team_id: 'T1', trigger_id: 't1', response_url: `${fake.url}/respond/socket`, api_app_id: 'A1' },
    }));
    const deadline = Date.now() + 10_000;
    while ((!received.length || !fake.responses.length) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(received[0]).toMatchObject({ envelope_id: 'env-1' });
    expect(String(fake.responses[0]!.body.text)).toMatch(/\/s117 raise/);
    // Socket Mode needs no /slack/events route.
    expect((await fetch(`http://127.0.0.1:${bot.address.port}/slack/events`, { method: 'POST' })).status).toBe(404);
  });
});
