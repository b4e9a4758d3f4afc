import type { AddressInfo } from 'node:net';
import { boot, type App } from './boot.ts';
import { type ChatPort, type Clock, type Logger, systemClock } from './app/ports.ts';
import { RegisterApp } from './web/register-app.ts';
import { RegisterSignInLinks } from './register/sign-in-links.ts';
import { RegisterDisputeList } from './register/dispute-list.ts';
import type { Directory } from './domain/types.ts';
import { HttpServer } from './http/server.ts';
import { LocalAccess } from './http/local-access.ts';
import { inboundContext, warnExposure } from './http/guards.ts';
import { RegisterSessions } from './register/web-sessions.ts';
import { RegisterIdentityBindings } from './register/identity-bindings.ts';
import { RegisterInstallations } from './register/platform-installations.ts';
import { startAdminServer, type AdminServer } from './cli/admin-server.ts';
import { sitePages } from './web/site-pages.ts';
import { instrumentPort, metricsHandler, timedInbound } from './metrics/metrics.ts';
import { registerGauges } from './register/metrics-queries.ts';
import { watchDirectory } from './directory-watch.ts';
import { Foreground } from './app/foreground.ts';
import { checkSettingFiles } from './startup.ts';
import { type Env, PLATFORMS, type Platform, type RunningPlatform } from './platforms.ts';

export interface Bot {
  app: App;
  http: HttpServer;
  address: AddressInfo;
  /** Every platform running, by name. */
  platforms: Map<string, RunningPlatform>;
  /** This start's secret for the surfaces without sign-in (printed in the banner; see http/local-access.ts). */
  localToken: string;
  stop(): Promise<void>;
}

/**
 * The whole bot: register, platforms, scheduler and the one HTTP server.
 * `npm start` runs this; integration tests run the same thing on a free port.
 */
export async function startBot(opts: {
  env: Env; logger: Logger; clock?: Clock; scheduler?: boolean; ports?: Record<string, ChatPort>;
  /** The platforms to run (the registry's by default; tests add their own). */
  platforms?: readonly Platform[];
}): Promise<Bot> {
  const { env, logger } = opts;
  // Every file a setting names is read before the database is touched (the directory in boot, the platforms' files in
  // their create): a bad one leaves the register as it was.
  checkSettingFiles(env);
  const pages = sitePages(env);
  // Read through the app so a reloaded directory (R5.8) is what the adapters see.
  let appRef: { directory: Directory } | null = null;
  const platforms = new Map<string, RunningPlatform>();
  // One per start: the HTTP server counts the requests people wait on, and the sweep, the outbox and the platforms
  // give way to them.
  const foreground = new Foreground();
  for (const m of opts.platforms ?? PLATFORMS) {
    const p = m.create(env, logger, () => appRef!.directory, { foreground });
    if (p) platforms.set(m.name, p);
  }
  const ports: Record<string, ChatPort> = {};
  // Wrapped once here so /metrics counts every platform call without the ports or the dispatcher knowing.
  for (const [name, port] of Object.entries(opts.ports ?? {})) ports[name] = instrumentPort(port);
  for (const [name, p] of platforms) {
    if (p.port) ports[name] = instrumentPort(p.port);
    // A platform's further connections, each under the key routing gives its homes.
    for (const [key, port] of Object.entries(p.ports ?? {})) ports[key] = instrumentPort(port);
  }
  const defaultPlatform = [...platforms].find(([, p]) => p.port)?.[0] ?? Object.keys(opts.ports ?? {})[0] ?? 'log';
  const app = await boot({ env, logger, ports, defaultPlatform, foreground, ...(opts.clock ? { clock: opts.clock } : {}) });
  appRef = app;
  const stopWatching = watchDirectory(app, logger.child({ part: 'directory' }));
  let admin: AdminServer | null = null;
  // Not ready while a platform refuses the bot (the reason says why); the outbox figures tell on-call what is waiting.
  const http = new HttpServer(logger.child({ part: 'http' }), async () => {
    await app.db.sql.query('SELECT 1');
    const refusing = [...platforms].map(([name, p]) => ({ name, ...p.status() })).filter((s) => !s.ready);
    const o = await app.dispatcher.health();
    const outbox = `outbox: ${o.pending} pending (${o.due} due, ${o.retrying} retrying, ${o.late} late), ${o.failed} failed${o.heldBack.length ? `; rate-limited: ${o.heldBack.map((h) => `${h.key} until ${h.until}`).join(', ')}` : ''}`;
    return { ok: refusing.length === 0, detail: [app.db.description, ...refusing.map((r) => `${r.name}: ${r.reason}`), outbox].join('; ') };
  }, {
    adminToken: env.ADMIN_TOKEN, hsts: (env.PUBLIC_URL ?? '').startsWith('https:'), foreground,
    limits: { headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS, requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS, maxConnections: env.HTTP_MAX_CONNECTIONS },
  });
  const local = new LocalAccess();
  const installations = new RegisterInstallations(app.db);
  // A connection added while running (a Slack workspace installed through the install link): the outbox delivers
  // there (app.ports) and routing sends its people there (ports, whose keys routing reads).
  const addPort = (key: string, port: ChatPort) => {
    const wrapped = instrumentPort(port);
    ports[key] = wrapped;
    app.ports[key] = wrapped;
  };
  const sharedSpaces = app.sharedSpaces;
  try {
    for (const [name, p] of platforms) {
      p.attach(app.service, () => void app.scheduler.deliverSoon(), { installations, addPort, sharedSpaces });
      const ctx = inboundContext(env, local, logger.child({ platform: name }));
      for (const path of p.paths) http.route(path, timedInbound(name, (req, res) => p.handle(req, res, ctx)));
      await p.start();
    }
    const register = new RegisterApp(env, new RegisterDisputeList(app.db), app.service, opts.clock ?? systemClock, logger.child({ part: 'register' }), new RegisterSessions(app.db), local,
      new RegisterIdentityBindings(app.db), {
        onChange: () => void app.scheduler.deliverSoon(),
        // Sign-in links only where a running platform can send them (e-mail).
        ...([...platforms.values()].some((p) => p.port?.signInLink) ? { signInLinks: new RegisterSignInLinks(app.db) } : {}),
      });
    http.routePrefix('/register', (req, res) => register.handle(req, res));
    // Off unless ADMIN_TOKEN is set, and then for that bearer token only: the figures say how busy the register is.
    if (env.ADMIN_TOKEN) http.route('/metrics', metricsHandler({ adminToken: env.ADMIN_TOKEN, gauges: () => registerGauges(app.db, app.service.now()) }));
    for (const [path, page] of Object.entries(pages)) http.route(path, page);
    warnExposure(env, logger, [...platforms.values()].flatMap((p) => (p.unverifiedEndpoint ? [p.unverifiedEndpoint] : [])));
    const address = await http.listen(env.PORT, env.HOST);
    // The CLI cannot open the embedded folder while we own it, so it runs its commands through us.
    if (app.db.lock) {
      admin = await startAdminServer(app, logger.child({ part: 'cli' }));
      app.db.lock.advertise({ port: admin.port, token: admin.token });
    }
    if (opts.scheduler ?? env.SCHEDULER === 'on') app.scheduler.start();
    return {
      app, http, address, platforms, localToken: local.token,
      async stop() {
        await http.close();
        await admin?.close();
        for (const p of platforms.values()) await p.stop();
        stopWatching();
        await app.close();
      },
    };
  } catch (e) {
    await admin?.close();
    stopWatching();
    await app.close();
    throw e;
  }
}
