import { ConfigError } from '../../config/env.ts';
import type { TeamsEnv as Env } from './env.ts';
import type { TeamsSettings } from './chat-port.ts';
import { GraphClient } from './graph.ts';
import { GroupChats } from './group-chat.ts';

/**
 * Where disputes live in Teams, from TEAMS_CASE_SPACES: a private group chat
 * each (chat), a thread each in one shared channel (thread), or a standard
 * channel each (channel). The two Graph modes need the bot's own credentials.
 */
export function caseSpaceSettings(env: Env): TeamsSettings {
  const mode = env.TEAMS_CASE_SPACES;
  const graphMode = mode === 'channel' || mode === 'chat';
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
