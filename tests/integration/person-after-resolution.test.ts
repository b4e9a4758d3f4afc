import { fundingDispute } from '../fixtures/disputes.ts';
import { FakeClock } from '../fakes/clock.ts';
import { DATABASES, testApp } from '../helpers/app.ts';

describe.each(DATABASES)('the person after resolution (%s)', (_name, make) => {
  it('[R8.3] the register sweeps a resolved dispute for its overdue person steps until the person is told of the outcome', async () => {
    const db = await make();
    const app = await testApp({ ...(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {}), clock: new FakeClock('2026-12-07T10:00:00Z') });
    try {
      const ali = { personId: 'ali-khan', platform: 'slack' as const };
      const ivy = { personId: 'ivy-nash', platform: 'slack' as const };
      const d = (await app.service.raise(ali, fundingDispute())).dispute;
      const input = { outcome: 'AGREEMENT' as const, effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 'ICB funds it.', basisNeed: 'n', basisTests: 't', basisRisk: 'r' };
      await app.service.act(ali, { id: d.id }, { type: 'PROPOSE_DECISION', input });
      await app.service.act(ali, { id: d.id }, { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
      await app.service.act(ivy, { id: d.id }, { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
      expect((await app.service.get({ id: d.id }))!.status).toBe('RESOLVED');
      app.clock.set('2026-12-14T17:05:00Z');
      expect(await app.service.sweepDue()).toEqual({ processed: 1, failed: 0 });
      const flagged = (await app.service.get({ id: d.id }))!.flags.filter((f) => f.code === 'PERSON_NOT_INFORMED');
      expect(flagged.length).toBeGreaterThan(0);
      await app.service.act(ali, { id: d.id }, { type: 'PERSON_STEP', step: 'EXPLAINED', note: null });
      app.clock.set('2026-12-21T17:05:00Z');
      // Told of the outcome: the dispute is no longer due, and nothing more is flagged.
      expect(await app.service.sweepDue()).toEqual({ processed: 0, failed: 0 });
      expect((await app.service.get({ id: d.id }))!.flags.filter((f) => f.code === 'PERSON_NOT_INFORMED')).toHaveLength(flagged.length);
    } finally {
      await app.close();
      await db.cleanup();
    }
  }, 120_000);
});
