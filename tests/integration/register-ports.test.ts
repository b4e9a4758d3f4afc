import { WriteConflict } from '../../src/app/dispute-store.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { DATABASES, testApp, type TestApp } from '../helpers/app.ts';

// The storage ports' implementations in src/register, on the real database
// (PGlite, and PostgreSQL when TEST_DATABASE_URL is set).
describe.each(DATABASES)('the register behind the storage ports (%s)', (_name, setup) => {
  let app: TestApp;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    const db = await setup();
    cleanup = db.cleanup;
    app = await testApp(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {});
  });
  afterEach(async () => {
    await app.close();
    await cleanup();
  });

  const raise = async () => (await app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute())).dispute;

  it('finds the dispute a platform knows by its channel or thread id', async () => {
    const d = await raise();
    await app.db.prisma.conversation.create({
      data: { disputeId: d.id, platform: 'elsewhere', ref: { id: 'C-case-1' }, externalId: 'C-case-1', createdAt: app.clock.now() },
    });
    expect(await app.conversations.disputeIdFor('elsewhere', 'C-case-1')).toBe(d.id);
    expect(await app.conversations.disputeIdFor('elsewhere', 'C-other')).toBeNull();
    expect(await app.conversations.disputeIdFor('slack', 'C-case-1')).toBeNull();
    expect(await app.service.disputeForSpace('elsewhere', 'C-case-1')).toMatchObject({ reference: d.reference });
  });

  it('refuses a stale write with WriteConflict and keeps nothing of it', async () => {
    const d = await raise();
    const stale = structuredClone(d);
    await app.service.act({ personId: 'ali-khan', platform: 'slack' }, { id: d.id }, { type: 'ADD_THEME', theme: 'first', areas: ['QUALITY_IMPROVEMENT'] });
    const next = { ...structuredClone(stale), version: stale.version + 1, description: 'written over a stale copy' };
    const write = app.store.transaction(async (tx) => {
      await tx.appendHistory(d.id, [{ type: 'CORRECTED', data: {} }], { at: app.clock.now(), actorId: 'ali-khan', platform: 'test' });
      await tx.save(stale, next);
    });
    await expect(write).rejects.toBeInstanceOf(WriteConflict);
    await expect(write).rejects.toMatchObject({ reason: 'version' });
    expect((await app.store.get({ id: d.id }))!.description).toBe(d.description);
    expect((await app.store.history(d.id)).some((h) => h.type === 'CORRECTED')).toBe(false);
  });

  it('acts from a copy the caller already read, and reads afresh when that copy has gone stale', async () => {
    const ali = { personId: 'ali-khan', platform: 'slack' } as const;
    const d = await raise();
    // Read by the caller, then changed by someone else before the caller acts.
    const stale = structuredClone(d);
    await app.service.act(ali, { id: d.id }, { type: 'ADD_THEME', theme: 'first', areas: ['QUALITY_IMPROVEMENT'] });
    const r = await app.service.act(ali, { id: d.id }, { type: 'ADD_THEME', theme: 'second', areas: ['QUALITY_IMPROVEMENT'] }, { loaded: stale });
    expect(r.dispute.version).toBe(d.version + 2);
    const now = (await app.store.get({ id: d.id }))!;
    expect(now.themes.map((t) => t.theme)).toEqual(expect.arrayContaining(['first', 'second']));
    // A fresh copy is used as it is: the third theme lands on top of both.
    const r3 = await app.service.act(ali, { id: d.id }, { type: 'ADD_THEME', theme: 'third', areas: ['QUALITY_IMPROVEMENT'] }, { loaded: now });
    expect(r3.dispute.version).toBe(d.version + 3);
    expect((await app.store.history(d.id)).filter((h) => h.type === 'THEME_ADDED')).toHaveLength(3);
  });

  it('decides again on the dispute as it is now when a stale copy would refuse or change nothing', async () => {
    const ali = { personId: 'ali-khan', platform: 'slack' } as const;
    const d = await raise();
    const stale = structuredClone(d);
    await app.service.act(ali, { id: d.id }, { type: 'ADD_THEME', theme: 'first', areas: ['QUALITY_IMPROVEMENT'] });
    // On this copy the theme is there already (nothing to write) and Ali takes no part (a refusal).
    const noOp = { ...structuredClone(stale), themes: [{ theme: 'second', addedBy: 'ali-khan', at: stale.raisedAt, areas: [] }] };
    const refusing = { ...structuredClone(stale), participants: [] };
    expect((await app.service.act(ali, { id: d.id }, { type: 'ADD_THEME', theme: 'second', areas: ['QUALITY_IMPROVEMENT'] }, { loaded: noOp })).notice).toBeNull();
    await app.service.act(ali, { id: d.id }, { type: 'ADD_THEME', theme: 'third', areas: ['QUALITY_IMPROVEMENT'] }, { loaded: refusing });
    expect((await app.store.get({ id: d.id }))!.themes.map((t) => t.theme).sort()).toEqual(['first', 'second', 'third']);
  });

  it('reports a twin request under the same idempotency key as a duplicate WriteConflict', async () => {
    const d = await raise();
    const write = () => app.store.transaction((tx) => tx.recordProcessed('twin-key', { disputeId: d.id, notice: null }, app.clock.now()));
    await write();
    await expect(write()).rejects.toMatchObject({ name: 'WriteConflict', reason: 'duplicate' });
    expect(await app.store.transaction((tx) => tx.processed('twin-key'))).toEqual({ disputeId: d.id, notice: null });
  });

  it('queues a one-off effect once per key', async () => {
    const effect = { kind: 'GOVERNANCE' as const, message: { title: 'Once', lines: [], mentions: [] }, notBefore: app.clock.now().toISOString() };
    expect(await app.store.hasQueued('once:1')).toBe(false);
    expect(await app.store.enqueueOnce('once:1', effect, app.clock.now())).toBe(true);
    expect(await app.store.enqueueOnce('once:1', effect, app.clock.now())).toBe(false);
    expect(await app.store.hasQueued('once:1')).toBe(true);
  });
});
