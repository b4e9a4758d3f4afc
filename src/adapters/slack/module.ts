import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlatformModule } from '../../app/platform.ts';
import { createSlackAdapter, SLACK_EVENTS_PATH } from './slack-app.ts';
import { slackCrossCheck, type SlackEnv, slackEnvSchema } from './env.ts';
import { slackGuard } from './inbound-guard.ts';

/** Slack as a platform module: Bolt over HTTP at /slack/events, or Socket Mode. */
export const slackModule: PlatformModule<SlackEnv, IncomingMessage, ServerResponse> = {
  name: 'slack',
  handleLabel: 'Slack member id',
  envSchema: slackEnvSchema,
  crossCheck: slackCrossCheck,
  configured: (env) => Boolean(env.SLACK_BOT_TOKEN),
  // One workspace per deployment so far: the token's, whichever that is.
  serves: (env) => Boolean(env.SLACK_BOT_TOKEN),
  connectHint: 'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (the app installed in that workspace)',
  create(env, logger, directory) {
    const a = createSlackAdapter(env, logger, directory);
    if (!a) return null;
    const log = logger.child({ platform: 'slack' });
    const guarded = a.requestListener && env.SLACK_SIGNING_SECRET
      ? slackGuard(a.requestListener, env.SLACK_SIGNING_SECRET, {
        onLost: (status) => log.error({ status }, 'a Slack request answered at once was then refused by Bolt: what it asked for was not done'),
      })
      : null;
    return {
      port: a.port,
      paths: guarded ? [SLACK_EVENTS_PATH] : [],
      handle: async (req, res, ctx) => {
        if (guarded) return guarded(req, res, ctx);
        ctx.reply(res, 404, { error: 'Slack is connected over Socket Mode: nothing is served here.' });
      },
      attach: (service, onChange) => a.attach(service, onChange),
      start: () => a.start(),
      stop: () => a.stop(),
      status: () => a.status(),
      adapter: a,
    };
  },
  banner(env, running) {
    const mode = (running?.adapter as { mode?: 'http' | 'socket' } | undefined)?.mode ?? null;
    const line = mode === 'http' ? `connected over HTTP at ${SLACK_EVENTS_PATH}${env.SLACK_API_URL ? ` (Web API: ${env.SLACK_API_URL})` : ''}`
      : mode === 'socket' ? 'connected over Socket Mode (no inbound connections needed)'
        : 'not connected: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)';
    return [`Slack:      ${line}`];
  },
  visibility: () => 'Slack: a private channel per dispute, with its participants only.',
};
