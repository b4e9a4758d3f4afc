import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { PLATFORMS } from '../../src/platforms.ts';
import { FakeBotConnector } from '../fakes/bot-connector.ts';
import { FakeClock } from '../fakes/clock.ts';
import { LOOP_PATH, loopPlatform } from '../fakes/loop-platform.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { DIRECTORY } from '../helpers/app.ts';
import { SIGNING_SECRET } from '../helpers/slack.ts';
import { loopDriver, slackDriver, teamsDriver, type PlatformDriver } from './drivers.ts';
import { emulatorUrl } from '../helpers/local-register.ts';

export const TEAMS_CASES = '19:cases@thread.tacv2';

/** The example directory, with every person also known on the test-only Loop platform by their id. */
function directoryWithLoop(): string {
  const doc = parse(fs.readFileSync(DIRECTORY, 'utf8')) as { people: { id: string; handles?: Record<string, string> }[] };
  for (const p of doc.people) p.handles = { ...p.handles, loop: p.id };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 's117-contract-')), 'directory.yaml');
  fs.writeFileSync(file, stringify(doc));
  return file;
}

export interface ContractBot { bot: Bot; clock: FakeClock; slack: FakeSlackApi; connector: FakeBotConnector; drivers: PlatformDriver[]; stop(): Promise<void> }

/**
 * One bot speaking Slack, Teams and the test-only Loop platform, each against its fake on loopback (on PGlite in
 * memory, or on the database `extraEnv` names).
 */
export async function contractBot(extraEnv: Record<string, string> = {}): Promise<ContractBot> {
  const slack = new FakeSlackApi();
  const connector = new FakeBotConnector();
  await slack.start();
  await connector.start();
  const clock = new FakeClock('2026-12-07T10:00:00Z');
  const env = loadEnv({
    PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: directoryWithLoop(), SCHEDULER: 'off',
    SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${slack.url}/api/`,
    TEAMS_CASE_CHANNEL_ID: TEAMS_CASES, TEAMS_SERVICE_URL: connector.url, MICROSOFT_APP_TENANT_ID: 'tenant-1', ...extraEnv,
  });
  const bot = await startBot({ env, logger: createLogger('silent'), clock, scheduler: false, platforms: [...PLATFORMS, loopPlatform()] });
  const base = `http://127.0.0.1:${bot.address.port}`;
  return {
    bot, clock, slack, connector,
    drivers: [slackDriver(bot, slack, base), teamsDriver(bot, connector, emulatorUrl(base, bot)), loopDriver(bot, `${base}${LOOP_PATH}`)],
    async stop() {
      await bot.stop();
      await slack.stop();
      await connector.stop();
    },
  };
}
