import { fundingDispute } from '../fixtures/disputes.ts';
import { FakeClock } from '../fakes/clock.ts';
import { DATABASES, testApp, type TestApp } from '../helpers/app.ts';
import { checkHistory } from '../../src/app/history-chain.ts';
import type { Command } from '../../src/domain/commands.ts';
import type { Dispute } from '../../src/domain/types.ts';

// A command on a dispute the caller has just read (every click) writes as one statement, outside an interactive
// transaction (src/register/one-statement.ts). It must write exactly what the transaction writes, nothing at all when
// the copy it started from is stale or its key was already recorded, and still land once.

const as = (personId: string) => ({ personId, platform: 'slack' as const });
type Act = Exclude<Command, { type: 'RAISE' }>;
const tick = (ticked: boolean): Act => ({ type: 'TICK_CHECKLIST', stage: 1, key: 'clarify', ticked });
const STEPS: [string, Act][] = [
  ['gus-hart', tick(true)],
  ['ali-khan', { type: 'ADD_THEME', theme: 'placeholder', areas: ['QUALITY_IMPROVEMENT'] }],
  ['gus-hart', tick(false)],
  ['ali-khan', { type: 'ESCALATE', reason: 'No agreement on the funding split' }],
];

/** Everything written, without random ids and hashes (which cover them): disputes, history and the outbox. */
async function snapshot(app: TestApp) {
  const [d] = await app.service.all();
  const { id: _id, ...dispute } = d!;
  const history = await app.service.history(d!.id);
  const outbox = await app.db.prisma.outbox.findMany({ orderBy: { id: 'asc' } });
  return {
    dispute,
    chain: checkHistory(d!.id, history),
    history: history.map((h) => ({ seq: h.seq, type: h.type, at: h.at, actor: h.actorId, data: h.data })),
    outbox: outbox.map((o) => `${o.kind}:${o.notBefore.toISOString()}:${o.idempotencyKey.replace(/^[^:]+/, '')}`),
    processed: (await app.db.prisma.processedCommand.findMany({ orderBy: { key: 'asc' } })).map((p) => [p.key, p.result]),
  };
}

/** How many rows each table a command writes to holds. */
const counts = async (app: TestApp) => ({
  history: await app.db.prisma.historyEvent.count(), outbox: await app.db.prisma.outbox.count(),
  processed: await app.db.prisma.processedCommand.count(), ticked: await app.db.prisma.checklistItem.count({ where: { tickedAt: { not: null } } }),
});

describe.each(DATABASES)('a command written as one statement (%s)', (_name, make) => {
  let db: Awaited<ReturnType<(typeof DATABASES)[number][1]>>;
  let app: TestApp;
  beforeEach(async () => {
    db = await make();
    app = await testApp({ ...(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {}), clock: new FakeClock('2026-12-07T10:00:00Z') });
  });
  afterEach(async () => {
    await app.close();
    await db.cleanup();
  });

  it('[R11.1] writes exactly what the same commands write in a transaction', async () => {
    const other = await make();
    const viaTx = await testApp({ ...(other.databaseUrl ? { databaseUrl: other.databaseUrl } : {}), clock: new FakeClock('2026-12-07T10:00:00Z') });
    try {
      for (const a of [app, viaTx]) {
        const { dispute } = await a.service.raise(as('ali-khan'), fundingDispute());
        for (const [i, [who, cmd]] of STEPS.entries()) {
          a.clock.set(new Date(Date.UTC(2026, 11, 7, 11 + i)));
          // With the copy just read, as a click does: one statement. Without it, the store's transaction.
          const loaded = a === app ? (await a.service.get({ id: dispute.id }))! : undefined;
          const r = await a.service.act(as(who), { id: dispute.id }, cmd, { idempotencyKey: `k${i}`, ...(loaded ? { loaded } : {}) });
          expect(r.duplicate).toBe(false);
        }
      }
      const one = await snapshot(app);
      expect(one.history.map((h) => h.type)).toEqual(expect.arrayContaining(['CHECKLIST_TICKED', 'CHECKLIST_UNTICKED', 'ESCALATED']));
      expect(one.chain.intact).toBe(true);
      expect(one.dispute.stage).toBe(2);
      expect(one).toEqual(await snapshot(viaTx));
    } finally {
      await viaTx.close();
      await other.cleanup();
    }
  }, 180_000);

  it('[R11.1] writes nothing from a stale copy: the change is decided again on the dispute as it is now, and lands once', async () => {
    const { dispute } = await app.service.raise(as('ali-khan'), fundingDispute());
    const stale: Dispute = (await app.service.get({ id: dispute.id }))!;
    await app.service.act(as('ali-khan'), { id: dispute.id }, STEPS[1]![1]);
    const before = await counts(app);
    // Directly: the guarded write finds another version and writes nothing at all.
    await expect(app.store.oneStatement!(async (tx) => {
      const next = { ...stale, version: stale.version + 1 };
      await tx.save(stale, next);
      await tx.appendHistory(stale.id, [{ type: 'CHECKLIST_TICKED', data: { stage: 1, key: 'clarify' } }], { at: new Date(), actorId: 'gus-hart', platform: 'slack' });
      await tx.recordProcessed('direct', { disputeId: stale.id, notice: null }, new Date());
    })).rejects.toMatchObject({ name: 'WriteConflict', reason: 'version' });
    expect(await counts(app)).toEqual(before);
    // Through the use case: retried on the dispute as it is now, keeping the theme added meanwhile.
    const r = await app.service.act(as('gus-hart'), { id: dispute.id }, tick(true), { idempotencyKey: 'click', loaded: stale });
    expect(r.duplicate).toBe(false);
    expect(r.dispute.version).toBe(stale.version + 2);
    expect(r.dispute.themes.map((t) => t.theme)).toEqual(['placeholder']);
    const after = await counts(app);
    expect(after.ticked).toBe(before.ticked + 1);
    expect(after.processed).toBe(before.processed + 1);
    expect((await snapshot(app)).chain.intact).toBe(true);
  }, 120_000);

  it('[R5.2] a replayed click, from a fresh copy or a stale one, answers as the first did and writes nothing', async () => {
    const { dispute } = await app.service.raise(as('ali-khan'), fundingDispute());
    const stale = (await app.service.get({ id: dispute.id }))!;
    const first = await app.service.act(as('gus-hart'), { id: dispute.id }, tick(true), { idempotencyKey: 'teams:a1', loaded: stale });
    const before = await counts(app);
    // Fresh: ticking again would write nothing, so the key is looked up. Stale: the write is refused by the version.
    for (const loaded of [(await app.service.get({ id: dispute.id }))!, stale]) {
      const again = await app.service.act(as('gus-hart'), { id: dispute.id }, tick(true), { idempotencyKey: 'teams:a1', loaded });
      expect(again).toMatchObject({ duplicate: true, notice: first.notice });
      expect(again.dispute.version).toBe(first.dispute.version);
    }
    // A toggle that would write (untick) under the same key: the key's row refuses the whole statement.
    const fresh = (await app.service.get({ id: dispute.id }))!;
    const replay = await app.service.act(as('gus-hart'), { id: dispute.id }, tick(false), { idempotencyKey: 'teams:a1', loaded: fresh });
    expect(replay.duplicate).toBe(true);
    expect(await counts(app)).toEqual(before);
  }, 120_000);

  it('[R5.2] reads what a press that changes nothing asks (its key, the version, the dispute) as the transaction reads them', async () => {
    const { dispute } = await app.service.raise(as('ali-khan'), fundingDispute());
    await app.service.act(as('gus-hart'), { id: dispute.id }, tick(true), { idempotencyKey: "teams:it's" });
    await app.service.act(as('ali-khan'), { id: dispute.id }, STEPS[1]![1], { idempotencyKey: 'teams:noticed' });
    // The transaction's reads (Prisma), then the one statement's (the driver's prepared path, no Prisma).
    const read = async (tx: Parameters<Parameters<NonNullable<TestApp['store']['oneStatement']>>[0]>[0]) => ({
      keys: await Promise.all(["teams:it's", 'teams:noticed', 'teams:never'].map((k) => tx.processed(k))),
      version: await (tx.version ?? (async (id: string) => (await tx.load({ id }))?.version ?? null))(dispute.id),
      missing: await (tx.version ?? (async () => null))('no-such-dispute'),
      dispute: await tx.load({ id: dispute.id }),
      byReference: await tx.load({ reference: dispute.reference }),
    });
    const viaTx = await app.store.transaction(read);
    const viaOne = await app.store.oneStatement!(read);
    expect(viaOne).toEqual(viaTx);
    expect(viaOne.keys.map((k) => k?.disputeId ?? null)).toEqual([dispute.id, dispute.id, null]);
    expect(viaOne.version).toBe((await app.service.get({ id: dispute.id }))!.version);
    expect(viaOne.missing).toBeNull();
    // The press that changes nothing: answered without a write, and from the second time as the first.
    const before = await counts(app);
    const fresh = (await app.service.get({ id: dispute.id }))!;
    const again = await app.service.act(as('gus-hart'), { id: dispute.id }, tick(true), { idempotencyKey: 'teams:again', loaded: fresh });
    expect(again).toMatchObject({ duplicate: false });
    expect(again.dispute.version).toBe(fresh.version);
    expect((await counts(app)).history).toBe(before.history);
  }, 120_000);

  it('[R5.2] twin requests racing with the same key land once', async () => {
    const { dispute } = await app.service.raise(as('ali-khan'), fundingDispute());
    const before = await counts(app);
    const copy = (await app.service.get({ id: dispute.id }))!;
    const twins = await Promise.all([0, 1, 2].map(() => app.service.act(as('gus-hart'), { id: dispute.id }, tick(true), { idempotencyKey: 'twin', loaded: copy })));
    expect(twins.filter((t) => !t.duplicate)).toHaveLength(1);
    const after = await counts(app);
    expect(after.ticked - before.ticked).toBe(1);
    expect(after.processed - before.processed).toBe(1);
    expect(after.history - before.history).toBe(1);
  }, 120_000);
});
