import { boot } from './app/bootstrap.ts';
import { createLogger } from './app/logger.ts';
import { ConfigError, loadEnv } from './config/env.ts';
import { DirectoryError } from './config/directory.ts';
import { MigrationError } from './register/migrate.ts';
import { HttpServer } from './http/server.ts';
import { banner } from './app/banner.ts';

// Wiring only: config → database → adapters → scheduler → HTTP.
async function main(): Promise<void> {
  let env;
  try {
    env = loadEnv();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(78);
  }
  const logger = createLogger(env.LOG_LEVEL);
  let app;
  try {
    app = await boot({ env, logger });
  } catch (e) {
    if (e instanceof DirectoryError || e instanceof MigrationError || e instanceof ConfigError) {
      process.stderr.write(`The bot cannot start: ${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
  const http = new HttpServer(logger.child({ part: 'http' }), async () => {
    await app.db.sql.query('SELECT 1');
    return { ok: true, detail: app.db.description };
  });
  const addr = await http.listen(env.PORT, env.HOST);
  if (env.SCHEDULER === 'on') app.scheduler.start();
  process.stdout.write(`${banner(app, addr.port)}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing the current sweep, then closing the database');
    await http.close();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`The bot stopped because of an unexpected error: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
