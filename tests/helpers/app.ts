import crypto from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { boot, type App } from '../../src/boot.ts';
import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { FakeClock } from '../fakes/clock.ts';
import { RecordingChatPort } from '../fakes/recording-chat-port.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { SIGNING_SECRET } from './slack.ts';

export const DIRECTORY = path.resolve('config/directory.example.yaml');
export const PG_URL = process.env.TEST_DATABASE_URL;

/**
 * A throwaway PostgreSQL database on the CI server, dropped by the returned function: empty, or with `migrated`, a
 * copy of the template tests/global-setup.mjs migrated (TEST_DATABASE_TEMPLATE), on which boot's migrate() finds
 * every migration already recorded. Copying takes a fraction of the time migrating does.
 */
export async function freshPostgres(opts: { migrated?: boolean } = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!PG_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `s117_test_${crypto.randomBytes(6).toString('hex')}`;
  const template = opts.migrated ? process.env.TEST_DATABASE_TEMPLATE : undefined;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  await admin.end();
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestApp extends App { clock: FakeClock; chat: RecordingChatPort }

/** The real app (real migrations, real database) with the clock and the chat platform faked at the edge. */
export async function testApp(opts: { databaseUrl?: string; dataDir?: string; clock?: FakeClock; chat?: RecordingChatPort; env?: Record<string, string> } = {}): Promise<TestApp> {
  const clock = opts.clock ?? new FakeClock('2026-12-07T10:00:00Z');
  const chat = opts.chat ?? new RecordingChatPort();
  const env = loadEnv({
    DIRECTORY_FILE: DIRECTORY,
    DATA_DIR: opts.dataDir ?? 'memory://',
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...opts.env,
  });
  // Rate limits follow the test's clock too, so a Retry-After passes when the test moves time on.
  const app = await boot({ env, logger: createLogger('silent'), clock, rateClock: clock, ports: { [chat.platform]: chat }, defaultPlatform: chat.platform });
  return Object.assign(app, { clock, chat });
}

/**
 * Where a suite's app keeps its register: embedded PGlite (in memory), and PostgreSQL when TEST_DATABASE_URL is set.
 * The PostgreSQL database comes migrated, as boot finds the in-memory one (PGLITE_MIGRATED_SEED), unless the suite
 * asks for it `empty` to migrate it itself (tests/integration/migrate.test.ts).
 */
type DatabaseSetup = (opts?: { empty?: boolean }) => Promise<{ databaseUrl?: string; cleanup: () => Promise<void> }>;
export const DATABASES: [string, DatabaseSetup][] = [
  ['PGlite', async () => ({ cleanup: async () => {} })],
  ...(PG_URL ? [['PostgreSQL', async (opts?: { empty?: boolean }) => {
    const db = await freshPostgres({ migrated: !opts?.empty });
    return { databaseUrl: db.url, cleanup: db.drop };
  }] as [string, DatabaseSetup]] : []),
];

if (!PG_URL) {
  // Said once per test file that could have used it.
  process.stdout.write('PostgreSQL suites skipped: TEST_DATABASE_URL is not set (CI sets it; see README, "Tests").\n');
}

/** The whole bot, with Slack connected to a fake Web API, as the security suites probe it from outside. */
export interface SlackBot { fake: FakeSlackApi; bot: Bot; base: string; stop(): Promise<void> }

export async function startSlackBot(extraEnv: Record<string, string> = {}): Promise<SlackBot> {
  const fake = new FakeSlackApi();
  await fake.start();
  const env = loadEnv({
    PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off',
    SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${fake.url}/api/`, ...extraEnv,
  });
  const bot = await startBot({ env, logger: createLogger('silent'), clock: new FakeClock('2026-12-07T10:00:00Z'), scheduler: false });
  return {
    fake, bot, base: `http://127.0.0.1:${bot.address.port}`,
    async stop() {
      await bot.stop();
      await fake.stop();
    },
  };
}
