// CPU per Teams card action: the CPU time the bot's process (and the bare
// CloudAdapter's) spends per invoke, sequentially (c=1), including the work
// after the answer (the outbox's card refresh) that ends before the next
// settle. CPU time rather than wall time: on a shared, busy machine it is what
// stays put, and at c=50 the p99 ratio follows it.
//
//   BENCH_N=300 npm run bench:teams-cpu   (BENCH_PROFILE_DIR=/tmp/x: a V8 profile of the bot over the measured turns)
import { databases, forkTs, load } from './lib.ts';

const N = Number(process.env.BENCH_N ?? 300);
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
const cpu = async (c: { send<T>(r: object): Promise<T> }) => (await c.send<{ ms: number }>({ op: 'cpu' })).ms;
const loadavg = async () => (await import('node:os')).loadavg()[0]!.toFixed(1);

try {
  for await (const db of databases()) {
    const bot = forkTs('./proc/bot.ts');
    try {
      const started = await bot.send<{ port: number; localToken: string }>({
        op: 'start', at: new Date().toISOString(),
        env: { ...db.env, PORT: '0', HOST: '127.0.0.1', DIRECTORY_FILE: 'config/directory.example.yaml', SCHEDULER: 'off',
          TEAMS_CASE_CHANNEL_ID: '19:cases@thread.tacv2', TEAMS_SERVICE_URL: connectorUrl },
      });
      const ids = (await bot.send<{ ids: string[] }>({
        op: 'raise', n: 50, platform: 'teams', personId: 'gus-hart',
        input: { parties: [{ organisationId: 'anytown-icb', role: 'RAISING' }, { organisationId: 'anytown-council', role: 'RESPONDING' }], namedProfessionals: [] },
      })).ids;
      let next = 0;
      const any = () => ids[next++ % ids.length]!;
      const gus = await bot.send<{ teams?: string }>({ op: 'handles', personId: 'gus-hart' });
      const url = `http://127.0.0.1:${started.port}/api/messages?token=${started.localToken}`;
      await load(() => post(url, invoke(any(), gus.teams!)), 10, 300);
      await load(() => post(bareUrl, invoke(any(), gus.teams!)), 10, 300);
      await bot.send({ op: 'settle' });
      const la = await loadavg();
      const prof = process.env.BENCH_PROFILE_DIR;
      if (prof) await bot.send({ op: 'profile' });
      const b0 = await cpu(bot);
      await load(() => post(url, invoke(any(), gus.teams!)), 1, N);
      const b1 = await cpu(bot);
      await bot.send({ op: 'settle' });
      const b2 = await cpu(bot);
      if (prof) await bot.send({ op: 'profile', file: `${prof}/${db.label.split(' ').pop()}.cpuprofile` });
      const r0 = await cpu(bare);
      await load(() => post(bareUrl, invoke(any(), gus.teams!)), 1, N);
      const r1 = await cpu(bare);
      console.log(`${db.label.padEnd(16)} CPU per card action (c=1, ${N}): bot ${((b1 - b0) / N).toFixed(2)} ms during the turns, `
        + `${((b2 - b0) / N).toFixed(2)} ms with the work after them | bare ${((r1 - r0) / N).toFixed(2)} ms | load ${la}`);
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
