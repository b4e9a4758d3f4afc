import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { FakeBotConnector, type ConnectorCall } from '../fakes/bot-connector.ts';
import { FakeClock } from '../fakes/clock.ts';
import { DIRECTORY, freshPostgres, PG_URL } from '../helpers/app.ts';
import { until } from '../helpers/wait.ts';

// Replicas need a real PostgreSQL (PGlite has one connection).
const pgDescribe = PG_URL ? describe : describe.skip;
const CASES = '19:cases@thread.tacv2';
const GOVERNANCE = '19:governance@thread.tacv2';
const as = { personId: 'ali-khan', platform: 'teams' as const };

const newThreadIn = (c: ConnectorCall) => (c.body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id ?? null;
const isCreate = (c: ConnectorCall) => c.method === 'POST' && !c.conversation;

pgDescribe('Teams delivery under Bot Connector faults, with three replicas on one PostgreSQL', () => {
  let connector: FakeBotConnector;
  let db: Awaited<ReturnType<typeof freshPostgres>>;
  let bots: Bot[] = [];
  beforeEach(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    db = await freshPostgres();
  });
  afterEach(async () => {
    connector.releaseHung();
    for (const b of bots) await b.stop();
    bots = [];
    await connector.stop();
    await db.drop();
  });

  it('[R5.2] delivers every Teams notification exactly once through 500s, 429s with Retry-After, hangs and slow, compressed answers', async () => {
    const clock = new FakeClock('2026-12-07T10:00:00Z');
    for (let i = 0; i < 3; i++) {
      bots.push(await startBot({
        env: loadEnv({
          PORT: '0', HOST: '127.0.0.1', DATABASE_URL: db.url, DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off', LOG_LEVEL: 'silent',
          TEAMS_CASE_CHANNEL_ID: CASES, TEAMS_SERVICE_URL: connector.url, MICROSOFT_APP_TENANT_ID: 'tenant-1', PUBLIC_URL: 'https://s117.example.nhs.uk',
          // A hung call gives up after this; the slow answer (150 ms) stays far inside it even on a busy machine, so a post
          // that was applied is never taken for a lost one and sent again.
          PLATFORM_CALL_TIMEOUT_MS: '2500', RATE_LIMIT_SCALE: '20',
        }),
        logger: createLogger('silent'), clock, scheduler: false,
      }));
    }
    // Every answer compressed, as Azure's front ends do when asked: exactly once must hold for them too.
    connector.compression = 'gzip';
    const prisma = bots[0]!.app.db.prisma;
    for (let i = 0; i < 4; i++) await bots[0]!.app.service.raise(as, fundingDispute());
    const round = async () => {
      clock.advanceMs(60_000);
      await Promise.all(bots.map((b) => b.app.dispatcher.deliverDue()));
    };

    connector.fault = { kind: '500' };
    for (let i = 0; i < 2; i++) await round();
    // An outage is not a failure: rows wait, nothing is failed.
    expect(await prisma.outbox.count({ where: { deliveredAt: null } })).toBeGreaterThan(0);
    expect(await prisma.outbox.count({ where: { failedAt: { not: null } } })).toBe(0);

    connector.fault = { kind: '429', retryAfter: 1 };
    const limitedFrom = connector.calls.length;
    for (let i = 0; i < 2; i++) await round();
    // A 429 holds every replica back from Teams for its Retry-After (held in the database, not per row).
    const limited = connector.calls.slice(limitedFrom);
    expect(limited.some((c) => c.status === 429)).toBe(true);
    expect((await prisma.rateLimit.findUnique({ where: { key: 'teams:*' } }))?.blockedUntil).toBeInstanceOf(Date);
    expect(await prisma.outbox.count({ where: { failedAt: { not: null } } })).toBe(0);

    for (const [fault, every] of [[{ kind: 'hang' }, 3], [{ kind: 'slow', ms: 150 }, 1], [{ kind: '500' }, 2]] as const) {
      connector.fault = fault;
      connector.faultEvery = every;
      for (let i = 0; i < 2; i++) await round();
    }
    connector.fault = null;
    connector.releaseHung();
    await until(async () => { await round(); return (await prisma.outbox.count({ where: { deliveredAt: null } })) === 0; }, 'every notification to be delivered', 240_000);

    // Exactly once, counted in what the connector did (failed and hung calls did nothing).
    expect(await prisma.outbox.findMany({ where: { failedAt: { not: null } }, select: { kind: true, lastError: true } })).toEqual([]);
    const applied = connector.calls.filter((c) => c.applied);
    const rows = async (kind: string) => prisma.outbox.count({ where: { kind } });
    const disputes = await prisma.dispute.count();
    // One case thread per dispute, whatever the retries.
    expect(applied.filter((c) => isCreate(c) && newThreadIn(c) === CASES)).toHaveLength(disputes);
    expect(applied.filter((c) => isCreate(c) && newThreadIn(c) === GOVERNANCE)).toHaveLength(await rows('GOVERNANCE'));
    // Every 1:1 message once: a DM is a new personal conversation carrying its message.
    expect(applied.filter((c) => isCreate(c) && !newThreadIn(c))).toHaveLength(await rows('DM'));
    // Every thread post once, and no post repeated in any thread (nor an apology for a failed one: nobody asked).
    const posts = applied.filter((c) => c.method === 'POST' && c.conversation);
    expect(posts).toHaveLength(await rows('POST'));
    const bodies = posts.map((c) => `${c.conversation} ${JSON.stringify(c.body.attachments)}`);
    expect(new Set(bodies).size).toBe(bodies.length);
    // Each dispute's stage card (the thread's root) is updated in place, never posted again; an update may be repeated harmlessly.
    const spaces = await prisma.conversation.findMany({ where: { platform: 'teams' } });
    expect(spaces.filter((s) => s.cardRef !== null && !(s.ref as { pending?: boolean }).pending)).toHaveLength(disputes);
    expect(applied.filter((c) => c.method === 'PUT').length).toBeGreaterThanOrEqual(await rows('REFRESH_CARD'));
  }, 600_000);
});
