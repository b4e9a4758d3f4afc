// One bot replica in its own process, delivering the outbox until it is
// killed (the fault suite kills it with SIGKILL mid-call). Settings arrive in
// the environment; it says "ready" on stdout once it is delivering.
import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { startBot } from '../../src/bot.ts';
import { ShiftedClock } from './shifted-clock.ts';

const env = loadEnv(process.env);
const clock = new ShiftedClock(Number(process.env.S117_TEST_AT), Number(process.env.S117_TEST_EPOCH));
const bot = await startBot({ env, logger: createLogger('silent'), clock, scheduler: false });
process.stdout.write('ready\n');
for (;;) {
  await bot.app.dispatcher.deliverDue();
  await new Promise((r) => setTimeout(r, 50));
}
