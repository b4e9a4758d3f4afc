import type { AddressInfo } from 'node:net';
import { boot, type App } from './boot.ts';
import { type ChatPort, type Clock, type Logger, systemClock } from './app/ports.ts';
import { RegisterApp } from './web/register-app.ts';
import { RegisterDisputeList } from './register/dispute-list.ts';
import type { Env } from './config/env.ts';
import type { Directory } from './domain/types.ts';
import { HttpServer } from './http/server.ts';
import { startAdminServer, type AdminServer } from './cli/admin-server.ts';
import { sitePages } from './web/site-pages.ts';
import { instrumentPort, metricsHandler, timedInbound } from './metrics/metrics.ts';
import { registerGauges } from './register/metrics-queries.ts';
import { createSlackAdapter, SLACK_EVENTS_PATH, type SlackAdapter } from './adapters/slack/slack-app.ts';
import { createTeamsAdapter, TEAMS_MESSAGES_PATH, type TeamsAdapter } from './adapters/teams/teams-app.ts';
import { watchDirectory } from './directory-watch.ts';

export interface Bot {
  app: App;
  http: HttpServer;
  address: AddressInfo;
  slack: SlackAdapter | null;
  teams: TeamsAdapter;
  stop(): Promise<void>;
}

/**
 * The whole bot: register, platforms, scheduler and the one HTTP server.
 * `npm start` runs this; integration tests run the same thing on a free port.
 */
export async function startBot(opts: { env: Env; logger: Logger; clock?: Clock; scheduler?: boolean; ports?: Record<string, ChatPort> }): Promise<Bot> {
  const { env, logger } = opts;
  // Read through the app so a reloaded directory (R5.8) is what the adapters see.
  let appRef: { directory: Directory } | null = null;
  const slack = createSlackAdapter(env, logger, () => appRef!.directory);
  const teams = createTeamsAdapter(env, logger, () => appRef!.directory);
  const platforms = { ...opts.ports, ...(slack ? { slack: slack.port } : {}), ...(teams.port ? { teams: teams.port } : {}) };
  // Wrapped once here so /metrics counts every platform call without the ports or the dispatcher knowing.
  const ports: Record<string, ChatPort> = Object.fromEntries(Object.entries(platforms).map(([k, p]) => [k, instrumentPort(p)]));
  const defaultPlatform = slack ? 'slack' : teams.port ? 'teams' : Object.keys(opts.ports ?? {})[0] ?? 'log';
  const app = await boot({ env, logger, ports, defaultPlatform, ...(opts.clock ? { clock: opts.clock } : {}) });
  appRef = app;
  const stopWatching = watchDirectory(app, logger.child({ part: 'directory' }));
  let admin: AdminServer | null = null;
  const http = new HttpServer(logger.child({ part: 'http' }), async () => {
    await app.db.sql.query('SELECT 1');
    return { ok: true, detail: app.db.description };
  });
  try {
    if (slack) {
      slack.attach(app.service, () => void app.scheduler.deliverSoon());
      if (slack.requestListener) http.route(SLACK_EVENTS_PATH, timedInbound('slack', slack.requestListener));
      await slack.start();
    }
    teams.attach(app.service, () => void app.scheduler.deliverSoon());
    const register = new RegisterApp(env, new RegisterDisputeList(app.db), app.service, opts.clock ?? systemClock, logger.child({ part: 'register' }));
    http.routePrefix('/register', (req, res) => register.handle(req, res));
    http.route(TEAMS_MESSAGES_PATH, timedInbound('teams', (req, res) => teams.handler(req, res)));
    http.route('/metrics', metricsHandler({ adminToken: env.ADMIN_TOKEN, gauges: () => registerGauges(app.db, app.service.now()) }));
    for (const [path, page] of Object.entries(sitePages(env))) http.route(path, page);
    const address = await http.listen(env.PORT, env.HOST);
    // The CLI cannot open the embedded folder while we own it, so it runs its commands through us.
    if (app.db.lock) {
      admin = await startAdminServer(app, logger.child({ part: 'cli' }));
      app.db.lock.advertise({ port: admin.port, token: admin.token });
    }
    if (opts.scheduler ?? env.SCHEDULER === 'on') app.scheduler.start();
    return {
      app, http, address, slack, teams,
      async stop() {
        await http.close();
        await admin?.close();
        await slack?.stop();
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
