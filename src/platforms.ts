import type { PlatformInstance, PlatformModule } from './app/platform.ts';
import type { Env } from './config/env.ts';
import type { Handler } from './http/server.ts';
import { slackModule } from './adapters/slack/module.ts';
import { teamsModule } from './adapters/teams/module.ts';
import { emailModule } from './adapters/email/module.ts';

/** A platform as this bot runs it: configured from the env, answering on its HTTP server. */
export type Platform = PlatformModule<Env, Handler>;
export type RunningPlatform = PlatformInstance<Handler>;

/** For advice on homes nobody serves: does this configuration deliver there, and what would connect it. */
export function homeService(env: Env): (platform: string, space: string | null) => { served: boolean; hint: string | null } {
  return (platform, space) => {
    const m = PLATFORMS.find((x) => x.name === platform);
    return { served: Boolean(m?.serves?.(env, space)), hint: m?.connectHint ?? null };
  };
}

/** Every chat platform the bot speaks: one line each. */
export const PLATFORMS: readonly Platform[] = [
  slackModule,
  teamsModule,
  emailModule,
];
