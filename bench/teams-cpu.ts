// CPU per Teams card action: the CPU time the bot's process (and the bare
// CloudAdapter's) spends per invoke, sequentially (c=1), including the work
// after the answer (the outbox's card refresh) that ends before the next
// settle. CPU time rather than wall time: on a shared, busy machine it is what
// stays put, and at c=50 the p99 ratio follows it.
//
//   BENCH_N=300 npm run bench:teams-cpu   (BENCH_PROFILE_DIR=/tmp/x: a V8 profile of the bot over the measured turns;
//   BENCH_SAME=1: every press ticks, so after the warm-up none changes anything: the path of a press on a stale card)
import { databases, load } from './lib.ts';
import { post, teamsBot, teamsRig } from './teams-rig.ts';

const N = Number(process.env.BENCH_N ?? 300);
const SAME = process.env.BENCH_SAME === '1';
const rig = await teamsRig();
const { bare, bareUrl, invoke } = rig;
const cpu = async (c: { send<T>(r: object): Promise<T> }) => (await c.send<{ ms: number }>({ op: 'cpu' })).ms;
const loadavg = async () => (await import('node:os')).loadavg()[0]!.toFixed(1);

try {
  for await (const db of databases()) {
    const { bot, url, ids, gus } = await teamsBot(rig, db);
    try {
      let next = 0;
      const any = () => ids[next++ % ids.length]!;
      await load(() => post(url, invoke(any(), gus, SAME)), 10, 300);
      await load(() => post(bareUrl, invoke(any(), gus, true)), 10, 300);
      await bot.send({ op: 'settle' });
      const la = await loadavg();
      const prof = process.env.BENCH_PROFILE_DIR;
      if (prof) await bot.send({ op: 'profile' });
      const b0 = await cpu(bot);
      await load(() => post(url, invoke(any(), gus, SAME)), 1, N);
      const b1 = await cpu(bot);
      await bot.send({ op: 'settle' });
      const b2 = await cpu(bot);
      if (prof) await bot.send({ op: 'profile', file: `${prof}/${db.label.split(' ').pop()}.cpuprofile` });
      const r0 = await cpu(bare);
      await load(() => post(bareUrl, invoke(any(), gus, true)), 1, N);
      const r1 = await cpu(bare);
      console.log(`${db.label.padEnd(16)} CPU per ${SAME ? 'unchanging ' : ''}card action (c=1, ${N}): bot ${((b1 - b0) / N).toFixed(2)} ms during the turns, `
        + `${((b2 - b0) / N).toFixed(2)} ms with the work after them | bare ${((r1 - r0) / N).toFixed(2)} ms | load ${la}`);
    } finally {
      await bot.stop({ op: 'stop' });
      await db.cleanup();
    }
  }
} finally {
  await rig.stop();
}
process.exit(0);
