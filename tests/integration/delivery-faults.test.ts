import { spawn } from 'node:child_process';
import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import type { Clock } from '../../src/app/ports.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { FakeClock } from '../fakes/clock.ts';
import { ShiftedClock } from '../fakes/shifted-clock.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { DIRECTORY, freshPostgres, PG_URL } from '../helpers/app.ts';
import { SIGNING_SECRET } from '../helpers/slack.ts';
import { until } from '../helpers/wait.ts';

// Replicas need a real PostgreSQL (PGlite has one connection).
const pgDescribe = PG_URL ? describe : describe.skip;
const as = { personId: 'ali-khan', platform: 'slack' as const };

function replicaEnv(dbUrl: string, fake: FakeSlackApi): Record<string, string> {
  return {
    PORT: '0', HOST: '127.0.0.1', DATABASE_URL: dbUrl, DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off', LOG_LEVEL: 'silent',
    SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${fake.url}/api/`,
    // A short call timeout turns hangs into retries quickly; limits scaled up keep the run short.
    PLATFORM_CALL_TIMEOUT_MS: '400', RATE_LIMIT_SCALE: '20',
  };
}

/** Every notification reached Slack exactly once: one message per key, one channel per dispute, nothing failed or left. */
async function expectExactlyOnce(bot: Bot, fake: FakeSlackApi): Promise<void> {
  const prisma = bot.app.db.prisma;
  expect(await prisma.outbox.count({ where: { deliveredAt: null } })).toBe(0);
  expect(await prisma.outbox.findMany({ where: { failedAt: { not: null } }, select: { kind: true, lastError: true } })).toEqual([]);
  const perKey = new Map<string, number>();
  for (const m of fake.posted()) {
    const key = (m.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key;
    if (key) perKey.set(key, (perKey.get(key) ?? 0) + 1);
  }
  expect([...perKey].filter(([, n]) => n !== 1)).toEqual([]);
  const posting = await prisma.outbox.findMany({ where: { kind: { in: ['POST', 'DM', 'GOVERNANCE'] } } });
  expect(posting.filter((r) => !perKey.has(r.idempotencyKey)).map((r) => r.idempotencyKey)).toEqual([]);
  const disputes = await prisma.dispute.findMany({ select: { reference: true } });
  for (const d of disputes) {
    expect(fake.channelNames().filter((n) => n.startsWith(d.reference.toLowerCase()))).toHaveLength(1);
  }
  const spaces = await prisma.conversation.findMany();
  expect(spaces.filter((c) => c.cardRef !== null && !(c.ref as { pending?: boolean }).pending)).toHaveLength(disputes.length);
}

pgDescribe('delivery under platform faults, with three replicas on one PostgreSQL', () => {
  let fake: FakeSlackApi;
  let db: Awaited<ReturnType<typeof freshPostgres>>;
  let bots: Bot[] = [];
  beforeEach(async () => {
    fake = new FakeSlackApi();
    await fake.start();
    db = await freshPostgres();
  });
  afterEach(async () => {
    fake.releaseHung();
    for (const b of bots) await b.stop();
    bots = [];
    await fake.stop();
    await db.drop();
  });

  const start = async (n: number, clock: Clock) => {
    for (let i = 0; i < n; i++) {
      bots.push(await startBot({ env: loadEnv(replicaEnv(db.url, fake)), logger: createLogger('silent'), clock, scheduler: false }));
    }
  };
  const undelivered = () => bots[0]!.app.db.prisma.outbox.count({ where: { deliveredAt: null } });

  it('[R5.2] delivers every notification exactly once through 500s, 429s, hangs, slow answers and calls applied then failed', async () => {
    const clock = new FakeClock('2026-12-07T10:00:00Z');
    await start(3, clock);
    for (let i = 0; i < 4; i++) await bots[0]!.app.service.raise(as, fundingDispute());
    const round = async () => {
      clock.advanceMs(60_000);
      await Promise.all(bots.map((b) => b.app.dispatcher.deliverDue()));
    };
    fake.fault = { kind: '500' };
    for (let i = 0; i < 3; i++) await round();
    // An outage is not a failure: rows wait, spending attempts only on real failures.
    const afterOutage = await bots[0]!.app.db.prisma.outbox.findMany({ where: { deliveredAt: null } });
    expect(afterOutage.length).toBeGreaterThan(0);
    expect(afterOutage.filter((r) => r.failedAt)).toEqual([]);
    expect(afterOutage.some((r) => r.failures > 0)).toBe(true);

    for (const [fault, every] of [[{ kind: '429', retryAfter: 1 }, 1], [{ kind: 'apply-then-fail' }, 2], [{ kind: 'hang' }, 3], [{ kind: 'slow', ms: 150 }, 1]] as const) {
      fake.fault = fault;
      fake.faultEvery = every;
      for (let i = 0; i < 3; i++) await round();
    }
    fake.fault = null;
    fake.releaseHung();
    await until(async () => { await round(); return (await undelivered()) === 0; }, 'every notification to be delivered', 240_000);
    await expectExactlyOnce(bots[0]!, fake);
  }, 600_000);

  it('[R5.2] a replica killed with SIGKILL after Slack applied its post loses nothing and repeats nothing', async () => {
    const at = Date.parse('2026-12-07T10:00:00Z');
    const epoch = Date.now();
    const clock = new ShiftedClock(at, epoch);
    await start(2, clock);
    for (let i = 0; i < 3; i++) await bots[0]!.app.service.raise(as, fundingDispute());
    // The child's posts reach Slack and are kept, but it never hears back.
    fake.fault = { kind: 'apply-then-hang' };
    fake.faultMethods = ['chat.postMessage'];
    fake.faultEvery = 2;
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/fakes/replica-child.ts'], {
      env: { ...process.env, ...replicaEnv(db.url, fake), PLATFORM_CALL_TIMEOUT_MS: '600000', S117_TEST_AT: String(at), S117_TEST_EPOCH: String(epoch) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c) => { err += String(c); });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await until(() => fake.hung.length >= 1 || child.exitCode !== null, 'the child to be cut off mid-post', 120_000);
      expect(err).toBe('');
      expect(fake.hung.length).toBeGreaterThanOrEqual(1);
    } finally {
      child.kill('SIGKILL');
    }
    await exited;
    fake.fault = null;
    fake.releaseHung();
    // Its lease runs out; the survivors take its rows, look up what it posted, and post the rest.
    clock.skip(61_000);
    await until(async () => {
      await Promise.all(bots.map((b) => b.app.dispatcher.deliverDue()));
      return (await undelivered()) === 0;
    }, 'the survivors to deliver everything', 240_000);
    // They looked before re-posting what the dead replica had sent.
    expect(fake.of('conversations.history').length).toBeGreaterThan(0);
    await expectExactlyOnce(bots[0]!, fake);
  }, 600_000);
});
