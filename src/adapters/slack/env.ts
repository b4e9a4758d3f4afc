import { z } from 'zod';
import { type Env, optionalString, secureUrl } from '../../config/env.ts';

/** Slack's variables (README "Configuration"): composed into the bot's schema, so a typo stops the start. */
export const slackEnvSchema = z.object({
  // Pasted the wrong way round, each token failed only later, at every call to Slack, while the bot looked started.
  SLACK_BOT_TOKEN: optionalString.refine((t) => t === undefined || t.startsWith('xoxb-'),
    'must be the app\'s bot token (xoxb-…, on its OAuth & Permissions page)'),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.refine((t) => t === undefined || t.startsWith('xapp-'),
    'must be the app-level token (xapp-…, on its Basic Information page) for Socket Mode'),
  SLACK_API_URL: secureUrl('https://slack.com/api/').optional(),
  // Several workspaces: the app's installations, each with its own token (instead of SLACK_BOT_TOKEN).
  SLACK_WORKSPACES_FILE: optionalString,
});

export type SlackEnv = Env & z.infer<typeof slackEnvSchema>;

export function slackCrossCheck(env: SlackEnv): string[] {
  if (env.SLACK_BOT_TOKEN && env.SLACK_WORKSPACES_FILE) {
    return ['SLACK_WORKSPACES_FILE: lists every workspace, each with its own token; remove SLACK_BOT_TOKEN, or list its workspace in the file'];
  }
  if (!env.SLACK_BOT_TOKEN && !env.SLACK_WORKSPACES_FILE && (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN)) {
    return [`SLACK_BOT_TOKEN: is needed with ${env.SLACK_APP_TOKEN ? 'SLACK_APP_TOKEN' : 'SLACK_SIGNING_SECRET'} (the xoxb- token from the Slack app's OAuth page), or leave both unset to run without Slack`];
  }
  return [];
}
