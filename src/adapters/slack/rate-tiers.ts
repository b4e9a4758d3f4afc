import type { RateBucket } from '../../app/ports.ts';

/**
 * Slack's published Web API limits (api.slack.com/apis/rate-limits), per
 * method per workspace. Data, so a test or the benchmark can scale them
 * (RATE_LIMIT_SCALE) without touching code.
 */
export const SLACK_TIERS = { 1: 1, 2: 20, 3: 50, 4: 100 } as const;

const METHOD_TIER: Record<string, keyof typeof SLACK_TIERS> = {
  'conversations.create': 2,
  'conversations.setPurpose': 2,
  'conversations.list': 2,
  'pins.add': 2,
  'conversations.invite': 3,
  'conversations.kick': 3,
  // Tier 2 in Slack's reference for conversations.inviteShared.
  'conversations.inviteShared': 2,
  'conversations.open': 3,
  'conversations.join': 3,
  'conversations.history': 3,
  'chat.update': 3,
};

/** chat.postMessage: about one message a second in each channel, short bursts allowed. */
export const POST_PER_CHANNEL_PER_MINUTE = 60;

/**
 * The buckets one call spends from. A 429 holds back every bucket of the
 * call: the method for the whole workspace, and for a post its channel too.
 * Slack counts per workspace, so with several workspaces each has its own
 * buckets (`team`); the single workspace of SLACK_BOT_TOKEN keeps the keys
 * it always had.
 */
export function slackBuckets(method: string, channel?: string, team?: string | null): RateBucket[] {
  const prefix = team ? `slack:${team}` : 'slack';
  if (method === 'chat.postMessage') {
    return [
      { key: `${prefix}:chat.postMessage`, perMinute: null },
      ...(channel ? [{ key: `${prefix}:chat.postMessage:${channel}`, perMinute: POST_PER_CHANNEL_PER_MINUTE, burst: 2 }] : []),
    ];
  }
  const tier = METHOD_TIER[method] ?? 3;
  const perMinute = SLACK_TIERS[tier];
  return [{ key: `${prefix}:${method}`, perMinute, burst: Math.max(1, Math.floor(perMinute / 4)) }];
}
