import { z } from 'zod';
import type { RequestListener } from 'node:http';
import type { PlatformModule } from '../../app/platform.ts';
import type { Env } from '../../config/env.ts';
import { createSlackAdapter, SLACK_EVENTS_PATH } from './slack-app.ts';

/** Slack as a platform module: Bolt over HTTP at /slack/events, or Socket Mode. */
export const slackModule: PlatformModule<Env, RequestListener> = {
  name: 'slack',
  handleLabel: 'Slack member id',
  envSchema: z.object({
    SLACK_BOT_TOKEN: z.string().optional(), SLACK_SIGNING_SECRET: z.string().optional(),
    SLACK_APP_TOKEN: z.string().optional(), SLACK_API_URL: z.string().url().optional(),
  }),
  configured: (env) => Boolean(env.SLACK_BOT_TOKEN),
  // One workspace per deployment so far: the token's, whichever that is.
  serves: (env) => Boolean(env.SLACK_BOT_TOKEN),
  connectHint: 'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (the app installed in that workspace)',
  create(env, logger, directory) {
    const a = createSlackAdapter(env, logger, directory);
    if (!a) return null;
    const routes: Record<string, RequestListener> = {};
    if (a.requestListener) routes[SLACK_EVENTS_PATH] = a.requestListener;
    return {
      port: a.port,
      routes,
      attach: (service, onChange) => a.attach(service, onChange),
      start: () => a.start(),
      stop: () => a.stop(),
      adapter: a,
    };
  },
};
