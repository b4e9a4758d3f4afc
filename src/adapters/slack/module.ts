import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlatformModule } from '../../app/platform.ts';
import { createSlackAdapter, SLACK_EVENTS_PATH, type SlackAdapter } from './adapter.ts';
import { installFlowOn, slackCrossCheck, type SlackEnv, slackEnvSchema } from './env.ts';
import { SLACK_INSTALL_PATH, SLACK_OAUTH_REDIRECT_PATH } from './install-flow.ts';
import { listedTeams } from './workspaces.ts';

/** Slack as a platform module: Bolt over HTTP at /slack/events (our own receiver), or Socket Mode. */
export const slackModule: PlatformModule<SlackEnv, IncomingMessage, ServerResponse> = {
  name: 'slack',
  handleLabel: 'Slack member id',
  envSchema: slackEnvSchema,
  crossCheck: slackCrossCheck,
  configured: (env) => Boolean(env.SLACK_BOT_TOKEN || env.SLACK_WORKSPACES_FILE || installFlowOn(env)),
  // The workspaces listed in SLACK_WORKSPACES_FILE; with SLACK_BOT_TOKEN alone, the token's, whichever that is. With
  // the install flow, any workspace the directory names: its people's rows wait in the outbox until it installs.
  serves: (env, space) => {
    if (installFlowOn(env)) return true;
    if (env.SLACK_WORKSPACES_FILE) return space === null || listedTeams(env.SLACK_WORKSPACES_FILE).includes(space);
    return Boolean(env.SLACK_BOT_TOKEN);
  },
  // Each workspace of several is a home of its own (`slack:T…`, the key of its port): said here rather than read from
  // the running ports, so the command line (which runs none) routes a person to the same workspace as the bot.
  homeKey: (env, space) => {
    if (!space) return 'slack';
    if (installFlowOn(env)) return `slack:${space}`;
    if (!env.SLACK_WORKSPACES_FILE) return 'slack';
    const teams = listedTeams(env.SLACK_WORKSPACES_FILE);
    return teams.length > 1 && teams.includes(space) ? `slack:${space}` : 'slack';
  },
  connectHint: 'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (the app installed in that workspace), that workspace in SLACK_WORKSPACES_FILE, '
    + `or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET and the workspace installing from PUBLIC_URL${SLACK_INSTALL_PATH}`,
  create(env, logger, directory, runtime) {
    const a = createSlackAdapter(env, { logger, directory, foreground: runtime.foreground });
    if (!a) return null;
    const handle = a.handle;
    const install = a.install;
    return {
      port: a.port,
      ports: a.workspacePorts,
      // The install flow's two pages only when SLACK_CLIENT_ID is set: closed unless configured.
      paths: [...(handle ? [SLACK_EVENTS_PATH] : []), ...(install ? [SLACK_INSTALL_PATH, SLACK_OAUTH_REDIRECT_PATH] : [])],
      handle: async (req, res, ctx) => {
        const path = (req.url ?? '').split('?')[0];
        if (install && (path === SLACK_INSTALL_PATH || path === SLACK_OAUTH_REDIRECT_PATH)) return install(req, res);
        if (handle) return handle(req, res, ctx);
        ctx.reply(res, 404, { error: 'Slack is connected over Socket Mode: nothing is served here.' });
      },
      attach: (service, onChange, register) => a.attach(service, onChange, register),
      start: () => a.start(),
      stop: () => a.stop(),
      status: () => a.status(),
      adapter: a,
    };
  },
  banner(env, running) {
    const a = running?.adapter as SlackAdapter | undefined;
    const mode = a?.mode ?? null;
    const api = env.SLACK_API_URL ? ` (Web API: ${env.SLACK_API_URL})` : '';
    const line = mode === 'http' ? `connected over HTTP at ${SLACK_EVENTS_PATH}${api}`
      : mode === 'socket' ? 'connected over Socket Mode (no inbound connections needed)'
        : 'not connected: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)';
    const spaces = a?.workspaces() ?? [];
    const link = a?.install && env.PUBLIC_URL ? [`            install in a workspace: ${env.PUBLIC_URL.replace(/\/$/, '')}${SLACK_INSTALL_PATH}`] : [];
    const several = spaces.length > 1 ? [`            in ${spaces.length} workspaces: ${spaces.map((w) => (w.name ? `${w.name} (${w.teamId})` : w.teamId)).join(', ')}`] : [];
    return [`Slack:      ${line}`, ...several, ...link];
  },
  visibility: () => 'Slack: a private channel per dispute, with its participants only.',
};
