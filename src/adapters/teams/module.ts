import { z } from 'zod';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlatformModule } from '../../app/platform.ts';
import type { Env } from '../../config/env.ts';
import { createTeamsAdapter, TEAMS_MESSAGES_PATH } from './teams-app.ts';

/**
 * Microsoft Teams as a platform module. It always answers at /api/messages
 * (the Bot Framework Emulator works without an app id); it sends only when
 * configured.
 */
export const teamsModule: PlatformModule<Env, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {
  name: 'teams',
  handleLabel: 'Teams (Entra object) id',
  envSchema: z.object({
    MICROSOFT_APP_ID: z.string().optional(), MICROSOFT_APP_PASSWORD: z.string().optional(), MICROSOFT_APP_TENANT_ID: z.string().optional(),
    TEAMS_CASE_CHANNEL_ID: z.string().optional(), TEAMS_CASE_SPACES: z.string().optional(), TEAMS_SERVICE_URL: z.string().url().optional(),
  }),
  // It sends only with an app id; without one it delivers nothing, so nobody is routed to it.
  configured: (env) => Boolean(env.MICROSOFT_APP_ID),
  serves: (env, tenant) => Boolean(env.MICROSOFT_APP_ID)
    && (!tenant || !env.MICROSOFT_APP_TENANT_ID || tenant.toLowerCase() === env.MICROSOFT_APP_TENANT_ID.toLowerCase()),
  connectHint: 'MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID (an app registration in that tenant)',
  create(env, logger, directory) {
    const a = createTeamsAdapter(env, logger, directory);
    return {
      port: a.port,
      routes: { [TEAMS_MESSAGES_PATH]: (req, res) => a.handler(req, res) },
      attach: (service, onChange) => a.attach(service, onChange),
      start: async () => {},
      stop: async () => {},
      adapter: a,
    };
  },
};
