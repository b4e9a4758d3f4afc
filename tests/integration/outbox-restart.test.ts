import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fundingDispute } from '../fixtures/disputes.ts';
import { FakeClock } from '../fakes/clock.ts';
import { RecordingChatPort } from '../fakes/recording-chat-port.ts';
import { freshPostgres, PG_URL, testApp, type TestApp } from '../helpers/app.ts';

const as = (personId: string) => ({ personId, platform: 'slack' as const });

describe('the outbox', () => {
  let app: TestApp;
  afterEach(async () => { await app.close(); });

  it('retries a rate-limited platform after its Retry-After, with the same idempotency key, and delivers once', async () => {
    app = await testApp();
    await app.service.raise(as('ali-khan'), fundingDispute());
    app.chat.failNext(2, { retryAfterMs: 30_000 });
    const first = await app.dispatcher.deliverDue();
    expect(first.retried).toBe(2);
    const failed = await app.db.prisma.outbox.findMany({ where: { lastError: { not: null } } });
    expect(failed.map((f) => f.lastError)).toEqual(['ratelimited (429)', 'ratelimited (429)']);
    app.clock.advanceMs(29_000);
    expect((await app.dispatcher.deliverDue()).delivered).toBe(0);
    app.clock.advanceMs(2_000);
    expect((await app.dispatcher.deliverDue()).delivered).toBe(2);
    for (const f of failed) {
      const row = await app.db.prisma.outbox.findUniqueOrThrow({ where: { id: f.id } });
      expect(row).toMatchObject({ attempts: 2, deliveredAt: expect.any(Date) });
    }
    expect(app.chat.ops('openCaseSpace')).toHaveLength(1);
    const keys = app.chat.calls.map((c) => `${c.op}:${c.key}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives up on a permanent error, keeps the reason, and does not block the rest', async () => {
    app = await testApp();
    await app.service.raise(as('ali-khan'), fundingDispute());
    app.chat.failNext(1, { retryable: false });
    const r = await app.dispatcher.deliverDue();
    expect(r.failed).toBe(1);
    expect(r.delivered).toBeGreaterThan(0);
    const failed = await app.db.prisma.outbox.findMany({ where: { failedAt: { not: null } } });
    expect(failed).toHaveLength(1);
    expect(failed[0]!.lastError).toMatch(/channel_not_found/);
  });
});

describe('restarts', () => {
  const dirs: string[] = [];
  afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

  async function restartScenario(target: { dataDir?: string; databaseUrl?: string }) {
    const clock = new FakeClock('2026-12-07T10:00:00Z');
    const chat = new RecordingChatPort();
    const first = await testApp({ ...target, clock, chat });
    // Five disputes raised a day apart, so their Stage 1 deadlines fall in that order.
    const refs: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock.set(new Date(Date.UTC(2026, 11, 7 + i, 10)));
      refs.push((await first.service.raise(as('ali-khan'), fundingDispute())).dispute.reference);
    }
    await first.dispatcher.deliverDue();
    // A notification claimed by a deliverer that then died: committed, never sent.
    await first.service.act(as('ali-khan'), { reference: refs[0]! }, { type: 'ADD_THEME', theme: 'placeholder' });
    await first.service.act(as('gus-hart'), { reference: refs[0]! }, { type: 'TICK_CHECKLIST', stage: 1, key: 'clarify', ticked: true });
    await first.db.prisma.$executeRaw`UPDATE "Outbox" SET "claimedUntil" = ${new Date(clock.now().getTime() + 60_000)}, "attempts" = 1 WHERE "deliveredAt" IS NULL`;
    const stranded = await first.db.prisma.outbox.findMany({ where: { deliveredAt: null } });
    expect(stranded.length).toBeGreaterThan(0);
    await first.close();

    // The bot was down for a month.
    clock.set('2027-01-08T10:00:00Z');
    const second = await testApp({ ...target, clock, chat });
    try {
      const r = await second.scheduler.tick();
      expect(r.swept).toBe(5);
      const all = await second.service.all();
      expect(all.map((d) => d.stage)).toEqual([3, 3, 3, 3, 3]);
      // Caught up in deadline order: Stage 2 began for each dispute in the order of its Stage 1 deadline.
      const order = await second.db.prisma.historyEvent.findMany({ where: { type: 'ESCALATED' }, orderBy: [{ at: 'asc' }] });
      const stage2 = await second.db.prisma.outbox.findMany({ where: { kind: 'INVITE' }, orderBy: { id: 'asc' } });
      const byDispute = new Map(all.map((d) => [d.id, d.reference]));
      const firstInvites = stage2.filter((o) => (o.payload as { personIds: string[] }).personIds.includes('bea-jones')).map((o) => byDispute.get(o.disputeId!));
      expect(firstInvites).toEqual(refs);
      expect(order).toHaveLength(10);
      // The stranded notification was delivered once after its claim ran out.
      for (const s of stranded) {
        expect(chat.calls.filter((c) => c.key === s.idempotencyKey)).toHaveLength(1);
      }
      const again = await second.scheduler.tick();
      expect(again.swept).toBe(0);
    } finally {
      await second.close();
    }
  }

  it('[R5.2] catches up on PGlite after a restart, in deadline order, losing and repeating nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-restart-'));
    dirs.push(dir);
    await restartScenario({ dataDir: dir });
  });

  (PG_URL ? it : it.skip)('[R5.2] catches up on PostgreSQL after a restart, in deadline order, losing and repeating nothing', async () => {
    const db = await freshPostgres();
    try {
      await restartScenario({ databaseUrl: db.url });
    } finally {
      await db.drop();
    }
  });
});
