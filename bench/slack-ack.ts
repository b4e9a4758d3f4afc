// Slack acknowledgement latency: how long Slack waits for our 200, through
// the full bot (signature check, Bolt, our listeners, with the database work
// that follows the ack) beside a bare Bolt app whose handlers only ack(),
// measured in the same run on the same machine, on the embedded database and
// on PostgreSQL. Slack gives up at 3 s. The mixed row clicks while a sweep
// escalates BENCH_MIXED (500) due disputes.
//
// The bot and the bare app each run in a process of their own, as the bot
// runs in production; this process only sends the requests and times them
// (bench/proc/). The fake Slack Web API runs in a process of its own too:
// answered from this one, the bot's calls back (respond(), chat.update) held
// up the timing of the bot's requests, and the bare app makes no such calls.
// Each row alternates the two in BENCH_ROUNDS (4) rounds after an unmeasured
// warm-up, so a change in the machine's load during the run hits both alike.
//
//   npm run bench:slack     (BENCH_N=1000 requests per row; TEST_DATABASE_URL or BENCH_DATABASE_URL adds PostgreSQL;
//                            BENCH_ONLY=mixed, slash or button for those rows alone)
import { performance } from 'node:perf_hooks';
import { blockAction, commandBody, interactiveBody, sign, SIGNING_SECRET } from '../tests/helpers/slack.ts';
import type { SweepFigures } from './proc/bot.ts';
import { compare, databases, forkTs, load, pct, row, warmUp } from './lib.ts';

const N = Number(process.env.BENCH_N ?? 1000);
// BENCH_SETTLE=0: the bare app's rounds start while the bot may still be busy with the previous round (the older method).
const NO_SETTLE = process.env.BENCH_SETTLE === '0';
const MIXED = Number(process.env.BENCH_MIXED ?? 500);
// BENCH_ONLY=mixed, slash or button (or several, comma-separated) runs those rows alone.
const ONLY = process.env.BENCH_ONLY?.split(',').filter(Boolean) ?? null;
const wanted = (row: string) => !ONLY || ONLY.includes(row);

const post = async (url: string, body: string) => {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) }, body });
  await r.text();
  return r.status;
};

const fake = forkTs('./proc/fake-platform.ts', ['slack']);
const fakeUrl = ((await fake.first) as { url: string }).url;
const bare = forkTs('./proc/bare-bolt.ts', [`${fakeUrl}/api/`]);
const bareUrl = `http://127.0.0.1:${((await bare.first) as { port: number }).port}/slack/events`;

console.log(`Slack ack latency, ${N} requests per row, mixed row over ${MIXED} due disputes; node ${process.version}`);
try {
  for await (const db of databases()) {
    const bot = forkTs('./proc/bot.ts');
    try {
      const started = await bot.send<{ port: number; description: string }>({
        op: 'start', at: '2026-12-07T10:00:00Z',
        env: {
          ...db.env, PORT: '0', HOST: '127.0.0.1', DIRECTORY_FILE: 'config/directory.example.yaml', SCHEDULER: 'off',
          SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${fakeUrl}/api/`,
        },
      });
      const url = `http://127.0.0.1:${started.port}/slack/events`;
      const [d] = (await bot.send<{ ids: string[] }>({ op: 'raise', n: 1, platform: 'slack' })).ids;
      const kinds = {
        'slash command (/s117 help)': () => commandBody('U0ALIKHAN1', 'help', 'C1', `${fakeUrl}/respond/b`),
        'button click (checklist tick)': () => interactiveBody(blockAction('U0GUSHART1', 'C1', { action_id: 's117:tick:clarify', value: JSON.stringify({ d, k: 'clarify', s: 1, n: 1 }) })),
      };
      console.log(`-- ${started.description}`);
      for (const [kind, body] of Object.entries(kinds).filter(([k]) => wanted(k.startsWith('slash') ? 'slash' : 'button'))) {
        await warmUp(() => post(url, body()), () => post(bareUrl, body()));
        await bot.send({ op: 'settle' });
        for (const c of [1, 50]) {
          let settled = 0;
          const settle = async () => { if (NO_SETTLE) return; settled = Math.max(settled, (await bot.send<{ ms: number }>({ op: 'settle' })).ms); };
          const r = await compare(() => post(url, body()), () => post(bareUrl, body()), c, N, settle);
          console.log(row(`${db.label.padEnd(16)} ${kind.padEnd(30)} c=${String(c).padEnd(3)}`, r.full, r.bare) + ` | sender's loop stalled at most ${r.senderStallMs.toFixed(0)} ms; `
          + `bot busy up to ${settled.toFixed(0)} ms after a round`);
        }
      }
      if (!wanted('mixed')) continue;
      // Mixed: 10 users clicking about twice a second each, for as long as a sweep of MIXED due disputes runs.
      await bot.send({ op: 'raise', n: MIXED, platform: 'cli' });
      await bot.send({ op: 'clock', at: '2026-12-14T17:05:00Z' });
      let done = false;
      const t0 = performance.now();
      const sweep = bot.send<SweepFigures>({ op: 'sweep' }).finally(() => { done = true; });
      const clicks = await load(() => post(url, kinds['button click (checklist tick)']()), 10, Number.MAX_SAFE_INTEGER, () => done, 500);
      const s = await sweep;
      const wall = performance.now() - t0;
      console.log(row(`${db.label.padEnd(16)} ${'mixed: click during a sweep'.padEnd(30)} c=10 `, clicks, null)
        + ` | ${clicks.length} clicks; sweep of ${s.processed} took ${s.ms.toFixed(0)} ms (${wall.toFixed(0)} ms seen from here); `
        + `bot's event loop stalls p99 ${s.lagP99.toFixed(0)} ms, max ${s.lagMax.toFixed(0)} ms; CPU per loop turn p99 ${s.turnP99.toFixed(0)} ms, `
        + `max ${s.turnMax.toFixed(0)} ms | p99 ${pct(clicks, 99) < 300 ? 'under' : 'OVER'} 300 ms`);
    } finally {
      await bot.stop({ op: 'stop' });
      await db.cleanup();
    }
  }
} finally {
  await bare.stop();
  await fake.stop();
}
process.exit(0);
