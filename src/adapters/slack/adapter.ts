import type { IncomingMessage, ServerResponse } from 'node:http';
import bolt, { type App as BoltApp, type Logger as BoltLogger } from '@slack/bolt';
import type { DisputeService } from '../../app/dispute-service.ts';
import type { Foreground } from '../../app/foreground.ts';
import type { Logger } from '../../app/ports.ts';
import type { Directory } from '../../domain/types.ts';
import { ConfigError } from '../../config/env.ts';
import { installFlowOn, type SlackEnv } from './env.ts';
import type { ChatPort } from '../../app/ports.ts';
import { ChatDeliveryError } from '../../app/ports.ts';
import type { InstallationStore, PlatformRegister } from '../../app/platform.ts';
import { InstallFlow, SLACK_INSTALL_PATH } from './install-flow.ts';
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
  /** The default port: the single workspace's, or the first listed; none with the install flow alone. */
  port: SlackChatPort | null;
  /** With several workspaces, one port per workspace, keyed by its home (`slack:T…`). */
  workspacePorts: Record<string, SlackChatPort>;
  /** Mount at SLACK_EVENTS_PATH on the bot's HTTP server (HTTP mode only). */
  handle: ((req: IncomingMessage, res: ServerResponse, io: RequestIo) => Promise<void>) | null;
  /** Slack's install flow at SLACK_INSTALL_PATH and SLACK_OAUTH_REDIRECT_PATH; null unless SLACK_CLIENT_ID is set. */
  install: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null;
  /** The workspaces served, for the banner. */
  workspaces(): { teamId: string | null; name: string | null }[];
  /** Registers the listeners; call once the use cases exist. */
  attach(service: DisputeService, onChange: () => void, register?: PlatformRegister): void;
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
  const installFlow = installFlowOn(env);
  if (!env.SLACK_BOT_TOKEN && !env.SLACK_WORKSPACES_FILE && !installFlow) return null;
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
    : env.SLACK_BOT_TOKEN ? [{ teamId: null, name: null, token: env.SLACK_BOT_TOKEN, signingSecret: null }] : [];
  // One app installed in every workspace shares SLACK_SIGNING_SECRET; a workspace with an app of its own brings its own.
  const ownApps = configs.filter((c) => c.signingSecret);
  const shared = configs.filter((c) => !c.signingSecret);
  if (!socket && (shared.length || installFlow) && !env.SLACK_SIGNING_SECRET) {
    const flowOnes = installFlow ? ['the workspaces installed through SLACK_CLIENT_ID'] : [];
    const which = [...shared.map((c) => c.teamId ?? 'SLACK_BOT_TOKEN'), ...flowOnes].join(', ');
    throw new ConfigError(
      `SLACK_SIGNING_SECRET: is needed for ${which} (the app's Basic Information page), or set SLACK_APP_TOKEN for Socket Mode`,
    );
  }
  const signingSecrets = [
    ...ownApps.map((c) => ({ secret: c.signingSecret!, teams: [c.teamId!] })),
    ...((shared.length || installFlow) && env.SLACK_SIGNING_SECRET ? [{
      secret: env.SLACK_SIGNING_SECRET,
      teams: ownApps.length ? shared.map((c) => c.teamId).filter((t): t is string => Boolean(t)) : null,
      // The shared app also signs for the workspaces installed through its install link.
      also: (team: string) => installations.all.some((i) => i.source === 'register' && i.teamId === team),
    }] : []),
  ];
  const publicUrl = env.PUBLIC_URL?.replace(/\/$/, '') ?? null;
  let store: InstallationStore | null = null;
  let addPort: PlatformRegister['addPort'] = () => undefined;
  const installations: Installations = new Installations(configs, (token) => new WebClient(token, clientOptions), slackLogger, {
    installFlow,
    ...(installFlow ? { refresh: () => refreshInstalled() } : {}),
  });
  // Ports of workspaces served through the install flow, made on first need: each call takes the workspace's token
  // as it is then (installed, re-installed with a new one, or gone: the outbox keeps the row and tries again).
  const installedPorts = new Map<string, SlackChatPort>();
  const TeamClient = class extends WebClient {
    constructor(private readonly s117Team: string) { super(undefined, clientOptions); }
    override async apiCall(method: string, options: Record<string, unknown> = {}) {
      const token = installations.tokenFor(this.s117Team);
      if (!token) {
        throw new ChatDeliveryError(`Slack workspace ${this.s117Team} has no installation of the app here: install it from `
          + `${publicUrl ?? 'PUBLIC_URL'}${SLACK_INSTALL_PATH}`, true);
      }
      return super.apiCall(method, { ...options, token });
    }
  };
  // Slack Connect only between workspaces one app serves: a press by a guest in the host's channel is signed by the app
  // serving the guest's workspace, and an app of a workspace's own signs for that workspace alone (the receiver refuses
  // it for any other, as it must).
  const sharedApp = (team: string) => !ownApps.some((c) => c.teamId === team)
    && (shared.some((c) => c.teamId === team) || installFlow);
  const sharesFrom = (host: string) => (guest: string) => sharedApp(host) && sharedApp(guest);
  const ensurePort = (teamId: string) => {
    if (installedPorts.has(teamId) || installations.configured(teamId)) return;
    const port = new SlackChatPort(new TeamClient(teamId), directory, slackLogger, publicUrl, { team: teamId }, sharesFrom(teamId));
    installedPorts.set(teamId, port);
    addPort(port.platform, port as ChatPort);
  };
  const refreshInstalled = async () => {
    if (!store) return;
    const list = await store.list('slack');
    installations.setRegistered(list.map((r) => ({ teamId: r.space, name: r.name, token: r.secret })));
    for (const r of list) ensurePort(r.space);
  };
  /** Every Slack workspace the directory names as a home gets its port, installed yet or not: its people go there. */
  const portsForHomes = () => {
    for (const o of directory().organisations) for (const h of o.homes ?? []) if (h.platform === 'slack' && h.space) ensurePort(h.space);
  };
  // Bolt would call auth.test itself and crash the process if it failed; we ask in the background instead.
  const authorize = (source: { teamId?: string; enterpriseId?: string }) => installations.authorize(source);
  const ports = installations.all.map((i) => new SlackChatPort(
    i.client, directory, slackLogger, publicUrl, installations.several && i.teamId ? { team: i.teamId } : null,
    i.teamId ? sharesFrom(i.teamId) : () => false,
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
  let refreshTimer: ReturnType<typeof setInterval> | null = null;
  const flow = installFlow ? new InstallFlow({
    clientId: env.SLACK_CLIENT_ID!, clientSecret: env.SLACK_CLIENT_SECRET!, publicUrl: publicUrl ?? '',
    // Slack's authorize page sits beside its Web API (slack.com/api/ → slack.com/oauth/v2/authorize; GovSlack's likewise).
    authorizeUrl: new URL('../oauth/v2/authorize', env.SLACK_API_URL ?? 'https://slack.com/api/').toString(),
    client: new WebClient(undefined, clientOptions), store: () => store, directory,
    configured: (team) => installations.configured(team),
    installed: async () => { await refreshInstalled(); onChangeRef(); },
    now: () => new Date(), logger: slackLogger.child({ part: 'install' }),
  }) : null;
  let onChangeRef: () => void = () => undefined;

  /** The app was uninstalled from a workspace, or its bot token revoked: that installation is gone for good. */
  const uninstalled = async (teamId: string | undefined, why: string) => {
    if (!teamId) return;
    if (installations.configured(teamId)) {
      slackLogger.error({ team: teamId, why }, `Slack says the app's token for workspace ${teamId} no longer works (${why}); `
        + 'reinstall it there and put the new token in SLACK_WORKSPACES_FILE, or remove the workspace from it');
      return;
    }
    const removed = store ? await store.remove('slack', teamId) : false;
    installations.dropRegistered(teamId);
    if (removed) slackLogger.warn({ team: teamId, why }, 'the Slack app was removed from a workspace; its installation is deleted');
  };
  return {
    mode: socket ? 'socket' : 'http',
    port: ports[0] ?? null,
    workspacePorts: installations.several ? Object.fromEntries(ports.map((p) => [p.platform, p])) : {},
    handle: receiver ? receiver.handle : null,
    install: flow ? flow.handle : null,
    workspaces: () => installations.all.map((i) => ({ teamId: i.teamId ?? i.auth.teamId(), name: i.name })),
    attach(service, onChange, register) {
      const ctx = new SlackContext(new Interactions(service, slackLogger, onChange, publicUrl), publicUrl,
        (team) => (installations.several && team ? `slack:${team}` : 'slack'));
      commands.register(app, ctx, policy);
      views.register(app, ctx);
      actions.register(app, ctx, policy);
      shortcuts.register(app, ctx, policy);
      home.register(app, ctx);
      onChangeRef = onChange;
      if (installFlow && register) {
        store = register.installations;
        addPort = register.addPort;
        portsForHomes();
      }
      // Bolt runs these without authorize (the token is already gone): the installation is deleted, not kept to fail.
      app.event('app_uninstalled', async ({ body }) => uninstalled(body.team_id, 'app_uninstalled'));
      app.event('tokens_revoked', async ({ body, event }) => {
        if (event.tokens.bot?.length) await uninstalled(body.team_id, 'tokens_revoked');
      });
      // Slack Connect: what became of an invitation into a shared case channel. Accepted needs no approval, or is
      // approved; declined by the person or an administrator gives that workspace a channel of its own.
      const shares = register?.sharedSpaces;
      if (shares) {
        type Invite = { invite?: { id?: string }; channel?: { id?: string } };
        const ids = (e: Invite) => ({ channel: e.channel?.id ?? null, invite: e.invite?.id ?? null });
        app.event('shared_channel_invite_accepted', async ({ event }) => {
          const { channel, invite } = ids(event as Invite);
          if (channel && !event.approval_required) await shares.accepted('slack', channel, event.accepting_user?.team_id ?? null, invite);
        });
        app.event('shared_channel_invite_approved', async ({ event }) => {
          const { channel, invite } = ids(event as Invite);
          if (channel) await shares.accepted('slack', channel, event.approving_team_id ?? null, invite);
        });
        app.event('shared_channel_invite_declined', async ({ event }) => {
          const { channel, invite } = ids(event as Invite);
          const why = 'the invitation was declined in Slack';
          if (channel) await shares.declined('slack', channel, event.declining_team_id ?? null, invite, why);
        });
      }
    },
    status() {
      const a = installations.status();
      if (!a.ready) return a;
      return socket && !socketUp ? { ready: false, reason: socketReason } : a;
    },
    async start() {
      if (installFlow) {
        if (!store) throw new ConfigError('SLACK_CLIENT_ID: the install flow needs the register (the bot attaches it before start)');
        // The register's installations join the configured ones now, and every minute (another replica may have
        // installed or removed one; a workspace newly named in the directory gets its port).
        await refreshInstalled();
        refreshTimer = setInterval(() => {
          portsForHomes();
          refreshInstalled().catch((e: unknown) => {
            slackLogger.warn({ err: { message: (e as Error).message } }, 'could not read the Slack installations');
          });
        }, 60_000);
        refreshTimer.unref();
      }
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
      if (refreshTimer) clearInterval(refreshTimer);
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
