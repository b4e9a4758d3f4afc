import path from 'node:path';
import { createLogger } from '../app/logger.ts';
import { ConfigError } from '../config/env.ts';
import { asStartupError, cannotStartText } from '../startup.ts';
import { loadEnv } from '../platforms.ts';
import { startBot } from '../bot.ts';
import { buildDemo, DemoFolderError, demoEnv } from './build-demo.ts';

// `npm run demo [folder]`: a populated register in one command. Everything it
// writes (database, directory) stays in the folder; delete it when done.
async function main(): Promise<void> {
  const folder = path.resolve(process.argv[2] ?? 'demo-data');
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`Building a demo partnership in ${folder} (about four months of disputes, run through the real protocol)…`);
  let last = -1;
  const result = await buildDemo(folder, new Date(), (p) => {
    if (p >= last + 10) { last = p; process.stdout.write(`  ${p}%\r`); }
  });
  out(`Built ${result.disputes} disputes: ${result.open} open (${result.overdue} overdue), ${result.resolved} resolved.`);

  const env = loadEnv({ ...demoEnv(folder), PORT: process.env.PORT ?? '3000', HOST: process.env.HOST ?? '127.0.0.1', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const bot = await startBot({ env, logger: createLogger(env.LOG_LEVEL) });
  const base = `http://localhost:${bot.address.port}`;
  // Without sign-in the register opens only with this start's token (http/local-access.ts); each link carries it.
  const t = `token=${bot.localToken}`;
  out([
    '',
    'The demo is running. Open (these links work until the demo stops):',
    `  ${base}/register?${t}                  every dispute, with filters and a CSV download`,
    `  ${base}/register/report?from=${result.simulatedFrom.toISOString().slice(0, 10)}&to=${result.simulatedTo.toISOString().slice(0, 10)}&${t}`,
    '                                           the Partnership Board report for the demo period',
    ...(result.showcase ? [`  ${base}/register/dispute/${result.showcase}?${t}  one dispute's whole story (Stage 1 to a written decision)`] : []),
    '',
    'From another terminal, the command line works on the same register (while the demo runs, it goes through the demo):',
    `  DATA_DIR=${path.join(folder, 'db')} DIRECTORY_FILE=${path.join(folder, 'directory.yaml')} npx s117 dispute list`,
    '',
    `Stop it with Ctrl-C. Delete ${folder} when you are done; nothing else was written.`,
  ].join('\n'));
  const stop = async () => { await bot.stop(); process.exit(0); };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  if (e instanceof DemoFolderError || e instanceof ConfigError) process.stderr.write(`${e.message}\n`);
  else {
    // A port in use (the bot already running on 3000) is the newcomer's likeliest fault here: one line, as npm start says it.
    const failure = asStartupError(e, { PORT: Number(process.env.PORT ?? 3000), HOST: process.env.HOST ?? '127.0.0.1' });
    if (failure) {
      process.stderr.write(cannotStartText(failure).replace(/^The bot cannot start: /, 'The demo cannot start: '));
      process.exit(failure.exitCode);
    }
    process.stderr.write(`The demo failed: ${(e as Error).stack ?? String(e)}\n`);
  }
  process.exit(1);
});
