// Teams turn latency: a card action (Action.Execute invoke, a checklist tick)
// through the full bot, beside a bare CloudAdapter echo bot answering the
// same invoke, in the same run on the same machine (Emulator mode: no tokens).
//
//   npm run bench:teams            (BENCH_N=300 by default; BENCH_DATABASE_URL for PostgreSQL)
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { createLogger } from '../src/app/logger.ts';
import { loadEnv } from '../src/config/env.ts';
import { startBot } from '../src/bot.ts';
import { FakeBotConnector } from '../tests/fakes/bot-connector.ts';
import { fundingDispute } from '../tests/fixtures/disputes.ts';

const N = Number(process.env.BENCH_N ?? 300);
const connector = new FakeBotConnector();
await connector.start();
const dbUrl = process.env.BENCH_DATABASE_URL;
const env = loadEnv({
  ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
  PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: 'config/directory.example.yaml', SCHEDULER: 'off',
  TEAMS_CASE_CHANNEL_ID: '19:cases@thread.tacv2', TEAMS_SERVICE_URL: connector.url,
});
const bot = await startBot({ env, logger: createLogger('silent'), scheduler: false });
const d = (await bot.app.service.raise({ personId: 'gus-hart', platform: 'teams' }, { ...fundingDispute(), parties: [{ organisationId: 'anytown-icb', role: 'RAISING' }, { organisationId: 'anytown-council', role: 'RESPONDING' }], namedProfessionals: [] })).dispute;
const gus = bot.app.directory.people.find((p) => p.id === 'gus-hart')!;

// The bare bot: the same SDK, an invoke answered with a fixed card.
const bare = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const bareServer = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => { raw += String(c); });
  req.on('end', async () => {
    let status = 200;
    let out: unknown;
    const response = {
      socket: req.socket, status(c: number) { status = c; return response; }, header() { return response; },
      send(b?: unknown) { out = b; return response; }, end() { return response; },
    };
    await bare.process({ body: JSON.parse(raw), headers: req.headers, method: 'POST' }, response, async (ctx) => {
      await ctx.sendActivity({ type: 'invokeResponse', value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: { type: 'AdaptiveCard', version: '1.5', body: [] } } } });
    });
    res.writeHead(status, { 'content-type': 'application/json' }).end(out === undefined ? '' : JSON.stringify(out));
  });
});
await new Promise<void>((r) => bareServer.listen(0, '127.0.0.1', r));

let n = 0;
const invoke = () => JSON.stringify({
  type: 'invoke', name: 'adaptiveCard/action', id: `a${++n}`, channelId: 'msteams', serviceUrl: connector.url,
  from: { id: '29:gus', aadObjectId: gus.handles.teams }, recipient: { id: '28:bot' }, conversation: { id: 'a:personal', conversationType: 'personal', tenantId: 't' },
  value: { action: { type: 'Action.Execute', verb: 'tick', data: { verb: 'tick', d: d.id, k: 'clarify', s: 1, n: n % 2 } }, trigger: 'manual' },
});

async function measure(url: string, concurrency: number): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < N) {
      next++;
      const t = performance.now();
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: invoke() });
      await r.text();
      times.push(performance.now() - t);
      if (r.status !== 200) throw new Error(`status ${r.status}`);
    }
  }));
  return times.sort((a, b) => a - b);
}
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

console.log(`Teams card-action turn latency, ${N} invokes per row; full bot on ${bot.app.db.description}; node ${process.version}`);
for (const concurrency of [1, 10]) {
  const full = await measure(`http://127.0.0.1:${bot.address.port}/api/messages`, concurrency);
  const b = await measure(`http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/`, concurrency);
  console.log(`c=${String(concurrency).padEnd(3)} full p50 ${pct(full, 50).toFixed(2)} ms p99 ${pct(full, 99).toFixed(2)} ms | bare CloudAdapter p50 ${pct(b, 50).toFixed(2)} ms p99 ${pct(b, 99).toFixed(2)} ms | p50 ratio ${(pct(full, 50) / pct(b, 50)).toFixed(2)} p99 ratio ${(pct(full, 99) / pct(b, 99)).toFixed(2)}`);
}
bareServer.close();
await bot.stop();
await connector.stop();
process.exit(0);
