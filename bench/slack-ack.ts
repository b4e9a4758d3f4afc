// Slack acknowledgement latency: how long Slack waits for our 200, through
// the full bot (signature check, Bolt, our listeners, with the database work
// that follows the ack) beside a bare Bolt app whose handlers only ack(),
// measured in the same run on the same machine. Slack gives up at 3 s.
//
//   npm run bench:slack            (BENCH_N=400 by default)
import { performance } from 'node:perf_hooks';
import bolt from '@slack/bolt';
import { createLogger } from '../src/app/logger.ts';
import { loadEnv } from '../src/config/env.ts';
import { startBot } from '../src/bot.ts';
import { FakeSlackApi } from '../tests/fakes/slack-api.ts';
import { fundingDispute } from '../tests/fixtures/disputes.ts';
import { blockAction, commandBody, interactiveBody, sign, SIGNING_SECRET } from '../tests/helpers/slack.ts';

const N = Number(process.env.BENCH_N ?? 400);

async function measure(url: string, bodies: () => string, concurrency: number): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < N) {
      next++;
      const body = bodies();
      const t = performance.now();
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) }, body });
      await r.text();
      times.push(performance.now() - t);
      if (r.status !== 200) throw new Error(`status ${r.status}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return times.sort((a, b) => a - b);
}
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

const fake = new FakeSlackApi();
await fake.start();
// BENCH_DATABASE_URL runs the full bot on PostgreSQL (the production path):
// the embedded database shares the event loop with the HTTP server.
const dbUrl = process.env.BENCH_DATABASE_URL;
const env = loadEnv({
  ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
  PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: 'config/directory.example.yaml', SCHEDULER: 'off',
  SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${fake.url}/api/`,
});
const bot = await startBot({ env, logger: createLogger('silent'), scheduler: false });
const d = (await bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute())).dispute;

const bare = new bolt.App({ token: 'xoxb-bench', signingSecret: SIGNING_SECRET, clientOptions: { slackApiUrl: `${fake.url}/api/` }, logLevel: bolt.LogLevel.ERROR });
bare.command('/s117', async ({ ack }) => { await ack(); });
bare.action(/.*/, async ({ ack }) => { await ack(); });
await bare.start(0);
// HTTPReceiver keeps its server private; its address is what start() bound.
const barePort = ((bare as unknown as { receiver: { server: { address(): { port: number } } } }).receiver.server.address()).port;

const targets = [
  ['full bot', `http://127.0.0.1:${bot.address.port}/slack/events`],
  ['bare Bolt', `http://127.0.0.1:${barePort}/slack/events`],
] as const;
const kinds = {
  'slash command (/s117 help)': () => commandBody('U0ALIKHAN1', 'help', 'C1', `${fake.url}/respond/b`),
  'button click (checklist tick)': () => interactiveBody(blockAction('U0GUSHART1', 'C1', { action_id: 's117:tick:clarify', value: JSON.stringify({ d: d.id, k: 'clarify', s: 1, n: 1 }) })),
};

console.log(`Slack ack latency, ${N} requests per row; full bot on ${bot.app.db.description}; node ${process.version}`);
for (const [kind, body] of Object.entries(kinds)) {
  for (const concurrency of [1, 50]) {
    const row: Record<string, number[]> = {};
    for (const [name, url] of targets) row[name] = await measure(url, body, concurrency);
    const [full, b] = [row['full bot']!, row['bare Bolt']!];
    console.log(`${kind.padEnd(32)} c=${String(concurrency).padEnd(3)} full p50 ${pct(full, 50).toFixed(2)} ms p99 ${pct(full, 99).toFixed(2)} ms | bare p50 ${pct(b, 50).toFixed(2)} ms p99 ${pct(b, 99).toFixed(2)} ms | p99 ratio ${(pct(full, 99) / pct(b, 99)).toFixed(2)}`);
  }
}
await bare.stop();
await bot.stop();
await fake.stop();
process.exit(0);
