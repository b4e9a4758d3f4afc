import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { PlatformInstance, PlatformModule } from './app/platform.ts';
import { coreCrossCheck, coreEnvSchema, parseEnv } from './config/env.ts';
import { slackModule } from './adapters/slack/module.ts';
import { teamsModule } from './adapters/teams/module.ts';
import { emailModule } from './adapters/email/module.ts';

/** Every platform the bot speaks: one line each. */
const MODULES = [
  slackModule,
  teamsModule,
  emailModule,
] as const;

type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type ModuleEnv<M> = M extends PlatformModule<infer E, IncomingMessage, ServerResponse> ? E : never;

/** The bot's settings and every platform's, as one start reads them. */
export type Env = Intersection<ModuleEnv<(typeof MODULES)[number]>> & z.infer<typeof coreEnvSchema>;
/** A platform as this bot runs it. */
export type Platform = PlatformModule<Env, IncomingMessage, ServerResponse>;
export type RunningPlatform = PlatformInstance<IncomingMessage, ServerResponse>;

// Each module reads its own part of the one environment the bot parses.
export const PLATFORMS = MODULES as readonly PlatformModule<never, IncomingMessage, ServerResponse>[] as readonly Platform[];

/** Every variable the bot reads: its own and each platform's (README "Configuration"). */
export const envSchema = PLATFORMS.reduce<z.ZodObject<z.ZodRawShape>>((s, m) => s.extend(m.envSchema.shape), coreEnvSchema);

/** Parses the environment once at start-up; a bad value stops the start naming the variable and what is wrong. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const checks = [coreCrossCheck, ...PLATFORMS.flatMap((m) => (m.crossCheck ? [m.crossCheck.bind(m)] : []))];
  return parseEnv(envSchema, checks as never, source) as Env;
}

/** For advice on homes nobody serves: does this configuration deliver there, and what would connect it. */
export function homeService(env: Env): (platform: string, space: string | null) => { served: boolean; hint: string | null } {
  return (platform, space) => {
    const m = PLATFORMS.find((x) => x.name === platform);
    return { served: Boolean(m?.serves?.(env, space)), hint: m?.connectHint ?? null };
  };
}
