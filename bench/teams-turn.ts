// Teams turn latency: a card action (Action.Execute invoke, a checklist tick)
// through the full bot, beside a bare CloudAdapter echo bot answering the
// same invoke, in the same run on the same machine (Emulator mode: no tokens).
// The bot and the bare bot each run in a process of their own; this process
// only sends the invokes and times them; the fake Bot Connector runs in a
// process of its own, so its work for the bot does not delay that timing (bench/proc/).
//
// Runs on the embedded database and, with TEST_DATABASE_URL or BENCH_DATABASE_URL, on PostgreSQL.
//
//   npm run bench:teams            (BENCH_N=1000 by default)
import { compare, databases, row, warmUp } from './lib.ts';
import { post, teamsBot, teamsRig } from './teams-rig.ts';

const N = Number(process.env.BENCH_N ?? 1000);
// BENCH_SETTLE=0: the bare app's rounds start while the bot may still be busy with the previous round (the older method).
const NO_SETTLE = process.env.BENCH_SETTLE === '0';
const rig = await teamsRig();
const { bareUrl, invoke } = rig;

console.log(`Teams card-action turn latency, ${N} invokes per row; node ${process.version}`);
try {
  for await (const db of databases()) {
    // Real load: concurrent presses on different disputes (one each, round the list); a last row adds one dispute's
    // contention, which must stay exactly once rather than fast.
    const { bot, url, description, ids, gus } = await teamsBot(rig, db);
    try {
      const d = ids[0]!;
      let next = 0;
      const anyDispute = () => ids[next++ % ids.length]!;
      console.log(`-- ${description}`);
      await warmUp(() => post(url, invoke(anyDispute(), gus)), () => post(bareUrl, invoke(anyDispute(), gus, true)));
      await bot.send({ op: 'settle' });
      for (const [c, one] of [[1, false], [50, false], [50, true]] as const) {
        let settled = 0;
        const settle = async () => { if (NO_SETTLE) return; settled = Math.max(settled, (await bot.send<{ ms: number }>({ op: 'settle' })).ms); };
        const pick = () => (one ? d : anyDispute());
        const r = await compare(() => post(url, invoke(pick(), gus)), () => post(bareUrl, invoke(pick(), gus, true)), c, N, settle);
        const what = one ? 'card action, one dispute ' : 'card action, 50 disputes';
        console.log(row(`${db.label.padEnd(16)} ${what} c=${String(c).padEnd(3)}`, r.full, r.bare) + ` | sender's loop stalled at most ${r.senderStallMs.toFixed(0)} ms; `
          + `bot busy up to ${settled.toFixed(0)} ms after a round`);
      }
    } finally {
      await bot.stop({ op: 'stop' });
      await db.cleanup();
    }
  }
} finally {
  await rig.stop();
}
process.exit(0);
