import { fundingDispute } from '../fixtures/disputes.ts';
import { FakeClock } from '../fakes/clock.ts';
import { DATABASES, testApp, type TestApp } from '../helpers/app.ts';
import { checkHistory } from '../../src/app/history-chain.ts';

// The sweep writes many disputes per transaction in a few bulk statements.
// What it writes must be exactly what one-by-one writing gives, and one
// dispute that cannot be written must not hold back the others.

const RAISED = '2026-12-07T10:00:00Z';
const SWEPT = '2026-12-14T17:05:00Z';
const N = 7;

/** Everything the sweep wrote, without the random ids. */
async function snapshot(app: TestApp) {
  const disputes = (await app.service.all()).map(({ id: _id, ...d }) => d).sort((a, b) => a.reference.localeCompare(b.reference));
  const history = (await app.db.prisma.historyEvent.findMany({ include: { dispute: { select: { reference: true } } } }))
    .sort((a, b) => a.dispute.reference.localeCompare(b.dispute.reference) || a.seq - b.seq);
  const refs = new Map((await app.db.prisma.dispute.findMany({ select: { id: true, reference: true } })).map((d) => [d.id, d.reference]));
  const outbox = await app.db.prisma.outbox.findMany();
  // Hashes cover the random ids, so compare what verifying them finds: the batched chain must check out like the other.
  const chains = await Promise.all((await app.service.all()).map(async (d) => checkHistory(d.id, await app.service.history(d.id))));
  return {
    disputes,
    chains,
    history: history.map((h) => ({ ref: h.dispute.reference, seq: h.seq, type: h.type, at: h.at, actor: h.actorId, data: h.data })),
    outbox: outbox.map((o) => `${refs.get(o.disputeId ?? '')}:${o.kind}:${o.notBefore.toISOString()}:${o.idempotencyKey.replace(/^[^:]+/, '')}`).sort(),
  };
}

describe.each(DATABASES)('the sweep in batches (%s)', (_name, make) => {
  it('[R5.2] writes exactly what one-dispute-at-a-time writing writes', async () => {
    const snaps = [];
    for (const batch of [1, 3]) {
      const db = await make();
      const app = await testApp({ ...(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {}), clock: new FakeClock(RAISED) });
      try {
        for (let i = 0; i < N; i++) await app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute());
        app.clock.set(SWEPT);
        expect(await app.service.sweepDue({ batch })).toEqual({ processed: N, failed: 0 });
        // Nothing is left due, and a second pass finds nothing.
        expect(await app.service.sweepDue({ batch })).toEqual({ processed: 0, failed: 0 });
        snaps.push(await snapshot(app));
      } finally {
        await app.close();
        await db.cleanup();
      }
    }
    expect(snaps[0]!.disputes.every((d) => d.stage === 2)).toBe(true);
    expect(snaps[0]!.chains.every((c) => c.intact && c.chained > 2 && c.beforeChain === 0)).toBe(true);
    expect(snaps[1]).toEqual(snaps[0]);
  }, 180_000);

  it('[R5.2] retries a batch that cannot be written one dispute at a time: only the bad one waits', async () => {
    const db = await make();
    const app = await testApp({ ...(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {}), clock: new FakeClock(RAISED) });
    try {
      const refs = [];
      for (let i = 0; i < 5; i++) refs.push((await app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute())).dispute.reference);
      // A dispute the database refuses to update (as a broken row or a failing disk would).
      await app.db.sql.exec(`
        CREATE FUNCTION refuse_one() RETURNS trigger AS $$
        BEGIN IF NEW.reference = '${refs[2]}' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
        CREATE TRIGGER refuse_one BEFORE UPDATE ON "Dispute" FOR EACH ROW EXECUTE FUNCTION refuse_one();`);
      app.clock.set(SWEPT);
      expect(await app.service.sweepDue({ batch: 5 })).toEqual({ processed: 4, failed: 1 });
      const stages = new Map((await app.service.all()).map((d) => [d.reference, d.stage]));
      expect(refs.map((r) => stages.get(r))).toEqual([2, 2, 1, 2, 2]);
      // Once the problem is fixed, the next tick does the one that waited.
      await app.db.sql.exec('DROP TRIGGER refuse_one ON "Dispute"');
      expect(await app.service.sweepDue({ batch: 5 })).toEqual({ processed: 1, failed: 0 });
      expect(await app.db.prisma.historyEvent.count({ where: { type: 'ESCALATED' } })).toBe(5);
    } finally {
      await app.close();
      await db.cleanup();
    }
  }, 180_000);
});
