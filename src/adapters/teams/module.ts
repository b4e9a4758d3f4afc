import { z } from 'zod';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlatformModule } from '../../app/platform.ts';
import type { Env } from '../../config/env.ts';
import { createTeamsAdapter, TEAMS_MESSAGES_PATH } from './teams-app.ts';

/**
 * Microsoft Teams as a platform module. It answers at /api/messages only when
 * configured (an app id, or a case channel for a trial with the Bot Framework
 * Emulator): an endpoint nobody set up is not there to be probed.
 */
export const teamsModule: PlatformModule<Env, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {
  name: 'teams',
  handleLabel: 'Teams (Entra object) id',
  envSchema: z.object({
    MICROSOFT_APP_ID: z.string().optional(), MICROSOFT_APP_PASSWORD: z.string().optional(), MICROSOFT_APP_TENANT_ID: z.string().optional(),
    TEAMS_CASE_CHANNEL_ID: z.string().optional(), TEAMS_CASE_SPACES: z.string().optional(), TEAMS_SERVICE_URL: z.string().url().optional(),
  }),
  // It sends only with an app id; without one it delivers nothing, so nobody is routed to it.
  // The same test as the adapter's: with a port, the bot delivers there, so every process routes there.
  configured: (env) => Boolean(env.MICROSOFT_APP_ID || env.TEAMS_CASE_CHANNEL_ID),
  serves: (env, tenant) => Boolean(env.MICROSOFT_APP_ID)
    && (!tenant || !env.MICROSOFT_APP_TENANT_ID || tenant.toLowerCase() === env.MICROSOFT_APP_TENANT_ID.toLowerCase()),
  connectHint: 'MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID (an app registration in that tenant)',
  create(env, logger, directory) {
    const a = createTeamsAdapter(env, logger, directory);
    const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {};
    if (a.port) routes[TEAMS_MESSAGES_PATH] = (req, res) => a.handler(req, res);
    return {
      port: a.port,
      routes,
      attach: (service, onChange) => a.attach(service, onChange),
      start: async () => {},
      stop: async () => {},
      adapter: a,
    };
  },
};
