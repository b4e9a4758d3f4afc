import { fundingDispute } from '../fixtures/disputes.ts';
import { FakeClock } from '../fakes/clock.ts';
import { DATABASES, testApp, type TestApp } from '../helpers/app.ts';
import { OutboxStore } from '../../src/register/outbox-store.ts';
import { DbRateLimitStore } from '../../src/register/rate-limit-store.ts';

// The outbox's statements for every notification (claim, delivered, failed, the case space and its card, a shared
// space, a rate-limit slot) run on the driver's prepared path, not through Prisma. The `pg` driver reads timestamp
// columns in the process's time zone and int8 as strings: each statement must give what Prisma gives, on both
// databases, and hand the driver no timestamp or int8 column to read at all (so the time zone the bot runs in cannot
// matter; the tests run in UTC, where a local-time reading would go unnoticed).

const as = (personId: string) => ({ personId, platform: 'slack' as const });

describe.each(DATABASES)('the outbox\'s statements without Prisma (%s)', (_name, make) => {
  let db: Awaited<ReturnType<(typeof DATABASES)[number][1]>>;
  let app: TestApp;
  let store: OutboxStore;
  /** Every row the prepared path handed back, as the driver parsed it. */
  const seen: Record<string, unknown>[] = [];
  beforeAll(async () => {
    db = await make();
    app = await testApp({ ...(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {}), clock: new FakeClock('2026-12-07T10:00:00.123Z') });
    const prepared = app.db.sql.prepared!.bind(app.db.sql);
    app.db.sql.prepared = async <T>(text: string, params: (string | number | null)[]) => {
      const rows = await prepared<T>(text, params);
      seen.push(...(rows as Record<string, unknown>[]));
      return rows;
    };
    store = new OutboxStore(app.db);
  });
  afterEach(() => {
    // No column the driver would have read as a local-time Date or an int8 string (ids come back as text, by name).
    for (const r of seen.splice(0)) {
      for (const [k, v] of Object.entries(r)) {
        expect([k, v instanceof Date]).toEqual([k, false]);
        if (typeof v === 'string' && /^\d+$/.test(v)) expect(['id', 'covers']).toContain(k);
      }
    }
  });
  afterAll(async () => {
    await app.close();
    await db.cleanup();
  });

  it('claims a row as Prisma reads it: a bigint id, UTC dates, JSON, the token and the lease', async () => {
    await app.service.raise(as('ali-khan'), fundingDispute());
    const now = app.clock.now();
    // An earlier try that was cut off: the claim says so, and keeps when it was first tried.
    const first = await app.db.prisma.outbox.findFirstOrThrow({ orderBy: { id: 'asc' } });
    const firstTried = new Date(now.getTime() - 61_000);
    await app.db.prisma.outbox.update({ where: { id: first.id }, data: { inFlightSince: firstTried, firstTriedAt: firstTried, attempts: 1, platformRef: { id: 'C1' } } });
    seen.length = 0;
    const row = (await store.claim(now, 60_000))!;
    expect(seen).toHaveLength(1);
    const prisma = await app.db.prisma.outbox.findUniqueOrThrow({ where: { id: row.id } });
    expect(typeof row.id).toBe('bigint');
    expect(row).toEqual({
      id: prisma.id, idempotencyKey: prisma.idempotencyKey, disputeId: prisma.disputeId, kind: prisma.kind, payload: prisma.payload,
      platform: prisma.platform, attempts: 2, failures: prisma.failures, notBefore: prisma.notBefore, firstTriedAt: firstTried,
      uncertain: true, platformRef: { id: 'C1' }, claimToken: prisma.claimToken, covers: null,
    });
    expect(row.notBefore).toEqual(now);
    expect(prisma.claimedUntil).toEqual(new Date(now.getTime() + 60_000));
    expect(prisma.inFlightSince).toEqual(firstTried);

    // Delivered: the row's marks as Prisma reads them.
    const later = new Date(now.getTime() + 1234);
    expect(await store.delivered(row, later)).toBe(0);
    const done = await app.db.prisma.outbox.findUniqueOrThrow({ where: { id: row.id } });
    expect(done).toMatchObject({ deliveredAt: later, claimedUntil: null, claimToken: null, inFlightSince: null, lastError: null });

    // Failed: the time and the reason, guarded by the claim.
    const next = (await store.claim(now, 60_000))!;
    await store.fail({ ...next, claimToken: 'not-the-token' }, later, 'refused');
    expect((await app.db.prisma.outbox.findUniqueOrThrow({ where: { id: next.id } })).failedAt).toBeNull();
    // A NUL (which a text column cannot hold, and the embedded database's literals refuse) is dropped, not fatal.
    await store.fail(next, later, "it's\u0000 refused");
    expect(await app.db.prisma.outbox.findUniqueOrThrow({ where: { id: next.id } })).toMatchObject({ failedAt: later, lastError: "it's refused", claimToken: null });
  }, 600_000);

  it('reads a case space and keeps its card as Prisma does', async () => {
    const { dispute } = await app.service.raise(as('ali-khan'), fundingDispute());
    const made = new Date('2026-12-07T09:59:58.456Z');
    await app.db.prisma.conversation.create({ data: { disputeId: dispute.id, platform: 'teams', ref: { id: '19:x', name: 'n' }, createdAt: made } });
    expect(await store.caseSpace(dispute.id, 'teams')).toEqual({ ref: { id: '19:x', name: 'n' }, cardRef: null, createdAt: made });
    await store.setCard(dispute.id, 'teams', { id: "1'2" });
    const c = await app.db.prisma.conversation.findUniqueOrThrow({ where: { disputeId_platform: { disputeId: dispute.id, platform: 'teams' } } });
    expect(c.cardRef).toEqual({ id: "1'2" });
    expect(await store.caseSpace(dispute.id, 'teams')).toEqual({ ref: c.ref, cardRef: c.cardRef, createdAt: c.createdAt });
    expect(await store.caseSpace(dispute.id, 'nowhere')).toBeNull();
    await expect(store.setCard(dispute.id, 'nowhere', { id: '1' })).rejects.toThrow(/no nowhere case space is recorded/);
  }, 600_000);

  it('reads a shared space as Prisma does', async () => {
    const { dispute } = await app.service.raise(as('ali-khan'), fundingDispute());
    const share = await store.startShare(dispute.id, 'slack:T2', 'slack:T1', 'C9', app.clock.now());
    await store.noteShareInvites(dispute.id, 'slack:T2', ['I1'], ['bea-jones']);
    const viaPrisma = await app.db.prisma.sharedSpace.findUniqueOrThrow({ where: { disputeId_home: { disputeId: dispute.id, home: 'slack:T2' } } });
    expect(await store.sharedSpace(dispute.id, 'slack:T2')).toEqual({
      disputeId: dispute.id, home: 'slack:T2', host: 'slack:T1', state: 'pending', channel: 'C9', inviteIds: viaPrisma.inviteIds, people: viaPrisma.people, reason: null, createdAt: viaPrisma.createdAt,
    });
    expect(share.state).toBe('pending');
    expect(await store.sharedSpace(dispute.id, 'slack:T3')).toBeNull();
  }, 600_000);

  it('takes rate-limit slots and reads a hold in UTC', async () => {
    const limits = new DbRateLimitStore(app.db);
    const now = new Date('2026-12-07T10:00:00.500Z');
    // Two a second with a burst of one: two go now, the third waits half a second.
    expect(await limits.take('t:k', now, 500, 1)).toBe(0);
    expect(await limits.take('t:k', now, 500, 1)).toBe(0);
    expect(await limits.take('t:k', now, 500, 1)).toBe(500);
    expect((await app.db.prisma.rateLimit.findUniqueOrThrow({ where: { key: 't:k' } })).tat).toEqual(new Date(now.getTime() + 1000));
    // A Retry-After holds it: the wait is the hold's, read as UTC (a local-time reading would be hours off).
    await limits.hold('t:k', new Date(now.getTime() + 30_000));
    expect(seen.length).toBeGreaterThan(0);
    expect(await limits.take('t:k', now, 500, 1)).toBe(30_000);
    expect(await limits.take('t:k', new Date(now.getTime() + 31_000), 500, 1)).toBe(0);
  }, 600_000);
});

describe.each(DATABASES)('card refreshes of one dispute coalesce (%s)', (_name, make) => {
  let db: Awaited<ReturnType<(typeof DATABASES)[number][1]>>;
  let app: TestApp;
  beforeEach(async () => {
    db = await make();
    app = await testApp({ ...(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {}) });
  });
  afterEach(async () => {
    await app.close();
    await db.cleanup();
  });

  const tick = (id: string, key: string, ticked = true) =>
    app.service.act(as('gus-hart'), { id }, { type: 'TICK_CHECKLIST', stage: 1, key, ticked });
  const refreshes = () => app.chat.calls.filter((c) => c.op === 'updateCard' || c.op === 'postCard');

  it('N quick changes give one refresh, showing the last state, and every row is done', async () => {
    const { dispute } = await app.service.raise(as('ali-khan'), fundingDispute());
    await app.dispatcher.deliverDue();
    const before = refreshes().length;
    const items = dispute.checklist.filter((c) => c.stage === 1).map((c) => c.key);
    expect(items.length).toBeGreaterThan(1);
    for (const key of items) await tick(dispute.id, key);
    await tick(dispute.id, items[0]!, false);
    const queued = await app.db.prisma.outbox.count({ where: { kind: 'REFRESH_CARD', deliveredAt: null } });
    expect(queued).toBe(items.length + 1);
    const r = await app.dispatcher.deliverDue();
    expect(r.delivered).toBe(queued);
    const sent = refreshes().slice(before);
    expect(sent).toHaveLength(1);
    // The last state: every item ticked but the first, unticked last.
    expect(sent[0]!.view!.checklist.filter((c) => items.includes(c.key)).map((c) => [c.key, c.done]))
      .toEqual(items.map((k, i) => [k, i !== 0]));
    expect(await app.db.prisma.outbox.count({ where: { deliveredAt: null } })).toBe(0);
  }, 600_000);

  it('loses nothing when the deliverer dies between the claim and the delivered mark', async () => {
    const { dispute } = await app.service.raise(as('ali-khan'), fundingDispute());
    await app.dispatcher.deliverDue();
    const before = refreshes().length;
    const items = dispute.checklist.filter((c) => c.stage === 1).map((c) => c.key);
    await tick(dispute.id, items[0]!);
    await tick(dispute.id, items[1]!);
    // A deliverer claims the first refresh (covering the second), then dies before sending or marking anything.
    const store = new OutboxStore(app.db);
    const claimed = (await store.claim(app.clock.now(), 60_000))!;
    expect(claimed.kind).toBe('REFRESH_CARD');
    expect(claimed.covers).not.toBeNull();
    // Meanwhile another change: its refresh is not covered by that claim (the card was not read after it).
    await tick(dispute.id, items[0]!, false);
    expect(await app.dispatcher.deliverDue()).toMatchObject({ delivered: 0 });
    // The claim runs out; the row comes back as a retry, which covers nothing (its earlier try may have posted the
    // card and a retry then sends nothing new), so the refreshes behind it go as one of their own, once.
    app.clock.advanceMs(61_000);
    const r = await app.dispatcher.deliverDue();
    expect(r.delivered).toBe(3);
    const sent = refreshes().slice(before);
    expect(sent).toHaveLength(2);
    expect(sent.at(-1)!.view!.checklist.filter((c) => c.key === items[0] || c.key === items[1]).map((c) => c.done)).toEqual([false, true]);
    expect(await app.db.prisma.outbox.count({ where: { deliveredAt: null } })).toBe(0);
  }, 600_000);

  it('a retried refresh covers nothing: its earlier try may have posted the first card, which a retry does not post again', async () => {
    const { dispute } = await app.service.raise(as('ali-khan'), fundingDispute());
    await app.dispatcher.deliverDue();
    const items = dispute.checklist.filter((c) => c.stage === 1).map((c) => c.key);
    await tick(dispute.id, items[0]!);
    await tick(dispute.id, items[1]!);
    const store = new OutboxStore(app.db);
    const first = (await store.claim(app.clock.now(), 60_000))!;
    expect(first.covers).not.toBeNull();
    // The first try posted the card and was cut off before its delivered mark (a 429 on pins.add, a crash): the
    // platform's reference is kept and the row retried.
    await store.keepRef(first, { id: 'C1', ts: '1.0' });
    await store.retry(first, { at: app.clock.now(), error: 'pins.add: ratelimited', uncertain: false, countsAsFailure: true });
    const again = (await store.claim(app.clock.now(), 60_000))!;
    expect(again.id).toBe(first.id);
    expect(again.covers).toBeNull();
    expect(await store.delivered(again, app.clock.now())).toBe(0);
    // The refresh behind it is still pending, and goes with the state as it now is.
    expect(await app.db.prisma.outbox.count({ where: { kind: 'REFRESH_CARD', deliveredAt: null } })).toBe(1);
  }, 600_000);

  it('covers only the refreshes queued when it was claimed, and never one behind a post', async () => {
    const { dispute } = await app.service.raise(as('ali-khan'), fundingDispute());
    await app.dispatcher.deliverDue();
    const items = dispute.checklist.filter((c) => c.stage === 1).map((c) => c.key);
    await tick(dispute.id, items[0]!);
    const store = new OutboxStore(app.db);
    const claimed = (await store.claim(app.clock.now(), 60_000))!;
    expect(claimed.covers).toBeNull();
    // A refresh queued after the claim stays pending after the delivered mark, and goes on its own.
    await tick(dispute.id, items[1]!);
    expect(await store.delivered(claimed, app.clock.now())).toBe(0);
    expect(await app.db.prisma.outbox.count({ where: { kind: 'REFRESH_CARD', deliveredAt: null } })).toBe(1);
    await app.dispatcher.deliverDue();

    // refresh, post, refresh: the post stays between the two cards.
    await tick(dispute.id, items[0]!, false);
    const at = app.clock.now();
    await app.db.prisma.outbox.create({ data: { idempotencyKey: 'a-post', disputeId: dispute.id, kind: 'POST', payload: { kind: 'POST', message: { title: 'Note', text: 'x', mentions: [] } }, notBefore: at, nextAttemptAt: at } });
    await tick(dispute.id, items[1]!, false);
    const head = (await store.claim(app.clock.now(), 60_000))!;
    expect(head.kind).toBe('REFRESH_CARD');
    expect(head.covers).toBeNull();
    await store.delivered(head, app.clock.now());
    expect(await app.db.prisma.outbox.count({ where: { deliveredAt: null } })).toBe(2);
  }, 600_000);
});
