import { ConfigError } from '../../config/env.ts';
import type { TeamsEnv as Env } from './env.ts';
import type { TeamsSettings } from './chat-port.ts';
import type { TeamsConnection } from './connections.ts';
import { GraphClient } from './graph.ts';
import { GroupChats } from './group-chat.ts';

/** What a connection in the connections file may add for its own tenant. */
export interface ConnectionSpaces { caseChannelId?: string | undefined; teamId?: string | undefined; catalogAppId?: string | undefined }

/**
 * Where disputes live in Teams, from TEAMS_CASE_SPACES: a private group chat
 * each (chat), a thread each in one shared channel (thread), or a standard
 * channel each (channel). The two Graph modes need the bot's own credentials:
 * `connection`'s (each tenant's chats are made by that tenant's app), or
 * without one the MICROSOFT_APP_* connection.
 */
export function caseSpaceSettings(env: Env, connection?: TeamsConnection & ConnectionSpaces, primary = true): TeamsSettings {
  const mode = env.TEAMS_CASE_SPACES;
  const graphMode = mode === 'channel' || mode === 'chat';
  if (connection) return connectionSettings(env, connection, primary);
  if (graphMode) {
    const missing = [...(mode === 'channel' && !env.TEAMS_TEAM_ID ? ['TEAMS_TEAM_ID'] : []),
      ...(['MICROSOFT_APP_ID', 'MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TENANT_ID'] as const).filter((k) => !env[k])];
    if (missing.length) {
      throw new ConfigError(`TEAMS_CASE_SPACES: ${mode} mode needs ${missing.join(', ')} (Microsoft Graph creates the ${mode === 'chat' ? 'chats' : 'channels'} with the bot's own credentials)`);
    }
  }
  if (mode === 'chat' && env.TEAMS_PRIVATE_FALLBACK === 'thread' && !env.TEAMS_CASE_CHANNEL_ID) {
    throw new ConfigError('TEAMS_PRIVATE_FALLBACK: thread needs TEAMS_CASE_CHANNEL_ID, the channel whose threads stand in while Graph consent is missing');
  }
  const graph = graphMode
    ? new GraphClient({ apiUrl: env.GRAPH_API_URL, loginUrl: env.MICROSOFT_LOGIN_URL, tenantId: env.MICROSOFT_APP_TENANT_ID!, appId: env.MICROSOFT_APP_ID!, appPassword: env.MICROSOFT_APP_PASSWORD!, timeoutMs: env.PLATFORM_CALL_TIMEOUT_MS })
    : null;
  return {
    appId: env.MICROSOFT_APP_ID ?? '', tenantId: env.MICROSOFT_APP_TENANT_ID ?? '', serviceUrl: env.TEAMS_SERVICE_URL,
    caseChannelId: env.TEAMS_CASE_CHANNEL_ID ?? null,
    channelMode: mode === 'channel' ? { teamId: env.TEAMS_TEAM_ID!, graph: graph! } : null,
    groupChats: mode === 'chat' ? new GroupChats({ graph: graph!, appId: env.MICROSOFT_APP_ID!, catalogAppId: env.TEAMS_APP_CATALOG_ID ?? null }) : null,
    privateFallback: env.TEAMS_PRIVATE_FALLBACK === 'thread' ? 'thread' : null,
    publicUrl: env.PUBLIC_URL?.replace(/\/$/, '') ?? null,
  };
}

/**
 * One connection's settings. The first connection is the one the
 * MICROSOFT_APP_* shorthand describes, and takes TEAMS_CASE_CHANNEL_ID,
 * TEAMS_TEAM_ID and TEAMS_APP_CATALOG_ID; the others take their own from the
 * connections file (their channels and catalogue are in their own tenant).
 */
function connectionSettings(env: Env, c: TeamsConnection & ConnectionSpaces, primary: boolean): TeamsSettings {
  const mode = env.TEAMS_CASE_SPACES;
  const own = <T>(mine: T | undefined, shared: T | undefined): T | null => mine ?? (primary ? shared ?? null : null);
  const caseChannelId = own(c.caseChannelId, env.TEAMS_CASE_CHANNEL_ID);
  const teamId = own(c.teamId, env.TEAMS_TEAM_ID);
  const where = primary ? 'TEAMS_TEAM_ID' : `teamId of connection ${c.name} in TEAMS_CONNECTIONS_FILE`;
  if (mode === 'channel' && !teamId) throw new ConfigError(`TEAMS_CASE_SPACES: channel mode needs ${where} (the team whose channels hold the disputes)`);
  if (mode === 'chat' && env.TEAMS_PRIVATE_FALLBACK === 'thread' && !caseChannelId) {
    throw new ConfigError(`TEAMS_PRIVATE_FALLBACK: thread needs ${primary ? 'TEAMS_CASE_CHANNEL_ID' : `caseChannelId of connection ${c.name} in TEAMS_CONNECTIONS_FILE`}, the channel whose threads stand in while Graph consent is missing`);
  }
  const graph = mode === 'channel' || mode === 'chat'
    ? new GraphClient({ apiUrl: env.GRAPH_API_URL, loginUrl: env.MICROSOFT_LOGIN_URL, tenantId: c.tenantId, appId: c.appId, appPassword: c.password, certificate: c.certificate, timeoutMs: env.PLATFORM_CALL_TIMEOUT_MS })
    : null;
  return {
    appId: c.appId, tenantId: c.tenantId, key: c.key, connection: c.name, serviceUrl: env.TEAMS_SERVICE_URL,
    caseChannelId,
    channelMode: mode === 'channel' ? { teamId: teamId!, graph: graph! } : null,
    groupChats: mode === 'chat' ? new GroupChats({ graph: graph!, appId: c.appId, catalogAppId: own(c.catalogAppId, env.TEAMS_APP_CATALOG_ID) }) : null,
    privateFallback: env.TEAMS_PRIVATE_FALLBACK === 'thread' ? 'thread' : null,
    publicUrl: env.PUBLIC_URL?.replace(/\/$/, '') ?? null,
  };
}
