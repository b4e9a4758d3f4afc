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
import { compare, databases, forkTs, row, warmUp } from './lib.ts';

const N = Number(process.env.BENCH_N ?? 1000);
// BENCH_SETTLE=0: the bare app's rounds start while the bot may still be busy with the previous round (the older method).
const NO_SETTLE = process.env.BENCH_SETTLE === '0';
const connector = forkTs('./proc/fake-platform.ts', ['teams']);
const connectorUrl = ((await connector.first) as { url: string }).url;
const bare = forkTs('./proc/bare-cloud-adapter.ts');
const bareUrl = `http://127.0.0.1:${((await bare.first) as { port: number }).port}/`;

let n = 0;
const invoke = (d: string, aad: string) => JSON.stringify({
  type: 'invoke', name: 'adaptiveCard/action', id: `a${++n}`, channelId: 'msteams', serviceUrl: connectorUrl,
  from: { id: '29:gus', aadObjectId: aad }, recipient: { id: '28:bot' }, conversation: { id: 'a:personal', conversationType: 'personal', tenantId: 't' },
  value: { action: { type: 'Action.Execute', verb: 'tick', data: { verb: 'tick', d, k: 'clarify', s: 1, n: n % 2 } }, trigger: 'manual' },
});
const post = async (url: string, body: string) => {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await r.text();
  return r.status;
};

console.log(`Teams card-action turn latency, ${N} invokes per row; node ${process.version}`);
try {
  for await (const db of databases()) {
    const bot = forkTs('./proc/bot.ts');
    try {
      const started = await bot.send<{ port: number; description: string; localToken: string }>({
        op: 'start', at: new Date().toISOString(),
        env: {
          ...db.env, PORT: '0', HOST: '127.0.0.1', DIRECTORY_FILE: 'config/directory.example.yaml', SCHEDULER: 'off',
          TEAMS_CASE_CHANNEL_ID: '19:cases@thread.tacv2', TEAMS_SERVICE_URL: connectorUrl,
        },
      });
      // Real load: concurrent presses on different disputes (one each, round the list); a last row adds one dispute's
      // contention, which must stay exactly once rather than fast.
      const ids = (await bot.send<{ ids: string[] }>({
        op: 'raise', n: 50, platform: 'teams', personId: 'gus-hart',
        input: { parties: [{ organisationId: 'anytown-icb', role: 'RAISING' }, { organisationId: 'anytown-council', role: 'RESPONDING' }], namedProfessionals: [] },
      })).ids;
      const d = ids[0]!;
      let next = 0;
      const anyDispute = () => ids[next++ % ids.length]!;
      const gus = await bot.send<{ teams?: string }>({ op: 'handles', personId: 'gus-hart' });
      // Emulator mode answers this computer only, with the start's token in the address (as the Emulator keeps it).
      const url = `http://127.0.0.1:${started.port}/api/messages?token=${started.localToken}`;
      console.log(`-- ${started.description}`);
      await warmUp(() => post(url, invoke(anyDispute(), gus.teams!)), () => post(bareUrl, invoke(anyDispute(), gus.teams!)));
      await bot.send({ op: 'settle' });
      for (const [c, one] of [[1, false], [50, false], [50, true]] as const) {
        let settled = 0;
        const settle = async () => { if (NO_SETTLE) return; settled = Math.max(settled, (await bot.send<{ ms: number }>({ op: 'settle' })).ms); };
        const pick = () => (one ? d : anyDispute());
        const r = await compare(() => post(url, invoke(pick(), gus.teams!)), () => post(bareUrl, invoke(pick(), gus.teams!)), c, N, settle);
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
  await bare.stop();
  await connector.stop();
}
process.exit(0);
