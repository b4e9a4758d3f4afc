import type { RateBucket } from '../../app/ports.ts';

/**
 * Teams' published limits per bot per conversation (learn.microsoft.com,
 * "Optimize your bot: rate limiting"): 7 a second, 8 in 2 s, 60 in 30 s,
 * 1,800 an hour, for each of sending, updating and creating. One bucket of
 * 30 a minute with a burst of 7 stays inside all four. Data, so the
 * benchmark and tests can scale them (RATE_LIMIT_SCALE).
 */
export const TEAMS_PER_CONVERSATION = { perMinute: 30, burst: 7 } as const;

export type TeamsMethod = 'send' | 'update' | 'create';

/** The bucket one Bot Connector call spends from: its method in its conversation (for a new one, the channel or person it is made with). */
export function teamsBucket(method: TeamsMethod, conversation: string): RateBucket {
  return { key: `teams:${method}:${conversation}`, ...TEAMS_PER_CONVERSATION };
}

/**
 * What a 429 holds back. Teams does not say which limit it hit, so besides
 * the call's own bucket the whole platform (`teams:*`, which the dispatcher
 * checks before every row) waits out the Retry-After: a second or two of
 * caution rather than more 429s from other conversations.
 */
export const WHOLE_PLATFORM: RateBucket = { key: 'teams:*', perMinute: null };
