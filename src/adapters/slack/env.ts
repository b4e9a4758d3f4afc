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
  // Slack's OAuth install flow (opt-in): the app's Client ID and Client Secret (Basic Information → App Credentials).
  SLACK_CLIENT_ID: z.string().trim().regex(/^\d+\.\d+$/, "must be the Slack app's Client ID (digits.digits, from its Basic Information page → App Credentials)").optional(),
  SLACK_CLIENT_SECRET: z.string().trim().regex(/^[0-9a-f]{32}$/i, "must be the Slack app's Client Secret (32 hex characters, from its Basic Information page → App Credentials)").optional(),
});

export type SlackEnv = Env & z.infer<typeof slackEnvSchema>;

/** Whether Slack's install flow is configured (both halves checked by slackCrossCheck). */
export const installFlowOn = (env: SlackEnv): boolean => Boolean(env.SLACK_CLIENT_ID && env.SLACK_CLIENT_SECRET);

export function slackCrossCheck(env: SlackEnv): string[] {
  if (env.SLACK_CLIENT_ID || env.SLACK_CLIENT_SECRET) {
    const fix = (name: string) => `${name}: is needed with ${name === 'SLACK_CLIENT_ID' ? 'SLACK_CLIENT_SECRET' : 'SLACK_CLIENT_ID'} for Slack's install flow `
      + "(the app's Basic Information page → App Credentials), or unset both to install by token";
    if (!env.SLACK_CLIENT_ID) return [fix('SLACK_CLIENT_ID')];
    if (!env.SLACK_CLIENT_SECRET) return [fix('SLACK_CLIENT_SECRET')];
    const out: string[] = [];
    if (!env.PUBLIC_URL) out.push('PUBLIC_URL: is needed with SLACK_CLIENT_ID (Slack sends the installer back to PUBLIC_URL/slack/oauth_redirect)');
    if (env.SLACK_BOT_TOKEN) {
      out.push('SLACK_BOT_TOKEN: with SLACK_CLIENT_ID each workspace installs through PUBLIC_URL/slack/install (or is listed in SLACK_WORKSPACES_FILE); remove SLACK_BOT_TOKEN');
    }
    if (!env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
      out.push("SLACK_SIGNING_SECRET: is needed with SLACK_CLIENT_ID (the app's Basic Information page): requests from installed workspaces are signed with it");
    }
    return out;
  }
  if (env.SLACK_BOT_TOKEN && env.SLACK_WORKSPACES_FILE) {
    return ['SLACK_WORKSPACES_FILE: lists every workspace, each with its own token; remove SLACK_BOT_TOKEN, or list its workspace in the file'];
  }
  if (!env.SLACK_BOT_TOKEN && !env.SLACK_WORKSPACES_FILE && (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN)) {
    return [`SLACK_BOT_TOKEN: is needed with ${env.SLACK_APP_TOKEN ? 'SLACK_APP_TOKEN' : 'SLACK_SIGNING_SECRET'} (the xoxb- token from the Slack app's OAuth page), or leave both unset to run without Slack`];
  }
  return [];
}
