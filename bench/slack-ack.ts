// Slack acknowledgement latency: how long Slack waits for our 200, through
// the full bot (signature check, Bolt, our listeners, with the database work
// that follows the ack) beside a bare Bolt app whose handlers only ack(),
// measured in the same run on the same machine, on the embedded database and
// on PostgreSQL. Slack gives up at 3 s. The mixed row clicks while a sweep
// escalates BENCH_MIXED (500) due disputes.
//
//   npm run bench:slack     (BENCH_N=400 requests per row; TEST_DATABASE_URL or BENCH_DATABASE_URL adds PostgreSQL;
//                            BENCH_ONLY=mixed for the mixed row alone)
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import bolt from '@slack/bolt';
import { createLogger } from '../src/app/logger.ts';
import { loadEnv } from '../src/config/env.ts';
import { startBot } from '../src/bot.ts';
import { FakeClock } from '../tests/fakes/clock.ts';
import { FakeSlackApi } from '../tests/fakes/slack-api.ts';
import { fundingDispute } from '../tests/fixtures/disputes.ts';
import { blockAction, commandBody, interactiveBody, sign, SIGNING_SECRET } from '../tests/helpers/slack.ts';
import { databases, load, pct, row } from './lib.ts';

const N = Number(process.env.BENCH_N ?? 400);
const MIXED = Number(process.env.BENCH_MIXED ?? 500);
// BENCH_ONLY=mixed skips the c=1 and c=50 rows.
const ONLY_MIXED = process.env.BENCH_ONLY === 'mixed';

/**
 * The CPU time of every turn of the event loop until stop(): what a waiting
 * request is held up by, without the time other processes on a busy machine
 * take from us (wall-clock stalls count that too).
 */
function turnCpu(): { stop(): number[] } {
  const out: number[] = [];
  let last = process.cpuUsage();
  let on = true;
  const tick = () => {
    const d = process.cpuUsage(last);
    last = process.cpuUsage();
    out.push((d.user + d.system) / 1000);
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  return { stop: () => { on = false; return out; } };
}

const post = async (url: string, body: string) => {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) }, body });
  await r.text();
  return r.status;
};

const fake = new FakeSlackApi();
await fake.start();
const bare = new bolt.App({ token: 'xoxb-bench', signingSecret: SIGNING_SECRET, clientOptions: { slackApiUrl: `${fake.url}/api/` }, logLevel: bolt.LogLevel.ERROR });
bare.command('/s117', async ({ ack }) => { await ack(); });
bare.action(/.*/, async ({ ack }) => { await ack(); });
await bare.start(0);
// HTTPReceiver keeps its server private; its address is what start() bound.
const barePort = ((bare as unknown as { receiver: { server: { address(): { port: number } } } }).receiver.server.address()).port;
const bareUrl = `http://127.0.0.1:${barePort}/slack/events`;

console.log(`Slack ack latency, ${N} requests per row, mixed row over ${MIXED} due disputes; node ${process.version}`);
for await (const db of databases()) {
  const clock = new FakeClock('2026-12-07T10:00:00Z');
  const env = loadEnv({
    ...db.env, PORT: '0', HOST: '127.0.0.1', DIRECTORY_FILE: 'config/directory.example.yaml', SCHEDULER: 'off',
    SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${fake.url}/api/`,
  });
  const bot = await startBot({ env, logger: createLogger('silent'), scheduler: false, clock });
  try {
    const url = `http://127.0.0.1:${bot.address.port}/slack/events`;
    const d = (await bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute())).dispute;
    const kinds = {
      'slash command (/s117 help)': () => commandBody('U0ALIKHAN1', 'help', 'C1', `${fake.url}/respond/b`),
      'button click (checklist tick)': () => interactiveBody(blockAction('U0GUSHART1', 'C1', { action_id: 's117:tick:clarify', value: JSON.stringify({ d: d.id, k: 'clarify', s: 1, n: 1 }) })),
    };
    console.log(`-- ${bot.app.db.description}`);
    for (const [kind, body] of ONLY_MIXED ? [] : Object.entries(kinds)) {
      for (const c of [1, 50]) {
        const full = await load(() => post(url, body()), c, N);
        const b = await load(() => post(bareUrl, body()), c, N);
        console.log(row(`${db.label.padEnd(16)} ${kind.padEnd(30)} c=${String(c).padEnd(3)}`, full, b));
      }
    }
    // Mixed: 10 users clicking about twice a second each, for as long as a sweep of MIXED due disputes runs.
    for (let i = 0; i < MIXED; i += 10) {
      await Promise.all(Array.from({ length: Math.min(10, MIXED - i) }, () => bot.app.service.raise({ personId: 'ali-khan', platform: 'cli' }, fundingDispute())));
    }
    clock.set('2026-12-14T17:05:00Z');
    let done = false;
    // How long the event loop went without reading a socket while the sweep ran: what a click waits for, at worst.
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    const turns = turnCpu();
    const t0 = performance.now();
    const sweep = bot.app.service.sweepDue().finally(() => { done = true; });
    const clicks = await load(() => post(url, kinds['button click (checklist tick)']()), 10, Number.MAX_SAFE_INTEGER, () => done, 500);
    const swept = await sweep;
    const ms = performance.now() - t0;
    lag.disable();
    const turnMs = turns.stop();
    console.log(row(`${db.label.padEnd(16)} ${'mixed: click during a sweep'.padEnd(30)} c=10 `, clicks, null)
      + ` | ${clicks.length} clicks; sweep of ${swept.processed} took ${ms.toFixed(0)} ms; event loop stalls p99 ${(lag.percentile(99) / 1e6).toFixed(0)} ms, max ${(lag.max / 1e6).toFixed(0)} ms; CPU per loop turn p99 ${pct(turnMs, 99).toFixed(0)} ms, max ${turnMs.reduce((a, b) => Math.max(a, b), 0).toFixed(0)} ms | p99 ${pct(clicks, 99) < 300 ? 'under' : 'OVER'} 300 ms`);
  } finally {
    await bot.stop();
    await db.cleanup();
  }
}
await bare.stop();
await fake.stop();
process.exit(0);
