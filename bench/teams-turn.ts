// Teams turn latency: a card action (Action.Execute invoke, a checklist tick)
// through the full bot, beside a bare CloudAdapter echo bot answering the
// same invoke, in the same run on the same machine (Emulator mode: no tokens).
//
// Runs on the embedded database and, with TEST_DATABASE_URL or BENCH_DATABASE_URL, on PostgreSQL.
//
//   npm run bench:teams            (BENCH_N=300 by default)
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { createLogger } from '../src/app/logger.ts';
import { loadEnv } from '../src/config/env.ts';
import { startBot } from '../src/bot.ts';
import { FakeBotConnector } from '../tests/fakes/bot-connector.ts';
import { fundingDispute } from '../tests/fixtures/disputes.ts';
import { databases, load, row } from './lib.ts';

const N = Number(process.env.BENCH_N ?? 300);
const connector = new FakeBotConnector();
await connector.start();
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
const invoke = (d: string, aad: string) => JSON.stringify({
  type: 'invoke', name: 'adaptiveCard/action', id: `a${++n}`, channelId: 'msteams', serviceUrl: connector.url,
  from: { id: '29:gus', aadObjectId: aad }, recipient: { id: '28:bot' }, conversation: { id: 'a:personal', conversationType: 'personal', tenantId: 't' },
  value: { action: { type: 'Action.Execute', verb: 'tick', data: { verb: 'tick', d, k: 'clarify', s: 1, n: n % 2 } }, trigger: 'manual' },
});
const post = async (url: string, body: string) => {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await r.text();
  return r.status;
};
const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/`;

console.log(`Teams card-action turn latency, ${N} invokes per row; node ${process.version}`);
for await (const db of databases()) {
  const env = loadEnv({
    ...db.env, PORT: '0', HOST: '127.0.0.1', DIRECTORY_FILE: 'config/directory.example.yaml', SCHEDULER: 'off',
    TEAMS_CASE_CHANNEL_ID: '19:cases@thread.tacv2', TEAMS_SERVICE_URL: connector.url,
  });
  const bot = await startBot({ env, logger: createLogger('silent'), scheduler: false });
  try {
    const d = (await bot.app.service.raise({ personId: 'gus-hart', platform: 'teams' }, {
      ...fundingDispute(), parties: [{ organisationId: 'anytown-icb', role: 'RAISING' }, { organisationId: 'anytown-council', role: 'RESPONDING' }], namedProfessionals: [],
    })).dispute;
    const gus = bot.app.directory.people.find((p) => p.id === 'gus-hart')!;
    const url = `http://127.0.0.1:${bot.address.port}/api/messages`;
    console.log(`-- ${bot.app.db.description}`);
    for (const c of [1, 50]) {
      const full = await load(() => post(url, invoke(d.id, gus.handles.teams!)), c, N);
      const b = await load(() => post(bareUrl, invoke(d.id, gus.handles.teams!)), c, N);
      console.log(row(`${db.label.padEnd(16)} card action (checklist tick) c=${String(c).padEnd(3)}`, full, b));
    }
  } finally {
    await bot.stop();
    await db.cleanup();
  }
}
bareServer.close();
await connector.stop();
process.exit(0);
