import { fundingDispute } from '../fixtures/disputes.ts';
import { FakeClock } from '../fakes/clock.ts';
import { freshPostgres, PG_URL, testApp, type TestApp } from '../helpers/app.ts';

// PGlite has one connection, so real concurrency needs PostgreSQL (CI has one).
const pgDescribe = PG_URL ? describe : describe.skip;

// Disputes in the big race (S117_RACE_DISPUTES to try more or fewer).
// 100 racing disputes prove exactly-once as well as 200 and keep the suite inside CI's budget; S117_RACE_DISPUTES runs more.
const N = Number(process.env.S117_RACE_DISPUTES ?? 100);
pgDescribe('several bot replicas on one PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof freshPostgres>>;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    db = await freshPostgres();
    const clock = new FakeClock('2026-12-07T10:00:00Z');
    a = await testApp({ databaseUrl: db.url, clock });
    b = await testApp({ databaseUrl: db.url, clock });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await db.drop();
  });

  it(`[R5.2] escalates each of ${N} due disputes exactly once when two sweepers run in parallel`, async () => {
    for (let i = 0; i < N; i++) await a.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute());
    a.clock.set('2026-12-14T17:05:00Z');
    const [ra, rb] = await Promise.all([a.service.sweepDue(), b.service.sweepDue()]);
    expect(ra.failed + rb.failed).toBe(0);
    expect(ra.processed + rb.processed).toBe(N);
    // Both really worked: SKIP LOCKED shared the load rather than serialising it.
    expect(Math.min(ra.processed, rb.processed)).toBeGreaterThan(0);
    const perDispute = await a.db.prisma.historyEvent.groupBy({ by: ['disputeId'], where: { type: 'ESCALATED' }, _count: true });
    expect(perDispute).toHaveLength(N);
    expect(perDispute.every((g) => g._count === 1)).toBe(true);
    expect(await a.db.prisma.stageInstance.count({ where: { stage: 2 } })).toBe(N);
    const invites = await a.db.prisma.outbox.count({ where: { kind: 'INVITE' } });
    expect(invites).toBe(2 * N); // one at Stage 1, one at Stage 2, for each dispute
    // And the two deliverers send each notification once.
    a.clock.set('2026-12-15T09:00:00Z');
    const [da, dbb] = await Promise.all([a.dispatcher.deliverDue(1000), b.dispatcher.deliverDue(1000)]);
    const total = await a.db.prisma.outbox.count();
    const [da2, db2] = await Promise.all([a.dispatcher.deliverDue(1000), b.dispatcher.deliverDue(1000)]);
    expect(da.delivered + dbb.delivered + da2.delivered + db2.delivered).toBe(total);
    const keys = [...a.chat.calls, ...b.chat.calls].filter((c) => c.op !== 'openCaseSpace').map((c) => c.key);
    expect(new Set(keys).size).toBe(keys.length);
    const spaces = [...a.chat.ops('openCaseSpace'), ...b.chat.ops('openCaseSpace')];
    expect(spaces).toHaveLength(N);
    // Real work on a shared machine: minutes under load, never a measure of speed.
  }, 900_000);

  it('lets exactly one of two racing confirmations of the same organisation land', async () => {
    a.clock.set('2026-12-16T10:00:00Z');
    const d = (await a.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute())).dispute;
    await a.service.act({ personId: 'ali-khan', platform: 'slack' }, { id: d.id }, { type: 'PROPOSE_DECISION', input: { outcome: 'AGREEMENT', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 's', basisNeed: 'n', basisTests: 't', basisRisk: 'r' } });
    const confirm = { type: 'CONFIRM_DECISION' as const, seq: 1, organisationId: 'anytown-council' };
    await Promise.all([
      a.service.act({ personId: 'ali-khan', platform: 'slack' }, { id: d.id }, confirm),
      b.service.act({ personId: 'dee-obi', platform: 'teams' }, { id: d.id }, confirm),
    ]);
    expect(await a.db.prisma.confirmation.count({ where: { disputeId: d.id } })).toBe(1);
    expect(await a.db.prisma.historyEvent.count({ where: { disputeId: d.id, type: 'DECISION_CONFIRMED' } })).toBe(1);
  });
});
