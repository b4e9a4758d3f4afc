import { z } from 'zod';
import { type Env, optionalString, secureUrl } from '../../config/env.ts';

/** Slack's variables (README "Configuration"): composed into the bot's schema, so a typo stops the start. */
export const slackEnvSchema = z.object({
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_API_URL: secureUrl('https://slack.com/api/').optional(),
});

export type SlackEnv = Env & z.infer<typeof slackEnvSchema>;

export function slackCrossCheck(env: SlackEnv): string[] {
  if (!env.SLACK_BOT_TOKEN && (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN)) {
    return [`SLACK_BOT_TOKEN: is needed with ${env.SLACK_APP_TOKEN ? 'SLACK_APP_TOKEN' : 'SLACK_SIGNING_SECRET'} (the xoxb- token from the Slack app's OAuth page), or leave both unset to run without Slack`];
  }
  return [];
}
