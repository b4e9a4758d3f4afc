// Delivery through a Slack outage: BENCH_DISPUTES (default 500) Stage 1
// deadlines pass at once across three replicas on one PostgreSQL, while a
// fake Slack that enforces its published tier limits (times
// BENCH_RATE_SCALE) answers 500, then 429 with Retry-After, then hangs, then
// recovers. Prints notifications expected/delivered/duplicated/lost, the
// request rate while Slack said 429 against what Retry-After allows, and the
// drain time after recovery as a ratio to the rate-limit floor.
//
//   TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:outage
//   (BENCH_DISPUTES=100 for a quick run)
import { createLogger } from '../src/app/logger.ts';
import { loadEnv } from '../src/platforms.ts';
import { startBot, type Bot } from '../src/bot.ts';
import { slackBuckets } from '../src/adapters/slack/rate-tiers.ts';
import { FakeClock } from '../tests/fakes/clock.ts';
import { FakeSlackApi } from '../tests/fakes/slack-api.ts';
import { fundingDispute } from '../tests/fixtures/disputes.ts';
import { freshPostgres, PG_URL } from './lib.ts';

const DISPUTES = Number(process.env.BENCH_DISPUTES ?? 500);
const SCALE = Number(process.env.BENCH_RATE_SCALE ?? 4);
const PHASE_S = { outage: Number(process.env.BENCH_500_S ?? 4), limited: Number(process.env.BENCH_429_S ?? 6), hang: Number(process.env.BENCH_HANG_S ?? 3) };
const RETRY_AFTER_S = 2;
const out = (s: string) => process.stdout.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function replicas(n: number, url: string, fake: FakeSlackApi, clock: FakeClock, scale: number): Promise<Bot[]> {
  const env = loadEnv({
    PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url, DIRECTORY_FILE: 'config/directory.example.yaml', SCHEDULER: 'off', LOG_LEVEL: 'silent',
    SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: 'bench-secret', SLACK_API_URL: `${fake.url}/api/`,
    PLATFORM_CALL_TIMEOUT_MS: '2000', RATE_LIMIT_SCALE: String(scale), OUTBOX_CONCURRENCY: '8',
  });
  const bots: Bot[] = [];
  for (let i = 0; i < n; i++) bots.push(await startBot({ env, logger: createLogger('silent'), clock, scheduler: false }));
  return bots;
}

/** Each replica delivers in a loop until stopped, as the running bot's delivery loop does. */
function deliverLoops(bots: Bot[]): { stop: () => Promise<void> } {
  let running = true;
  const loops = bots.map(async (b) => {
    while (running) {
      const r = await b.app.dispatcher.deliverDue(200).catch((e: Error) => { process.stderr.write(`delivery failed: ${e.message}\n`); return { delivered: 0, retried: 0, failed: 0 }; });
      if (!r.delivered && !r.retried && !r.failed) await sleep(50);
    }
  });
  return { stop: async () => { running = false; await Promise.all(loops); } };
}

async function main(): Promise<void> {
  if (!PG_URL) { out('Set TEST_DATABASE_URL (or BENCH_DATABASE_URL) to a PostgreSQL server: replicas need one.'); return; }
  const fake = new FakeSlackApi();
  await fake.start();
  const db = await freshPostgres();
  const clock = new FakeClock('2026-12-07T10:00:00Z');
  // The protocol clock moves with real time, so backoffs and holds run out as they would.
  const ticker = setInterval(() => clock.advanceMs(250), 250);
  try {
    // Set-up, not measured: the disputes and their case spaces, delivered fast.
    let bots = await replicas(3, db.url, fake, clock, 1000);
    for (let i = 0; i < DISPUTES; i += 3 * 8) {
      await Promise.all(Array.from({ length: Math.min(24, DISPUTES - i) }, (_, k) => bots[k % 3]!.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute())));
    }
    let loops = deliverLoops(bots);
    for (;;) {
      const left = await bots[0]!.app.db.prisma.outbox.count({ where: { deliveredAt: null, failedAt: null } });
      if (!left) break;
      process.stderr.write(`set-up: ${left} notifications to deliver\r`);
      await sleep(1000);
    }
    await loops.stop();
    for (const b of bots) await b.stop();

    // The measured run: three fresh replicas at the bench's scale of Slack's limits.
    fake.enforceScale = SCALE;
    bots = await replicas(3, db.url, fake, clock, SCALE);
    clock.set('2026-12-15T09:00:00Z');
    const swept = await Promise.all(bots.map((b) => b.app.service.sweepDue()));
    const prisma = bots[0]!.app.db.prisma;
    const expected = await prisma.outbox.findMany({ where: { deliveredAt: null }, select: { idempotencyKey: true, kind: true } });
    out(`${swept.reduce((n, s) => n + s.processed, 0)} disputes escalated at once across 3 replicas; ${expected.length} notifications queued; Slack limits x${SCALE}.`);
    fake.clear();
    const startCalls = fake.calls.length;

    loops = deliverLoops(bots);
    fake.fault = { kind: '500' };
    await sleep(PHASE_S.outage * 1000);
    fake.fault = { kind: '429', retryAfter: RETRY_AFTER_S };
    const limitedFrom = fake.calls.length;
    const limitedStart = Date.now();
    await sleep(PHASE_S.limited * 1000);
    const limitedCalls = fake.calls.slice(limitedFrom);
    const limitedSeconds = (Date.now() - limitedStart) / 1000;
    fake.fault = { kind: 'hang' };
    await sleep(PHASE_S.hang * 1000);
    fake.fault = null;
    fake.releaseHung();
    const recovered = Date.now();
    const recoveredFrom = fake.calls.length;
    for (;;) {
      const left = await prisma.outbox.count({ where: { deliveredAt: null, failedAt: null } });
      if (!left) break;
      process.stderr.write(`draining: ${left} left\r`);
      await sleep(100);
    }
    const drain = (Date.now() - recovered) / 1000;
    await loops.stop();

    // Floor: the slowest bucket's share of the calls made after recovery, at the scaled published rate.
    const perBucket = new Map<string, { n: number; perMinute: number; burst: number }>();
    for (const c of fake.calls.slice(recoveredFrom)) {
      if (c.status !== 200) continue;
      for (const b of slackBuckets(c.method, typeof c.args.channel === 'string' ? c.args.channel : undefined)) {
        if (!b.perMinute) continue;
        const e = perBucket.get(b.key) ?? { n: 0, perMinute: b.perMinute, burst: b.burst ?? 0 };
        e.n++;
        perBucket.set(b.key, e);
      }
    }
    let floor = 0;
    let binding = '';
    for (const [key, b] of perBucket) {
      const f = Math.max(0, b.n - b.burst - 1) / (b.perMinute * SCALE / 60);
      if (f > floor) { floor = f; binding = `${key}: ${b.n} calls at ${b.perMinute * SCALE}/min`; }
    }

    const perKey = new Map<string, number>();
    for (const m of fake.posted()) {
      const key = (m.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key;
      if (key) perKey.set(key, (perKey.get(key) ?? 0) + 1);
    }
    const posting = expected.filter((r) => ['POST', 'DM', 'GOVERNANCE'].includes(r.kind) || r.kind === 'REFRESH_CARD');
    const delivered = await prisma.outbox.count({ where: { idempotencyKey: { in: expected.map((e) => e.idempotencyKey) }, deliveredAt: { not: null } } });
    const failed = await prisma.outbox.count({ where: { failedAt: { not: null } } });
    const duplicated = [...perKey.values()].filter((n) => n > 1).length;
    const lost = posting.filter((r) => r.kind !== 'REFRESH_CARD' && !perKey.has(r.idempotencyKey)).length + failed;
    const buckets = new Set(limitedCalls.flatMap((c) => slackBuckets(c.method, typeof c.args.channel === 'string' ? c.args.channel : undefined).slice(0, 1).map((b) => b.key)));
    const allowed = buckets.size * Math.ceil(limitedSeconds / RETRY_AFTER_S);
    out(`notifications: expected ${expected.length}, delivered ${delivered}, duplicated ${duplicated}, lost ${lost} (failed rows ${failed})`);
    out(`during 429 (Retry-After ${RETRY_AFTER_S} s, ${limitedSeconds.toFixed(1)} s): ${limitedCalls.length} requests = ${(limitedCalls.length / limitedSeconds).toFixed(2)}/s; Retry-After allows about ${allowed} (${buckets.size} method bucket(s) x one try per ${RETRY_AFTER_S} s) = ${(allowed / limitedSeconds).toFixed(2)}/s`);
    out(`drain after recovery: ${drain.toFixed(1)} s; rate-limit floor ${floor.toFixed(1)} s (${binding}); ratio ${floor ? (drain / floor).toFixed(2) : 'n/a'}`);
    out(`requests in the whole run: ${fake.calls.length - startCalls}; 429s from the fake's own limit enforcement after recovery: ${fake.calls.slice(recoveredFrom).filter((c) => c.status === 429).length}`);
    for (const b of bots) await b.stop();
  } finally {
    clearInterval(ticker);
    fake.releaseHung();
    await fake.stop();
    await db.drop();
  }
  process.exit(0);
}

await main();
