/**
 * The bot scopes the app asks for: the same list as manifests/slack/manifest.yaml (a test checks both against the
 * Web API methods the code calls), asked of each workspace that installs through the install link.
 */
export const BOT_SCOPES = [
  'channels:join', 'chat:write', 'commands', 'conversations.connect:write', 'files:write', 'groups:history', 'groups:read',
  'groups:write', 'im:history', 'im:write', 'pins:write',
] as const;
