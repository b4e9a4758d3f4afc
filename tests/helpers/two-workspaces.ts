import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/app/logger.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { loadEnv } from '../../src/platforms.ts';
import { FakeClock } from '../fakes/clock.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { directoryWithHomes } from './homes.ts';
import { freePort } from './oidc.ts';
import { SIGNING_SECRET } from './slack.ts';
import { until } from './wait.ts';

// "Two workspaces": one Slack app for the council's workspace and the ICB's (the trust works in the ICB's). Each
// organisation's people are members of their own workspace only, and the fake Slack refuses what Slack refuses across
// workspaces. The council's workspace is always configured with a token in SLACK_WORKSPACES_FILE; the ICB's either
// too (its token in an environment variable) or not yet, to be installed through the bot's install link.

export const COUNCIL = 'T0COUNCIL';
export const ICB = 'T0ICB0001';
export const COUNCIL_USERS = ['U0ALIKHAN1', 'U0BEAJONE1', 'U0CALREID1', 'U0DEEOBI01', 'U0EVEFORD1', 'U0FAYLOWE1'];
export const ICB_USERS = ['U0GUSHART1', 'U0HALMOSS1', 'U0IVYNASH1', 'U0JONPARK1', 'U0KITWEBB1', 'U0PATLEE01',
  'U0LOUGRAY1', 'U0MAXHOLT1', 'U0NIAROSE1', 'U0OLISHAW1'];

export interface TwoWorkspaces {
  slack: FakeSlackApi;
  bot: Bot;
  /** The bot's address, known before it starts (Slack's redirect URL names it). */
  base: string;
  tmp: string;
  clock: FakeClock;
  /** Ticks until nothing due is left in the outbox. */
  settle(): Promise<void>;
  /** The Web API calls of one method made in one workspace. */
  inTeam(team: string, method: string): FakeSlackApi['calls'];
  stop(): Promise<void>;
}

export async function startTwoWorkspaces(databaseUrl: string | undefined, opts: {
  /** The ICB's workspace: configured with a token, or not yet installed (it installs through the link). */
  icb: 'token' | 'install';
  prefix: string;
  /** Settings on top of the common ones, given the bot's address. */
  env?: (base: string) => Record<string, string>;
  /** Before the bot starts, with the fake Slack running and the bot's address known (to register an OAuth app). */
  beforeStart?: (slack: FakeSlackApi, base: string) => void;
}): Promise<TwoWorkspaces> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), opts.prefix));
  directoryWithHomes(tmp, { 'anytown-council': [`slack:${COUNCIL}`], 'anytown-icb': [`slack:${ICB}`], 'anytown-trust': [`slack:${ICB}`] });
  fs.writeFileSync(path.join(tmp, 'council.token'), 'xoxb-council\n', { mode: 0o600 });
  fs.writeFileSync(path.join(tmp, 'workspaces.yaml'), [
    'workspaces:',
    `  - { team: ${COUNCIL}, name: Anytown Council, token_file: ${path.join(tmp, 'council.token')} }`,
    ...(opts.icb === 'token' ? [`  - { team: ${ICB}, name: NHS Anytown ICB, token_env: S117_TEST_ICB_SLACK_TOKEN }`] : []),
  ].join('\n'));
  if (opts.icb === 'token') process.env.S117_TEST_ICB_SLACK_TOKEN = 'xoxb-icb';
  const slack = new FakeSlackApi();
  slack.addWorkspace(COUNCIL, 'xoxb-council', COUNCIL_USERS);
  if (opts.icb === 'token') slack.addWorkspace(ICB, 'xoxb-icb', ICB_USERS);
  await slack.start();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  opts.beforeStart?.(slack, base);
  const clock = new FakeClock('2026-12-07T10:00:00Z');
  const env = loadEnv({
    PORT: String(port), HOST: '127.0.0.1', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: 'memory://' }),
    DIRECTORY_FILE: path.join(tmp, 'directory.yaml'), SCHEDULER: 'off',
    SLACK_WORKSPACES_FILE: path.join(tmp, 'workspaces.yaml'), SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${slack.url}/api/`,
    ...opts.env?.(base),
  });
  const bot = await startBot({ env, logger: createLogger('silent'), clock, scheduler: false });
  return {
    slack, bot, base, tmp, clock,
    async settle() {
      await until(async () => {
        await bot.app.scheduler.tick();
        return (await bot.app.db.prisma.outbox.count({ where: { deliveredAt: null, failedAt: null, notBefore: { lte: clock.now() } } })) === 0;
      }, 'the outbox to drain', 60_000);
    },
    inTeam: (team, method) => slack.of(method).filter((c) => c.team === team),
    async stop() {
      await bot.stop();
      await slack.stop();
      delete process.env.S117_TEST_ICB_SLACK_TOKEN;
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
