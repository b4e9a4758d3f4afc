import type { RequestListener } from 'node:http';
import bolt, { type App as BoltApp, type Logger as BoltLogger } from '@slack/bolt';
import { ConfigError } from '../../config/env.ts';
import type { SlackEnv as Env } from './env.ts';
import type { DisputeService } from '../../app/dispute-service.ts';
import type { Logger } from '../../app/ports.ts';
import { handedOver, requestStarted } from '../../app/foreground.ts';
import type { Directory } from '../../domain/types.ts';
import { SlackChatPort } from './chat-port.ts';
import { type PlatformStatus, SlackAuth } from './slack-auth.ts';
import { SlackContext } from './context.ts';
import { ANSWERED_EARLY, Gate, gateAfterAck } from './after-ack-gate.ts';
import { answerUnreadable, markUnreadable } from './unreadable.ts';
import { Interactions } from '../../app/interactions/interactions.ts';
import * as actions from './listeners/actions.ts';
import * as commands from './listeners/commands.ts';
import * as home from './listeners/home.ts';
import * as shortcuts from './listeners/shortcuts.ts';
import * as views from './listeners/views.ts';

const { App, HTTPReceiver, LogLevel, SocketModeReceiver } = bolt;
// Bolt's own copy of the Web API client (not a separate dependency).
const { WebClient } = bolt.webApi;

export const SLACK_EVENTS_PATH = '/slack/events';
/** Requests whose after-ack work may run at once (the rest wait, already acknowledged). */
const AFTER_ACK_CONCURRENCY = 4;
/** The longest after-ack work waits for other requests' acknowledgements before it takes its turn anyway. */
const AFTER_ACK_HOLD_MS = 5_000;
/** The longest a stop waits for requests already answered to be worked (within Docker's 10 s before it kills). */
const STOP_WAIT_MS = 8_000;

/** Bolt's logger interface on top of ours, so Bolt never writes to the console itself. */
function boltLogger(logger: Logger): BoltLogger {
  const line = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  let level = LogLevel.INFO;
  return {
    // The Web API client's debug lines carry whole request bodies (free text about the person): never logged.
    debug: (...a: unknown[]) => { const l = line(a); if (l.length <= 200 && !/body|payload|"text"|text:/i.test(l)) logger.debug(l); },
    info: (...a: unknown[]) => logger.info(line(a)),
    warn: (...a: unknown[]) => logger.warn(line(a)),
    error: (...a: unknown[]) => logger.error(line(a)),
    setLevel: (l) => { level = l; },
    getLevel: () => level,
    setName: () => undefined,
  };
}

export interface SlackAdapter {
  mode: 'http' | 'socket';
  port: SlackChatPort;
  /** Mount at SLACK_EVENTS_PATH on the bot's HTTP server (HTTP mode only). */
  requestListener: RequestListener | null;
  /** Registers the listeners; call once the use cases exist. */
  attach(service: DisputeService, onChange: () => void): void;
  /** Never rejects: a Slack that is down or refuses the token makes the bot not ready, and it keeps trying. */
  start(): Promise<void>;
  /** Ready once Slack accepted the token (and, in Socket Mode, the socket is up); else why not. */
  status(): PlatformStatus;
  stop(): Promise<void>;
}

/**
 * Slack through Bolt: HTTP mode with the signing secret (every request's
 * signature checked by Bolt's own receiver), or Socket Mode when an app-level
 * token is set (for networks that accept no inbound connections).
 */
export function createSlackAdapter(env: Env, logger: Logger, directory: () => Directory): SlackAdapter | null {
  if (!env.SLACK_BOT_TOKEN) return null;
  const socket = Boolean(env.SLACK_APP_TOKEN);
  if (!socket && !env.SLACK_SIGNING_SECRET) {
    throw new ConfigError('SLACK_SIGNING_SECRET: is needed with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  const log = boltLogger(logger.child({ platform: 'slack' }));
  // Our outbox retries; the client reports a 429 at once with Slack's Retry-After,
  // and no call waits longer than the timeout (the client has none by default).
  const clientOptions = {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: env.PLATFORM_CALL_TIMEOUT_MS,
    logger: log,
  };
  const client = new WebClient(env.SLACK_BOT_TOKEN, clientOptions);
  // Bolt would call auth.test itself and crash the process if it failed; we ask in the background instead.
  const auth = new SlackAuth(client, env.SLACK_BOT_TOKEN, logger.child({ platform: 'slack' }));
  const authorize = () => auth.authorize();
  let app: BoltApp;
  let receiver: InstanceType<typeof HTTPReceiver> | null = null;
  let socketReceiver: InstanceType<typeof SocketModeReceiver> | null = null;
  if (socket) {
    // installerOptions carries the API URL to the Socket Mode client's own apps.connections.open call.
    socketReceiver = new SocketModeReceiver({ appToken: env.SLACK_APP_TOKEN!, logger: log, installerOptions: { clientOptions } });
    app = new App({ authorize, receiver: socketReceiver, clientOptions, logger: log });
  } else {
    receiver = new HTTPReceiver({
      signingSecret: env.SLACK_SIGNING_SECRET!, endpoints: SLACK_EVENTS_PATH, processBeforeResponse: false, logger: log,
      // Slack retries what it does not see acknowledged in 3 s; keys make the retry harmless.
      unhandledRequestTimeoutMillis: 3001,
      processEventErrorHandler: answerUnreadable,
      // The HTTP guard marks a request it answered itself (http/platform-guard.ts).
      customPropertiesExtractor: (req) => {
        const at = (req as { answered?: number }).answered;
        return at === undefined ? {} : { [ANSWERED_EARLY]: at };
      },
      // Slack has its 200 already; no listener of ours for it (a link button's click, say) is not a fault.
      unhandledRequestHandler: (args) => {
        if ((args.request as { answered?: number }).answered !== undefined) return;
        bolt.HTTPModuleFunctions.defaultUnhandledRequestHandler(args);
      },
    });
    app = new App({ authorize, receiver, clientOptions, logger: log });
  }
  // Over HTTP the server counts each request; Socket Mode's arrive on the WebSocket, so they are counted here, for
  // background work (a sweep) to take smaller steps while a person waits.
  if (socket) {
    app.use(async ({ next }) => {
      const done = requestStarted();
      try { await next(); } finally { done(); }
    });
  }
  // Listeners ack first and work after; this keeps that work from starving the next acks.
  // Over HTTP a request counts until its acknowledgement is sent, so work after an ack can wait for the others' acks.
  // Socket Mode counts a request until its listener finishes, after-ack work included: waiting there would wait on itself.
  const work = gateAfterAck(app, new Gate(AFTER_ACK_CONCURRENCY), socket ? {} : { holdWhileAnswering: { maxMs: AFTER_ACK_HOLD_MS } });
  markUnreadable(app);
  app.error(async (e) => { logger.error({ err: { message: e.message, code: (e as { code?: string }).code } }, 'Slack listener failed'); });
  const port = new SlackChatPort(client, directory, logger.child({ platform: 'slack' }), env.PUBLIC_URL?.replace(/\/$/, '') ?? null);
  let socketUp = false;
  let socketReason = 'connecting to Slack Socket Mode';
  let stopped = false;
  return {
    mode: socket ? 'socket' : 'http',
    port,
    requestListener: receiver ? receiver.requestListener : null,
    attach(service, onChange) {
      const ctx = new SlackContext(new Interactions(service, logger.child({ platform: 'slack' }), onChange), env.PUBLIC_URL?.replace(/\/$/, '') ?? null);
      for (const m of [commands, views, actions, shortcuts, home]) m.register(app, ctx);
    },
    status() {
      const a = auth.status();
      if (!a.ready) return a;
      return socket && !socketUp ? { ready: false, reason: socketReason } : a;
    },
    async start() {
      await auth.start();
      if (!socket) return;
      const connect = async (n: number): Promise<void> => {
        try {
          await app.start();
          socketUp = true;
        } catch (e) {
          socketReason = `Slack Socket Mode could not connect (${(e as Error).message}); retrying`;
          logger.warn({ err: { message: (e as Error).message } }, socketReason);
          if (!stopped) setTimeout(() => { void connect(n + 1); }, Math.min(60_000, 1000 * 2 ** Math.min(n, 6))).unref();
        }
      };
      await connect(0);
    },
    async stop() {
      stopped = true;
      // Bolt's stop() does not wait for the websocket's close handshake; waiting leaves no timers behind.
      // Closed first, so no new event keeps the wait below going.
      if (socketReceiver) await Promise.race([socketReceiver.client.disconnect(), new Promise((r) => setTimeout(r, 5000).unref())]);
      // A click already answered is recorded before the database closes: Slack will not send it again.
      const finished = (async () => {
        await handedOver();
        await new Promise((r) => setImmediate(r));
        await work.settled();
        return true;
      })();
      const done = await Promise.race([finished, new Promise<false>((r) => setTimeout(() => r(false), STOP_WAIT_MS).unref())]);
      if (!done) logger.error({ waitedMs: STOP_WAIT_MS }, 'stopping with Slack requests still being worked: what they asked for may not be recorded');
      auth.stop();
    },
  };
}
