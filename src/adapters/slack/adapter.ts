import type { IncomingMessage, ServerResponse } from 'node:http';
import bolt, { type App as BoltApp, type Logger as BoltLogger } from '@slack/bolt';
import type { DisputeService } from '../../app/dispute-service.ts';
import type { Foreground } from '../../app/foreground.ts';
import type { Logger } from '../../app/ports.ts';
import type { Directory } from '../../domain/types.ts';
import { ConfigError } from '../../config/env.ts';
import type { SlackEnv } from './env.ts';
import { Interactions } from '../../app/interactions/interactions.ts';
import { SlackChatPort } from './chat-port.ts';
import type { PlatformStatus } from './slack-auth.ts';
import { SlackContext } from './context.ts';
import { AckPolicy } from './ack-policy.ts';
import { AfterAck, Gate, GatedReceiver } from './after-ack-gate.ts';
import { AnswerQueue } from './answer-queue.ts';
import { type RequestIo, SlackReceiver } from './receiver.ts';
import { Installations, loadWorkspaces } from './workspaces.ts';
import * as actions from './listeners/actions.ts';
import * as commands from './listeners/commands.ts';
import * as home from './listeners/home.ts';
import * as shortcuts from './listeners/shortcuts.ts';
import * as views from './listeners/views.ts';

const { App, LogLevel, SocketModeReceiver } = bolt;
// Bolt's own copy of the Web API client (not a separate dependency).
const { WebClient } = bolt.webApi;

export const SLACK_EVENTS_PATH = '/slack/events';
/** Requests whose after-ack work may run at once (the rest wait, already acknowledged). */
const AFTER_ACK_CONCURRENCY = 4;
/** The longest after-ack work waits for other requests' acknowledgements before it takes its turn anyway. */
const AFTER_ACK_HOLD_MS = 5_000;
/** The longest a stop waits for requests already answered to be worked (within Docker's 10 s before it kills). */
const STOP_WAIT_MS = 8_000;


/** What the running bot hands the adapter: no module-level state, one of each per start. */
export interface SlackDeps {
  logger: Logger;
  directory: () => Directory;
  foreground: Foreground;
  /** Environment for workspaces' token_env entries. */
  processEnv?: Record<string, string | undefined>;
}

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
  /** The default port: the single workspace's, or the first listed. */
  port: SlackChatPort;
  /** With several workspaces, one port per workspace, keyed by its home (`slack:T…`). */
  workspacePorts: Record<string, SlackChatPort>;
  /** Mount at SLACK_EVENTS_PATH on the bot's HTTP server (HTTP mode only). */
  handle: ((req: IncomingMessage, res: ServerResponse, io: RequestIo) => Promise<void>) | null;
  /** The workspaces served, for the banner. */
  workspaces(): { teamId: string | null; name: string | null }[];
  /** Registers the listeners; call once the use cases exist. */
  attach(service: DisputeService, onChange: () => void): void;
  /** Never rejects: a Slack that is down or refuses a token makes the bot not ready, and it keeps trying. */
  start(): Promise<void>;
  /** Ready once Slack accepted every token (and, in Socket Mode, the socket is up); else why not. */
  status(): PlatformStatus;
  stop(): Promise<void>;
}

/**
 * Slack through Bolt: over HTTP with our own receiver (verified, parsed and
 * acknowledged once, in receiver.ts), or Socket Mode when an app-level token
 * is set (for networks that accept no inbound connections). One app, in one
 * workspace (SLACK_BOT_TOKEN) or several (SLACK_WORKSPACES_FILE).
 */
export function createSlackAdapter(env: SlackEnv, deps: SlackDeps): SlackAdapter | null {
  const { logger, directory, foreground } = deps;
  if (!env.SLACK_BOT_TOKEN && !env.SLACK_WORKSPACES_FILE) return null;
  const socket = Boolean(env.SLACK_APP_TOKEN);
  const slackLogger = logger.child({ platform: 'slack' });
  const log = boltLogger(slackLogger);
  // Our outbox retries; the client reports a 429 at once with Slack's Retry-After,
  // and no call waits longer than the timeout (the client has none by default).
  const clientOptions = {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: env.PLATFORM_CALL_TIMEOUT_MS,
    logger: log,
  };
  const configs = env.SLACK_WORKSPACES_FILE
    ? loadWorkspaces(env.SLACK_WORKSPACES_FILE, deps.processEnv)
    : [{ teamId: null, name: null, token: env.SLACK_BOT_TOKEN!, signingSecret: null }];
  // One app installed in every workspace shares SLACK_SIGNING_SECRET; a workspace with an app of its own brings its own.
  const ownApps = configs.filter((c) => c.signingSecret);
  const shared = configs.filter((c) => !c.signingSecret);
  if (!socket && shared.length && !env.SLACK_SIGNING_SECRET) {
    const which = shared.map((c) => c.teamId ?? 'SLACK_BOT_TOKEN').join(', ');
    throw new ConfigError(
      `SLACK_SIGNING_SECRET: is needed for ${which} (the app's Basic Information page), or set SLACK_APP_TOKEN for Socket Mode`,
    );
  }
  const signingSecrets = [
    ...ownApps.map((c) => ({ secret: c.signingSecret!, teams: [c.teamId!] })),
    ...(shared.length && env.SLACK_SIGNING_SECRET ? [{
      secret: env.SLACK_SIGNING_SECRET,
      teams: ownApps.length ? shared.map((c) => c.teamId).filter((t): t is string => Boolean(t)) : null,
    }] : []),
  ];
  const installations = new Installations(configs, (token) => new WebClient(token, clientOptions), slackLogger);
  // Bolt would call auth.test itself and crash the process if it failed; we ask in the background instead.
  const authorize = (source: { teamId?: string; enterpriseId?: string }) => installations.authorize(source);
  const publicUrl = env.PUBLIC_URL?.replace(/\/$/, '') ?? null;
  const ports = installations.all.map((i) => new SlackChatPort(
    i.client, directory, slackLogger, publicUrl, installations.several && i.teamId ? { team: i.teamId } : null,
  ));

  let app: BoltApp;
  let receiver: SlackReceiver | null = null;
  let socketReceiver: InstanceType<typeof SocketModeReceiver> | null = null;
  const queue = new AnswerQueue(foreground);
  const policy = new AckPolicy();
  // Listeners ack first and work after; the gate keeps that work from starving the next acks.
  const afterAck = new AfterAck(
    new Gate(AFTER_ACK_CONCURRENCY), socket ? {} : { holdWhileAnswering: { foreground, maxMs: AFTER_ACK_HOLD_MS } },
  );
  // Bolt keeps one client per workspace for the listeners, built with these options and the token authorize gives.
  const appOptions = { authorize, clientOptions, logger: log };
  if (socket) {
    // installerOptions carries the API URL to the Socket Mode client's own apps.connections.open call.
    socketReceiver = new SocketModeReceiver({ appToken: env.SLACK_APP_TOKEN!, logger: log, installerOptions: { clientOptions } });
    app = new App({ ...appOptions, receiver: new GatedReceiver(socketReceiver, afterAck) });
    // Socket Mode's requests arrive on the WebSocket, not the HTTP server: counted here, for background work (a
    // sweep) to take smaller steps while a person waits.
    app.use(async ({ next }) => {
      const done = foreground.requestStarted();
      try { await next(); } finally { done(); }
    });
  } else {
    receiver = new SlackReceiver({
      signingSecrets, logger: slackLogger, policy, queue, afterAck, workspaces: installations,
    });
    app = new App({ ...appOptions, receiver });
  }
  app.error(async (e) => {
    slackLogger.error({ err: { message: e.message, code: (e as { code?: string }).code } }, 'Slack listener failed');
  });
  let socketUp = false;
  let socketReason = 'connecting to Slack Socket Mode';
  let stopped = false;
  return {
    mode: socket ? 'socket' : 'http',
    port: ports[0]!,
    workspacePorts: installations.several ? Object.fromEntries(ports.map((p) => [p.platform, p])) : {},
    handle: receiver ? receiver.handle : null,
    workspaces: () => installations.all.map((i) => ({ teamId: i.teamId ?? i.auth.teamId(), name: i.name })),
    attach(service, onChange) {
      const ctx = new SlackContext(new Interactions(service, slackLogger, onChange, publicUrl), publicUrl,
        (team) => (installations.several && team ? `slack:${team}` : 'slack'));
      commands.register(app, ctx, policy);
      views.register(app, ctx);
      actions.register(app, ctx, policy);
      shortcuts.register(app, ctx, policy);
      home.register(app, ctx);
    },
    status() {
      const a = installations.status();
      if (!a.ready) return a;
      return socket && !socketUp ? { ready: false, reason: socketReason } : a;
    },
    async start() {
      await installations.start();
      if (!socket) return;
      const connect = async (n: number): Promise<void> => {
        try {
          await app.start();
          socketUp = true;
        } catch (e) {
          socketReason = `Slack Socket Mode could not connect (${(e as Error).message}); retrying`;
          slackLogger.warn({ err: { message: (e as Error).message } }, socketReason);
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
        await queue.handedOver();
        await new Promise((r) => setImmediate(r));
        await afterAck.settled();
        return true;
      })();
      const done = await Promise.race([finished, new Promise<false>((r) => setTimeout(() => r(false), STOP_WAIT_MS).unref())]);
      if (!done) {
        const lost = 'stopping with Slack requests still being worked: what they asked for may not be recorded';
        slackLogger.error({ waitedMs: STOP_WAIT_MS }, lost);
      }
      installations.stop();
    },
  };
}
