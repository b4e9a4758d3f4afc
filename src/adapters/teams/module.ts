import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlatformModule } from '../../app/platform.ts';
import { createTeamsAdapter, TEAMS_MESSAGES_PATH } from './teams-app.ts';
import { teamsCrossCheck, type TeamsEnv, teamsEnvSchema } from './env.ts';
import { teamsGuard } from './inbound-guard.ts';
import { connectionForTenant, connectionList, homeKeyFor } from './connections.ts';

const UNVERIFIED = 'The Teams endpoint without MICROSOFT_APP_ID';
const CONNECT = 'Set MICROSOFT_APP_ID to connect Teams.';

/**
 * Microsoft Teams as a platform module. It answers at /api/messages only when
 * configured (an app id, or a case channel for a trial with the Bot Framework
 * Emulator): an endpoint nobody set up is not there to be probed.
 */
export const teamsModule: PlatformModule<TeamsEnv, IncomingMessage, ServerResponse> = {
  name: 'teams',
  handleLabel: 'Teams (Entra object) id',
  envSchema: teamsEnvSchema,
  crossCheck: teamsCrossCheck,
  // It sends only with an app id; without one it delivers nothing, so nobody is routed to it.
  // The same test as the adapter's: with a port, the bot delivers there, so every process routes there.
  configured: (env) => Boolean(env.MICROSOFT_APP_ID || env.TEAMS_CONNECTIONS_FILE || env.TEAMS_CASE_CHANNEL_ID),
  // A tenant is served when a connection is in it (the one MICROSOFT_APP_* connection with no tenant: any).
  serves: (env, tenant) => {
    const list = connectionList(env);
    if (!list.length) return false;
    if (!tenant) return true;
    return Boolean(connectionForTenant(list, tenant)) || (list.length === 1 && !list[0]!.tenantId);
  },
  homeKey: (env, tenant) => homeKeyFor(connectionList(env), tenant),
  connectHint: 'MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID (an app registration in that tenant), '
    + 'or with several tenants a connection for it in TEAMS_CONNECTIONS_FILE',
  create(env, logger, directory) {
    const a = createTeamsAdapter(env, logger, directory);
    const authenticated = a.mode === 'authenticated';
    const checked = teamsGuard((req, res) => a.handler(req, res), { authenticated });
    const log = logger.child({ platform: 'teams' });
    return {
      port: a.port,
      // The first connection's port is `port`; each further tenant's delivers that tenant's spaces.
      ports: Object.fromEntries(Object.entries(a.ports).filter(([key]) => key !== 'teams')),
      paths: a.port ? [TEAMS_MESSAGES_PATH] : [],
      async handle(req, res, ctx) {
        if (authenticated) return checked(req, res, ctx);
        // Without an app id nothing verifies the Emulator's requests: this computer only, with the start-up token in
        // the endpoint's URL (the Emulator keeps the query string), and said so at start-up.
        const refused = ctx.unsignedRefusal(req, UNVERIFIED, CONNECT);
        if (refused) {
          if (refused.status === 401) log.warn('a Teams Emulator request without the start-up token was refused');
          return ctx.reply(res, refused.status, { error: refused.message });
        }
        return checked(req, res, ctx);
      },
      attach: (service, onChange) => a.attach(service, onChange),
      // Each connection signs in once: a wrong secret stops the start naming the connection.
      start: () => a.check(),
      stop: async () => {},
      status: () => ({ ready: true, reason: null }),
      ...(authenticated ? {} : { unverifiedEndpoint: UNVERIFIED }),
      adapter: a,
    };
  },
  banner(env, running, ctx) {
    const a = running?.adapter as { mode: 'authenticated' | 'local'; port: unknown } | undefined;
    const spaces = env.TEAMS_CASE_SPACES === 'chat' ? 'a private group chat per dispute'
      : env.TEAMS_CASE_SPACES === 'channel' ? 'a channel per dispute (every team member sees it)'
        : 'a thread per dispute in one shared channel';
    const threadHint = env.TEAMS_CASE_SPACES === 'thread' && !env.TEAMS_CASE_CHANNEL_ID
      ? '; set TEAMS_CASE_CHANNEL_ID for case threads' : '';
    type Connections = { connections?: { name: string; tenantId: string }[] };
    const connections = (a?.mode === 'authenticated' ? (running?.adapter as Connections).connections : null) ?? [];
    const each = connections.map((c) => `${c.name} (tenant ${c.tenantId})`).join(', ');
    const tenant = connections.length > 1 ? `${connections.length} connections, one per tenant: ${each}`
      : env.MICROSOFT_APP_TENANT_ID || connections[0]?.tenantId ? `only tenant ${env.MICROSOFT_APP_TENANT_ID ?? connections[0]!.tenantId}`
        : 'NO TENANT: every activity is refused until MICROSOFT_APP_TENANT_ID is set';
    const key = ctx.localToken ? `?token=${ctx.localToken}` : '';
    const line = a?.mode === 'authenticated'
      ? `connected at ${TEAMS_MESSAGES_PATH} (every token verified); ${spaces}${threadHint}; ${tenant}`
      : 'not connected: set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD (or a certificate) and MICROSOFT_APP_TENANT_ID'
        + (!a?.port ? ` (${TEAMS_MESSAGES_PATH} is not served)`
          : ctx.unsignedBlocked ? ` (${TEAMS_MESSAGES_PATH} is switched off: ${ctx.unsignedBlocked})`
            : ` (the Bot Framework Emulator on this computer may use http://localhost:${ctx.port}${TEAMS_MESSAGES_PATH}${key})`);
    // Shared threads show every dispute to everyone in the team: fine inside one organisation, not across a partnership.
    const orgs = ctx.directory.organisations.length;
    const sharedAcrossOrgs = Boolean(a?.port) && env.TEAMS_CASE_SPACES !== 'chat' && orgs > 1;
    return [
      `Teams:      ${line}`,
      ...(sharedAcrossOrgs ? [
        `WARNING:    Teams ${env.TEAMS_CASE_SPACES} mode shows every dispute (organisations, decisions, flags) to everyone in the team,`
          + ` across ${orgs} organisations. Use TEAMS_CASE_SPACES=chat for a private chat per dispute (docs/teams.md).`,
      ] : []),
    ];
  },
  // Thread mode stays the default: it is the most private mode that needs no Graph consent.
  visibility: (env) => (env.TEAMS_CASE_SPACES === 'chat'
    ? 'Teams: a private group chat per dispute, with its participants only.'
    : env.TEAMS_CASE_SPACES === 'channel'
      ? 'Teams: a channel per dispute; everyone in the team can read it. Set TEAMS_CASE_SPACES=chat for a private group chat per dispute.'
      : 'Teams: case threads in one shared channel; everyone in that channel\'s team can read every case thread. '
        + 'Set TEAMS_CASE_SPACES=chat (needs the Graph consent in docs/teams.md) for a private group chat per dispute.'),
};
