import { createLogger } from './app/logger.ts';
import { loadEnv } from './platforms.ts';
import { StartupError } from './config/startup-error.ts';
import { asStartupError, cannotStartText } from './startup.ts';
import { ownerOnlyUmask } from './register/owner-only.ts';
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
    if (!(e instanceof StartupError)) throw e;
    process.stderr.write(cannotStartText(e));
    process.exit(e.exitCode);
  }
  const logger = createLogger(env.LOG_LEVEL);
  installSafetyNet(logger);
  let bot;
  try {
    bot = await startBot({ env, logger });
  } catch (e) {
    // Every start-up failure an administrator can fix ends here: one line per setting, no stack trace, and an exit
    // code that tells systemd not to restart (78) or to try again later (75).
    const failure = asStartupError(e, env);
    if (!failure) throw e;
    process.stderr.write(cannotStartText(failure));
    process.exit(failure.exitCode);
  }
  process.stdout.write(`${banner(bot.app, bot.address.port, bot.platforms, bot.localToken)}\n`);

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
