import net from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/app/logger.ts';
import { loadEnv } from '../../../src/platforms.ts';
import { startBot, type Bot } from '../../../src/bot.ts';
import { DIRECTORY } from '../../helpers/app.ts';
import { until } from '../../helpers/wait.ts';

// A client that sends its headers or body a byte at a time (or stops half-way) must not hold a connection for
// minutes, nor may a crowd of them starve everyone else. Short limits are configured here so the test need not
// wait; what is checked is that the server closes the socket, never how long that took.
describe('slow and half-sent requests', () => {
  let bot: Bot;
  let logs = '';
  beforeAll(async () => {
    const sink = new Writable({ write(c, _e, cb) { logs += String(c); cb(); } });
    const env = loadEnv({
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off', TEAMS_CASE_CHANNEL_ID: '19:cases@thread.tacv2',
      HTTP_HEADERS_TIMEOUT_MS: '400', HTTP_REQUEST_TIMEOUT_MS: '800', HTTP_MAX_CONNECTIONS: '3', LOG_LEVEL: 'debug',
    });
    bot = await startBot({ env, logger: createLogger('debug', sink), scheduler: false });
  }, 180_000);
  afterAll(async () => { await bot.stop(); });

  /** A raw connection that records whether the server closed it and what it answered. */
  const connect = async () => {
    const socket = net.connect(bot.address.port, '127.0.0.1');
    const state = { closed: false, answer: '' };
    socket.on('data', (d: Buffer) => { state.answer += d.toString('utf8'); });
    socket.on('close', () => { state.closed = true; });
    socket.on('error', () => undefined);
    await new Promise<void>((r) => socket.once('connect', () => r()));
    return { socket, state };
  };
  const emulator = () => `/api/messages?token=${bot.localToken}`;

  it('closes a connection whose body stops half-way (requestTimeout), answering 408', async () => {
    const { socket, state } = await connect();
    socket.write(`POST ${emulator()} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"type":"mess`);
    await until(() => state.closed, 'the server to close the half-sent request', 30_000);
    expect(state.answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes a connection whose headers never finish (headersTimeout)', async () => {
    const { state, socket } = await connect();
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: a');
    await until(() => state.closed, 'the server to close the unfinished headers', 30_000);
    expect(state.answer).not.toMatch(/"status":"ok"/);
  });

  it('logs a client that went away mid-body at debug, not as an error', async () => {
    logs = '';
    const { socket, state } = await connect();
    // "100 Continue" comes back once the request has reached its handler, which is then reading the body.
    socket.write(`POST ${emulator()} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n`);
    await until(() => state.answer.includes('100 Continue'), 'the server to ask for the body');
    socket.write('{"type":"mess');
    socket.destroy();
    await until(() => /the client went away before its request was read/.test(logs), 'the debug line');
    const levels = logs.trim().split('\n').map((l) => (JSON.parse(l) as { level: number; msg: string }));
    expect(levels.filter((l) => l.level >= 50)).toEqual([]);
    expect(levels.find((l) => /went away/.test(l.msg))!.level).toBe(20);
  });

  it('caps connections (HTTP_MAX_CONNECTIONS): one over the cap is closed unanswered, and room comes back when others leave', async () => {
    const held = [await connect(), await connect(), await connect()];
    // Each holder has started a request, so the server has accepted it and counts it.
    for (const h of held) h.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    const extra = await connect();
    extra.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await until(() => extra.state.closed, 'the connection over the cap to be closed');
    expect(extra.state.answer).toBe('');
    for (const h of held) h.socket.destroy();
    await until(async () => (await fetch(`http://127.0.0.1:${bot.address.port}/healthz`).then((r) => r.status, () => 0)) === 200, 'room for a new connection');
  });
});
