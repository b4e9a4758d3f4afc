import { createLogger } from './app/logger.ts';
import { ConfigError, loadEnv } from './config/env.ts';
import { DirectoryError } from './config/directory.ts';
import { MigrationError } from './register/migrate.ts';
import { DataDirLocked } from './register/data-dir-lock.ts';
import { DataDirExposed, ownerOnlyUmask } from './register/owner-only.ts';
import { banner } from './banner.ts';
import { startBot } from './bot.ts';
import { installSafetyNet } from './http/safety-net.ts';

// Wiring only: config → database → adapters → scheduler → HTTP.
async function main(): Promise<void> {
  // Everything the bot writes holds or leads to case data: owner-only unless a file says otherwise.
  ownerOnlyUmask();
  let env;
  try {
    env = loadEnv();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(78);
  }
  const logger = createLogger(env.LOG_LEVEL);
  installSafetyNet(logger);
  let bot;
  try {
    bot = await startBot({ env, logger });
  } catch (e) {
    if (e instanceof DataDirLocked) {
      process.stderr.write(`The bot cannot start: ${e.message}\n`);
      process.exit(75);
    }
    if (e instanceof DirectoryError || e instanceof MigrationError || e instanceof ConfigError || e instanceof DataDirExposed) {
      process.stderr.write(`The bot cannot start: ${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
  process.stdout.write(`${banner(bot.app, bot.address.port, bot.slack?.mode ?? null, bot.teams, bot.localToken)}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing the current sweep, then closing the database');
    await bot.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`The bot stopped because of an unexpected error: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
